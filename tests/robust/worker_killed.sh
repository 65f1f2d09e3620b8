#!/bin/bash
# worker_killed.sh - fault scenario "a worker killed mid-scan", through a real MTA: a private
# Postfix on 127.0.0.1 with leakguard (two analysis workers) as its milter, smtp-sink outside.
#   (a) a large stock list (no personal data) is delivered when its worker is left alone;
#   (b) three times, the worker scanning that same list is killed with SIGKILL: each copy is held
#       (not scannable: "worker failed", fail closed for external recipients), the kill is
#       logged at error with the queue id and the signal, and a new worker takes over;
#   (c) load: three senders, 30 messages (stock lists, ordinary mail, the incident mail) while
#       every worker seen scanning a message is killed, one a second: every message is counted
#       as delivered, held or deferred (4xx) with sent = delivered + held + deferred, nothing
#       is lost, and nothing is delivered unscanned (each delivered message has leakguard's
#       accept verdict and no "worker failed"; each "worker failed" message is held);
#   (d) the spawner killed: (d1) the spawner and all its workers killed with SIGKILL, then six
#       messages: the death is logged, a new spawner (leakguard executed again, as the run-as
#       user, no signal blocked) starts, and every message is scanned (accept verdict and
#       delivered, or held by the personal-data rule); (d2) three senders, 18 messages, while
#       the spawner and its workers are killed every 3 s: sent = delivered + held + deferred
#       (451 while a spawner that died young waits out its back-off), nothing lost, nothing
#       delivered unscanned; (d3) after the last back-off, mail is scanned again.
# The busy worker is told from the idle one by the message it has mapped (/proc/PID/maps: the
# spool file or the sealed memfd). TAP output; needs root, postfix, smtp-sink and swaks. Ports
# from LG_TEST_PORT_FROM..LG_TEST_PORT_TO (default 10025..10099) on 127.0.0.1 only.

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

require_root "needs root to run a private Postfix instance"
SWAKS=${SWAKS:-$(command -v swaks)}
require_cmd "${POSTFIX:-postfix}" "${SMTP_SINK:-smtp-sink}" postqueue postconf "$SWAKS"
[ -n "$SWAKS" ] || skip_all "swaks is not installed"
LEAKGUARD=$top_builddir/leakguard
[ -x "$LEAKGUARD" ] || skip_all "leakguard is not built ($LEAKGUARD)"
id nobody >/dev/null 2>&1 || skip_all "no user 'nobody' to run leakguard as"

. "$top_srcdir/contrib/postfix-private.sh"
. "$top_srcdir/tests/scenario/common.sh"

FX=$top_srcdir/tests/fixtures
PF_PORT=$(pick_port "${LG_TEST_PORT_FROM:-10025}" "${LG_TEST_PORT_TO:-10099}") &&
	SINK_PORT=$(pick_port "${LG_TEST_PORT_FROM:-10025}" "${LG_TEST_PORT_TO:-10099}" "$PF_PORT") ||
	skip_all "no free port in ${LG_TEST_PORT_FROM:-10025}..${LG_TEST_PORT_TO:-10099}"

lg_tmpdir workerkill || bail_out "cannot make a scratch directory"
T=$LG_TMP
PF=$T/pf
LG_SOCK=$T/lg/leakguard.sock
LG_LOG=$T/leakguard.log
LG_PID=
KILLER=
mkdir -p "$T/lg/spool" "$T/msg" && chown nobody "$T/lg/spool" && chmod 700 "$T/lg/spool"

cleanup() {
	[ -n "$KILLER" ] && kill "$KILLER" 2>/dev/null
	if [ -n "$LG_PID" ]; then
		kill "$LG_PID" 2>/dev/null
		wait_gone "$LG_PID" 5 || kill -9 "$LG_PID" 2>/dev/null
		wait "$LG_PID" 2>/dev/null
	fi
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

# Two workers; limits high enough that the stock list is read whole (seconds of analysis).
cat >"$T/leakguard.yaml" <<EOF
listen: "unix:$LG_SOCK"
user: nobody
socket_mode: "0666"
spool_dir: "$T/lg/spool"
internal_domains: [pref.example.lg.jp]
limits: {part_size: 100M, text_size: 100M}
workers: {count: 2, timeout: 300}
policy:
  rules:
    - name: personal-data-external
      when: "findings.total >= 10 and recipients.external >= 1"
      action: hold
    - name: unscannable-external
      when: "attachments.unscannable >= 1 and recipients.external >= 1"
      action: hold
EOF

# stock N: a large CSV of stock items (no personal data) to an outside partner, Message-ID
# <stock-N@pref.example.lg.jp>
stock() {
	awk -v n="$1" 'BEGIN {
		printf "From: ichiro.suzuki@pref.example.lg.jp\r\nTo: tanaka@corp.example.co.jp\r\n"
		printf "Subject: stock list %s\r\nMessage-ID: <stock-%s@pref.example.lg.jp>\r\n", n, n
		printf "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
		printf "--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nthe stock list\r\n"
		printf "--b\r\nContent-Type: text/csv; charset=us-ascii\r\n"
		printf "Content-Disposition: attachment; filename=\"stock.csv\"\r\n\r\nsku,qty,price,note\r\n"
		for (i = 0; i < 200000; i++)
			printf "sku-%06d,%d,%d.%02d,lorem ipsum dolor sit amet consectetur\r\n", i,
				i % 97, i % 1000, i % 100
		printf "--b--\r\n"
	}' >"$T/msg/stock-$1.eml"
	echo "$T/msg/stock-$1.eml"
}

# copy_of FILE TAG: FILE with its Message-ID made unique
copy_of() {
	local out=$T/msg/$2.eml
	sed "s/^Message-ID: <\([^@]*\)@/Message-ID: <\1.$2@/I" "$1" >"$out"
	echo "$out"
}

# workers: the analysis workers' pids (leakguard's children but the spawner)
workers() {
	local sp
	sp=$(sed -n 's/.*worker pool: spawner \([0-9]*\).*/\1/p' "$LG_LOG" | tail -n 1)
	ps -o pid= --ppid "$LG_PID" 2>/dev/null | tr -d ' ' | grep -vx "${sp:-none}"
}

# busy_worker: a worker that has a message mapped (mid-scan), or nothing
busy_worker() {
	local w
	for w in $(workers); do
		grep -qE 'leakguard\.[A-Za-z0-9]{6} \(deleted\)|memfd:leakguard-message' \
			"/proc/$w/maps" 2>/dev/null && { echo "$w"; return 0; }
	done
	return 1
}

# kill_busy TIMEOUT: SIGKILL the first worker seen mid-scan; prints its pid
kill_busy() {
	local w i=0
	while [ $i -lt $(($1 * 20)) ]; do
		w=$(busy_worker) && kill -9 "$w" 2>/dev/null && { echo "$w"; return 0; }
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

in_hold() { pf_hold_ids "$PF" | grep -qx "$1"; }
lg_logged() { grep -Eq -- "$1" "$LG_LOG"; }
delivered() { sink_has "$PF" "Message-ID: $(eml_msgid "$1")" >/dev/null; }

if start_leakguard; then
	ok "leakguard starts with two workers and listens on $LG_SOCK"
else
	not_ok "leakguard starts with two workers and listens on $LG_SOCK"
	diag_file "$LG_LOG" 30
	done_testing
	exit
fi
if pf_setup "$PF" "$PF_PORT" "$SINK_PORT" "unix:$LG_SOCK" 2>"$T/setup.err" &&
	pf_set "$PF" message_size_limit=104857600 milter_content_timeout=600s &&
	sink_start "$PF" "$SINK_PORT" 2>>"$T/setup.err" && pf_start "$PF" 2>>"$T/setup.err"; then
	ok "private Postfix on 127.0.0.1:$PF_PORT with leakguard as its milter, sink on :$SINK_PORT"
else
	not_ok "private Postfix on 127.0.0.1:$PF_PORT and sink on :$SINK_PORT start"
	diag_file "$T/setup.err" 30
	diag_file "$PF/maillog" 30
	done_testing
	exit
fi

# ------------------------------------------------------------------------ (a) left alone

f=$(stock 0)
if send "$f" && [ -n "$QID" ] && pf_wait_idle "$PF" 60 && delivered "$f" &&
	lg_logged "queue_id=$QID .*action=accept .*unscannable=0"; then
	ok "(a) the stock list ($(($(stat -c %s "$f") / 1048576)) MB, no personal data) is scanned and delivered"
else
	not_ok "(a) the stock list is scanned and delivered"
	diagnose
fi

# ------------------------------------------------------------------------ (b) killed mid-scan

for n in 1 2 3; do
	f=$(stock "$n")
	log=$T/swaks.$((SENDS + 1)).log
	send "$f" &	# in a subshell: its SENDS and QID stay there
	sender=$!
	victim=$(kill_busy 120)
	wait "$sender"
	st=$?
	SENDS=$((SENDS + 1))
	QID=$(sed -n 's/^<- *250 .*queued as \([0-9A-Za-z]*\).*/\1/p' "$log" 2>/dev/null | tail -n 1)
	if [ -n "$victim" ] && [ $st -eq 0 ] && [ -n "$QID" ] && wait_for 15 in_hold "$QID" &&
		! delivered "$f"; then
		ok "(b$n) worker $victim killed mid-scan: the message ($QID) is held, not delivered"
	else
		not_ok "(b$n) a worker killed mid-scan: the message is held, not delivered"
		diag "victim '$victim', swaks $st, queue id '$QID'"
		diagnose
	fi
	if grep -Eq "$QID: worker $victim failed .*killed by signal 9" "$LG_LOG" &&
		grep -Eq "queue_id=$QID .*action=hold rules=unscannable-external .*error=worker failed" \
			"$LG_LOG"; then
		ok "(b$n) logged: worker $victim killed by signal 9, queue_id=$QID held as error=worker failed"
	else
		not_ok "(b$n) the kill and the hold are logged with the queue id"
		diagnose
	fi
done
before=$(grep -c 'worker [0-9]* started' "$LG_LOG")
f=$(copy_of "$FX/ordinary.eml" after)
if send "$f" && [ -n "$QID" ] && pf_wait_idle "$PF" 30 && delivered "$f" &&
	grep -Eq "queue_id=$QID .*action=accept" "$LG_LOG"; then
	ok "(b) then ordinary mail is scanned and delivered ($before workers started so far)"
else
	not_ok "(b) then ordinary mail is scanned and delivered"
	diagnose
fi

# ------------------------------------------------------------------------ (c) load

killer() {
	while :; do
		kill_busy 1 >>"$T/killed" && sleep 1
	done
}
: >"$T/killed"
killer &
KILLER=$!
sender_run() {
	local s=$1 i f kind
	for i in $(seq 1 10); do
		case $(((s + i) % 3)) in
		0) kind=stock; f=$(stock "c$s-$i") ;;
		1) kind=ordinary; f=$(copy_of "$FX/ordinary.eml" "o$s-$i") ;;
		2) kind=incident; f=$(copy_of "$FX/incident.eml" "i$s-$i") ;;
		esac
		"$SWAKS" --server "127.0.0.1:$PF_PORT" --helo client.test --timeout 600 \
			--from "$(eml_from "$f")" --to "$(eml_rcpts "$f" | paste -sd, -)" \
			--data "$f" >"$T/load.$s.$i.log" 2>&1 </dev/null
		echo "$? $kind $f $T/load.$s.$i.log" >>"$T/sent.$s"
	done
}
sender_run 1 &
s1=$!
sender_run 2 &
s2=$!
sender_run 3 &
s3=$!
wait $s1 $s2 $s3
kill "$KILLER" 2>/dev/null
wait "$KILLER" 2>/dev/null
KILLER=
pf_wait_idle "$PF" 120

sent=0 deferred=0 delivered_n=0 held=0 lost=0 unscanned=0 failed_held=0 rejected=0
kills=$(grep -c . "$T/killed")
cat "$T"/sent.* >"$T/sent"
while read -r st kind f log; do
	sent=$((sent + 1))
	qid=$(sed -n 's/^<- *250 .*queued as \([0-9A-Za-z]*\).*/\1/p' "$log" | tail -n 1)
	if [ -z "$qid" ]; then
		if grep -q '^<\*\* *4[0-9][0-9]' "$log"; then
			deferred=$((deferred + 1))
		else
			rejected=$((rejected + 1))
			diag "$kind $f: neither queued nor deferred (swaks $st)"
		fi
		continue
	fi
	if delivered "$f"; then
		delivered_n=$((delivered_n + 1))
		grep -Eq "queue_id=$qid .*action=accept " "$LG_LOG" &&
			! grep -q "queue_id=$qid .*error=worker failed" "$LG_LOG" || {
			unscanned=$((unscanned + 1))
			diag "$kind $qid delivered without an accept verdict from a scan"
		}
	elif in_hold "$qid"; then
		held=$((held + 1))
		grep -q "queue_id=$qid .*error=worker failed" "$LG_LOG" && failed_held=$((failed_held + 1))
	else
		lost=$((lost + 1))
		diag "$kind $qid: neither delivered nor held"
	fi
done <"$T/sent"
failed_total=$(grep -c "error=worker failed" "$LG_LOG")
if [ "$sent" -eq 30 ] && [ $((delivered_n + held + deferred)) -eq "$sent" ] && [ "$lost" -eq 0 ] &&
	[ "$rejected" -eq 0 ]; then
	ok "(c) sent $sent = delivered $delivered_n + held $held + deferred $deferred: nothing lost"
else
	not_ok "(c) sent = delivered + held + deferred, nothing lost"
	diag "sent $sent delivered $delivered_n held $held deferred $deferred lost $lost rejected $rejected"
	diagnose
fi
if [ "$unscanned" -eq 0 ] && [ "$delivered_n" -gt 0 ]; then
	ok "(c) nothing delivered unscanned: each of the $delivered_n delivered has its accept verdict"
else
	not_ok "(c) nothing delivered unscanned"
	diagnose
fi
if [ "$kills" -gt 0 ] && [ "$failed_held" -gt 0 ]; then
	ok "(c) $kills workers killed mid-scan under load; $failed_held messages held as 'worker failed'"
else
	not_ok "(c) workers were killed mid-scan under load and their messages held"
	diag "kills $kills, held as worker failed $failed_held"
	diagnose
fi
diag "(c) 'worker failed' verdicts in the whole run: $failed_total; workers started: $(grep -c 'worker [0-9]* started' "$LG_LOG")"
# ------------------------------------------------------------------------ (d) spawner killed

# children: leakguard's child processes (the spawner and the workers), one pid a line
children() { ps -o pid= --ppid "$LG_PID" 2>/dev/null | tr -d ' '; }
# spawner: the spawner now in use (the last one logged)
spawner() { sed -n 's/.*worker pool: spawner \([0-9]*\).*/\1/p' "$LG_LOG" | tail -n 1; }
# kill_all: SIGKILL the spawner and every worker; prints how many
kill_all() {
	local p n=0
	for p in $(children); do
		kill -9 "$p" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}
# count_d LIST: classify the messages of LIST (lines "kind file swaks-log") as delivered, held,
# deferred; sets d_sent d_delivered d_held d_deferred d_lost d_unscanned d_scanned_held
count_d() {
	local kind f log qid
	d_sent=0 d_delivered=0 d_held=0 d_deferred=0 d_lost=0 d_unscanned=0 d_scanned_held=0
	while read -r kind f log; do
		d_sent=$((d_sent + 1))
		qid=$(sed -n 's/^<- *250 .*queued as \([0-9A-Za-z]*\).*/\1/p' "$log" | tail -n 1)
		if [ -z "$qid" ]; then
			if grep -q '^<\*\* *451 4.7.1' "$log"; then
				d_deferred=$((d_deferred + 1))
			else
				d_lost=$((d_lost + 1))
				diag "$kind $f: neither queued nor deferred by leakguard"
			fi
			continue
		fi
		if delivered "$f"; then
			d_delivered=$((d_delivered + 1))
			grep -Eq "queue_id=$qid .*action=accept .*unscannable=0 " "$LG_LOG" || {
				d_unscanned=$((d_unscanned + 1))
				diag "$kind $qid delivered without an accept verdict from a scan"
			}
		elif in_hold "$qid"; then
			d_held=$((d_held + 1))
			grep -Eq "queue_id=$qid .*action=hold rules=personal-data-external .*unscannable=0 " \
				"$LG_LOG" && d_scanned_held=$((d_scanned_held + 1))
		else
			d_lost=$((d_lost + 1))
			diag "$kind $qid: neither delivered nor held"
		fi
	done <"$1"
}
# send_d TAG N LIST [stock]: N messages, ordinary and incident in turn (with "stock", every
# third a stock list), one after the other (D_PAUSE seconds apart); each is appended to LIST
send_d() {
	local i f kind
	for i in $(seq 1 "$2"); do
		if [ -n "${4:-}" ] && [ $((i % 3)) -eq 0 ]; then
			kind=stock
			f=$(stock "$1-$i")
		else
			if [ $((i % 2)) -eq 1 ]; then kind=ordinary; else kind=incident; fi
			f=$(copy_of "$FX/$kind.eml" "$1-$i")
		fi
		"$SWAKS" --server "127.0.0.1:$PF_PORT" --helo client.test --timeout 120 \
			--from "$(eml_from "$f")" --to "$(eml_rcpts "$f" | paste -sd, -)" \
			--data "$f" >"$T/$1-$i.log" 2>&1 </dev/null
		echo "$kind $f $T/$1-$i.log" >>"$3"
		[ "${D_PAUSE:-0}" = 0 ] || sleep "$D_PAUSE"
	done
}

# (d1) the spawner and all its workers killed at once; then six messages one after the other
# (first one message, so that at least one worker is there to be killed with the spawner)
send "$(copy_of "$FX/ordinary.eml" d0)"
pf_wait_idle "$PF" 30
sp_old=$(spawner)
nkilled=$(kill_all)
: >"$T/d1"
send_d d1 6 "$T/d1"
pf_wait_idle "$PF" 60
count_d "$T/d1"
sp_new=$(spawner)
if [ "$nkilled" -ge 2 ] && [ -n "$sp_old" ] && [ "$sp_new" != "$sp_old" ] &&
	lg_logged "the worker spawner \(pid $sp_old\) is gone after .*killed by signal 9 .*a new one starts now" &&
	lg_logged "worker pool: spawner $sp_new started again \(restart 1\)"; then
	ok "(d1) spawner $sp_old and its workers killed ($nkilled processes): logged, spawner $sp_new started in its place"
else
	not_ok "(d1) the spawner's death is logged and a new spawner started"
	diag "killed $nkilled, spawner before '$sp_old', after '$sp_new'"
	diagnose
fi
if [ "$d_sent" -eq 6 ] && [ "$d_delivered" -eq 3 ] && [ "$d_held" -eq 3 ] &&
	[ "$d_scanned_held" -eq 3 ] && [ "$d_unscanned" -eq 0 ] && [ "$d_lost" -eq 0 ]; then
	ok "(d1) then every message is scanned again: 3 ordinary delivered (accept), 3 incident held (personal-data-external, unscannable=0)"
else
	not_ok "(d1) then every message is scanned again"
	diag "sent $d_sent delivered $d_delivered held $d_held (scanned $d_scanned_held) deferred $d_deferred lost $d_lost unscanned $d_unscanned"
	diagnose
fi
sp_uid=$(awk '/^Uid:/ { print $2 }' "/proc/$sp_new/status" 2>/dev/null)
sp_blk=$(awk '/^SigBlk:/ { print $2 }' "/proc/$sp_new/status" 2>/dev/null)
if [ -n "$sp_uid" ] && [ "$sp_uid" = "$(id -u nobody)" ] && [ "$sp_blk" = 0000000000000000 ] &&
	tr '\0' ' ' <"/proc/$sp_new/cmdline" | grep -q -- '--leakguard-worker-spawner'; then
	ok "(d1) the new spawner is leakguard executed again, as nobody (uid $sp_uid), no signal blocked"
else
	not_ok "(d1) the new spawner is leakguard executed again, as nobody, no signal blocked"
	diag "uid '$sp_uid' SigBlk '$sp_blk' cmdline '$(tr '\0' ' ' <"/proc/$sp_new/cmdline" 2>/dev/null)'"
fi

# (d2) load: three senders, six messages each (two stock lists among them), while the spawner
# and its workers are killed every two seconds (a new spawner that dies within 10 s is
# replaced after a back-off: a message that needs a new worker meanwhile is deferred with 451)
killer_d() {
	while :; do
		sleep 2
		kill_all >>"$T/d2.killed"
	done
}
: >"$T/d2.killed"
rm -f "$T"/d2.*.list
killer_d &
KILLER=$!
# (a pause of 2 s after each message: the 18 take at least 12 s, so the killer finds the
# spawner two times or more however fast the scans are)
D_PAUSE=2 send_d d2a 6 "$T/d2.a.list" stock &
s1=$!
D_PAUSE=2 send_d d2b 6 "$T/d2.b.list" stock &
s2=$!
D_PAUSE=2 send_d d2c 6 "$T/d2.c.list" stock &
s3=$!
wait $s1 $s2 $s3
kill "$KILLER" 2>/dev/null
wait "$KILLER" 2>/dev/null
KILLER=
pf_wait_idle "$PF" 120
cat "$T"/d2.*.list >"$T/d2"
count_d "$T/d2"
rounds=$(grep -vc '^0$' "$T/d2.killed")	# rounds that found a process to kill
if [ "$d_sent" -eq 18 ] && [ $((d_delivered + d_held + d_deferred)) -eq 18 ] && [ "$d_lost" -eq 0 ] &&
	[ "$d_unscanned" -eq 0 ] && [ "$rounds" -ge 2 ]; then
	ok "(d2) sent $d_sent = delivered $d_delivered + held $d_held + deferred $d_deferred while the spawner was killed $rounds times: nothing lost, nothing delivered unscanned"
else
	not_ok "(d2) sent = delivered + held + deferred while the spawner was killed, nothing lost or unscanned"
	diag "sent $d_sent delivered $d_delivered held $d_held deferred $d_deferred lost $d_lost unscanned $d_unscanned (kill rounds $rounds)"
	diagnose
fi
diag "(d2) held after a scan: $d_scanned_held; spawners started again so far: $(grep -c 'started again' "$LG_LOG"); back-offs: $(grep -c 'it lived less than' "$LG_LOG"); tempfails: $(grep -c 'analysis failed: the worker spawner is gone' "$LG_LOG")"

# (d3) after the last back-off, messages are scanned again. A dead spawner is noticed when a
# worker is next needed: a probe message first (scanned, or deferred when the spawner the last
# round killed was young and its back-off starts now), then the back-off waited out.
: >"$T/d3p"
send_d d3p 1 "$T/d3p"
pf_wait_idle "$PF" 60
count_d "$T/d3p"
wait_s=0
if [ "$d_deferred" -eq 1 ]; then
	wait_s=$(sed -n 's/.*a new one starts in \([0-9]*\) s.*/\1/p' "$LG_LOG" | tail -n 1)
	sleep $((${wait_s:-0} + 1))
elif [ "$d_delivered" -ne 1 ] || [ "$d_unscanned" -ne 0 ]; then
	diag "(d3) the probe was neither deferred nor delivered after a scan"
fi
: >"$T/d3"
send_d d3 2 "$T/d3"
pf_wait_idle "$PF" 60
count_d "$T/d3"
if [ "$d_delivered" -eq 1 ] && [ "$d_held" -eq 1 ] && [ "$d_scanned_held" -eq 1 ] &&
	[ "$d_unscanned" -eq 0 ]; then
	ok "(d3) after the back-off (${wait_s:-0} s) mail is scanned again: ordinary delivered with its accept verdict, incident held by personal-data-external"
else
	not_ok "(d3) after the back-off mail is scanned again"
	diag "delivered $d_delivered held $d_held (scanned $d_scanned_held) deferred $d_deferred lost $d_lost"
	diagnose
fi

if kill -0 "$LG_PID" 2>/dev/null; then
	ok "leakguard (the milter front) is still running"
else
	not_ok "leakguard (the milter front) is still running"
fi
done_testing
