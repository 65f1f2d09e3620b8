#!/usr/bin/env python3
# noreply.py - speak the milter protocol to leakguard directly, as Postfix does (version 6, every
# action and protocol flag offered), and check what leakguard negotiates and when it answers:
# no reply to connect, RCPT, headers, end of headers and body chunks (the MTA does not wait for
# them), a reply to MAIL FROM, and the verdict at end of message.
#
#   noreply.py SOCKET FILE EXPECT      EXPECT: accept | tag | tempfail-reply | tempfail
#
# accept: only "continue" at end of message; tag: X-Leakguard-Verdict "tag; ..." added, then
# continue; tempfail-reply: 451 4.7.1 with a text (a policy tempfail); tempfail: a bare tempfail
# (an internal error, e.g. the spool cannot be written). Exit 0 when all holds, else 1 with the
# reason on stderr.
import select
import socket
import struct
import sys

# protocol flags (libmilter's mfdef.h)
NOHELO, NOUNKNOWN, NODATA = 0x2, 0x100, 0x200
NR_HDR, NR_CONN, NR_MAIL, NR_RCPT, NR_EOH, NR_BODY = 0x80, 0x1000, 0x4000, 0x8000, 0x40000, 0x80000
ADDHDRS, CHGHDRS, QUARANTINE = 0x1, 0x10, 0x20
MTA_ACTIONS, MTA_PROTOCOL = 0x1FF, 0x1FFFFF	# what Postfix 3.7 offers
QUIET = 0.3	# seconds without a byte from leakguard that count as "no reply"
TIMEOUT = 30	# seconds for a reply that must come


def fail(msg):
    sys.stderr.write("FAIL: " + msg + "\n")
    sys.exit(1)


def send(sock, cmd, data=b""):
    sock.sendall(struct.pack(">I", len(data) + 1) + cmd + data)


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        r, _, _ = select.select([sock], [], [], TIMEOUT)
        if not r:
            fail("no reply within %d s" % TIMEOUT)
        got = sock.recv(n - len(buf))
        if not got:
            fail("connection closed by leakguard")
        buf += got
    return buf


def recv_packet(sock):
    (n,) = struct.unpack(">I", recv_exact(sock, 4))
    if n < 1 or n > 1 << 20:
        fail("bad packet length %d" % n)
    data = recv_exact(sock, n)
    return data[:1], data[1:]


def quiet(sock, after):
    r, _, _ = select.select([sock], [], [], QUIET)
    if r:
        cmd, data = recv_packet(sock)
        fail("unexpected reply %r %r after %s (no reply was negotiated)" % (cmd, data[:60], after))


def split_message(path):
    raw = open(path, "rb").read().replace(b"\r\n", b"\n")
    head, sep, body = raw.partition(b"\n\n")
    if not sep:
        fail("no header/body separator in " + path)
    headers = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and headers:
            headers[-1][1] += b"\r\n" + line
        elif line:
            name, _, value = line.partition(b":")
            headers.append([name, value.lstrip(b" \t")])
    return headers, body.replace(b"\n", b"\r\n")


def main():
    if len(sys.argv) != 4:
        fail("usage: noreply.py SOCKET FILE EXPECT")
    path, msgfile, expect = sys.argv[1], sys.argv[2], sys.argv[3]
    headers, body = split_message(msgfile)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)

    send(sock, b"O", struct.pack(">III", 6, MTA_ACTIONS, MTA_PROTOCOL))
    cmd, data = recv_packet(sock)
    if cmd != b"O" or len(data) < 12:
        fail("negotiation: reply %r" % cmd)
    version, actions, pflags = struct.unpack(">III", data[:12])
    want = NR_CONN | NR_RCPT | NR_HDR | NR_EOH | NR_BODY | NOHELO | NOUNKNOWN | NODATA
    if pflags & want != want:
        fail("negotiation: protocol flags 0x%x lack 0x%x" % (pflags, want & ~pflags))
    if pflags & NR_MAIL:
        fail("negotiation: MAIL FROM must still be answered (flags 0x%x)" % pflags)
    if actions != ADDHDRS | CHGHDRS | QUARANTINE:
        fail("negotiation: actions 0x%x" % actions)

    send(sock, b"D", b"Cj\0relay.test\0")
    send(sock, b"C", b"client.test\0" + b"4" + struct.pack(">H", 4242) + b"127.0.0.1\0")
    quiet(sock, "connect")
    send(sock, b"D", b"M{mail_addr}\0sender@corp.example.jp\0")
    send(sock, b"M", b"<sender@corp.example.jp>\0")
    cmd, data = recv_packet(sock)
    if cmd != b"c":
        fail("MAIL FROM: reply %r %r, expected continue" % (cmd, data))
    for rcpt in (b"<taro@partner.example.com>", b"<jiro@other.example.org>"):
        send(sock, b"R", rcpt + b"\0")
    quiet(sock, "RCPT TO")
    for name, value in headers:
        send(sock, b"D", b"Li\0NRTEST1\0")
        send(sock, b"L", name + b"\0" + value + b"\0")
    send(sock, b"N")
    mid = len(body) // 2
    for chunk in (body[:mid], body[mid:]):
        if chunk:
            send(sock, b"B", chunk)
    quiet(sock, "the headers and the body")
    send(sock, b"D", b"Ei\0NRTEST1\0")
    send(sock, b"E")

    replies = []
    while True:
        cmd, data = recv_packet(sock)
        replies.append((cmd, data))
        if cmd in (b"c", b"a", b"t", b"r", b"d", b"y"):
            break
    final, fdata = replies[-1]
    added = [d.split(b"\0")[:2] for c, d in replies if c == b"h"]
    if expect == "accept":
        ok = final == b"c" and len(replies) == 1
    elif expect == "tag":
        ok = final == b"c" and any(n == b"X-Leakguard-Verdict" and v.startswith(b"tag;")
                                   for n, v in added)
    elif expect == "tempfail-reply":
        ok = final == b"y" and fdata.startswith(b"451 4.7.1 ")
    elif expect == "tempfail":
        ok = final == b"t"
    else:
        fail("unknown EXPECT " + expect)
    if not ok:
        fail("end of message: replies %r, expected %s" % ([(c, d[:80]) for c, d in replies], expect))
    send(sock, b"Q")
    sock.close()


main()
