#!/bin/bash
# precheck.sh - archives whose directory alone is huge (content/archive_precheck.c), end to end
# through leakguardctl scan with the default limits: a 7z of 1,000,000 empty files (86 KB) and a
# zip of 1,000,000 entries (92 MB) inside a 6.5 MB zip, also as an "xlsx", must be reported
# scanned: false with limit:archive_members, without libarchive loading their directories first
# (peak memory is measured with /usr/bin/time when it is there; without the pre-check it was
# 133 MB for the 7z and 291 MB for the nested zip). So must a 66-byte 7z whose header declares
# 5,000,000 files in as many unpack streams, plain and LZMA-encoded (472 MB each before the
# pre-check read the header's counts; bound: 60 MB). The same 7z gzipped (72 bytes) took 481 MB:
# behind a decompression filter the pre-check cannot see the header, so libarchive must not read
# it through the filter; the decompressed stream becomes one member, refused when walked. An ISO
# 9660 image of 300,000 empty files (13 MB; 183 MB before its directory records were counted;
# gzipped, 154 MB) is refused the same way, and a gzipped xar of 200,000 files (0.5 MB; 122 MB
# when libarchive still read xar) is reported unsupported. An xlsx whose sharedStrings.xml holds
# 10,000,000 empty strings (8.4 MB) is stopped at the text budget while its table is read
# (146 MB before, when only member_size bounded it). The archives are written at run time by
# tests/scan/gen_many (too big to commit, or made by hand).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

ctl=$top_builddir/leakguardctl
gen=$top_builddir/tests/scan/gen_many
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-precheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Peak RSS (KB) is only compared with a bound in a build without sanitizers (their shadow memory
# and quarantine make RSS meaningless); it is printed either way.
sanitized=0
if ldd "$ctl" 2>/dev/null | grep -q -e libasan -e libubsan -e libtsan; then
	sanitized=1
fi

# mail_with FILE NAME - a mail carrying FILE as the attachment NAME, on stdout
mail_with() {
	printf 'From: a@example.com\nTo: b@example.org\nSubject: archive\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="BB"\n\n--BB\nContent-Type: text/plain\n\n'
	printf 'see attachment\n--BB\nContent-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename="%s"\n' "$2"
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 -w 76 "$1"
	printf -- '--BB--\n'
}

# scan_refused DESC EML PATH MAXKB [REASON] - scan EML; the part PATH must be scanned: false with
# REASON (default limit:archive_members), and the peak RSS at most MAXKB (when measured, without
# sanitizers)
scan_refused() {
	local desc=$1 eml=$2 path=$3 maxkb=$4 reason=${5:-limit:archive_members} st rss=
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$tmp/rss" "$ctl" scan --json "$eml" >"$tmp/out.json" 2>"$tmp/err"
		st=$?
		rss=$(tail -n 1 "$tmp/rss")
	else
		"$ctl" scan --json "$eml" >"$tmp/out.json" 2>"$tmp/err"
		st=$?
	fi
	grep -q "\"path\":\"$path\"[^}]*\"scanned\":false,\"reason\":\"$reason\"" "$tmp/out.json"
	result $? "$desc: $path is scanned: false, $reason (exit $st)" ||
		diag "$(head -c 2000 "$tmp/out.json")" "$(cat "$tmp/err")"
	if [ -z "$rss" ]; then
		skip "$desc: peak memory" "no /usr/bin/time"
	elif [ $sanitized -eq 1 ]; then
		skip "$desc: peak memory ${rss} KB" "sanitizer build"
	else
		[ "$rss" -le "$maxkb" ]
		result $? "$desc: peak memory ${rss} KB (at most $maxkb KB)"
	fi
}

if ! "$gen" 7z 1000000 "$tmp/million.7z"; then
	not_ok "gen_many writes a 7z of 1,000,000 files"
	done_testing
	exit
fi
mail_with "$tmp/million.7z" million.7z >"$tmp/7z.eml"
scan_refused "7z of 1,000,000 empty files" "$tmp/7z.eml" million.7z 65536

for enc in plain lzma; do
	if ! "$gen" 7zdeclare 5000000 $enc "$tmp/declare-$enc.7z"; then
		not_ok "gen_many writes a 7z declaring 5,000,000 files ($enc header)"
		continue
	fi
	mail_with "$tmp/declare-$enc.7z" declare.7z >"$tmp/declare-$enc.eml"
	scan_refused "$(wc -c <"$tmp/declare-$enc.7z")-byte 7z declaring 5,000,000 files ($enc header)" \
		"$tmp/declare-$enc.eml" declare.7z 61440
	# refused by the pre-check (libarchive would also stop, at archive_members, after loading)
	grep -q '"detail":"7z [a-z ]*header declaring 5000000 unpack streams' "$tmp/out.json"
	result $? "declare.7z ($enc header): refused before libarchive, for its unpack streams" ||
		diag "$(head -c 2000 "$tmp/out.json")"
done

# the plain one, gzipped: libarchive would read the 7z through the filter, unchecked
if gzip -n -c "$tmp/declare-plain.7z" >"$tmp/declare.7z.gz"; then
	mail_with "$tmp/declare.7z.gz" declare.7z.gz >"$tmp/declare-gz.eml"
	scan_refused "$(wc -c <"$tmp/declare.7z.gz")-byte gzip of that 7z" "$tmp/declare-gz.eml" \
		declare.7z.gz/data 61440
	grep -q '"detail":"7z header declaring 5000000 unpack streams' "$tmp/out.json"
	result $? "declare.7z.gz: its decompressed 7z refused for its unpack streams" ||
		diag "$(head -c 2000 "$tmp/out.json")"
else
	not_ok "gzip compresses the 7z"
fi

if "$gen" iso 300000 "$tmp/many.iso" && gzip -n -c "$tmp/many.iso" >"$tmp/many.iso.gz"; then
	mail_with "$tmp/many.iso" many.iso >"$tmp/iso.eml"
	scan_refused "ISO 9660 image of 300,000 empty files" "$tmp/iso.eml" many.iso 98304
	grep -q '"detail":"ISO 9660 directories with more than 4000 records' "$tmp/out.json"
	result $? "many.iso: refused for its directory records" || diag "$(head -c 2000 "$tmp/out.json")"
	rm -f "$tmp/many.iso" "$tmp/iso.eml"
	mail_with "$tmp/many.iso.gz" many.iso.gz >"$tmp/isogz.eml"
	scan_refused "the same image gzipped" "$tmp/isogz.eml" many.iso.gz/data 65536
else
	not_ok "gen_many writes an ISO 9660 image of 300,000 files"
fi

# libarchive's xar writer needs minutes for 200,000 files in a sanitizer build, where peak memory
# is not compared anyway: 20,000 there
nxar=200000
[ $sanitized -eq 1 ] && nxar=20000
if "$gen" xar $nxar "$tmp/many.xar" && gzip -n -c "$tmp/many.xar" >"$tmp/many.xar.gz"; then
	mail_with "$tmp/many.xar.gz" many.xar.gz >"$tmp/xar.eml"
	scan_refused "gzipped xar of $nxar files" "$tmp/xar.eml" many.xar.gz/data 65536 unsupported
else
	not_ok "gen_many writes a xar of $nxar files"
fi

if "$gen" sst 10000000 "$tmp/many.xlsx"; then
	mail_with "$tmp/many.xlsx" many.xlsx >"$tmp/sst.eml"
	rm -f "$tmp/many.xlsx"
	scan_refused "xlsx of 10,000,000 shared strings" "$tmp/sst.eml" many.xlsx 102400 \
		limit:text_size
	grep -q '"detail":"xl/sharedStrings.xml: shared strings table over' "$tmp/out.json"
	result $? "many.xlsx: stopped while its shared strings were read" ||
		diag "$(head -c 2000 "$tmp/out.json")"
	rm -f "$tmp/sst.eml"
else
	not_ok "gen_many writes an xlsx of 10,000,000 shared strings"
fi

"$gen" zip 1000000 "$tmp/inner.zip" && "$gen" nest "$tmp/inner.zip" inner.zip "$tmp/outer.zip" &&
	"$gen" nest "$tmp/inner.zip" big.xlsx "$tmp/outer-xlsx.zip"
result $? "gen_many writes a zip of 1,000,000 entries and zips holding it" || {
	done_testing
	exit
}
rm -f "$tmp/inner.zip"
mail_with "$tmp/outer.zip" outer.zip >"$tmp/zip.eml"
# the 92 MB inner zip is held whole (member_size is 100M): the bound leaves room for it
scan_refused "zip of 1,000,000 entries in a zip" "$tmp/zip.eml" outer.zip/inner.zip 204800
mail_with "$tmp/outer-xlsx.zip" outer.zip >"$tmp/xlsx.eml"
scan_refused "the same zip as an xlsx (OOXML reader)" "$tmp/xlsx.eml" outer.zip/big.xlsx 204800

done_testing
