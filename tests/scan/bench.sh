#!/bin/bash
# bench.sh - leakguardctl bench: over files and a directory it analyses every message, reports
# the verdicts, messages/s, MB/s, p50/p99 and the detectors' MB/s with sane figures, and answers
# bad arguments and unreadable input with the documented exit codes.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

ctl=$top_builddir/leakguardctl
fx=$top_srcdir/tests/fixtures
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# two files: the incident is held, the ordinary mail accepted (the built-in policy)
"$ctl" bench -n 3 "$fx/ordinary.eml" "$fx/incident.eml" >"$tmp/out" 2>"$tmp/err"
result $? "bench over two files exits 0"
[ $? -eq 0 ] || diag_file "$tmp/err"
grep -q '^leakguardctl bench: 2 messages, [0-9.]* MB, 3 rounds, one thread' "$tmp/out"
result $? "bench: 2 messages, 3 rounds"
grep -q '^verdicts: *accept 1, tag 0, bcc 0, hold 1, ' "$tmp/out"
result $? "bench: the verdicts are the milter's (accept 1, hold 1)"
awk '/^analyze\(\):/ { ok = $2 > 0 && $4 > 0 } END { exit !ok }' "$tmp/out"
result $? "bench: messages/s and MB/s are positive"
grep -qE '^per message: +mean [0-9.]+ ms, p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms \(CPU time, 6 samples\)' "$tmp/out"
result $? "bench: p50/p99 over 6 samples (2 messages x 3 rounds)"
awk '/^per message:/ { gsub(/,/, ""); p50 = $5; p99 = $8; mx = $11; ok = p50 <= p99 && p99 <= mx } END { exit !ok }' "$tmp/out"
result $? "bench: p50 <= p99 <= max"
grep -qE '^detectors: +[0-9.]+ MB/s over [0-9.]+ MB of extracted text in [0-9]+ texts \([1-9][0-9]* matches per pass' "$tmp/out"
result $? "bench: the detectors' MB/s over the extracted text, with matches"
[ $? -eq 0 ] || diag_file "$tmp/out"

# a directory is searched recursively; -v lists each file
mkdir -p "$tmp/dir/sub"
cp "$fx/ordinary.eml" "$tmp/dir/a.eml"
cp "$fx/incident.eml" "$tmp/dir/sub/b.eml"
"$ctl" bench -n 1 -v "$tmp/dir" >"$tmp/out2" 2>&1
result $? "bench over a directory exits 0"
grep -q '^leakguardctl bench: 2 messages' "$tmp/out2" && grep -q 'sub/b.eml$' "$tmp/out2"
result $? "bench: files under subdirectories found and listed with -v"

# errors: usage 64, unreadable input 1, broken configuration 78
is_status() { [ "$1" -eq "$2" ]; }
"$ctl" bench -n 0 "$fx/ordinary.eml" >/dev/null 2>&1
is_status $? 64
result $? "bench -n 0: exit 64"
"$ctl" bench >/dev/null 2>&1
is_status $? 64
result $? "bench without files: exit 64"
"$ctl" bench -n 1 "$tmp/missing.eml" >/dev/null 2>"$tmp/err3"
is_status $? 1
result $? "bench on a missing file: exit 1"
grep -q 'missing.eml' "$tmp/err3"
result $? "bench on a missing file: says which"
printf 'policy: [\n' >"$tmp/bad.yaml"
"$ctl" bench -c "$tmp/bad.yaml" -n 1 "$fx/ordinary.eml" >/dev/null 2>&1
is_status $? 78
result $? "bench with a broken configuration: exit 78"

done_testing
