#!/usr/bin/python3
"""List the members of a Windows security catalog (.cat) as JSON.

usage: catmembers.py FILE.cat

An independent reader for tests (it shares no code with drvcat). Layout:
shared/docs/catalog-format.md sections 1-4. Needs Debian's python3-asn1crypto,
hence /usr/bin/python3.

Output: {"os": str|null, "hwids": [HWID1, HWID2, ...], "version": 1|2|null,
         "members": [{"tag": UPPER-HEX, "file": str|null, "osattr": str|null,
                      "digest_alg": "sha1"|"sha256"|null, "digest": lower-hex|null,
                      "kind": "PE"|"flat"|"CAB"|null}]}
Members are listed in stored order. "version" comes from the CTL subjectAlgorithm
(1.3.6.1.4.1.311.12.1.2 -> 1, .12.1.3 -> 2, anything else -> null; section 2 row 7).
"kind" comes from the SPC_INDIRECT_DATA data type (1.3.6.1.4.1.311.2.1.15 PE,
.2.1.25 flat, .2.1.28 CAB; section 3.5) and, for members without indirect data
(v2 SHA-1 compatibility entries), from the CAT_MEMBERINFO2 context tag
([0] PE, [1] CAB, [2] flat; section 3.4); null when neither says.
"tag" is the raw subjectIdentifier: in v1 catalogs that is the UTF-16LE text of
the hex digest plus a NUL, so it reads "38004200..."; in v2 catalogs it is the
digest itself. Name/value strings are UTF-16LE with the
terminating NUL removed; DATABASE64 values are shown base64-encoded, as in the
MakeCat CDF they came from and as osslsigncode prints them.
"""
import base64
import json
import re
import sys

from asn1crypto import algos, cms, parser, x509
from asn1crypto.core import (Any, BMPString, Boolean, Integer, ObjectIdentifier,
                             OctetString, Sequence, SequenceOf, SetOf)

OID_SIGNED_DATA = '1.2.840.113549.1.7.2'
OID_CTL = '1.3.6.1.4.1.311.10.1'
OID_CAT_NAMEVALUE = '1.3.6.1.4.1.311.12.2.1'
OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4'
OID_CAT_MEMBERINFO2 = '1.3.6.1.4.1.311.12.2.3'
# CTL subjectAlgorithm -> catalog version (section 2, row 7)
CATALOG_VERSIONS = {'1.3.6.1.4.1.311.12.1.2': 1, '1.3.6.1.4.1.311.12.1.3': 2}
# SPC_INDIRECT_DATA data.type -> member kind (section 3.5)
INDIRECT_KINDS = {'1.3.6.1.4.1.311.2.1.15': 'PE', '1.3.6.1.4.1.311.2.1.25': 'flat',
                  '1.3.6.1.4.1.311.2.1.28': 'CAB'}
# CAT_MEMBERINFO2 value: one empty context-specific primitive [n] (section 3.4)
MEMBERINFO2_KINDS = {0: 'PE', 1: 'CAB', 2: 'flat'}
CRYPTCAT_ATTR_DATABASE64 = 0x00020000


class CatError(Exception):
    pass


class NameValue(Sequence):  # CAT_NAMEVALUE (section 3.3)
    _fields = [('name', BMPString), ('flags', Integer), ('value', OctetString)]


class SpcAttributeTypeAndOptionalValue(Sequence):
    _fields = [('type', ObjectIdentifier), ('value', Any, {'optional': True})]


class DigestInfo(Sequence):
    _fields = [('digest_algorithm', algos.DigestAlgorithm), ('digest', OctetString)]


class SpcIndirectDataContent(Sequence):  # section 3.5
    _fields = [('data', SpcAttributeTypeAndOptionalValue), ('message_digest', DigestInfo)]


class AnySet(SetOf):
    _child_spec = Any


class SubjectAttribute(Sequence):
    _fields = [('type', ObjectIdentifier), ('values', AnySet)]


class SubjectAttributes(SetOf):
    _child_spec = SubjectAttribute


class TrustedSubject(Sequence):  # section 3
    _fields = [('identifier', OctetString),
               ('attributes', SubjectAttributes, {'optional': True})]


class TrustedSubjects(SequenceOf):
    _child_spec = TrustedSubject


class SubjectUsage(SequenceOf):
    _child_spec = ObjectIdentifier


class SubjectAlgorithm(Sequence):
    _fields = [('algorithm', ObjectIdentifier), ('parameters', Any, {'optional': True})]


class CtlExtension(Sequence):  # catalogs omit 'critical' (section 2, row 9)
    _fields = [('extn_id', ObjectIdentifier), ('critical', Boolean, {'default': False}),
               ('extn_value', OctetString)]


class CtlExtensions(SequenceOf):
    _child_spec = CtlExtension


class CertificateTrustList(Sequence):  # section 2 (MS-CAESO; Wine CRYPT_AsnDecodeCTL)
    _fields = [
        ('version', Integer, {'default': 0}),
        ('subject_usage', SubjectUsage),
        ('list_identifier', OctetString, {'optional': True}),
        ('sequence_number', Integer, {'optional': True}),
        ('this_update', x509.Time),
        ('next_update', x509.Time, {'optional': True}),
        ('subject_algorithm', SubjectAlgorithm),
        ('trusted_subjects', TrustedSubjects, {'optional': True}),
        ('extensions', CtlExtensions, {'explicit': 0, 'optional': True}),
    ]


# PKCS#7 (not CMS) ContentInfo: the CTL sits directly in [0], with no
# OCTET STRING around it, which is why asn1crypto's cms.SignedData cannot be used.
class CtlContentInfo(Sequence):
    _fields = [('content_type', ObjectIdentifier),
               ('content', CertificateTrustList, {'explicit': 0, 'optional': True})]


class SignedData(Sequence):
    _fields = [
        ('version', Integer),
        ('digest_algorithms', cms.DigestAlgorithms),
        ('content_info', CtlContentInfo),
        ('certificates', cms.CertificateSet, {'implicit': 0, 'optional': True}),
        ('crls', cms.RevocationInfoChoices, {'implicit': 1, 'optional': True}),
        ('signer_infos', cms.SignerInfos),
    ]


class ContentInfo(Sequence):
    _fields = [('content_type', ObjectIdentifier), ('content', SignedData, {'explicit': 0})]


def name_value(nv):
    """(name, text) of a CAT_NAMEVALUE."""
    raw = nv['value'].native
    if nv['flags'].native & CRYPTCAT_ATTR_DATABASE64:
        return nv['name'].native, base64.b64encode(raw).decode('ascii')
    if len(raw) % 2 or not raw.endswith(b'\0\0'):
        raise CatError(f"value of '{nv['name'].native}' is not NUL-terminated UTF-16LE")
    return nv['name'].native, raw[:-2].decode('utf-16-le')


def put_once(attrs, name, value, where):
    if name in attrs:
        raise CatError(f"{where}: duplicate attribute '{name}'")
    attrs[name] = value


def single_value(attr, where):
    if len(attr['values']) != 1:
        raise CatError(f"{where}: attribute {attr['type'].dotted} has "
                       f"{len(attr['values'])} values, expected 1")
    return attr['values'][0]


def member(subject):
    tag = subject['identifier'].native.hex().upper()
    where = f'member {tag}'
    names, alg, digest = {}, None, None
    indirect_kind, info2_kind = None, None
    for attr in subject['attributes'] or []:
        oid = attr['type'].dotted
        if oid == OID_CAT_NAMEVALUE:
            nv = single_value(attr, where).parse(NameValue)
            put_once(names, *name_value(nv), where)
        elif oid == OID_SPC_INDIRECT_DATA:
            if alg is not None:
                raise CatError(f'{where}: duplicate SPC_INDIRECT_DATA')
            ind = single_value(attr, where).parse(SpcIndirectDataContent)
            alg = ind['message_digest']['digest_algorithm']['algorithm'].native
            digest = ind['message_digest']['digest'].native.hex()
            indirect_kind = INDIRECT_KINDS.get(ind['data']['type'].dotted)
        elif oid == OID_CAT_MEMBERINFO2:
            single_value(attr, where)
            # The SET holds exactly one value, so its contents are that value's
            # encoding: a context-specific (class 2) primitive [n], n = the SIP.
            cls, method, number, _, _, _ = parser.parse(attr['values'].contents, strict=True)
            if cls == 2 and method == 0:
                info2_kind = MEMBERINFO2_KINDS.get(number)
    return {'tag': tag, 'file': names.get('File'), 'osattr': names.get('OSAttr'),
            'digest_alg': alg, 'digest': digest,
            'kind': indirect_kind if indirect_kind is not None else info2_kind}


def catalog(data):
    if data[:1] != b'\x30':
        raise CatError('not a DER SEQUENCE, so not a PKCS#7 ContentInfo')
    outer = ContentInfo.load(data, strict=True)
    if outer['content_type'].dotted != OID_SIGNED_DATA:
        raise CatError(f"not PKCS#7 signedData (contentType {outer['content_type'].dotted})")
    inner = outer['content']['content_info']
    if inner['content_type'].dotted != OID_CTL:
        raise CatError(f"content is not a CTL (contentType {inner['content_type'].dotted})")
    ctl = inner['content']
    if not isinstance(ctl, CertificateTrustList):
        raise CatError('CTL content is missing')

    attrs = {}  # catalog attributes (section 4): extensions whose value is a NameValue
    for ext in ctl['extensions'] or []:
        if ext['extn_id'].dotted == OID_CAT_NAMEVALUE:
            nv = NameValue.load(ext['extn_value'].native, strict=True)
            put_once(attrs, *name_value(nv), 'catalog')

    hwids = {int(m[1]): v for k, v in attrs.items()
             if (m := re.fullmatch(r'HWID([1-9][0-9]*)', k))}
    if sorted(hwids) != list(range(1, len(hwids) + 1)):
        raise CatError(f'HWIDn attributes are not numbered 1..{len(hwids)}: {sorted(hwids)}')
    return {'os': attrs.get('OS'),
            'hwids': [hwids[n] for n in sorted(hwids)],
            'version': CATALOG_VERSIONS.get(ctl['subject_algorithm']['algorithm'].dotted),
            'members': [member(s) for s in ctl['trusted_subjects'] or []]}


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: catmembers.py FILE.cat')
    path = sys.argv[1]
    try:
        with open(path, 'rb') as f:
            result = catalog(f.read())
    except OSError as e:
        reason = e.strerror
    except (CatError, ValueError, TypeError) as e:
        # asn1crypto messages span lines ("... while parsing X"): keep one line.
        reason = ' '.join(str(e).split())
    else:
        json.dump(result, sys.stdout, indent=2)
        print()
        return
    sys.exit(f'catmembers.py: {path}: {reason}')


if __name__ == '__main__':
    main()
