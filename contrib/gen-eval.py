#!/usr/bin/env python3
"""gen-eval.py - write leakguard's labelled detector evaluation set: tests/eval/messages/*.eml and
tests/eval/labels.tsv (deterministic data; see tests/eval/README.md for what is labelled and how).

    contrib/gen-eval.py             # write tests/eval/ (needs LibreOffice `soffice` for the
                                    # xlsx, docx, ods, odt and PDF attachments)
    contrib/gen-eval.py -o DIR      # write somewhere else

Half of the messages carry personal data (contact lists in every container leakguard reads, lists
of My Numbers, card numbers, addresses and bank accounts, contacts in running text written the
ways people write them), half are business mail that is benign but dense with numbers (invoices,
quotes, minutes, logs, source code, newsletters with one signature). Everything is fake: e-mail
domains are example.jp / example.com / example.ne.jp (and their subdomains), phone numbers only
have the shape of real ones, My Numbers, corporate numbers, card numbers and JAN codes are random
digits with valid check digits; addresses are real prefectures and municipalities with made-up
blocks and buildings.

Every value is labelled from what the generator put in, never from a detector's output. The rules
(the product's canonical values; the same as tests/eval/README.md):
- phone_jp: national digits with the trunk 0 ("+81 90-1234-5678" -> 09012345678).
- phone_intl: "+" and digits of a non-Japanese number, no trunk 0 ("+44 20 7946 0958").
- email: local@domain, domain lower-cased; "(at)"/"[at]" and full-width forms included.
- name: the cell of a table column headed 氏名/名前/Name (any table a reader sees: CSV, sheets,
  Word/ODF/HTML tables and the table in the PDF); names in running text are not labelled.
- postal_jp: "NNN-NNNN <prefecture><municipality>" for a postal code written with its address.
- my_number (12 digits), payment_card (digits), bank_account_jp (the 7-digit account),
  corporate_number (13 digits; not personal, so it does not count towards the verdict).
- Not labelled (the product must not count them): the sender's address, the recipients'
  addresses (envelope = To and Cc) and every value in the sender's signature ("-- " block at the
  end of the first body text).
- verdict: hold when a recipient is outside the sender's domain and the labelled personal values
  (all detectors but corporate_number) number 10 or more, or there is a My Number (every
  labelled one is written with its keyword, so found with high confidence), or 5 or more card
  numbers; else accept. This is the built-in policy as the labels can express it: its
  "10 or more records, or 10 or more phone numbers and e-mail addresses" is counted here as
  10 or more personal values (they agree on every message of the set).

The data and the mail structure are byte-for-byte reproducible (fixed seeds, dates, Message-IDs,
boundaries, zip timestamps); the office attachments are re-made by LibreOffice on each run, with
their dates, document ids and rsids fixed afterwards, so that the same LibreOffice build gives the
same bytes (another build gives equivalent files). Made with LibreOffice 7.4.7.2 (Debian 12),
Python 3.11.
"""

import argparse
import base64
import csv
import importlib.util
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from email import policy as email_policy
from email.message import EmailMessage
from email.header import Header
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))

# Reuse the fixture generator's encoders and name lists (ISO-2022-JP the way Outlook writes it).
_spec = importlib.util.spec_from_file_location("genfx", os.path.join(HERE, "gen-fixtures.py"))
genfx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(genfx)

POLICY = email_policy.default.clone(linesep="\n", max_line_length=78)
PERSONAL = ["phone_jp", "email", "name", "my_number", "payment_card", "phone_intl", "postal_jp",
            "bank_account_jp"]
ALL_DETECTORS = PERSONAL + ["corporate_number"]

# ----------------------------------------------------------------------------- fake data

SURNAMES = genfx.SURNAMES
GIVEN = genfx.GIVEN
MAIL_DOMAINS = ["example.ne.jp", "example.com", "example.jp", "mail.example.ne.jp",
                "docomo.example.ne.jp", "ezweb.example.ne.jp", "mail.example.com"]

# Real prefectures and municipalities (Tokyo's wards and cities that are not designated cities,
# so "<prefecture><municipality>" has one reading), postal codes of the right area, made-up towns.
PLACES = [
    ("100-0013", "東京都", "千代田区", "霞が関"), ("160-0022", "東京都", "新宿区", "新宿"),
    ("150-0002", "東京都", "渋谷区", "渋谷"), ("105-0011", "東京都", "港区", "芝公園"),
    ("154-0004", "東京都", "世田谷区", "太子堂"), ("176-0001", "東京都", "練馬区", "練馬"),
    ("166-0003", "東京都", "杉並区", "高円寺南"), ("141-0032", "東京都", "品川区", "大崎"),
    ("135-0016", "東京都", "江東区", "東陽"), ("171-0022", "東京都", "豊島区", "南池袋"),
    ("190-0012", "東京都", "立川市", "曙町"), ("180-0004", "東京都", "武蔵野市", "吉祥寺本町"),
    ("380-0836", "長野県", "長野市", "南県町"), ("370-0841", "群馬県", "高崎市", "栄町"),
    ("900-0015", "沖縄県", "那覇市", "久茂地"), ("350-1123", "埼玉県", "川越市", "脇田本町"),
    ("273-0005", "千葉県", "船橋市", "本町"), ("305-0031", "茨城県", "つくば市", "吾妻"),
    ("514-0004", "三重県", "津市", "栄町"), ("630-8115", "奈良県", "奈良市", "大宮町"),
    ("920-0853", "石川県", "金沢市", "本町"), ("930-0083", "富山県", "富山市", "総曲輪"),
    ("760-0019", "香川県", "高松市", "サンポート"), ("790-0001", "愛媛県", "松山市", "一番町"),
    ("850-0862", "長崎県", "長崎市", "出島町"), ("892-0816", "鹿児島県", "鹿児島市", "山下町"),
    ("500-8856", "岐阜県", "岐阜市", "橋本町"), ("520-0043", "滋賀県", "大津市", "中央"),
    ("320-0811", "栃木県", "宇都宮市", "大通り"), ("020-0022", "岩手県", "盛岡市", "大通"),
    ("400-0031", "山梨県", "甲府市", "丸の内"), ("690-0003", "島根県", "松江市", "朝日町"),
]
BUILDINGS = ["", "", "", " コーポ桜102", " メゾン緑ヶ丘305", " パークハイツ1201", " 第2見本ビル4階"]
BANKS = [("みずほ見本銀行", "0991"), ("見本第一銀行", "0992"), ("架空信用金庫", "1991"),
         ("例示銀行", "0993"), ("サンプル信託銀行", "0994")]
BRANCHES = [("本店", "001"), ("新宿支店", "102"), ("渋谷支店", "135"), ("駅前支店", "210"),
            ("中央支店", "301"), ("東口支店", "455")]


def fw(s, letters=False):
    """Full-width digits, '-', '@', ':' (and letters when asked), as Japanese IMEs type them."""
    out = []
    for c in s:
        if c.isdigit() or (letters and c.isascii() and c.isalpha()):
            out.append(chr(ord(c) + 0xFEE0))
        elif c == "-":
            out.append("－")
        elif c == "@":
            out.append("＠")
        elif c == ".":
            out.append("．" if letters else c)
        else:
            out.append(c)
    return "".join(out)


def digits(s):
    return "".join(c for c in unicodedata.normalize("NFKC", s) if c.isdigit())


def mobile(rng, used):
    return genfx.mobile(rng, used)


def landline(rng, used, area=None):
    return genfx.landline(rng, used, area)


def luhn_digit(body):
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def card_number(rng):
    prefix = rng.choice(["4", "4", "5", "35"])
    if prefix == "5":
        prefix += str(rng.randint(1, 5))
    if prefix == "35":
        prefix += str(rng.randint(28, 89))
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(15 - len(prefix)))
    return body + luhn_digit(body)


def my_number(rng):
    """12 digits, the last one the check digit of the My Number law's formula."""
    body = [rng.randint(0, 9) for _ in range(11)]
    body[0] = rng.randint(1, 9)
    s = 0
    for n in range(1, 12):  # n counts from the right of the 11-digit body
        p = body[11 - n]
        q = n + 1 if n <= 6 else n - 5
        s += p * q
    r = s % 11
    check = 0 if r <= 1 else 11 - r
    return "".join(map(str, body)) + str(check)


def corporate_number(rng):
    """13 digits: check digit first, then the 12-digit base number."""
    base = [rng.randint(0, 9) for _ in range(12)]
    s = 0
    for n in range(1, 13):  # from the right
        s += base[12 - n] * (1 if n % 2 else 2)
    return str(9 - s % 9) + "".join(map(str, base))


def jan13(rng, prefix="49"):
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(12 - len(prefix)))
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - s % 10) % 10)


def isbn13(rng):
    body = "9784" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    full = body + str((10 - s % 10) % 10)
    pub = rng.choice([2, 3, 4])
    return "%s-%s-%s-%s-%s" % (full[:3], full[3], full[4:4 + pub], full[4 + pub:12], full[12])


class Person:
    """One fake person: name, kana, romaji, phone, e-mail, address, and more on demand."""

    def __init__(self, rng, used):
        while True:
            sur, given = rng.choice(SURNAMES), rng.choice(GIVEN)
            if (sur[0], given[0]) not in used["names"]:
                used["names"].add((sur[0], given[0]))
                break
        self.sur, self.given = sur, given
        self.name = "%s %s" % (sur[0], given[0])
        self.kana = "%s %s" % (sur[1], given[1])
        self.roman = "%s %s" % (given[2].capitalize(), sur[2].capitalize())
        self.phone = mobile(rng, used["phones"]) if rng.random() < 0.75 else \
            landline(rng, used["phones"])
        while True:
            style = rng.randint(0, 3)
            local = ["%s.%s" % (given[2], sur[2]), "%s_%s%02d" % (sur[2], given[2], rng.randint(1, 99)),
                     "%s%s%d" % (given[2][0], sur[2], rng.randint(1960, 2005)),
                     "%s-%s.%d" % (sur[2], given[2], rng.randint(1, 999))][style]
            mail = "%s@%s" % (local, rng.choice(MAIL_DOMAINS))
            if mail not in used["mails"]:
                used["mails"].add(mail)
                break
        self.mail = mail
        self.place = rng.choice(PLACES)
        self.street = "%d-%d-%d%s" % (rng.randint(1, 5), rng.randint(1, 30), rng.randint(1, 25),
                                      rng.choice(BUILDINGS))
        self.birth = "%d/%02d/%02d" % (rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
        self.rng = rng

    @property
    def postcode(self):
        return self.place[0]

    @property
    def address(self):
        """The address without the postal code: 東京都千代田区霞が関1-2-3 ..."""
        return "%s%s%s%s" % (self.place[1], self.place[2], self.place[3], self.street)

    @property
    def postal_label(self):
        return "%s %s%s" % (self.place[0], self.place[1], self.place[2])


def crowd(seed, n):
    rng = random.Random(seed)
    used = {"names": set(), "phones": set(), "mails": set()}
    return [Person(rng, used) for _ in range(n)], rng


# ----------------------------------------------------------------------------- the senders

class Sender:
    def __init__(self, display, addr, sig_lines):
        self.display, self.addr, self.sig_lines = display, addr, sig_lines

    @property
    def signature(self):
        return "-- \n" + "\n".join(self.sig_lines) + "\n"


CITY = "city.example.jp"        # 見本市役所 (a municipality)
CORP = "corp.example.com"       # 見本商事株式会社 (a trading company)
SOFT = "dev.example.co.jp"      # サンプルソフト株式会社 (a software house)

S_CITY = Sender("見本市 市民課 佐藤 恵子", "keiko.sato@" + CITY, [
    "見本市 市民生活部 市民課 住民記録係", "佐藤 恵子（さとう けいこ）",
    "〒100-0013 東京都千代田区霞が関9-9-9 見本市役所本庁舎3階",
    "TEL：03-3581-4321（内線 3120）　FAX：03-3581-4399", "E-mail：keiko.sato@" + CITY])
S_CITY2 = Sender("見本市 福祉課 中村 直樹", "naoki.nakamura@" + CITY, [
    "見本市 福祉部 福祉課", "中村 直樹", "〒100-0013 東京都千代田区霞が関9-9-9",
    "TEL 03-3581-4330 / FAX 03-3581-4398"])
S_CORP = Sender("見本商事 営業部 高橋 健一", "kenichi.takahashi@" + CORP, [
    "見本商事株式会社 営業本部 第一営業部", "高橋 健一 (Kenichi Takahashi)",
    "〒160-0022 東京都新宿区新宿9-8-7 見本ビル12F",
    "TEL: 03-5367-2100  FAX: 03-5367-2101", "Mobile: 090-6612-4470",
    "Mail: kenichi.takahashi@" + CORP])
S_CORP2 = Sender("見本商事 経理部 小林 美穂", "miho.kobayashi@" + CORP, [
    "見本商事株式会社 管理本部 経理部", "小林 美穂", "〒160-0022 東京都新宿区新宿9-8-7",
    "TEL 03-5367-2150"])
S_SOFT = Sender("Daiki Mori", "daiki.mori@" + SOFT, [
    "Daiki Mori <daiki.mori@%s>" % SOFT, "Sample Soft Inc. / Platform team",
    "Tel +81 3-6820-5512"])
S_NEWS = Sender("見本商事 広報室", "news@" + CORP, [
    "見本商事株式会社 広報室", "〒160-0022 東京都新宿区新宿9-8-7 見本ビル12F",
    "TEL 03-5367-2000（代表）　受付時間 平日9:00～17:30", "https://www.corp.example.com/"])

EXT = ["tantou@partner.example.com", "info@example.co.jp", "kikaku@client.example.jp",
       "y.ishii@example.ne.jp", "sales@vendor.example.com", "office@npo.example.jp",
       "jimu@kumiai.example.jp", "support@hosting.example.com"]


# ----------------------------------------------------------------------------- labels


class Labels:
    """The expected findings of one message, canonical values per detector."""

    def __init__(self):
        self.items = []

    def add(self, det, value):
        if (det, value) not in self.items:
            self.items.append((det, value))

    def phone(self, written):
        d = digits(written)
        if unicodedata.normalize("NFKC", written).strip().lstrip("(").startswith("+81"):
            d = d[2:]
            if not d.startswith("0"):
                d = "0" + d
        self.add("phone_jp", d)

    def intl(self, written):
        self.add("phone_intl", "+" + digits(written))

    def email(self, addr):
        addr = unicodedata.normalize("NFKC", addr)
        addr = re.sub(r"\s*[\(\[][aA][tT][\)\]]\s*", "@", addr)
        local, dom = addr.split("@")
        self.add("email", "%s@%s" % (local, dom.lower()))

    def name(self, text):
        self.add("name", unicodedata.normalize("NFKC", text).strip())

    def person(self, p, phone=True, mail=True, name=True, postal=True):
        if name:
            self.name(p.name)
        if phone:
            self.phone(p.phone)
        if mail:
            self.email(p.mail)
        if postal:
            self.add("postal_jp", p.postal_label)


class Msg:
    def __init__(self, name, kind, sender, rcpts, labels, raw):
        self.name, self.kind, self.sender, self.rcpts = name, kind, sender, rcpts
        self.raw = raw
        own = {sender.addr.lower()} | {r.lower() for r in rcpts}
        self.labels = [(d, v) for d, v in labels.items if not (d == "email" and v.lower() in own)]

    @property
    def verdict(self):
        personal = sum(1 for d, _ in self.labels if d in PERSONAL)
        dom = self.sender.addr.split("@")[1].lower()
        external = any(not (r.split("@")[1].lower() == dom or r.split("@")[1].lower().endswith("." + dom))
                       for r in self.rcpts)
        mynumber = sum(1 for d, _ in self.labels if d == "my_number")
        cards = sum(1 for d, _ in self.labels if d == "payment_card")
        held = personal >= 10 or mynumber >= 1 or cards >= 5
        return "hold" if held and external else "accept"


# ----------------------------------------------------------------------------- mail building

SEQ = [0]


def new_mail(name, sender, rcpts, subject, cc=()):
    SEQ[0] += 1
    m = EmailMessage(policy=POLICY)
    m["From"] = "%s <%s>" % (Header(sender.display, "utf-8").encode(), sender.addr) \
        if not sender.display.isascii() else "%s <%s>" % (sender.display, sender.addr)
    m["To"] = ", ".join(rcpts)
    if cc:
        m["Cc"] = ", ".join(cc)
    m["Subject"] = subject
    m["Date"] = "Fri, %02d Nov 2026 %02d:%02d:00 +0900" % (1 + SEQ[0] % 27, 8 + SEQ[0] % 10,
                                                         (SEQ[0] * 7) % 60)
    m["Message-ID"] = "<eval-%s@%s>" % (name, sender.addr.split("@")[1])
    return m


def fix_boundaries(m, name):
    n = [0]

    def walk(part):
        if part.is_multipart():
            n[0] += 1
            part.set_boundary("=_lg-eval-%s-%d" % (name, n[0]))
            for sub in part.get_payload():
                walk(sub)
        elif part.get_content_type() == "message/rfc822":
            for sub in part.get_payload():
                walk(sub)
    walk(m)


def finish(m, name):
    fix_boundaries(m, name)
    return m.as_bytes()


def attach(m, data, ctype, filename):
    maintype, subtype = ctype.split("/")
    m.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)


def raw_iso2022jp(name, sender, rcpts, subject, text):
    """A single-part ISO-2022-JP mail, encoded-word headers, as Outlook and Becky! write them."""
    SEQ[0] += 1
    if sender.display.isascii():
        frm = "%s <%s>" % (sender.display, sender.addr)
    else:
        frm = genfx.addr_iso2022jp(sender.display, sender.addr)
    headers = [
        "From: " + frm,
        "To: " + ", ".join(rcpts),
        genfx.hdr_iso2022jp("Subject", subject),
        "Date: Fri, %02d Nov 2026 %02d:%02d:00 +0900" % (1 + SEQ[0] % 27, 8 + SEQ[0] % 10,
                                                        (SEQ[0] * 7) % 60),
        "Message-ID: <eval-%s@%s>" % (name, sender.addr.split("@")[1]),
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="ISO-2022-JP"',
        "Content-Transfer-Encoding: 7bit",
        "X-Mailer: Microsoft Outlook 16.0",
    ]
    return genfx.message(headers, genfx.iso2022jp(text).decode("ascii"))


def raw_sjis(name, sender, rcpts, subject, text):
    SEQ[0] += 1
    headers = [
        "From: " + genfx.addr_iso2022jp(sender.display, sender.addr),
        "To: " + ", ".join(rcpts),
        genfx.hdr_iso2022jp("Subject", subject),
        "Date: Fri, %02d Nov 2026 %02d:%02d:00 +0900" % (1 + SEQ[0] % 27, 8 + SEQ[0] % 10,
                                                        (SEQ[0] * 7) % 60),
        "Message-ID: <eval-%s@%s>" % (name, sender.addr.split("@")[1]),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=Shift_JIS",
        "Content-Transfer-Encoding: 8bit",
        "X-Mailer: Becky! ver. 2.81.04",
    ]
    return genfx.message(headers, text.encode("cp932"))


def csv_bytes(header, rows, enc="cp932", bom=False):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode(enc)
    return (b"\xef\xbb\xbf" + data) if bom else data


def zip_of(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 9, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if any(ord(c) > 127 for c in name):
                info.flag_bits |= 0x800  # UTF-8 names
            z.writestr(info, data)
    return buf.getvalue()


# ----------------------------------------------------------------------------- LibreOffice

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/"')


def _cell(v):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return ('<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p>'
                '</table:table-cell>' % (v, v))
    return ('<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>'
            % escape(str(v)))


def _table(name, rows):
    ncol = max(len(r) for r in rows)
    out = ['<table:table table:name="%s"><table:table-column table:number-columns-repeated="%d"/>'
           % (escape(name), ncol)]
    for r in rows:
        out.append("<table:table-row>" + "".join(_cell(v) for v in r) + "</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def fods(sheets):
    """Flat ODF spreadsheet: sheets = [(name, rows)]; str cells are text, numbers are numbers."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document %s office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body>'
            '<office:spreadsheet>%s</office:spreadsheet></office:body></office:document>\n'
            % (NS, "".join(_table(n, r) for n, r in sheets)))


def fodt(blocks, landscape=False):
    """Flat ODF text: blocks are ("h", text), ("p", text) or ("table", rows)."""
    body = []
    for i, (kind, v) in enumerate(blocks):
        if kind == "h":
            body.append('<text:h text:outline-level="1">%s</text:h>' % escape(v))
        elif kind == "p":
            body.append("<text:p>%s</text:p>" % escape(v))
        else:
            body.append(_table("表%d" % (i + 1), v))
    w, h = ("29.7cm", "21cm") if landscape else ("21cm", "29.7cm")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document %s office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.text"><office:automatic-styles>'
            '<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="%s" '
            'fo:page-height="%s" fo:margin="1.5cm"/></style:page-layout></office:automatic-styles>'
            '<office:master-styles><style:master-page style:name="Standard" '
            'style:page-layout-name="pm1"/></office:master-styles><office:body><office:text>%s'
            '</office:text></office:body></office:document>\n' % (NS, w, h, "".join(body)))


class Office:
    """Collects flat ODF sources, converts them in a few soffice runs, hands back the bytes."""

    FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods", "docx": "docx:MS Word 2007 XML",
               "odt": "odt", "pdf": "pdf:writer_pdf_Export"}

    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="lg-gen-eval.")
        self.home = os.path.join(self.work, "home")
        cfg = os.path.join(self.home, ".config/libreoffice/4/user")
        os.makedirs(cfg)
        with open(os.path.join(cfg, "registrymodifications.xcu"), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
                    'xmlns:oor="http://openoffice.org/2001/registry" '
                    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
                    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<item oor:path='
                    '"/org.openoffice.Office.Common/Save/Document"><prop oor:name="GenerateThumbnail"'
                    ' oor:op="fuse"><value>false</value></prop></item>\n</oor:items>\n')
        self.jobs = {}  # fmt -> [stem]

    def add(self, stem, source, fmt):
        ext = ".fods" if source.find("spreadsheet") > 0 else ".fodt"
        with open(os.path.join(self.work, stem + ext), "w", encoding="utf-8") as f:
            f.write(source)
        self.jobs.setdefault(fmt, []).append(stem + ext)
        return (stem, fmt)

    def run(self):
        env = dict(os.environ, HOME=self.home)
        for fmt, files in self.jobs.items():
            outdir = os.path.join(self.work, fmt)
            subprocess.run(["soffice", "--headless", "--convert-to", self.FILTERS[fmt], "--outdir",
                            outdir] + files, cwd=self.work, env=env, check=True,
                           stdout=subprocess.DEVNULL)

    def get(self, key):
        stem, fmt = key
        with open(os.path.join(self.work, fmt, stem + "." + fmt), "rb") as f:
            data = f.read()
        return normalize_office(data, fmt)

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)


def normalize_office(data, fmt):
    """Fixed zip timestamps and document dates, so that re-runs differ as little as possible."""
    if fmt == "pdf":  # same-length replacements: the xref offsets stay right
        data = re.sub(rb"(?<=D:)\d{14}", b"20261120093000", data)
        data = re.sub(rb"/DocChecksum /[0-9A-F]{32}", b"/DocChecksum /" + b"0" * 32, data)
        return re.sub(rb"<[0-9A-F]{32}>", b"<" + b"0" * 32 + b">", data)
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "settings.xml":
                body = re.sub(rb'(config:name="Rsid(?:Root)?" config:type="int">)\d+', rb"\g<1>1", body)
            if info.filename in ("meta.xml", "docProps/core.xml"):
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", b"2026-11-20T09:30:00Z", body)
                body = re.sub(rb"PT\d+[HMS0-9]*", b"PT0S", body)
            ni = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 20, 9, 30, 0))
            ni.compress_type = info.compress_type
            ni.external_attr = info.external_attr
            z.writestr(ni, body)
    return buf.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODT = "application/vnd.oasis.opendocument.text"


# ============================================================================= personal messages
# Each builder is a generator: it registers its office documents, yields once (the documents are
# converted), then returns its Msg.

def body_with_sig(text, sender):
    return text.rstrip("\n") + "\n\n" + sender.signature


def p_csv_cp932(ox):
    yield
    ppl, _ = crowd(101, 20)
    L = Labels()
    rows = []
    for i, p in enumerate(ppl):
        rows.append([str(i + 1), p.name, p.kana, p.phone, p.mail, "〒%s %s" % (p.postcode, p.address)])
        L.person(p)
    rc = [EXT[0]]
    m = new_mail("p01", S_CITY, rc, "【送付】見守りボランティア登録者名簿（11月分）")
    m.set_content(body_with_sig("""\
見本パートナーズ株式会社
ご担当者様

いつもお世話になっております。見本市市民課の佐藤です。
見守りボランティア登録者の名簿（11月20日時点、20名）をお送りします。
ご確認のほど、よろしくお願いいたします。
""", S_CITY))
    attach(m, csv_bytes(["No.", "氏名", "フリガナ", "電話番号", "メールアドレス", "住所"], rows),
           "application/vnd.ms-excel", "登録者名簿.csv")
    return Msg("p01-csv-cp932", "personal/csv-cp932", S_CITY, rc, L, finish(m, "p01"))


def p_csv_utf8_bom(ox):
    yield
    ppl, rng = crowd(102, 15)
    L = Labels()
    rows = []
    for p in ppl:
        d = digits(p.phone)
        intl = "+81 %s-%s" % (p.phone.split("-")[0][1:], "-".join(p.phone.split("-")[1:]))
        rows.append([p.roman, rng.choice(["Sales", "Legal", "R&D", "Support"]), intl, p.mail])
        L.name(p.roman)
        L.phone(intl)
        L.email(p.mail)
        assert digits(intl)[2:] == d[1:]
    rc = ["hr@partner.example.com"]
    m = new_mail("p02", S_SOFT, rc, "Contact sheet for the joint project")
    m.set_content(body_with_sig("""\
Hi Emma,

As promised, attached is the contact sheet of our project members (UTF-8 CSV).
Please import it into your directory before the kickoff on 2026-12-01.

Best,
Daiki
""", S_SOFT))
    attach(m, csv_bytes(["Name", "Team", "Phone", "Email"], rows, enc="utf-8", bom=True),
           "text/csv", "members.csv")
    return Msg("p02-csv-utf8-bom", "personal/csv-utf8-bom", S_SOFT, rc, L, finish(m, "p02"))


def p_xlsx(ox):
    ppl, rng = crowd(103, 18)
    L = Labels()
    rows = [["No.", "氏名", "ふりがな", "郵便番号", "住所", "電話", "メール"]]
    for i, p in enumerate(ppl):
        rows.append([i + 1, p.name, p.kana, p.postcode, p.address, p.phone, p.mail])
        L.person(p)
    summary = [["項目", "件数"], ["登録者", 18], ["うち新規", 5], ["更新日", "2026-11-20"]]
    key = ox.add("p03", fods([("名簿", rows), ("集計", summary)]), "xlsx")
    yield
    rc = [EXT[2]]
    m = new_mail("p03", S_CITY2, rc, "民生委員名簿（令和8年度）の送付")
    m.set_content(body_with_sig("""\
見本クライアント株式会社 企画部 御中

標記について、民生委員の名簿（Excel）を送付いたします。
取扱いには十分ご注意ください。
""", S_CITY2))
    attach(m, ox.get(key), XLSX, "民生委員名簿.xlsx")
    return Msg("p03-xlsx", "personal/xlsx", S_CITY2, rc, L, finish(m, "p03"))


def p_docx(ox):
    ppl, rng = crowd(104, 12)
    L = Labels()
    rows = [["氏名", "所属", "電話番号", "メールアドレス"]]
    for p in ppl:
        rows.append([p.name, rng.choice(["第一営業部", "総務部", "技術部", "品質保証部"]), p.phone, p.mail])
        L.person(p, postal=False)
    doc = fodt([("h", "緊急連絡網（2026年度下期）"),
                ("p", "災害時・システム障害時は下表の順に連絡してください。最終更新 2026/11/20。"),
                ("table", rows), ("p", "以上")])
    key = ox.add("p04", doc, "docx")
    yield
    rc = [EXT[1]]
    m = new_mail("p04", S_CORP, rc, "緊急連絡網の件")
    m.set_content(body_with_sig("""\
株式会社エグザンプル
ご担当者様

お世話になっております。見本商事の高橋です。
共同プロジェクトの緊急連絡網（Word）をお送りします。
""", S_CORP))
    attach(m, ox.get(key), DOCX, "緊急連絡網.docx")
    return Msg("p04-docx-table", "personal/docx", S_CORP, rc, L, finish(m, "p04"))


def p_ods(ox):
    ppl, rng = crowd(105, 15)
    L = Labels()
    rows = [["氏名", "電話", "メール", "住所"]]
    for p in ppl:
        rows.append([p.name, p.phone, p.mail, "〒%s %s" % (p.postcode, p.address)])
        L.person(p)
    key = ox.add("p05", fods([("Sheet1", rows)]), "ods")
    yield
    rc = [EXT[5]]
    m = new_mail("p05", S_CITY, rc, "講座受講者一覧")
    m.set_content(body_with_sig("""\
NPO法人エグザンプル 事務局様

市民講座「くらしの防災」受講者の一覧（ODS）を送付します。
""", S_CITY))
    attach(m, ox.get(key), ODS, "受講者一覧.ods")
    return Msg("p05-ods", "personal/ods", S_CITY, rc, L, finish(m, "p05"))


def p_odt(ox):
    ppl, rng = crowd(106, 10)
    L = Labels()
    rows = [["名前", "携帯", "E-mail"]]
    for p in ppl:
        rows.append([p.name, p.phone, p.mail])
        L.person(p, postal=False)
    doc = fodt([("h", "自治会 役員名簿"), ("p", "令和8年度の役員は次のとおりです。"), ("table", rows)])
    key = ox.add("p06", doc, "odt")
    yield
    rc = [EXT[6]]
    m = new_mail("p06", S_CITY2, rc, "役員名簿")
    m.set_content(body_with_sig("組合事務局 御中\n\n役員名簿（ODT）を添付します。\n", S_CITY2))
    attach(m, ox.get(key), ODT, "役員名簿.odt")
    return Msg("p06-odt-table", "personal/odt", S_CITY2, rc, L, finish(m, "p06"))


def p_pdf(ox):
    ppl, rng = crowd(107, 14)
    L = Labels()
    rows = [["氏名", "電話番号", "メールアドレス"]]
    for p in ppl:
        rows.append([p.name, p.phone, p.mail])
        L.person(p, postal=False)
    doc = fodt([("h", "研修参加者名簿"), ("p", "2026年11月27日（金）13:30～17:00 第3会議室"),
                ("table", rows)], landscape=True)
    key = ox.add("p07", doc, "pdf")
    yield
    rc = [EXT[0]]
    m = new_mail("p07", S_CORP, rc, "研修参加者名簿（PDF）")
    m.set_content(body_with_sig("ご担当者様\n\n参加者名簿をPDFでお送りします。\n", S_CORP))
    attach(m, ox.get(key), "application/pdf", "参加者名簿.pdf")
    return Msg("p07-pdf-table", "personal/pdf", S_CORP, rc, L, finish(m, "p07"))


def p_html_body(ox):
    yield
    ppl, rng = crowd(108, 12)
    L = Labels()
    trs = []
    for p in ppl:
        trs.append("<tr><td>%s</td><td>%s</td><td><a href=\"mailto:%s\">%s</a></td></tr>"
                   % (p.name, p.phone, p.mail, p.mail))
        L.person(p, postal=False)
    html = ("<html><body><p>各位</p><p>説明会の出席者は以下のとおりです。</p>\n<table border=\"1\">\n"
            "<tr><th>氏名</th><th>電話番号</th><th>メール</th></tr>\n%s\n</table>\n"
            "<p>よろしくお願いいたします。</p></body></html>\n" % "\n".join(trs))
    rc = [EXT[4]]
    m = new_mail("p08", S_CORP, rc, "説明会 出席者")
    m.set_content(body_with_sig("各位\n\n説明会の出席者一覧はHTML版をご覧ください。\n", S_CORP))
    m.add_alternative(html, subtype="html")
    return Msg("p08-html-table", "personal/html-body", S_CORP, rc, L, finish(m, "p08"))


def p_zip_csv(ox):
    yield
    ppl, rng = crowd(109, 20)
    L = Labels()
    rows = []
    for p in ppl:
        rows.append([p.name, p.phone, p.mail, "〒%s %s" % (p.postcode, p.address)])
        L.person(p)
    data = zip_of([("会員名簿/会員名簿.csv", csv_bytes(["氏名", "電話番号", "メールアドレス", "住所"], rows))])
    rc = [EXT[6]]
    m = new_mail("p09", S_CITY, rc, "会員名簿（圧縮ファイル）")
    m.set_content(body_with_sig("ご担当者様\n\n会員名簿をzipで送付します。パスワードは別送しません。\n", S_CITY))
    attach(m, data, "application/zip", "会員名簿.zip")
    return Msg("p09-zip-csv", "personal/zip-csv", S_CITY, rc, L, finish(m, "p09"))


def p_zip_in_zip(ox):
    yield
    ppl, rng = crowd(110, 15)
    L = Labels()
    rows = []
    for p in ppl:
        rows.append([p.name, p.kana, p.phone, p.mail])
        L.person(p, postal=False)
    inner = zip_of([("list.csv", csv_bytes(["氏名", "カナ", "TEL", "Mail"], rows, enc="utf-8", bom=True)),
                    ("readme.txt", "2026-11-20 作成\n".encode("utf-8"))])
    outer = zip_of([("archive/2026-11.zip", inner), ("memo.txt", "月次データ\n".encode("utf-8"))])
    rc = [EXT[3]]
    m = new_mail("p10", S_CORP, rc, "月次データ送付")
    m.set_content(body_with_sig("石井様\n\n月次データを送ります。\n", S_CORP))
    attach(m, outer, "application/zip", "data.zip")
    return Msg("p10-zip-in-zip", "personal/zip-in-zip", S_CORP, rc, L, finish(m, "p10"))


def p_forward(ox):
    yield
    ppl, rng = crowd(111, 12)
    L = Labels()
    rows = []
    for p in ppl:
        rows.append([p.name, p.phone, p.mail])
        L.person(p, postal=False)
    inner = EmailMessage(policy=POLICY)
    inner["From"] = "NPO Example <jimu@npo.example.jp>"
    inner["To"] = S_CITY.addr
    inner["Subject"] = "ボランティア名簿"
    inner["Date"] = "Mon, 16 Nov 2026 15:30:00 +0900"
    inner["Message-ID"] = "<inner-p11@npo.example.jp>"
    inner.set_content("見本市 佐藤様\n\nボランティア名簿をお送りします。\n\nNPO法人エグザンプル 事務局\n")
    attach(inner, csv_bytes(["氏名", "電話", "メール"], rows), "text/csv", "volunteers.csv")
    L.email("jimu@npo.example.jp")
    rc = [EXT[0], EXT[4]]
    m = new_mail("p11", S_CITY, rc, "Fwd: ボランティア名簿")
    m.set_content(body_with_sig("関係各位\n\nNPOから届いた名簿を転送します。\n", S_CITY))
    m.add_attachment(inner)
    return Msg("p11-forward-rfc822", "personal/forward-rfc822", S_CITY, rc, L, finish(m, "p11"))


def p_text_fw_few(ox):
    yield
    ppl, rng = crowd(112, 3)
    L = Labels()
    lines = []
    for p in ppl:
        lines.append("・%s様　携帯：%s　メール：%s" % (p.name, fw(p.phone), fw(p.mail)))
        L.person(p, name=False, postal=False)
    text = """\
見本パートナーズ　ご担当者様

お世話になっております。
明日の現地調査の立会者は次の３名です。

%s

当日は９時３０分に正門前集合でお願いします。
""" % "\n".join(lines)
    rc = [EXT[0]]
    raw = raw_iso2022jp("p12", S_CITY, rc, "現地調査の立会者", body_with_sig(text, S_CITY))
    return Msg("p12-text-iso2022jp-3", "personal/text-few", S_CITY, rc, L, raw)


def p_text_plus81(ox):
    yield
    ppl, rng = crowd(113, 6)
    L = Labels()
    lines = []
    forms = ["+81 {a}-{b}-{c}", "+81-{a}-{b}-{c}", "+81 (0){a} {b} {c}", "+81{a}{b}{c}",
             "(+81){a}-{b}-{c}", "+81 {a} {b} {c}"]
    for i, p in enumerate(ppl):
        a, b, c = p.phone.split("-")
        written = forms[i].format(a=a[1:], b=b, c=c)
        mail = p.mail.replace("@", [" (at) ", "(at)", "[at]", " [AT] ", "(at)", "@"][i])
        lines.append("- %s: %s / %s" % (p.roman, written, mail))
        L.phone(written)
        L.email(p.mail)
    text = """\
Dear all,

For the overseas trip next week, here is how to reach each member while abroad
(international format, addresses written so that crawlers do not pick them up):

%s

Flights: NH 203 departs 2026-11-30 10:35 from HND, returns 2026-12-05 17:10.
""" % "\n".join(lines)
    rc = ["travel@agency.example.com"]
    m = new_mail("p13", S_SOFT, rc, "Contacts during the trip")
    m.set_content(body_with_sig(text, S_SOFT))
    return Msg("p13-text-plus81-at", "personal/text", S_SOFT, rc, L, finish(m, "p13"))


def p_text_fw_nine(ox):
    yield
    ppl, rng = crowd(114, 9)
    L = Labels()
    lines = []
    for i, p in enumerate(ppl):
        lines.append("%s．%s（%s）%s　%s" % (fw(str(i + 1)), p.name, p.kana, fw(p.phone), fw(p.mail, letters=True)))
        L.person(p, name=False, postal=False)
    text = """\
各位

地区防災訓練の班長９名の連絡先をお知らせします。

%s

訓練日：令和８年１２月６日（日）９：００～１２：００
""" % "\n".join(lines)
    rc = [EXT[6], EXT[5]]
    raw = raw_iso2022jp("p14", S_CITY2, rc, "防災訓練 班長連絡先", body_with_sig(text, S_CITY2))
    return Msg("p14-text-iso2022jp-fullwidth-9", "personal/text", S_CITY2, rc, L, raw)


def p_text_english_intl(ox):
    yield
    ppl, rng = crowd(115, 2)
    L = Labels()
    intl = [("Oliver Smith", "+44 20 7946 0958", "oliver.smith@example.com"),
            ("Emily Johnson", "+1 202-555-0143", "emily.j@example.com")]
    lines = []
    for p in ppl:
        a, b, c = p.phone.split("-")
        written = "+81 %s %s %s" % (a[1:], b, c)
        lines.append("%s, %s, %s" % (p.roman, written, p.mail))
        L.phone(written)
        L.email(p.mail)
    for n, ph, ma in intl:
        lines.append("%s, %s, %s" % (n, ph, ma))
        L.intl(ph)
        L.email(ma)
    text = """\
Hello Sarah,

The four speakers for the panel on 2026-12-10 (14:00-15:30 JST) are:

%s

Room 501, 5F. Budget code 2026-PR-0412.
""" % "\n".join(lines)
    rc = ["sarah.lee@conference.example.com"]
    m = new_mail("p15", S_SOFT, rc, "Panel speakers")
    m.set_content(body_with_sig(text, S_SOFT))
    return Msg("p15-text-english-intl-4", "personal/text-few", S_SOFT, rc, L, finish(m, "p15"))


def p_text_paren(ox):
    yield
    ppl, rng = crowd(116, 7)
    L = Labels()
    lines = []
    used = set()
    for i, p in enumerate(ppl):
        ph = landline(rng, used)
        a, b, c = ph.split("-")
        written = ["(%s)%s-%s" % (a, b, c), "%s(%s)%s" % (a, b, c), "%s %s %s" % (a, b, c),
                   "%s%s%s" % (a, b, c), "(%s) %s %s" % (a, b, c), "%s－%s－%s" % (a, b, c),
                   "%s‐%s‐%s" % (a, b, c)][i]
        mail = p.mail.replace("@", "(at)" if i % 2 else "[at]")
        lines.append("%s様 自宅 %s 連絡用 %s" % (p.name, written, mail))
        L.phone(written)
        L.email(p.mail)
    text = "町内会長各位\n\n総会の出欠確認のため、下記の方へご連絡ください。\n\n%s\n\n以上\n" % "\n".join(lines)
    rc = [EXT[6]]
    m = new_mail("p16", S_CITY2, rc, "総会出欠確認のお願い")
    m.set_content(body_with_sig(text, S_CITY2))
    return Msg("p16-text-landline-forms", "personal/text", S_CITY2, rc, L, finish(m, "p16"))


def p_mynumber_csv(ox):
    yield
    ppl, rng = crowd(117, 12)
    L = Labels()
    rows = []
    for i, p in enumerate(ppl):
        mn = my_number(rng)
        rows.append([str(1000 + i), p.name, p.birth, mn])
        L.name(p.name)
        L.add("my_number", mn)
    rc = ["payroll@bpo.example.com"]
    m = new_mail("p17", S_CORP2, rc, "年末調整用データ")
    m.set_content(body_with_sig("ご担当者様\n\n年末調整用の個人番号データを送付します。\n", S_CORP2))
    attach(m, csv_bytes(["社員番号", "氏名", "生年月日", "個人番号"], rows), "text/csv", "kojin_bango.csv")
    return Msg("p17-mynumber-csv", "personal/my-number", S_CORP2, rc, L, finish(m, "p17"))


def p_mynumber_xlsx(ox):
    ppl, rng = crowd(118, 10)
    L = Labels()
    rows = [["氏名", "続柄", "マイナンバー"]]
    for i, p in enumerate(ppl):
        mn = my_number(rng)
        shown = mn if i % 2 else "%s %s %s" % (mn[:4], mn[4:8], mn[8:])
        rows.append([p.name, rng.choice(["本人", "配偶者", "子"]), shown])
        L.name(p.name)
        L.add("my_number", mn)
    key = ox.add("p18", fods([("扶養控除", rows)]), "xlsx")
    yield
    rc = ["zeimu@tax.example.jp"]
    m = new_mail("p18", S_CORP2, rc, "扶養控除等申告書 データ")
    m.set_content(body_with_sig("税理士事務所 御中\n\n扶養控除のデータ（マイナンバー含む）です。\n", S_CORP2))
    attach(m, ox.get(key), XLSX, "扶養控除.xlsx")
    return Msg("p18-mynumber-xlsx", "personal/my-number", S_CORP2, rc, L, finish(m, "p18"))


def p_cards(ox):
    yield
    ppl, rng = crowd(119, 10)
    L = Labels()
    rows = []
    for i, p in enumerate(ppl):
        cn = card_number(rng)
        shown = [cn, "-".join(cn[j:j + 4] for j in range(0, 16, 4)),
                 " ".join(cn[j:j + 4] for j in range(0, 16, 4))][i % 3]
        rows.append(["M%06d" % rng.randint(0, 999999), p.name, shown,
                     "%02d/%02d" % (rng.randint(1, 12), rng.randint(27, 31))])
        L.name(p.name)
        L.add("payment_card", cn)
    rc = ["billing@pay.example.com"]
    m = new_mail("p19", S_CORP, rc, "継続課金 会員データ")
    m.set_content(body_with_sig("決済代行 ご担当者様\n\n継続課金の会員データです。\n", S_CORP))
    attach(m, csv_bytes(["会員番号", "氏名", "カード番号", "有効期限"], rows), "text/csv", "members.csv")
    return Msg("p19-cards-csv", "personal/payment-card", S_CORP, rc, L, finish(m, "p19"))


def p_postal_text(ox):
    yield
    ppl, rng = crowd(120, 12)
    L = Labels()
    lines = []
    for i, p in enumerate(ppl):
        if i % 3 == 0:
            lines.append("〒%s %s　%s 様" % (fw(p.postcode), fw(p.address), p.name))
        elif i % 3 == 1:
            lines.append("〒%s\n%s\n%s 様" % (p.postcode, p.address, p.name))
        else:
            lines.append("%s　〒%s　%s" % (p.name, p.postcode, p.address))
        L.add("postal_jp", p.postal_label)
    text = "印刷会社 ご担当者様\n\n挨拶状の宛先（１２件）です。宛名印刷をお願いします。\n\n%s\n" % "\n\n".join(lines)
    rc = ["print@printing.example.jp"]
    raw = raw_iso2022jp("p20", S_CORP, rc, "挨拶状 宛名リスト", body_with_sig(text, S_CORP))
    return Msg("p20-postal-text", "personal/postal", S_CORP, rc, L, raw)


def p_bank_csv(ox):
    yield
    ppl, rng = crowd(121, 12)
    L = Labels()
    rows = []
    for i, p in enumerate(ppl):
        bank, branch = rng.choice(BANKS), rng.choice(BRANCHES)
        acct = "%07d" % rng.randint(1000000, 9999999)
        rows.append([str(i + 1), p.kana, bank[0], branch[0], "普通", acct,
                     "{:,}".format(rng.randint(10, 300) * 1000)])
        L.name(p.kana)
        L.add("bank_account_jp", acct)
    rc = ["furikomi@bank-bpo.example.com"]
    m = new_mail("p21", S_CORP2, rc, "11月分 振込依頼")
    m.set_content(body_with_sig("ご担当者様\n\n11月分の振込先一覧です。振込日は2026年11月30日です。\n", S_CORP2))
    attach(m, csv_bytes(["No", "受取人氏名（カナ）", "銀行名", "支店名", "預金種目", "口座番号", "振込金額"], rows),
           "text/csv", "振込先一覧.csv")
    return Msg("p21-bank-transfer-csv", "personal/bank-account", S_CORP2, rc, L, finish(m, "p21"))


def p_internal(ox):
    yield
    ppl, rng = crowd(122, 20)
    L = Labels()
    rows = []
    for p in ppl:
        rows.append([p.name, p.phone, p.mail, "〒%s %s" % (p.postcode, p.address)])
        L.person(p)
    rc = ["ichiro.suzuki@" + CITY, "bousai@kikikanri." + CITY]
    m = new_mail("p22", S_CITY, rc, "避難所運営協力者名簿（庁内限り）")
    m.set_content(body_with_sig("鈴木さん\n\n庁内限りの名簿です。外部には送らないでください。\n", S_CITY))
    attach(m, csv_bytes(["氏名", "電話番号", "メールアドレス", "住所"], rows), "text/csv", "協力者名簿.csv")
    return Msg("p22-internal-csv", "personal/internal", S_CITY, rc, L, finish(m, "p22"))


def p_html_attachment(ox):
    yield
    ppl, rng = crowd(123, 16)
    L = Labels()
    trs = []
    for p in ppl:
        trs.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
                   % (p.roman, rng.choice(["Tokyo", "Osaka", "Nagoya"]), p.phone, p.mail))
        L.name(p.roman)
        L.phone(p.phone)
        L.email(p.mail)
    html = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Attendees</title></head><body>"
            "<h1>Attendees</h1><table><thead><tr><th>Full Name</th><th>Office</th><th>Phone</th>"
            "<th>E-mail</th></tr></thead><tbody>\n%s\n</tbody></table></body></html>\n" % "\n".join(trs))
    rc = ["events@venue.example.com"]
    m = new_mail("p23", S_SOFT, rc, "Attendee list for the venue")
    m.set_content(body_with_sig("Hi,\n\nThe attendee list is attached (HTML export from our CRM).\n", S_SOFT))
    attach(m, html.encode("utf-8"), "text/html", "attendees.html")
    return Msg("p23-html-attachment", "personal/html-attachment", S_SOFT, rc, L, finish(m, "p23"))


INTL = [("Oliver Smith", "+44 20 7946 0958"), ("Amelia Jones", "+44 161 496 0734"),
        ("Jacob Brown", "+1 212-555-0187"), ("Sophia Miller", "+1 (415) 555-0123"),
        ("Liam Wilson", "+61 491 570 156"), ("Chloe Taylor", "+61 2 5550 1234"),
        ("Lukas Becker", "+49 30 12345678"), ("Mia Schneider", "+49 89 2345 6789"),
        ("Wei Ling Tan", "+65 6123 4567"), ("Chen Jia Hui", "+65 9123 4567"),
        ("Noah Davis", "+1 646 555 0199"), ("Isla Evans", "+44 117 496 0123")]


def p_intl_xlsx(ox):
    L = Labels()
    rows = [["Name", "Country", "Phone", "Email"]]
    for i, (n, ph) in enumerate(INTL):
        ma = "%s@%s" % (n.lower().replace(" ", "."), ["example.com", "example.jp"][i % 2])
        rows.append([n, ph.split()[0], ph, ma])
        L.name(n)
        L.intl(ph)
        L.email(ma)
    key = ox.add("p24", fods([("Contacts", rows)]), "xlsx")
    yield
    rc = ["partners@global.example.com"]
    m = new_mail("p24", S_SOFT, rc, "Partner contacts (EMEA/APAC)")
    m.set_content(body_with_sig("Hi team,\n\nAttached are the partner contacts for Q1 2027.\n", S_SOFT))
    attach(m, ox.get(key), XLSX, "partners.xlsx")
    return Msg("p24-intl-xlsx", "personal/phone-intl", S_SOFT, rc, L, finish(m, "p24"))


def p_sjis_landlines(ox):
    yield
    ppl, rng = crowd(124, 11)
    L = Labels()
    used = set()
    lines = []
    for i, p in enumerate(ppl):
        ph = landline(rng, used)
        lines.append("%s．%s　%s" % (fw(str(i + 1)), p.name, fw(ph)))
        L.phone(ph)
    text = "各位\n\n今年度の自治会長の連絡先一覧（自宅電話）です。\n\n%s\n\n取扱注意\n" % "\n".join(lines)
    rc = [EXT[6]]
    raw = raw_sjis("p25", S_CITY2, rc, "自治会長連絡先", body_with_sig(text, S_CITY2))
    return Msg("p25-sjis-landlines", "personal/text", S_CITY2, rc, L, raw)


def p_docx_text_few(ox):
    ppl, rng = crowd(125, 3)
    L = Labels()
    paras = [("h", "引継ぎメモ"), ("p", "2026年11月20日 作成　文書番号 HK-2026-0118")]
    for p in ppl:
        paras.append(("p", "%sさん（携帯 %s、メール %s）は、12月以降の窓口です。" % (p.name, p.phone, p.mail)))
        L.person(p, name=False, postal=False)
    key = ox.add("p26", fodt(paras), "docx")
    yield
    rc = [EXT[2]]
    m = new_mail("p26", S_CORP, rc, "引継ぎメモ")
    m.set_content(body_with_sig("ご担当者様\n\n引継ぎメモを添付します。\n", S_CORP))
    attach(m, ox.get(key), DOCX, "引継ぎメモ.docx")
    return Msg("p26-docx-text-3", "personal/docx-few", S_CORP, rc, L, finish(m, "p26"))


def p_pdf_text(ox):
    ppl, rng = crowd(126, 5)
    L = Labels()
    paras = [("h", "苦情対応記録"), ("p", "受付番号 2026-11-0457　受付日時 2026/11/18 14:22")]
    for p in ppl:
        paras.append(("p", "申出人 %s 様より電話。連絡先 %s、%s。折り返し希望。" % (p.name, p.phone, p.mail)))
        L.person(p, name=False, postal=False)
    key = ox.add("p27", fodt(paras), "pdf")
    yield
    rc = [EXT[7]]
    m = new_mail("p27", S_CORP, rc, "対応記録の共有")
    m.set_content(body_with_sig("ご担当者様\n\n苦情対応記録（PDF）を共有します。\n", S_CORP))
    attach(m, ox.get(key), "application/pdf", "対応記録.pdf")
    return Msg("p27-pdf-text-5", "personal/pdf-text", S_CORP, rc, L, finish(m, "p27"))


def p_customer_one(ox):
    yield
    ppl, rng = crowd(127, 1)
    p = ppl[0]
    L = Labels()
    cn = card_number(rng)
    text = """\
カスタマーサポート ご担当者様

下記のお客様より、二重請求の問い合わせがありました。ご確認ください。

お名前：%s 様
ご住所：〒%s %s
電話番号：%s
メール：%s
カード番号：%s
注文番号：2026112000381　注文日 2026-11-20 21:14
""" % (p.name, p.postcode, p.address, p.phone, p.mail, "-".join(cn[j:j + 4] for j in range(0, 16, 4)))
    L.person(p, name=False)
    L.add("payment_card", cn)
    rc = ["cs@shop.example.com"]
    m = new_mail("p28", S_CORP, rc, "二重請求のお問い合わせ")
    m.set_content(body_with_sig(text, S_CORP))
    return Msg("p28-customer-one", "personal/text-few", S_CORP, rc, L, finish(m, "p28"))


def p_renrakumou(ox):
    yield
    ppl, rng = crowd(128, 10)
    L = Labels()
    used = set()
    lines = ["  順  家庭名          電話番号        備考", "  --  --------------  --------------  ------"]
    for i, p in enumerate(ppl):
        ph = landline(rng, used, ("0276", 2)) if i % 2 else p.phone
        lines.append("  %2d  %-12s  %-14s  %s" % (i + 1, p.sur[0] + "家", ph, rng.choice(["", "夜間のみ", "留守電可"])))
        L.phone(ph)
    text = "保護者各位\n\n3年2組の緊急連絡網です（2026年11月改訂）。\n\n%s\n\n担任：伊藤\n" % "\n".join(lines)
    rc = ["pta@school.example.jp"]
    m = new_mail("p29", S_CITY2, rc, "3年2組 緊急連絡網")
    m.set_content(body_with_sig(text, S_CITY2))
    return Msg("p29-renrakumou-text", "personal/text", S_CITY2, rc, L, finish(m, "p29"))


def p_applicants_ods(ox):
    ppl, rng = crowd(129, 12)
    L = Labels()
    rows = [["受付番号", "氏名", "生年月日", "電話番号", "メールアドレス", "住所"]]
    for i, p in enumerate(ppl):
        rows.append(["A-2026-%04d" % (i + 31), p.name, p.birth, p.phone, p.mail,
                     "〒%s %s" % (p.postcode, p.address)])
        L.person(p)
    key = ox.add("p30", fods([("応募者", rows)]), "ods")
    yield
    rc = ["saiyo@agent.example.com"]
    m = new_mail("p30", S_CORP, rc, "応募者一覧")
    m.set_content(body_with_sig("人材紹介 ご担当者様\n\n一次面接の応募者一覧です。\n", S_CORP))
    attach(m, ox.get(key), ODS, "応募者一覧.ods")
    return Msg("p30-applicants-ods", "personal/ods", S_CORP, rc, L, finish(m, "p30"))


def p_list_with_sig(ox):
    yield
    ppl, rng = crowd(130, 10)
    L = Labels()
    lines = []
    for i, p in enumerate(ppl):
        lines.append("%d. %s  %s  %s" % (i + 1, p.name, p.phone, p.mail))
        L.person(p, name=False, postal=False)
    text = "各位\n\n懇親会の参加者（10名）です。幹事は私、高橋が務めます。\n\n%s\n" % "\n".join(lines)
    rc = [EXT[1], EXT[3]]
    m = new_mail("p31", S_CORP, rc, "懇親会参加者")
    m.set_content(body_with_sig(text, S_CORP))
    return Msg("p31-text-list-and-signature", "personal/text", S_CORP, rc, L, finish(m, "p31"))


def p_mynumber_text(ox):
    yield
    ppl, rng = crowd(131, 2)
    L = Labels()
    lines = []
    for p in ppl:
        mn = my_number(rng)
        lines.append("%s　個人番号：%s %s %s　電話 %s" % (p.name, mn[:4], mn[4:8], mn[8:], p.phone))
        L.add("my_number", mn)
        L.phone(p.phone)
    text = "社労士事務所 御中\n\n新規入社2名の届出に必要な情報です。\n\n%s\n\n入社日 2026-12-01\n" % "\n".join(lines)
    rc = ["sr@sharoushi.example.jp"]
    m = new_mail("p32", S_CORP2, rc, "資格取得届の件")
    m.set_content(body_with_sig(text, S_CORP2))
    return Msg("p32-mynumber-text-2", "personal/my-number", S_CORP2, rc, L, finish(m, "p32"))


def p_payroll_xlsx(ox):
    ppl, rng = crowd(132, 10)
    L = Labels()
    rows = [["社員番号", "氏名", "銀行名", "支店名", "種別", "口座番号", "支給額"]]
    for i, p in enumerate(ppl):
        bank, branch = rng.choice(BANKS), rng.choice(BRANCHES)
        acct = "%07d" % rng.randint(1000000, 9999999)
        rows.append(["E%05d" % (20100 + i), p.name, bank[0], branch[0], "普通", acct,
                     rng.randint(180, 520) * 1000])
        L.name(p.name)
        L.add("bank_account_jp", acct)
    key = ox.add("p33", fods([("給与振込", rows)]), "xlsx")
    yield
    rc = ["kyuyo@payroll.example.com"]
    m = new_mail("p33", S_CORP2, rc, "12月給与 振込データ")
    m.set_content(body_with_sig("ご担当者様\n\n12月支給分の振込データです。\n", S_CORP2))
    attach(m, ox.get(key), XLSX, "給与振込.xlsx")
    return Msg("p33-payroll-xlsx", "personal/bank-account", S_CORP2, rc, L, finish(m, "p33"))


def p_tsv(ox):
    yield
    ppl, rng = crowd(133, 11)
    L = Labels()
    lines = ["氏名\t生年月日\t電話\t住所"]
    for p in ppl:
        lines.append("%s\t%s\t%s\t〒%s %s" % (p.name, p.birth, p.phone, p.postcode, p.address))
        L.person(p, mail=False)
    rc = ["kenshin@clinic.example.jp"]
    m = new_mail("p34", S_CITY2, rc, "健診対象者リスト")
    m.set_content(body_with_sig("健診センター 御中\n\n対象者リスト（TSV）を送ります。\n", S_CITY2))
    attach(m, ("\r\n".join(lines) + "\r\n").encode("utf-8"), "text/tab-separated-values", "taishosha.tsv")
    return Msg("p34-tsv", "personal/tsv", S_CITY2, rc, L, finish(m, "p34"))


def p_quoted_reply(ox):
    yield
    ppl, rng = crowd(134, 5)
    L = Labels()
    lines = []
    for p in ppl:
        lines.append("> %s %s %s" % (p.name, p.phone, p.mail))
        L.person(p, name=False, postal=False)
    text = """\
石井様

承知しました。下記5名で登録します。

2026年11月20日(金) 10:02 Yuki Ishii <y.ishii@example.ne.jp>:
> 高橋様
>
> 研修の参加者です。
>
%s
>
> よろしくお願いします。
""" % "\n".join(lines)
    rc = [EXT[3]]
    m = new_mail("p35", S_CORP, rc, "Re: 研修参加者")
    m.set_content(body_with_sig(text, S_CORP), cte="quoted-printable")
    return Msg("p35-qp-quoted-reply", "personal/text", S_CORP, rc, L, finish(m, "p35"))


def p_ods_names_mails(ox):
    ppl, rng = crowd(135, 25)
    L = Labels()
    rows = [["Name", "Email", "Session"]]
    for p in ppl:
        rows.append([p.roman, p.mail, rng.choice(["A", "B", "C"])])
        L.name(p.roman)
        L.email(p.mail)
    key = ox.add("p36", fods([("Registrations", rows)]), "ods")
    yield
    rc = ["seminar@events.example.com"]
    m = new_mail("p36", S_SOFT, rc, "Seminar registrations")
    m.set_content(body_with_sig("Hi,\n\nRegistrations so far (25).\n", S_SOFT))
    attach(m, ox.get(key), ODS, "registrations.ods")
    return Msg("p36-ods-names-mails", "personal/ods", S_SOFT, rc, L, finish(m, "p36"))


def p_cards_text(ox):
    yield
    ppl, rng = crowd(136, 3)
    L = Labels()
    lines = []
    for p in ppl:
        cn = card_number(rng)
        lines.append("%s様 カード番号 %s（有効期限 %02d/%02d）" % (p.name, " ".join(cn[j:j + 4] for j in range(0, 16, 4)),
                                                      rng.randint(1, 12), rng.randint(27, 31)))
        L.add("payment_card", cn)
    text = "決済代行 ご担当者様\n\n返金処理をお願いします。\n\n%s\n\n返金額 合計 38,940円\n" % "\n".join(lines)
    rc = ["billing@pay.example.com"]
    m = new_mail("p37", S_CORP, rc, "返金処理のお願い")
    m.set_content(body_with_sig(text, S_CORP))
    return Msg("p37-cards-text-3", "personal/payment-card", S_CORP, rc, L, finish(m, "p37"))


def p_csv_fullwidth(ox):
    yield
    ppl, rng = crowd(137, 15)
    L = Labels()
    rows = []
    for p in ppl:
        rows.append([p.name, fw(p.phone), fw(p.mail, letters=True), "〒%s %s" % (fw(p.postcode), fw(p.address))])
        L.person(p)
    rc = [EXT[2]]
    m = new_mail("p38", S_CITY, rc, "説明会申込者")
    m.set_content(body_with_sig("ご担当者様\n\n申込者一覧（全角で入力されたまま）です。\n", S_CITY))
    attach(m, csv_bytes(["氏名", "電話番号", "メールアドレス", "住所"], rows), "application/octet-stream", "申込者.csv")
    return Msg("p38-csv-fullwidth", "personal/csv-cp932", S_CITY, rc, L, finish(m, "p38"))


def p_eml_in_zip(ox):
    yield
    ppl, rng = crowd(138, 10)
    L = Labels()
    lines = []
    for p in ppl:
        lines.append("%s　%s　%s" % (p.name, p.phone, p.mail))
        L.person(p, name=False, postal=False)
    inner = EmailMessage(policy=POLICY)
    inner["From"] = S_CITY.addr
    inner["To"] = "kanri@" + CITY
    inner["Subject"] = "相談窓口 利用者"
    inner["Date"] = "Tue, 10 Nov 2026 09:00:00 +0900"
    inner["Message-ID"] = "<inner-p39@city.example.jp>"
    inner.set_content("管理係 御中\n\n利用者の連絡先です。\n\n%s\n" % "\n".join(lines))
    rc = [EXT[7]]
    m = new_mail("p39", S_CITY, rc, "保存メール一式")
    m.set_content(body_with_sig("システム移行用に、保存メールをzipで送ります。\n", S_CITY))
    attach(m, zip_of([("mails/0001.eml", inner.as_bytes())]), "application/zip", "mails.zip")
    L.email("kanri@" + CITY)
    return Msg("p39-eml-in-zip", "personal/eml-in-zip", S_CITY, rc, L, finish(m, "p39"))


def p_nine_values(ox):
    yield
    ppl, rng = crowd(139, 5)
    L = Labels()
    lines = []
    for i, p in enumerate(ppl):
        if i < 4:
            lines.append("%s：%s／%s" % (p.name, p.phone, p.mail))
            L.person(p, name=False, postal=False)
        else:
            lines.append("%s：%s" % (p.name, p.mail))
            L.email(p.mail)
    text = "ご担当者様\n\n当日の受付担当5名です（9件）。\n\n%s\n" % "\n".join(lines)
    rc = [EXT[0]]
    raw = raw_iso2022jp("p40", S_CITY, rc, "受付担当", body_with_sig(text, S_CITY))
    return Msg("p40-text-nine-values", "personal/text-few", S_CITY, rc, L, raw)


PERSONAL_BUILDERS = [p_csv_cp932, p_csv_utf8_bom, p_xlsx, p_docx, p_ods, p_odt, p_pdf, p_html_body,
                     p_zip_csv, p_zip_in_zip, p_forward, p_text_fw_few, p_text_plus81,
                     p_text_fw_nine, p_text_english_intl, p_text_paren, p_mynumber_csv,
                     p_mynumber_xlsx, p_cards, p_postal_text, p_bank_csv, p_internal,
                     p_html_attachment, p_intl_xlsx, p_sjis_landlines, p_docx_text_few,
                     p_pdf_text, p_customer_one, p_renrakumou, p_applicants_ods, p_list_with_sig,
                     p_mynumber_text, p_payroll_xlsx, p_tsv, p_quoted_reply, p_ods_names_mails,
                     p_cards_text, p_csv_fullwidth, p_eml_in_zip, p_nine_values]


# ============================================================================= benign messages
# Business mail without personal data beyond a few legitimate values (labelled): dense with
# dates, times, amounts, document, order and part numbers that are not phone numbers.

def yen(n):
    return "{:,}".format(n)


def part_no(rng):
    """Part numbers shaped like phone fragments but never a whole phone number (wrong length)."""
    return rng.choice(["03-%04d-%02d" % (rng.randint(1000, 9999), rng.randint(0, 99)),
                       "090-%03d" % rng.randint(100, 999),
                       "0120-%02d-%03d" % (rng.randint(10, 99), rng.randint(0, 999)),
                       "06-%04d-%03d" % (rng.randint(1000, 9999), rng.randint(0, 999)),
                       "K%d-%04d" % (rng.randint(1, 9), rng.randint(0, 9999)),
                       "%02d-%03d-%02d" % (rng.randint(10, 99), rng.randint(0, 999), rng.randint(0, 99))])


def order_no(rng):
    """Order numbers of 10-13 digits: leading 1-9, or the zero-padded "000..." kind."""
    n = rng.randint(10, 13)
    if rng.random() < 0.25:
        return "000" + "".join(str(rng.randint(0, 9)) for _ in range(n - 3))
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def date(rng, fmt=0):
    y, m, d = 2026, rng.randint(1, 12), rng.randint(1, 28)
    return ["%d-%02d-%02d" % (y, m, d), "%d/%02d/%02d" % (y, m, d), "%d年%d月%d日" % (y, m, d),
            "令和8年%d月%d日" % (m, d)][fmt]


def hhmm(rng):
    return "%02d:%02d" % (rng.randint(8, 19), rng.choice([0, 15, 30, 45]))


def ip(rng):
    return rng.choice(["192.0.2.%d", "198.51.100.%d", "203.0.113.%d", "10.20.30.%d"]) % rng.randint(1, 254)


def ts(rng):
    return "2026-11-%02dT%02d:%02d:%02d.%03d+09:00" % (rng.randint(1, 27), rng.randint(0, 23),
                                                    rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999))


def corp_label(L, cn):
    L.add("corporate_number", cn)
    return cn


def b_invoice(ox):
    yield
    rng = random.Random(201)
    L = Labels()
    cn = corp_label(L, corporate_number(rng))
    lines, total = [], 0
    for i in range(14):
        q, u = rng.randint(1, 200), rng.randint(80, 98000)
        total += q * u
        lines.append("%2d  %-13s  %-22s %5d  %9s  %12s" % (i + 1, part_no(rng), rng.choice(
            ["LANケーブル 3m", "トナー CRG-046", "A4コピー用紙 5000枚", "USBメモリ 64GB", "保守作業費",
             "ラベルプリンタ用テープ", "無停電電源装置", "HDD 4TB"]), q, yen(u), yen(q * u)))
    tax = total // 10
    text = """\
見本パートナーズ株式会社
経理部 御中

いつもお世話になっております。下記のとおりご請求申し上げます。

請求書番号：INV-2026-11-00482
請求日　　：2026年11月27日
お支払期限：2026年12月31日
登録番号　：T%s
受付番号　：0312-3456-78（お問い合わせの際にお伝えください）

No  品番           品名                    数量       単価          金額
%s

小計　　　　　　　　%s円
消費税（10%%）　　　%s円
ご請求金額　　　　　%s円

お振込先：見本第一銀行 本店 普通 3456712 ミホンシヨウジ（カ
※振込手数料は貴社にてご負担ください。
""" % (cn, "\n".join(lines), yen(total), yen(tax), yen(total + tax))
    L.add("bank_account_jp", "3456712")
    rc = [EXT[0]]
    m = new_mail("b01", S_CORP2, rc, "請求書送付のご案内（INV-2026-11-00482）")
    m.set_content(body_with_sig(text, S_CORP2))
    return Msg("b01-invoice-text", "benign/invoice", S_CORP2, rc, L, finish(m, "b01"))


def b_quote_xlsx(ox):
    rng = random.Random(202)
    L = Labels()
    rows = [["No.", "品番", "JANコード", "品名", "数量", "単価", "金額", "納期"]]
    for i in range(40):
        q, u = rng.randint(1, 500), rng.randint(120, 250000)
        rows.append([i + 1, part_no(rng), jan13(rng), rng.choice(["防災用保存水 2L×6", "非常食セット",
                     "簡易トイレ 50回分", "LEDランタン", "毛布（圧縮）", "発電機 1.6kVA"]), q, u, q * u, date(rng, 1)])
    key = ox.add("b02", fods([("見積", rows), ("条件", [["見積番号", "Q-2026-1127-015"], ["有効期限", "2026-12-26"],
                                                      ["支払条件", "月末締め翌月末払い"]])]), "xlsx")
    yield
    rc = [EXT[2]]
    m = new_mail("b02", S_CORP, rc, "お見積書（Q-2026-1127-015）")
    m.set_content(body_with_sig("ご担当者様\n\nお見積書をお送りします。有効期限は2026-12-26です。\n", S_CORP))
    attach(m, ox.get(key), XLSX, "見積書_Q-2026-1127-015.xlsx")
    return Msg("b02-quote-xlsx", "benign/quote", S_CORP, rc, L, finish(m, "b02"))


def b_minutes_text(ox):
    yield
    rng = random.Random(203)
    items = []
    for i in range(12):
        items.append("%d. 文書番号 見本市総第%d号（%s起案）：%s %s～%s、予算 %s千円、進捗 %d%%"
                     % (i + 1, rng.randint(100, 9999), date(rng, 3), date(rng, 0), hhmm(rng), hhmm(rng),
                        yen(rng.randint(100, 90000)), rng.randint(0, 100)))
    text = """\
関係各位

第14回 庁内DX推進会議の議事録です。

日時：2026年11月26日（木）14:00～16:30
場所：本庁舎 第3会議室（内線 3301）
出席：佐藤課長、鈴木主査、田中主任、山本、伊藤（敬称略）
資料：資料1-1～1-4、参考資料2（2026-11-20版 v1.3.2）

議題と決定事項
%s

次回：2026年12月17日（木）10:00～12:00
""" % "\n".join(items)
    rc = ["dx@consult.example.com"]
    m = new_mail("b03", S_CITY, rc, "【議事録】第14回 庁内DX推進会議")
    m.set_content(body_with_sig(text, S_CITY))
    return Msg("b03-minutes-text", "benign/minutes", S_CITY, rc, Labels(), finish(m, "b03"))


def b_minutes_docx(ox):
    rng = random.Random(204)
    L = Labels()
    ppl, _ = crowd(2041, 6)
    rows = [["氏名", "所属", "役職"]]
    for p in ppl:
        rows.append([p.name, rng.choice(["企画課", "財政課", "情報政策課"]), rng.choice(["課長", "係長", "主事"])])
        L.name(p.name)
    agenda = [("p", "%d. 案件番号 %s-%04d：%s %s 開始、見積額 %s円（税込）" % (
        i + 1, rng.choice(["PJ", "CR", "RFP"]), rng.randint(1, 9999), date(rng, 2), hhmm(rng),
        yen(rng.randint(10000, 99999999)))) for i in range(10)]
    key = ox.add("b04", fodt([("h", "定例会議 議事録（2026-11-26）"), ("p", "出席者")] + [("table", rows)] + agenda), "docx")
    yield
    rc = [EXT[2]]
    m = new_mail("b04", S_CITY, rc, "定例会議 議事録")
    m.set_content(body_with_sig("ご担当者様\n\n議事録を送付します。\n", S_CITY))
    attach(m, ox.get(key), DOCX, "議事録_20261126.docx")
    return Msg("b04-minutes-docx-6-names", "benign/minutes", S_CITY, rc, L, finish(m, "b04"))


def b_access_log(ox):
    yield
    rng = random.Random(205)
    lines = []
    for i in range(400):
        lines.append('%s - - [27/Nov/2026:%02d:%02d:%02d +0900] "%s /api/v2/orders/%s?page=%d HTTP/1.1" %d %d '
                     '%.3f "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.6778.86" req_id=%016x'
                     % (ip(rng), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                        rng.choice(["GET", "POST"]), order_no(rng), rng.randint(1, 40),
                        rng.choice([200, 200, 200, 304, 404, 500]), rng.randint(200, 90000),
                        rng.random() * 3, rng.getrandbits(64)))
    rc = [EXT[7]]
    m = new_mail("b05", S_SOFT, rc, "access.log around the 502s")
    m.set_content(body_with_sig("Hi,\n\nThe access log from 2026-11-27 is attached (400 lines).\n", S_SOFT))
    attach(m, ("\n".join(lines) + "\n").encode(), "text/plain", "access.log")
    return Msg("b05-access-log", "benign/log", S_SOFT, rc, Labels(), finish(m, "b05"))


def b_syslog_body(ox):
    yield
    rng = random.Random(206)
    lines = []
    for i in range(80):
        lines.append("Nov 27 %02d:%02d:%02d app%02d kernel: [%d.%06d] eth0: link up, 1000Mbps, full-duplex, "
                     "lpa 0x%04X pid=%d seq=%d" % (rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                                                    rng.randint(1, 12), rng.randint(10000, 9999999),
                                                    rng.randint(0, 999999), rng.getrandbits(16),
                                                    rng.randint(100, 65535), rng.randint(1000000000, 9999999999)))
    text = "Team,\n\nJournal excerpt from the outage (UTC+9):\n\n%s\n\nRegards,\nDaiki\n" % "\n".join(lines)
    rc = [EXT[7]]
    m = new_mail("b06", S_SOFT, rc, "Outage 2026-11-27: kernel log")
    m.set_content(body_with_sig(text, S_SOFT))
    return Msg("b06-syslog-body", "benign/log", S_SOFT, rc, Labels(), finish(m, "b06"))


C_SOURCE = r"""/* crc_table.c - table-driven CRC-32 and a few test vectors (build 2026.11.27-r4812) */
#include <stdint.h>
#include <stdio.h>

#define POLY 0xEDB88320u
#define BUF_MAX 1048576
#define TIMEOUT_MS 30000
#define MAGIC 0x0901234567ULL	/* file magic, not a number to call */

static const uint32_t vectors[][2] = {
	{ 0x00000000u, 0x00000000u }, { 0x31323334u, 0x9BE3E0A3u },
	{ 0x03123456u, 0x7F8E9D0Cu }, { 0x09012345u, 0x1C291CA3u },
};

static const long long limits[] = { 2147483647LL, 4294967295LL, 9007199254740991LL,
	1000000007LL, 998244353LL, 31415926535LL, 27182818284LL };

uint32_t crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (POLY & (0u - (c & 1u)));
	}
	return ~c;
}

int main(void)
{
	/* 2026-11-27 10:15:30: reproduced with 0755 files and umask 022 */
	printf("%08x %lld\n", crc32((const unsigned char *)"123456789", 9), limits[3]);
	printf("version %d.%d.%d (%s)\n", 3, 12, 4, "0.9.12-rc3");
	return 0;
}
"""

PY_SOURCE = r'''"""billing.py - monthly billing batch (v2.14.3, 2026-11-27)."""
import datetime
import decimal

RATE = decimal.Decimal("0.10")
CUTOFF = datetime.datetime(2026, 11, 30, 23, 59, 59)
ORDER_IDS = [2026112700001, 2026112700002, 2026112700417, 1234567890, 9876543210123]
EPOCHS = [1795740930, 1795827330, 1764201600]
PART_CODES = ["03-1234-56", "090-123", "0120-45-678", "06-5555-012"]
JAN = ["4901234567894", "4512345678901", "4987654321098"]


def total(lines):
    """Sum of the line amounts with tax, rounded down to yen: 1,234,567 -> 1,358,023."""
    s = sum(decimal.Decimal(q) * decimal.Decimal(u) for q, u in lines)
    return int((s * (1 + RATE)).to_integral_value(rounding=decimal.ROUND_DOWN))


if __name__ == "__main__":
    print(total([(3, 411522), (1, 1)]), CUTOFF.isoformat(), "192.0.2.15:8443")
'''


def b_c_source(ox):
    yield
    rc = [EXT[7]]
    m = new_mail("b07", S_SOFT, rc, "crc_table.c for review")
    m.set_content(body_with_sig("Hi,\n\nThe CRC code we discussed (see the vectors at line 12).\n", S_SOFT))
    attach(m, C_SOURCE.encode(), "text/x-csrc", "crc_table.c")
    return Msg("b07-c-source", "benign/source", S_SOFT, rc, Labels(), finish(m, "b07"))


def b_py_source_body(ox):
    yield
    rc = [EXT[7]]
    m = new_mail("b08", S_SOFT, rc, "billing.py fix")
    m.set_content(body_with_sig("Hi,\n\nHere is the patched batch, inline:\n\n" + PY_SOURCE, S_SOFT))
    return Msg("b08-python-source", "benign/source", S_SOFT, rc, Labels(), finish(m, "b08"))


def b_newsletter_en(ox):
    yield
    rng = random.Random(209)
    items = []
    for i in range(8):
        items.append("* %s - release %d.%d.%d: %d fixes, build %s, %s downloads, up %.1f%% since %s"
                     % (rng.choice(["Core", "Agent", "Console", "SDK"]), rng.randint(1, 9), rng.randint(0, 30),
                        rng.randint(0, 20), rng.randint(3, 90), order_no(rng), yen(rng.randint(1000, 9999999)),
                        rng.random() * 40, date(rng, 0)))
    text = """\
SAMPLE SOFT NEWSLETTER - November 2026 (No. 117)

What's new
%s

Events: Tokyo meetup 2026-12-09 19:00-21:00, Osaka 2026-12-16 19:00-21:00.
Maintenance window: 2026-12-05 01:00-05:00 JST (UTC 2026-12-04 16:00-20:00).
""" % "\n".join(items)
    sender = Sender("Sample Soft News", "news@" + SOFT, [
        "Sample Soft Inc. Developer Relations", "9-9-9 Shibuya, Shibuya-ku, Tokyo 150-0002",
        "Tel +81 3-6820-5500", "news@" + SOFT])
    rc = ["list@lists.example.com"]
    m = new_mail("b09", sender, rc, "Sample Soft Newsletter No. 117")
    m.set_content(body_with_sig(text, sender))
    return Msg("b09-newsletter-en", "benign/newsletter", sender, rc, Labels(), finish(m, "b09"))


def b_newsletter_ja(ox):
    yield
    rng = random.Random(210)
    items = []
    for i in range(8):
        items.append("■%s：%s %s～ 参加費 %s円（税込）定員 %d名 申込番号 %s"
                     % (rng.choice(["新製品発表会", "防災セミナー", "決算説明会", "工場見学"]), date(rng, 2), hhmm(rng),
                        yen(rng.randint(0, 30) * 500), rng.randint(10, 300), order_no(rng)))
    text = "見本商事 メールマガジン 2026年11月号（第238号）\n\n%s\n\n株価：1,234円（前日比 +12円、+0.98%%）\n" % "\n".join(items)
    html = "<html><body><h2>見本商事 メールマガジン</h2>%s</body></html>" % "".join("<p>%s</p>" % escape(i) for i in items)
    rc = ["members@lists.example.jp"]
    m = new_mail("b10", S_NEWS, rc, "見本商事メールマガジン 11月号")
    m.set_content(body_with_sig(text, S_NEWS))
    m.add_alternative(html, subtype="html")
    return Msg("b10-newsletter-ja", "benign/newsletter", S_NEWS, rc, Labels(), finish(m, "b10"))


def b_purchase_order(ox):
    yield
    rng = random.Random(211)
    lines = []
    for i in range(20):
        q = rng.randint(1, 99)
        lines.append("%s  JAN %s  品番 %-12s  数量 %3d  単価 %8s  受注番号 %s  納期 %s"
                     % ("%02d" % (i + 1), jan13(rng), part_no(rng), q, yen(rng.randint(100, 99999)),
                        order_no(rng), date(rng, 1)))
    text = "株式会社エグザンプル 御中\n\n注文書 PO-20261127-0042\n\n%s\n\n合計 2,468,013円\n" % "\n".join(lines)
    rc = [EXT[4]]
    m = new_mail("b11", S_CORP, rc, "注文書 PO-20261127-0042")
    m.set_content(body_with_sig(text, S_CORP))
    return Msg("b11-purchase-order", "benign/order", S_CORP, rc, Labels(), finish(m, "b11"))


def b_shipping(ox):
    yield
    rng = random.Random(212)
    lines = []
    for i in range(15):
        tr = "%04d-%04d-%04d" % (rng.randint(1000, 9999), rng.randint(0, 9999), rng.randint(0, 9999))
        lines.append("伝票番号 %s　出荷日 %s　到着予定 %s %s　個数 %d　重量 %.1fkg"
                     % (tr if i % 2 else tr.replace("-", ""), date(rng, 1), date(rng, 1),
                        rng.choice(["午前中", "14-16時", "16-18時", "18-20時"]), rng.randint(1, 20), rng.random() * 30))
    text = "ご担当者様\n\n本日の出荷分（15件）の送り状番号です。\n\n%s\n" % "\n".join(lines)
    rc = [EXT[2]]
    m = new_mail("b12", S_CORP, rc, "出荷のお知らせ")
    m.set_content(body_with_sig(text, S_CORP))
    return Msg("b12-shipping-tracking-12digit", "benign/order", S_CORP, rc, Labels(), finish(m, "b12"))


def b_isbn_csv(ox):
    yield
    rng = random.Random(213)
    rows = []
    for i in range(30):
        rows.append([rng.choice(["データ分析入門", "行政法概説 第3版", "Python実践ガイド", "地方自治の現在", "会計学の基礎"]),
                     isbn13(rng), yen(rng.randint(8, 60) * 110), str(rng.randint(1, 20)), date(rng, 1)])
    rc = ["order@books.example.jp"]
    m = new_mail("b13", S_CITY, rc, "図書購入リスト")
    m.set_content(body_with_sig("書店 ご担当者様\n\n購入希望図書のリストです。\n", S_CITY))
    attach(m, csv_bytes(["書名", "ISBN", "価格", "冊数", "希望納期"], rows), "text/csv", "図書購入.csv")
    return Msg("b13-isbn-csv", "benign/order", S_CITY, rc, Labels(), finish(m, "b13"))


def b_price_csv(ox):
    yield
    rng = random.Random(214)
    rows = []
    for i in range(60):
        rows.append([part_no(rng), jan13(rng, rng.choice(["49", "45"])), rng.choice(["六角ボルト M8", "ナット M6",
                     "ワッシャー", "配管継手 20A", "ケーブルタイ"]), yen(rng.randint(10, 9999)), str(rng.randint(1, 500) * 10)])
    rc = [EXT[4]]
    m = new_mail("b14", S_CORP, rc, "2027年1月改定 価格表")
    m.set_content(body_with_sig("各位\n\n新価格表（2027-01-01適用）です。\n", S_CORP))
    attach(m, csv_bytes(["品番", "JANコード", "品名", "単価", "最小ロット"], rows), "text/csv", "価格表.csv")
    return Msg("b14-price-list-csv", "benign/quote", S_CORP, rc, Labels(), finish(m, "b14"))


def b_schedule(ox):
    yield
    rng = random.Random(215)
    lines = []
    for d in range(1, 21):
        lines.append("12/%02d（%s） %s～%s 第%d会議室 会議ID %03d %03d %04d 参加者 %d名"
                     % (d, "月火水木金土日"[d % 7], hhmm(rng), hhmm(rng), rng.randint(1, 9), rng.randint(100, 999),
                        rng.randint(100, 999), rng.randint(1000, 9999), rng.randint(2, 40)))
    text = "各位\n\n12月の会議室予約状況です。\n\n%s\n" % "\n".join(lines)
    rc = [EXT[1]]
    raw = raw_iso2022jp("b15", S_CORP, rc, "12月 会議予定", body_with_sig(text, S_CORP))
    return Msg("b15-schedule-iso2022jp", "benign/minutes", S_CORP, rc, Labels(), raw)


def b_financial(ox):
    yield
    rng = random.Random(216)
    lines = []
    for q in ["2025年度 第3四半期", "2025年度 第4四半期", "2026年度 第1四半期", "2026年度 第2四半期"]:
        lines.append("%s：売上高 %s千円（前年同期比 %+.1f%%）、営業利益 %s千円、経常利益 %s千円、EPS %.2f円"
                     % (q, yen(rng.randint(1000000, 99999999)), rng.uniform(-20, 20), yen(rng.randint(10000, 9999999)),
                        yen(rng.randint(10000, 9999999)), rng.uniform(10, 300)))
    text = "IR担当各位\n\n決算数値の速報です（2026-11-13 15:00 公表予定）。\n\n%s\n\n発行済株式数 123,456,789株\n" % "\n".join(lines)
    rc = ["ir@advisor.example.com"]
    m = new_mail("b16", S_CORP2, rc, "決算速報値")
    m.set_content(body_with_sig(text, S_CORP2))
    return Msg("b16-financial", "benign/report", S_CORP2, rc, Labels(), finish(m, "b16"))


def b_change_request(ox):
    yield
    rng = random.Random(217)
    lines = []
    for i in range(20):
        lines.append("host%02d.dc1  %s/24  gw %s  mac 00:1A:2B:%02X:%02X:%02X  port %d  fw %d.%d.%d.%d  serial %s"
                     % (i + 1, ip(rng), ip(rng), rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255),
                        rng.choice([22, 443, 8443, 3306, 5432]), 10, 0, rng.randint(10000, 22631),
                        rng.randint(1000, 9999), order_no(rng)))
    text = "CR-2026-1127-003: firmware upgrade window 2026-12-05 01:00-05:00 JST\n\n%s\n\nRollback: image 7.2.0.1134\n" % "\n".join(lines)
    rc = [EXT[7]]
    m = new_mail("b17", S_SOFT, rc, "CR-2026-1127-003")
    m.set_content(body_with_sig(text, S_SOFT))
    return Msg("b17-change-request", "benign/log", S_SOFT, rc, Labels(), finish(m, "b17"))


def b_timesheet_xlsx(ox):
    rng = random.Random(218)
    rows = [["社員番号", "日付", "出勤", "退勤", "休憩", "実働", "案件コード"]]
    for i in range(60):
        rows.append(["E%05d" % rng.randint(20000, 20099), date(rng, 0), hhmm(rng), hhmm(rng), "1:00",
                     "%d:%02d" % (rng.randint(6, 10), rng.choice([0, 15, 30, 45])), part_no(rng)])
    key = ox.add("b18", fods([("勤怠", rows)]), "xlsx")
    yield
    rc = ["kintai@bpo.example.com"]
    m = new_mail("b18", S_CORP2, rc, "11月 勤怠データ")
    m.set_content(body_with_sig("ご担当者様\n\n11月分の勤怠データです。\n", S_CORP2))
    attach(m, ox.get(key), XLSX, "勤怠_202611.xlsx")
    return Msg("b18-timesheet-xlsx", "benign/report", S_CORP2, rc, Labels(), finish(m, "b18"))


def b_travel(ox):
    yield
    rng = random.Random(219)
    lines = []
    for i in range(12):
        lines.append("%s のぞみ%d号 %s発→%s着 %d号車%d%s席 運賃 %s円 特急料金 %s円"
                     % (date(rng, 1), rng.randint(1, 260), hhmm(rng), hhmm(rng), rng.randint(1, 16),
                        rng.randint(1, 20), "ABCDE"[rng.randint(0, 4)], yen(rng.randint(3000, 15000)), yen(rng.randint(2000, 8000))))
    text = "経費精算（出張旅費）の明細です。精算番号 EX-2026-000917\n\n%s\n\n合計 187,420円\n" % "\n".join(lines)
    rc = ["keihi@bpo.example.com"]
    m = new_mail("b19", S_CORP, rc, "出張旅費精算")
    m.set_content(body_with_sig(text, S_CORP))
    return Msg("b19-travel-expenses", "benign/report", S_CORP, rc, Labels(), finish(m, "b19"))


def b_invoice_en(ox):
    yield
    rng = random.Random(220)
    lines = []
    for i in range(10):
        q, u = rng.randint(1, 50), rng.randint(10, 9000)
        lines.append("%-10s %-28s %4d x USD %8s = USD %10s" % ("SKU-%05d" % rng.randint(0, 99999), rng.choice(
            ["Support hours", "License seat (annual)", "Cloud storage 1TB", "Onboarding"]), q, yen(u), yen(q * u)))
    text = """\
Invoice 2026-INV-00931 (PO 4500123456)
Date: 2026-11-27, due 2026-12-27 (net 30)

%s

Total USD 148,230.00. Bank: Example Bank, SWIFT EXMPJPJT, account ref 2026-931.
""" % "\n".join(lines)
    rc = ["ap@client.example.com"]
    m = new_mail("b20", S_SOFT, rc, "Invoice 2026-INV-00931")
    m.set_content(body_with_sig(text, S_SOFT))
    return Msg("b20-invoice-en", "benign/invoice", S_SOFT, rc, Labels(), finish(m, "b20"))


def b_journal_csv(ox):
    yield
    rng = random.Random(221)
    rows = []
    for i in range(120):
        a = rng.randint(100, 9999999)
        rows.append([date(rng, 1), "%06d" % (i + 1), rng.choice(["1110", "1120", "5110", "6210", "2110"]),
                     rng.choice(["普通預金", "売掛金", "売上高", "旅費交通費", "買掛金"]), str(a), str(a),
                     "伝票 %s" % order_no(rng)])
    rc = ["kansa@audit.example.com"]
    m = new_mail("b21", S_CORP2, rc, "仕訳データ（11月）")
    m.set_content(body_with_sig("監査法人 ご担当者様\n\n仕訳データを送付します。\n", S_CORP2))
    attach(m, csv_bytes(["日付", "伝票番号", "勘定コード", "勘定科目", "借方", "貸方", "摘要"], rows), "text/csv", "shiwake.csv")
    return Msg("b21-journal-csv", "benign/report", S_CORP2, rc, Labels(), finish(m, "b21"))


def b_inventory_xlsx(ox):
    rng = random.Random(222)
    rows = [["ホスト名", "IPアドレス", "機種", "シリアル", "OS", "導入日", "保守期限"]]
    for i in range(50):
        rows.append(["srv-%03d" % i, ip(rng), rng.choice(["PowerEdge R650", "PRIMERGY RX2540", "ThinkSystem SR630"]),
                     order_no(rng), rng.choice(["RHEL 9.4", "Windows Server 2022 (10.0.20348.2849)", "Ubuntu 24.04.1"]),
                     date(rng, 0), date(rng, 1)])
    key = ox.add("b22", fods([("機器台帳", rows)]), "xlsx")
    yield
    rc = [EXT[7]]
    m = new_mail("b22", S_SOFT, rc, "機器台帳 最新版")
    m.set_content(body_with_sig("Hi,\n\nThe inventory as of 2026-11-27.\n", S_SOFT))
    attach(m, ox.get(key), XLSX, "inventory.xlsx")
    return Msg("b22-inventory-xlsx", "benign/report", S_SOFT, rc, Labels(), finish(m, "b22"))


def b_traceback(ox):
    yield
    text = """\
Hi,

The batch failed again at 2026-11-27 03:12:45.118+09:00 (job 2026112703124511):

Traceback (most recent call last):
  File "/opt/billing/venv/lib/python3.11/site-packages/billing/run.py", line 412, in main
    total = compute(order_id=9876543210123, cutoff=1795740930)
  File "/opt/billing/venv/lib/python3.11/site-packages/billing/calc.py", line 88, in compute
    raise ValueError("amount 12,345,678,901 exceeds limit 9,999,999,999 for 0004512378")
ValueError: amount 12,345,678,901 exceeds limit 9,999,999,999 for 0004512378

psycopg 3.2.3, PostgreSQL 16.4 on 203.0.113.25:5432, pid 48213, xid 0x09012345
"""
    rc = [EXT[7]]
    m = new_mail("b23", S_SOFT, rc, "billing batch failure")
    m.set_content(body_with_sig(text, S_SOFT))
    return Msg("b23-traceback", "benign/log", S_SOFT, rc, Labels(), finish(m, "b23"))


def b_sql(ox):
    yield
    rng = random.Random(224)
    vals = ",\n".join("  (%d, '%s', %s, '%s', %d, '%s')" % (
        order_no(rng) and int(order_no(rng)), part_no(rng), yen(rng.randint(1, 999999)).replace(",", ""),
        ts(rng), rng.randint(0, 3), jan13(rng)) for _ in range(40))
    text = "-- dump of orders for ticket #48213\nINSERT INTO orders (id, part, amount, created_at, status, jan) VALUES\n%s;\n" % vals
    rc = [EXT[7]]
    m = new_mail("b24", S_SOFT, rc, "orders dump for #48213")
    m.set_content(body_with_sig("Hi,\n\nDump attached.\n", S_SOFT))
    attach(m, text.encode(), "application/sql", "orders.sql")
    return Msg("b24-sql-dump", "benign/source", S_SOFT, rc, Labels(), finish(m, "b24"))


def b_patch(ox):
    yield
    text = """\
From 3f2a9c1d7e5b4a6f8c0d2e4f6a8b0c1d2e3f4a5b Mon Sep 17 00:00:00 2001
From: Daiki Mori <daiki.mori@dev.example.co.jp>
Date: Fri, 27 Nov 2026 10:15:30 +0900
Subject: [PATCH v3 2/7] parser: accept timestamps like 2026-11-27T10:15:30.123+09:00

Version 1.12.4 rejected 20261127101530 and 1795740930123 (ms epoch).

Signed-off-by: Daiki Mori <daiki.mori@dev.example.co.jp>
---
 src/parse.c | 4 ++--
 1 file changed, 2 insertions(+), 2 deletions(-)

diff --git a/src/parse.c b/src/parse.c
index 0a1b2c3..4d5e6f7 100644
--- a/src/parse.c
+++ b/src/parse.c
@@ -1203,7 +1203,7 @@ static int parse_ts(const char *s)
-	if (len > 13)
+	if (len > 17)
 		return -1;
-	/* 0312345 */
+	/* 0312345-6 */
 	return 0;
 }
--
2.47.1
"""
    rc = ["dev@lists.example.com"]
    m = new_mail("b25", S_SOFT, rc, "[PATCH v3 2/7] parser: accept timestamps")
    m.set_content(text)
    return Msg("b25-git-patch", "benign/source", S_SOFT, rc, Labels(), finish(m, "b25"))


def b_ics(ox):
    yield
    rng = random.Random(226)
    ev = []
    for i in range(10):
        ev.append("BEGIN:VEVENT\r\nUID:%s-%d@corp.example.com\r\nDTSTAMP:20261127T011530Z\r\nDTSTART:202612%02dT%02d0000Z\r\n"
                  "DTEND:202612%02dT%02d3000Z\r\nSUMMARY:定例会 #%d\r\nLOCATION:第%d会議室\r\nSEQUENCE:%d\r\nEND:VEVENT"
                  % (order_no(rng), i, i + 1, rng.randint(0, 9), i + 1, rng.randint(0, 9), i + 1, rng.randint(1, 9), i))
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Calendar 16.0//JA\r\n%s\r\nEND:VCALENDAR\r\n" % "\r\n".join(ev)
    rc = [EXT[1]]
    m = new_mail("b26", S_CORP, rc, "12月 定例会の予定")
    m.set_content(body_with_sig("各位\n\n12月の定例会の予定です。\n", S_CORP))
    attach(m, ics.encode("utf-8"), "text/calendar", "teirei.ics")
    return Msg("b26-ics", "benign/minutes", S_CORP, rc, Labels(), finish(m, "b26"))


def b_catalog_pdf(ox):
    rng = random.Random(227)
    rows = [["型番", "品名", "JAN", "定価", "発売日"]]
    for i in range(30):
        rows.append(["KX-%04d%s" % (rng.randint(0, 9999), rng.choice(["", "-B", "-W"])),
                     rng.choice(["電話機（親機）", "ファクス", "インターホン", "ルーター"]), jan13(rng), "%s円" % yen(rng.randint(30, 900) * 100),
                     date(rng, 1)])
    key = ox.add("b27", fodt([("h", "2027年春 製品カタログ"), ("p", "価格は2027-02-01より適用。"), ("table", rows)]), "pdf")
    yield
    rc = [EXT[4]]
    m = new_mail("b27", S_CORP, rc, "製品カタログ")
    m.set_content(body_with_sig("各位\n\n春の製品カタログ（PDF）です。\n", S_CORP))
    attach(m, ox.get(key), "application/pdf", "catalog.pdf")
    return Msg("b27-catalog-pdf", "benign/quote", S_CORP, rc, Labels(), finish(m, "b27"))


def b_statistics(ox):
    yield
    rng = random.Random(228)
    lines = []
    for i in range(25):
        lines.append("%06d  %-8s 人口 %9s  世帯 %8s  前年比 %+.2f%%  面積 %.2fkm2"
                     % (rng.randint(10000, 479999), rng.choice(["見本市", "架空町", "例示村", "試験市"]) + str(i),
                        yen(rng.randint(1000, 3800000)), yen(rng.randint(500, 1900000)), rng.uniform(-3, 3),
                        rng.uniform(5, 900)))
    text = "統計担当各位\n\n令和8年10月1日現在の推計人口です（団体コード順）。\n\n%s\n" % "\n".join(lines)
    rc = ["toukei@research.example.jp"]
    m = new_mail("b28", S_CITY, rc, "推計人口（令和8年10月1日現在）")
    m.set_content(body_with_sig(text, S_CITY))
    return Msg("b28-statistics", "benign/report", S_CITY, rc, Labels(), finish(m, "b28"))


def b_json(ox):
    yield
    rng = random.Random(229)
    items = ",\n".join('    {"id": %s, "sku": "%s", "jan": "%s", "qty": %d, "price": %d, "updated": "%s", "ip": "%s"}'
                       % (order_no(rng), part_no(rng), jan13(rng), rng.randint(1, 99), rng.randint(100, 999999), ts(rng), ip(rng))
                       for _ in range(40))
    data = '{\n  "version": "2.14.3",\n  "generated": 1795740930,\n  "items": [\n%s\n  ]\n}\n' % items
    rc = [EXT[7]]
    m = new_mail("b29", S_SOFT, rc, "API response sample")
    m.set_content(body_with_sig("Hi,\n\nSample response from /v2/items attached.\n", S_SOFT))
    attach(m, data.encode(), "application/json", "items.json")
    return Msg("b29-json", "benign/source", S_SOFT, rc, Labels(), finish(m, "b29"))


def b_reply_quoted_sig(ox):
    yield
    L = Labels()
    text = """\
石井様

ご連絡ありがとうございます。12月3日（木）15:00～16:00で承知しました。
見積番号 Q-2026-1127-015 の件も当日ご説明します。

> 2026/11/26 18:02、石井 由紀 <y.ishii@example.ne.jp> のメール:
> 高橋様
> 打合せは12月3日15時からでいかがでしょうか。
>
> ----
> 株式会社エグザンプル 購買部 石井 由紀
> TEL 045-671-2233 / FAX 045-671-2234
"""
    L.phone("045-671-2233")
    L.phone("045-671-2234")
    rc = [EXT[3]]
    m = new_mail("b30", S_CORP, rc, "Re: 打合せ日程")
    m.set_content(body_with_sig(text, S_CORP))
    return Msg("b30-reply-quoted-signature", "benign/reply", S_CORP, rc, L, finish(m, "b30"))


def b_sensor_csv(ox):
    yield
    rng = random.Random(231)
    rows = []
    for i in range(300):
        rows.append([ts(rng), "SN%s" % order_no(rng), "%.2f" % rng.uniform(-10, 40), "%.1f" % rng.uniform(10, 99),
                     str(rng.randint(980, 1040)), "0x%08X" % rng.getrandbits(32)])
    rc = [EXT[7]]
    m = new_mail("b31", S_SOFT, rc, "Sensor readings 2026-11")
    m.set_content(body_with_sig("Hi,\n\nReadings from the pilot site.\n", S_SOFT))
    attach(m, csv_bytes(["timestamp", "device", "temp_c", "humidity", "pressure_hpa", "status"], rows, enc="utf-8"),
           "text/csv", "readings.csv")
    return Msg("b31-sensor-csv", "benign/log", S_SOFT, rc, Labels(), finish(m, "b31"))


def b_press_release(ox):
    yield
    L = Labels()
    text = """\
FOR IMMEDIATE RELEASE - Tokyo, 2026-11-27

Sample Soft Inc. (TSE: 9999) today announced version 5.0 of its platform, with 1,250,000
active installations in 42 countries and revenue of JPY 12,345,678,000 (FY2026 forecast).

Media contact: Corporate Communications, press@dev.example.co.jp, +81 3-6820-5590
"""
    L.email("press@" + SOFT)
    L.phone("+81 3-6820-5590")
    rc = ["newsdesk@media.example.com"]
    m = new_mail("b32", S_SOFT, rc, "Press release: platform 5.0")
    m.set_content(body_with_sig(text, S_SOFT))
    return Msg("b32-press-release", "benign/newsletter", S_SOFT, rc, L, finish(m, "b32"))


def b_order_confirm(ox):
    yield
    rng = random.Random(233)
    lines = []
    for i in range(6):
        lines.append("注文番号 %s　商品コード %s　%s × %d　%s円　お届け %s %s"
                     % (order_no(rng), part_no(rng), rng.choice(["コピー用紙", "ボールペン 10本", "ファイル"]),
                        rng.randint(1, 9), yen(rng.randint(100, 99999)), date(rng, 1),
                        rng.choice(["午前中", "12時～14時", "14時～16時"])))
    text = "ご注文ありがとうございます。\n\n%s\n\nお問い合わせ番号：%s\n" % ("\n".join(lines), order_no(rng))
    sender = Sender("サンプル通販", "order@shop.example.jp", ["サンプル通販 カスタマーセンター",
                    "TEL 0120-123-456（9:00～18:00）", "〒135-0016 東京都江東区東陽9-9-9"])
    rc = ["soumu@" + CORP]
    m = new_mail("b33", sender, rc, "ご注文確認")
    m.set_content(body_with_sig(text, sender))
    return Msg("b33-order-confirmation", "benign/order", sender, rc, Labels(), finish(m, "b33"))


def b_maintenance(ox):
    yield
    rng = random.Random(234)
    lines = []
    for i in range(10):
        lines.append("チケット INC%07d / 変更 CHG%07d：%s %s～%s 対象 %s（v%d.%d.%d→v%d.%d.%d）"
                     % (rng.randint(0, 9999999), rng.randint(0, 9999999), date(rng, 1), hhmm(rng), hhmm(rng),
                        ip(rng), 2, rng.randint(0, 9), rng.randint(0, 30), 2, rng.randint(10, 19), 0))
    text = "お客様各位\n\n定期メンテナンスのお知らせです。\n\n%s\n" % "\n".join(lines)
    rc = ["it@client.example.jp"]
    raw = raw_iso2022jp("b34", S_SOFT, rc, "定期メンテナンスのお知らせ", body_with_sig(text, S_SOFT))
    return Msg("b34-maintenance-iso2022jp", "benign/log", S_SOFT, rc, Labels(), raw)


def b_source_zip(ox):
    yield
    mk = "CFLAGS = -O2 -g -Wall\nVERSION = 2.14.3\nall: crc\ncrc: crc_table.o\n\t$(CC) -o $@ $^\n"
    readme = "crc 2.14.3 (2026-11-27)\n\nBuild: make. Tested on gcc 12.2.0 and clang 16.0.6.\n"
    data = zip_of([("crc-2.14.3/Makefile", mk.encode()), ("crc-2.14.3/crc_table.c", C_SOURCE.encode()),
                   ("crc-2.14.3/billing.py", PY_SOURCE.encode()), ("crc-2.14.3/README", readme.encode())])
    rc = [EXT[7]]
    m = new_mail("b35", S_SOFT, rc, "crc-2.14.3 sources")
    m.set_content(body_with_sig("Hi,\n\nSource archive attached.\n", S_SOFT))
    attach(m, data, "application/zip", "crc-2.14.3.zip")
    return Msg("b35-source-zip", "benign/source", S_SOFT, rc, Labels(), finish(m, "b35"))


def b_sales_ods(ox):
    rng = random.Random(236)
    rows = [["JAN", "商品名", "店舗コード", "売上数", "売上金額", "前年比"]]
    for i in range(80):
        rows.append([jan13(rng), rng.choice(["緑茶 500ml", "天然水 2L", "コーヒー 185g", "おにぎり 鮭"]),
                     "%04d" % rng.randint(1, 9999), rng.randint(0, 9999), rng.randint(0, 9999999), "%.1f%%" % rng.uniform(50, 150)])
    key = ox.add("b36", fods([("売上", rows)]), "ods")
    yield
    rc = [EXT[4]]
    m = new_mail("b36", S_CORP, rc, "11月 売上データ")
    m.set_content(body_with_sig("ご担当者様\n\n11月の売上データです。\n", S_CORP))
    attach(m, ox.get(key), ODS, "売上_202611.ods")
    return Msg("b36-sales-ods", "benign/report", S_CORP, rc, Labels(), finish(m, "b36"))


def b_agenda_odt(ox):
    rng = random.Random(237)
    paras = [("h", "第3回 調達委員会 次第")]
    for i in range(15):
        paras.append(("p", "%d. 議案第%d号 契約番号 R8-%04d-%03d（予定価格 %s円、入札日 %s %s）"
                      % (i + 1, rng.randint(1, 99), rng.randint(0, 9999), rng.randint(0, 999), yen(rng.randint(100000, 999999999)),
                         date(rng, 3), hhmm(rng))))
    key = ox.add("b37", fodt(paras), "odt")
    yield
    rc = [EXT[2]]
    m = new_mail("b37", S_CITY, rc, "調達委員会 次第")
    m.set_content(body_with_sig("ご担当者様\n\n次第を送付します。\n", S_CITY))
    attach(m, ox.get(key), ODT, "次第.odt")
    return Msg("b37-agenda-odt", "benign/minutes", S_CITY, rc, Labels(), finish(m, "b37"))


def b_invoice_pdf(ox):
    rng = random.Random(238)
    L = Labels()
    cn = corp_label(L, corporate_number(rng))
    rows = [["品番", "品名", "数量", "単価", "金額"]]
    for i in range(20):
        q, u = rng.randint(1, 99), rng.randint(100, 99999)
        rows.append([part_no(rng), rng.choice(["保守費", "部品代", "出張費", "作業費"]), str(q), yen(u), yen(q * u)])
    key = ox.add("b38", fodt([("h", "請求書"), ("p", "請求番号 INV-2026-11-00511　発行日 2026年11月27日"),
                              ("p", "適格請求書発行事業者 登録番号 T%s" % cn), ("table", rows),
                              ("p", "お支払期限 2026年12月31日　合計 3,481,220円（税込）")]), "pdf")
    yield
    rc = [EXT[0]]
    m = new_mail("b38", S_CORP2, rc, "請求書（PDF）送付")
    m.set_content(body_with_sig("ご担当者様\n\n請求書をPDFでお送りします。\n", S_CORP2))
    attach(m, ox.get(key), "application/pdf", "請求書_INV-2026-11-00511.pdf")
    return Msg("b38-invoice-pdf", "benign/invoice", S_CORP2, rc, L, finish(m, "b38"))


def b_edi(ox):
    yield
    rng = random.Random(239)
    recs = []
    for i in range(100):
        recs.append("D%06d%s%s%08d%010d%s%s" % (i + 1, date(rng, 0).replace("-", ""), jan13(rng), rng.randint(0, 99999999),
                                                 rng.randint(0, 9999999999), "0" * rng.randint(1, 4), order_no(rng)))
    data = "H0001202611270931CORP\r\n%s\r\nT%06d\r\n" % ("\r\n".join(recs), len(recs))
    rc = ["edi@vendor.example.com"]
    m = new_mail("b39", S_CORP, rc, "EDI 発注データ 20261127")
    m.set_content(body_with_sig("EDI発注データ（固定長）を送付します。\n", S_CORP))
    attach(m, data.encode(), "text/plain", "ORDERS_20261127.txt")
    return Msg("b39-edi-fixed-width", "benign/order", S_CORP, rc, Labels(), finish(m, "b39"))


def b_notice_iso2022jp(ox):
    yield
    rng = random.Random(240)
    lines = []
    for i in range(12):
        lines.append("%s %s～%s　%s　受付番号 第%d-%04d号　手数料 %s円"
                     % (date(rng, 3), hhmm(rng), hhmm(rng), rng.choice(["住民票", "印鑑証明", "税証明"]),
                        rng.randint(1, 12), rng.randint(0, 9999), yen(rng.choice([300, 350, 450]))))
    text = "関係各位\n\n年末年始の窓口予約状況（集計）です。\n\n%s\n\n問合せ番号 0004512378\n" % "\n".join(lines)
    rc = [EXT[5]]
    raw = raw_iso2022jp("b40", S_CITY, rc, "窓口予約状況", body_with_sig(text, S_CITY))
    return Msg("b40-notice-iso2022jp", "benign/minutes", S_CITY, rc, Labels(), raw)


BENIGN_BUILDERS = [b_invoice, b_quote_xlsx, b_minutes_text, b_minutes_docx, b_access_log,
                   b_syslog_body, b_c_source, b_py_source_body, b_newsletter_en, b_newsletter_ja,
                   b_purchase_order, b_shipping, b_isbn_csv, b_price_csv, b_schedule, b_financial,
                   b_change_request, b_timesheet_xlsx, b_travel, b_invoice_en, b_journal_csv,
                   b_inventory_xlsx, b_traceback, b_sql, b_patch, b_ics, b_catalog_pdf,
                   b_statistics, b_json, b_reply_quoted_sig, b_sensor_csv, b_press_release,
                   b_order_confirm, b_maintenance, b_source_zip, b_sales_ods, b_agenda_odt,
                   b_invoice_pdf, b_edi, b_notice_iso2022jp]


# ============================================================================= output

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--outdir", default=os.path.join(HERE, "..", "tests", "eval"))
    args = ap.parse_args()
    ox = Office()
    try:
        gens = [b(ox) for b in PERSONAL_BUILDERS + BENIGN_BUILDERS]
        for g in gens:
            next(g)
        ox.run()
        msgs = []
        for g in gens:
            try:
                next(g)
                raise RuntimeError("builder yielded twice")
            except StopIteration as e:
                msgs.append(e.value)
    finally:
        ox.close()
    mdir = os.path.join(args.outdir, "messages")
    os.makedirs(mdir, exist_ok=True)
    for f in os.listdir(mdir):
        if f.endswith(".eml"):
            os.remove(os.path.join(mdir, f))
    names = set()
    out = ["# labels.tsv - expected findings of tests/eval/messages/*.eml, written by contrib/gen-eval.py",
           "# MESSAGE<TAB>DETECTOR<TAB>VALUE | MESSAGE<TAB>verdict<TAB>hold|accept |"
           " MESSAGE<TAB>envelope<TAB>SENDER<TAB>RCPT[,RCPT...] | MESSAGE<TAB>kind<TAB>KIND"]
    for m in msgs:
        assert m.name not in names, m.name
        names.add(m.name)
        with open(os.path.join(mdir, m.name + ".eml"), "wb") as f:
            f.write(m.raw)
        out.append("%s\tkind\t%s" % (m.name, m.kind))
        out.append("%s\tenvelope\t%s\t%s" % (m.name, m.sender.addr, ",".join(m.rcpts)))
        out.append("%s\tverdict\t%s" % (m.name, m.verdict))
        for d, v in m.labels:
            assert d in ALL_DETECTORS and "\t" not in v and v, (m.name, d, v)
            out.append("%s\t%s\t%s" % (m.name, d, v))
    with open(os.path.join(args.outdir, "labels.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    kinds = {}
    for m in msgs:
        kinds.setdefault(m.kind.split("/")[0] + "/" + m.verdict, 0)
        kinds[m.kind.split("/")[0] + "/" + m.verdict] += 1
    print("wrote %d messages (%s), %d labels" % (len(msgs), ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
                                                 sum(len(m.labels) for m in msgs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
