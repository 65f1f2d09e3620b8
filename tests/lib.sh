# tests/lib.sh - helpers shared by leakguard's shell tests (bash). Source it:
#
#   . "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
#
# TAP:     plan N | ok DESC | not_ok DESC | check DESC CMD... | result STATUS DESC
#          skip DESC REASON | skip_all REASON
#          diag MSG... | diag_file FILE [LINES] | done_testing (prints a late plan, sets exit code)
# Setup:   require_root | require_cmd CMD... | lg_tmpdir NAME (sets LG_TMP) | pick_port FROM TO
# Waiting: wait_for TIMEOUT CMD... | wait_for_socket PATH [TIMEOUT] | wait_for_file PATH [TIMEOUT]
#          wait_for_log FILE REGEX [TIMEOUT] | wait_gone PID [TIMEOUT]
# Mail:    eml_from FILE | eml_rcpts FILE (addresses of To and Cc, one a line) | eml_msgid FILE
#
# make check exports top_srcdir and top_builddir (absolute); run by hand they default to the
# source tree this file is in, which is also the build tree of an in-tree build.

_lg_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$_lg_lib_dir/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir

LG_TESTS_RUN=0
LG_TESTS_FAILED=0
LG_PLANNED=

# ---------------------------------------------------------------------------------------- TAP

plan() {
	LG_PLANNED=$1
	echo "1..$1"
}

ok() {
	LG_TESTS_RUN=$((LG_TESTS_RUN + 1))
	echo "ok $LG_TESTS_RUN - $*"
}

not_ok() {
	LG_TESTS_RUN=$((LG_TESTS_RUN + 1))
	LG_TESTS_FAILED=$((LG_TESTS_FAILED + 1))
	echo "not ok $LG_TESTS_RUN - $*"
}

# check DESC CMD...: one test line from the exit status of CMD.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; return 1; fi
}

# result STATUS DESC: one test line from an exit status already taken; returns STATUS.
result() {
	if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi
	return "$1"
}

skip() {
	LG_TESTS_RUN=$((LG_TESTS_RUN + 1))
	echo "ok $LG_TESTS_RUN - $1 # SKIP ${2:-}"
}

# skip_all REASON: the whole script is skipped (TAP "1..0 # SKIP"); exits 0.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# bail_out REASON: stop the whole run (TAP "Bail out!").
bail_out() {
	echo "Bail out! $*"
	exit 1
}

diag() {
	local line
	printf '%s\n' "$@" | while IFS= read -r line; do echo "# $line"; done
}

# diag_file FILE [LINES]: the last LINES (default 20) lines of FILE as TAP comments.
diag_file() {
	local f=$1 n=${2:-20}
	if [ -r "$f" ]; then
		echo "# --- last $n lines of $f"
		tail -n "$n" "$f" | sed 's/^/#   /'
	else
		echo "# --- $f: not readable"
	fi
}

# done_testing: print the plan if none was given; exit status 1 if a test failed.
done_testing() {
	[ -n "$LG_PLANNED" ] || echo "1..$LG_TESTS_RUN"
	if [ -n "$LG_PLANNED" ] && [ "$LG_PLANNED" != "$LG_TESTS_RUN" ]; then
		diag "planned $LG_PLANNED tests but ran $LG_TESTS_RUN"
		return 1
	fi
	[ "$LG_TESTS_FAILED" -eq 0 ]
}

# ---------------------------------------------------------------------------------------- setup

require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "${1:-must run as root}"
}

# require_cmd CMD...: skip the script unless every command is available (PATH or /usr/sbin).
require_cmd() {
	local c
	for c in "$@"; do
		[ -n "$c" ] || continue
		command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || [ -x "$c" ] ||
			skip_all "$c is not installed"
	done
}

# lg_tmpdir NAME: make a fresh scratch directory, set LG_TMP to it. It lives under
# $top_builddir/tests/tmp unless that path is too long for unix sockets or not searchable by
# unprivileged users (daemons that drop privileges must reach it), then under /tmp.
lg_tmpdir() {
	local name=$1 base="$top_builddir/tests/tmp" d
	if mkdir -p "$base" 2>/dev/null && [ ${#base} -le 60 ] && _lg_world_searchable "$base"; then
		LG_TMP=$(mktemp -d "$base/$name.XXXXXX") || return 1
	else
		LG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lg-$name.XXXXXX") || return 1
	fi
	chmod 755 "$LG_TMP"
	export LG_TMP
}

# _lg_world_searchable DIR: may "others" traverse DIR and each of its parents?
_lg_world_searchable() {
	local d
	d=$(cd "$1" && pwd -P) || return 1
	while [ -n "$d" ] && [ "$d" != / ]; do
		[ "$(( 0$(stat -c %a "$d") & 01 ))" -ne 0 ] || return 1
		d=${d%/*}
	done
	return 0
}

# pick_port FROM TO [EXCEPT...]: the first TCP port in FROM..TO with no listener on it.
pick_port() {
	local from=$1 to=$2 p hex x
	shift 2
	for ((p = from; p <= to; p++)); do
		for x in "$@"; do [ "$x" = "$p" ] && continue 2; done
		hex=$(printf '%04X' "$p")
		grep -Eq "^ *[0-9]+: [0-9A-F]+:$hex " /proc/net/tcp 2>/dev/null && continue
		echo "$p"
		return 0
	done
	return 1
}

# ---------------------------------------------------------------------------------------- waiting

# wait_for TIMEOUT CMD...: run CMD every 0.2 s until it succeeds or TIMEOUT seconds pass.
wait_for() {
	local timeout=$1 i=0
	shift
	while [ "$i" -lt $((timeout * 5)) ]; do
		"$@" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	"$@"
}

wait_for_socket() { wait_for "${2:-10}" test -S "$1"; }
wait_for_file() { wait_for "${2:-10}" test -e "$1"; }

_lg_grep_file() { grep -Eq -- "$2" "$1" 2>/dev/null; }
wait_for_log() { wait_for "${3:-10}" _lg_grep_file "$1" "$2"; }

_lg_gone() { ! kill -0 "$1" 2>/dev/null; }
wait_gone() { wait_for "${2:-10}" _lg_gone "$1"; }

# ---------------------------------------------------------------------------------------- mail

# _lg_header FILE NAME: the unfolded values of header NAME (case-insensitive), one a line.
_lg_header() {
	awk -v want="$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" '
		/^$/ { if (cur != "") print cur; exit }
		/^[ \t]/ { if (cur != "") cur = cur " " $0; next }
		{ if (cur != "") print cur; cur = ""
		  n = index($0, ":"); h = tolower(substr($0, 1, n - 1))
		  if (h == want) cur = substr($0, n + 1) }
		END { if (cur != "") print cur }' "$1"
}

# _lg_addrs: e-mail addresses in header text on stdin (encoded-words never contain "@").
_lg_addrs() { grep -oE '[A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'; }

eml_from() { _lg_header "$1" From | _lg_addrs | head -n 1; }
eml_rcpts() { { _lg_header "$1" To; _lg_header "$1" Cc; } | _lg_addrs; }
eml_msgid() { _lg_header "$1" Message-ID | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }
