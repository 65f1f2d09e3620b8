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
#       accept verdict and no "worker failed"; each "worker failed" message is held).
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
if kill -0 "$LG_PID" 2>/dev/null; then
	ok "leakguard (the milter front) is still running"
else
	not_ok "leakguard (the milter front) is still running"
fi
done_testing
