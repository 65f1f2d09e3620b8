#!/usr/bin/env python3
"""gen-attachment-fixtures.py - mails carrying the office, PDF and archive fixtures as attachments
(tests/fixtures/attach-*.eml), the way a clerk would send them: from the prefecture to one outside
address, a short Japanese note, the file attached with an RFC 2231 name. Deterministic (fixed
dates, Message-IDs and boundaries). The attached files come from tests/fixtures/{office,archive,pdf}
(made by contrib/gen-office-fixtures.sh and contrib/gen-archive-fixtures.sh). Expected verdicts are
in tests/fixtures/README.md; the full reports are the golden files of tests/scan/.

Run from the top of the source tree:  python3 contrib/gen-attachment-fixtures.py
"""
import io
import os
import sys
import zipfile
from email.message import EmailMessage
from email.policy import SMTP

FX = "tests/fixtures"


def read(rel):
    with open(os.path.join(FX, rel), "rb") as f:
        return f.read()


def zip_of(members):
    """A zip written with fixed timestamps, members given as (name, bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def mail(name, attachments, subject="資料送付"):
    m = EmailMessage(policy=SMTP)
    m["From"] = "soumu@pref.example.lg.jp"
    m["To"] = "tanto@corp.example.co.jp"
    m["Subject"] = subject
    m["Date"] = "Wed, 01 May 2024 09:00:00 +0900"
    m["Message-ID"] = "<%s@pref.example.lg.jp>" % name
    m.set_content("お世話になっております。\n資料を添付いたします。\n", charset="utf-8")
    for fname, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=fname)
    m.set_boundary("==lg-%s==" % name)
    with open(os.path.join(FX, "attach-%s.eml" % name), "wb") as f:
        f.write(m.as_bytes())


def main():
    xlsx = read("office/contacts.xlsx")
    mail("xlsx", [("名簿.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   xlsx)])
    mail("docx", [("memo.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml"
                   ".document", read("office/memo.docx"))])
    mail("ods", [("名簿.ods", "application/vnd.oasis.opendocument.spreadsheet",
                  read("office/contacts.ods"))])
    mail("pdf", [("名簿.pdf", "application/pdf", read("pdf/contacts.pdf"))])
    inner = zip_of([("list/contacts.xlsx", xlsx)])
    mail("nested-zip", [("data.zip", "application/zip",
                         zip_of([("inner.zip", inner), ("readme.txt", "説明\n".encode())]))])
    # a forwarded message inside a zip: the incident mail's CSV travels in an .eml
    mail("eml-in-zip", [("mails.zip", "application/zip",
                         zip_of([("fwd.eml", read("incident.eml"))]))])
    mail("zipcrypto", [("名簿.zip", "application/zip", read("archive/zipcrypto.zip"))])
    mail("encrypted-xlsx", [("名簿.xlsx", "application/vnd.openxmlformats-officedocument"
                             ".spreadsheetml.sheet", read("archive/encrypted.xlsx"))])
    mail("encrypted-pdf", [("名簿.pdf", "application/pdf", read("pdf/encrypted.pdf"))])
    mail("bomb", [("archive.zip", "application/zip", read("archive/bomb.zip"))])
    # a contact list that the mail client labelled as a picture
    csv = read("archive/contacts.zip")
    with zipfile.ZipFile(io.BytesIO(csv)) as z:
        name = [n for n in z.namelist() if n.endswith(".csv")][0]
        csv = z.read(name)
    mail("csv-as-png", [("photo.png", "image/png", csv)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
