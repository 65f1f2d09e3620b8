#!/bin/bash
# quarantine.sh - hold_mode store end to end through a real MTA: a private Postfix on 127.0.0.1
# with leakguard as its smtpd milter, a second smtpd without milters (the release relay) and
# smtp-sink as the outside world.
#   (a) incident.eml is held: Postfix accepts it, leakguard stores it and answers discard, so it
#       is neither delivered nor in Postfix's hold queue; the store has it with its envelope;
#   (b) leakguardctl release delivers it through the release smtpd to the sink, to every
#       envelope recipient; the sink's copy ends with the stored bytes, byte for byte (in front:
#       the release smtpd's Received: line and smtp-sink's X-Client-*/X-*-Args record); (c) a second release is a no-op; the audit
#       shows both; (d) two reviewers releasing one entry at once send it exactly once;
#   (e) a release to a relay that is down fails, the entry is held again, the audit says why;
#   (f) kill -9 of leakguard while its store is blocked by another process's write lock: Postfix
#       answers 4xx (the mail stays with the sender) and no half entry is visible.
# TAP output. Needs root, postfix, smtp-sink and swaks (sqlite3 for (f)); skipped otherwise.
# Ports from LG_TEST_PORT_FROM..LG_TEST_PORT_TO (default 10025..10099) on 127.0.0.1 only.

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

require_root "needs root to run a private Postfix instance"
SWAKS=${SWAKS:-$(command -v swaks)}
require_cmd "${POSTFIX:-postfix}" "${SMTP_SINK:-smtp-sink}" postqueue postconf "$SWAKS"
[ -n "$SWAKS" ] || skip_all "swaks is not installed"
LEAKGUARD=$top_builddir/leakguard
CTL=$top_builddir/leakguardctl
[ -x "$LEAKGUARD" ] && [ -x "$CTL" ] || skip_all "leakguard is not built ($LEAKGUARD)"
id nobody >/dev/null 2>&1 || skip_all "no user 'nobody' to run leakguard as"

. "$top_srcdir/contrib/postfix-private.sh"
. "$top_srcdir/tests/scenario/common.sh"

FX=$top_srcdir/tests/fixtures
from_port=${LG_TEST_PORT_FROM:-10025} to_port=${LG_TEST_PORT_TO:-10099}
PF_PORT=$(pick_port "$from_port" "$to_port") &&
	SINK_PORT=$(pick_port "$from_port" "$to_port" "$PF_PORT") &&
	REL_PORT=$(pick_port "$from_port" "$to_port" "$PF_PORT" "$SINK_PORT") &&
	DEAD_PORT=$(pick_port "$from_port" "$to_port" "$PF_PORT" "$SINK_PORT" "$REL_PORT") ||
	skip_all "no free ports in $from_port..$to_port"

lg_tmpdir quarantine || bail_out "cannot make a scratch directory"
T=$LG_TMP
PF=$T/pf
LG_SOCK=$T/lg/leakguard.sock
LG_LOG=$T/leakguard.log
LG_PID=
DB=$T/lg/q/quarantine.db
mkdir -p "$T/lg/spool" "$T/lg/q" && chown nobody "$T/lg/spool" "$T/lg/q" && chmod 700 "$T/lg/spool"

cleanup() {
	if [ -n "$LG_PID" ]; then
		kill "$LG_PID" 2>/dev/null
		wait_gone "$LG_PID" 5 || kill -9 "$LG_PID" 2>/dev/null
		wait "$LG_PID" 2>/dev/null
	fi
	[ -n "${LOCKER:-}" ] && kill "$LOCKER" 2>/dev/null
	pf_stop "$PF"
	sink_stop "$PF"
	if [ "$LG_TESTS_FAILED" -eq 0 ] && [ -z "${LG_KEEP_TMP:-}" ]; then
		rm -rf "$T"
	else
		echo "# scratch directory kept: $T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# lg_config RELEASE_URL FILE
lg_config() {
	cat >"$2" <<EOF
listen: "unix:$LG_SOCK"
user: nobody
socket_mode: "0666"
spool_dir: "$T/lg/spool"
internal_domains: [pref.example.lg.jp]
quarantine:
  url: "sqlite:$DB"
  hold_mode: store
  release:
    url: "$1"
    helo: release.test
    timeout: 20
policy:
  default_action: accept
  rules:
    - name: personal-data-external
      when: "findings.total >= 10 and recipients.external >= 1"
      action: hold
      reason: "This message carries personal data addressed outside the organisation."
EOF
}
lg_config "smtp://127.0.0.1:$REL_PORT" "$T/leakguard.yaml"
lg_config "smtp://127.0.0.1:$DEAD_PORT" "$T/dead-relay.yaml"

# ctl SUBCOMMAND ARGS...: leakguardctl with the scenario's configuration
ctl() {
	local sub=$1
	shift
	"$CTL" quarantine "$sub" -c "$T/leakguard.yaml" "$@"
}
held_count() { ctl list --status held | grep -c '^[0-9a-f]\{32\} '; }
entry_count() { ctl list | grep -c '^[0-9a-f]\{32\} '; }
sent_lines() { grep -c 'status=sent' "$PF/maillog"; }
# quarantined QID: the quarantine id leakguard logged for Postfix queue id QID
quarantined() { sed -n "s/.*queue_id=$1 .*quarantine=\([0-9a-f]\{32\}\).*/\1/p" "$LG_LOG" | tail -n 1; }

# ------------------------------------------------------------------------------- setup

if start_leakguard; then
	ok "leakguard (hold_mode store, SQLite) starts and listens on $LG_SOCK"
else
	not_ok "leakguard (hold_mode store, SQLite) starts and listens on $LG_SOCK"
	diag_file "$LG_LOG" 30
	done_testing
	exit
fi
if pf_setup "$PF" "$PF_PORT" "$SINK_PORT" "unix:$LG_SOCK" "$REL_PORT" 2>"$T/setup.err" &&
	sink_start "$PF" "$SINK_PORT" 2>>"$T/setup.err" && pf_start "$PF" 2>>"$T/setup.err" &&
	wait_for 10 pf__port_open "$REL_PORT"; then
	ok "private Postfix on :$PF_PORT (milter), release smtpd on :$REL_PORT (no milters), sink on :$SINK_PORT"
else
	not_ok "private Postfix, release smtpd and sink start"
	diag_file "$T/setup.err" 30
	diag_file "$PF/maillog" 30
	done_testing
	exit
fi

# ------------------------------------------------------------------------------- (a) held

inc_id=$(eml_msgid "$FX/incident.eml")
nrcpt=$(eml_rcpts "$FX/incident.eml" | wc -l)
send "$FX/incident.eml"
st=$?
QA=$QID
if [ $st -eq 0 ] && [ -n "$QA" ]; then
	ok "(a) incident.eml to $nrcpt recipients: Postfix accepts it (250, queued as $QA)"
else
	not_ok "(a) incident.eml: Postfix accepts it"
	diag_file "$SENT_OUT" 8
	diagnose
fi
if pf_wait_log "$PF" "$QA: milter-discard: END-OF-MESSAGE" 15 && pf_wait_idle "$PF" 30 &&
	[ "$(pf_hold_count "$PF")" -eq 0 ] && ! sink_has "$PF" "Message-ID: $inc_id" >/dev/null; then
	ok "(a) Postfix discards it on leakguard's word (milter-discard): not delivered, not in its hold queue"
else
	not_ok "(a) Postfix discards it (milter-discard): not delivered, not in its hold queue"
	diagnose
fi
ID=$(quarantined "$QA")
if [ -n "$ID" ] && grep -q "queue_id=$QA .*action=hold rules=personal-data-external" "$LG_LOG"; then
	ok "(a) leakguard logs queue_id=$QA action=hold quarantine=$ID"
else
	not_ok "(a) leakguard logs queue_id=$QA action=hold quarantine=ID"
	diagnose
fi
ctl show --json "$ID" >"$T/a.json" 2>&1
if grep -q "\"status\":\"held\"" "$T/a.json" && grep -q "\"queue_id\":\"$QA\"" "$T/a.json" &&
	grep -q "\"sender\":\"$(eml_from "$FX/incident.eml")\"" "$T/a.json" &&
	[ "$(grep -o '"recipients":\[[^]]*\]' "$T/a.json" | grep -o '@' | wc -l)" -eq "$nrcpt" ]; then
	ok "(a) the store has it as held, with the envelope sender, all $nrcpt envelope recipients and the queue id"
else
	not_ok "(a) the store has it as held, with the envelope and the queue id"
	diag_file "$T/a.json" 3
fi
ctl show --raw "$ID" >"$T/stored.eml"
# Postfix passes the milter the headers as the client sent them (not its own Received: line)
if cmp -s <(tr -d '\r' <"$T/stored.eml" | sed '/^$/q') <(sed '/^$/q' "$FX/incident.eml"); then
	ok "(a) the stored header section equals the original's, folding and order kept (CRLF line ends)"
else
	not_ok "(a) the stored header section equals the original's"
	diag_file "$T/stored.eml" 5
fi

# ------------------------------------------------------------------------------- (b) release

sent_before=$(sent_lines)
sink_before=$(sink_count "$PF")
ctl release "$ID" --reason "checked with the sender" --reviewer alice >"$T/rel1.out" 2>&1
st=$?
if [ $st -eq 0 ] && grep -q "released to $nrcpt recipients" "$T/rel1.out"; then
	ok "(b) leakguardctl release $ID: exit 0 ($(cat "$T/rel1.out"))"
else
	not_ok "(b) leakguardctl release $ID: exit 0"
	diag "exit $st" "$(cat "$T/rel1.out")"
	diagnose
fi
_sent_all() { [ $(($(sent_lines) - sent_before)) -ge "$nrcpt" ]; }
# Postfix's smtp client sends 50 recipients per transaction: the sink gets 3 copies of 144
if wait_for 30 _sent_all && pf_wait_idle "$PF" 30 && [ $(($(sent_lines) - sent_before)) -eq "$nrcpt" ] &&
	[ "$(sink_count "$PF")" -eq $((sink_before + (nrcpt + 49) / 50)) ]; then
	ok "(b) it is delivered once to each of the $nrcpt envelope recipients (status=sent; $(((nrcpt + 49) / 50)) sink transactions)"
else
	not_ok "(b) it reaches the sink once, for all $nrcpt envelope recipients"
	diag "sent lines: $(($(sent_lines) - sent_before)), sink: $(sink_count "$PF") (was $sink_before)"
	diagnose
fi
if [ "$(grep -c "queue_id=.*action=" "$LG_LOG")" -eq 1 ]; then
	ok "(b) the released message did not pass through leakguard again (one verdict line in all)"
else
	not_ok "(b) the released message did not pass through leakguard again"
	diag_file "$LG_LOG" 10
fi
sinkfile=$(sink_has "$PF" "Message-ID: $inc_id" | head -n 1)
# Compare: the sink's copy must end with the stored bytes; what comes before is what Postfix
# added on the way (Received: lines of the release smtpd and of smtp-sink's own record).
if [ -n "$sinkfile" ]; then
	tr -d '\r' <"$T/stored.eml" >"$T/stored.lf"
	tr -d '\r' <"$sinkfile" >"$T/sink.lf"
	s=$(stat -c %s "$T/stored.lf") k=$(stat -c %s "$T/sink.lf")
	# smtp-sink writes one more empty line at the end (for the end-of-data dot)
	k=$((k - 1))
	if [ "$k" -ge "$s" ] && head -c "$k" "$T/sink.lf" | tail -c "$s" | cmp -s - "$T/stored.lf"; then
		ok "(b) the sink's copy ends with the stored message byte for byte ($s bytes; line ends compared as LF)"
		head -c $((k - s)) "$T/sink.lf" | grep -v '^X-Rcpt-Args:' | sed 's/^/# added in front: /' | cut -c1-150
	else
		not_ok "(b) the sink's copy ends with the stored message byte for byte"
		diff <(head -n 20 "$T/stored.lf") <(head -n 20 "$T/sink.lf") | head -n 20 | sed 's/^/# /'
	fi
else
	not_ok "(b) the sink's copy ends with the stored message byte for byte (no copy in the sink)"
fi
if ctl show "$ID" | grep -q '^status: *released (by alice'; then
	ok "(b) the entry is now released (by alice)"
else
	not_ok "(b) the entry is now released (by alice)"
	ctl show "$ID" | head -n 3 | sed 's/^/# /'
fi

# ------------------------------------------------------------------------------- (c) again

ctl release "$ID" --reviewer bob >"$T/rel2.out" 2>&1
st=$?
sleep 1
pf_wait_idle "$PF" 10
if [ $st -eq 0 ] && grep -q "already released; nothing sent" "$T/rel2.out" &&
	[ $(($(sent_lines) - sent_before)) -eq "$nrcpt" ]; then
	ok "(c) a second release is a no-op: exit 0, \"already released\", nothing more in the sink"
else
	not_ok "(c) a second release is a no-op"
	diag "exit $st" "$(cat "$T/rel2.out")" "sent: $(($(sent_lines) - sent_before))"
fi
ctl audit >"$T/audit.out"
if grep -Eq "alice +release +$ID +done +checked with the sender" "$T/audit.out" &&
	grep -Eq "bob +release +$ID +already:released" "$T/audit.out"; then
	ok "(c) the audit shows alice's release (done, with her reason) and bob's (already:released)"
else
	not_ok "(c) the audit shows both releases"
	diag_file "$T/audit.out" 10
fi

# ------------------------------------------------------------------------------- (d) at once

send "$FX/incident.eml"
QD=$QID
_has_entry() { [ -n "$(quarantined "$QD")" ]; }
wait_for 15 _has_entry
ID2=$(quarantined "$QD")
sent_before=$(sent_lines)
ctl release "$ID2" --reviewer carol >"$T/race1.out" 2>&1 &
r1=$!
ctl release "$ID2" --reviewer dave >"$T/race2.out" 2>&1 &
r2=$!
wait $r1; s1=$?
wait $r2; s2=$?
_one_more() { [ $(($(sent_lines) - sent_before)) -ge "$nrcpt" ]; }
wait_for 30 _one_more
sleep 2
pf_wait_idle "$PF" 30
won=$(cat "$T/race1.out" "$T/race2.out" | grep -c "released to ")
noop=$(cat "$T/race1.out" "$T/race2.out" | grep -c "already released")
if [ -n "$ID2" ] && [ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [ "$won" -eq 1 ] && [ "$noop" -eq 1 ] &&
	[ $(($(sent_lines) - sent_before)) -eq "$nrcpt" ]; then
	ok "(d) two reviewers release $ID2 at once: one sends, the other is told it is already released; each recipient gets it once"
else
	not_ok "(d) two reviewers release at once: exactly one copy is sent"
	diag "exits $s1 $s2, won $won, no-op $noop, sent $(($(sent_lines) - sent_before))"
	diag "$(cat "$T/race1.out" "$T/race2.out")"
fi

# ------------------------------------------------------------------------------- (e) relay down

send "$FX/incident.eml"
QE=$QID
_has_entry_e() { [ -n "$(quarantined "$QE")" ]; }
wait_for 15 _has_entry_e
ID3=$(quarantined "$QE")
"$CTL" quarantine release -c "$T/dead-relay.yaml" "$ID3" --reviewer erin >"$T/dead.out" 2>&1
st=$?
if [ $st -eq 1 ] && grep -q "release failed: smtp://127.0.0.1:$DEAD_PORT" "$T/dead.out" &&
	ctl show "$ID3" | grep -q '^status: *held' &&
	ctl audit | grep -Eq "erin +hold +$ID3 +done +release failed: "; then
	ok "(e) a release to a relay that is down exits 1, the entry is held again, the audit gives the error"
else
	not_ok "(e) a release to a relay that is down exits 1, the entry is held again, the audit gives the error"
	diag "exit $st" "$(cat "$T/dead.out")" "id $ID3" "$(ctl list)" "$(ls -la "$T/lg/q")"
	ctl audit | tail -n 3 | sed 's/^/# /'
fi

# ------------------------------------------------------------------------------- (f) kill -9

if command -v sqlite3 >/dev/null 2>&1; then
	entries_before=$(entry_count)
	# another process takes the store's write lock; leakguard's put waits for it (busy timeout)
	mkfifo "$T/lock.fifo"
	sqlite3 "$DB" <"$T/lock.fifo" >"$T/lock.out" 2>&1 &
	LOCKER=$!
	exec 4>"$T/lock.fifo"
	echo "BEGIN IMMEDIATE;" >&4
	sleep 1
	send "$FX/incident.eml" &
	sender=$!
	_analysed() { grep -q '^ -> \.$' "$T/swaks.$((SENDS + 1)).log" 2>/dev/null; }
	wait_for 30 _analysed
	sleep 2	# the analysis takes well under a second; the put is then waiting for the lock
	exec 3>&2 2>/dev/null
	kill -9 "$LG_PID"
	wait "$LG_PID"
	exec 2>&3 3>&-
	LG_PID=
	wait $sender
	st=$?
	SENDS=$((SENDS + 1))
	SENT_OUT=$T/swaks.$SENDS.log
	echo "ROLLBACK;" >&4
	exec 4>&-
	wait "$LOCKER" 2>/dev/null
	LOCKER=
	if [ $st -ne 0 ] && grep -Eq '^<\*\* +4[0-9][0-9] ' "$SENT_OUT"; then
		ok "(f) leakguard killed -9 while its store was locked: Postfix answers 4xx, the mail stays with the sender"
	else
		not_ok "(f) leakguard killed -9 while its store was locked: Postfix answers 4xx"
		diag_file "$SENT_OUT" 8
	fi
	if [ "$(entry_count)" -eq "$entries_before" ] &&
		[ "$(sqlite3 "$DB" 'PRAGMA integrity_check;')" = ok ]; then
		ok "(f) no entry appeared ($entries_before before and after) and the database passes integrity_check"
	else
		not_ok "(f) no half entry is visible after kill -9"
		diag "entries $(entry_count), were $entries_before"
	fi
else
	skip "(f) kill -9 during a store" "sqlite3 (the command) is not installed"
	skip "(f) no half entry after kill -9" "sqlite3 (the command) is not installed"
fi

done_testing
