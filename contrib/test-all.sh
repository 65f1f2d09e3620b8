#!/bin/sh
# test-all.sh - the README's second command and CI's: install what the tests need, then build and run
# the whole suite twice (warnings as errors; then under AddressSanitizer + UndefinedBehaviorSanitizer),
# every libFuzzer harness for a few seconds (FUZZ_SECONDS, default 5), then make distcheck, and end
# with one line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
sh contrib/install-deps.sh --tests || exit 1
autoreconf -fi || exit 1
export LG_CORPUS="${LG_CORPUS:-$top/../shared/corpus}"
jobs=$(nproc)
extra_failed=0
extra_passed=0

# build_and_check DIR CONFIGURE-ARGS... - out-of-tree build and make check
build_and_check() {
	dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "=== $dir: configure $*"
	(cd "$dir" && "$top/configure" "$@" >configure.out 2>&1) || {
		tail -n 30 "$dir/configure.out"
		extra_failed=$((extra_failed + 1))
		echo "FAIL: configure in $dir"
		return
	}
	echo "=== $dir: make"
	if ! make -C "$dir" -j"$jobs" >"$dir/make.out" 2>&1; then
		tail -n 40 "$dir/make.out"
		extra_failed=$((extra_failed + 1))
		echo "FAIL: build in $dir"
		return
	fi
	extra_passed=$((extra_passed + 1))
	echo "=== $dir: make check"
	make -C "$dir" -j"$jobs" check >"$dir/check.out" 2>&1
	grep -aE '^(PASS|FAIL|ERROR|XPASS|SKIP|# )' "$dir/check.out" | grep -vE '^PASS' | head -n 60
	for log in $(find "$dir/tests" -name '*.log' ! -name test-suite.log 2>/dev/null); do
		if grep -aqE '^(not ok|Bail out)' "$log" || grep -q '^:test-result: \(FAIL\|ERROR\)' "${log%.log}.trs" 2>/dev/null; then
			echo "--- $log"
			grep -aE '^(not ok|#|Bail)' "$log" | head -n 40
		fi
	done
}

build_and_check build-werror --enable-werror
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:print_suppressions=0" \
LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
	build_and_check build-asan --enable-werror --enable-sanitizers

echo "=== fuzz (every harness ${FUZZ_SECONDS:-5} s)"
if FUZZ_SECONDS=${FUZZ_SECONDS:-5} FUZZ_MINIMIZE=0 sh contrib/fuzz.sh >build-fuzz.out 2>&1 ||
	[ -s build-fuzz/logs/summary.txt ]; then
	cat build-fuzz/logs/summary.txt
	fuzz_ok=$(grep -c ' none$' build-fuzz/logs/summary.txt)
	fuzz_bad=$(($(grep -vc '^harness\|^ ' build-fuzz/logs/summary.txt) - fuzz_ok))
	extra_passed=$((extra_passed + fuzz_ok))
	extra_failed=$((extra_failed + fuzz_bad))
	[ "$fuzz_bad" -eq 0 ] || sed -n '/^  [a-z]*:/,$p' build-fuzz.out | head -n 40
else
	tail -n 30 build-fuzz.out
	extra_failed=$((extra_failed + 1))
	echo "FAIL: the fuzz build"
fi

echo "=== distcheck"
if make -C build-werror distcheck >build-werror/distcheck.out 2>&1; then
	extra_passed=$((extra_passed + 1))
	echo "distcheck: ok"
else
	extra_failed=$((extra_failed + 1))
	tail -n 40 build-werror/distcheck.out
	echo "FAIL: make distcheck"
fi

passed=$(cat build-werror/tests/*/*.trs build-werror/tests/*.trs build-asan/tests/*/*.trs 2>/dev/null |
	grep -c '^:test-result: \(PASS\|XFAIL\)')
failed=$(cat build-werror/tests/*/*.trs build-werror/tests/*.trs build-asan/tests/*/*.trs 2>/dev/null |
	grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\)')
skipped=$(cat build-werror/tests/*/*.trs build-asan/tests/*/*.trs 2>/dev/null |
	grep -c '^:test-result: SKIP')
passed=$((passed + extra_passed))
failed=$((failed + extra_failed))
echo "(builds, each fuzz harness and distcheck count as one test each; $skipped skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
