#!/usr/bin/env python3
# notice-decode.py - print a notice as a reader sees it, decoded with Python's own e-mail
# package (independent of GMime): "Subject: ..." (RFC 2047 decoded), "To: ...", the
# Content-Type, Content-Transfer-Encoding and Auto-Submitted headers, a blank line, then the
# body text decoded from its transfer encoding and charset. Usage: notice-decode.py FILE
import sys
from email import policy
from email.parser import BytesParser

with open(sys.argv[1], "rb") as f:
    m = BytesParser(policy=policy.default).parse(f)
out = sys.stdout
out.write("Subject: %s\n" % m["subject"])
out.write("To: %s\n" % m["to"])
out.write("Content-Type: %s\n" % m.get_content_type())
out.write("Charset: %s\n" % m.get_content_charset())
out.write("Content-Transfer-Encoding: %s\n" % m.get("content-transfer-encoding", ""))
out.write("Auto-Submitted: %s\n" % m.get("auto-submitted", ""))
out.write("X-Leakguard-Notice: %s\n\n" % m.get("x-leakguard-notice", ""))
out.write(m.get_content())
