#!/bin/sh
# gen-archive-fixtures.sh - write the archive, PDF and RTF fixtures used by tests/unit/test_archive.c,
# test_pdf.c and test_rtf.c (tests/fixtures/archive, tests/fixtures/pdf, tests/fixtures/rtf).
#
# Needs zip, 7z (p7zip-full), tar, gzip, bzip2, xz, qpdf, soffice (LibreOffice, headless) and
# python3. All data is fake (example domains, made-up names and phone numbers). Timestamps are
# fixed so the plain archives (and broken.pdf, memo.rtf) come out the same each run; the
# encrypted ones (random salts and IVs) and LibreOffice's xlsx and PDF (dates, document ids)
# differ from run to run, which the tests do not mind: they check names, contents and outcomes,
# not bytes. tests/fixtures/rtf/memo.expected is written by hand, not by this script.
#
# Usage: sh contrib/gen-archive-fixtures.sh [TOP_SRCDIR]
set -eu

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
arc=$top/tests/fixtures/archive
pdf=$top/tests/fixtures/pdf
rtf=$top/tests/fixtures/rtf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
export TZ=UTC LC_ALL=C.UTF-8
export HOME="$work/home"	# LibreOffice writes its profile here, not in the user's home
mkdir -p "$HOME" "$arc" "$pdf" "$rtf"
stamp=202411121000	# touch -t: 2024-11-12 10:00 UTC

# soffice_run ARGS... - LibreOffice headless with a private profile and a time limit
soffice_run() {
	timeout 120 soffice --headless -env:UserInstallation="file://$HOME/lo" "$@" >/dev/null 2>&1
}

# ---- the payload: a UTF-8 CSV and a note, both with Japanese text --------------------------------
src=$work/src
mkdir -p "$src/docs"
cat >"$src/contacts.csv" <<'EOF'
氏名,電話番号,メールアドレス
山田 太郎,090-1234-5678,taro.yamada@example.com
佐藤 花子,080-2345-6789,hanako.sato@example.net
鈴木 一郎,03-5555-0123,ichiro.suzuki@example.org
EOF
cat >"$src/docs/note.txt" <<'EOF'
防災研修会の参加者名簿です。取り扱いに注意してください。
EOF
cat >"$src/message.eml" <<'EOF'
From: sender@example.com
To: someone@example.org
Subject: list
Content-Type: text/plain; charset=UTF-8

名簿を添付します。
EOF
find "$src" -exec touch -t "$stamp" {} +

# ---- archives --------------------------------------------------------------------------------
rm -f "$arc"/*
(cd "$src" && zip -X -q "$arc/contacts.zip" contacts.csv docs/note.txt)
# a zip in a zip, next to a message file
cp "$arc/contacts.zip" "$src/contacts.zip"
touch -t "$stamp" "$src/contacts.zip"
(cd "$src" && zip -X -q "$arc/nested.zip" contacts.zip message.eml)
rm "$src/contacts.zip"
tarflags="--sort=name --owner=0 --group=0 --numeric-owner --mtime=@1731405600 --format=ustar"
# shellcheck disable=SC2086	# word splitting of tarflags is intended
(cd "$src" && tar $tarflags -cf "$work/contacts.tar" contacts.csv docs)
gzip -n -9 <"$work/contacts.tar" >"$arc/contacts.tar.gz"
xz -9 <"$work/contacts.tar" >"$arc/contacts.tar.xz"
cp "$work/contacts.tar" "$arc/contacts.tar"
# a single compressed file: gzip keeps the original name (without -n), bzip2 and xz have none
(cd "$src" && gzip -9 -c contacts.csv >"$arc/contacts.csv.gz")
bzip2 -9 <"$src/contacts.csv" >"$arc/contacts.csv.bz2"
xz -9 <"$src/contacts.csv" >"$arc/contacts.csv.xz"
(cd "$src" && 7z a -bd -bso0 -t7z "$arc/contacts.7z" contacts.csv docs/note.txt)
# encrypted: ZipCrypto, WinZip AES-256, 7z AES with the names readable and with them encrypted
(cd "$src" && zip -X -q -P secret "$arc/zipcrypto.zip" contacts.csv docs/note.txt)
(cd "$src" && 7z a -bd -bso0 -tzip -psecret -mem=AES256 "$arc/aes.zip" contacts.csv docs/note.txt)
(cd "$src" && 7z a -bd -bso0 -t7z -psecret -mhe=off "$arc/aes.7z" contacts.csv docs/note.txt)
(cd "$src" && 7z a -bd -bso0 -t7z -psecret -mhe=on "$arc/aes-headers.7z" contacts.csv docs/note.txt)

# CP932 member names without the UTF-8 flag (bit 11), as Windows' Explorer writes them
python3 - "$arc/cp932-names.zip" <<'EOF'
import struct, sys, zlib
# A zip written by hand: local headers, data, central directory, end record. General purpose
# flag 0 (no bit 11), so the names are in the "OEM" code page, here CP932.
members = [("名簿.csv", "氏名,電話番号\n山田 太郎,090-1234-5678\n"),
           ("資料/①説明.txt", "機種依存文字①を含む名前\n")]
dostime, dosdate = (10 << 11), ((2024 - 1980) << 9) | (11 << 5) | 12
out, central = bytearray(), bytearray()
for name, text in members:
    raw = name.encode("cp932")
    body = text.encode("utf-8")
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = comp.compress(body) + comp.flush()
    crc = zlib.crc32(body)
    off = len(out)
    out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, dostime, dosdate, crc, len(data),
                       len(body), len(raw), 0) + raw + data
    central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, dostime, dosdate,
                           crc, len(data), len(body), len(raw), 0, 0, 0, 0, 0, off) + raw
end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                  len(out), 0)
open(sys.argv[1], "wb").write(out + central + end)
EOF

# UTF-8 member names with the UTF-8 flag (bit 11), as 7-Zip, macOS and Python write them: under
# the "C" locale libarchive cannot convert them and drops the name (leakguard reads archives in
# C.UTF-8 for that)
python3 - "$arc/utf8-names.zip" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo("会員名簿/会員名簿.csv", date_time=(2024, 11, 12, 10, 0, 0))
    info.flag_bits |= 0x800
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, "氏名,電話番号\n山田 太郎,090-1234-5678\n")
EOF

# contacts.zip with a wrong CRC-32 for contacts.csv (local header and central directory): unzip
# still extracts it, with a warning, so it must still be read
python3 - "$arc/contacts.zip" "$arc/badcrc.zip" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
central = data.index(b"PK\x01\x02")	# the first entry of each is contacts.csv
data[14] ^= 0xFF
data[central + 16] ^= 0xFF
open(sys.argv[2], "wb").write(data)
EOF

# a zip bomb: 50 MB of zeros in about 50 KB
head -c 52428800 /dev/zero >"$work/zeros.bin"
touch -t "$stamp" "$work/zeros.bin"
(cd "$work" && zip -X -q -9 "$arc/bomb.zip" zeros.bin)
rm "$work/zeros.bin"

# truncated: three members, cut in the middle of the third one's data (no central directory)
# incompressible (the cut lands in its data) yet the same each run
python3 -c 'import random, sys; random.seed(1); sys.stdout.buffer.write(random.randbytes(20000))' \
	>"$work/random.bin"
touch -t "$stamp" "$work/random.bin"
cp -p "$src/contacts.csv" "$src/docs/note.txt" "$work/"
(cd "$work" && zip -X -q "$work/three.zip" contacts.csv note.txt random.bin)
python3 - "$work/three.zip" "$arc/truncated.zip" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
name = data.index(b"random.bin")	# first in its local header, 30 bytes after the signature
assert data[name - 30:name - 26] == b"PK\x03\x04"
open(sys.argv[2], "wb").write(data[:name + len("random.bin") + 5000])
EOF

# Office: a password-protected xlsx (OLE2 holding EncryptionInfo and EncryptedPackage), the
# same xlsx without a password, and a Word 97 .doc (OLE2 without EncryptedPackage)
soffice_run --convert-to xlsx --infilter=CSV:44,34,76 --outdir "$work" "$src/contacts.csv"
cp "$work/contacts.xlsx" "$arc/plain.xlsx"
# LibreOffice 7.4 takes no password on --convert-to; a Basic macro stores with EncryptionData
# (OOXPassword + CryptoType "Standard": ECMA-376 Standard encryption; "Agile" fails on 7.4)
soffice_run --terminate_after_init	# create the profile
basic="$HOME/lo/user/basic/Standard"
mkdir -p "$basic"
cat >"$basic/Module1.xba" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Encrypt(src As String, dst As String, pw As String)
  On Error Goto Fail
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), &quot;_blank&quot;, 0, load())
  Dim enc(1) As New com.sun.star.beans.NamedValue
  enc(0).Name = &quot;OOXPassword&quot;
  enc(0).Value = pw
  enc(1).Name = &quot;CryptoType&quot;
  enc(1).Value = &quot;Standard&quot;
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;Calc MS Excel 2007 XML&quot;
  store(1).Name = &quot;EncryptionData&quot;
  store(1).Value = enc()
  doc.storeToURL(ConvertToURL(dst), store())
  doc.close(True)
  Exit Sub
Fail:
  n = FreeFile
  Open dst &amp; &quot;.err&quot; For Output As #n
  Print #n, Err, Error$
  Close #n
End Sub
</script:module>
EOF
soffice_run "macro:///Standard.Module1.Encrypt(\"$arc/plain.xlsx\",\"$arc/encrypted.xlsx\",\"secret\")"
if [ -e "$arc/encrypted.xlsx.err" ]; then
	cat "$arc/encrypted.xlsx.err" >&2
	exit 1
fi
soffice_run --convert-to doc --outdir "$work" "$src/docs/note.txt"
cp "$work/note.doc" "$arc/note.doc"

# ---- PDF: a contact list with Japanese names, its encrypted forms, a damaged file ------------
# (Writer's HTML import: Writer/Web, the default for .html, drops the heading from the PDF)
cat >"$work/contacts.html" <<'EOF'
<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>連絡先一覧</title></head><body>
<h1>防災研修会 連絡先一覧</h1>
<p>見本県 総務課からのお知らせです。</p>
<table border="1">
<tr><th>氏名</th><th>電話番号</th><th>メールアドレス</th></tr>
<tr><td>山田 太郎</td><td>090-1234-5678</td><td>taro.yamada@example.com</td></tr>
<tr><td>佐藤 花子</td><td>080-2345-6789</td><td>hanako.sato@example.net</td></tr>
<tr><td>鈴木 一郎</td><td>03-5555-0123</td><td>ichiro.suzuki@example.org</td></tr>
</table>
<p>以上、よろしくお願いいたします。</p>
<p style="page-break-before: always">緊急連絡先：高橋 次郎 070-3456-7890</p>
</body></html>
EOF
rm -f "$pdf"/*.pdf
soffice_run --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir "$work" \
	"$work/contacts.html"
cp "$work/contacts.pdf" "$pdf/contacts.pdf"
qpdf --encrypt user-pw owner-pw 256 -- "$pdf/contacts.pdf" "$pdf/encrypted.pdf"
# no user password, and copying text forbidden: any reader opens it, so it must be read
qpdf --encrypt "" owner-pw 256 --extract=n -- "$pdf/contacts.pdf" "$pdf/owner-only.pdf"
# damaged: a PDF header and trailer around bytes that are no PDF objects
{
	printf '%%PDF-1.4\n'
	python3 -c 'import random, sys; random.seed(2); sys.stdout.buffer.write(random.randbytes(2048))' |
		base64
	printf '\n%%%%EOF\n'
} >"$pdf/broken.pdf"

# ---- RTF: the same page as Writer's RTF (a table, Japanese text) -----------------------------
rm -f "$rtf/memo.rtf"	# memo.expected is written by hand
soffice_run --infilter="HTML (StarWriter)" --convert-to 'rtf:Rich Text Format' --outdir "$work" \
	"$work/contacts.html"
cp "$work/contacts.rtf" "$rtf/memo.rtf"

ls -l "$arc" "$pdf" "$rtf"
