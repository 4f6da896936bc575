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

/* SIP GUIDs as CAT_MEMBERINFO writes them (§3.4). */
#define SIP_GUID_PE "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}"
#define SIP_GUID_CAB "{C689AABA-8E78-11D0-8C47-00C04FC295EE}"
#define SIP_GUID_FLAT "{DE351A42-8E59-11D0-8C47-00C04FC295EE}"

#endif
