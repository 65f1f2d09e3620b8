#!/bin/bash
# scan.sh - leakguardctl scan as an administrator uses it: golden JSON reports for every fixture
# (tests/scan/expected/NAME.json; regenerate with `tests/scan/scan.sh --update` and review the diff),
# the policy's evaluation trace (--explain; golden files tests/scan/expected/explain/NAME.txt),
# the envelope options, standard input, and clear errors with the documented exit codes.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

ctl=$top_builddir/leakguardctl
fx=$top_srcdir/tests/fixtures
exp=$top_srcdir/tests/scan/expected
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-scan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# fixtures whose --explain output is kept as a golden file: one rule of each kind decides
explained="incident incident-internal ordinary attach-zipcrypto"

if [ "${1:-}" = "--update" ]; then
	for f in "$fx"/*.eml; do
		n=$(basename "$f" .eml)
		"$ctl" scan --json "$f" >"$exp/$n.json"
	done
	for n in $explained; do
		"$ctl" scan --explain "$fx/$n.eml" >"$exp/explain/$n.txt"
	done
	echo "updated $(ls "$exp" | wc -l) golden files"
	exit 0
fi

for f in "$fx"/*.eml; do
	n=$(basename "$f" .eml)
	"$ctl" scan --json "$f" >"$tmp/$n.json" 2>"$tmp/$n.err"
	st=$?
	[ $st -eq 0 ] && cmp -s "$tmp/$n.json" "$exp/$n.json"
	result $? "scan --json $n.eml matches the golden report"
	[ $? -eq 0 ] || diag "exit $st" "$(cat "$tmp/$n.err")" "$(diff "$exp/$n.json" "$tmp/$n.json" | head -c 2000)"
done

# The documented JSON fields are there.
out=$("$ctl" scan --json "$fx/incident.eml")
st=0
for key in '"action":"hold"' '"rules":\["personal-data-external"\]' '"recipients":{"total":144,"external":144,"visible_external":144,"external_domains":30}' \
	'"findings":{"phone_jp":49,"phone_intl":0,"email":49,"my_number":0,"corporate_number":0,"payment_card":0,"postal_jp":49,"bank_account_jp":0,"name":49}' '"records":49' \
	'"items":\[{"type":"phone_jp","confidence":"high","sample":"[0-9*-]*","path":"参加者名簿.csv","row":[0-9]*,"column":5' \
	'"items_total":196' '"attachments":\[{"path":"参加者名簿.csv","mime_path":"2","filename":"参加者名簿.csv"' \
	'"declared_type":"application/vnd.ms-excel","detected_type":"text/csv","type_mismatch":true' \
	'"sha256":"[0-9a-f]\{64\}","scanned":true' '"rows":50'; do
	echo "$out" | grep -q "$key" || { st=1; diag "missing $key"; }
done
result $st "incident JSON carries the documented fields and figures"

"$ctl" scan "$fx/incident.eml" >"$tmp/human" 2>&1
grep -q "^action: *hold" "$tmp/human" && grep -q "参加者名簿.csv" "$tmp/human" && grep -q "records: *49" "$tmp/human"
result $? "human-readable report names the action, the file and the records"

"$ctl" scan --json -f hanako.yamada@pref.example.lg.jp -r a@pref.example.lg.jp -r b@soumu.pref.example.lg.jp "$fx/incident.eml" | grep -q '"action":"accept".*"recipients":{"total":2,"external":0'
result $? "-f/-r envelope to internal recipients gives accept"

"$ctl" scan --json -r outside@example.com - <"$fx/incident.eml" | grep -q '"action":"hold".*"recipients":{"total":1,"external":1'
result $? "a message on standard input ('-') with -r gives hold"

"$ctl" scan "$tmp/no-such-file.eml" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -ne 0 ] && grep -q "no-such-file.eml" "$tmp/err" && [ ! -s "$tmp/out" ]
result $? "a missing file: non-zero exit ($st) and a message on stderr"

printf 'listen: "unix:/tmp/x"\npolicy:\n  rules:\n    - name: r\n      when: "records >= ten"\n      action: hold\n' >"$tmp/bad.yaml"
"$ctl" scan -c "$tmp/bad.yaml" "$fx/ordinary.eml" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 78 ] && grep -q "bad.yaml:5:[0-9]*: error:" "$tmp/err"
result $? "a broken config: exit 78 and file:line:column"
[ $? -eq 0 ] || diag "exit $st" "$(cat "$tmp/err")"

"$ctl" scan >/dev/null 2>&1
[ $? -eq 64 ]
result $? "usage error exits 64"

"$ctl" scan --dump-parts "$tmp/dump" "$fx/incident.eml" >/dev/null &&
	grep -q '"path":"参加者名簿.csv","detected_type":"text/csv","scanned":true' "$tmp/dump/manifest.json" &&
	grep -q "090-1168-2825" "$tmp/dump/002.txt" && cmp -s "$tmp/dump/002.data" <(
	awk '/^Content-Disposition: attachment/{f=1} f&&/^$/{b=1;next} b&&/^--/{exit} b' "$fx/incident.eml" | base64 -d)
result $? "--dump-parts writes each decoded part, its extracted text and a manifest"

"$ctl" scan --findings "$fx/incident.eml" >"$tmp/findings"
[ "$(grep -c "^phone_jp	high	0[0-9]*	参加者名簿.csv	row:[0-9]*:5	1$" "$tmp/findings")" = 49 ] &&
	grep -q "^email	high	naoki.takahashi@example.ne.jp	参加者名簿.csv	row:2:6	1$" "$tmp/findings" &&
	grep -q "^name	medium	髙橋 直樹	参加者名簿.csv	row:2:2	1$" "$tmp/findings" && [ "$(wc -l <"$tmp/findings")" = 196 ]
result $? "--findings lists every distinct finding with its place (row and column)"
[ $? -eq 0 ] || diag "$(head -5 "$tmp/findings")"

# a rule file whose pattern backtracks without end on some text: that part is reported not fully
# scanned (limit:pattern), the analysis goes on and the message is still judged
printf 'id: slow\npattern: "(?:a|a)+(?=z)"\n' >"$tmp/slow.yaml"
printf 'detectors:\n  files: ["%s"]\n' "$tmp/slow.yaml" >"$tmp/slow-config.yaml"
{ printf 'From: a@example.jp\nTo: b@example.com\nSubject: x\n\nTEL 090-1234-5678 '
  head -c 60 /dev/zero | tr '\0' a; printf '\n'; } >"$tmp/slow.eml"
"$ctl" scan --json -c "$tmp/slow-config.yaml" "$tmp/slow.eml" >"$tmp/slow.json" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] && grep -q '"reason":"limit:pattern","detail":"slow: match limit exceeded"' "$tmp/slow.json" &&
	grep -q '"unscannable":1' "$tmp/slow.json" && grep -q '"phone_jp":1' "$tmp/slow.json"
result $? "a pattern that gives up on hostile text: limit:pattern, the rest still found"
[ $? -eq 0 ] || diag "exit $st" "$(cat "$tmp/err")" "$(head -c 1500 "$tmp/slow.json")"

"$ctl" check-config -c "$top_srcdir/contrib/leakguard.yaml" | grep -q "configuration OK"
result $? "check-config accepts the shipped sample configuration"

# --explain: each rule's conditions as a tree with their values, then the verdict
for n in $explained; do
	"$ctl" scan --explain "$fx/$n.eml" >"$tmp/$n.txt" 2>"$tmp/$n.err"
	st=$?
	[ $st -eq 0 ] && cmp -s "$tmp/$n.txt" "$exp/explain/$n.txt"
	result $? "scan --explain $n.eml matches the golden trace"
	[ $? -eq 0 ] || diag "exit $st" "$(cat "$tmp/$n.err")" "$(diff "$exp/explain/$n.txt" "$tmp/$n.txt" | head -c 2000)"
done

# a policy with a list from a file, a group, an included file, unless and an allow list
printf '# partners\nexample.ne.jp\n.example.com\n' >"$tmp/partners.txt"
printf -- '- name: tag-rest\n  when: "true"\n  action: tag\n' >"$tmp/more.yaml"
cat >"$tmp/lists.yaml" <<EOF2
lists:
  partners: {file: $tmp/partners.txt}
groups:
  boss: [boss@pref.example.lg.jp]
policy:
  allow:
    senders: [group:boss]
  include: [$tmp/more.yaml]
  rules:
    - name: partners-ok
      when: "external_domains all in list:partners"
      unless: "findings.my_number.high >= 1"
      action: accept
      reason: {en: "Partners only", ja: "取引先のみ"}
    - name: hold-lists
      when: "records >= 10 and recipients.external >= 1"
      action: hold
EOF2
"$ctl" check-config -c "$tmp/lists.yaml" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] && grep -q "configuration OK (3 policy rules, 2 lists and groups)" "$tmp/out"
result $? "check-config reads lists, groups and included files"
[ $? -eq 0 ] || diag "exit $st" "$(cat "$tmp/err")"

"$ctl" scan --explain -c "$tmp/lists.yaml" -f clerk@pref.example.lg.jp -r a@example.ne.jp -r b@x.example.com \
	"$fx/incident.eml" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] && grep -q "^    external_domains all in list:partners: \[example.ne.jp, x.example.com\]: true$" "$tmp/out" &&
	grep -q "^  unless:$" "$tmp/out" && grep -q "^    findings.my_number.high >= 1: 0 >= 1: false$" "$tmp/out" &&
	grep -q "^verdict: accept by partners-ok$" "$tmp/out" && grep -q "^reason: Partners only / 取引先のみ$" "$tmp/out"
result $? "--explain: a list from a file, unless, the verdict and its reason"
[ $? -eq 0 ] || diag "exit $st" "$(cat "$tmp/err")" "$(cat "$tmp/out")"

"$ctl" scan --explain -c "$tmp/lists.yaml" -f clerk@pref.example.lg.jp -r a@example.ne.jp -r c@elsewhere.example \
	"$fx/incident.eml" | grep -q "^verdict: hold by hold-lists$"
result $? "--explain: one recipient outside the list, the next rule holds"

"$ctl" scan --json -c "$tmp/lists.yaml" -f boss@pref.example.lg.jp -r c@elsewhere.example "$fx/incident.eml" |
	grep -q '"action":"accept","monitor":false,"rules":\["allow:senders"\]'
result $? "an allowed sender is accepted before any rule (rules: allow:senders)"

"$ctl" scan --json -c "$tmp/lists.yaml" -f clerk@pref.example.lg.jp -r a@pref.example.lg.jp "$fx/ordinary.eml" |
	grep -q '"action":"tag","monitor":false,"rules":\["tag-rest"\]'
result $? "the included file's rule comes after the file's own"

printf 'kyuyo@pref.example.lg.jp\nnot an address\n' >"$tmp/bad-group.txt"
printf 'groups:\n  payroll: {file: %s}\n' "$tmp/bad-group.txt" >"$tmp/bad-lists.yaml"
"$ctl" check-config -c "$tmp/bad-lists.yaml" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 1 ] && grep -q "^$tmp/bad-group.txt:2:1: error: group 'payroll': 'not an address' is not an address" "$tmp/err"
result $? "check-config: a bad entry in a group file is named at its file:line:column (exit 1)"
[ $? -eq 0 ] || diag "exit $st" "$(cat "$tmp/err")"

printf 'policy:\n  include: [%s/none.yaml]\n' "$tmp" >"$tmp/bad-include.yaml"
"$ctl" check-config -c "$tmp/bad-include.yaml" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 1 ] && grep -q "bad-include.yaml:2:13: error: include: $tmp/none.yaml: no such file" "$tmp/err"
result $? "check-config: a missing included file (exit 1)"
[ $? -eq 0 ] || diag "exit $st" "$(cat "$tmp/err")"

"$ctl" scan --explain --json "$fx/ordinary.eml" >/dev/null 2>&1
[ $? -eq 64 ]
result $? "--explain with --json is a usage error (64)"

done_testing
