#!/usr/bin/python3
"""tsa.py - a tiny RFC 3161 timestamp server for tests, on 127.0.0.1 only.

usage: tsa.py CONFIG PORTFILE
  CONFIG    an `openssl ts` configuration (section [tsa], default_tsa = ...)
  PORTFILE  written with the port once the server listens (port 0 = any free)

Each POST body is a TimeStampReq; `openssl ts -reply` answers it (the
oracle recipe in ../shared/docs/oracles.md).  The URL path picks how the
server behaves, so one server covers every test:
  /ok        a proper reply, Content-Type application/timestamp-reply
  /http500   HTTP 500
  /garbage   200 with the right content type and a body that is not DER
  /html      200 with Content-Type text/html
  /nonce     a proper reply to the request with its nonce changed
  /imprint   a proper reply to the request with its message imprint changed
  /reject    a TimeStampResp with status rejection and a status string
  /slow      waits 20 s, then a proper reply (for client timeouts)
The server runs until killed (the tests stop it by pid).
"""
import http.server
import os
import subprocess
import sys
import tempfile
import time


def header(b, off):
    """(tag, header length, content length) of the DER element at off."""
    tag, first = b[off], b[off + 1]
    if first < 0x80:
        return tag, 2, first
    n = first & 0x7F
    return tag, 2 + n, int.from_bytes(b[off + 2:off + 2 + n], "big")


def children(b, off):
    """Offsets of the children of the constructed element at off."""
    _, hl, ln = header(b, off)
    p, end, out = off + hl, off + hl + ln, []
    while p < end:
        out.append(p)
        _, chl, cln = header(b, p)
        p += chl + cln
    return out


def flip_last_byte(b, elem):
    """A copy of b with the last content byte of the element at elem inverted."""
    _, hl, ln = header(b, elem)
    out = bytearray(b)
    out[elem + hl + ln - 1] ^= 0xFF
    return bytes(out)


def change_nonce(query):
    # TimeStampReq ::= SEQUENCE { version, messageImprint, reqPolicy OID OPTIONAL,
    #                             nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE, ... }
    for c in children(query, 0)[2:]:
        if query[c] == 0x02:
            return flip_last_byte(query, c)
    raise ValueError("request has no nonce")


def change_imprint(query):
    # messageImprint ::= SEQUENCE { hashAlgorithm, hashedMessage OCTET STRING }
    imprint = children(query, 0)[1]
    return flip_last_byte(query, children(query, imprint)[1])


def der(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def rejection():
    # TimeStampResp { PKIStatusInfo { status 2 (rejection), statusString { "..." },
    #                                 failInfo badAlg } }
    text = der(0x0C, b"policy not accepted by this test server")
    status = der(0x30, der(0x02, b"\x02") + der(0x30, text) + der(0x03, b"\x07\x80"))
    return der(0x30, status)


class Handler(http.server.BaseHTTPRequestHandler):
    config = None

    def log_message(self, fmt, *args):  # quiet: bats shows stderr of failing tests only
        pass

    def send(self, code, ctype, body):
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def reply(self, query):
        with tempfile.TemporaryDirectory() as d:
            q, r = os.path.join(d, "q.tsq"), os.path.join(d, "r.tsr")
            open(q, "wb").write(query)
            subprocess.run(["openssl", "ts", "-reply", "-config", self.config, "-queryfile", q,
                            "-out", r], check=True, capture_output=True)
            return open(r, "rb").read()

    def do_POST(self):
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        mode = self.path.split("?")[0].strip("/")
        ok = "application/timestamp-reply"
        if mode == "http500":
            self.send(500, "text/plain", b"broken on purpose\n")
        elif mode == "garbage":
            self.send(200, ok, b"this is not a TimeStampResp\n")
        elif mode == "html":
            self.send(200, "text/html", b"<html>captive portal</html>\n")
        elif mode == "reject":
            self.send(200, ok, rejection())
        elif mode == "nonce":
            self.send(200, ok, self.reply(change_nonce(query)))
        elif mode == "imprint":
            self.send(200, ok, self.reply(change_imprint(query)))
        elif mode == "slow":
            time.sleep(20)
            self.send(200, ok, self.reply(query))
        elif mode == "ok":
            self.send(200, ok, self.reply(query))
        else:
            self.send(404, "text/plain", b"unknown mode\n")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    Handler.config = os.path.abspath(sys.argv[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
