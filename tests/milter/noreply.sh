#!/bin/bash
# noreply.sh - the milter protocol as Postfix speaks it (noreply.py): leakguard asks the MTA not to
# wait for a reply to connect, each recipient, header and body chunk (a round trip each), still
# answers MAIL FROM, and gives its verdict at end of message; an internal error in a step that
# is not answered (the spool cannot be written) still ends in tempfail, never accept.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

require_cmd python3
fx=$top_srcdir/tests/fixtures
cf=$top_srcdir/tests/milter
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-noreply.XXXXXX")
chmod 755 "$tmp"
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# start_lg NAME [CONFIG] - leakguard in the foreground on $tmp/NAME.sock (log $tmp/NAME.log)
start_lg() {
	local sock=$tmp/$1.sock
	local user=
	[ "$(id -u)" -eq 0 ] && user="-u nobody"
	"$top_builddir/leakguard" -f -l "unix:$sock" $user ${2:+-c "$2"} 2>"$tmp/$1.log" &
	pids="$pids $!"
	wait_for_socket "$sock" 20
}

# run NAME FILE EXPECT DESC - one protocol run against leakguard NAME as a test point
run() {
	local out
	out=$(python3 "$cf/noreply.py" "$tmp/$1.sock" "$2" "$3" 2>&1)
	result $? "$4" || { diag "$out"; diag_file "$tmp/$1.log" 20; }
}

plan 6
start_lg builtin
result $? "leakguard starts with the built-in configuration"
# name | file | expected at end of message | what it shows
cases=(
	"builtin|$fx/ordinary.eml|accept|an ordinary mail: no reply before end of message, then accept"
	"tag|$fx/utf8-qp-few.eml|tag|personal data: tagged at end of message, the steps before unanswered"
	"tag|$fx/incident.eml|tempfail-reply|a policy tempfail: 451 4.7.1 at end of message"
	"spool|$fx/incident.eml|tempfail|the spool cannot be written: no early reply, tempfail at end of message"
)
start_lg tag "$cf/tag.yaml" || diag "leakguard with tag.yaml did not start"
start_lg spool "$cf/unwritable-spool.yaml" || diag "leakguard with unwritable-spool.yaml did not start"
for c in "${cases[@]}"; do
	IFS='|' read -r name file expect desc <<<"$c"
	run "$name" "$file" "$expect" "$desc"
done
check "the spool failure is logged with the tempfail at end of message" \
	grep -q "not analysed (an earlier step failed, logged above); answering tempfail" "$tmp/spool.log"
done_testing
