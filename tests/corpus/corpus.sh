#!/bin/bash
# corpus.sh - every message of the shared real-world corpora (mime4j, rspamd, mime-is-broken) goes
# through `leakguardctl scan --json`: no crash, no hang, no sanitizer report, one JSON verdict each.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

corpus=${LG_CORPUS:-$top_srcdir/../shared/corpus}
[ -d "$corpus" ] || skip_all "no corpus at $corpus (set LG_CORPUS)"
ctl=$top_builddir/leakguardctl
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-corpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# check_set NAME DIR PATTERN - scan every matching file below DIR; one test point for the set
check_set() {
	find "$2" -type f -name "$3" | sort >"$tmp/list"
	total=$(wc -l <"$tmp/list")
	bad=0
	: >"$tmp/bad"
	while IFS= read -r f; do
		timeout 30 "$ctl" scan --json "$f" >"$tmp/out" 2>"$tmp/err"
		st=$?
		if [ $st -ne 0 ] || ! grep -q '^{"action":"[a-z]*",' "$tmp/out" || [ -s "$tmp/err" ]; then
			bad=$((bad + 1))
			{ echo "$f: exit $st"; head -c 600 "$tmp/err"; } >>"$tmp/bad"
		fi
	done <"$tmp/list"
	[ "$total" -gt 0 ] && [ $bad -eq 0 ]
	result $? "$1: $total messages scanned, $bad failed"
	[ $bad -eq 0 ] || diag "$(head -n 40 "$tmp/bad")"
}

check_set "mime4j mimetools-testmsgs" "$corpus/mime4j/mimetools-testmsgs" "*.msg"
check_set "mime4j testmsgs" "$corpus/mime4j/testmsgs" "*.msg"
check_set "rspamd functional messages" "$corpus/rspamd" "*.eml"
check_set "mime-is-broken hide-content" "$corpus/mime-is-broken/hide-content.d/new" "1*"
check_set "mime-is-broken hide-filename" "$corpus/mime-is-broken/hide-filename.d/cur" "1*"
done_testing
