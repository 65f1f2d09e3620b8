#!/bin/sh
# fuzz.sh - build the libFuzzer harnesses in build-fuzz/ (a separate, instrumented configure run),
# seed one corpus per harness from the project's fixtures and the shared message corpus, run each
# harness FUZZ_SECONDS (or FUZZ_RUNS executions), print one line per harness (executions, seconds,
# executions a second, coverage and features at start->end, findings), and exit non-zero when any
# of them found a crash, leak, timeout or out-of-memory (the input is kept, and its path printed).
#
#   FUZZ_SECONDS=60 sh contrib/fuzz.sh      # or, inside a fuzz build: FUZZ_SECONDS=60 make fuzz
#   FUZZ_RUNS=1000000 sh contrib/fuzz.sh    # or: make fuzz FUZZ_RUNS=1000000
#
# Environment: FUZZ_SECONDS (10), FUZZ_RUNS (a number of executions per harness instead of a time;
# with FUZZ_SECONDS as well, whichever comes first), FUZZ_JOBS (harnesses run at the same time, 1),
# FUZZ_ONLY="mime csv" (a subset of harnesses), FUZZ_ARGS (more
# libFuzzer flags), FUZZ_MINIMIZE (1: minimise a crashing or leaking input for up to 30 s; 0:
# don't), FUZZ_KEEP_GOING (1: libFuzzer's fork mode, which goes on after a finding, so one run
# lists every distinct failure; 0: stop at the first, the default), LG_CORPUS (../shared/corpus),
# LG_FUZZ_BUILD (a configured fuzz build tree to use as it is; `make fuzz` sets it).
# Each distinct failure (kind, message, top project frames) is run once more and printed with its
# input.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-10}
harnesses=${FUZZ_ONLY:-"mime charset html csv detect config expr ooxml odf pdf rtf archive analyze validators precheck rules decode bcc qdetails"}
corpus_src=${LG_CORPUS:-$top/../shared/corpus}
minimize=${FUZZ_MINIMIZE:-1}
jobs=$(nproc 2>/dev/null || echo 2)

die() {
	echo "fuzz.sh: $*" >&2
	exit 2
}

# ---- the build ---------------------------------------------------------------------------
# build_fuzz - configure build-fuzz/ for fuzzing (once) and build the harnesses
build_fuzz() {
	if [ ! -x "$top/configure" ]; then
		(cd "$top" && autoreconf -fi) || die "autoreconf failed"
	fi
	[ -f "$top/config.status" ] &&
		die "$top is configured in place; an out-of-tree build needs 'make distclean' there first"
	if [ ! -f "$build/config.status" ] || ! grep -q -e '--enable-fuzzing' "$build/config.status"; then
		mkdir -p "$build"
		echo "=== configure $build"
		(cd "$build" && "$top/configure" --enable-fuzzing --enable-sanitizers CC=clang \
			CFLAGS="-g -O1 -fsanitize=fuzzer-no-link" >configure.out 2>&1) || {
			tail -n 30 "$build/configure.out"
			die "configure failed (see $build/configure.out)"
		}
	fi
	echo "=== make $build"
	progs=""
	for h in $harnesses; do
		progs="$progs tests/fuzz/fuzz_$h"
	done
	# shellcheck disable=SC2086
	make -C "$build" -j"$jobs" $progs >"$build/make.out" 2>&1 || {
		grep -E 'error|warning' "$build/make.out" | head -n 40
		die "build failed (see $build/make.out)"
	}
	if grep -q 'warning:' "$build/make.out"; then
		echo "compiler warnings (see $build/make.out):"
		grep 'warning:' "$build/make.out" | sort -u | head -n 40
	fi
}

if [ -n "${LG_FUZZ_BUILD:-}" ]; then
	build=$LG_FUZZ_BUILD	# `make fuzz` has built the harnesses already
else
	build=$top/build-fuzz
	build_fuzz
fi

# ---- seed corpora ------------------------------------------------------------------------
# seed_files DIR FILE... - copy existing files into DIR, names kept, existing seeds left alone
seed_files() {
	dir=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] && cp -n "$f" "$dir/" 2>/dev/null
	done
	return 0
}

# seed_text DIR NAME FORMAT - one seed written with printf (octal escapes for raw bytes)
seed_text() {
	# shellcheck disable=SC2059
	[ -f "$1/$2" ] || printf "$3" >"$1/$2"
}

# seed_messages DIR - the fixtures' messages and the shared corpus's (names made unique)
seed_messages() {
	seed_files "$1" "$top"/tests/fixtures/*.eml
	[ -d "$corpus_src" ] || {
		echo "note: no shared corpus at $corpus_src (set LG_CORPUS); fixtures only" >&2
		return 0
	}
	find "$corpus_src" -type f \( -name '*.msg' -o -name '*.eml' -o -path '*/hide-content.d/new/1*' \
		-o -path '*/hide-filename.d/cur/1*' \) | while IFS= read -r f; do
		n=$(printf '%s' "${f#"$corpus_src"/}" | tr '/ ' '__')
		[ -f "$1/$n" ] || cp "$f" "$1/$n"
	done
}

# seed_archives DIR - fixture archives plus small zip, tar, gzip, bzip2, xz and 7z made here
seed_archives() {
	seed_files "$1" "$top"/tests/fixtures/archive/*
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-fuzz.XXXXXX")
	printf 'name,tel,mail\r\nYamada,090-1234-5678,taro@example.jp\r\n' >"$tmp/list.csv"
	printf 'tel 03-1234-5678\n' >"$tmp/note.txt"
	(cd "$tmp" && tar -cf seed.tar list.csv note.txt && gzip -c list.csv >seed.gz &&
		bzip2 -c list.csv >seed.bz2 && xz -c list.csv >seed.xz && tar -czf seed.tgz list.csv) \
		2>/dev/null
	command -v zip >/dev/null && (cd "$tmp" && zip -q seed.zip list.csv note.txt)
	command -v 7z >/dev/null && (cd "$tmp" && 7z a -bd seed.7z list.csv >/dev/null)
	for f in "$tmp"/seed.*; do
		[ -f "$1/${f##*/}" ] || cp "$f" "$1/"
	done
	rm -rf "$tmp"
	seed_text "$1" empty.zip 'PK\005\006\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000'
}

# seed_prefixed DIR BYTE FILE... - copy files into DIR with one byte (an octal escape) put first
seed_prefixed() {
	dir=$1
	byte=$2
	shift 2
	for f in "$@"; do
		n=$(printf '%s' "${f##*/}" | tr ' ' '_')
		# shellcheck disable=SC2059
		[ -f "$f" ] && [ ! -f "$dir/$n" ] && { printf "$byte"; cat "$f"; } >"$dir/$n"
	done
	return 0
}

# seed NAME - the seed corpus of one harness in $build/corpus/NAME
seed() {
	d=$build/corpus/$1
	mkdir -p "$d"
	case $1 in
	mime | analyze)
		seed_messages "$d" ;;
	charset)
		# the first byte picks the label (see fuzz_charset.c): 0 none, 8 shift_jis, 14 euc-jp,
		# 16 iso-2022-jp, 21 utf-16le
		seed_files "$d" "$top"/tests/fixtures/sjis-body.eml "$top"/tests/fixtures/utf8-qp-few.eml
		seed_text "$d" none '\000plain text 090-1234-5678'
		seed_text "$d" sjis '\010\202\261\202\361\202\311\202\277\202\315 \207\100'
		seed_text "$d" eucjp '\016\244\263\244\363\244\313\244\301\244\317'
		# shellcheck disable=SC2016
		seed_text "$d" jis '\020\033$B$3$s$K$A$O\033(B \033$B-!\033(B'
		seed_text "$d" utf16 '\025\377\376a\000b\000\060\000'
		seed_text "$d" utf8 '\002\343\201\223\357\274\220\357\274\231\357\274\220' ;;
	html)
		seed_files "$d" "$top"/tests/fixtures/content/*.html
		seed_text "$d" table '<html><head><style>p{}</style></head><body><p>a&amp;b&#x3042;</p><table><tr><td>090-1234-5678</td><td>x@example.jp</td></tr></table><br><script>y</script></body></html>' ;;
	csv)
		seed_text "$d" comma '\000name,tel,mail\r\n"Yamada, Taro",090-1234-5678,taro@example.jp\r\n"a""b",,\n'
		seed_text "$d" tab '\003a\tb\tc\n1\t2\t3\n'
		seed_text "$d" semicolon '\002a;b;c\r1;2;"3\n4"\r' ;;
	detect)
		seed_files "$d" "$top"/tests/fixtures/content/*.txt
		seed_text "$d" mixed 'tel 090-1234-5678 (03)1234-5678 +81 90 1234 5678 \357\274\220\357\274\231\357\274\220-1234-5678 mail taro.yamada@Example.JP, x@y' ;;
	validators)
		# the first byte picks the validator (see fuzz_validators.c): 0 phone_jp, 1 email,
		# 2 phone_intl, 3 my_number, 4 corporate_number, 5 payment_card, 6 postal_jp, 7 bank
		seed_text "$d" phone '\000tel 090-1234-5678 (03)1234-5678 +81 90 1234 5678'
		seed_text "$d" email '\001mail taro.yamada@Example.JP, "a b"@x.co.jp'
		seed_text "$d" intl '\002tel +44 (0)20 7946 0958 / +1 (415) 555-0100'
		seed_text "$d" mynumber '\003マイナンバー 1234 5678 9018'
		seed_text "$d" corporate '\004法人番号T7000012050002'
		seed_text "$d" card '\005card 4111-1111-1111-1111 3782 822463 10005'
		seed_text "$d" postal '\006〒100-8914\n東京都千代田区永田町 〒231-0005 横浜市中区'
		seed_text "$d" bank '\007みずほ銀行 渋谷支店 普通 1234567 店番 123' ;;
	config)
		seed_files "$d" "$top"/tests/fixtures/config/*.yaml "$top"/contrib/leakguard.yaml ;;
	expr)
		i=0
		for c in 'records >= 3' 'findings.total >= 10 and recipients.external >= 1' \
			'findings.phone_jp == 7 && findings.email == 4' 'not (true or false)' \
			'!(records > 3) || attachments.unscannable >= 1' 'message.size >= 3M and message.size <= 3072k' \
			'recipients.visible_external > 0 and recipients.external_domains >= 2' \
			'((records > 1) and ((recipients.total >= 1)))' '9223372036854775807 > records' \
			'attachments.count == 2' 'recipient.external >= 1'; do
			i=$((i + 1))
			seed_text "$d" "cond$i" "$c"
		done ;;
	ooxml | odf)
		seed_files "$d" "$top"/tests/fixtures/office/*
		seed_text "$d" empty.zip 'PK\005\006\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' ;;
	pdf)
		seed_files "$d" "$top"/tests/fixtures/pdf/*
		seed_text "$d" tiny.pdf '%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length 44>>stream\nBT /F1 12 Tf 10 100 Td (090-1234-5678) Tj ET\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' ;;
	rtf)
		seed_files "$d" "$top"/tests/fixtures/rtf/*
		seed_text "$d" tiny.rtf "{\\\\rtf1\\\\ansi\\\\ansicpg932{\\\\fonttbl{\\\\f0 MS Gothic;}}\\\\f0 tel \\\\'82\\\\'4f90 \\\\u12354? \\\\par{\\\\trowd\\\\cellx1000\\\\cellx2000 a\\\\cell b\\\\cell\\\\row}}" ;;
	archive)
		seed_archives "$d" ;;
	precheck)
		seed_archives "$d"
		seed_files "$d" "$top"/tests/fixtures/office/* ;;
	rules)
		seed_files "$d" "$top"/rules/builtin/*.yaml
		seed_text "$d" column 'id: staff_id\ndescription: staff numbers\ngroup: identity\npersonal: true\ncolumns: [社員番号, staff id]\nnot_columns: [部署]\nredact: digits\n'
		seed_text "$d" pattern '# two detectors\n- id: order_no\n  pattern: "ORD-[0-9]{6}"\n  prefilter: {literals: [ord], reach: 4}\n  context: {keywords: [注文], window: 20, required: false, confidence: high}\n  exclude: {keywords: [sample], window: 10}\n  confidence: low\n  redact: text\n- id: tel2\n  pattern: "0[0-9]{9,10}"\n  validator: phone_jp\n' ;;
	bcc)
		# NUL-separated (see fuzz_bcc.c): flag byte (1: keep_internal) and sender, then headers
		# whose first byte picks the name modulo 4: 4 To, 1 Cc, 2 Bcc, 3 another
		seed_text "$d" hide '\000sender@example.jp\000\004a@example.jp, "Yamada, Taro" <taro@example.com>, =?UTF-8?B?5bGx55Sw?= <y@x.org>\000\001Group: c@corp.example, d@sub.corp.example;, e@other.org\000\002hidden@x.org\000\003noise <n@x.org>'
		seed_text "$d" keep '\001sender@example.jp\000\004a@example.jp,\n\tb@example.jp, (comment) c@x.org\000\004undisclosed-recipients:;\000\001"=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=" <z@corp.example>, bad address, <>\000\002' ;;
	qdetails)
		# the same bytes are read as an encoding and as NUL-separated pieces of a record (see
		# fuzz_qdetails.c: the first byte gives 0-3 tallies, findings and parts; "\1" is NULL)
		seed_text "$d" encoded 'T\tphone_jp\t3\t1\t3\nF\temail\tt****@example.jp\t名簿\\t1.csv\t2\t0\t3\nP\tdata.zip/list.xlsx\tapplication/zip\t1234\t1\t0\tencrypted\nP\t1\ttext/plain\t10\t0\t1\t\\0\n'
		seed_text "$d" pieces '\077phone_jp\000email\000a\\b\tc\000x\ny\000\001\000path\rwith\000type\000reason\000\000\001' ;;
	decode)
		# the first byte picks the decoder (see fuzz_decode.c): 0 base64, 1 find blocks,
		# 2 uuencode, 3 yEnc, 4 BinHex; bits 3-5 the output cap (0: 1 MiB)
		seed_text "$d" b64 '\000SGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n'
		seed_text "$d" b64-junk '\000SGV#sbG8=SGVsbA=d29y\tbG'
		seed_text "$d" uu '\002begin 644 a.txt\n#86)C\n`\nend\n'
		seed_text "$d" uu-cap '\042begin 644 a\n.,#DP+3$R,S0M-38W. H \nend\n'
		seed_text "$d" yenc '\003=ybegin line=128 size=3 name=y.bin\n\213\214\215\n=yend size=3\n'
		seed_text "$d" yenc-part '\003=ybegin part=1 total=2 size=9 name=y\n=ypart begin=1 end=3\n\213\214\215\n=yend size=3\n'
		seed_text "$d" binhex '\004(This file must be converted with BinHex 4.0)\n:"h4PE#jdH(3!9%%9B9(4dH(3!!!!!!!i!!!!!mlF`16!Y-6)c0#de0MFi#L*2!!!:\n'
		seed_text "$d" find '\001Hello\nbegin 644 f.bin\n#86)C\n`\nend\nsee\n=ybegin line=128 size=3 name=y.bin\n\213\214\215\n=yend size=3\nx\n(This file must be converted with BinHex 4.0)\n:!!!:\ny\n'
		[ -d "$corpus_src" ] && seed_prefixed "$d" '\001' "$corpus_src"/mime4j/mimetools-testmsgs/uu-*.msg \
			"$corpus_src"/mime4j/mimetools-testmsgs/sig-uu.msg ;;
	*)
		die "unknown harness $1" ;;
	esac
}

# ---- running -----------------------------------------------------------------------------
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:print_suppressions=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
limits="-rss_limit_mb=2048 -timeout=10"

# kind_of LOG - what a failing run's log shows: leak, timeout, oom or crash
kind_of() {
	if grep -q 'ERROR: LeakSanitizer' "$1"; then
		echo leak
	elif grep -q 'ERROR: libFuzzer: timeout' "$1"; then
		echo timeout
	elif grep -q 'ERROR: libFuzzer: out-of-memory' "$1"; then
		echo oom
	else
		echo crash
	fi
}

# frames LOG - the first project frames of the report (allocation wrappers left out)
frames() {
	grep -E '^ +#[0-9]+ 0x[0-9a-f]+ in ' "$1" | grep -F " $top/" | grep -E '\.[ch](:[0-9]+)*( |$)' |
		grep -v 'lib/lg_alloc\.c' |
		sed -e 's/^ *#[0-9]* 0x[0-9a-f]* in //' -e "s|$top/||" | head -n 3
}

# what_of LOG - the one line that says what went wrong
what_of() {
	grep -m 1 -E '^fuzz_[a-z]+: |^SUMMARY:|runtime error:|ERROR: libFuzzer: (deadly|timeout|out-of)' "$1" |
		sed -e "s|$top/||g" -e 's/^==[0-9]*== *//'
}

# minimize BIN INPUT - a smaller input that fails the same way, beside INPUT as INPUT.min
minimize() {
	# shellcheck disable=SC2086
	"$1" -minimize_crash=1 -max_total_time=30 $limits -exact_artifact_path="$2.min" "$2" \
		>"$2.minimize.log" 2>&1
	[ -s "$2.min" ] && echo "$2.min"
}

# triage BIN ARTDIR STAMP - reproduce each new failing input once, print each distinct failure
triage() {
	sigs=$build/logs/$h.sigs
	: >"$sigs"
	n=0
	find "$2" -maxdepth 1 -type f -newer "$3" \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) ! -name '*.min' ! -name '*.log' | sort |
	while IFS= read -r a; do
		n=$((n + 1))
		[ $n -le 50 ] || break
		# shellcheck disable=SC2086
		"$1" $limits "$a" >"$a.log" 2>&1
		k=$(kind_of "$a.log")
		sig="$k $(what_of "$a.log") $(frames "$a.log" | tr '\n' ' ')"
		grep -qxF "$sig" "$sigs" && continue
		printf '%s\n' "$sig" >>"$sigs"
		grep -q 'ERROR:\|SUMMARY:\|runtime error:' "$a.log" ||
			echo "    (did not fail again when run alone: flaky or state-dependent)"
		echo "  $k: $(what_of "$a.log")"
		frames "$a.log" | sed 's/^/      at /'
		echo "    input: $a ($(wc -c <"$a") bytes)  log: $a.log"
		if [ "$minimize" = 1 ] && [ "$k" != timeout ] && [ "$k" != oom ]; then
			m=$(minimize "$1" "$a")
			[ -n "$m" ] && echo "    minimised: $m ($(wc -c <"$m") bytes)"
		fi
	done
}

# harness_args NAME - libFuzzer flags of one harness: inputs of the whole-message harnesses are
# kept to 64 KiB (the seeds' coverage all but two edges of 3,244 for analyze; without it the
# largest seed, 1.5 MiB, sets the bound and the corpus and memory fill with 1 MiB mutants; mime
# runs about a third more executions a CPU second); FUZZ_ARGS comes later and wins
harness_args() {
	case $1 in
	mime | analyze) echo "-max_len=65536" ;;
	esac
}

# first_last LOG WHAT - "start->end" of a coverage figure (cov or ft) in a libFuzzer log: start
# when the seed corpus was loaded (the INITED line; else the first figure), end the last figure
first_last() {
	v=$(sed -n "s/.* $2: \([0-9][0-9]*\).*/\1/p" "$1")
	[ -n "$v" ] || { echo '?'; return; }
	i=$(sed -n "s/.*INITED.* $2: \([0-9][0-9]*\).*/\1/p" "$1" | head -n 1)
	echo "${i:-$(echo "$v" | head -n 1)}->$(echo "$v" | tail -n 1)"
}

# run_harness NAME - seed, run and judge one harness; its summary line (and any triage) on
# stdout, exit 1 when it found something
run_harness() {
	h=$1
	bin=$build/tests/fuzz/fuzz_$h
	log=$build/logs/$h.log
	[ -x "$bin" ] || { echo "fuzz.sh: $bin was not built" >&2; return 2; }
	seed "$h"
	art=$build/artifacts/$h
	mkdir -p "$art"
	stamp=$build/logs/$h.stamp
	touch "$stamp"
	sleep 1	# artifacts of this run are strictly newer than the stamp
	t0=$(date +%s)
	# shellcheck disable=SC2086
	"$bin" $stop $limits -print_final_stats=1 -artifact_prefix="$art/" $(harness_args "$h") \
		$fork ${FUZZ_ARGS:-} "$build/corpus/$h" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
	line=$(printf '%-10s %11s %7s %7s %13s %15s' "$h" "${execs:-?}" "$secs" \
		"$(( ${execs:-0} / (secs > 0 ? secs : 1) ))" "$(first_last "$log" cov)" \
		"$(first_last "$log" ft)")
	new=$(find "$art" -maxdepth 1 -type f -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) ! -name '*.min' ! -name '*.log' | wc -l)
	if [ "$rc" -eq 0 ] && [ "$new" -eq 0 ]; then
		echo "$line  none"
		return 0
	fi
	if [ "$new" -eq 0 ]; then
		echo "$line  exit $rc without a failing input"
		what_of "$log" | sed 's/^/    /'
		tail -n 5 "$log" | sed 's/^/    /'
		return 1
	fi
	kinds=$(find "$art" -maxdepth 1 -type f -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) ! -name '*.min' ! -name '*.log' |
		sed 's|.*/\([a-z]*\)-[^/]*$|\1|' | sort | uniq -c | awk '{printf "%s%s %s", s, $1, $2; s=", "}')
	echo "$line  $kinds (log $log)"
	triage "$bin" "$art" "$stamp"
	return 1
}

mkdir -p "$build/logs"
found=0
summary=$build/logs/summary.txt
fork=""
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && fork="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
# FUZZ_RUNS: that many executions (and at most FUZZ_SECONDS if that is given too); otherwise
# FUZZ_SECONDS of fuzzing
if [ -n "${FUZZ_RUNS:-}" ]; then
	stop="-runs=$FUZZ_RUNS"
	[ -n "${FUZZ_SECONDS:-}" ] && stop="$stop -max_total_time=$seconds"
else
	stop="-max_total_time=$seconds"
fi
jobs_at_once=${FUZZ_JOBS:-1}
printf '%-10s %11s %7s %7s %13s %15s  %s\n' harness executions seconds exec/s cov ft findings |
	tee "$summary"
# flush - wait for the running batch and print its lines in harness order
flush() {
	wait
	for b in $batch; do
		tee -a "$summary" <"$build/logs/$b.result"
		rc=$(cat "$build/logs/$b.rc")
		[ "$rc" = 2 ] && exit 2
		[ "$rc" = 0 ] || found=1
	done
	batch=""
}

# harnesses run FUZZ_JOBS at a time, each writing its lines to a file of its own
batch=""
for h in $harnesses; do
	(run_harness "$h" >"$build/logs/$h.result" 2>&1; echo $? >"$build/logs/$h.rc") &
	batch="$batch $h"
	[ "$(echo $batch | wc -w)" -ge "$jobs_at_once" ] && flush
done
flush
echo "summary in $summary; failing inputs in $build/artifacts/NAME"
exit $found
