#!/bin/bash
# evasion.sh - messages that hide 12 people's phone numbers and addresses with one trick each
# (tests/robust/evasion/, made by contrib/gen-evasion.py): zero-width characters, HTML tags,
# comments and entities, quoted-printable soft breaks, junk in base64, conflicting transfer
# encodings, a CSV declared as an image, a double extension, a zip in a zip in a message in a zip,
# a UTF-16 file name, full-width forms, a password zip, addresses in a forwarded message's
# headers. Each must be held by the built-in policy, its data detected or its part reported not
# scannable: none may pass silently. Prints the tally.
. "${top_srcdir:-.}/tests/lib.sh"
ctl=$top_builddir/leakguardctl
dir=$top_srcdir/tests/robust/evasion
detected=0 flagged=0 missed=0
for f in "$dir"/*.eml; do
	n=$(basename "$f" .eml)
	out=$("$ctl" scan --json -f soumu@pref.example.lg.jp -r partner@outside.example.com "$f" 2>&1)
	action=$(printf '%s' "$out" | grep -o '^{"action":"[a-z]*"' | cut -d'"' -f4)
	contacts=$(printf '%s' "$out" | grep -o '"findings":{[^}]*}' | grep -o '"\(phone_jp\|email\)":[0-9]*' |
		awk -F: '{ n += $2 } END { print n + 0 }')
	unscannable=$(printf '%s' "$out" | grep -o '"unscannable":[0-9]*' | head -1 | cut -d: -f2)
	if [ "$action" = hold ] && [ "${contacts:-0}" -ge 10 ]; then
		detected=$((detected + 1)); how="detected ($contacts contacts)"
	elif [ "$action" = hold ] && [ "${unscannable:-0}" -ge 1 ]; then
		flagged=$((flagged + 1)); how="not scannable, held"
	else
		missed=$((missed + 1)); how="MISSED (action ${action:-none}, $contacts contacts)"
	fi
	case $how in MISSED*) false ;; *) true ;; esac
	result $? "$n: $how"
done
printf '%s' "$("$ctl" scan --json "$dir/utf16-filename.eml")" | grep -q '"filename":"名簿.csv"'
result $? "utf16-filename: the UTF-16 RFC 2047 name is shown as a mail client shows it"
diag "evasion: $detected detected, $flagged not scannable and held, $missed missed"
[ "$missed" -eq 0 ]
result $? "no evasion case passes silently"
done_testing
