#!/bin/bash
# milter.sh - miltertest scenarios against the real daemon: accept, tag, bcc (header by header,
# envelope untouched), hold, monitor, discard, reject and tempfail (policy tempfail and internal
# errors), reload on SIGHUP, worker processes (recycling, a timeout held as "worker failed");
# one leakguard per configuration.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

MILTERTEST=${MILTERTEST:-$(command -v miltertest)}
[ -x "$MILTERTEST" ] || skip_all "miltertest not installed (apt-get install miltertest)"

fx=$top_srcdir/tests/fixtures
cf=$top_srcdir/tests/milter
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-milter.XXXXXX")
chmod 755 "$tmp"
pid=
stopping=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	for p in $pid $stopping; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# start_lg NAME [CONFIG] - run leakguard in the foreground on $tmp/NAME.sock
start_lg() {
	sock=$tmp/$1.sock
	spec=unix:$sock
	log=$tmp/$1.log
	set -- -f -l "unix:$sock" -u nobody ${2:+-c "$2"}
	"$top_builddir/leakguard" "$@" 2>"$log" &
	pid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 100 ]; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$sock" ]
}

# stop_lg - SIGTERM; libmilter takes up to ~6 s to return after a session, so the next daemon
# (on its own socket, with its own log) starts meanwhile and cleanup waits for them all
stop_lg() {
	kill "$pid" 2>/dev/null
	stopping="$stopping $pid"
	pid=
}

# run NAME FILE EXPECT [FROM RCPTS [REPLYTEXT]] - one miltertest run as a test point; CHECKS in
# the environment adds header checks, MIDWAY a command run mid-message (see scenario.lua)
run() {
	out=$("$MILTERTEST" -s "$cf/scenario.lua" -D "SOCK=$spec" -D "FILE=$2" \
		-D "EXPECT=$3" -D "QID=Q$LG_TESTS_RUN" ${4:+-D "FROM=$4"} ${5:+-D "RCPTS=$5"} \
		${6:+-D "REPLYTEXT=$6"} ${CHECKS:+-D "CHECKS=$CHECKS"} ${MIDWAY:+-D "MIDWAY=$MIDWAY"} 2>&1)
	st=$?
	[ "$out" = "ok" ] || st=1
	result $st "$1"
	[ $st -eq 0 ] || diag "$out" "--- leakguard log:" "$(tail -n 20 "$log")"
}

# logged PATTERN NAME - the daemon's log has a matching line
logged() {
	grep -q -e "$1" "$log"
	result $? "$2"
	[ $? -eq 0 ] || diag "no line matching '$1' in:" "$(tail -n 20 "$log")"
}

start_lg builtin
result $? "leakguard starts with the built-in configuration"
run "incident mail to 144 external recipients is held" "$fx/incident.eml" hold
logged "queue_id=Q1 .*action=hold rules=personal-data-external" "hold is logged with queue id and rule"
logged "findings=phone_jp:49,email:49,postal_jp:49,name:49 records=49" "log line gives 49 phones, e-mail addresses, postal addresses and names, 49 records"
run "same mail to three colleagues in the sender's domain is accepted" "$fx/incident-internal.eml" accept
run "ordinary mail with only the sender's signature is accepted" "$fx/ordinary.eml" accept
run "incident mail with envelope recipients all internal is accepted" "$fx/incident.eml" accept \
	hanako.yamada@pref.example.lg.jp "a@pref.example.lg.jp,b@soumu.pref.example.lg.jp"
stop_lg

start_lg reject "$cf/reject.yaml"
result $? "leakguard starts with a reject policy"
run "reject policy answers 550 5.7.1 with the reason's English part" "$fx/incident.eml" reject \
	"" "" "Personal data to external recipients is not allowed"
run "reject policy leaves ordinary mail alone" "$fx/ordinary.eml" accept
stop_lg

start_lg tag "$cf/tag.yaml"
result $? "leakguard starts with a tag policy"
CHECKS="add:X-Leakguard-Verdict:tag; findings=36; records=12|add:X-Leakguard-Rules:tag-any-personal-data|nochange:To|nodelete:To" \
	run "tag policy adds X-Leakguard-Verdict (action, findings, records) and X-Leakguard-Rules, nothing else changes" "$fx/html-contacts.eml" tag
printf 'From: a@pref.example.lg.jp\nTo: %s\nCc: b@example.org\nSubject: notice\nMIME-Version: 1.0\nContent-Type: text/plain\n\nhello\n' \
	"$(seq -f 'user%g@example.com' 1 25 | paste -sd, -)" >"$tmp/many-to.eml"
run "bcc rewrites a long visible To list to undisclosed-recipients:;" "$tmp/many-to.eml" bcc
run "policy tempfail answers 451 4.7.1 with the reason" "$fx/incident.eml" tempfail "" "" \
	"Try again later"
stop_lg

# bcc: the messages' To and Cc, header by header
printf 'From: hanako@pref.example.lg.jp\nTo: a@pref.example.lg.jp, x@example.com\nCc: y@example.org, b@pref.example.lg.jp\nSubject: notice\n\nhello\n' >"$tmp/bcc1.eml"
printf 'From: hanako@pref.example.lg.jp\nTo: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro@pref.example.lg.jp>,\n x@example.com\nTo: second@example.net\nCc: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <z@example.com>,\n\tc@pref.example.lg.jp\nSubject: notice\n\nhello\n' >"$tmp/bcc2.eml"
printf 'From: hanako@pref.example.lg.jp\nTo: a@pref.example.lg.jp\nCc: y@example.org\nSubject: notice\n\nhello\n' >"$tmp/bcc3.eml"
start_lg bcc "$cf/bcc.yaml"
result $? "leakguard starts with a bcc policy"
CHECKS="change:To:undisclosed-recipients:;|delete:Cc:1|nodelete:To|add:X-Leakguard-Verdict|add:X-Leakguard-Rules:hide-visible-external" \
	run "bcc: To (internal + external) becomes undisclosed-recipients:;, Cc is deleted, envelope untouched" "$tmp/bcc1.eml" bcc
logged 'bcc=hidden:4,kept:0 orig_to="a@pref.example.lg.jp, x@example.com" orig_cc="y@example.org, b@pref.example.lg.jp"' \
	"bcc: the verdict line keeps the original To and Cc"
CHECKS="change:To:undisclosed-recipients:;|delete:To:2|delete:Cc:1" \
	run "bcc: folded To with an encoded name, a second To and a folded Cc are all hidden" "$tmp/bcc2.eml" bcc
CHECKS="change:To:undisclosed-recipients:;|delete:Cc:1" \
	run "bcc: keep_internal false hides an internal To too" "$tmp/bcc3.eml" bcc
stop_lg

start_lg bcc-keep "$cf/bcc-keep.yaml"
result $? "leakguard starts with a bcc policy and bcc.keep_internal: true"
CHECKS="change:To:a@pref.example.lg.jp|change:Cc:b@pref.example.lg.jp|nodelete:To|nodelete:Cc" \
	run "bcc keep_internal: To and Cc keep their internal address only" "$tmp/bcc1.eml" bcc
CHECKS="change:To:=?UTF-8?b?5bGx55Sw5aSq6YOO?= <taro@pref.example.lg.jp>|delete:To:2|change:Cc:c@pref.example.lg.jp|nodelete:Cc" \
	run "bcc keep_internal: folded To keeps its encoded internal name, the second To goes, folded Cc keeps its internal address" "$tmp/bcc2.eml" bcc
CHECKS="nochange:To|nodelete:To|delete:Cc:1" \
	run "bcc keep_internal: an internal-only To is left alone, the external Cc goes" "$tmp/bcc3.eml" bcc
logged 'bcc=hidden:1,kept:1 orig_to="a@pref.example.lg.jp" orig_cc="y@example.org"' \
	"bcc keep_internal: hidden and kept counts in the verdict line"
stop_lg

start_lg monitor "$cf/monitor.yaml"
result $? "leakguard starts with a policy in monitor mode"
run "monitor: the incident mail is not held, not tagged, not changed" "$fx/incident.eml" monitor
logged "queue_id=Q$((LG_TESTS_RUN - 1)) .*action=hold monitor=yes rules=personal-data-external" \
	"monitor: logged as action=hold monitor=yes"
stop_lg

start_lg discard "$cf/discard.yaml"
result $? "leakguard starts with a discard rule (allow_discard) and a reject rule on trial"
run "discard: the mass mailing is discarded" "$tmp/many-to.eml" discard
logged "action=discard rules=drop-mass-mailing" "discard is logged"
run "a reject rule with monitor: true lets the incident mail through unchanged" "$fx/incident.eml" monitor
logged "action=reject monitor=yes rules=reject-on-trial" "the rule on trial logs action=reject monitor=yes"
stop_lg

# reload: SIGHUP swaps a good configuration in, keeps the running one when the new file is bad
cp "$cf/tag.yaml" "$tmp/reload.yaml"
start_lg reload "$tmp/reload.yaml"
result $? "leakguard starts for the reload test"
run "before the reload the incident mail gets tempfail (tag.yaml)" "$fx/incident.eml" tempfail "" "" "Try again later"
# SIGHUP while a message is under way (after its headers): it finishes under tag.yaml
MIDWAY="cp '$cf/reject.yaml' '$tmp/reload.yaml' && kill -HUP $pid && i=0 && while ! grep -q 'generation 2' '$log' && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done" \
	run "a message under way when SIGHUP swaps in reject.yaml still gets tempfail (the configuration it started with)" \
	"$fx/incident.eml" tempfail "" "" "Try again later"
midq=Q$((LG_TESTS_RUN - 1))
awk -v q="queue_id=$midq " '/generation 2/ { r = NR } index($0, q) && / action=tempfail / { v = NR }
	END { exit !(r && v && r < v) }' "$log"
result $? "SIGHUP: generation 2 was loaded before that message ($midq) ended, and it was still decided by generation 1"
run "after the reload the same mail is rejected (reject.yaml)" "$fx/incident.eml" reject "" "" \
	"Personal data to external recipients is not allowed"
printf 'listen: "unix:/tmp/elsewhere.sock"\npolicy:\n  rules:\n    - name: x\n      when: "no.such.fact > 1"\n      action: hold\n' >"$tmp/reload.yaml"
kill -HUP "$pid"
wait_for_log "$log" "keeping the running one" 10
result $? "SIGHUP with a broken file: the running configuration is kept"
logged "reload: .*reload.yaml:5:[0-9]*: error: " "the broken file's errors are logged with file:line:column"
run "after the failed reload the mail is still rejected" "$fx/incident.eml" reject "" "" \
	"Personal data to external recipients is not allowed"
printf 'socket_mode: "0600"\nlog_facility: local3\n' >"$tmp/reload.yaml"
kill -USR1 "$pid"
wait_for_log "$log" "generation 3" 10
result $? "SIGUSR1 reloads too"
logged "reload: socket_mode changed (0660 -> 0600): it takes a restart" \
	"a changed socket_mode is logged as needing a restart"
logged "reload: log_facility changed (mail -> local3): it takes a restart" \
	"a changed log_facility is logged as needing a restart"
kill -0 "$pid"
result $? "leakguard is still running after three reloads"
stop_lg

# hold_mode store: a held message goes into the SQLite store, then the milter answers discard
CTL=$top_builddir/leakguardctl
mkdir -p "$tmp/q" "$tmp/ro"
[ "$(id -u)" -eq 0 ] && chown nobody "$tmp/q" "$tmp/ro"
sed "s|@DB@|$tmp/q/q.db|" "$cf/store.yaml.in" >"$tmp/store.yaml"
printf 'From: hanako@pref.example.lg.jp\nTo: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro@pref.example.lg.jp>,\n x@example.com\nSubject: held\nMessage-ID: <held-1@pref.example.lg.jp>\n\nline one\n.line with a dot\n\nlast line\n' >"$tmp/held.eml"
start_lg store "$tmp/store.yaml"
result $? "leakguard starts with hold_mode store (SQLite in a scratch directory)"
run "hold_mode store: a hold verdict answers discard (not Postfix's hold queue)" "$tmp/held.eml" discard \
	hanako@pref.example.lg.jp "taro@pref.example.lg.jp,x@example.com"
heldq=Q$((LG_TESTS_RUN - 1))
qid=$(sed -n "s/.*queue_id=$heldq .*action=hold .*quarantine=\([0-9a-f]\{32\}\).*/\1/p" "$log")
[ -n "$qid" ]
result $? "hold_mode store: the verdict line names the entry (quarantine=ID)"
"$CTL" quarantine list --url "sqlite:$tmp/q/q.db" | grep -q "^$qid .* held .*hanako@pref.example.lg.jp .* 2 rcpts"
result $? "hold_mode store: the entry is listed as held with the envelope sender and 2 recipients"
"$CTL" quarantine show --json --url "sqlite:$tmp/q/q.db" "$qid" >"$tmp/held.json" 2>&1
grep -q '"sender":"hanako@pref.example.lg.jp"' "$tmp/held.json" &&
	grep -q '"recipients":\["taro@pref.example.lg.jp","x@example.com"\]' "$tmp/held.json" &&
	grep -q "\"queue_id\":\"$heldq\"" "$tmp/held.json"
result $? "hold_mode store: the record keeps the envelope (sender, recipients in order) and the queue id"
[ $? -eq 0 ] || diag "$(cat "$tmp/held.json")"
"$CTL" quarantine show --raw --url "sqlite:$tmp/q/q.db" "$qid" >"$tmp/held.raw"
sed 's/$/\r/' "$tmp/held.eml" | cmp -s - "$tmp/held.raw"
result $? "hold_mode store: show --raw gives the message as sent (headers folded as received, CRLF)"
[ $? -eq 0 ] || diag "$(od -c "$tmp/held.raw" | head -n 20)"
run "hold_mode store: mail that matches no rule is accepted" "$fx/ordinary.eml" accept \
	hanako@pref.example.lg.jp "a@pref.example.lg.jp"
stop_lg

# an unwritable store: a read-only directory, then a read-only database file
sed "s|@DB@|$tmp/ro/sub/q.db|" "$cf/store.yaml.in" >"$tmp/store-ro.yaml"
chmod 0555 "$tmp/ro"
start_lg store-ro "$tmp/store-ro.yaml"
result $? "leakguard starts with a store in a read-only directory"
run "hold_mode store: the store cannot be created: tempfail, never discard" "$tmp/held.eml" \
	tempfail-internal hanako@pref.example.lg.jp "x@example.com"
logged "quarantine store: .*answering tempfail" "the store failure is logged"
logged "action=hold .*quarantine=failed" "the verdict line says quarantine=failed"
stop_lg
chmod 0755 "$tmp/ro"
"$CTL" quarantine list --url "sqlite:$tmp/ro/q.db" >/dev/null 2>&1
[ "$(id -u)" -eq 0 ] && chown nobody "$tmp/ro/q.db"
chmod 0444 "$tmp/ro/q.db"
chmod 0555 "$tmp/ro"
sed "s|@DB@|$tmp/ro/q.db|" "$cf/store.yaml.in" >"$tmp/store-ro2.yaml"
start_lg store-ro2 "$tmp/store-ro2.yaml"
result $? "leakguard starts with a read-only store file"
run "hold_mode store: a read-only database file: tempfail" "$tmp/held.eml" \
	tempfail-internal hanako@pref.example.lg.jp "x@example.com"
logged "quarantine store: .*answering tempfail" "the read-only store is logged"
stop_lg
chmod 0755 "$tmp/ro"

start_lg broken "$cf/unwritable-spool.yaml"
result $? "leakguard starts with an unwritable spool directory"
run "an internal error (spool write fails) answers tempfail, never accept" "$fx/incident.eml" \
	tempfail-internal
logged "answering tempfail" "the internal error is logged"
stop_lg

# worker processes: recycled after workers.max_messages; a message over workers.timeout is
# killed with its worker and held as not scannable ("worker failed"); the next one goes on
awk 'BEGIN {
	printf "From: hanako.yamada@pref.example.lg.jp\r\nTo: someone@example.com\r\n"
	printf "Subject: list\r\nMIME-Version: 1.0\r\n"
	printf "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
	printf "Content-Type: text/csv; charset=us-ascii\r\n"
	printf "Content-Disposition: attachment; filename=\"list.csv\"\r\n\r\nname,phone,note\r\n"
	for (i = 0; i < 600000; i++)
		printf "person %d,090-%04d-%04d,%d lorem ipsum dolor sit amet\r\n", i,
			int(i / 10000) % 10000, i % 10000, i * 7
	printf "--b--\r\n"
}' >"$tmp/big.eml"
start_lg workers "$cf/workers.yaml"
result $? "leakguard starts with one worker process (workers.yaml)"
run "workers: ordinary mail is accepted" "$fx/ordinary.eml" accept
run "workers: the incident mail is held" "$fx/incident.eml" hold
run "workers: ordinary mail is accepted again" "$fx/ordinary.eml" accept
[ "$(grep -c 'worker [0-9]* started' "$log")" -eq 2 ]
result $? "workers: max_messages 2: three messages took two worker processes"
logged "worker [0-9]* retired after 2 messages: workers.max_messages reached" \
	"workers: the recycling is logged"
if [ "$(id -u)" -eq 0 ]; then
	wp=$(sed -n 's/.*worker pool: spawner \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	[ -n "$wp" ] && [ "$(ps -o user= -p "$wp" | tr -d ' ')" = nobody ] &&
		[ "$(ps -o user= --ppid "$pid" | sort -u | tr -d ' ')" = nobody ]
	result $? "workers: the spawner and the workers run as nobody too"
fi
run "workers: a message over workers.timeout (2 s) is held" "$tmp/big.eml" hold
qbig=Q$((LG_TESTS_RUN - 1))
logged "$qbig: worker [0-9]* failed: no report after 2 s (workers.timeout); killed by signal 9" \
	"workers: the timeout is logged at error with the queue id and the signal"
logged "queue_id=$qbig .*action=hold rules=unscannable-external .*unscannable=1 .*error=worker failed" \
	"workers: the verdict line says unscannable=1 error=worker failed"
run "workers: the next message is analysed by a new worker and accepted" "$fx/ordinary.eml" accept
[ "$(grep -c 'worker [0-9]* started' "$log")" -eq 3 ]
result $? "workers: the killed worker was replaced"
# with the spawner gone, the running worker serves its last message; then a new spawner is
# started; a new one that dies young is replaced only after a back-off (tempfail meanwhile)
kill -9 "$(sed -n 's/.*worker pool: spawner \([0-9]*\).*/\1/p' "$log" | tail -n 1)"
run "workers: spawner killed: the worker still running analyses its last message" \
	"$fx/ordinary.eml" accept
run "workers: then a new spawner's worker analyses the next message" "$fx/ordinary.eml" accept
logged "the worker spawner (pid [0-9]*) is gone after .*killed by signal 9.*a new one starts now" \
	"workers: the lost spawner is logged at error"
logged "worker pool: spawner [0-9]* started again (restart 1)" "workers: the new spawner is logged"
kill -9 "$(sed -n 's/.*worker pool: spawner \([0-9]*\).*/\1/p' "$log" | tail -n 1)"
run "workers: new spawner killed: its worker analyses its last message" "$fx/ordinary.eml" accept
run "workers: a spawner dead young is not replaced at once: tempfail, never accept" \
	"$fx/ordinary.eml" tempfail-internal
logged "it lived less than 10 s: a new one starts in 1 s" "workers: the back-off is logged"
stop_lg

# inet socket, daemon mode (no -f) with a pid file, and the run-as user
port=$(pick_port 10100 10199)
pidf=$tmp/lg.pid
log=$tmp/daemon.log
"$top_builddir/leakguard" -l "inet:$port@127.0.0.1" -u nobody -p "$pidf" >"$log" 2>&1
st=$?
wait_for_file "$pidf" 10
dpid=$(cat "$pidf" 2>/dev/null)
[ $st -eq 0 ] && [ -n "$dpid" ] && kill -0 "$dpid" 2>/dev/null
result $? "daemon mode: leakguard detaches and writes its pid file"
spec=inet:$port@127.0.0.1
run "a message over an inet socket is held" "$fx/incident.eml" hold
if [ "$(id -u)" -eq 0 ]; then
	[ "$(ps -o user= -p "$dpid" 2>/dev/null | tr -d ' ')" = nobody ]
	result $? "started as root, it runs as the configured user (nobody)"
fi
[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
wait_gone "$dpid" 10
result $? "SIGTERM stops the daemon"

"$top_builddir/leakguard" -t -c "$cf/bad.yaml" >"$tmp/bad.out" 2>&1
st=$?
[ $st -eq 78 ] && grep -q "bad.yaml:[0-9]*:[0-9]*: error:" "$tmp/bad.out"
result $? "a broken config is refused with file:line:column and exit 78"
[ $? -eq 0 ] || diag "exit $st" "$(cat "$tmp/bad.out")"

done_testing
