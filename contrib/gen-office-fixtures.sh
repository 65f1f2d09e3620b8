#!/bin/sh
# gen-office-fixtures.sh - write the office-document fixtures in tests/fixtures/office/ with
# LibreOffice (headless), from a small fake Japanese contact list and a short memo.
#
#     contrib/gen-office-fixtures.sh            # write tests/fixtures/office/*
#     contrib/gen-office-fixtures.sh -o DIR     # write somewhere else
#
# Made with LibreOffice 7.4.7.2 (Debian 12, package libreoffice-calc/-writer/-impress), zip 3.0.
# Office files carry timestamps, so re-running gives equivalent, not byte-identical, files.
# Everything is fake: example domains only; phone numbers only have the right shape.
#
# Outputs:
#   contacts.xlsx, contacts.ods  from contacts.csv (header + 20 people: 氏名, 電話番号, メール),
#                                imported with every column as Text so "090-..." stays text
#   memo.docx, memo.odt          from memo.fodt: heading, paragraphs, a phone in running text, a
#                                table of 5 people, header, footer, a comment, a footnote and a
#                                tracked deletion (HTML import cannot carry comments or tracked
#                                changes, so the memo is written as flat ODF)
#   slides.pptx, slides.odp      from slides.fodp: a title slide, a slide with a table of 3
#                                people and speaker notes
#   corrupt.xlsx                 contacts.xlsx cut to its first 2000 bytes
#   not-office.zip               a zip holding one text file
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/tests/fixtures/office"
if [ "${1:-}" = "-o" ] && [ -n "${2:-}" ]; then
	out=$2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
HOME=$work/home		# soffice wants a profile directory
export HOME
mkdir -p "$HOME/.config/libreoffice/4/user"
# no Thumbnails/thumbnail.png in ODF files: it would be most of each file's size
cat > "$HOME/.config/libreoffice/4/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Save/Document"><prop oor:name="GenerateThumbnail" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
XCU
cd "$work"

soffice --version

# ---- the contact list (UTF-8, LF) ------------------------------------------------------------
cat > contacts.csv <<'CSV'
氏名,電話番号,メールアドレス
山田 太郎,090-1234-5678,taro.yamada@example.com
佐藤 花子,080-2345-6789,hanako.sato@example.com
鈴木 一郎,070-3456-7890,ichiro.suzuki@example.net
高橋 美咲,090-4567-8901,misaki.takahashi@example.org
田中 健太,080-5678-9012,kenta.tanaka@example.com
伊藤 さくら,090-6789-0123,sakura.ito@example.net
渡辺 翔太,070-7890-1234,shota.watanabe@example.org
中村 陽菜,090-8901-2345,hina.nakamura@example.com
小林 大輔,080-9012-3456,daisuke.kobayashi@example.net
加藤 愛,090-2468-1357,ai.kato@example.org
吉田 拓海,070-1357-2468,takumi.yoshida@example.com
山本 結衣,080-3691-2580,yui.yamamoto@example.net
松本 蓮,090-2580-3691,ren.matsumoto@example.org
井上 葵,070-4826-3917,aoi.inoue@example.com
木村 悠斗,080-5937-4028,yuto.kimura@example.net
林 美月,090-6048-5139,mizuki.hayashi@example.org
清水 颯,070-7159-6240,hayate.shimizu@example.com
山口 凛,080-8260-7351,rin.yamaguchi@example.net
森 陽翔,090-9371-8462,haruto.mori@example.org
池田 芽依,070-2482-9573,mei.ikeda@example.com
CSV

# CSV filter options: separator 44 (,), text delimiter 34 ("), character set 76 (UTF-8), start
# at line 1, then column/format pairs: columns 1-3 as format 2 (Text)
csvin='CSV:44,34,76,1,1/2/2/2/3/2'
soffice --headless --infilter="$csvin" --convert-to 'xlsx:Calc MS Excel 2007 XML' contacts.csv
soffice --headless --infilter="$csvin" --convert-to ods contacts.csv

# ---- the memo (flat ODT) ---------------------------------------------------------------------
cat > memo.fodt <<'FODT'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p>ヘッダー：社外秘 営業部</text:p></style:header>
   <style:footer><text:p>フッター：見本株式会社 代表 03-5555-0100</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>
  <text:tracked-changes>
   <text:changed-region text:id="ct1"><text:deletion>
    <office:change-info><dc:creator>佐藤 花子</dc:creator><dc:date>2024-04-01T09:00:00</dc:date></office:change-info>
    <text:p>旧番号 03-5555-0199 は使えません。</text:p>
   </text:deletion></text:changed-region>
  </text:tracked-changes>
  <text:h text:outline-level="1">営業部 連絡メモ</text:h>
  <text:p>来週の打ち合わせについて<office:annotation><dc:creator>鈴木 一郎</dc:creator><dc:date>2024-04-01T10:00:00</dc:date><text:p>コメント：会議室は第二会議室です</text:p></office:annotation>、担当者の連絡先を以下にまとめます。</text:p>
  <text:p>至急の場合は田中（090-5555-0101）まで電話してください。<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>脚注：内線は 1234 です。</text:p></text:note-body></text:note></text:p>
  <text:p><text:change text:change-id="ct1"/>代表番号は変わりません。</text:p>
  <table:table table:name="連絡先">
   <table:table-column table:number-columns-repeated="3"/>
   <table:table-row><table:table-cell><text:p>氏名</text:p></table:table-cell><table:table-cell><text:p>電話番号</text:p></table:table-cell><table:table-cell><text:p>メールアドレス</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>山田 太郎</text:p></table:table-cell><table:table-cell><text:p>090-1234-5678</text:p></table:table-cell><table:table-cell><text:p>taro.yamada@example.com</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>佐藤 花子</text:p></table:table-cell><table:table-cell><text:p>080-2345-6789</text:p></table:table-cell><table:table-cell><text:p>hanako.sato@example.com</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>鈴木 一郎</text:p></table:table-cell><table:table-cell><text:p>070-3456-7890</text:p></table:table-cell><table:table-cell><text:p>ichiro.suzuki@example.net</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>高橋 美咲</text:p></table:table-cell><table:table-cell><text:p>090-4567-8901</text:p></table:table-cell><table:table-cell><text:p>misaki.takahashi@example.org</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>田中 健太</text:p></table:table-cell><table:table-cell><text:p>080-5678-9012</text:p></table:table-cell><table:table-cell><text:p>kenta.tanaka@example.com</text:p><text:p>（携帯）</text:p></table:table-cell></table:table-row>
  </table:table>
  <text:p>以上、よろしくお願いします。</text:p>
 </office:text></office:body>
</office:document>
FODT
soffice --headless --convert-to 'docx:MS Word 2007 XML' memo.fodt
soffice --headless --convert-to odt memo.fodt

# ---- the slides (flat ODP) -------------------------------------------------------------------
cat > slides.fodp <<'FODP'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
 <office:automatic-styles>
  <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="28cm" fo:page-height="15.75cm"/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Default" style:page-layout-name="pm1"/>
 </office:master-styles>
 <office:body><office:presentation>
  <draw:page draw:name="表紙" draw:master-page-name="Default">
   <draw:frame svg:x="2cm" svg:y="2cm" svg:width="24cm" svg:height="3cm"><draw:text-box>
    <text:p>第2四半期 営業報告</text:p>
   </draw:text-box></draw:frame>
   <draw:frame svg:x="2cm" svg:y="6cm" svg:width="24cm" svg:height="3cm"><draw:text-box>
    <text:p>問い合わせ先：営業部 03-5555-0100</text:p>
   </draw:text-box></draw:frame>
  </draw:page>
  <draw:page draw:name="担当者" draw:master-page-name="Default">
   <draw:frame svg:x="2cm" svg:y="1cm" svg:width="24cm" svg:height="2cm"><draw:text-box>
    <text:p>担当者一覧</text:p>
   </draw:text-box></draw:frame>
   <draw:frame svg:x="2cm" svg:y="4cm" svg:width="24cm" svg:height="6cm">
    <table:table>
     <table:table-column table:number-columns-repeated="3"/>
     <table:table-row><table:table-cell><text:p>氏名</text:p></table:table-cell><table:table-cell><text:p>電話番号</text:p></table:table-cell><table:table-cell><text:p>メールアドレス</text:p></table:table-cell></table:table-row>
     <table:table-row><table:table-cell><text:p>山田 太郎</text:p></table:table-cell><table:table-cell><text:p>090-1234-5678</text:p></table:table-cell><table:table-cell><text:p>taro.yamada@example.com</text:p></table:table-cell></table:table-row>
     <table:table-row><table:table-cell><text:p>佐藤 花子</text:p></table:table-cell><table:table-cell><text:p>080-2345-6789</text:p></table:table-cell><table:table-cell><text:p>hanako.sato@example.com</text:p></table:table-cell></table:table-row>
     <table:table-row><table:table-cell><text:p>鈴木 一郎</text:p></table:table-cell><table:table-cell><text:p>070-3456-7890</text:p></table:table-cell><table:table-cell><text:p>ichiro.suzuki@example.net</text:p></table:table-cell></table:table-row>
    </table:table>
   </draw:frame>
   <presentation:notes>
    <draw:frame presentation:class="notes" svg:x="2cm" svg:y="14cm" svg:width="17cm" svg:height="10cm"><draw:text-box>
     <text:p>発表者メモ：高橋さんの携帯 090-4567-8901 にも連絡する</text:p>
    </draw:text-box></draw:frame>
   </presentation:notes>
  </draw:page>
 </office:presentation></office:body>
</office:document>
FODP
soffice --headless --convert-to 'pptx:Impress MS PowerPoint 2007 XML' slides.fodp
soffice --headless --convert-to odp slides.fodp

# ---- broken and non-office containers --------------------------------------------------------
head -c 2000 contacts.xlsx > corrupt.xlsx
printf 'これは普通のテキストファイルです。\n' > readme.txt
rm -f not-office.zip
zip -q -X not-office.zip readme.txt

cp contacts.xlsx contacts.ods memo.docx memo.odt slides.pptx slides.odp corrupt.xlsx \
   not-office.zip "$out/"
ls -l "$out"
