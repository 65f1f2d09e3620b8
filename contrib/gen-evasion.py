#!/usr/bin/env python3
"""gen-evasion.py - the evasion cases of tests/robust/: messages that hide 12 people's phone
numbers and e-mail addresses from a data-leak guard with one trick each (issue 7's list and a few
more). Each must be held by the built-in policy: its data detected, or the part reported not
scannable. Deterministic; fake data only (example domains, phone numbers of the right shape).

    contrib/gen-evasion.py [OUTDIR]      # default tests/robust/evasion
"""
import base64
import io
import os
import quopri
import sys
import zipfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "tests", "robust", "evasion")

PEOPLE = [("山田 太郎", "090-1234-5601", "taro.yamada@example.jp"),
          ("佐藤 花子", "080-2345-6702", "hanako.sato@example.ne.jp"),
          ("鈴木 一郎", "070-3456-7803", "ichiro.suzuki@example.com"),
          ("高橋 美咲", "090-4567-8904", "misaki.takahashi@example.jp"),
          ("田中 健太", "080-5678-9005", "kenta.tanaka@example.ne.jp"),
          ("伊藤 由美", "03-6789-0106", "yumi.ito@example.com"),
          ("渡辺 直樹", "06-7890-1207", "naoki.watanabe@example.jp"),
          ("山本 陽子", "045-890-2308", "yoko.yamamoto@example.ne.jp"),
          ("中村 大輔", "090-9012-3409", "daisuke.nakamura@example.com"),
          ("小林 智子", "080-0123-4510", "tomoko.kobayashi@example.jp"),
          ("加藤 翔太", "070-1234-5611", "shota.kato@example.ne.jp"),
          ("吉田 恵子", "090-2345-6712", "keiko.yoshida@example.com")]

HEAD = ("From: 総務課 <soumu@pref.example.lg.jp>\r\nTo: partner@outside.example.com\r\n"
        "Subject: list\r\nDate: Fri, 27 Nov 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\n")


def csv_bytes(enc="utf-8"):
    rows = ["氏名,電話番号,メール"] + [",".join(p) for p in PEOPLE]
    return ("\r\n".join(rows) + "\r\n").encode(enc)


def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + width] for i in range(0, len(s), width))


def mixed(body_parts):
    out = HEAD + 'Content-Type: multipart/mixed; boundary="BB"\r\n\r\n'
    for p in body_parts:
        out += "--BB\r\n" + p + "\r\n"
    return out + "--BB--\r\n"


def text_part(text):
    return "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text


def attachment(data, ctype, name, extra=""):
    return ("Content-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"
            "Content-Transfer-Encoding: base64\r\n%s\r\n%s" % (ctype, name, name, extra, b64(data)))


def zip_of(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 27, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def cases():
    c = {}
    lines = "\r\n".join("%s %s %s" % p for p in PEOPLE)
    # invisible characters inside every number and address
    zw = "\r\n".join("%s %s %s" % (n, t.replace("-", "\u200b-\u200b"), m.replace("@", "\u200d@"))
                     for n, t, m in PEOPLE)
    c["zero-width"] = mixed([text_part("名簿です。\r\n" + zw + "\r\n")])
    # HTML: tags and comments inside numbers, numeric entities for digits and '@'
    rows = "".join("<p>%s 0<b>9</b>0-%s<!-- x -->-%s %s&#64;%s</p>" % (
        n, t.split("-")[1], t.split("-")[2], m.split("@")[0], m.split("@")[1])
        if t.startswith("090") else "<p>%s %s %s</p>" % (
        n, "".join("&#%d;" % ord(ch) for ch in t), m.replace("@", "&#x40;")) for n, t, m in PEOPLE)
    c["html-tags-entities"] = HEAD + ("Content-Type: text/html; charset=utf-8\r\n"
                                      "Content-Transfer-Encoding: 8bit\r\n\r\n<html><body>%s</body></html>\r\n" % rows)
    # quoted-printable soft line breaks inside numbers and addresses
    qp_lines = []
    for n, t, m in PEOPLE:
        raw = ("%s %s %s" % (n, t, m)).encode()
        enc = quopri.encodestring(raw).decode()
        mid = enc.find("-") + 2
        enc = enc[:mid] + "=\r\n" + enc[mid:]
        at = enc.find("@")
        enc = enc[:at] + "=\r\n" + enc[at:]
        qp_lines.append(enc)
    c["qp-soft-breaks"] = HEAD + ("Content-Type: text/plain; charset=utf-8\r\n"
                                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + "\r\n".join(qp_lines) + "\r\n")
    # base64 with junk characters and odd line lengths
    s = base64.b64encode(csv_bytes()).decode()
    junk = "".join(ch + ("!" if i % 13 == 5 else "") + ("\r\n" if i % 57 == 56 else "") for i, ch in enumerate(s))
    c["base64-junk"] = mixed([text_part("添付します。\r\n"),
                              'Content-Type: text/csv; name="list.csv"\r\nContent-Disposition: attachment; '
                              'filename="list.csv"\r\nContent-Transfer-Encoding: base64\r\n\r\n' + junk])
    # two Content-Transfer-Encoding headers that disagree
    c["cte-conflict"] = mixed([text_part("添付します。\r\n"),
                               'Content-Type: text/csv; name="list.csv"\r\nContent-Disposition: attachment; '
                               'filename="list.csv"\r\nContent-Transfer-Encoding: quoted-printable\r\n'
                               'Content-Transfer-Encoding: base64\r\n\r\n' + b64(csv_bytes())])
    # a CP932 CSV declared as an image
    c["csv-as-image"] = mixed([text_part("写真です。\r\n"), attachment(csv_bytes("cp932"), "image/png", "photo.png")])
    # double extension, declared PDF
    c["double-extension"] = mixed([text_part("資料です。\r\n"),
                                   attachment(csv_bytes("cp932"), "application/pdf", "資料.csv.pdf")])
    # an archive in an archive in a message in an archive
    inner = zip_of([("名簿.csv", csv_bytes("cp932"))])
    msg = (HEAD + 'Content-Type: multipart/mixed; boundary="CC"\r\n\r\n--CC\r\n' + text_part("転送\r\n") +
           "\r\n--CC\r\n" + attachment(zip_of([("inner.zip", inner)]), "application/zip", "inner2.zip") +
           "\r\n--CC--\r\n").encode()
    c["zip-in-zip-in-eml-in-zip"] = mixed([text_part("まとめて送ります。\r\n"),
                                           attachment(zip_of([("fwd.eml", msg)]), "application/zip", "all.zip")])
    # a file name in UTF-16 RFC 2047
    name16 = "=?UTF-16?B?%s?=" % base64.b64encode("名簿.csv".encode("utf-16")).decode()
    c["utf16-filename"] = mixed([text_part("添付します。\r\n"),
                                 'Content-Type: application/octet-stream; name="%s"\r\nContent-Disposition: '
                                 'attachment; filename="%s"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s'
                                 % (name16, name16, b64(csv_bytes("cp932")))])
    # full-width digits, hyphens and at signs
    fw = str.maketrans("0123456789-@", "０１２３４５６７８９－＠")
    c["full-width"] = mixed([text_part("\r\n".join("%s %s %s" % (n, t.translate(fw), m.translate(fw))
                                                    for n, t, m in PEOPLE) + "\r\n")])
    # a password-protected zip (ZipCrypto header flag): cannot be read, must be held
    z = bytearray(zip_of([("名簿.csv", csv_bytes("cp932"))]))
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        at = z.find(sig)
        while at >= 0:
            off = at + (6 if sig == b"PK\x03\x04" else 8)
            z[off] |= 1
            at = z.find(sig, at + 4)
    c["encrypted-zip"] = mixed([text_part("パスワードは別送します。\r\n"), attachment(bytes(z), "application/zip", "meibo.zip")])
    # the list in an attached message's headers: 12 addresses in Cc
    cc = ", ".join(m for _, _, m in PEOPLE)
    fwd = ("From: a@outside.example.org\r\nTo: b@outside.example.org\r\nCc: %s\r\nSubject: x\r\n\r\nhi\r\n" % cc)
    c["addresses-in-forwarded-headers"] = mixed([text_part("転送します。\r\n"),
                                                 "Content-Type: message/rfc822\r\n\r\n" + fwd])
    return c


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, text in cases().items():
        with open(os.path.join(OUT, name + ".eml"), "wb") as f:
            f.write(text.encode("utf-8") if isinstance(text, str) else text)


if __name__ == "__main__":
    main()
