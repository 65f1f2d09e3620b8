#!/bin/bash
# milter.sh - miltertest scenarios against the real daemon: accept, tag, hold, reject and tempfail
# paths (policy tempfail and internal errors), one leakguard per configuration.
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
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
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

stop_lg() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}

# run NAME FILE EXPECT [FROM RCPTS [REPLYTEXT]] - one miltertest run as a test point
run() {
	out=$("$MILTERTEST" -s "$cf/scenario.lua" -D "SOCK=$spec" -D "FILE=$2" \
		-D "EXPECT=$3" -D "QID=Q$LG_TESTS_RUN" ${4:+-D "FROM=$4"} ${5:+-D "RCPTS=$5"} \
		${6:+-D "REPLYTEXT=$6"} 2>&1)
	st=$?
	[ "$out" = "ok" ] || st=1
	result $st "$1"
	[ $st -eq 0 ] || diag "$out" "--- leakguard log:" "$(tail -n 20 "$log")"
}

# logged PATTERN NAME - the daemon's log has a matching line
logged() {
	grep -q -- "$1" "$log"
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
run "tag policy adds X-Leakguard-Verdict" "$fx/html-contacts.eml" tag
printf 'From: a@pref.example.lg.jp\nTo: %s\nCc: b@example.org\nSubject: notice\nMIME-Version: 1.0\nContent-Type: text/plain\n\nhello\n' \
	"$(seq -f 'user%g@example.com' 1 25 | paste -sd, -)" >"$tmp/many-to.eml"
run "bcc rewrites a long visible To list to undisclosed-recipients:;" "$tmp/many-to.eml" bcc
run "policy tempfail answers 451 4.7.1 with the reason" "$fx/incident.eml" tempfail "" "" \
	"Try again later"
stop_lg

start_lg broken "$cf/unwritable-spool.yaml"
result $? "leakguard starts with an unwritable spool directory"
run "an internal error (spool write fails) answers tempfail, never accept" "$fx/incident.eml" \
	tempfail-internal
logged "answering tempfail" "the internal error is logged"
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
