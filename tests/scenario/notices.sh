#!/bin/bash
# notices.sh - sender and compliance notices end to end through a real MTA: a private Postfix
# with leakguard (hold_mode store, notices enabled, its notice thread running) as its smtpd
# milter, a second smtpd without milters (the release relay, which notices go through too) and
# smtp-sink as the outside world. Notices are decoded with Python's e-mail package
# (tests/scenario/notice-decode.py), not with the GMime that wrote them.
#   (a) incident.eml is held; the sender's notice arrives in the sink, to the envelope sender
#       only, in Japanese: subject and the "why" line (attachment name and counts) decoded;
#       the reviewers' notice arrives too; leakguardctl quarantine notices lists both as sent;
#   (b) leakguardctl release: the sink's copy ends with the stored bytes byte for byte, and the
#       sender gets the released notice with the reviewer's name and reason;
#   (c) a second incident mail, leakguardctl delete: the sender gets the deleted notice;
#   (d) the release relay is down when a third one is held: the notice fails (logged with the
#       relay's error, kept in the outbox with it) and is delivered once the relay is back;
#   (e) the null sender <> gets no notice;
#   (f) SIGTERM stops the daemon and its notice thread; a hold made with leakguardctl put is
#       sent by "leakguardctl quarantine notices --send" (the cron way).
# TAP output. Needs root, postfix, smtp-sink, swaks and python3; skipped otherwise.
# Ports from the upper half of LG_TEST_PORT_FROM..LG_TEST_PORT_TO (default 10025..10099) on
# 127.0.0.1 only.

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

require_root "needs root to run a private Postfix instance"
SWAKS=${SWAKS:-$(command -v swaks)}
require_cmd "${POSTFIX:-postfix}" "${SMTP_SINK:-smtp-sink}" postqueue postconf python3 "$SWAKS"
[ -n "$SWAKS" ] || skip_all "swaks is not installed"
LEAKGUARD=$top_builddir/leakguard
CTL=$top_builddir/leakguardctl
[ -x "$LEAKGUARD" ] && [ -x "$CTL" ] || skip_all "leakguard is not built ($LEAKGUARD)"
id nobody >/dev/null 2>&1 || skip_all "no user 'nobody' to run leakguard as"

. "$top_srcdir/contrib/postfix-private.sh"
. "$top_srcdir/tests/scenario/common.sh"

FX=$top_srcdir/tests/fixtures
DECODE=$top_srcdir/tests/scenario/notice-decode.py
from_port=${LG_TEST_PORT_FROM:-10025} to_port=${LG_TEST_PORT_TO:-10099}
# the upper half of the range: postfix.sh and quarantine.sh (run in parallel by make -j) pick
# from its bottom
from_port=$((from_port + (to_port - from_port) / 2))
PF_PORT=$(pick_port "$from_port" "$to_port") &&
	SINK_PORT=$(pick_port "$from_port" "$to_port" "$PF_PORT") &&
	REL_PORT=$(pick_port "$from_port" "$to_port" "$PF_PORT" "$SINK_PORT") ||
	skip_all "no free ports in $from_port..$to_port"

lg_tmpdir notices || bail_out "cannot make a scratch directory"
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

SENDER=$(eml_from "$FX/incident.eml")
cat >"$T/leakguard.yaml" <<YAML
listen: "unix:$LG_SOCK"
user: nobody
socket_mode: "0666"
spool_dir: "$T/lg/spool"
internal_domains: [pref.example.lg.jp]
quarantine:
  url: "sqlite:$DB"
  hold_mode: store
  release:
    url: "smtp://127.0.0.1:$REL_PORT"
    helo: release.test
    timeout: 20
notices:
  enabled: true
  from: leakguard-notices@pref.example.lg.jp
  language: ja
  contact: "情報政策課 (内線 1234)"
  interval: 1
  retry: [2s]
  compliance:
    to: [compliance@pref.example.lg.jp]
    mode: each
policy:
  default_action: accept
  rules:
    - name: personal-data-external
      when: "findings.total >= 10 and recipients.external >= 1"
      action: hold
      notify: sender
      reason:
        en: "This message carries personal data addressed outside the organisation."
        ja: "外部宛てのメールに個人情報が含まれています。"
YAML

ctl() {
	local sub=$1
	shift
	"$CTL" quarantine "$sub" -c "$T/leakguard.yaml" "$@"
}
quarantined() { sed -n "s/.*queue_id=$1 .*quarantine=\([0-9a-f]\{32\}\).*/\1/p" "$LG_LOG" | tail -n 1; }
# notice_file KIND ID: the sink's copy of that notice (empty if none yet)
notice_file() { sink_has "$PF" "X-Leakguard-Notice: $1 $2" 2>/dev/null | head -n 1; }
_notice_arrived() { [ -n "$(notice_file "$1" "$2")" ]; }
# decoded KIND ID OUT: the notice decoded into OUT; false if it is not there
decoded() {
	local f
	f=$(notice_file "$1" "$2")
	[ -n "$f" ] && python3 "$DECODE" "$f" >"$3" 2>&1
}
# rcpt_args FILE: the envelope recipients smtp-sink recorded for that copy
rcpt_args() { sed -n 's/^X-Rcpt-Args: *<\([^>]*\)>.*/\1/p' "$1" | sort -u | paste -sd, -; }
# hold FILE: send it, wait for leakguard's verdict; ID of the entry in HELD_ID
hold() {
	send "$1"
	local q=$QID
	_has() { [ -n "$(quarantined "$q")" ]; }
	wait_for 20 _has
	HELD_ID=$(quarantined "$q")
	[ -n "$HELD_ID" ]
}

# ------------------------------------------------------------------------------- setup

if start_leakguard; then
	ok "leakguard (hold_mode store, notices on, notice thread every 1 s) starts"
else
	not_ok "leakguard (hold_mode store, notices on) starts"
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
if hold "$FX/incident.eml"; then
	ID=$HELD_ID
	ok "(a) incident.eml is held into the store (quarantine=$ID)"
else
	not_ok "(a) incident.eml is held into the store"
	diagnose
	done_testing
	exit
fi
if wait_for 30 _notice_arrived held "$ID" && decoded held "$ID" "$T/held.txt"; then
	ok "(a) the sender's notice arrives in the sink (through the release relay)"
else
	not_ok "(a) the sender's notice arrives in the sink"
	diagnose
fi
f=$(notice_file held "$ID")
if [ -n "$f" ] && [ "$(rcpt_args "$f")" = "$SENDER" ]; then
	ok "(a) to the envelope sender only ($SENDER), none of the $nrcpt external recipients"
else
	not_ok "(a) to the envelope sender only"
	diag "recipients: $( [ -n "$f" ] && rcpt_args "$f")"
fi
subj="【送信保留】メールの送信を一時停止しました: 【事務連絡】令和6年度 地域防災研修会の参加者名簿について"
if grep -qxF "Subject: $subj" "$T/held.txt" && grep -qx "Charset: utf-8" "$T/held.txt" &&
	grep -qx "Content-Transfer-Encoding: base64" "$T/held.txt" &&
	grep -qx "Auto-Submitted: auto-generated" "$T/held.txt"; then
	ok "(a) in Japanese: the subject decodes (RFC 2047) to \"$subj\"; UTF-8, base64, Auto-Submitted"
else
	not_ok "(a) the subject decodes to the Japanese subject"
	diag_file "$T/held.txt" 8
fi
why="・添付ファイル「参加者名簿.csv」に電話番号 49 件、メールアドレス 49 件"
if grep -qF "$why" "$T/held.txt" && grep -qF "外部宛てのメールに個人情報が含まれています。" "$T/held.txt" &&
	grep -qF "受付番号: $ID" "$T/held.txt" && grep -qF "  件名: 【事務連絡】" "$T/held.txt" &&
	grep -qF "宛先 ($nrcpt 件):" "$T/held.txt"; then
	ok "(a) the body says why: \"$why ...\", the rule's Japanese reason, the subject, $nrcpt recipients and the id"
else
	not_ok "(a) the body says why, with the attachment name and counts"
	diag_file "$T/held.txt" 60
fi
if wait_for 20 _notice_arrived compliance "$ID" && decoded compliance "$ID" "$T/comp.txt" &&
	[ "$(rcpt_args "$(notice_file compliance "$ID")")" = compliance@pref.example.lg.jp ] &&
	grep -qF "leakguardctl quarantine show $ID" "$T/comp.txt" &&
	grep -qF "参加者名簿.csv" "$T/comp.txt"; then
	ok "(a) the reviewers' notice arrives at compliance@ with the samples and the show command"
else
	not_ok "(a) the reviewers' notice arrives"
	[ -f "$T/comp.txt" ] && diag_file "$T/comp.txt" 20
fi
ctl notices >"$T/notices.out" 2>&1
if [ "$(grep -c " sent .*$ID" "$T/notices.out")" -eq 2 ]; then
	ok "(a) leakguardctl quarantine notices lists both as sent"
else
	not_ok "(a) leakguardctl quarantine notices lists both as sent"
	diag_file "$T/notices.out" 10
fi

# ------------------------------------------------------------------------------- (b) release

ctl show --raw "$ID" >"$T/stored.eml"
ctl release "$ID" --reason "業務上必要な送付と確認しました" --reviewer alice >"$T/rel.out" 2>&1
st=$?
if [ $st -eq 0 ] && grep -q "released to $nrcpt recipients" "$T/rel.out" &&
	grep -q "released notice to $SENDER: " "$T/rel.out"; then
	ok "(b) leakguardctl release: exit 0, released, the released notice queued for $SENDER"
else
	not_ok "(b) leakguardctl release: exit 0 and the notice queued"
	diag "exit $st" "$(cat "$T/rel.out")"
fi
_released_in_sink() { [ -n "$(sink_has "$PF" "Message-ID: $inc_id" | head -n 1)" ]; }
wait_for 30 _released_in_sink
pf_wait_idle "$PF" 30
sinkfile=$(sink_has "$PF" "Message-ID: $inc_id" | head -n 1)
if [ -n "$sinkfile" ]; then
	tr -d '\r' <"$T/stored.eml" >"$T/stored.lf"
	tr -d '\r' <"$sinkfile" >"$T/sink.lf"
	s=$(stat -c %s "$T/stored.lf") k=$(( $(stat -c %s "$T/sink.lf") - 1 ))
	if [ "$k" -ge "$s" ] && head -c "$k" "$T/sink.lf" | tail -c "$s" | cmp -s - "$T/stored.lf" &&
		cmp -s <(sed '/^$/q' "$T/stored.lf") <(sed '/^$/q' "$FX/incident.eml"); then
		ok "(b) the original reaches the sink byte for byte ($s bytes after the relay's Received: lines; line ends as LF)"
	else
		not_ok "(b) the original reaches the sink byte for byte"
	fi
else
	not_ok "(b) the original reaches the sink (no copy)"
	diagnose
fi
if wait_for 30 _notice_arrived released "$ID" && decoded released "$ID" "$T/rel.txt" &&
	grep -qxF "Subject: 【送信しました】確認の結果、メールを送信しました: 【事務連絡】令和6年度 地域防災研修会の参加者名簿について" "$T/rel.txt" &&
	grep -qF "確認した担当者: alice" "$T/rel.txt" &&
	grep -qF "担当者のコメント: 業務上必要な送付と確認しました" "$T/rel.txt" &&
	[ "$(rcpt_args "$(notice_file released "$ID")")" = "$SENDER" ]; then
	ok "(b) the sender gets the released notice, with the reviewer (alice) and her reason"
else
	not_ok "(b) the sender gets the released notice with the reviewer's reason"
	[ -f "$T/rel.txt" ] && diag_file "$T/rel.txt" 20
	diagnose
fi

# ------------------------------------------------------------------------------- (c) delete

if hold "$FX/incident.eml"; then
	ID2=$HELD_ID
	wait_for 20 _notice_arrived held "$ID2"
	ctl delete "$ID2" --reason "誤送信のため削除" --reviewer bob >"$T/del.out" 2>&1
	st=$?
	if [ $st -eq 0 ] && wait_for 30 _notice_arrived deleted "$ID2" &&
		decoded deleted "$ID2" "$T/del.txt" &&
		grep -qxF "Subject: 【送信中止】確認の結果、メールは送信されませんでした: 【事務連絡】令和6年度 地域防災研修会の参加者名簿について" "$T/del.txt" &&
		grep -qF "確認した担当者: bob" "$T/del.txt" && grep -qF "担当者のコメント: 誤送信のため削除" "$T/del.txt"; then
		ok "(c) leakguardctl delete: the sender gets the deleted notice with bob's reason"
	else
		not_ok "(c) leakguardctl delete: the sender gets the deleted notice"
		diag "exit $st" "$(cat "$T/del.out")"
		[ -f "$T/del.txt" ] && diag_file "$T/del.txt" 20
	fi
else
	not_ok "(c) a second incident mail is held"
fi

# ------------------------------------------------------------------------------- (d) relay down

# take the release smtpd away (master.cf without it, postfix reload)
cp "$PF/etc/master.cf" "$T/master.cf.orig"
"$PF_POSTCONF" -c "$PF/etc" -M# "127.0.0.1:$REL_PORT/inet" 2>>"$T/setup.err"
"$PF_POSTFIX" -c "$PF/etc" reload >>"$T/setup.err" 2>&1
_rel_closed() { ! pf__port_open "$REL_PORT"; }
if wait_for 15 _rel_closed && hold "$FX/incident.eml"; then
	ID3=$HELD_ID
	_failed_logged() { grep -q "notice [0-9]* (held $ID3): attempt [0-9]* failed: smtp://127.0.0.1:$REL_PORT" "$LG_LOG"; }
	if wait_for 20 _failed_logged && ! _notice_arrived held "$ID3" &&
		ctl notices | grep -A1 " pending .*$ID3" | grep -q "last error: smtp://127.0.0.1:$REL_PORT"; then
		ok "(d) relay down: the notice fails, the log and the outbox give the relay's error, it stays pending"
	else
		not_ok "(d) relay down: the notice fails and stays pending with the error"
		diag_file "$LG_LOG" 10
		ctl notices | head -n 6 | sed 's/^/# /'
	fi
	cp "$T/master.cf.orig" "$PF/etc/master.cf"
	"$PF_POSTFIX" -c "$PF/etc" reload >>"$T/setup.err" 2>&1
	if wait_for 15 pf__port_open "$REL_PORT" && wait_for 30 _notice_arrived held "$ID3" &&
		decoded held "$ID3" "$T/late.txt" && grep -qF "$why" "$T/late.txt"; then
		ok "(d) relay back: the notice is retried and delivered"
	else
		not_ok "(d) relay back: the notice is retried and delivered"
		diag_file "$LG_LOG" 10
	fi
else
	not_ok "(d) the release smtpd goes away and a third incident mail is held"
	diag_file "$T/setup.err" 10
fi

# ------------------------------------------------------------------------------- (e) <>

sed 's/^From: .*/From: <>/' "$FX/incident.eml" >"$T/null.eml"
"$SWAKS" --server "127.0.0.1:$PF_PORT" --helo client.test --timeout 60 --from "<>" \
	--to "$(eml_rcpts "$FX/incident.eml" | head -n 3 | paste -sd, -)" --data "$T/null.eml" \
	>"$T/swaks.null.log" 2>&1 </dev/null
QN=$(sed -n 's/^<- *250 .*queued as \([0-9A-Za-z]*\).*/\1/p' "$T/swaks.null.log" | tail -n 1)
_has_n() { [ -n "$(quarantined "$QN")" ]; }
if [ -n "$QN" ] && wait_for 20 _has_n; then
	IDN=$(quarantined "$QN")
	wait_for 20 _notice_arrived compliance "$IDN"
	sleep 2
	if _notice_arrived compliance "$IDN" && ! _notice_arrived held "$IDN" &&
		[ "$(ctl notices | grep -c "$IDN")" -eq 1 ]; then
		ok "(e) the null sender <>: the reviewers are told, no notice goes to <>"
	else
		not_ok "(e) the null sender gets no notice"
		ctl notices | grep "$IDN" | sed 's/^/# /'
	fi
else
	not_ok "(e) a mail from <> is held"
	diag_file "$T/swaks.null.log" 10
fi

# ------------------------------------------------------------------------------- (f) by hand

# the daemon stops (its notice thread with it); a hold made by hand is sent by
# "leakguardctl quarantine notices --send", as cron would in a setup without the daemon
kill "$LG_PID" 2>/dev/null
if wait_gone "$LG_PID" 15; then
	wait "$LG_PID" 2>/dev/null
	LG_PID=
	ok "(f) SIGTERM stops leakguard with its notice thread"
else
	not_ok "(f) SIGTERM stops leakguard with its notice thread"
	diag_file "$LG_LOG" 10
fi
IDF=$(ctl put -f "$SENDER" -r outside@example.com "$FX/incident.eml" 2>"$T/put.err")
if [ -n "$IDF" ] && ctl notices --json >"$T/n.json" &&
	grep -q "\"kind\":\"held\",\"id\":\"$IDF\",[^}]*\"status\":\"pending\",\"attempts\":0" "$T/n.json"; then
	ok "(f) leakguardctl quarantine put queues the held notice (notices --json: pending, 0 attempts)"
else
	not_ok "(f) leakguardctl quarantine put queues the held notice"
	diag "$(cat "$T/put.err")" "$(head -c 600 "$T/n.json")"
fi
ctl notices --send >"$T/send.out" 2>&1
st=$?
if [ $st -eq 0 ] && grep -q "^sent 2, deferred 0, given up 0" "$T/send.out" &&
	wait_for 30 _notice_arrived held "$IDF" && decoded held "$IDF" "$T/f.txt" &&
	grep -qF "宛先 (1 件):" "$T/f.txt"; then
	ok "(f) leakguardctl quarantine notices --send sends it (and the reviewers'): $(tail -n 1 "$T/send.out")"
else
	not_ok "(f) leakguardctl quarantine notices --send sends it"
	diag "exit $st" "$(cat "$T/send.out")"
fi

done_testing
