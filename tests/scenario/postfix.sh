#!/bin/bash
# postfix.sh - end to end through a real MTA: a private Postfix on 127.0.0.1 with leakguard (from
# the build tree) as its smtpd milter and smtp-sink as the outside world.
#   (a) ordinary.eml is delivered;  (b) incident.eml (144 external recipients, a CSV of 49 people)
#   lands in Postfix's hold queue with the reason in the maillog;  (c) the same mail to three
#   colleagues is delivered;  (d) with leakguard killed Postfix answers 4xx (milter_default_action
#   = tempfail) and delivers nothing; restarted, the same mail goes through.
# TAP output. Needs root, postfix, smtp-sink and swaks; skipped otherwise. Ports are picked from
# LG_TEST_PORT_FROM..LG_TEST_PORT_TO (default 10025..10099) on 127.0.0.1 only.
# LG_KEEP_TMP=1 keeps the scratch directory (it is kept anyway when a test fails).

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

require_root "needs root to run a private Postfix instance"
SWAKS=${SWAKS:-$(command -v swaks)}
require_cmd "${POSTFIX:-postfix}" "${SMTP_SINK:-smtp-sink}" postqueue postconf "$SWAKS"
[ -n "$SWAKS" ] || skip_all "swaks is not installed"
LEAKGUARD=$top_builddir/leakguard
[ -x "$LEAKGUARD" ] || skip_all "leakguard is not built ($LEAKGUARD)"
id nobody >/dev/null 2>&1 || skip_all "no user 'nobody' to run leakguard as"

. "$top_srcdir/contrib/postfix-private.sh"

FX=$top_srcdir/tests/fixtures
PF_PORT=$(pick_port "${LG_TEST_PORT_FROM:-10025}" "${LG_TEST_PORT_TO:-10099}") &&
	SINK_PORT=$(pick_port "${LG_TEST_PORT_FROM:-10025}" "${LG_TEST_PORT_TO:-10099}" "$PF_PORT") ||
	skip_all "no free port in ${LG_TEST_PORT_FROM:-10025}..${LG_TEST_PORT_TO:-10099}"

lg_tmpdir scenario || bail_out "cannot make a scratch directory"
T=$LG_TMP
PF=$T/pf
LG_SOCK=$T/lg/leakguard.sock
LG_LOG=$T/leakguard.log
LG_PID=
mkdir -p "$T/lg/spool" && chown nobody "$T/lg/spool" && chmod 700 "$T/lg/spool"

cleanup() {
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

cat >"$T/leakguard.yaml" <<EOF
# scenario test: the built-in policy, spelled out; socket and spool in the scratch directory
listen: "unix:$LG_SOCK"
user: nobody
socket_mode: "0666"
spool_dir: "$T/lg/spool"
internal_domains: [pref.example.lg.jp]
policy:
  default_action: accept
  rules:
    - name: personal-data-external
      when: "findings.total >= 10 and recipients.external >= 1"
      action: hold
      reason: "This message carries personal data addressed outside the organisation."
EOF

diagnose() {
	diag_file "$PF/maillog" 25
	diag_file "$LG_LOG" 25
}

lg_starts() {
	local n
	n=$(grep -c 'starting:' "$LG_LOG" 2>/dev/null)
	echo "${n:-0}"
}
_lg_started_more() { [ "$(lg_starts)" -gt "$1" ] && [ -S "$LG_SOCK" ]; }

# start_leakguard: run it in the foreground (log to $LG_LOG); true once it listens.
start_leakguard() {
	local before
	before=$(lg_starts)
	rm -f "$LG_SOCK"
	"$LEAKGUARD" -c "$T/leakguard.yaml" -f -u nobody >>"$LG_LOG" 2>&1 </dev/null &
	LG_PID=$!
	wait_for 15 _lg_started_or_dead "$before" && _lg_started_more "$before" &&
		kill -0 "$LG_PID" 2>/dev/null
}
_lg_started_or_dead() { _lg_started_more "$1" || ! kill -0 "$LG_PID" 2>/dev/null; }

# send FILE: swaks with the envelope taken from From and To/Cc; sets SENT_OUT (swaks output
# file), QID (Postfix queue id, if accepted); returns swaks' status.
SENDS=0
send() {
	local f=$1 st
	SENDS=$((SENDS + 1))
	SENT_OUT=$T/swaks.$SENDS.log
	"$SWAKS" --server "127.0.0.1:$PF_PORT" --helo client.test --timeout 60 \
		--from "$(eml_from "$f")" --to "$(eml_rcpts "$f" | paste -sd, -)" \
		--data "$f" >"$SENT_OUT" 2>&1 </dev/null
	st=$?
	QID=$(sed -n 's/^<- *250 .*queued as \([0-9A-Za-z]*\).*/\1/p' "$SENT_OUT" | tail -n 1)
	return $st
}

swaks_failed() {
	diag "swaks exit status $1; its last lines:"
	diag_file "$SENT_OUT" 8
	diagnose
}

in_hold() { pf_hold_ids "$PF" | grep -qx "$1"; }
lg_logged() { grep -Eq -- "$1" "$LG_LOG"; }

# ------------------------------------------------------------------------------- setup

if start_leakguard; then
	ok "leakguard starts from the build tree and listens on $LG_SOCK"
else
	not_ok "leakguard starts from the build tree and listens on $LG_SOCK"
	diag_file "$LG_LOG" 30
	done_testing
	exit
fi

if pf_setup "$PF" "$PF_PORT" "$SINK_PORT" "unix:$LG_SOCK" 2>"$T/setup.err" &&
	sink_start "$PF" "$SINK_PORT" 2>>"$T/setup.err" && pf_start "$PF" 2>>"$T/setup.err"; then
	ok "private Postfix on 127.0.0.1:$PF_PORT (smtpd_milters=unix:$LG_SOCK) and sink on :$SINK_PORT"
else
	not_ok "private Postfix on 127.0.0.1:$PF_PORT and sink on :$SINK_PORT start"
	diag_file "$T/setup.err" 30
	diag_file "$PF/setup.log" 30
	diag_file "$PF/maillog" 30
	done_testing
	exit
fi

# ------------------------------------------------------------------------------- (a) ordinary

ord_id=$(eml_msgid "$FX/ordinary.eml")
send "$FX/ordinary.eml"
st=$?
if [ $st -eq 0 ] && [ -n "$QID" ]; then
	ok "(a) ordinary.eml: Postfix accepts it (250, queued as $QID)"
	pf_wait_idle "$PF" 30
	if sink_has "$PF" "Message-ID: $ord_id" >/dev/null && [ "$(pf_hold_count "$PF")" -eq 0 ]; then
		ok "(a) ordinary.eml is delivered to the sink, nothing held"
	else
		not_ok "(a) ordinary.eml is delivered to the sink, nothing held"
		diag "sink has $(sink_count "$PF") messages; hold queue has $(pf_hold_count "$PF")"
		diagnose
	fi
	if lg_logged "queue_id=$QID .*action=accept"; then
		ok "(a) leakguard logs queue_id=$QID action=accept"
	else
		not_ok "(a) leakguard logs queue_id=$QID action=accept"
		diagnose
	fi
else
	not_ok "(a) ordinary.eml: Postfix accepts it"
	swaks_failed $st
fi

# ------------------------------------------------------------------------------- (b) incident

inc_id=$(eml_msgid "$FX/incident.eml")
nrcpt=$(eml_rcpts "$FX/incident.eml" | wc -l)
send "$FX/incident.eml"
st=$?
if [ $st -eq 0 ] && [ -n "$QID" ]; then
	ok "(b) incident.eml to its $nrcpt recipients: Postfix accepts it (250, queued as $QID)"
	if wait_for 15 in_hold "$QID"; then
		ok "(b) incident.eml $QID is in Postfix's hold queue (postqueue -j: queue_name hold)"
	else
		not_ok "(b) incident.eml $QID is in Postfix's hold queue (postqueue -j: queue_name hold)"
		diag "postqueue -j:"
		diag "$(pf_queue_json "$PF" | cut -c1-200)"
		diagnose
	fi
	pf_wait_idle "$PF" 30
	if ! sink_has "$PF" "Message-ID: $inc_id" >/dev/null; then
		ok "(b) incident.eml is not delivered to the sink"
	else
		not_ok "(b) incident.eml is not delivered to the sink"
		diagnose
	fi
	# Postfix logs smfi_quarantine as "milter triggers HOLD action": it drops the milter's reason
	# text (milter8.c). The reason is in leakguard's log and in the header it adds to the message.
	if pf_wait_log "$PF" "$QID: milter-hold: END-OF-MESSAGE from .*milter triggers HOLD action" 10; then
		ok "(b) maillog: $QID milter-hold (\"milter triggers HOLD action\")"
		diag "$(grep "$QID: milter-hold" "$PF/maillog" | cut -c1-200)"
	else
		not_ok "(b) maillog: $QID milter-hold (\"milter triggers HOLD action\")"
		diagnose
	fi
	held_hdr=$(postcat -c "$PF/etc" -h -q "$QID" 2>&1 | grep -i '^X-Leakguard-')
	if printf '%s\n' "$held_hdr" | grep -q '^X-Leakguard-Verdict: hold; findings=196; records=49' &&
		printf '%s\n' "$held_hdr" | grep -q '^X-Leakguard-Rules: personal-data-external'; then
		ok "(b) the held message carries X-Leakguard-Verdict: hold, findings=196, records=49"
	else
		not_ok "(b) the held message carries X-Leakguard-Verdict: hold, findings=196, records=49"
		diag "postcat -h -q $QID | grep X-Leakguard-:" "$held_hdr"
	fi
	if lg_logged "queue_id=$QID .*action=hold rules=personal-data-external.*findings=phone_jp:49,email:49"; then
		ok "(b) leakguard logs queue_id=$QID action=hold, 49 phones and 49 addresses"
	else
		not_ok "(b) leakguard logs queue_id=$QID action=hold, 49 phones and 49 addresses"
		diagnose
	fi
else
	not_ok "(b) incident.eml to its $nrcpt recipients: Postfix accepts it"
	swaks_failed $st
fi

# Releasing a held message (what a reviewer does) delivers it; Postfix does not ask the milter
# again for a released message.
if [ -n "$QID" ] && in_hold "$QID"; then
	postsuper -c "$PF/etc" -H "$QID" >/dev/null 2>&1
	if wait_for 15 sink_has "$PF" "Message-ID: $inc_id" >/dev/null && pf_wait_idle "$PF" 15 &&
		! in_hold "$QID"; then
		ok "(b) released with postsuper -H $QID, it is delivered"
	else
		not_ok "(b) released with postsuper -H $QID, it is delivered"
		diagnose
	fi
fi

# ------------------------------------------------------------------------------- (c) internal

int_id=$(eml_msgid "$FX/incident-internal.eml")
send "$FX/incident-internal.eml"
st=$?
if [ $st -eq 0 ] && [ -n "$QID" ]; then
	pf_wait_idle "$PF" 30
	if sink_has "$PF" "Message-ID: $int_id" >/dev/null && ! in_hold "$QID" &&
		lg_logged "queue_id=$QID .*action=accept"; then
		ok "(c) incident-internal.eml (3 colleagues) is delivered ($QID, action=accept)"
	else
		not_ok "(c) incident-internal.eml (3 colleagues) is delivered ($QID, action=accept)"
		diagnose
	fi
else
	not_ok "(c) incident-internal.eml: Postfix accepts it"
	swaks_failed $st
fi

# ------------------------------------------------------------------------------- (d) milter down

exec 3>&2 2>/dev/null # no "Killed" job notice on stderr
kill -9 "$LG_PID"
wait "$LG_PID"
exec 2>&3 3>&-
LG_PID=
delivered_before=$(sink_count "$PF")
queued_before=$(pf_queue_files "$PF" incoming active deferred hold)
send "$FX/ordinary.eml"
st=$?
if [ $st -ne 0 ] && grep -Eq '^<\*\* +4[0-9][0-9] ' "$SENT_OUT" && [ -z "$QID" ]; then
	ok "(d) leakguard killed: Postfix answers 4xx ($(grep -E '^<\*\* +4' "$SENT_OUT" | head -n 1 | sed 's/^<\*\* *//'))"
else
	not_ok "(d) leakguard killed: Postfix answers 4xx (milter_default_action = tempfail)"
	swaks_failed $st
fi
sleep 1
pf_wait_idle "$PF" 10
if [ "$(sink_count "$PF")" -eq "$delivered_before" ] &&
	[ "$(pf_queue_files "$PF" incoming active deferred hold)" -eq "$queued_before" ]; then
	ok "(d) nothing delivered or queued while leakguard was down"
else
	not_ok "(d) nothing delivered or queued while leakguard was down"
	diagnose
fi

if start_leakguard; then
	send "$FX/ordinary.eml"
	st=$?
	if [ $st -eq 0 ] && [ -n "$QID" ] && pf_wait_idle "$PF" 30 &&
		[ "$(sink_count "$PF")" -eq $((delivered_before + 1)) ] &&
		lg_logged "queue_id=$QID .*action=accept"; then
		ok "(d) leakguard restarted: the same mail now goes through ($QID delivered)"
	else
		not_ok "(d) leakguard restarted: the same mail now goes through"
		swaks_failed $st
	fi
else
	not_ok "(d) leakguard restarts"
	diagnose
fi

done_testing
