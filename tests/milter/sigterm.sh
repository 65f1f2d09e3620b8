#!/bin/bash
# sigterm.sh - SIGTERM (and SIGINT) stop leakguard gracefully: libmilter's signal thread takes the
# signal, the daemon logs "stopping", waits for its workers and exits 0. No thread of the daemon
# may take these signals unblocked: their default action would end the process at once (the
# notice sender thread once did, and every SIGTERM killed the daemon with status 143).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

require_cmd python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-sigterm.XXXXXX")
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# one_taker PID SIGNUM - exactly one thread of PID has SIGNUM unblocked: libmilter's signal
# thread, which waits for it in sigwait (and shows it unblocked while it waits)
one_taker() {
	local bit=$((1 << ($2 - 1))) t blk takers=0
	for t in /proc/"$1"/task/*; do
		blk=$((16#$(sed -n 's/^SigBlk:[[:space:]]*//p' "$t/status")))
		[ $((blk & bit)) -eq 0 ] && takers=$((takers + 1))
	done
	[ "$takers" -eq 1 ] || diag "$takers threads of $1 take signal $2"
	[ "$takers" -eq 1 ]
}

plan 8
n=0
for sig in TERM INT; do
	n=$((n + 1))
	sock=$tmp/$n.sock
	user=
	[ "$(id -u)" -eq 0 ] && user="-u nobody"
	"$top_builddir/leakguard" -f -l "unix:$sock" $user 2>"$tmp/$n.log" &
	pid=$!
	wait_for_socket "$sock" 20
	result $? "SIG$sig: leakguard starts" || diag_file "$tmp/$n.log" 20
	sleep 0.5
	python3 "$top_srcdir/tests/milter/noreply.py" "$sock" "$top_srcdir/tests/fixtures/ordinary.eml" accept
	result $? "SIG$sig: a message is accepted before the signal"
	signum=15
	[ "$sig" = INT ] && signum=2
	check "SIG$sig: only libmilter's signal thread can take it" one_taker "$pid" "$signum"
	kill -s "$sig" "$pid"
	rc=
	for _ in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid"; rc=$?; pid=; break; }
		sleep 0.1
	done
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null	# still running: not stopped by the signal
	pid=
	[ "$rc" = 0 ] && grep -q 'stopping (smfi_main returned 0)' "$tmp/$n.log"
	result $? "SIG$sig: a graceful stop (\"stopping\" logged, exit status 0; got ${rc:-still running})" ||
		diag_file "$tmp/$n.log" 20
done
done_testing
