/*
 * cat.h - Windows security catalogs (catalog-format.md): the in-memory model,
 * the strict reader (cat_read_*) and the writer (cat_write).
 *
 * A catalog is PKCS#7 SignedData whose content is a Microsoft
 * CertificateTrustList (OID 1.3.6.1.4.1.311.10.1): one TrustedSubject per
 * member file (tag = its hash), with name/value attributes (File, OSAttr),
 * member info (SIP GUID / MEMBERINFO2) and SPC_INDIRECT_DATA (the digest a
 * verifier compares), plus catalog-level name/value attributes (OS, HWIDn).
 */
#ifndef DRVCAT_CAT_CAT_H
#define DRVCAT_CAT_CAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

#define CAT_NV_AUTHENTICATED 0x10000000u
#define CAT_NV_NAMEASCII 0x00000001u
#define CAT_NV_DATAASCII 0x00010000u
#define CAT_NV_DATABASE64 0x00020000u
#define CAT_NV_INF2CAT (CAT_NV_AUTHENTICATED | CAT_NV_DATAASCII | CAT_NV_NAMEASCII)

enum cat_kind { CAT_KIND_UNKNOWN, CAT_KIND_PE, CAT_KIND_FLAT, CAT_KIND_CAB };
enum cat_digest { CAT_DIGEST_NONE, CAT_DIGEST_SHA1, CAT_DIGEST_SHA256 };

/* A CAT_NAMEVALUE attribute: value is UTF-8 text (base64 for DATABASE64 values). */
struct cat_namevalue {
	char *name;
	uint32_t flags;
	char *value;
};

struct cat_member {
	unsigned char *tag;
	size_t tag_len;
	char *tag_text;            /* v1: the UTF-16 text; v2: upper-case hex of the bytes */
	char *file;                /* File attribute, or NULL */
	char *osattr;              /* OSAttr attribute, or NULL */
	enum cat_kind kind;
	enum cat_digest digest_alg; /* SPC_INDIRECT_DATA digest, NONE when absent */
	unsigned char digest[32];
	size_t digest_len;
	bool page_hashes;          /* SpcPeImageData carries a page-hash table */
	struct cat_namevalue *attrs;
	size_t nattrs;
};

struct cat_signer {
	char *subject, *issuer, *serial;  /* OpenSSL one-line forms; serial upper-case hex */
	int64_t not_before, not_after;
	char *digest;                     /* "sha256", ... */
	const char *timestamp;            /* "rfc3161", "authenticode" or NULL */
	int64_t timestamp_time;
};

struct catalog {
	unsigned version;          /* 1 (SHA-1 members) or 2 (SHA-256 + SHA-1 compat) */
	unsigned char list_id[64];
	size_t list_id_len;
	int64_t this_update;       /* seconds since 1970, UTC */
	struct cat_namevalue *attrs;
	size_t nattrs;
	struct cat_member *members;
	size_t nmembers;
	size_t ctl_body_offset, ctl_body_len; /* the CTL's content octets (what is signed) */
	struct cat_signer *signers;
	size_t nsigners;
	size_t ncerts;
};

/* Reads a catalog file (at most CAT_MAX_FILE bytes). */
#define CAT_MAX_FILE (256u * 1024u * 1024u)
int cat_read_file(struct catalog **out, const char *path, struct dc_error *err);
int cat_read_buffer(struct catalog **out, const unsigned char *data, size_t len,
		    const char *name, struct dc_error *err);
void cat_free(struct catalog *c);

const char *cat_kind_name(enum cat_kind k);
const char *cat_digest_name(enum cat_digest d);
/* An OpenSSL ASN1_TIME as seconds since 1970 (0 when absent or invalid). */
typedef struct asn1_string_st ASN1_TIME_FWD;
int64_t cat_asn1_time_epoch(const ASN1_TIME_FWD *t);

/* A catalog-level attribute by name (case-insensitive), or NULL. */
const char *cat_attr(const struct catalog *c, const char *name);

#endif
