#!/usr/bin/python3
"""cat-parts.py WHAT CAT OUT: writes one part of a signed catalog, found by
plain DER walking (no drvcat code, no ASN.1 library):
  ctl    the content octets of the CTL SEQUENCE (its DER without tag and
         length) -- what the signature's messageDigest covers
         (catalog-format.md section 6), for `openssl smime -verify -content`
  sig    the first SignerInfo's signature value (encryptedDigest octets) --
         what an RFC 3161 token's message imprint covers, for
         `openssl ts -verify -data`
  token  the RFC 3161 TimeStampToken stored as unsigned attribute
         1.3.6.1.4.1.311.3.3.1, for `openssl ts -verify -token_in -in`
"""
import sys

OID_RFC3161 = bytes.fromhex("2b0601040182370303 01".replace(" ", ""))  # 1.3.6.1.4.1.311.3.3.1


def header(b, off):
    """(tag, header length, content length) of the element at off."""
    tag, first = b[off], b[off + 1]
    if first < 0x80:
        return tag, 2, first
    n = first & 0x7F
    return tag, 2 + n, int.from_bytes(b[off + 2:off + 2 + n], "big")


def children(b, off):
    _, hl, ln = header(b, off)
    p, end, out = off + hl, off + hl + ln, []
    while p < end:
        out.append(p)
        _, chl, cln = header(b, p)
        p += chl + cln
    return out


def content(b, off):
    _, hl, ln = header(b, off)
    return b[off + hl:off + hl + ln]


def whole(b, off):
    _, hl, ln = header(b, off)
    return b[off:off + hl + ln]


def main():
    what, data = sys.argv[1], open(sys.argv[2], "rb").read()
    signed_data = children(data, children(data, 0)[1])[0]
    parts = children(data, signed_data)  # version, digestAlgorithms, contentInfo, [certs], [crls], signerInfos
    if what == "ctl":
        ctl = children(data, children(data, parts[2])[1])[0]
        assert data[ctl] == 0x30, "CTL is not a SEQUENCE"
        out = content(data, ctl)
    else:
        signer = children(data, parts[-1])[0]
        fields = children(data, signer)
        if what == "sig":
            out = content(data, [f for f in fields if data[f] == 0x04][0])
        else:
            unauth = [f for f in fields if data[f] == 0xA1][0]
            attr = [a for a in children(data, unauth) if content(data, children(data, a)[0]) == OID_RFC3161][0]
            out = whole(data, children(data, children(data, attr)[1])[0])
    open(sys.argv[3], "wb").write(out)


if __name__ == "__main__":
    main()
