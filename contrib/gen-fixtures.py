#!/usr/bin/env python3
"""gen-fixtures.py - write leakguard's test mails into tests/fixtures/ (deterministic).

Every run writes byte-identical files: the random generator has a fixed seed per fixture, and
dates, Message-IDs and MIME boundaries are fixed. All people, numbers and addresses are fake
(example domains, numbers only shaped like real ones).

    contrib/gen-fixtures.py            # write tests/fixtures/*.eml, then verify them
    contrib/gen-fixtures.py --check    # only verify that the committed files are up to date
    contrib/gen-fixtures.py -o DIR     # write somewhere else

Encodings are produced on purpose, the way Japanese mail clients send them:
- ISO-2022-JP text (body and RFC 2047 headers) is made through CP932, so that the Windows
  characters Outlook sends (NEC row 13 such as "①", FULLWIDTH TILDE "～", FULLWIDTH HYPHEN-MINUS
  "－") come out as the JIS bytes Outlook writes; Python's own iso2022_jp codec refuses them.
- Shift_JIS-labelled text is really CP932, as Windows writes it.
- CSV attachments are CP932 with CRLF and no BOM, as Excel writes "CSV (comma separated)".
- Attachment names: RFC 2231 (filename*=UTF-8''...) in Content-Disposition plus, as Outlook does,
  an RFC 2047 encoded name= in Content-Type.
The files use LF line ends (swaks and Postfix turn them into CRLF on the wire); CRLF appears only
inside the base64-encoded CSVs, where it is part of the file.

After writing, each fixture is parsed back with Python's email package and a naive reference
scan (NFKC, simple patterns) checks the counts that tests/fixtures/README.md promises.
"""

import argparse
import base64
import csv
import io
import os
import quopri
import random
import re
import struct
import sys
import unicodedata
import zlib
from email import message_from_bytes, policy as email_policy
from email.header import Header
from email.utils import encode_rfc2231, getaddresses

SENDER_DOMAIN = "pref.example.lg.jp"
ORG = "見本県"  # "sample prefecture": plainly fictional

# ----------------------------------------------------------------------------- encodings


def sjis_to_jis(b1, b2):
    """One CP932 double-byte character to its JIS X 0208 (or NEC row 13) row/cell bytes."""
    if b1 >= 0xE0:
        b1 -= 0x40
    j1 = (b1 - 0x81) * 2 + 0x21
    if b2 >= 0x9F:
        j1 += 1
        j2 = b2 - 0x9F + 0x21
    else:
        if b2 >= 0x80:
            b2 -= 1
        j2 = b2 - 0x40 + 0x21
    if not (0x21 <= j1 <= 0x7E and 0x21 <= j2 <= 0x7E):
        raise ValueError("CP932 character outside ISO-2022-JP: %02x%02x" % (b1, b2))
    return bytes((j1, j2))


def jis_to_sjis(j1, j2):
    if j1 & 1:
        b2 = j2 + 0x1F
        if b2 >= 0x7F:
            b2 += 1
    else:
        b2 = j2 + 0x7E
    b1 = ((j1 + 1) >> 1) + 0x70
    if b1 >= 0xA0:
        b1 += 0x40
    return bytes((b1, b2))


def iso2022jp(text):
    """Text to ISO-2022-JP bytes the way Outlook writes them (CP932 repertoire, ESC $ B)."""
    out = bytearray()
    jis = False
    for ch in text:
        if ord(ch) < 0x80:
            if jis:
                out += b"\x1b(B"
                jis = False
            out += ch.encode("ascii")
            continue
        sj = ch.encode("cp932")
        if len(sj) != 2:
            raise ValueError("not representable in ISO-2022-JP: %r" % ch)
        if not jis:
            out += b"\x1b$B"
            jis = True
        out += sjis_to_jis(sj[0], sj[1])
    if jis:
        out += b"\x1b(B"
    return bytes(out)


def iso2022jp_decode(data):
    """Inverse of iso2022jp() (for the self-check): JIS rows via CP932, so row 13 decodes."""
    out = []
    i, jis = 0, False
    while i < len(data):
        if data[i] == 0x1B:
            seq = data[i:i + 3]
            jis = seq in (b"\x1b$B", b"\x1b$@")
            i += 3
            continue
        if jis and data[i] not in (0x0A, 0x0D):
            out.append(jis_to_sjis(data[i], data[i + 1]).decode("cp932"))
            i += 2
        else:
            out.append(chr(data[i]))
            i += 1
    return "".join(out)


def ew_iso2022jp(text, maxlen=75):
    """RFC 2047 B encoded-words in ISO-2022-JP, each self-contained (ends in ASCII state)."""
    words, chunk = [], ""
    for ch in text:
        trial = chunk + ch
        word = "=?ISO-2022-JP?B?" + base64.b64encode(iso2022jp(trial)).decode() + "?="
        if len(word) > maxlen and chunk:
            words.append(chunk)
            chunk = ch
        else:
            chunk = trial
    if chunk:
        words.append(chunk)
    return ["=?ISO-2022-JP?B?" + base64.b64encode(iso2022jp(w)).decode() + "?=" for w in words]


def hdr_iso2022jp(name, text):
    """A header whose value is Japanese text, folded one encoded-word per line."""
    return "%s: %s" % (name, "\n ".join(ew_iso2022jp(text)))


def addr_iso2022jp(display, addr):
    return "%s <%s>" % (" ".join(ew_iso2022jp(display)), addr)


def addr_utf8(display, addr):
    enc = Header(display, "utf-8").encode()  # email package: =?utf-8?b?...?=
    return "%s <%s>" % (enc, addr)


def fold_addresses(name, addrs, width=76):
    """Header "To: a, b, ..." folded between addresses (never inside an encoded-word)."""
    lines, cur = [], name + ":"
    for i, a in enumerate(addrs):
        item = " " + a + ("," if i + 1 < len(addrs) else "")
        if len(cur) + len(item) > width and cur != name + ":":
            lines.append(cur)
            cur = item
        else:
            cur += item
    lines.append(cur)
    return "\n".join(lines)


def b64_lines(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def qp(text_utf8):
    return quopri.encodestring(text_utf8.encode("utf-8"), quotetabs=False).decode("ascii")


def csv_cp932(header, rows):
    """Excel's "CSV (comma separated)": CP932, CRLF, no BOM, minimal quoting."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("cp932")


def attachment_headers(ctype, filename, extra_ct=""):
    """Content-Type with an RFC 2047 name (as Outlook writes it) + RFC 2231 filename*."""
    if all(ord(c) < 0x80 for c in filename):
        return [
            'Content-Type: %s; name="%s"%s' % (ctype, filename, extra_ct),
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="%s"' % filename,
        ]
    ew = "=?UTF-8?B?" + base64.b64encode(filename.encode("utf-8")).decode() + "?="
    return [
        'Content-Type: %s;\n\tname="%s"%s' % (ctype, ew, extra_ct),
        "Content-Transfer-Encoding: base64",
        # encode_rfc2231 percent-encodes everything outside RFC 2231's attribute-char set
        "Content-Disposition: attachment;\n\tfilename*=%s" % encode_rfc2231(filename, "UTF-8"),
    ]


def message(headers, body):
    """Join header lines and a body (str of 7bit text, or bytes for 8bit) into LF bytes."""
    head = "\n".join(headers).encode("ascii") + b"\n\n"
    if isinstance(body, str):
        body = body.encode("ascii")
    if not body.endswith(b"\n"):
        body += b"\n"
    return head + body


def multipart(boundary, parts, preamble="This is a multi-part message in MIME format.\n"):
    """parts: list of (header_lines, body_str_or_bytes)."""
    out = bytearray(preamble.encode("ascii"))
    for hl, body in parts:
        out += b"\n--" + boundary.encode() + b"\n"
        out += "\n".join(hl).encode("ascii") + b"\n\n"
        out += body.encode("ascii") if isinstance(body, str) else body
        if not out.endswith(b"\n"):
            out += b"\n"
    out += b"\n--" + boundary.encode() + b"--\n"
    return bytes(out)


def text_iso2022jp_part(text):
    return (['Content-Type: text/plain; charset="ISO-2022-JP"', "Content-Transfer-Encoding: 7bit"],
            iso2022jp(text).decode("ascii"))


# ----------------------------------------------------------------------------- fake data

SURNAMES = [  # kanji, katakana, romaji
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("佐々木", "ササキ", "sasaki"),
    ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"), ("井上", "イノウエ", "inoue"),
    ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"), ("斎藤", "サイトウ", "saito"),
    ("清水", "シミズ", "shimizu"), ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"),
    ("橋本", "ハシモト", "hashimoto"), ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"),
    ("山下", "ヤマシタ", "yamashita"), ("中島", "ナカジマ", "nakajima"), ("石井", "イシイ", "ishii"),
    ("小川", "オガワ", "ogawa"), ("前田", "マエダ", "maeda"), ("岡田", "オカダ", "okada"),
    ("長谷川", "ハセガワ", "hasegawa"), ("藤田", "フジタ", "fujita"), ("後藤", "ゴトウ", "goto"),
    ("近藤", "コンドウ", "kondo"), ("村上", "ムラカミ", "murakami"), ("遠藤", "エンドウ", "endo"),
    ("青木", "アオキ", "aoki"), ("坂本", "サカモト", "sakamoto"), ("福田", "フクダ", "fukuda"),
    ("太田", "オオタ", "ota"), ("西村", "ニシムラ", "nishimura"), ("藤井", "フジイ", "fujii"),
]
# CP932-only characters (IBM/NEC extensions), as found in real Excel name lists.
SURNAMES_CP932 = [("髙橋", "タカハシ", "takahashi"), ("山﨑", "ヤマザキ", "yamazaki")]
GIVEN = [
    ("太郎", "タロウ", "taro"), ("一郎", "イチロウ", "ichiro"), ("健太", "ケンタ", "kenta"),
    ("翔太", "ショウタ", "shota"), ("大輔", "ダイスケ", "daisuke"), ("美咲", "ミサキ", "misaki"),
    ("陽子", "ヨウコ", "yoko"), ("恵子", "ケイコ", "keiko"), ("直樹", "ナオキ", "naoki"),
    ("誠", "マコト", "makoto"), ("裕子", "ユウコ", "yuko"), ("由美", "ユミ", "yumi"),
    ("隆", "タカシ", "takashi"), ("明美", "アケミ", "akemi"), ("健一", "ケンイチ", "kenichi"),
    ("真由美", "マユミ", "mayumi"), ("拓也", "タクヤ", "takuya"), ("さくら", "サクラ", "sakura"),
    ("浩二", "コウジ", "koji"), ("智子", "トモコ", "tomoko"), ("和也", "カズヤ", "kazuya"),
    ("愛", "アイ", "ai"), ("修", "オサム", "osamu"), ("美穂", "ミホ", "miho"),
    ("大樹", "ダイキ", "daiki"), ("彩", "アヤ", "aya"), ("良子", "ヨシコ", "yoshiko"),
    ("正人", "マサト", "masato"), ("千尋", "チヒロ", "chihiro"), ("悠斗", "ユウト", "yuto"),
]
PRIVATE_MAIL_DOMAINS = ["example.ne.jp", "example.com", "docomo.example.jp", "ezweb.example.jp",
                        "i.softbank.example.jp", "example.jp", "mail.example.com"]
CITIES = ["見本市", "架空市", "例示町", "試験村", "見本郡架空町", "仮名市"]
TOWNS = ["中央", "本町", "桜台", "緑町", "旭町", "栄町", "若葉", "東町", "西町", "南町", "北町",
         "大手町", "青葉台", "松が丘", "泉町"]
BUILDINGS = ["", "", "", " サンプルハイツ203", " 見本マンション501", " コーポ例示102"]
AFFILIATIONS = ["見本市消防団", "架空町自治会", "例示町社会福祉協議会", "見本市防災士会", "試験村婦人防火クラブ",
                "架空市立中央小学校PTA", "見本赤十字奉仕団", "仮名市民生委員協議会", "例示町商工会"]


def mobile(rng, used):
    while True:
        n = "%s-%d%03d-%04d" % (rng.choice(["090", "080", "070"]), rng.randint(1, 9),
                                rng.randint(0, 999), rng.randint(0, 9999))
        if n not in used:
            used.add(n)
            return n


# Area code, local exchange width: 0A-BCDE-FGHJ, 0AB-CDE-FGHJ, 0ABC-DE-FGHJ shapes.
LANDLINE_AREAS = [("03", 4), ("06", 4), ("045", 3), ("052", 3), ("011", 3), ("092", 3),
                  ("075", 3), ("029", 3), ("0276", 2), ("0467", 2), ("099", 3)]


def landline(rng, used, area=None):
    while True:
        code, width = area or rng.choice(LANDLINE_AREAS)
        first = rng.randint(2, 9)  # subscriber numbers never start with 0 or 1
        rest = rng.randint(0, 10 ** (width - 1) - 1)
        n = "%s-%d%0*d-%04d" % (code, first, width - 1, rest, rng.randint(0, 9999))
        if n not in used:
            used.add(n)
            return n


def people(rng, count, extra_names=()):
    """count distinct fake people: name, kana, phone, private e-mail, postal address."""
    result, names, phones, mails = [], set(), set(), set()
    pool = list(extra_names)
    while len(result) < count:
        if pool:
            sur = pool.pop(0)
        else:
            sur = rng.choice(SURNAMES)
        given = rng.choice(GIVEN)
        if (sur[0], given[0]) in names:
            continue
        names.add((sur[0], given[0]))
        while True:
            style = rng.randint(0, 3)
            if style == 0:
                local = "%s.%s" % (given[2], sur[2])
            elif style == 1:
                local = "%s_%s%02d" % (sur[2], given[2], rng.randint(1, 99))
            elif style == 2:
                local = "%s%s%d" % (given[2][0], sur[2], rng.randint(1960, 2005))
            else:
                local = "%s-%s.%d" % (sur[2], given[2], rng.randint(1, 999))
            mail = "%s@%s" % (local, rng.choice(PRIVATE_MAIL_DOMAINS))
            if mail not in mails:
                mails.add(mail)
                break
        addr = "〒%03d-%04d %s%s%d-%d-%d%s" % (
            rng.randint(900, 999), rng.randint(0, 9999), rng.choice(CITIES), rng.choice(TOWNS),
            rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 25), rng.choice(BUILDINGS))
        result.append({
            "name": "%s %s" % (sur[0], given[0]), "kana": "%s %s" % (sur[1], given[1]),
            "phone": mobile(rng, phones), "mail": mail, "addr": addr,
            "aff": rng.choice(AFFILIATIONS),
        })
    return result


EXTERNAL_DOMAINS = [
    "city.example-a.lg.jp", "city.example-b.lg.jp", "town.example-c.lg.jp", "town.example-d.lg.jp",
    "vill.example-e.lg.jp", "city.example-f.lg.jp", "city.example-g.lg.jp", "town.example-h.lg.jp",
    "city.example-i.lg.jp", "town.example-j.lg.jp", "city.example-k.lg.jp", "vill.example-l.lg.jp",
    "city.example-m.lg.jp", "town.example-n.lg.jp", "city.example-o.lg.jp", "fd.example-a.lg.jp",
    "corp.example.co.jp", "bosai.example.co.jp", "kensetsu.example.co.jp", "example.ne.jp",
    "mail.example.ne.jp", "example.or.jp", "shakyo.example.or.jp", "hospital.example.or.jp",
    "univ.example.ac.jp", "example.com", "example.jp", "example.net", "example.org",
    "npo.example.org",
]
ROLE_LOCALS = ["bousai", "soumu", "kikaku", "kiki-kanri", "shomu", "jichi", "chiiki", "info",
               "kenshu", "jimu", "fukushi", "kenko", "somu-ka", "bosai-ka", "kanri"]


def incident_recipients(rng, count=144):
    """count distinct external addresses over all EXTERNAL_DOMAINS (each used at least once)."""
    assert not any(d == SENDER_DOMAIN or d.endswith("." + SENDER_DOMAIN) for d in EXTERNAL_DOMAINS)
    addrs, seen = [], set()
    domains = list(EXTERNAL_DOMAINS)
    i = 0
    while len(addrs) < count:
        dom = domains[i % len(domains)] if i < len(domains) else rng.choice(domains)
        i += 1
        if rng.random() < 0.45:
            local = rng.choice(ROLE_LOCALS)
        else:
            sur, given = rng.choice(SURNAMES), rng.choice(GIVEN)
            local = rng.choice(["%s.%s" % (given[2], sur[2]), "%s-%s" % (sur[2], given[2][0]),
                                "%s%s" % (given[2][0], sur[2])])
        a = "%s@%s" % (local, dom)
        if a not in seen:
            seen.add(a)
            addrs.append(a)
    return addrs


# ----------------------------------------------------------------------------- the fixtures

YAMADA = addr_iso2022jp("総務課 山田 花子", "hanako.yamada@%s" % SENDER_DOMAIN)
YAMADA_SIG = """\
――――――――――――――――――――――――
%s 総務部 総務課 防災研修担当
山田 花子（やまだ はなこ）
〒999-8555 見本市中央一丁目1番1号 県庁本庁舎5階
TEL：099-201-2345（内線 2345）
FAX：099-201-2399
E-mail：hanako.yamada@%s
――――――――――――――――――――――――
""" % (ORG, SENDER_DOMAIN)

INCIDENT_SUBJECT = "【事務連絡】令和6年度 地域防災研修会の参加者名簿について"
INCIDENT_BODY = """\
関係各位

いつも大変お世話になっております。
%s総務部総務課の山田でございます。

先日ご案内いたしました「令和6年度 地域防災研修会」につきまして、
参加者名簿を取りまとめましたので、添付のとおり送付いたします。

内容をご確認いただき、所属・連絡先等に修正がございましたら、
11月20日（水）17時までに、本メールへの返信にてお知らせください。

なお、当日の会場は県庁本庁舎5階 大会議室、
受付開始は13時30分を予定しております。

ご多忙のところ恐れ入りますが、どうぞよろしくお願いいたします。

%s""" % (ORG, YAMADA_SIG)


def incident(internal):
    rng = random.Random(20241112)
    csv_bytes = csv_cp932(
        ["No.", "氏名", "フリガナ", "所属", "電話番号", "メールアドレス", "住所"],
        [[str(i + 1), p["name"], p["kana"], p["aff"], p["phone"], p["mail"], p["addr"]]
         for i, p in enumerate(people(rng, 49, extra_names=SURNAMES_CP932))])
    if internal:
        to = ["ichiro.sato@%s" % SENDER_DOMAIN, "kenji.watanabe@soumu.%s" % SENDER_DOMAIN,
              "bousai@%s" % SENDER_DOMAIN]
        msgid = "<000101db34c2$8f1e2a40$ad5a7ec0$@pref.example.lg.jp>"
    else:
        to = incident_recipients(random.Random(144))
        msgid = "<000001db34c2$7a3b1c20$6eb15460$@pref.example.lg.jp>"
    boundary = "----=_NextPart_000_0001_01DB34C2.7A3B1C20"
    headers = [
        "From: " + YAMADA,
        fold_addresses("To", to),
        hdr_iso2022jp("Subject", INCIDENT_SUBJECT),
        "Date: Tue, 12 Nov 2024 10:23:45 +0900",
        "Message-ID: " + msgid,
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed;\n\tboundary="%s"' % boundary,
        "X-Mailer: Microsoft Outlook 16.0",
        "Content-Language: ja",
    ]
    body = multipart(boundary, [
        text_iso2022jp_part(INCIDENT_BODY),
        (attachment_headers("application/vnd.ms-excel", "参加者名簿.csv"), b64_lines(csv_bytes)),
    ])
    return message(headers, body)


def ordinary():
    sender = "ichiro.suzuki@%s" % SENDER_DOMAIN
    body = """\
株式会社サンプル防災
営業部 田中様
見本市 危機管理課 中村様

いつもお世話になっております。
%s総務部企画課の鈴木です。

標記の打合せについて、下記のとおり開催いたしますので、
ご出席くださいますようお願い申し上げます。

                 記

①日時：11月26日（火）14:00～15:30
②場所：県庁本庁舎3階 第2会議室
③議題：防災備蓄品の更新計画について
④持ち物：前回配布資料

ご都合が悪い場合は、お手数ですが11月22日（金）までに
ご連絡いただけますと幸いです。

以上、よろしくお願いいたします。

-- 
%s 総務部 企画課
鈴木 一郎（すずき いちろう）
TEL：099-201-2311（直通）
FAX：099-201-2399
携帯：090-4417-2308
E-mail：%s
""" % (ORG, ORG, sender)
    headers = [
        "From: " + addr_iso2022jp("企画課 鈴木 一郎", sender),
        "To: " + addr_iso2022jp("株式会社サンプル防災 田中", "tanaka@corp.example.co.jp") + ",\n "
        + addr_iso2022jp("見本市 危機管理課 中村", "nakamura-k@city.example-a.lg.jp"),
        hdr_iso2022jp("Subject", "防災備蓄品の更新に関する打合せのご案内（11/26）"),
        "Date: Wed, 13 Nov 2024 09:05:12 +0900",
        "Message-ID: <000a01db3580$1c2d3e40$5487bac0$@pref.example.lg.jp>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="ISO-2022-JP"',
        "Content-Transfer-Encoding: 7bit",
        "X-Mailer: Microsoft Outlook 16.0",
        "Content-Language: ja",
    ]
    return message(headers, iso2022jp(body).decode("ascii"))


def html_contacts():
    rng = random.Random(12)
    ppl = people(rng, 12)
    # half the phones as landlines, written the way people paste them into Word/Outlook tables
    lrng, used = random.Random(1212), set()
    for i, p in enumerate(ppl):
        if i % 2:
            p["phone"] = landline(lrng, used)
    rows = "\n".join(
        "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td>"
        '<td><a href="mailto:%s">%s</a></td></tr>'
        % (i + 1, p["name"], p["aff"], p["phone"], p["mail"], p["mail"])
        for i, p in enumerate(ppl))
    html = """\
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style>td {border:1px solid #999; padding:2px 6px;}</style>
</head>
<body>
<p>株式会社サンプル防災<br>
田中様</p>
<p>お世話になっております。%s危機管理課の小林です。</p>
<p>訓練当日の各地区連絡員の一覧をお送りします。<br>
当日の連絡調整にご活用ください。</p>
<table>
<tr><th>No.</th><th>氏名</th><th>所属</th><th>電話番号</th><th>メールアドレス</th></tr>
%s
</table>
<p>よろしくお願いいたします。</p>
<p>--<br>
%s 危機管理部 危機管理課<br>
小林 美穂<br>
TEL: 099-201-2520 / E-mail: miho.kobayashi@%s</p>
</body>
</html>
""" % (ORG, rows, ORG, SENDER_DOMAIN)
    headers = [
        "From: " + addr_utf8("危機管理課 小林 美穂", "miho.kobayashi@%s" % SENDER_DOMAIN),
        "To: " + addr_utf8("株式会社サンプル防災 田中", "tanaka@corp.example.co.jp"),
        "Subject: " + Header("地区連絡員一覧（防災訓練）", "utf-8").encode(),
        "Date: Thu, 14 Nov 2024 16:40:03 +0900",
        "Message-ID: <b1e0c7a2-5d41-4c2e-9a57-0c3f6d2e8a11@pref.example.lg.jp>",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=UTF-8",
        "Content-Transfer-Encoding: quoted-printable",
        "User-Agent: Mozilla Thunderbird",
    ]
    return message(headers, qp(html))


def utf8_qp_few():
    text = """\
見本市観光協会
佐藤様

お世話になっております。%s観光振興課の伊藤です。

先日の視察の件、以下の連絡先で手配いたしました。

・宿泊：見本グランドホテル フロント 099-222-3456
・移動：見本交通タクシー配車センター 099-233-4567
・昼食：割烹みほん 099-244-5678

ご不明な点がございましたらお知らせください。

-- 
%s 商工観光部 観光振興課
伊藤 健太
TEL 099-201-2630
""" % (ORG, ORG)
    headers = [
        "From: " + addr_utf8("観光振興課 伊藤 健太", "kenta.ito@%s" % SENDER_DOMAIN),
        "To: " + addr_utf8("見本市観光協会 佐藤", "sato@example.or.jp"),
        "Subject: " + Header("視察時の手配先について", "utf-8").encode(),
        "Date: Fri, 15 Nov 2024 11:12:13 +0900",
        "Message-ID: <7f3c9a10-2b8e-4f61-8d0a-5e4b3c2d1f00@pref.example.lg.jp>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8; format=flowed",
        "Content-Transfer-Encoding: quoted-printable",
        "User-Agent: Mozilla Thunderbird",
    ]
    return message(headers, qp(text))


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else ("－" if c == "-" else c) for c in s)


def sjis_body():
    rng, used = random.Random(11), set()
    areas = [("03", 4), ("03", 4), ("06", 4), ("045", 3), ("045", 3), ("052", 3), ("029", 3),
             ("029", 3), ("0276", 2), ("0467", 2), ("092", 3)]
    ppl = people(random.Random(1111), 11)
    lines = "\n".join("%s．%s地区　%s　%s" % (fullwidth(str(i + 1)), t, p["name"],
                                               fullwidth(landline(rng, used, areas[i])))
                      for i, (p, t) in enumerate(zip(ppl, TOWNS)))
    text = """\
各位

お疲れ様です。地域振興課の渡辺です。
今年度の自治会長の連絡先一覧をお送りします（自宅電話）。

%s

以上、取扱いにご注意ください。

――――――――――――
%s 地域振興課 渡辺 直樹
TEL 099-201-2740
""" % (lines, ORG)
    headers = [
        "From: " + addr_iso2022jp("地域振興課 渡辺 直樹", "naoki.watanabe@%s" % SENDER_DOMAIN),
        "To: jichi@city.example-b.lg.jp",
        hdr_iso2022jp("Subject", "自治会長連絡先一覧（令和6年度）"),
        "Date: Mon, 18 Nov 2024 08:59:00 +0900",
        "Message-ID: <20241118085900.0011@pref.example.lg.jp>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=Shift_JIS",
        "Content-Transfer-Encoding: 8bit",
        "X-Mailer: Becky! ver. 2.81.04",
    ]
    return message(headers, text.encode("cp932"))


def nested_forward():
    rng = random.Random(10)
    ppl = people(rng, 10)
    lrng, used = random.Random(1010), set()
    phones = [landline(lrng, used, ("099", 3)), mobile(lrng, set())]
    inner_text = """\
見本県 総務課 山田様

お世話になっております。例示町社会福祉協議会の森です。
ボランティア登録者のうち、研修会に参加希望の方の連絡先です。

%s

取りまとめ担当：森（事務局 %s、携帯 %s）
""" % ("\n".join("%s　%s" % (p["name"], p["mail"]) for p in ppl), phones[0], phones[1])
    inner_html = "<html><body><p>見本県 総務課 山田様</p>\n" \
        "<p>お世話になっております。例示町社会福祉協議会の森です。<br>\n" \
        "ボランティア登録者のうち、研修会に参加希望の方の連絡先です。</p>\n<ul>\n%s\n</ul>\n" \
        "<p>取りまとめ担当：森（事務局 %s、携帯 %s）</p>\n</body></html>\n" % (
            "\n".join("<li>%s　%s</li>" % (p["name"], p["mail"]) for p in ppl),
            phones[0], phones[1])
    ib = "000_inner_alt_5F3A"
    inner = message([
        "From: " + addr_utf8("例示町社協 森", "mori@shakyo.example.or.jp"),
        "To: " + YAMADA,
        "Subject: " + Header("研修会参加希望者の連絡先", "utf-8").encode(),
        "Date: Mon, 11 Nov 2024 15:30:00 +0900",
        "Message-ID: <inner-0001@shakyo.example.or.jp>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="%s"' % ib,
    ], multipart(ib, [
        (["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64"],
         b64_lines(inner_text.encode("utf-8"))),
        (["Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: quoted-printable"],
         qp(inner_html)),
    ], preamble=""))
    note = """\
関係各位

例示町社協から届いた参加希望者の連絡先を転送します。
名簿への反映をお願いします。

山田
"""
    ob = "------------outer_fwd_8C1D"
    headers = [
        "From: " + YAMADA,
        "To: kenshu@city.example-c.lg.jp, " + "info@bosai.example.co.jp",
        "Subject: " + Header("Fwd: 研修会参加希望者の連絡先", "utf-8").encode(),
        "Date: Tue, 19 Nov 2024 10:00:00 +0900",
        "Message-ID: <fwd-0001@pref.example.lg.jp>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="%s"' % ob,
    ]
    body = multipart(ob, [
        (["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit"],
         note.encode("utf-8")),
        (['Content-Type: message/rfc822; name="forwarded.eml"',
          'Content-Disposition: attachment; filename="forwarded.eml"'], inner),
    ])
    return message(headers, body)


def unlabelled_csv():
    rng = random.Random(15)
    csv_bytes = csv_cp932(["氏名", "ふりがな", "電話", "メール", "住所"],
                          [[p["name"], p["kana"], p["phone"], p["mail"], p["addr"]]
                           for p in people(rng, 15)])
    text = """\
見本市 福祉課 ご担当者様

お世話になっております。%s福祉政策課の清水です。
見守り協力員の名簿を添付いたします。

清水
""" % ORG
    b = "=_alt_meibo_0015"
    headers = [
        "From: " + addr_iso2022jp("福祉政策課 清水 陽子", "yoko.shimizu@%s" % SENDER_DOMAIN),
        "To: fukushi@city.example-d.lg.jp",
        hdr_iso2022jp("Subject", "見守り協力員名簿"),
        "Date: Wed, 20 Nov 2024 13:14:15 +0900",
        "Message-ID: <20241120131415.0015@pref.example.lg.jp>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="%s"' % b,
    ]
    body = multipart(b, [
        text_iso2022jp_part(text),
        (attachment_headers("application/octet-stream", "meibo.csv"), b64_lines(csv_bytes)),
    ])
    return message(headers, body)


def part_numbers():
    text = """\
株式会社サンプル商事
営業部 御中

いつもお世話になっております。
%s会計局 物品調達課です。

下記のとおり発注いたします。納品書・請求書は発注番号を記載のうえ
ご送付ください。

発注番号：PO-20241121-0042
発注日　：2024-11-21（令和6年11月21日）
納期　　：2024/12/13
契約番号：R6-0312-4455

品番              品名                  数量    単価       金額
K-0312-45678      防災用保存水 2L×6    120     1,380円    165,600円
TX-06-1234-5      簡易トイレ 50回分     40      9,800円    392,000円
BT-0901-2345-67   LEDランタン           60      3,250円    195,000円
0120-3345         アルミブランケット     200     ￥480       ￥96,000
JAN 4901234567894 乾電池 単3×40本        30      2,100円    63,000円

小計：911,600円
消費税（10%%）：91,160円
合計：1,002,760円

納品先：〒999-8555 見本市中央一丁目1番1号 %s庁 防災備蓄倉庫
（倉庫番号 03-12 / 棚番号 45-67-89）
参照：見積書 No.2024-1105-117（2024年11月5日付）、ロット 0903-1123

以上

%s 会計局 物品調達課
https://www.pref.example.lg.jp/chotatsu/
""" % (ORG, ORG, ORG)
    headers = [
        "From: " + addr_iso2022jp("物品調達課", "chotatsu@%s" % SENDER_DOMAIN),
        "To: eigyo@corp.example.co.jp",
        hdr_iso2022jp("Subject", "発注書送付（PO-20241121-0042）"),
        "Date: Thu, 21 Nov 2024 10:30:00 +0900",
        "Message-ID: <20241121103000.0042@pref.example.lg.jp>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="ISO-2022-JP"',
        "Content-Transfer-Encoding: 7bit",
    ]
    return message(headers, iso2022jp(text).decode("ascii"))


def tiny_png(w=16, h=16):
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    # RGB gradient, filter type 0 on every row
    raw = b"".join(b"\x00" + b"".join(bytes((x * 16, y * 16, 0x80)) for x in range(w))
                   for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def tiny_pdf():
    """A one-page PDF 1.4 with the text "Access map" (no personal data), valid xref."""
    stream = b"BT /F1 18 Tf 40 60 Td (Access map) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 120] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def image_and_pdf():
    text = """\
見本市 観光課 ご担当者様

研修会場の案内図と写真をお送りします。

%s 総務課 山田
""" % ORG
    b = "----=_NextPart_000_0009_01DB3C0A.11223344"
    headers = [
        "From: " + YAMADA,
        "To: kanko@city.example-e.lg.jp",
        hdr_iso2022jp("Subject", "研修会場の案内図"),
        "Date: Fri, 22 Nov 2024 17:45:00 +0900",
        "Message-ID: <000901db3c0a$11223344$55667788$@pref.example.lg.jp>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed;\n\tboundary="%s"' % b,
        "X-Mailer: Microsoft Outlook 16.0",
    ]
    body = multipart(b, [
        text_iso2022jp_part(text),
        (attachment_headers("image/png", "kaijo.png"), b64_lines(tiny_png())),
        (attachment_headers("application/pdf", "案内図.pdf"), b64_lines(tiny_pdf())),
    ])
    return message(headers, body)


FIXTURES = {
    "incident.eml": lambda: incident(False),
    "incident-internal.eml": lambda: incident(True),
    "ordinary.eml": ordinary,
    "html-contacts.eml": html_contacts,
    "utf8-qp-few.eml": utf8_qp_few,
    "sjis-body.eml": sjis_body,
    "nested-forward.eml": nested_forward,
    "unlabelled-csv.eml": unlabelled_csv,
    "part-numbers.eml": part_numbers,
    "image-and-pdf.eml": image_and_pdf,
}

# ----------------------------------------------------------------------------- self-check
# A deliberately naive reference scan: it only proves the fixtures contain what README.md says.

PHONE_RE = re.compile(r"(?<![0-9A-Za-z-])(0\d{1,4}-\d{1,4}-\d{4})(?![0-9-])")
MAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def part_text(part):
    data = part.get_payload(decode=True) or b""
    cs = (part.get_content_charset() or "").lower()
    if cs == "iso-2022-jp":
        return iso2022jp_decode(data)
    if cs in ("shift_jis", "") and part.get_content_type() != "text/html":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp932")
    return data.decode(cs or "utf-8")


def scan(raw, sender):
    msg = message_from_bytes(raw, policy=email_policy.compat32)
    phones, mails, kinds = set(), set(), []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            continue
        kinds.append(part.get_content_type())
        if part.get_content_maintype() not in ("text", "application") \
                or part.get_content_type() == "application/pdf":
            continue
        text = unicodedata.normalize("NFKC", part_text(part)).replace("\u2212", "-")
        phones.update(p.replace("-", "") for p in PHONE_RE.findall(text))
        mails.update(m.lower() for m in MAIL_RE.findall(text))
    mails.discard(sender)
    to = getaddresses(msg.get_all("To", []))
    return phones, mails, [a for _, a in to], kinds


# name: (phones incl. signature, e-mails excluding the sender's own, visible To count)
EXPECT = {
    "incident.eml": (51, 49, 144),
    "incident-internal.eml": (51, 49, 3),
    "ordinary.eml": (3, 0, 2),
    "html-contacts.eml": (13, 12, 1),
    "utf8-qp-few.eml": (4, 0, 1),
    "sjis-body.eml": (12, 0, 1),
    "nested-forward.eml": (2, 10, 2),
    "unlabelled-csv.eml": (15, 15, 1),
    "part-numbers.eml": (0, 0, 1),
    "image-and-pdf.eml": (0, 0, 1),
}


def verify(name, raw):
    msg = message_from_bytes(raw, policy=email_policy.compat32)
    sender = getaddresses([msg["From"]])[0][1].lower()
    phones, mails, to, kinds = scan(raw, sender)
    exp = EXPECT[name]
    got = (len(phones), len(mails), len(to))
    status = "ok" if got == exp else "MISMATCH (expected %s)" % (exp,)
    doms = {a.split("@")[1] for a in to}
    print("%-22s %6d bytes  phones=%-3d emails=%-3d to=%-3d to_domains=%-2d parts=%s  %s"
          % (name, len(raw), got[0], got[1], got[2], len(doms), ",".join(kinds), status))
    if name == "incident.eml":
        assert len(doms) >= 30 and not any(d.endswith(SENDER_DOMAIN) for d in doms)
    return got == exp


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--outdir", default=os.path.join(here, "..", "tests", "fixtures"))
    ap.add_argument("--check", action="store_true",
                    help="do not write; fail if a file differs from what would be written")
    args = ap.parse_args()
    ok = True
    for name, make in FIXTURES.items():
        raw = make()
        path = os.path.join(args.outdir, name)
        if args.check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == raw
            except OSError:
                same = False
            if not same:
                print("%s: out of date (run contrib/gen-fixtures.py)" % path)
                ok = False
        else:
            os.makedirs(args.outdir, exist_ok=True)
            with open(path, "wb") as f:
                f.write(raw)
        ok = verify(name, raw) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
