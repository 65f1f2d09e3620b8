#!/bin/bash
# cli.sh - leakguardctl quarantine end to end on SQLite: put the incident fixture (twice: one
# entry), list (filters), show (redacted samples with the attachment path and row), delete twice
# (idempotent), audit, purge, and the documented exit codes.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

ctl=$top_builddir/leakguardctl
fx=$top_srcdir/tests/fixtures
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-qcli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
q() { "$ctl" quarantine "$1" --url "sqlite:$tmp/q.db" "${@:2}"; }

id=$(q put "$fx/incident.eml" 2>"$tmp/err")
[[ $id =~ ^[0-9a-f]{32}$ ]]
result $? "put stores the incident and prints a 32-hex-digit id" || diag_file "$tmp/err"
[ "$(stat -c %a "$tmp/q.db")" = 600 ]
result $? "the database file is 0600"
id2=$(q put "$fx/incident.eml" 2>"$tmp/err")
[ "$id2" = "$id" ] && [ "$(q list | grep -c '^[0-9a-f]\{32\} ')" = 1 ] &&
	q audit | grep -q "put .*$id already"
result $? "the same message put again while held: the held entry's id, no second entry, audited 'already'" ||
	{ diag "first $id, second $id2"; diag_file "$tmp/err"; }

q list >"$tmp/list"
grep -q "^$id .* held .*hanako.yamada@pref.example.lg.jp .*personal-data-external" "$tmp/list"
result $? "list shows it held, with sender and rule"
q list --json | grep -q "\"id\":\"$id\".*\"status\":\"held\""
result $? "list --json"
[ "$(q list --rule personal-data-external --recipient-domain example.com --sender HANAKO.yamada@pref.example.lg.jp | grep -c "$id")" = 1 ]
result $? "list filters by rule, recipient domain and sender"
q list --status deleted | grep -q "no entries" && q list --recipient-domain example.invalid | grep -q "no entries"
result $? "filters that match nothing"
q list --since 2000-01-01 --until 2999-12-31 | grep -q "$id"
result $? "date range"

q show "$id" >"$tmp/show"
grep -q "^status: *held" "$tmp/show" && grep -q "^  Subject:" "$tmp/show" &&
	grep -q "rules personal-data-external" "$tmp/show" &&
	grep -Eq "^  phone_jp .*\*.* 参加者名簿.csv row [0-9]+, column 5" "$tmp/show" &&
	grep -q "attachment 参加者名簿.csv  text/csv" "$tmp/show"
result $? "show: status, headers, rules, redacted samples with attachment path and row, attachments" || diag_file "$tmp/show" 40
q show "$id" --raw | cmp -s - "$fx/incident.eml"
result $? "show --raw prints the message byte for byte"
q show 0123456789abcdef0123456789abcdef >/dev/null 2>&1
result $(($? == 2 ? 0 : 1)) "show of an unknown id exits 2"

q delete "$id" --reason "sent by mistake" --reviewer alice >"$tmp/out"
st=$?
[ $st -eq 0 ] && grep -q "deleted" "$tmp/out"
result $? "delete: exit 0"
q delete "$id" --reviewer bob >"$tmp/out"
st=$?
[ $st -eq 0 ] && grep -q "already deleted" "$tmp/out"
result $? "delete again: idempotent, says already deleted, exit 0"
q list --status deleted | grep -q "$id"
result $? "list --status deleted"
q delete ffffffffffffffffffffffffffffffff >/dev/null 2>&1
result $(($? == 2 ? 0 : 1)) "delete of an unknown id exits 2"

q audit >"$tmp/audit"
grep -q "alice .*delete .*$id done .*sent by mistake" "$tmp/audit" &&
	grep -q "bob .*delete .*$id already:deleted" "$tmp/audit" && grep -q "put .*$id done" "$tmp/audit"
result $? "audit: who, what, outcome and why of every action" || diag_file "$tmp/audit"
q audit --json | grep -q '"reviewer":"alice","action":"delete"'
result $? "audit --json"

sleep 1
q purge --older-than 0s --reviewer carol | grep -q "purged 1"
result $? "purge --older-than removes the deleted entry"
q audit | grep -q "carol .*purge"
result $? "purge is audited"
q purge >/dev/null 2>&1
result $(($? == 64 ? 0 : 1)) "purge without --older-than is a usage error (64)"

printf 'quarantine:\n  url: mysql://x/y\n' >"$tmp/bad.yaml"
"$ctl" quarantine list -c "$tmp/bad.yaml" >/dev/null 2>"$tmp/err"
st=$?
[ $st -eq 78 ] && grep -q "bad.yaml:2:8: error: bad url" "$tmp/err"
result $? "a bad quarantine.url: exit 78 with file:line:column"
done_testing
