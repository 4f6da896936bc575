/* oids.h - the object identifiers of catalogs and Authenticode (catalog-format.md §1-§6). */
#ifndef DRVCAT_CAT_OIDS_H
#define DRVCAT_CAT_OIDS_H

#define OID_PKCS7_SIGNED "1.2.840.113549.1.7.2"
#define OID_CTL "1.3.6.1.4.1.311.10.1"                   /* szOID_CTL */
#define OID_CATALOG_LIST "1.3.6.1.4.1.311.12.1.1"        /* subjectUsage */
#define OID_CATALOG_LIST_MEMBER "1.3.6.1.4.1.311.12.1.2" /* v1: SHA-1 members */
#define OID_CATALOG_LIST_MEMBER2 "1.3.6.1.4.1.311.12.1.3" /* v2: SHA-256 members */
#define OID_CAT_NAMEVALUE "1.3.6.1.4.1.311.12.2.1"
#define OID_CAT_MEMBERINFO "1.3.6.1.4.1.311.12.2.2"
#define OID_CAT_MEMBERINFO2 "1.3.6.1.4.1.311.12.2.3"
#define OID_SPC_INDIRECT_DATA "1.3.6.1.4.1.311.2.1.4"
#define OID_SPC_PE_IMAGE_DATA "1.3.6.1.4.1.311.2.1.15"
#define OID_SPC_CAB_DATA "1.3.6.1.4.1.311.2.1.25"
#define OID_SPC_LINK "1.3.6.1.4.1.311.2.1.28"
#define OID_PAGE_HASHES_V1 "1.3.6.1.4.1.311.2.3.1"        /* SHA-1 page-hash table */
#define OID_PAGE_HASHES_V2 "1.3.6.1.4.1.311.2.3.2"        /* SHA-256 page-hash table */
#define OID_SHA1 "1.3.14.3.2.26"
#define OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define OID_RFC3161_TIMESTAMP "1.3.6.1.4.1.311.3.3.1"
#define OID_COUNTERSIGNATURE "1.2.840.113549.1.9.6"
#define OID_SHA384 "2.16.840.1.101.3.4.2.2"
#define OID_SHA512 "2.16.840.1.101.3.4.2.3"
#define OID_MD5 "1.2.840.113549.2.5"

/*
 * The same OIDs as DER content octets (what follows 06 LL), as byte lists
 * for static const arrays: the reader compares OIDs by their bytes
 * (DER_OID_IS, src/asn1/der.h) instead of formatting them as text.
 * tests/unit/test_cat.c checks every one against its dotted form above.
 * 1.3.6.1.4.1.311 is 2b 06 01 04 01 82 37.
 */
#define OID_DER_MS 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37
#define OID_DER_PKCS7_SIGNED 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02
#define OID_DER_CTL OID_DER_MS, 0x0a, 0x01
#define OID_DER_CATALOG_LIST OID_DER_MS, 0x0c, 0x01, 0x01
#define OID_DER_CATALOG_LIST_MEMBER OID_DER_MS, 0x0c, 0x01, 0x02
#define OID_DER_CATALOG_LIST_MEMBER2 OID_DER_MS, 0x0c, 0x01, 0x03
#define OID_DER_CAT_NAMEVALUE OID_DER_MS, 0x0c, 0x02, 0x01
#define OID_DER_CAT_MEMBERINFO OID_DER_MS, 0x0c, 0x02, 0x02
#define OID_DER_CAT_MEMBERINFO2 OID_DER_MS, 0x0c, 0x02, 0x03
#define OID_DER_SPC_INDIRECT_DATA OID_DER_MS, 0x02, 0x01, 0x04
#define OID_DER_SPC_PE_IMAGE_DATA OID_DER_MS, 0x02, 0x01, 0x0f
#define OID_DER_SPC_CAB_DATA OID_DER_MS, 0x02, 0x01, 0x19
#define OID_DER_SPC_LINK OID_DER_MS, 0x02, 0x01, 0x1c
#define OID_DER_PAGE_HASHES_V1 OID_DER_MS, 0x02, 0x03, 0x01
#define OID_DER_PAGE_HASHES_V2 OID_DER_MS, 0x02, 0x03, 0x02
#define OID_DER_SHA1 0x2b, 0x0e, 0x03, 0x02, 0x1a
#define OID_DER_SHA256 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01
#define OID_DER_SHA384 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02
#define OID_DER_SHA512 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03
#define OID_DER_MD5 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05
#define OID_DER_RFC3161_TIMESTAMP OID_DER_MS, 0x03, 0x03, 0x01
#define OID_DER_COUNTERSIGNATURE 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x06

/* SIP GUIDs as CAT_MEMBERINFO writes them (§3.4). */
#define SIP_GUID_PE "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}"
#define SIP_GUID_CAB "{C689AABA-8E78-11D0-8C47-00C04FC295EE}"
#define SIP_GUID_FLAT "{DE351A42-8E59-11D0-8C47-00C04FC295EE}"

#endif
