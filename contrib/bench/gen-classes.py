#!/usr/bin/env python3
"""gen-classes.py - write the message classes of the MTA benchmark (contrib/bench/bench-mta.sh).

    contrib/bench/gen-classes.py -o DIR [--seed N]

Writes into DIR (each a complete RFC 5322 message with CRLF line ends, as smtp-source -F sends it):

  small.eml   ~4 KB ISO-2022-JP business mail (7bit) with the sender's signature: one phone
              number and one e-mail address, the personal data an ordinary mail carries
  csv.eml     a short ISO-2022-JP note and a 1,000-row contact list (CP932 CSV: name, phone,
              e-mail) in base64, ~75 KB
  office.eml  a short note with a ~1 MB xlsx (order list, 20 contact rows at the end) and a
              ~2 MB docx (a report with a table of 5 people and embedded photos), base64
  big.eml     a 2 MB text/plain attachment (an application log, English, no personal data)

The mix (70% small, 20% office, 10% csv) is made of these three by the driver.
Everything is fake: example domains only; phone numbers have the right shape, no more.
The office files are valid OOXML written with zipfile (Excel, LibreOffice and leakguard open
them); the same seed gives byte-identical output.
"""
import argparse
import base64
import io
import os
import random
import sys
import zipfile
from email.header import Header

CRLF = "\r\n"

SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
            "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水"]
GIVEN = ["花子", "太郎", "美咲", "翔太", "陽菜", "大輝", "結衣", "蓮", "さくら", "健一",
         "直樹", "由美", "真一", "愛", "拓也", "恵", "和也", "裕子", "誠", "舞"]
ROMAN_S = ["sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura",
           "kobayashi", "kato", "yoshida", "yamada", "sasaki", "yamaguchi", "matsumoto",
           "inoue", "kimura", "hayashi", "saito", "shimizu"]
ROMAN_G = ["hanako", "taro", "misaki", "shota", "hina", "daiki", "yui", "ren", "sakura",
           "kenichi", "naoki", "yumi", "shinichi", "ai", "takuya", "megumi", "kazuya", "yuko",
           "makoto", "mai"]
PREFS = ["東京都千代田区", "大阪府大阪市北区", "神奈川県横浜市中区", "愛知県名古屋市中区",
         "福岡県福岡市博多区", "北海道札幌市中央区", "宮城県仙台市青葉区", "京都府京都市左京区"]
DOMAINS = ["example.jp", "example.co.jp", "example.ne.jp", "example.com", "example.org"]

BODY_JA = [
    "いつもお世話になっております。",
    "先日ご相談いただいた件につきまして、社内で検討いたしましたので下記のとおりご連絡いたします。",
    "まず、次回の定例会議は来週水曜日の午後二時から第三会議室にて開催いたします。",
    "議題は、来期の予算案、新規取引先の選定基準、ならびに業務改善提案の進捗確認の三点です。",
    "資料は前日までに共有フォルダへ格納いたしますので、事前にご確認いただけますと幸いです。",
    "また、先月の作業報告書につきましては、一部数値に誤りがございましたため訂正版を作成中です。",
    "訂正版は今週中にお送りする予定ですが、遅れる場合は改めてご連絡いたします。",
    "ご不明な点がございましたら、お気軽にお問い合わせください。",
    "なお、年末年始の営業日につきましては、別途総務部よりご案内がある予定です。",
    "引き続きどうぞよろしくお願い申し上げます。",
]

WORDS_EN = ("request completed worker session cache upstream backend handler timeout queue "
            "scheduler processed records batch connection pool released acquired retry "
            "configuration reloaded checksum verified segment index shard replica snapshot "
            "compaction latency throughput allocated buffer flushed journal committed").split()


def phone(rng):
    """A mobile or landline number in one of the usual Japanese spellings."""
    k = rng.random()
    if k < 0.6:
        return "0%d0-%04d-%04d" % (rng.choice([7, 8, 9]), rng.randrange(10000), rng.randrange(10000))
    if k < 0.85:
        return "03-%04d-%04d" % (rng.randrange(1000, 10000), rng.randrange(10000))
    return "06-%04d-%04d" % (rng.randrange(1000, 10000), rng.randrange(10000))


def person(rng, i):
    """One fake person: (kanji name, phone, e-mail, postcode, address)."""
    s, g = rng.randrange(len(SURNAMES)), rng.randrange(len(GIVEN))
    mail = "%s.%s%d@%s" % (ROMAN_G[g], ROMAN_S[s], i, rng.choice(DOMAINS))
    return (SURNAMES[s] + " " + GIVEN[g], phone(rng), mail,
            "%03d-%04d" % (rng.randrange(100, 1000), rng.randrange(10000)),
            "%s%d-%d-%d" % (rng.choice(PREFS), rng.randrange(1, 10), rng.randrange(1, 30),
                            rng.randrange(1, 20)))


def iso2022(text):
    """Text as ISO-2022-JP bytes with CRLF line ends (7bit)."""
    return text.replace("\n", CRLF).encode("iso-2022-jp")


def enc_subject(s):
    """An RFC 2047 B-encoded ISO-2022-JP Subject value."""
    return Header(s, "iso-2022-jp").encode()


def headers(subject, mid, extra=()):
    """The header block (str, ASCII) of a generated message."""
    h = ["From: =?ISO-2022-JP?B?GyRCOzNFRDJWO1IbKEI=?= <hanako.yamada@corp.example.jp>",
         "To: Taro Suzuki <taro.suzuki@partner.example.com>",
         "Subject: " + enc_subject(subject),
         "Date: Fri, 27 Nov 2026 10:00:00 +0900",
         "Message-ID: <%s@corp.example.jp>" % mid,
         "MIME-Version: 1.0"]
    h.extend(extra)
    return CRLF.join(h) + CRLF


def signature():
    """The sender's own signature: one phone number, one e-mail address."""
    return ("\n--\n株式会社サンプル商事 営業企画部\n山田 花子 (Hanako Yamada)\n"
            "〒100-0005 東京都千代田区丸の内1-1-1 サンプルビル12階\n"
            "TEL: 03-1234-5678  FAX: 03-1234-5679\nE-mail: hanako.yamada@corp.example.jp\n")


def note(rng, target):
    """Japanese business prose of about target bytes (as ISO-2022-JP)."""
    lines = ["鈴木様", ""]
    size = 0
    while size < target:
        para = "".join(rng.choice(BODY_JA) for _ in range(3))
        lines.append(para)
        lines.append("")
        size += len(para.encode("iso-2022-jp")) + 2
    return "\n".join(lines)


def b64_lines(data):
    """base64 in 76-character lines, CRLF ended."""
    s = base64.b64encode(data).decode("ascii")
    return CRLF.join(s[i:i + 76] for i in range(0, len(s), 76)) + CRLF


def multipart(hdrs, text, attachments, boundary):
    """A multipart/mixed message: an ISO-2022-JP text part and base64 attachments."""
    out = [hdrs, 'Content-Type: multipart/mixed; boundary="%s"' % boundary, CRLF, CRLF]
    body = ["--" + boundary + CRLF,
            'Content-Type: text/plain; charset="ISO-2022-JP"' + CRLF,
            "Content-Transfer-Encoding: 7bit" + CRLF + CRLF]
    head = ("".join(out) + "".join(body)).encode("ascii")
    parts = [head, iso2022(text), CRLF.encode()]
    for name, ctype, data in attachments:
        parts.append(("--%s%sContent-Type: %s; name=\"%s\"%s"
                      "Content-Disposition: attachment; filename=\"%s\"%s"
                      "Content-Transfer-Encoding: base64%s%s"
                      % (boundary, CRLF, ctype, name, CRLF, name, CRLF, CRLF, CRLF)).encode())
        parts.append(b64_lines(data).encode("ascii"))
    parts.append(("--%s--%s" % (boundary, CRLF)).encode())
    return b"".join(parts)


def gen_small(rng):
    """small.eml: ~4 KB single-part ISO-2022-JP mail with a signature."""
    text = note(rng, 3500) + signature()
    hdrs = headers("定例会議のご案内と資料送付について", "small.1",
                   ['Content-Type: text/plain; charset="ISO-2022-JP"',
                    "Content-Transfer-Encoding: 7bit"])
    return hdrs.encode("ascii") + CRLF.encode() + iso2022(text)


def gen_csv(rng):
    """csv.eml: note plus a 1,000-row CP932 contact list in base64."""
    rows = ["氏名,電話番号,メールアドレス"]
    for i in range(1000):
        rows.append(",".join(person(rng, i)[:3]))
    data = ("\r\n".join(rows) + "\r\n").encode("cp932")
    text = "鈴木様\n\n参加者名簿をお送りします。取り扱いにはご注意ください。\n" + signature()
    return multipart(headers("参加者名簿の送付", "csv.1"), text,
                     [("meibo.csv", "text/csv; charset=Shift_JIS", data)], "=_bench_csv")


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def zip_write(z, name, data, compress=True):
    """A zip member with a fixed date (reproducible output)."""
    zi = zipfile.ZipInfo(name, (2026, 11, 27, 10, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    z.writestr(zi, data)


def make_xlsx(rng, target):
    """An order-list workbook of about target bytes (inline strings, one sheet), with 20
    contact rows at the end."""
    buf = io.BytesIO()
    products = ["部品A-%03d" % i for i in range(200)]
    rows, r = [], 1

    def row(cells):
        nonlocal r
        out = ['<row r="%d">' % r]
        for c, v in enumerate(cells):
            ref = "%s%d" % (chr(65 + c), r)
            if isinstance(v, str):
                out.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, xml_escape(v)))
            else:
                out.append('<c r="%s"><v>%s</v></c>' % (ref, v))
        out.append("</row>")
        rows.append("".join(out))
        r += 1

    row(["受注番号", "受注日", "品番", "数量", "単価", "金額", "担当部署"])
    depts = ["営業一部", "営業二部", "購買部", "物流センター"]
    n = 0
    # deflate shrinks this sheet about 6.7x; stop when the estimate reaches the target
    while n < target * 6.7:
        qty, price = rng.randrange(1, 500), rng.randrange(100, 99999)
        row(["PO%08d" % rng.randrange(10 ** 8), "2026-%02d-%02d" % (rng.randrange(1, 13),
            rng.randrange(1, 29)), rng.choice(products), qty, price, qty * price,
            rng.choice(depts)])
        n += len(rows[-1])
    row(["担当者連絡先"])
    for i in range(20):
        p = person(rng, 5000 + i)
        row([p[0], p[1], p[2]])
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData>' + "".join(rows) + '</sheetData></worksheet>')
    with zipfile.ZipFile(buf, "w") as z:
        zip_write(z, "[Content_Types].xml",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  '</Types>')
        zip_write(z, "_rels/.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                  '</Relationships>')
        zip_write(z, "xl/workbook.xml",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                  '<sheets><sheet name="受注一覧" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zip_write(z, "xl/_rels/workbook.xml.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                  '</Relationships>')
        zip_write(z, "xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def make_docx(rng, target):
    """A report of about target bytes: 40 paragraphs, a table of 5 people and embedded
    photos (incompressible bytes behind a JPEG header, stored) that make up the size."""
    paras = []
    for _ in range(40):
        t = "".join(rng.choice(BODY_JA) for _ in range(4))
        paras.append('<w:p><w:r><w:t>%s</w:t></w:r></w:p>' % xml_escape(t))
    cells = []
    for i in range(5):
        p = person(rng, 9000 + i)
        cells.append("<w:tr>" + "".join('<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc>'
                                         % xml_escape(v) for v in p[:3]) + "</w:tr>")
    table = "<w:tbl>" + "".join(cells) + "</w:tbl>"
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body>' + "".join(paras[:20]) + table + "".join(paras[20:]) +
           '</w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        zip_write(z, "[Content_Types].xml",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Default Extension="jpeg" ContentType="image/jpeg"/>'
                  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                  '</Types>')
        zip_write(z, "_rels/.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                  '</Relationships>')
        zip_write(z, "word/document.xml", doc)
        have = len(doc) // 4
        i = 0
        while have < target:
            size = min(400 * 1024, target - have)
            photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(size)
            zip_write(z, "word/media/image%d.jpeg" % (i + 1), photo, compress=False)
            have += len(photo)
            i += 1
    return buf.getvalue()


def gen_office(rng):
    """office.eml: note plus a ~1 MB xlsx and a ~2 MB docx."""
    text = "鈴木様\n\n受注一覧と月次報告書をお送りします。\n" + signature()
    xlsx = make_xlsx(rng, 1024 * 1024)
    docx = make_docx(rng, 2 * 1024 * 1024)
    return multipart(headers("受注一覧と月次報告書", "office.1"), text,
                     [("juchu.xlsx", "application/vnd.openxmlformats-officedocument."
                       "spreadsheetml.sheet", xlsx),
                      ("houkoku.docx", "application/vnd.openxmlformats-officedocument."
                       "wordprocessingml.document", docx)], "=_bench_office")


def gen_big(rng):
    """big.eml: note plus a 2 MB application log, no personal data."""
    lines, size, t = [], 0, 0
    while size < 2 * 1024 * 1024:
        t += rng.randrange(1, 900)
        words = " ".join(rng.choice(WORDS_EN) for _ in range(rng.randrange(6, 14)))
        line = "[%02d:%02d:%02d.%03d] INFO worker-%d %s (items=%d)" % (
            t // 3600000 % 24, t // 60000 % 60, t // 1000 % 60, t % 1000,
            rng.randrange(16), words, rng.randrange(1000))
        lines.append(line)
        size += len(line) + 2
    data = ("\r\n".join(lines) + "\r\n").encode("ascii")
    text = "鈴木様\n\n障害調査のためのログを添付します。\n" + signature()
    return multipart(headers("障害調査ログ", "big.1"), text,
                     [("app.log", "text/plain; charset=us-ascii", data)], "=_bench_big")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=8)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, fn in (("small", gen_small), ("csv", gen_csv), ("office", gen_office),
                     ("big", gen_big)):
        rng = random.Random("%d-%s" % (args.seed, name))
        data = fn(rng)
        with open(os.path.join(args.out, name + ".eml"), "wb") as f:
            f.write(data)
        print("%-7s %8d bytes  %s" % (name, len(data), os.path.join(args.out, name + ".eml")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
