#!/usr/bin/python3
"""gen.py - writes the hostile-input fixtures of tests/hostile/cases.tsv.

usage: gen.py CASES.tsv OUTDIR        one directory OUTDIR/<id>/ per case
       gen.py --bats CASES.tsv        prints tests/e2e/hostile.bats

Each row of cases.tsv names a fixture as KIND:NAME[:ARG]; this file knows how
to make every one of them from nothing (no committed binaries): INF text in
any encoding, PE images assembled field by field from the PE/COFF spec, DER
catalogs assembled element by element (catalog-format.md), packages, and
certificate / key files.  The signed catalog some cases need is made here
with throwaway keys (python3-cryptography), never committed.

Fixture files are written as:
  inf:NAME     OUT/<id>/x.inf
  pe:NAME      OUT/<id>/x.sys
  cat:NAME     OUT/<id>/x.cat
  pkg:NAME     OUT/<id>/pkg/ (an INF and its files)
  pkgcat:NAME  OUT/<id>/pkg/ (an INF, a PE member) with catalog x.cat = cat:NAME
  cert:NAME    OUT/<id>/bad.pem (a trust-anchor file) + OUT/<id>/signed.cat
  key:NAME     OUT/<id>/cert.pem + key.pem, or x.pfx, (+ pass, a passphrase
               file) and x.cat, an unsigned catalog, for drvcat sign
Big ones (100k sections, 65535 section headers, a sparse 4 GiB PE) are made
here at test time, in a second or two.
"""
import datetime
import hashlib
import os
import struct
import sys

# --------------------------------------------------------------------------
# DER (X.690) encoding: just what the catalogs below need.
# --------------------------------------------------------------------------


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def der_body(elem):
    """The contents octets of one encoded element (its tag and length skipped)."""
    n = elem[1]
    return elem[2:] if n < 0x80 else elem[2 + (n & 0x7F):]


def seq(*items):
    return tlv(0x30, b"".join(items))


def set_of(*items):
    return tlv(0x31, b"".join(items))


def oid_body(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray()
    for i, v in enumerate([arcs[0] * 40 + arcs[1]] + arcs[2:]):
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def oid(dotted):
    return tlv(0x06, oid_body(dotted))


def integer(n):
    length = max(1, (n.bit_length() + 8) // 8)
    return tlv(0x02, n.to_bytes(length, "big", signed=True))


def octets(b):
    return tlv(0x04, b)


def bmp(s):
    return tlv(0x1E, s.encode("utf-16-be"))


def utctime(s):
    return tlv(0x17, s.encode())


NULL = b"\x05\x00"
OID_PKCS7_SIGNED = "1.2.840.113549.1.7.2"
OID_CTL = "1.3.6.1.4.1.311.10.1"
OID_CATALOG_LIST = "1.3.6.1.4.1.311.12.1.1"
OID_MEMBER_V1 = "1.3.6.1.4.1.311.12.1.2"
OID_MEMBER_V2 = "1.3.6.1.4.1.311.12.1.3"
OID_NAMEVALUE = "1.3.6.1.4.1.311.12.2.1"
OID_MEMBERINFO2 = "1.3.6.1.4.1.311.12.2.3"
OID_INDIRECT = "1.3.6.1.4.1.311.2.1.4"
OID_CAB_DATA = "1.3.6.1.4.1.311.2.1.25"
OID_PE_DATA = "1.3.6.1.4.1.311.2.1.15"
OID_SHA1 = "1.3.14.3.2.26"
OID_SHA256 = "2.16.840.1.101.3.4.2.1"
OID_RFC3161 = "1.3.6.1.4.1.311.3.3.1"
NV_FLAGS = 0x10010001

# --------------------------------------------------------------------------
# Catalogs (catalog-format.md §1-§4).  Every piece can be replaced by raw
# bytes, so each hostile variant is the valid catalog with one thing wrong.
# --------------------------------------------------------------------------


def namevalue(name, value, flags=NV_FLAGS, raw_name=None, raw_flags=None, raw_value=None):
    return seq(
        raw_name if raw_name is not None else bmp(name),
        raw_flags if raw_flags is not None else integer(flags),
        raw_value if raw_value is not None else octets(value.encode("utf-16-le") + b"\0\0"),
    )


def member_attr(type_oid, value, raw_oid=None):
    return seq(raw_oid if raw_oid is not None else oid(type_oid), set_of(value))


def indirect(alg=OID_SHA256, digest=None, data_type=OID_CAB_DATA, raw_alg=None, raw=None):
    if raw is not None:
        return raw
    if digest is None:
        digest = hashlib.sha256(b"drvcat hostile member\n").digest()
    return seq(seq(oid(data_type), b""), seq(raw_alg if raw_alg is not None else seq(oid(alg), NULL),
                                           octets(digest)))


def member(tag=None, file="drv.sys", osattr="2:10.0", digest_attr=None, extra=(), raw_attrs=None):
    d = hashlib.sha256(b"drvcat hostile member\n").digest()
    tag = tag if tag is not None else octets(d)
    if raw_attrs is not None:
        return seq(tag, raw_attrs)
    attrs = [member_attr(OID_MEMBERINFO2, b"\x82\x00")]
    if file is not None:
        attrs.append(member_attr(OID_NAMEVALUE, namevalue("File", file)))
    if osattr is not None:
        attrs.append(member_attr(OID_NAMEVALUE, namevalue("OSAttr", osattr)))
    attrs.append(member_attr(OID_INDIRECT, digest_attr if digest_attr is not None else indirect(digest=d)))
    attrs.extend(extra)
    return seq(tag, set_of(*attrs))


def compat_member():
    d = hashlib.sha1(b"drvcat hostile member\n").digest()
    return seq(octets(d), set_of(member_attr(OID_MEMBERINFO2, b"\x82\x00"),
                                 member_attr(OID_NAMEVALUE, namevalue("File", "drv.sys"))))


def catalog_attr(name, value, raw_nv=None):
    return seq(oid(OID_NAMEVALUE), octets(raw_nv if raw_nv is not None else namevalue(name, value)))


LIST_ID = bytes(range(0x10, 0x20))


def ctl(usage=None, list_id=None, this_update=None, alg=None, members=None, attrs=None,
        version=None, seqno=None, next_update=None, tail=b""):
    parts = []
    if version is not None:
        parts.append(version)
    parts.append(usage if usage is not None else seq(oid(OID_CATALOG_LIST)))
    parts.append(list_id if list_id is not None else octets(LIST_ID))
    if seqno is not None:
        parts.append(seqno)
    parts.append(this_update if this_update is not None else utctime("231114221320Z"))
    if next_update is not None:
        parts.append(next_update)
    parts.append(alg if alg is not None else seq(oid(OID_MEMBER_V2), NULL))
    parts.append(members if members is not None else seq(member(), compat_member()))
    if attrs is None:
        attrs = tlv(0xA0, seq(catalog_attr("OS", "_v100_X64")))
    parts.append(attrs)
    return seq(*parts) + tail


def catalog(ctl_der=None, certs=None, signer_infos=None, ct=None, inner_ct=None, sd_version=None,
            digest_algs=None, tail=b"", inner_tail=b""):
    ctl_der = ctl_der if ctl_der is not None else ctl()
    inner = seq(inner_ct if inner_ct is not None else oid(OID_CTL), tlv(0xA0, ctl_der) + inner_tail)
    sd = [sd_version if sd_version is not None else integer(1),
          digest_algs if digest_algs is not None else set_of(), inner]
    if certs is not None:
        sd.append(certs)
    sd.append(signer_infos if signer_infos is not None else set_of())
    return seq(ct if ct is not None else oid(OID_PKCS7_SIGNED), tlv(0xA0, seq(*sd))) + tail


def nest(depth, leaf=NULL, tag=0x30):
    """depth constructed elements (SEQUENCE by default) around leaf, built inside out."""
    d = leaf
    for _ in range(depth):
        d = tlv(tag, d)
    return d


CAT = {
    "valid": lambda: catalog(),
    "empty": lambda: b"",
    "one-byte": lambda: b"\x30",
    "tag-only-len-missing": lambda: b"\x30\x82\x01",
    "not-sequence": lambda: octets(b"hello"),
    "indefinite-top": lambda: b"\x30\x80" + catalog()[2:] + b"\0\0",
    "indefinite-ctl": lambda: catalog(ctl_der=b"\x30\x80" + ctl()[4:] + b"\0\0"),
    "len-2p32-1": lambda: b"\x30\x84\xff\xff\xff\xff" + catalog()[4:],
    "len-5-bytes": lambda: b"\x30\x85\x00\x00\x00\x01\x00" + b"\0" * 256,
    "len-9-bytes": lambda: b"\x30\x89\x01\x00\x00\x00\x00\x00\x00\x00\x00",
    "len-nonminimal-short": lambda: b"\x30\x81\x05" + b"\x02\x01\x00\x05\x00",
    "len-leading-zero": lambda: b"\x30\x82\x00\x85" + b"\x05\x00" * 66 + b"\x04\x01\x00",
    "multibyte-tag": lambda: b"\x3f\x81\x00\x00",
    "trailing-garbage": lambda: catalog() + b"\x00",
    "trailing-element": lambda: catalog() + NULL,
    "zero-length-seq": lambda: b"\x30\x00",
    "wrong-content-type": lambda: catalog(ct=oid("1.2.840.113549.1.7.1")),
    "content-type-not-oid": lambda: catalog(ct=integer(7)),
    "oid-overflow-content-type": lambda: catalog(ct=tlv(0x06, b"\x2a" + b"\xff" * 10 + b"\x01")),
    "oid-empty": lambda: catalog(ct=tlv(0x06, b"")),
    "oid-nonminimal-arc": lambda: catalog(ct=tlv(0x06, b"\x2a\x80\x86\x48")),
    "oid-truncated-arc": lambda: catalog(ct=tlv(0x06, b"\x2a\x86")),
    "oid-huge-arc": lambda: catalog(ct=tlv(0x06, b"\x2a" + b"\x81" * 4000 + b"\x00")),
    "inner-not-ctl": lambda: catalog(inner_ct=oid("1.2.840.113549.1.7.1")),
    "inner-oid-overflow": lambda: catalog(inner_ct=tlv(0x06, b"\x2b\x06\x01\x04\x01" + b"\xff" * 12 + b"\x7f")),
    "ctl-trailing": lambda: catalog(inner_tail=NULL),
    "ctl-empty": lambda: catalog(ctl_der=seq()),
    "ctl-usage-missing": lambda: catalog(ctl_der=seq(octets(LIST_ID))),
    "ctl-no-thisupdate": lambda: catalog(ctl_der=seq(seq(oid(OID_CATALOG_LIST)), octets(LIST_ID))),
    "thisupdate-month-13": lambda: catalog(ctl_der=ctl(this_update=utctime("231314221320Z"))),
    "thisupdate-garbage": lambda: catalog(ctl_der=ctl(this_update=utctime("2311142213200"))),
    "thisupdate-empty": lambda: catalog(ctl_der=ctl(this_update=utctime(""))),
    "thisupdate-gentime-fraction-empty": lambda: catalog(ctl_der=ctl(this_update=tlv(0x18, b"20231114221320.Z"))),
    "thisupdate-year-9999": lambda: catalog(ctl_der=ctl(this_update=tlv(0x18, b"99991231235959Z"))),
    "list-id-65": lambda: catalog(ctl_der=ctl(list_id=octets(b"\x01" * 65))),
    "list-id-empty": lambda: catalog(ctl_der=ctl(list_id=octets(b""))),
    "subject-alg-unknown": lambda: catalog(ctl_der=ctl(alg=seq(oid("1.2.3.4"), NULL))),
    "subject-alg-oid-overflow": lambda: catalog(ctl_der=ctl(alg=seq(tlv(0x06, b"\x2b" + b"\xff" * 9 + b"\x7f"), NULL))),
    "subject-alg-empty": lambda: catalog(ctl_der=ctl(alg=seq())),
    "members-not-sequence": lambda: catalog(ctl_der=ctl(members=set_of(member()))),
    "member-not-sequence": lambda: catalog(ctl_der=ctl(members=seq(octets(b"x")))),
    "member-empty": lambda: catalog(ctl_der=ctl(members=seq(seq()))),
    "member-tag-only": lambda: catalog(ctl_der=ctl(members=seq(seq(octets(b"\x01\x02"))))),
    "member-attrs-not-set": lambda: catalog(ctl_der=ctl(members=seq(member(raw_attrs=seq())))),
    "member-attr-two-values": lambda: catalog(ctl_der=ctl(members=seq(member(
        raw_attrs=set_of(seq(oid(OID_MEMBERINFO2), set_of(b"\x82\x00", b"\x82\x00"))))))),
    "member-attr-no-value": lambda: catalog(ctl_der=ctl(members=seq(member(
        raw_attrs=set_of(seq(oid(OID_MEMBERINFO2), set_of())))))),
    "member-attr-oid-overflow": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr(None, NULL, raw_oid=tlv(0x06, b"\x2b" + b"\xff" * 10 + b"\x01"))])))),
    "v1-tag-odd-length": lambda: catalog(ctl_der=ctl(alg=seq(oid(OID_MEMBER_V1), NULL),
                                                     members=seq(member(tag=octets(b"A\0B"))))),
    "v1-tag-lone-surrogate": lambda: catalog(ctl_der=ctl(alg=seq(oid(OID_MEMBER_V1), NULL),
                                                         members=seq(member(tag=octets(b"A\0\x00\xdcB\0"))))),
    "nv-name-odd": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr(OID_NAMEVALUE, namevalue("", "", raw_name=tlv(0x1E, b"\x00F\x00")))])))),
    "nv-name-surrogate": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr(OID_NAMEVALUE, namevalue("", "", raw_name=tlv(0x1E, b"\xd8\x00\x00F")))])))),
    "nv-value-surrogate": lambda: catalog(ctl_der=ctl(members=seq(member(
        file=None, extra=[member_attr(OID_NAMEVALUE, namevalue("File", "", raw_value=octets(b"a\x00\x00\xd8b\x00")))])))),
    "nv-value-odd": lambda: catalog(ctl_der=ctl(members=seq(member(
        file=None, extra=[member_attr(OID_NAMEVALUE, namevalue("File", "", raw_value=octets(b"abc")))])))),
    "nv-flags-negative": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr(OID_NAMEVALUE, namevalue("X", "y", raw_flags=integer(-1)))])))),
    "nv-flags-33-bits": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr(OID_NAMEVALUE, namevalue("X", "y", raw_flags=integer(1 << 32)))])))),
    "nv-flags-huge": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr(OID_NAMEVALUE, namevalue("X", "y", raw_flags=tlv(0x02, b"\x7f" + b"\xff" * 20)))])))),
    "nv-flags-nonminimal": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr(OID_NAMEVALUE, namevalue("X", "y", raw_flags=tlv(0x02, b"\x00\x01")))])))),
    "nv-flags-empty": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr(OID_NAMEVALUE, namevalue("X", "y", raw_flags=tlv(0x02, b"")))])))),
    "nv-missing-value": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr(OID_NAMEVALUE, seq(bmp("X"), integer(NV_FLAGS)))])))),
    "digest-alg-unknown": lambda: catalog(ctl_der=ctl(members=seq(member(
        digest_attr=indirect(alg="2.16.840.1.101.3.4.2.3", digest=b"\0" * 64))))),
    "digest-alg-oid-overflow": lambda: catalog(ctl_der=ctl(members=seq(member(
        digest_attr=indirect(raw_alg=seq(tlv(0x06, b"\x60" + b"\xff" * 10 + b"\x01"), NULL)))))),
    "digest-short": lambda: catalog(ctl_der=ctl(members=seq(member(digest_attr=indirect(digest=b"\x11" * 31))))),
    "digest-empty": lambda: catalog(ctl_der=ctl(members=seq(member(digest_attr=indirect(alg=OID_SHA1, digest=b""))))),
    "indirect-not-sequence": lambda: catalog(ctl_der=ctl(members=seq(member(digest_attr=octets(b"x"))))),
    "indirect-trailing": lambda: catalog(ctl_der=ctl(members=seq(member(digest_attr=seq(
        seq(oid(OID_CAB_DATA)), seq(seq(oid(OID_SHA256), NULL), octets(b"\0" * 32)), NULL))))),
    "cat-attr-value-surrogate": lambda: catalog(ctl_der=ctl(attrs=tlv(0xA0, seq(catalog_attr(
        "", "", raw_nv=namevalue("OS", "", raw_value=octets(b"\x00\xdc"))))))),
    "cat-attrs-not-sequence": lambda: catalog(ctl_der=ctl(attrs=tlv(0xA0, set_of()))),
    "cat-attrs-trailing": lambda: catalog(ctl_der=ctl(attrs=tlv(0xA0, seq() + NULL))),
    "cat-attr-value-trailing": lambda: catalog(ctl_der=ctl(attrs=tlv(0xA0, seq(seq(
        oid(OID_NAMEVALUE), octets(namevalue("OS", "x") + NULL)))))),
    "ctl-trailing-element": lambda: catalog(ctl_der=ctl(attrs=tlv(0xA0, seq(catalog_attr("OS", "x"))) + NULL)),
    "depth-bomb-member-attr": lambda: catalog(ctl_der=ctl(members=seq(member(
        extra=[member_attr("1.2.3.4", nest(20000))])))),
    "depth-bomb-signer": lambda: catalog(signer_infos=set_of(nest(20000))),
    "depth-bomb-timestamp": lambda: catalog(signer_infos=set_of(seq(
        integer(1), seq(seq(), integer(5)), seq(oid(OID_SHA256)), seq(oid("1.2.840.113549.1.1.1")),
        octets(b"sig"), tlv(0xA1, seq(oid(OID_RFC3161), set_of(nest(20000, utctime("231114221320Z")))))))),
    "cert-garbage": lambda: catalog(certs=tlv(0xA0, seq(integer(1), octets(b"not a certificate")))),
    "cert-truncated-inner": lambda: catalog(certs=tlv(0xA0, seq(seq(integer(2))))),
    "signer-empty": lambda: catalog(signer_infos=set_of(seq())),
    "signer-not-sequence": lambda: catalog(signer_infos=set_of(integer(1))),
    "signer-no-digest-alg": lambda: catalog(signer_infos=set_of(seq(integer(1), seq(seq(), integer(5))))),
    "signer-serial-empty": lambda: catalog(signer_infos=set_of(seq(
        integer(1), seq(seq(), tlv(0x02, b"")), seq(oid(OID_SHA256)), seq(oid("1.2.840.113549.1.1.1")),
        octets(b"sig")))),
    "nv-terminal-escape": lambda: catalog(ctl_der=ctl(members=seq(member(
        file="a\"b\\c\x01\x1b[31mRED\x1b[0m\x7f\u2028\U0001F600.sys")))),
    "signer-infos-missing": lambda: seq(oid(OID_PKCS7_SIGNED), tlv(0xA0, seq(
        integer(1), set_of(), seq(oid(OID_CTL), tlv(0xA0, ctl())))))
}


def cat_many_members(n):
    return catalog(ctl_der=ctl(members=seq(*[member(
        tag=octets(hashlib.sha256(b"%d" % i).digest()), file="f%06d.sys" % i) for i in range(n)])))


def cat_truncated(cut):
    data = catalog()
    return data[:cut]


# --------------------------------------------------------------------------
# PE images (Microsoft PE/COFF specification).  The valid image is a PE32+
# amd64 image: DOS header (e_lfanew 0x40), "PE\0\0", COFF header, optional
# header (0xF0 bytes, 16 data directories), 2 section headers, SizeOfHeaders
# 0x200, .text at 0x200 and .data at 0x400 (0x200 bytes each): 0x600 bytes.
# --------------------------------------------------------------------------

E_LFANEW = 0x3C
COFF = 0x44                  # COFF header (after the signature at 0x40)
OPT = COFF + 20              # optional header, 0x58
OPT_SIZE64 = 0xF0
SECT = OPT + OPT_SIZE64      # section table, 0x148
CERT_DIR64 = OPT + 112 + 4 * 8   # security data directory (PE32+), 0x0E8


def pe(nsect=2, machine=0x8664, plus=True, soh=0x200, cert=None, nrva=16, sections=None,
       opt_size=None, magic=None):
    opt_len = OPT_SIZE64 if plus else 0xE0
    table = OPT + opt_len
    img = bytearray(max(0x600, table + 40 * nsect))
    img[0:2] = b"MZ"
    struct.pack_into("<I", img, E_LFANEW, 0x40)
    img[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", img, COFF, machine, nsect, 0, 0, 0,
                     opt_len if opt_size is None else opt_size, 0x22)
    struct.pack_into("<H", img, OPT, magic if magic is not None else (0x20B if plus else 0x10B))
    struct.pack_into("<I", img, OPT + 32, 0x1000)          # SectionAlignment
    struct.pack_into("<I", img, OPT + 36, 0x200)           # FileAlignment
    struct.pack_into("<I", img, OPT + 56, 0x3000)          # SizeOfImage
    struct.pack_into("<I", img, OPT + 60, soh)             # SizeOfHeaders
    struct.pack_into("<I", img, OPT + (108 if plus else 92), nrva)
    if sections is None:
        sections = [(b".text", 0x200, 0x200), (b".data", 0x400, 0x200)]
    for i, (name, ptr, size) in enumerate(sections[:nsect]):
        at = table + 40 * i
        img[at:at + 8] = name.ljust(8, b"\0")[:8]
        struct.pack_into("<IIII", img, at + 8, 0x1000, 0x1000 * (i + 1), size, ptr)
    for name, ptr, size in sections[:nsect]:           # raw data: a pattern, inside the file only
        for i in range(ptr, min(ptr + size, len(img))):
            img[i] = (i * 7) & 0xFF
    if cert is not None:
        off, size, body = cert
        struct.pack_into("<II", img, OPT + (112 if plus else 96) + 32, off, size)
        img += body
    return bytes(img)


def pe_patch(data, off, fmt, *vals):
    b = bytearray(data)
    struct.pack_into(fmt, b, off, *vals)
    return bytes(b)


WIN_CERT = struct.pack("<IHH", 16, 0x200, 2) + b"\0" * 8  # WIN_CERTIFICATE, 16 bytes

PE = {
    "valid": lambda: pe(),
    "valid-pe32": lambda: pe(plus=False),
    "valid-signed": lambda: pe(cert=(0x600, 16, WIN_CERT)),
    "empty": lambda: b"",
    "m-only": lambda: b"M",
    "mz-only": lambda: b"MZ",
    "elfanew-zero": lambda: pe_patch(pe(), E_LFANEW, "<I", 0),
    "elfanew-in-dos-header": lambda: pe_patch(pe(), E_LFANEW, "<I", 0x3F),
    "elfanew-2p32-1": lambda: pe_patch(pe(), E_LFANEW, "<I", 0xFFFFFFFF),
    "elfanew-at-eof": lambda: pe_patch(pe(), E_LFANEW, "<I", 0x600),
    "elfanew-last-byte": lambda: pe_patch(pe(), E_LFANEW, "<I", 0x5FF),
    "bad-signature": lambda: pe_patch(pe(), 0x40, "<4s", b"PE\0\1"),
    "ne-signature": lambda: pe_patch(pe(), 0x40, "<4s", b"NE\0\0"),
    "nsections-0": lambda: pe_patch(pe(), COFF + 2, "<H", 0),
    "nsections-65535-short": lambda: pe_patch(pe(), COFF + 2, "<H", 65535),
    # 65535 section headers (2.6 MB of them, all without raw data) that do fit in the file
    "nsections-65535": lambda: pe(nsect=65535, soh=0x280200, sections=[]) + b"\0" * 0xE0,
    "optsize-0": lambda: pe_patch(pe(), COFF + 16, "<H", 0),
    "optsize-1": lambda: pe_patch(pe(), COFF + 16, "<H", 1),
    "optsize-small": lambda: pe_patch(pe(), COFF + 16, "<H", 0x80),
    "optsize-65535": lambda: pe_patch(pe(), COFF + 16, "<H", 0xFFFF),
    "magic-rom": lambda: pe_patch(pe(), OPT, "<H", 0x107),
    "magic-zero": lambda: pe_patch(pe(), OPT, "<H", 0),
    "pe32-magic-in-pe32plus": lambda: pe_patch(pe(), OPT, "<H", 0x10B),
    "nrva-0": lambda: pe_patch(pe(), OPT + 108, "<I", 0),
    "nrva-4": lambda: pe_patch(pe(), OPT + 108, "<I", 4),
    "nrva-17": lambda: pe_patch(pe(), OPT + 108, "<I", 17),
    "nrva-2p32-1": lambda: pe_patch(pe(), OPT + 108, "<I", 0xFFFFFFFF),
    "cert-size-0": lambda: pe_patch(pe(), CERT_DIR64, "<II", 0x600, 0),
    "cert-offset-0": lambda: pe_patch(pe(), CERT_DIR64, "<II", 0, 16),
    "cert-unaligned": lambda: pe(cert=(0x604, 12, WIN_CERT[:12])),
    "cert-in-headers": lambda: pe_patch(pe(cert=(0x600, 16, WIN_CERT)), CERT_DIR64, "<II", 0x100, 0x510),
    "cert-past-eof": lambda: pe_patch(pe(), CERT_DIR64, "<II", 0x1000, 16),
    "cert-size-2p32-1": lambda: pe_patch(pe(cert=(0x600, 16, WIN_CERT)), CERT_DIR64 + 4, "<I", 0xFFFFFFFF),
    "cert-end-wraps": lambda: pe_patch(pe(cert=(0x600, 16, WIN_CERT)), CERT_DIR64, "<II", 0xFFFFFFF8, 0x10),
    "cert-not-last": lambda: pe(cert=(0x600, 16, WIN_CERT + b"\0" * 8)),
    "cert-overlaps-section": lambda: pe(cert=(0x400, 0x210, WIN_CERT), sections=[(b".text", 0x200, 0x200), (b".data", 0x400, 0x200)]),
    "section-ptr-2p32-1": lambda: pe(sections=[(b".text", 0xFFFFFFFF, 0x200), (b".data", 0x400, 0x200)]),
    "section-size-2p32-1": lambda: pe(sections=[(b".text", 0x200, 0xFFFFFFFF), (b".data", 0x400, 0x200)]),
    "section-past-eof": lambda: pe(sections=[(b".text", 0x200, 0x200), (b"\x01bad\xff", 0x400, 0x201)]),
    "section-size-0-ptr-garbage": lambda: pe(sections=[(b".bss", 0xFFFFFFFF, 0), (b".data", 0x400, 0x200)]),
    "soh-0-pagehashes": lambda: pe(soh=0),
    "soh-over-page": lambda: pe(soh=0x2000),
    "soh-2p32-1": lambda: pe(soh=0xFFFFFFFF),
    "odd-size": lambda: pe() + b"\x01\x02\x03",
}
# Truncations of the valid image at every structural boundary.
PE_CUTS = {
    "dos-1": 1, "dos-partial": 0x20, "before-elfanew": 0x3C, "elfanew-partial": 0x3E,
    "dos-whole": 0x40, "sig-partial": 0x42, "sig-whole": 0x44, "coff-partial": 0x50,
    "coff-whole": 0x58, "magic-partial": 0x59, "magic-whole": 0x5A, "opt-partial": 0x90,
    "opt-before-dirs": OPT + 112 - 1, "dirs-partial": CERT_DIR64 + 4, "dirs-end-1": SECT - 1,
    "table-partial": SECT + 40, "table-end-1": SECT + 80 - 1, "headers-end": 0x200,
    "section1-partial": 0x300, "section2-end-1": 0x5FF,
}
for _name, _cut in PE_CUTS.items():
    PE["trunc-" + _name] = (lambda c: lambda: pe()[:c])(_cut)

# --------------------------------------------------------------------------
# INF text.
# --------------------------------------------------------------------------

INF_HEAD = ('[Version]\r\nSignature="$WINDOWS NT$"\r\nClass=System\r\n'
            'ClassGuid={4d36e97d-e325-11ce-bfc1-08002be10318}\r\nProvider=%P%\r\n'
            'CatalogFile=x.cat\r\nDriverVer=01/01/2024,1.0.0.0\r\nPnpLockdown=1\r\n')
INF_STRINGS = '[Strings]\r\nP="drvcat"\r\n'
INF_VALID = INF_HEAD + INF_STRINGS


def u16le(s, bom=True):
    return (b"\xff\xfe" if bom else b"") + s.encode("utf-16-le")


def inf_sections(n):
    return (INF_VALID + "".join("[S%d]\r\nk=v\r\n" % i for i in range(n))).encode()


INF = {
    "valid": lambda: INF_VALID.encode(),
    "empty": lambda: b"",
    "bom-le-only": lambda: b"\xff\xfe",
    "bom-be-only": lambda: b"\xfe\xff",
    "bom-utf8-only": lambda: b"\xef\xbb\xbf",
    "utf16le-odd-byte": lambda: u16le(INF_VALID) + b"A",
    "utf16le-lone-high-at-end": lambda: u16le(INF_VALID) + b"\x00\xd8",
    "utf16le-lone-high-mid": lambda: u16le(INF_VALID) + b"\x00\xd8A\x00\r\x00\n\x00",
    "utf16le-lone-low": lambda: u16le("[Version]\r\n") + b"\x00\xdc" + u16le(INF_VALID[11:], False),
    "utf16le-reversed-pair": lambda: u16le(INF_VALID) + b"\x00\xdc\x00\xd8",
    "utf16be-lone-high": lambda: b"\xfe\xff" + INF_VALID.encode("utf-16-be") + b"\xd8\x00\x00A",
    "utf16le-nobom-lone-low": lambda: u16le(INF_VALID, False) + b"\x00\xdc",
    "utf8bom-invalid": lambda: b"\xef\xbb\xbf" + INF_VALID.encode() + b"\xc3\x28",
    "utf8bom-truncated": lambda: b"\xef\xbb\xbf" + INF_VALID.encode() + b"\xe2\x82",
    "ctrl-z-mid": lambda: (INF_HEAD + "\x1a" + "[Junk\r\n").encode(),
    "nul-mid": lambda: (INF_HEAD + "\0" + "[Junk\r\n").encode(),
    "trunc-in-header": lambda: b"[Vers",
    "trunc-after-header": lambda: b"[Version]",
    "trunc-in-key": lambda: INF_VALID.encode() + b"[Sec]\r\nke",
    "trunc-after-equals": lambda: INF_VALID.encode() + b"[Sec]\r\nkey=",
    "trunc-in-quote": lambda: INF_VALID.encode() + b'[Sec]\r\nkey="abc',
    "trunc-after-continuation": lambda: INF_VALID.encode() + b"[Sec]\r\nkey=a,\\",
    "trunc-in-token": lambda: INF_VALID.encode() + b"[Sec]\r\nkey=%P",
    "trunc-in-utf8-char": lambda: INF_VALID.encode() + b"[Sec]\r\nkey=\xe2\x82",
    "header-unclosed": lambda: (INF_VALID + "[Sec\r\nk=v\r\n").encode(),
    "header-empty-name": lambda: (INF_VALID + "[]\r\nk=v\r\n").encode(),
    "header-name-256": lambda: (INF_VALID + "[" + "s" * 256 + "]\r\nk=v\r\n").encode(),
    "field-4096": lambda: (INF_VALID + "[Sec]\r\nk=" + "v" * 4096 + "\r\n").encode(),
    "line-1mib": lambda: (INF_VALID + "[Sec]\r\nk=" + "v" * (1 << 20) + "\r\n").encode(),
    "line-1mib-comment": lambda: (INF_VALID + ";" + "c" * (1 << 20) + "\r\n").encode(),
    "fields-100k": lambda: (INF_VALID + "[Sec]\r\nk=" + ",".join(["v"] * 100000) + "\r\n").encode(),
    "continuations-100k": lambda: (INF_VALID + "[Sec]\r\nk=a" + ",\\\r\nb" * 100000 + "\r\n").encode(),
    "sections-100k": lambda: inf_sections(100000),
    "same-section-100k": lambda: (INF_VALID + "[Dup]\r\nk=v\r\n" * 100000).encode(),
    "entries-100k": lambda: (INF_VALID + "[Sec]\r\n" + "k=v\r\n" * 100000).encode(),
    "strings-100k": lambda: (INF_HEAD + "[Strings]\r\nP=x\r\n" + "".join('S%d="v%d"\r\n' % (i, i) for i in range(100000))).encode(),
    "diags-2000": lambda: (INF_VALID + "[Sec]\r\n" + "k=%undefined%\r\n" * 2000).encode(),
    "subst-loop": lambda: (INF_HEAD + '[Strings]\r\nP="%Q%"\r\nQ="%P%"\r\n').encode(),
    "subst-self": lambda: (INF_HEAD + '[Strings]\r\nP="%P%"\r\n').encode(),
    "subst-undefined": lambda: (INF_VALID + "[Sec]\r\nk=%Nope%\r\n").encode(),
    "subst-grows-past-limit": lambda: (INF_HEAD + '[Strings]\r\nP="drvcat"\r\nBig="' + "x" * 3000 + '"\r\n[Sec]\r\nk=%Big%%Big%\r\n').encode(),
    "subst-bomb": lambda: (INF_HEAD + '[Strings]\r\nP="drvcat"\r\nBig="' + "x" * 4000 + '"\r\n[Sec]\r\n' + ("k=" + "%Big%" * 800 + "\r\n") * 200).encode(),
    "subst-token-name-10k": lambda: (INF_VALID + "[Sec]\r\nk=%" + "n" * 10000 + "%\r\n").encode(),
    "subst-percent-percent": lambda: (INF_VALID + "[Sec]\r\nk=%%%%%%\r\n").encode(),
    "quote-storm": lambda: (INF_VALID + '[Sec]\r\nk=' + '"' * 10001 + "\r\n").encode(),
    "cr-only": lambda: INF_VALID.replace("\r\n", "\r").encode(),
    "lf-only": lambda: INF_VALID.replace("\r\n", "\n").encode(),
    "no-version": lambda: b"[Strings]\r\nP=x\r\n",
    "driverver-huge": lambda: INF_VALID.replace("1.0.0.0", "99999999999999999999.0.0.0").encode(),
    "driverver-bad-date": lambda: INF_VALID.replace("01/01/2024", "13/40/2024").encode(),
    "driverver-empty": lambda: INF_VALID.replace("01/01/2024,1.0.0.0", "").encode(),
    "targetos-huge": lambda: (INF_VALID + "[Manufacturer]\r\n%P%=M,NTamd64.10.0.99999999999999999999\r\n[M.NTamd64.10.0.99999999999999999999]\r\n").encode(),
    "targetos-1000": lambda: (INF_VALID + "[Manufacturer]\r\n%P%=M" + ",NTamd64.10.0" * 1000 + "\r\n").encode(),
    "nested-brackets": lambda: (INF_VALID + "[[[[[[Sec]]]]]]\r\nk=v\r\n").encode(),
    "too-large": None,   # made sparse by write_fixture
    "directory": None,
    "fifo": None,
    "missing": None,
    "dev-zero": None,
}

# --------------------------------------------------------------------------
# Packages: an INF plus its files, for files / build.
# --------------------------------------------------------------------------

PKG_HEAD = INF_HEAD + (
    "[SourceDisksNames]\r\n1=%P%\r\n[SourceDisksFiles]\r\ndrv.sys=1\r\n"
    "[DestinationDirs]\r\nDefaultDestDir=13\r\n"
    "[Manufacturer]\r\n%P%=M,NTamd64.10.0\r\n[M.NTamd64.10.0]\r\n%P%=Inst,Root\\Hostile\r\n")


def pkg_inf(install):
    return (PKG_HEAD + install + INF_STRINGS).encode()


def pkg_with_pe(name):
    return {"x.inf": pkg_inf("[Inst.NT]\r\nCopyFiles=@drv.sys\r\n[Inst.NT.Services]\r\nAddService=,2\r\n"),
            "drv.sys": PE[name]()}


PKG = {
    "needs-loop": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nNeeds=A\r\n[A]\r\nNeeds=B\r\n[B]\r\nNeeds=A,Inst.NT\r\nCopyFiles=@drv.sys\r\n"),
                           "drv.sys": b"flat"},
    "needs-self": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nNeeds=Inst.NT\r\nCopyFiles=@drv.sys\r\n"),
                           "drv.sys": b"flat"},
    "include-self": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nInclude=x.inf\r\nNeeds=Inst.NT\r\nCopyFiles=@drv.sys\r\n"),
                             "drv.sys": b"flat"},
    "needs-chain-100": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nNeeds=N0\r\n" + "".join(
        "[N%d]\r\nNeeds=N%d\r\n" % (i, i + 1) for i in range(100)) + "[N100]\r\nCopyFiles=@drv.sys\r\n"),
        "drv.sys": b"flat"},
    "copyfiles-loop": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nCopyFiles=L,L,L\r\n[L]\r\ndrv.sys\r\ndrv.sys\r\n"),
                               "drv.sys": b"flat"},
    "copyfiles-100k": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nCopyFiles=L\r\n[L]\r\n" + "drv.sys\r\n" * 100000),
                               "drv.sys": b"flat"},
    "sdn-path-long": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nCopyFiles=@drv.sys\r\n").replace(
        b"1=%P%\r\n", b"1=%P%,,," + b"\\a" * 100 + b"\r\n"), "drv.sys": b"flat"},
    "pe-member-trunc": lambda: pkg_with_pe("trunc-coff-partial"),
    "pe-member-nsections-65535": lambda: pkg_with_pe("nsections-65535-short"),
    "pe-member-cert-wraps": lambda: pkg_with_pe("cert-end-wraps"),
    "pe-member-soh-pagehashes": lambda: pkg_with_pe("soh-over-page"),
    "pe-member-valid": lambda: pkg_with_pe("valid"),
    "inf-surrogate": lambda: {"x.inf": b"\xff\xfe" + pkg_inf("[Inst.NT]\r\nCopyFiles=@drv.sys\r\n").decode().encode("utf-16-le")
                              + b"\x00\xdc", "drv.sys": b"flat"},
    "subst-bomb": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nCopyFiles=@drv.sys\r\n").replace(
        b"[Strings]\r\n", b'[Strings]\r\nBig="' + b"x" * 4000 + b'"\r\n') + b"[L]\r\n" + b"%Big%" * 2000 + b"\r\n",
        "drv.sys": b"flat"},
    "sections-100k": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nCopyFiles=@drv.sys\r\n" + "".join(
        "[S%d]\r\nCopyFiles=@drv.sys\r\n" % i for i in range(100000))), "drv.sys": b"flat"},
    "driverver-invalid": lambda: {"x.inf": pkg_inf("[Inst.NT]\r\nCopyFiles=@drv.sys\r\n").replace(
        b"01/01/2024", b"13/40/2024"), "drv.sys": b"flat"},
    "member-fifo": None,
}

# --------------------------------------------------------------------------
# Certificates and keys: a throwaway CA and signer (python3-cryptography),
# the signed catalog they make, and broken trust-anchor files.
# --------------------------------------------------------------------------

_PKI = {}


def pki():
    if _PKI:
        return _PKI
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    t0 = datetime.datetime(2020, 1, 1)
    t1 = datetime.datetime(2040, 1, 1)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (x509.CertificateBuilder().subject_name(name("drvcat hostile CA")).issuer_name(name("drvcat hostile CA"))
          .public_key(ca_key.public_key()).serial_number(1).not_valid_before(t0).not_valid_after(t1)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (x509.CertificateBuilder().subject_name(name("drvcat hostile signer")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2).not_valid_before(t0).not_valid_after(t1)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    der = lambda c: c.public_bytes(serialization.Encoding.DER)
    ctl_der = ctl()
    auth = set_of(
        seq(oid("1.2.840.113549.1.9.3"), set_of(oid(OID_CTL))),
        seq(oid("1.2.840.113549.1.9.4"), set_of(octets(hashlib.sha256(der_body(ctl_der)).digest()))))
    sig = key.sign(auth, padding.PKCS1v15(), hashes.SHA256())
    issuer_der = ca.subject.public_bytes()
    si = seq(integer(1), seq(issuer_der, integer(2)), seq(oid(OID_SHA256), NULL),
             tlv(0xA0, der_body(auth)),
             seq(oid("1.2.840.113549.1.1.1"), NULL), octets(sig))
    signed = catalog(ctl_der=ctl_der, certs=tlv(0xA0, der(leaf) + der(ca)),
                     digest_algs=set_of(seq(oid(OID_SHA256), NULL)), signer_infos=set_of(si))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    from cryptography.hazmat.primitives.serialization import pkcs12
    nopass = serialization.NoEncryption()
    pkcs8 = serialization.PrivateFormat.PKCS8
    _PKI.update(
        key_der=key.private_bytes(serialization.Encoding.DER, pkcs8, nopass),
        key_enc_pem=key.private_bytes(serialization.Encoding.PEM, pkcs8,
                                      serialization.BestAvailableEncryption(b"right passphrase")),
        other_key_pem=other.private_bytes(serialization.Encoding.PEM, pkcs8, nopass),
        pfx=pkcs12.serialize_key_and_certificates(b"drvcat", key, leaf, [ca],
                                                  serialization.BestAvailableEncryption(b"right passphrase")),
        pfx_certs_only=pkcs12.serialize_key_and_certificates(b"drvcat", None, leaf, [ca],
                                                             serialization.BestAvailableEncryption(b"right passphrase")))
    _PKI.update(ca_pem=ca.public_bytes(serialization.Encoding.PEM), ca_der=der(ca), signed=signed,
                leaf_pem=leaf.public_bytes(serialization.Encoding.PEM),
                key_pem=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return _PKI


def pem(label, body):
    import base64
    b64 = base64.encodebytes(body).replace(b"\n", b"")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return b"-----BEGIN %s-----\n" % label + b"\n".join(lines) + b"\n-----END %s-----\n" % label


CERT = {
    "valid-pem": lambda: pki()["ca_pem"],
    "valid-der": lambda: pki()["ca_der"],
    "empty": lambda: b"",
    "garbage": lambda: bytes(range(256)),
    "pem-truncated": lambda: pki()["ca_pem"][:200],
    "pem-no-end": lambda: pki()["ca_pem"].rsplit(b"-----END", 1)[0],
    "pem-bad-base64": lambda: b"-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n-----END CERTIFICATE-----\n",
    "pem-empty-body": lambda: b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    "pem-der-garbage": lambda: pem(b"CERTIFICATE", b"\x30\x03\x02\x01\x01"),
    "pem-der-truncated": lambda: pem(b"CERTIFICATE", pki()["ca_der"][:-40]),
    "pem-der-indefinite": lambda: pem(b"CERTIFICATE", b"\x30\x80" + pki()["ca_der"][4:] + b"\0\0"),
    "pem-der-len-2p32-1": lambda: pem(b"CERTIFICATE", b"\x30\x84\xff\xff\xff\xff" + pki()["ca_der"][4:]),
    "pem-depth-bomb": lambda: pem(b"CERTIFICATE", nest(2000)),
    "pem-private-key": lambda: pki()["key_pem"],
    "der-truncated": lambda: pki()["ca_der"][:-1],
    "pem-line-1mib": lambda: b"-----BEGIN CERTIFICATE-----\n" + b"A" * (1 << 20) + b"\n-----END CERTIFICATE-----\n",
    "directory": None,
    "missing": None,
}

# Signing material for drvcat sign: what goes in each file of a key:NAME
# fixture (cert.pem, key.pem, x.pfx, pass); x.cat is the valid unsigned catalog.
GOOD_KEY = {"cert.pem": lambda: pki()["leaf_pem"], "key.pem": lambda: pki()["key_pem"]}
KEY = {
    "valid": {},
    "valid-der-key": {"key.pem": lambda: pki()["key_der"]},
    "key-empty": {"key.pem": lambda: b""},
    "key-garbage": {"key.pem": lambda: bytes(range(256)) * 4},
    "key-pem-truncated": {"key.pem": lambda: pki()["key_pem"][:300]},
    "key-pem-bad-base64": {"key.pem": lambda: b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"},
    "key-der-truncated": {"key.pem": lambda: pki()["key_der"][:-20]},
    "key-der-len-2p32-1": {"key.pem": lambda: b"\x30\x84\xff\xff\xff\xff" + pki()["key_der"][4:]},
    "key-depth-bomb": {"key.pem": lambda: nest(5000)},
    "key-is-certificate": {"key.pem": lambda: pki()["leaf_pem"]},
    "key-mismatch": {"key.pem": lambda: pki()["other_key_pem"]},
    "key-encrypted-wrong-pass": {"key.pem": lambda: pki()["key_enc_pem"], "pass": lambda: b"wrong passphrase\n"},
    "key-encrypted-empty-pass": {"key.pem": lambda: pki()["key_enc_pem"], "pass": lambda: b""},
    "key-line-1mib": {"key.pem": lambda: b"-----BEGIN PRIVATE KEY-----\n" + b"A" * (1 << 20) + b"\n-----END PRIVATE KEY-----\n"},
    "cert-empty": {"cert.pem": lambda: b""},
    "cert-garbage": {"cert.pem": lambda: bytes(range(256))},
    "cert-truncated": {"cert.pem": lambda: pki()["leaf_pem"][:200]},
    "cert-is-key": {"cert.pem": lambda: pki()["key_pem"]},
    "cert-der-len-2p32-1": {"cert.pem": lambda: pem(b"CERTIFICATE", b"\x30\x84\xff\xff\xff\xff" + pki()["ca_der"][4:])},
    "pfx-valid": {"x.pfx": lambda: pki()["pfx"], "pass": lambda: b"right passphrase\n"},
    "pfx-garbage": {"x.pfx": lambda: bytes(range(256)), "pass": lambda: b"x\n"},
    "pfx-empty": {"x.pfx": lambda: b"", "pass": lambda: b"x\n"},
    "pfx-truncated": {"x.pfx": lambda: pki()["pfx"][:-100], "pass": lambda: b"right passphrase\n"},
    "pfx-wrong-pass": {"x.pfx": lambda: pki()["pfx"], "pass": lambda: b"wrong passphrase\n"},
    "pfx-no-key": {"x.pfx": lambda: pki()["pfx_certs_only"], "pass": lambda: b"right passphrase\n"},
    "pfx-len-2p32-1": {"x.pfx": lambda: b"\x30\x84\xff\xff\xff\xff" + pki()["pfx"][4:], "pass": lambda: b"x\n"},
    "catalog-indefinite": {"x.cat": lambda: CAT["indefinite-top"]()},
    "catalog-empty": {"x.cat": lambda: b""},
    "catalog-trailing": {"x.cat": lambda: catalog() + b"\0"},
    "catalog-wrong-content-type": {"x.cat": lambda: CAT["wrong-content-type"]()},
    "catalog-member-attr-oid-overflow": {"x.cat": lambda: CAT["member-attr-oid-overflow"]()},
    "catalog-nv-value-surrogate": {"x.cat": lambda: CAT["nv-value-surrogate"]()},
    "catalog-cert-garbage": {"x.cat": lambda: CAT["cert-garbage"]()},
    "pass-file-missing": {"key.pem": lambda: pki()["key_enc_pem"]},
}


# --------------------------------------------------------------------------

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def make_fixture(spec, d):
    kind, _, rest = spec.partition(":")
    name, _, arg = rest.partition(":")
    os.makedirs(d, exist_ok=True)
    if kind == "inf":
        target = os.path.join(d, "x.inf")
        if name == "too-large":         # sparse: 64 MiB + 1 byte, the INF limit + 1
            with open(target, "wb") as f:
                f.write(INF_VALID.encode())
                f.truncate(64 * 1024 * 1024 + 1)
        elif name == "directory":
            os.mkdir(target)
        elif name == "fifo":
            os.mkfifo(target)
        elif name == "dev-zero":
            os.symlink("/dev/zero", target)
        elif name == "missing":
            pass
        else:
            write(target, INF[name]())
    elif kind == "pe":
        target = os.path.join(d, "x.sys")
        if name == "over-4gib":         # sparse: "MZ" then 4 GiB of holes
            with open(target, "wb") as f:
                f.write(pe())
                f.truncate((1 << 32) + 8)
        elif name == "fifo":
            os.mkfifo(target)
        elif name == "directory":
            os.mkdir(target)
        else:
            write(target, PE[name]())
    elif kind == "cat":
        target = os.path.join(d, "x.cat")
        if name == "many-members":
            write(target, cat_many_members(int(arg)))
        elif name == "truncated":
            write(target, cat_truncated(int(arg, 0)))
        elif name == "signed":
            write(target, pki()["signed"])
        elif name == "fifo":
            os.mkfifo(target)
        elif name == "signed-unknown-digest":   # digestAlgorithms names no digest OpenSSL knows
            old = set_of(seq(oid(OID_SHA256), NULL))
            write(target, pki()["signed"].replace(old, set_of(seq(oid("2.16.840.1.101.3.4.46.1"), NULL))))
        elif name == "signed-tampered":
            s = bytearray(pki()["signed"])
            i = s.find(b"_v100_X64".decode().encode("utf-16-le"))
            s[i] ^= 0x01
            write(target, bytes(s))
        else:
            write(target, CAT[name]())
    elif kind == "pkg":
        if name == "member-fifo":
            files = {"x.inf": pkg_inf("[Inst.NT]\r\nCopyFiles=@drv.sys\r\n")}
        else:
            files = PKG[name]()
        for rel, data in files.items():
            write(os.path.join(d, "pkg", rel), data)
        if name == "member-fifo":
            os.mkfifo(os.path.join(d, "pkg", "drv.sys"))
    elif kind == "pkgcat":               # a complete package whose catalog is CAT[name]
        for rel, data in pkg_with_pe("valid").items():
            write(os.path.join(d, "pkg", rel), data)
        write(os.path.join(d, "pkg", "x.cat"), pki()["signed"] if name == "signed" else CAT[name]())
    elif kind == "cert":
        write(os.path.join(d, "signed.cat"), pki()["signed"])
        target = os.path.join(d, "bad.pem")
        if name == "directory":
            os.mkdir(target)
        elif name == "missing":
            pass
        else:
            write(target, CERT[name]())
    elif kind == "key":
        files = {"x.cat": lambda: catalog()}
        if not name.startswith("pfx"):
            files.update(GOOD_KEY)
        files.update(KEY[name])
        for rel, make in files.items():
            write(os.path.join(d, rel), make())
    else:
        raise SystemExit("gen.py: unknown fixture kind in %r" % spec)


def read_cases(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 5:
                raise SystemExit("%s:%d: want id, fixture, status, command, expectation..." % (path, n))
            rows.append(cols)
    return rows


def bats(rows):
    out = ["#!/usr/bin/env bats",
           "# GENERATED by `tests/hostile/gen.py --bats tests/hostile/cases.tsv`: do not edit;",
           "# edit tests/hostile/cases.tsv (the table) or tests/hostile/lib.bash (the checks).",
           "# One test per row: the hostile file is made by tests/hostile/gen.py, drvcat runs",
           "# on it, and the exit status, the exact expected line, a clean sanitizer run and",
           "# an untouched case directory (no output or temporary file left) are checked.",
           "",
           "load helpers",
           "load lib",
           "load ../hostile/lib",
           "",
           "@test \"hostile: this file lists every case of cases.tsv\" {",
           "\thostile_check_table",
           "}",
           ""]
    for cols in rows:
        out.append('@test "hostile %s" {\n\thostile_case %s\n}\n' % (cols[0], cols[0]))
    return "\n".join(out)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--bats":
        sys.stdout.write(bats(read_cases(sys.argv[2])))
        return
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    rows = read_cases(sys.argv[1])
    seen = set()
    for cols in rows:
        if cols[0] in seen:
            raise SystemExit("gen.py: duplicate case id %s" % cols[0])
        seen.add(cols[0])
        make_fixture(cols[1], os.path.join(sys.argv[2], cols[0]))


if __name__ == "__main__":
    main()
