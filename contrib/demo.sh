#!/bin/bash
# demo.sh - leakguard in front of a private Postfix, on this machine only (127.0.0.1):
# an ordinary mail is delivered, the incident mail is held in Postfix's hold queue.
#
#   sh contrib/demo.sh            run the demo, then stop everything it started
#   sh contrib/demo.sh --keep     leave sink, leakguard and Postfix running to look around
#   sh contrib/demo.sh --stop     stop what a --keep run left running
#
# Needs root (Postfix's master starts as root), postfix, smtp-sink and swaks (Debian: postfix,
# swaks) and a built tree (make). The system Postfix is not touched: the demo's Postfix has its
# own configuration, queue and log under the demo directory (LG_DEMO_DIR, default ./demo-run).
# Ports: LG_DEMO_SMTPD_PORT and LG_DEMO_SINK_PORT (default: the first free ones from 10025).

# "sh contrib/demo.sh" on Debian is dash: continue in bash.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/contrib/postfix-private.sh"

MODE=run
case ${1:-} in
"") ;;
--keep) MODE=keep ;;
--stop) MODE=stop ;;
-h | --help)
	sed -n '2,13s/^# \{0,1\}//p' "$0"
	exit 0
	;;
*)
	echo "usage: $0 [--keep | --stop]" >&2
	exit 64
	;;
esac

say() { printf '%s\n' "$*"; }
indent() { sed "s/^/${1:-    }/"; }
# wrap PREFIX: word-wrap stdin at spaces to about 100 columns (never inside a word, so UTF-8
# text is never cut), continuation lines indented two more columns.
wrap() {
	awk -v p="$1" '{
		n = split($0, w, " "); line = p; len = length(p); first = 1
		for (i = 1; i <= n; i++) {
			if (!first && len + 1 + length(w[i]) > 100) {
				print line; line = p "  " w[i]; len = length(p) + 2 + length(w[i])
			} else {
				line = line (first ? "" : " ") w[i]; len += (first ? 0 : 1) + length(w[i])
			}
			first = 0
		}
		print line
	}'
}
die() {
	say ""
	say "DEMO FAILED: $*"
	exit 1
}

# The demo directory must be reachable by the postfix user and by the user leakguard runs as.
_searchable() {
	local d
	d=$(cd "$1" && pwd -P) || return 1
	while [ -n "$d" ] && [ "$d" != / ]; do
		[ "$((0$(stat -c %a "$d") & 01))" -ne 0 ] || return 1
		d=${d%/*}
	done
}
if [ -n "${LG_DEMO_DIR:-}" ]; then
	DEMO=$LG_DEMO_DIR
elif _searchable "$top_builddir" && [ ${#top_builddir} -le 60 ]; then
	DEMO=$top_builddir/demo-run
else
	DEMO=/tmp/leakguard-demo
fi
PF=$DEMO/postfix
LG_SOCK=$DEMO/leakguard/leakguard.sock
LG_LOG=$DEMO/leakguard.log
LG_PIDFILE=$DEMO/leakguard/leakguard.pid
LEAKGUARD=$top_builddir/leakguard
LG_USER=nobody

stop_all() {
	local pid=
	[ -r "$LG_PIDFILE" ] && pid=$(tr -dc 0-9 <"$LG_PIDFILE")
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$LG_PIDFILE"
	pf_stop "$PF"
	sink_stop "$PF"
}

if [ "$MODE" = stop ]; then
	[ -d "$PF" ] || { say "No demo directory at $DEMO: nothing to stop."; exit 0; }
	stop_all
	say "Stopped the demo's Postfix, leakguard and smtp-sink (files left in $DEMO)."
	exit 0
fi

# ------------------------------------------------------------------------------- preflight

[ "$(id -u)" -eq 0 ] || die "run it as root: the demo starts a private Postfix master, which needs root."
for c in postfix postqueue postsuper smtp-sink swaks; do
	command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] ||
		die "$c is not installed (Debian: apt-get install postfix swaks)."
done
[ -x "$LEAKGUARD" ] || die "$LEAKGUARD is not built yet: run ./configure && make first."
id "$LG_USER" >/dev/null 2>&1 || die "there is no user '$LG_USER' to run leakguard as."

if [ -d "$PF" ]; then # a previous --keep run, or an interrupted one
	stop_all
	rm -rf "$DEMO"
fi
mkdir -p "$DEMO/leakguard/spool" || die "cannot create $DEMO"
chmod 755 "$DEMO" "$DEMO/leakguard"
chown "$LG_USER" "$DEMO/leakguard/spool" && chmod 700 "$DEMO/leakguard/spool"
: >"$LG_LOG"

SMTPD_PORT=${LG_DEMO_SMTPD_PORT:-$(pick_port 10025 10099)} || die "no free port in 10025..10099"
SINK_PORT=${LG_DEMO_SINK_PORT:-$(pick_port 10025 10099 "$SMTPD_PORT")} || die "no free port in 10025..10099"

if [ "$MODE" = run ]; then
	trap 'stop_all' EXIT
fi
trap 'exit 130' INT TERM HUP

FX=$top_srcdir/tests/fixtures

# ------------------------------------------------------------------------------- start

say "leakguard demo"
say "=============="
say ""
say "Everything runs on 127.0.0.1 and lives in $DEMO; the system Postfix is not touched."
say ""

say "1. The outside world: smtp-sink on 127.0.0.1:$SINK_PORT, which stores each message it"
say "   receives as a file in $PF/sink/."
sink_start "$PF" "$SINK_PORT" || die "smtp-sink did not start."

cat >"$DEMO/leakguard.yaml" <<EOF
# demo: the built-in configuration, with only where to listen and whom to run as changed
listen: "unix:$LG_SOCK"
user: $LG_USER
socket_mode: "0666"
EOF
say ""
say "2. leakguard with its BUILT-IN configuration. Only these keys are set for the demo"
say "   ($DEMO/leakguard.yaml):"
grep -v '^#' "$DEMO/leakguard.yaml" | indent "      "
say "   The built-in policy holds mail to anyone outside the sender's domain that carries 10 or"
say "   more personal records or phone numbers and e-mail addresses, a My Number, 5 or more card"
say "   numbers, or an attachment it could not read; it moves 10 or more visible outside"
say "   addresses from 2 or more domains into Bcc:"
say "      (records >= 10 or findings.phone_jp + findings.phone_intl + findings.email >= 10)"
say "        and recipients.external >= 1  ->  hold   (and four more rules: leakguard.yaml(5))"
"$LEAKGUARD" -c "$DEMO/leakguard.yaml" -f -p "$LG_PIDFILE" </dev/null >>"$LG_LOG" 2>&1 &
LG_BG=$!
lg_up_or_dead() { grep -q 'starting:' "$LG_LOG" || ! kill -0 "$LG_BG" 2>/dev/null; }
wait_for 15 lg_up_or_dead
if ! kill -0 "$LG_BG" 2>/dev/null || ! grep -q 'starting:' "$LG_LOG" || ! test -S "$LG_SOCK"; then
	tail -n 20 "$LG_LOG" | indent
	die "leakguard did not start (its log is above)."
fi
say "   Started; its log ($LG_LOG) says:"
grep -m1 'starting:' "$LG_LOG" | sed 's/^leakguard: //' | wrap "      "

say ""
say "3. A private Postfix instance on 127.0.0.1:$SMTPD_PORT that relays everything to the sink."
say "   configuration $PF/etc"
say "   queue         $PF/queue"
say "   log           $PF/maillog"
say "   Its milter settings:"
pf_setup "$PF" "$SMTPD_PORT" "$SINK_PORT" "unix:$LG_SOCK" || die "Postfix setup failed."
postconf -c "$PF/etc" smtpd_milters milter_default_action milter_protocol | indent "      "
pf_start "$PF" || die "Postfix did not start."
pf_wait_log "$PF" 'daemon started' 10 >/dev/null 2>&1
say "   Started: $(grep -m1 'daemon started' "$PF/maillog" | sed 's/.*master\[[0-9]*\]: //')"

# ------------------------------------------------------------------------------- send

# send_mail FILE: swaks with the envelope from the mail's From and To/Cc. Sets QID, REPLY.
send_mail() {
	local f=$1 out
	out=$(swaks --server "127.0.0.1:$SMTPD_PORT" --helo client.test --timeout 60 \
		--from "$(eml_from "$f")" --to "$(eml_rcpts "$f" | paste -sd, -)" --data "$f" 2>&1 </dev/null)
	REPLY=$(printf '%s\n' "$out" | grep -E '^(<-|<\*\*) +[245][0-9][0-9] ' | tail -n 2 | head -n 1 |
		sed -E 's/^(<-|<\*\*) +//')
	QID=$(printf '%s\n' "$out" | sed -n 's/^<- *250 .*queued as \([0-9A-Za-z]*\).*/\1/p' | tail -n 1)
	[ -n "$QID" ]
}

# fate QID: "held", "delivered" or "queued" (still in Postfix's queue) or "gone"
fate() {
	if pf_hold_ids "$PF" | grep -qx "$1"; then
		echo held
	elif grep -q "$1: to=<.*status=sent" "$PF/maillog"; then
		echo delivered
	elif pf_queue_json "$PF" | grep -q "\"queue_id\": *\"$1\""; then
		echo queued
	else
		echo gone
	fi
}

show_logs() {
	local qid=$1
	say "   leakguard's log line:"
	grep "queue_id=$qid " "$LG_LOG" | sed 's/^.*\(queue_id=\)/\1/' | wrap "      "
	say "   Postfix's maillog lines for $qid ($PF/maillog):"
	grep " $qid: " "$PF/maillog" | sed -E 's/^([A-Z][a-z]{2} +[0-9]+ [0-9:]+) relay /\1 /' |
		while IFS= read -r line; do printf '%s\n' "$line" | wrap "      "; done
}

declare -A RESULT

report() {
	local name=$1 qid=$2 f
	wait_for 15 grep -q "queue_id=$qid " "$LG_LOG"
	pf_wait_idle "$PF" 20
	f=$(fate "$qid")
	case $f in
	delivered)
		say "   Result: DELIVERED. The sink received it: $(sink_has "$PF" "$qid" | head -n 1)"
		RESULT[$name]="queue id $qid: delivered to the sink"
		;;
	held)
		say "   Result: HELD in Postfix's hold queue as $qid; it was NOT delivered."
		say "   postqueue -p shows it with '!' (on hold):"
		postqueue -c "$PF/etc" -p | grep -A1 "^$qid" | cut -c1-100 | indent "      "
		say "   Postfix logs only \"milter triggers HOLD action\" (it drops a milter's hold reason);"
		say "   the reason is in leakguard's log line (rules=...) and in headers leakguard added"
		say "   to the held message (postcat -h -q $qid):"
		postcat -c "$PF/etc" -h -q "$qid" 2>/dev/null | grep '^X-Leakguard-' | indent "      "
		reason=$("$top_builddir/leakguardctl" scan --json "$FX/$name.eml" 2>/dev/null |
			sed -n 's/.*"reason": *"\([^"]*\)".*/\1/p')
		if [ -n "$reason" ]; then
			say "   The rule's reason (the same analysis, from leakguardctl scan):"
			printf '%s\n' "$reason" | sed 's| / |\n|' | wrap "      "
		fi
		RESULT[$name]="queue id $qid: HELD in the hold queue"
		;;
	*)
		say "   Result: unexpected: the message is $f."
		RESULT[$name]="queue id $qid: $f (unexpected)"
		;;
	esac
	show_logs "$qid"
}

say ""
say "Mail 1: tests/fixtures/ordinary.eml"
say "   A meeting notice from $(eml_from "$FX/ordinary.eml") to $(eml_rcpts "$FX/ordinary.eml" | wc -l) outside"
say "   addresses. The only personal data in it is the sender's own signature (phone, fax, mobile)."
send_mail "$FX/ordinary.eml" || die "Postfix did not accept ordinary.eml: $REPLY"
say "   Postfix answered: $REPLY"
report ordinary "$QID"

n_rcpt=$(eml_rcpts "$FX/incident.eml" | wc -l)
n_dom=$(eml_rcpts "$FX/incident.eml" | sed 's/.*@//' | sort -u | wc -l)
say ""
say "Mail 2: tests/fixtures/incident.eml (the mistake leakguard exists for)"
say "   【事務連絡】令和6年度 地域防災研修会の参加者名簿について"
say "   From $(eml_from "$FX/incident.eml") to $n_rcpt outside addresses in $n_dom domains, all visible"
say "   in To, with 参加者名簿.csv attached: 49 people's private mobile numbers and e-mail addresses."
send_mail "$FX/incident.eml" || die "Postfix did not accept incident.eml: $REPLY"
say "   Postfix answered: $REPLY"
say "   (the sender's mail client sees success; the message waits in Postfix for a person)"
INC_QID=$QID
report incident "$QID"

# ------------------------------------------------------------------------------- summary

say ""
say "Summary"
say "   ordinary.eml  ${RESULT[ordinary]}"
say "   incident.eml  ${RESULT[incident]}"
say ""
say "What a mail administrator does with a held message (this demo's instance needs -c):"
C="-c $PF/etc"
printf '   %-62s %s\n' "postqueue $C -p" "list the queue; held mail is marked '!'" \
	"postcat $C -q $INC_QID" "read it" \
	"postsuper $C -H $INC_QID" "release it (it is then delivered)" \
	"postsuper $C -d $INC_QID" "delete it"
say "The same verdict without any MTA:  $top_builddir/leakguardctl scan $FX/incident.eml"
say ""

status=0
case ${RESULT[ordinary]}${RESULT[incident]} in
*"delivered to the sink"*"HELD in the hold queue"*) ;;
*) status=1; say "The demo did not go as expected (see above)." ;;
esac

if [ "$MODE" = keep ]; then
	say "Left running (--keep): smtp-sink on 127.0.0.1:$SINK_PORT, leakguard on $LG_SOCK,"
	say "Postfix on 127.0.0.1:$SMTPD_PORT. Send your own mail with, e.g.:"
	say "   swaks --server 127.0.0.1:$SMTPD_PORT --from a@pref.example.lg.jp --to b@example.com --data FILE"
	say "Logs: $LG_LOG and $PF/maillog. To stop everything:  sh $0 --stop"
else
	say "Stopping everything the demo started (smtp-sink, leakguard, Postfix). Files stay in $DEMO."
fi
exit $status
