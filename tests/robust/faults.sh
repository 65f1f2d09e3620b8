#!/bin/bash
# faults.sh - fault scenarios through real MTAs (issues 6 and 7): a sender Postfix that retries
# like any MTA hands mail to a relay Postfix whose milter is leakguard (hold_mode store, SQLite),
# which relays to smtp-sink. For each scenario a batch of distinct messages (ordinary ones that
# the policy tags, incident ones that it holds) is sent while the fault is on, the fault is
# cleared, the sender's queue is flushed, and every message is counted: sent, delivered (each
# sink copy must carry leakguard's tag and its relay queue id a tag verdict in leakguard's log),
# held (quarantine entries, by the Message-ID in the stored bytes), deferred at the sender,
# lost (sent - delivered - held; must be 0), duplicates (must be 0: a retried hold is recognised).
#   (0) no fault;  (1) kill -9 of leakguard during a stream;  (1b) kill -9 while leakguard
#   holds a message's content (its spool file open);  (2) the store read-only;
#   (3) disk full: the store, then spool_dir, on a full tmpfs;  (4) kill -9 as a thread
#   enters a write to the store (strace's fault injection);  (5) leakguard stopped (SIGSTOP):
#   Postfix's milter timeouts.
# TAP output. Needs root, postfix, smtp-sink, strace; (3) needs mount -t tmpfs. Ports from
# LG_TEST_PORT_FROM..LG_TEST_PORT_TO (default 10025..10099) on 127.0.0.1 only.

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

require_root "needs root to run private Postfix instances"
require_cmd "${POSTFIX:-postfix}" "${SMTP_SINK:-smtp-sink}" postqueue postconf sendmail shuf strace timeout
LEAKGUARD=$top_builddir/leakguard
[ -x "$LEAKGUARD" ] && [ -x "$top_builddir/leakguardctl" ] || skip_all "leakguard is not built"
id nobody >/dev/null 2>&1 || skip_all "no user 'nobody' to run leakguard as"

. "$top_srcdir/contrib/postfix-private.sh"
. "$top_srcdir/tests/scenario/common.sh"
. "$top_srcdir/tests/robust/lib-relay.sh"

relay_init faults
DB=$T/lg/q/quarantine.db
lg_write_config "$T/leakguard.yaml" "sqlite:$DB"

# report NAME NTAG NHOLD DESC: count batch NAME and assert the clean outcome
report() {
	count_batch "$1"
	if batch_ok "$2" "$3"; then
		ok "$4: $DELIVERED delivered (tagged, scanned), $HELD held, each recipient copy once ($UDELIVERED + $UHELD = $UNITS), 0 lost"
	else
		not_ok "$4: $2 delivered, $3 held, nothing lost, duplicated, misplaced or unscanned"
		sink_unscanned "lgrobust.$1." | head -n 5 | sed 's/^/# unscanned: /'
		diagnose
		diag_file "$SP/maillog" 15
	fi
}

if start_leakguard; then
	ok "leakguard (hold_mode store, SQLite) listens on $LG_SOCK"
else
	not_ok "leakguard starts"
	diag_file "$LG_LOG" 30
	done_testing
	exit
fi
if relay_start_mtas; then
	ok "sender Postfix :$SP_PORT -> relay Postfix :$PF_PORT (milter leakguard, tempfail) -> sink :$SINK_PORT"
else
	not_ok "sender Postfix, relay Postfix and sink start"
	diag_file "$T/setup.err" 30
	diag_file "$PF/maillog" 20
	done_testing
	exit
fi
if [ "$("$PF_POSTCONF" -c "$PF/etc" -h milter_default_action)" = tempfail ]; then
	ok "relay main.cf: milter_default_action = tempfail, milter_{connect,command}_timeout = 5s, milter_content_timeout = 10s"
else
	not_ok "relay main.cf: milter_default_action = tempfail"
fi

# ------------------------------------------------------------------------------- (0) no fault

make_batch base 4 2
submit_batch base
settle 60
report base 4 2 "(0) no fault"

# ------------------------------------------------------------------------------- (1) kill -9

make_batch kill 30 10
v0=$(verdicts)
submit_batch kill 0.2 &	# a stream of 40 messages over about 8 s
submitter=$!
_some_verdicts() { [ $(($(verdicts) - v0)) -ge 5 ]; }
wait_for 60 _some_verdicts
lg_kill9
killed_after=$(($(verdicts) - v0))
wait $submitter
SENT=$(cat "$T/sent-count.kill")
_deferred_some() { [ "$(sp_deferred_msgids | grep -c '\.kill\.')" -ge 1 ]; }
wait_for 30 _deferred_some
before_restart=$(sink_msgids | grep -c '\.kill\.')
sleep 3
during=$(($(sink_msgids | grep -c '\.kill\.') - before_restart))
if [ "$during" -eq 0 ] && [ "$(sp_pending)" -gt 0 ] &&
	grep -Eq 'postfix-lgsender/smtp.*status=deferred.* said: 4[0-9][0-9] ' "$SP/maillog"; then
	ok "(1) leakguard killed -9 after $killed_after verdicts, during the stream: the relay answers 4xx, $(sp_pending) messages wait at the sender, nothing reaches the sink meanwhile"
	grep -Eo 'said: 4[0-9][0-9] .*' "$SP/maillog" | sort | uniq -c | head -n 4 | sed 's/^/# /'
else
	not_ok "(1) leakguard killed -9: 4xx, the mail waits at the sender"
	diag "delivered while down: $during, queued at sender: $(sp_pending)"
	diag_file "$SP/maillog" 10
fi
if start_leakguard; then
	settle 120
	report kill 30 10 "(1) after the restart and retries"
	check "(1) $DEFERRED messages were deferred at the sender and delivered or held on retry" \
		test "$DEFERRED" -ge 1
else
	not_ok "(1) leakguard restarts"
	diag_file "$LG_LOG" 10
fi

# ------------------------------------------------------------------------------ (1b) kill in a message

# kill9_when TIMEOUT TEST: kill -9 leakguard the moment TEST is true (polled without a pause);
# true if it did within TIMEOUT seconds
kill9_when() {
	local end=$((SECONDS + $1))
	while [ $SECONDS -lt $end ]; do
		if "$2"; then
			lg_kill9
			return 0
		fi
	done
	return 1
}

# _in_message: leakguard holds a message's content: the spool file (limits.spool_memory is 1M,
# so a 3 MB message spills to an unlinked file in spool_dir) is open between the first body
# chunk and the verdict
_in_message() { ls -l "/proc/$LG_PID/fd" 2>/dev/null | grep -q " $T/lg/spool/"; }

make_batch mid 0 6 3000
eod0=$(grep -c 'postfix-lgsender/smtp.*status=deferred.* said: 4[0-9][0-9] .*(in reply to end of DATA command)' "$SP/maillog")
submit_batch mid
mkills=0
for i in 1 2 3; do
	kill9_when 40 _in_message || break
	mkills=$((mkills + 1))
	start_leakguard || break
done
eod=$(($(grep -c 'postfix-lgsender/smtp.*status=deferred.* said: 4[0-9][0-9] .*(in reply to end of DATA command)' "$SP/maillog") - eod0))
if [ $mkills -ge 1 ] && [ $eod -ge 1 ]; then
	ok "(1b) leakguard killed -9 $mkills times while it held a message's content; the relay answered 4xx at end of DATA ($eod deferral lines at the sender, one a recipient)"
	grep -Eo 'said: 4[0-9][0-9] .*\(in reply to end of DATA command\)' "$SP/maillog" | sort | uniq -c | head -n 2 | sed 's/^/# /'
else
	not_ok "(1b) leakguard killed -9 inside a message: 4xx at end of DATA"
	diag "kills $mkills, deferrals at end of DATA $eod"
	diag_file "$SP/maillog" 10
fi
[ -n "$LG_PID" ] || start_leakguard
settle 180
report mid 0 6 "(1b) after the kills inside messages and the retries"

# ------------------------------------------------------------------------------- (2) read-only

lg_stop
chown root:root "$T/lg/q" "$DB"* && chmod 0755 "$T/lg/q" && chmod 0644 "$DB"*
start_leakguard || not_ok "(2) leakguard starts with the store read-only"
make_batch ro 6 6
submit_batch ro
_ro_settled() {
	[ "$(sink_msgids | grep -c '\.ro\.tag\.')" -eq 6 ] &&
		[ "$(sp_deferred_msgids | grep -c '\.ro\.hold\.')" -eq 6 ] && [ "$(sp_pending)" -eq 6 ]
}
wait_for 90 _ro_settled
failed=$(grep -c 'quarantine store: .*answering tempfail' "$LG_LOG")
if _ro_settled && [ "$(store_msgids | grep -c '\.ro\.')" -eq 0 ] &&
	[ "$(sink_msgids | grep -c '\.ro\.hold\.')" -eq 0 ] && [ "$(sp_pending)" -eq 6 ] &&
	[ "$failed" -ge 6 ]; then
	ok "(2) store read-only: the 6 tagged mails are delivered, the 6 to hold are answered 4xx ($failed tempfails logged) and stay queued at the sender"
	grep -o 'quarantine store: .*' "$LG_LOG" | sort | uniq -c | head -n 2 | sed 's/^/# /'
else
	not_ok "(2) store read-only: holds answered tempfail, kept at the sender"
	diag "tagged delivered: $(sink_msgids | grep -c '\.ro\.tag\.'), holds deferred: $(sp_deferred_msgids | grep -c '\.ro\.hold\.'), in store: $(store_msgids | grep -c '\.ro\.'), queued: $(sp_pending), tempfails: $failed"
	diagnose
fi
chown nobody "$T/lg/q" "$DB"* && chmod 0600 "$DB"*
settle 90
report ro 6 6 "(2) after the store is writable again and the sender retried"

# ------------------------------------------------------------------------------- (3) disk full

FULL=$T/full
mkdir -p "$FULL"
if mount -t tmpfs -o size=2m,mode=0755 lgtest-full "$FULL" 2>"$T/mount.err"; then
	UNMOUNT="$FULL"
	mkdir -p "$FULL/q" "$FULL/spool" && chown nobody "$FULL/q" "$FULL/spool" &&
		chmod 700 "$FULL/spool"
	# (3a) the store on the full file system (the spool, in memory, is fine)
	lg_write_config "$T/full-store.yaml" "sqlite:$FULL/q/quarantine.db"
	CTL_CONFIG=$T/full-store.yaml ctlq list >/dev/null	# create the database while there is room
	chown nobody "$FULL/q"/quarantine.db*
	dd if=/dev/zero of="$FULL/fill" bs=4k >/dev/null 2>&1
	lg_stop
	cp "$T/full-store.yaml" "$T/leakguard.yaml"
	start_leakguard || not_ok "(3a) leakguard starts"
	make_batch full 4 4
	submit_batch full
	_full_settled() {
		[ "$(sink_msgids | grep -c '\.full\.tag\.')" -eq 4 ] &&
			[ "$(sp_deferred_msgids | grep -c '\.full\.hold\.')" -eq 4 ] && [ "$(sp_pending)" -eq 4 ]
	}
	wait_for 90 _full_settled
	# (whether anything got into the store meanwhile shows after the retries: each entry once)
	if _full_settled && [ "$(sp_pending)" -eq 4 ] && [ "$(sink_msgids | grep -c '\.full\.hold\.')" -eq 0 ]; then
		ok "(3a) store on a full disk: holds answered 4xx, queued at the sender ($(df -k --output=avail "$FULL" | tail -n 1 | tr -d ' ') KiB free); tagged mail delivered"
		grep -o 'quarantine store: .*' "$LG_LOG" | tail -n 1 | sed 's/^/# /'
	else
		not_ok "(3a) store on a full disk: holds answered 4xx, queued at the sender"
		diag "queued $(sp_pending), holds deferred $(sp_deferred_msgids | grep -c '\.full\.hold\.')"
		diagnose
	fi
	rm -f "$FULL/fill"
	settle 90
	CTL_CONFIG=$T/full-store.yaml
	report full 4 4 "(3a) after space is freed and the sender retried"
	CTL_CONFIG=
	# (3b) spool_dir on the full file system, every message spooled to a file
	lg_write_config "$T/full-spool.yaml" "sqlite:$DB" "$FULL/spool" 0
	lg_stop
	cp "$T/full-spool.yaml" "$T/leakguard.yaml"
	dd if=/dev/zero of="$FULL/fill" bs=4k >/dev/null 2>&1
	start_leakguard || not_ok "(3b) leakguard starts"
	make_batch spool 4 4
	submit_batch spool
	_spool_settled() { [ "$(sp_deferred_msgids | grep -c '\.spool\.')" -eq 8 ] && [ "$(sp_pending)" -eq 8 ]; }
	wait_for 90 _spool_settled
	if _spool_settled && [ "$(sp_pending)" -eq 8 ] && [ "$(sink_msgids | grep -c '\.spool\.')" -eq 0 ]; then
		ok "(3b) spool_dir on a full disk: every message answered 4xx and queued at the sender, none delivered unscanned"
		grep -Eo 'queue_id=[^ ]*: .*answering tempfail' "$LG_LOG" | tail -n 1 | sed 's/^/# /'
	else
		not_ok "(3b) spool_dir on a full disk: everything answered 4xx"
		diag "queued $(sp_pending), deferred $(sp_deferred_msgids | grep -c '\.spool\.'), delivered $(sink_msgids | grep -c '\.spool\.')"
		diagnose
	fi
	rm -f "$FULL/fill"
	settle 90
	report spool 4 4 "(3b) after space is freed and the sender retried"
	lg_stop
	lg_write_config "$T/leakguard.yaml" "sqlite:$DB"
	start_leakguard || not_ok "leakguard restarts with the first configuration"
else
	skip "(3a) store on a full disk" "mount -t tmpfs is not permitted: $(head -c 200 "$T/mount.err")"
	skip "(3a) after space is freed" "no tmpfs"
	skip "(3b) spool_dir on a full disk" "no tmpfs"
	skip "(3b) after space is freed" "no tmpfs"
fi

# ------------------------------------------------------------------------------- (4) kill in store

# kill_in_store WHEN TAG [COMMAND...]: SIGKILL leakguard as soon as one of its threads enters its
# WHEN-th write, pwrite64, writev, fsync or fdatasync on the quarantine database or its WAL:
# strace follows every thread of the front (and those started later) and injects the signal
# (strace counts per thread; -P counts only calls on those files). Polling /proc for such a
# call missed it in a CI run: a WAL append takes microseconds. COMMAND runs once strace is
# attached; then the sender's queue is flushed every second, so the retries come while strace
# waits. True when leakguard died so within 60 s; KILL_SYSCALL names the call.
kill_in_store() {
	local when=$1 out=$T/k9.strace.$2 sc=write,pwrite64,writev,fsync,fdatasync
	shift 2
	KILL_SYSCALL=
	timeout 60 strace -qq -f -p "$LG_PID" -o "$out" -P "$DB" -P "$DB-wal" -e trace=$sc \
		-e inject=$sc:signal=KILL:when="$when" 2>"$out.err" &
	local st=$! i
	for i in $(seq 50); do
		grep -q '^TracerPid:[[:space:]]*[1-9]' "/proc/$LG_PID/status" 2>/dev/null && break
		sleep 0.1
	done
	[ $# -eq 0 ] || "$@"
	while kill -0 "$st" 2>/dev/null; do
		pf_flush "$SP" 2>/dev/null
		sleep 1
	done
	wait "$st" 2>/dev/null
	grep -q 'killed by SIGKILL' "$out" || return 1
	KILL_SYSCALL=$(grep -E '^[0-9]+ +(write|pwrite64|writev|fsync|fdatasync)\(' "$out" |
		tail -n 1 | sed -E 's/^[0-9]+ +([a-z0-9]+)\(.*/\1/')
	lg_reap
}

make_batch k9 0 12 2048
kills=0 how='' first="submit_batch k9"
for w in 2 5 3; do
	# shellcheck disable=SC2086
	if kill_in_store "$w" "$kills" $first; then
		kills=$((kills + 1))
		how="$how ${KILL_SYSCALL:-?}#$w"
		start_leakguard || break
	else
		diag "no kill at store call $w: $(head -c 300 "$T/k9.strace.$kills.err" 2>/dev/null)"
	fi
	first=
done
if [ $kills -ge 3 ]; then
	ok "(4) leakguard killed -9 $kills times as a thread entered a store write (call#n, n-th store call of that thread:${how})"
else
	not_ok "(4) leakguard killed -9 inside a store, three times"
	diag "kills $kills:$how"
fi
[ -n "$LG_PID" ] || start_leakguard
settle 180
count_batch k9
# every entry must be whole: readable, and its bytes (after the relay-side Received: line) end
# with the message that was sent, byte for byte
bad=0 checked=0 k9entries=0
while read -r id m; do
	case $m in lgrobust.k9.*) ;; *) continue ;; esac
	k9entries=$((k9entries + 1))
	i=${m#lgrobust.k9.hold.}
	i=${i%@sender.test}
	ctlq show --raw "$id" | tr -d '\r' >"$T/k9.stored"
	s=$(stat -c %s "$T/batch/k9/hold-$i.eml")
	if tail -c "$s" "$T/k9.stored" | cmp -s - "$T/batch/k9/hold-$i.eml"; then
		checked=$((checked + 1))
	else
		bad=$((bad + 1))
		diag "entry $id ($m): stored bytes differ from the sent message"
	fi
done < <(store_msgids)
unreadable=$(store_msgids | grep -c ' -$')
if [ "$LOST" -eq 0 ] && [ "$HELD" -eq 12 ] && [ "$UDELIVERED" -eq 0 ] && [ "$PENDING" -eq 0 ] &&
	[ $bad -eq 0 ] && [ $checked -eq $k9entries ] && [ "$unreadable" -eq 0 ]; then
	ok "(4) after the kills and retries: all 12 held ($UHELD recipient copies in $k9entries entries), every entry whole (ends with the sent message byte for byte), 0 lost"
else
	not_ok "(4) after the kills: all held, every entry whole"
	diag "held $HELD, lost $LOST, queued $PENDING, whole $checked of $k9entries, differing $bad, unreadable $unreadable"
fi
# Duplicates: an entry committed by a daemon killed before it answered was never acknowledged;
# the sender retried. The store recognises the retry (same envelope and bytes, still held) and
# answers with the entry's id, so there must be no duplicate copy and no entry that no verdict
# line names (the retry's verdict names the entry the killed daemon committed).
all_orphans=0
for id in $(store_ids); do grep -q "quarantine=$id" "$LG_LOG" || all_orphans=$((all_orphans + 1)); done
retries=$(grep -c "already held as .* (a retry after a lost answer)" "$LG_LOG")
if [ "$DUPS" -eq 0 ] && [ "$ORPHANS" -eq 0 ] && [ "$all_orphans" -eq 0 ]; then
	ok "(4) no duplicate: 0 duplicate recipient copies, every entry named by a verdict ($retries retries recognised as already held after the $kills kills)"
else
	not_ok "(4) no duplicate entry after the kills"
	diag "duplicate copies $DUPS, entries without a verdict $ORPHANS ($ORPHAN_UNITS copies, $UNTWINNED without twin), in the whole store $all_orphans; retries recognised $retries"
fi
if command -v sqlite3 >/dev/null 2>&1; then
	check "(4) the SQLite database passes integrity_check" \
		test "$(sqlite3 "$DB" 'PRAGMA integrity_check;' 2>&1)" = ok
else
	skip "(4) integrity_check" "sqlite3 (the command) is not installed"
fi

# ------------------------------------------------------------------------------- (5) SIGSTOP

make_batch stop 6 3
kill -STOP "$LG_PID"
t0=$SECONDS
submit_batch stop
_stop_deferred() { [ "$(sp_deferred_msgids | grep -c '\.stop\.')" -eq 9 ]; }
wait_for 240 _stop_deferred	# 105 s seen under ASan on a loaded machine
if _stop_deferred && [ "$(sink_msgids | grep -c '\.stop\.')" -eq 0 ] &&
	[ "$(store_msgids | grep -c '\.stop\.')" -eq 0 ]; then
	ok "(5) leakguard stopped: every message deferred after the relay's milter timeout ($((SECONDS - t0)) s), none delivered or stored"
	grep -Eo 'milter unix:[^ ]*: .*' "$PF/maillog" | sed 's/after [0-9]* s//' | sort | uniq -c | head -n 3 | sed 's/^/# /'
else
	not_ok "(5) leakguard stopped: every message deferred, none delivered"
	diag "deferred $(sp_deferred_msgids | grep -c '\.stop\.'), delivered $(sink_msgids | grep -c '\.stop\.')"
	diagnose
fi
kill -CONT "$LG_PID"
settle 120
report stop 6 3 "(5) after SIGCONT and the sender's retries"
if kill -0 "$LG_PID" 2>/dev/null && ! grep -Eq '^[^ :]+: (fatal|panic): |ERROR: [A-Za-z]*Sanitizer|runtime error: ' "$LG_LOG"; then
	ok "leakguard is still running and its log has no fatal, panic or sanitizer line"
else
	not_ok "leakguard is still running, no fatal line"
	grep -E '^[^ :]+: (fatal|panic): |ERROR: [A-Za-z]*Sanitizer|runtime error: ' "$LG_LOG" | head -n 5 | sed 's/^/# /'
fi

done_testing
