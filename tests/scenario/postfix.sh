#!/bin/bash
# postfix.sh - end to end through a real MTA: a private Postfix on 127.0.0.1 with leakguard (from
# the build tree) as its smtpd milter and smtp-sink as the outside world.
#   (a) ordinary.eml is delivered;  (b) incident.eml (144 external recipients, a CSV of 49 people)
#   lands in Postfix's hold queue with the reason in the maillog;  (c) the same mail to three
#   colleagues is delivered;  (d) with leakguard killed Postfix answers 4xx (milter_default_action
#   = tempfail) and delivers nothing; restarted, the same mail goes through.
#   Then, after a reload (SIGHUP) to a bcc and reject policy: (e) a mail whose To and Cc list
#   outside addresses reaches the sink with them hidden (internal ones kept), every envelope
#   recipient delivered;  (f) the incident mail is refused and swaks sees 550 5.7.1 and the
#   reason;  (g) smtp-source sends 200 mails in 10 sessions while SIGHUP arrives 10 times
#   (a broken file, a hold policy, a tag policy, in turn): no session fails, no mail is lost.
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
. "$top_srcdir/tests/scenario/common.sh"

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

# ------------------------------------------------------------------------------- reload helpers

# lg_config BODY: $T/leakguard.yaml with the fixed part (socket, user, spool) and BODY
lg_config() {
	cat >"$T/leakguard.yaml.new" <<EOF
listen: "unix:$LG_SOCK"
user: nobody
socket_mode: "0666"
spool_dir: "$T/lg/spool"
internal_domains: [pref.example.lg.jp]
$1
EOF
	mv "$T/leakguard.yaml.new" "$T/leakguard.yaml"
}

lg_reloads() { grep -Ec 'reload: configuration .* (loaded|has errors)' "$LG_LOG"; }
lg_loads() { grep -Ec 'reload: configuration .* loaded' "$LG_LOG"; }
_lg_reloaded_since() { [ "$(lg_reloads)" -gt "$1" ]; }

# lg_reload: SIGHUP and wait until leakguard has loaded or refused the file
lg_reload() {
	local before
	before=$(lg_reloads)
	kill -HUP "$LG_PID" && wait_for 10 _lg_reloaded_since "$before"
}

POLICY_BCC_REJECT='bcc:
  keep_internal: true
policy:
  rules:
    - name: personal-data-external
      when: "findings.total >= 10 and recipients.external >= 1"
      action: reject
      reason: "Personal data to external recipients is not allowed / 外部宛ての個人情報送信は禁止されています"
    - name: hide-visible-external
      when: "recipients.visible_external >= 2"
      action: bcc'

# ------------------------------------------------------------------------------- (e) bcc

lg_config "$POLICY_BCC_REJECT"
if [ -n "$LG_PID" ] && lg_reload && lg_logged "reload: configuration .* loaded \(generation 2\)"; then
	ok "(e) SIGHUP: leakguard loads the bcc and reject policy (generation 2)"
else
	not_ok "(e) SIGHUP: leakguard loads the bcc and reject policy (generation 2)"
	diagnose
fi
{
	printf 'From: hanako.yamada@pref.example.lg.jp\n'
	printf 'To: user1@pref.example.lg.jp, user2@pref.example.lg.jp, user3@pref.example.lg.jp,\n'
	printf ' outside1@example.com, user4@pref.example.lg.jp, user5@pref.example.lg.jp,\n'
	printf ' user6@pref.example.lg.jp\n'
	printf 'Cc: outside2@example.org, =?UTF-8?B?5aSW6YOo?= <outside3@example.net>,\n'
	printf '\t=?UTF-8?B?6Kqy6ZW3?= <chief@soumu.pref.example.lg.jp>\n'
	printf 'Subject: bcc scenario\nMessage-ID: <bcc-scenario@pref.example.lg.jp>\n'
	printf 'MIME-Version: 1.0\nContent-Type: text/plain\n\nhello\n'
} >"$T/bcc.eml"
send "$T/bcc.eml"
st=$?
if [ $st -eq 0 ] && [ -n "$QID" ]; then
	ok "(e) bcc.eml (7 To, 3 Cc, 3 of them outside): Postfix accepts it ($QID)"
	pf_wait_idle "$PF" 30
	bccfile=$(sink_has "$PF" "Message-ID: <bcc-scenario@" | head -n 1)
	# the header block as the sink stored it, folded lines joined
	hdrs=$(sed -e 's/\r$//' -e '/^$/q' "$bccfile" 2>/dev/null |
		awk '/^[ \t]/ { cur = cur $0; next } { if (cur != "") print cur; cur = $0 } END { print cur }')
	to=$(printf '%s\n' "$hdrs" | grep -i '^To:')
	cc=$(printf '%s\n' "$hdrs" | grep -i '^Cc:')
	if [ -n "$bccfile" ] && ! printf '%s\n' "$to" "$cc" | grep -Eq 'example\.(com|org|net)' &&
		[ "$(printf '%s\n' "$to" | grep -o 'user[0-9]@pref.example.lg.jp' | wc -l)" -eq 6 ] &&
		printf '%s\n' "$cc" | grep -q '=?UTF-8?b?6Kqy6ZW3?= <chief@soumu.pref.example.lg.jp>'; then
		ok "(e) the sink's To and Cc keep the 6 + 1 internal addresses (encoded name too), the 3 outside ones are gone"
	else
		not_ok "(e) the sink's To and Cc keep the 6 + 1 internal addresses, the 3 outside ones are gone"
		diag "sink file: ${bccfile:-none}" "$to" "$cc"
		diagnose
	fi
	sent=$(grep -c "$QID: to=<.*status=sent" "$PF/maillog")
	if [ "$sent" -eq 10 ]; then
		ok "(e) all 10 envelope recipients are delivered (the envelope is untouched)"
	else
		not_ok "(e) all 10 envelope recipients are delivered (the envelope is untouched)"
		diag "status=sent lines for $QID: $sent"
		diagnose
	fi
	if lg_logged "queue_id=$QID .*action=bcc rules=hide-visible-external .*bcc=hidden:3,kept:7 orig_to=\"user1@pref"; then
		ok "(e) leakguard logs action=bcc, hidden:3,kept:7 and the original To"
	else
		not_ok "(e) leakguard logs action=bcc, hidden:3,kept:7 and the original To"
		diagnose
	fi
else
	not_ok "(e) bcc.eml: Postfix accepts it"
	swaks_failed $st
fi

# ------------------------------------------------------------------------------- (f) reject

send "$FX/incident.eml"
st=$?
reply=$(grep -E '^<\*\* +5[0-9][0-9] ' "$SENT_OUT" | head -n 1 | sed 's/^<\*\* *//')
if [ $st -ne 0 ] && [ -z "$QID" ] &&
	[ "$reply" = "550 5.7.1 Personal data to external recipients is not allowed" ]; then
	ok "(f) incident.eml is refused: swaks sees \"$reply\""
else
	not_ok "(f) incident.eml is refused with 550 5.7.1 and the reason's English part"
	diag "swaks saw: ${reply:-no 5xx reply}"
	swaks_failed $st
fi
if lg_logged "action=reject rules=personal-data-external"; then
	ok "(f) leakguard logs action=reject"
else
	not_ok "(f) leakguard logs action=reject"
	diagnose
fi

# ------------------------------------------------------------------------------- (g) reload under load

POLICY_TAG='policy:
  rules:
    - name: tag-external
      when: "recipients.external >= 1"
      action: tag'
POLICY_HOLD='policy:
  rules:
    - name: hold-external
      when: "recipients.external >= 1"
      action: hold'
POLICY_BROKEN='policy:
  rules:
    - name: broken
      when: "recipients.external >="
      action: tag'

SMTP_SOURCE=${SMTP_SOURCE:-$(command -v smtp-source || echo /usr/sbin/smtp-source)}
if [ -x "$SMTP_SOURCE" ] && [ -n "$LG_PID" ]; then
	lg_config "$POLICY_TAG"
	lg_reload
	printf 'From: load@pref.example.lg.jp\nTo: someone@example.com\nSubject: load\n\nhello\n' >"$T/load.eml"
	sink_before=$(sink_count "$PF")
	hold_before=$(pf_hold_count "$PF")
	reloads_before=$(lg_reloads)
	loads_before=$(lg_loads)
	"$SMTP_SOURCE" -4 -s 10 -m 200 -R 1 -M client.test -f load@pref.example.lg.jp \
		-t someone@example.com -F "$T/load.eml" "127.0.0.1:$PF_PORT" >"$T/source.log" 2>&1 &
	src=$!
	i=0
	for pol in BROKEN HOLD BROKEN TAG BROKEN HOLD BROKEN TAG BROKEN HOLD; do
		case $pol in
		TAG) lg_config "$POLICY_TAG" ;;
		HOLD) lg_config "$POLICY_HOLD" ;;
		BROKEN) lg_config "$POLICY_BROKEN" ;;
		esac
		lg_reload && i=$((i + 1))
		sleep 0.2
	done
	kill -0 "$src" 2>/dev/null
	running=$?
	wait "$src"
	src_st=$?
	if [ $src_st -eq 0 ] && [ $i -eq 10 ] && ! grep -q . "$T/source.log"; then
		ok "(g) smtp-source: 200 mails in 10 sessions, every session succeeds, while 10 SIGHUPs are handled"
	else
		not_ok "(g) smtp-source: 200 mails in 10 sessions, every session succeeds, while 10 SIGHUPs are handled"
		diag "smtp-source exit $src_st; reloads handled: $i"
		diag_file "$T/source.log" 10
		diagnose
	fi
	[ $running -eq 0 ] || diag "smtp-source had finished before the last SIGHUP"
	pf_wait_idle "$PF" 60
	delivered=$(($(sink_count "$PF") - sink_before))
	held=$(($(pf_hold_count "$PF") - hold_before))
	if [ $((delivered + held)) -eq 200 ] && [ $delivered -gt 0 ] && [ $held -gt 0 ]; then
		ok "(g) no mail lost: $delivered delivered (tag) + $held held (hold) = 200"
	else
		not_ok "(g) no mail lost: delivered + held = 200, both policies seen"
		diag "delivered $delivered, held $held"
		diagnose
	fi
	loads=$(($(lg_loads) - loads_before))
	refused=$(($(lg_reloads) - reloads_before - loads))
	if [ $loads -eq 5 ] && [ $refused -eq 5 ] &&
		lg_logged 'reload: .*leakguard.yaml:[0-9]+:[0-9]+: error: ' && kill -0 "$LG_PID" 2>/dev/null &&
		! lg_logged 'answering tempfail'; then
		ok "(g) the log shows 5 reloads and 5 refused broken files (file:line:column); leakguard still runs, no tempfail"
	else
		not_ok "(g) the log shows 5 reloads and 5 refused broken files; no tempfail"
		diag "loaded $loads, refused $refused"
		diagnose
	fi
else
	skip "(g) reload under load" "smtp-source is not installed"
fi

done_testing
