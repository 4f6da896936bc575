/*
 * read.c - the strict catalog reader (catalog-format.md §1-§4, §6): DER only,
 * every element inside its parent, every field checked.  Certificates are
 * decoded with OpenSSL (d2i_X509 on the exact element bytes) for their names.
 *
 * One walk serves two callers: cat_read_buffer decodes every member into the
 * model (show, verify); cat_read_layout (layout.h) makes the same checks,
 * with the same messages, but keeps no member and decodes no string, only
 * checking the UTF-16 (sign, timestamp).  OIDs are compared by their DER
 * bytes (oids.h OID_DER_*); one that matches nothing known is checked for
 * well-formedness, so a malformed OID is reported as such.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/x509.h>

#include "../asn1/der.h"
#include "../util/buf.h"
#include "../util/fs.h"
#include "../util/str.h"
#include "../util/text.h"
#include "cat.h"
#include "layout.h"
#include "oids.h"

static const unsigned char oid_pkcs7_signed[] = { OID_DER_PKCS7_SIGNED };
static const unsigned char oid_ctl[] = { OID_DER_CTL };
static const unsigned char oid_member_v1[] = { OID_DER_CATALOG_LIST_MEMBER };
static const unsigned char oid_member_v2[] = { OID_DER_CATALOG_LIST_MEMBER2 };
static const unsigned char oid_namevalue[] = { OID_DER_CAT_NAMEVALUE };
static const unsigned char oid_memberinfo[] = { OID_DER_CAT_MEMBERINFO };
static const unsigned char oid_memberinfo2[] = { OID_DER_CAT_MEMBERINFO2 };
static const unsigned char oid_indirect[] = { OID_DER_SPC_INDIRECT_DATA };
static const unsigned char oid_pe_image_data[] = { OID_DER_SPC_PE_IMAGE_DATA };
static const unsigned char oid_cab_data[] = { OID_DER_SPC_CAB_DATA };
static const unsigned char oid_link[] = { OID_DER_SPC_LINK };
static const unsigned char oid_sha1[] = { OID_DER_SHA1 };
static const unsigned char oid_sha256[] = { OID_DER_SHA256 };
static const unsigned char oid_sha384[] = { OID_DER_SHA384 };
static const unsigned char oid_sha512[] = { OID_DER_SHA512 };
static const unsigned char oid_md5[] = { OID_DER_MD5 };
static const unsigned char oid_rfc3161[] = { OID_DER_RFC3161_TIMESTAMP };
static const unsigned char oid_countersignature[] = { OID_DER_COUNTERSIGNATURE };

const char *cat_kind_name(enum cat_kind k)
{
	switch (k) {
	case CAT_KIND_PE: return "PE";
	case CAT_KIND_FLAT: return "flat";
	case CAT_KIND_CAB: return "CAB";
	default: return "unknown";
	}
}

const char *cat_digest_name(enum cat_digest d)
{
	switch (d) {
	case CAT_DIGEST_SHA1: return "sha1";
	case CAT_DIGEST_SHA256: return "sha256";
	default: return "none";
	}
}

const char *cat_attr(const struct catalog *c, const char *name)
{
	for (size_t i = 0; i < c->nattrs; i++)
		if (dc_strcaseeq(c->attrs[i].name, name))
			return c->attrs[i].value;
	return NULL;
}

static char *hex_upper(const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	char *s = malloc(n * 2 + 1);

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[n * 2] = '\0';
	return s;
}

static char *base64(const unsigned char *p, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *s = malloc((n + 2) / 3 * 4 + 1), *o = s;

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		*o++ = tbl[(v >> 18) & 63];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? tbl[v & 63] : '=';
	}
	*o = '\0';
	return s;
}

/*
 * NameValue ::= SEQUENCE { name BMPString, flags INTEGER, value OCTET STRING } (§3.3).
 * decode false: nv gets only the flags; the strings are checked, not kept.
 */
static int read_namevalue(const struct der *d, const struct der_elem *e, bool decode,
			  struct cat_namevalue *nv, struct dc_error *err)
{
	struct der in;
	struct der_elem name, flags, value;
	uint64_t f;
	int rc;

	memset(nv, 0, sizeof(*nv));
	if (e->id != DER_SEQUENCE)
		return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: name/value attribute is not a SEQUENCE",
				    d->name, e->offset);
	der_enter(d, e, &in);
	if ((rc = der_expect(&in, &name, DER_BMPSTRING, "attribute name", err)) ||
	    (rc = der_expect(&in, &flags, DER_INTEGER, "attribute flags", err)) ||
	    (rc = der_expect(&in, &value, DER_OCTET_STRING, "attribute value", err)) ||
	    (rc = der_finish(&in, "name/value attribute", err)) ||
	    (rc = der_uint(&in, &flags, &f, err)))
		return rc;
	if (f > 0xFFFFFFFFu)
		return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: attribute flags exceed 32 bits",
				    d->name, flags.offset);
	nv->flags = (uint32_t)f;
	if ((rc = text_utf16_to_utf8(decode ? &nv->name : NULL, name.body, name.len, true, err)))
		return dc_error_prefix(err, "%s: offset 0x%zx: attribute name", d->name, name.offset);
	if (nv->flags & CAT_NV_DATABASE64) {
		if (decode && !(nv->value = base64(value.body, value.len)))
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	} else if ((rc = text_utf16_to_utf8(decode ? &nv->value : NULL, value.body, value.len, false, err))) {
		char *shown = nv->name;

		/* Checking only: the name is decoded here, for the message. */
		if (!decode && text_utf16_to_utf8(&shown, name.body, name.len, true, NULL))
			shown = NULL;
		dc_error_prefix(err, "%s: offset 0x%zx: value of attribute '%s'", d->name,
				value.offset, shown ? shown : "?");
		if (!decode)
			free(shown);
	}
	if (rc) {
		free(nv->name);
		nv->name = NULL;
	}
	return rc;
}

static void namevalue_free(struct cat_namevalue *nv)
{
	free(nv->name);
	free(nv->value);
}

/* Appends *nv to list (cap elements allocated); nv is freed on failure. */
static int push_attr(struct cat_namevalue **list, size_t *n, size_t *cap, struct cat_namevalue *nv,
		     struct dc_error *err)
{
	int rc = dc_array_grow((void **)list, cap, *n + 1, sizeof(**list), err);

	if (rc) {
		namevalue_free(nv);
		return rc;
	}
	(*list)[(*n)++] = *nv;
	return 0;
}

/* Gives an array grown by dc_array_grow back its slack (it keeps its contents if that fails). */
static void *shrink(void *items, size_t n, size_t elem)
{
	void *p;

	if (n == 0) {
		free(items);
		return NULL;
	}
	p = realloc(items, n * elem);
	return p ? p : items;
}

static enum cat_digest digest_of(const struct der_elem *oid)
{
	if (DER_OID_IS(oid, oid_sha1))
		return CAT_DIGEST_SHA1;
	if (DER_OID_IS(oid, oid_sha256))
		return CAT_DIGEST_SHA256;
	return CAT_DIGEST_NONE;
}

/*
 * SpcIndirectDataContent ::= SEQUENCE {
 *   data SEQUENCE { type OID, value ANY OPTIONAL },
 *   messageDigest SEQUENCE { AlgorithmIdentifier, digest OCTET STRING } }   (§3.5)
 */
static int read_indirect(const struct der *d, const struct der_elem *e, struct cat_member *m,
			 struct dc_error *err)
{
	struct der in, data, md, alg;
	struct der_elem data_e, type, value, md_e, alg_e, alg_oid, digest;
	int rc;

	if (e->id != DER_SEQUENCE)
		return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: SPC_INDIRECT_DATA is not a SEQUENCE",
				    d->name, e->offset);
	der_enter(d, e, &in);
	if ((rc = der_expect(&in, &data_e, DER_SEQUENCE, "indirect data", err)) ||
	    (rc = der_expect(&in, &md_e, DER_SEQUENCE, "indirect message digest", err)) ||
	    (rc = der_finish(&in, "SPC_INDIRECT_DATA", err)))
		return rc;
	der_enter(&in, &data_e, &data);
	if ((rc = der_expect(&data, &type, DER_OID, "indirect data type", err)))
		return rc;
	if (DER_OID_IS(&type, oid_pe_image_data)) {
		m->kind = CAT_KIND_PE;
		/* SpcPeImageData { flags, [0] SpcLink }: a moniker ([1]) link carries page hashes. */
		if (!der_at_end(&data) && !(rc = der_next(&data, &value, err)) && value.id == DER_SEQUENCE) {
			struct der pe;
			struct der_elem part;

			der_enter(&data, &value, &pe);
			while (!der_at_end(&pe) && !der_next(&pe, &part, NULL))
				if (part.id == 0xA0 && part.len > 0 && part.body[0] == 0xA1)
					m->page_hashes = true;
		}
		if (rc)
			return rc;
	} else if (DER_OID_IS(&type, oid_cab_data)) {
		m->kind = CAT_KIND_FLAT;
	} else if (DER_OID_IS(&type, oid_link)) {
		m->kind = CAT_KIND_CAB;
	} else if ((rc = der_oid_check(&data, &type, "indirect data type", err))) {
		return rc;
	}
	der_enter(&in, &md_e, &md);
	if ((rc = der_expect(&md, &alg_e, DER_SEQUENCE, "digest algorithm", err)) ||
	    (rc = der_expect(&md, &digest, DER_OCTET_STRING, "digest", err)) ||
	    (rc = der_finish(&md, "indirect message digest", err)))
		return rc;
	der_enter(&md, &alg_e, &alg);
	if ((rc = der_expect(&alg, &alg_oid, DER_OID, "digest algorithm", err)))
		return rc;
	m->digest_alg = digest_of(&alg_oid);
	if (m->digest_alg == CAT_DIGEST_NONE) {
		if ((rc = der_oid_check(&alg, &alg_oid, "member digest algorithm", err)))
			return rc;
		return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: member digest algorithm is neither SHA-1 nor SHA-256",
				    d->name, alg_oid.offset);
	}
	if (digest.len != (m->digest_alg == CAT_DIGEST_SHA1 ? 20u : 32u))
		return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: %s digest has %zu bytes",
				    d->name, digest.offset, cat_digest_name(m->digest_alg), digest.len);
	memcpy(m->digest, digest.body, digest.len);
	m->digest_len = digest.len;
	return 0;
}

/* CAT_MEMBERINFO { BMPString GUID, INTEGER }: the SIP GUID names the kind (§3.4); never an error. */
static enum cat_kind memberinfo_kind(const struct der *d, const struct der_elem *value)
{
	struct der mi;
	struct der_elem guid;
	enum cat_kind kind = CAT_KIND_UNKNOWN;
	char *text = NULL;

	der_enter(d, value, &mi);
	if (!der_expect(&mi, &guid, DER_BMPSTRING, "member info GUID", NULL) &&
	    !text_utf16_to_utf8(&text, guid.body, guid.len, true, NULL)) {
		if (dc_strcaseeq(text, SIP_GUID_PE))
			kind = CAT_KIND_PE;
		else if (dc_strcaseeq(text, SIP_GUID_FLAT))
			kind = CAT_KIND_FLAT;
		else if (dc_strcaseeq(text, SIP_GUID_CAB))
			kind = CAT_KIND_CAB;
	}
	free(text);
	return kind;
}

/*
 * TrustedSubject ::= SEQUENCE { tag OCTET STRING, attributes SET OF SEQUENCE { OID, SET OF ANY } }
 * decode false: every check, but m keeps no allocation (nothing to free).
 */
static int read_member(const struct der *d, const struct der_elem *e, unsigned version, bool decode,
		       struct cat_member *m, struct dc_error *err)
{
	struct der in, attrs;
	struct der_elem tag, set;
	size_t cap = 0;
	int rc = 0;

	der_enter(d, e, &in);
	if ((rc = der_expect(&in, &tag, DER_OCTET_STRING, "member tag", err)))
		return rc;
	if (decode) {
		m->tag = malloc(tag.len ? tag.len : 1);
		if (!m->tag)
			return dc_error_set(err, DC_ENOMEM, "out of memory");
		memcpy(m->tag, tag.body, tag.len);
		m->tag_len = tag.len;
	}
	if (version == 1 && tag.len >= 2)
		rc = text_utf16_to_utf8(decode ? &m->tag_text : NULL, tag.body, tag.len, false, err);
	else if (decode && !(m->tag_text = hex_upper(tag.body, tag.len)))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (rc)
		return dc_error_prefix(err, "%s: offset 0x%zx: member tag", d->name, tag.offset);
	if (der_at_end(&in))
		return 0;
	if ((rc = der_expect(&in, &set, DER_SET, "member attributes", err)) ||
	    (rc = der_finish(&in, "member", err)))
		return rc;
	der_enter(&in, &set, &attrs);
	while (!rc && !der_at_end(&attrs)) {
		struct der attr, values;
		struct der_elem attr_e, type, vals, value;

		if ((rc = der_expect(&attrs, &attr_e, DER_SEQUENCE, "member attribute", err)))
			break;
		der_enter(&attrs, &attr_e, &attr);
		if ((rc = der_expect(&attr, &type, DER_OID, "attribute type", err)) ||
		    (rc = der_expect(&attr, &vals, DER_SET, "attribute values", err)) ||
		    (rc = der_finish(&attr, "member attribute", err)))
			break;
		der_enter(&attr, &vals, &values);
		if ((rc = der_next(&values, &value, err))) {
			dc_error_prefix(err, "member attribute value");
			break;
		}
		if ((rc = der_finish(&values, "member attribute value set", err)))
			break;
		if (DER_OID_IS(&type, oid_namevalue)) {
			struct cat_namevalue nv;

			if ((rc = read_namevalue(&values, &value, decode, &nv, err)) || !decode)
				continue;
			if (dc_strcaseeq(nv.name, "File") && !m->file && !(m->file = strdup(nv.value)))
				rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			else if (dc_strcaseeq(nv.name, "OSAttr") && !m->osattr &&
				 !(m->osattr = strdup(nv.value)))
				rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			if (rc)
				namevalue_free(&nv);
			else
				rc = push_attr(&m->attrs, &m->nattrs, &cap, &nv, err);
		} else if (DER_OID_IS(&type, oid_indirect)) {
			rc = read_indirect(&values, &value, m, err);
		} else if (DER_OID_IS(&type, oid_memberinfo2)) {
			/* [0] PE, [1] CAB, [2] flat (§3.4) */
			if (m->kind == CAT_KIND_UNKNOWN && value.id == 0x80)
				m->kind = CAT_KIND_PE;
			else if (m->kind == CAT_KIND_UNKNOWN && value.id == 0x81)
				m->kind = CAT_KIND_CAB;
			else if (m->kind == CAT_KIND_UNKNOWN && value.id == 0x82)
				m->kind = CAT_KIND_FLAT;
		} else if (DER_OID_IS(&type, oid_memberinfo)) {
			if (decode && m->kind == CAT_KIND_UNKNOWN && value.id == DER_SEQUENCE)
				m->kind = memberinfo_kind(&values, &value);
		} else {
			/* An attribute drvcat does not know is kept out of the model, but it must be an OID. */
			rc = der_oid_check(&attr, &type, "member attribute type", err);
		}
	}
	m->attrs = shrink(m->attrs, m->nattrs, sizeof(*m->attrs));
	return rc;
}

/* What one walk of a catalog produces: the model (decode) or only counts. */
struct reader {
	struct catalog *c;
	bool decode;          /* cat_read_buffer: members and attributes kept */
	size_t nmembers;      /* members seen, kept or not */
	size_t nattrs;        /* catalog attributes seen */
	size_t content_offset, content_len; /* SignedData.contentInfo, header included */
};

/* The member list: SEQUENCE OF TrustedSubject. */
static int read_members(struct reader *r, const struct der *ctl, const struct der_elem *list,
			struct dc_error *err)
{
	struct catalog *c = r->c;
	struct der members;
	struct der_elem m;
	size_t cap = 0;
	int rc = 0;

	der_enter(ctl, list, &members);
	while (!rc && !der_at_end(&members)) {
		struct cat_member scratch, *p = &scratch;

		if ((rc = der_expect(&members, &m, DER_SEQUENCE, "catalog member", err)))
			break;
		if (r->decode) {
			if ((rc = dc_array_grow((void **)&c->members, &cap, c->nmembers + 1, sizeof(*p), err)))
				break;
			p = &c->members[c->nmembers++];
		}
		memset(p, 0, sizeof(*p));
		r->nmembers++;
		rc = read_member(&members, &m, c->version, r->decode, p, err);
	}
	c->members = shrink(c->members, c->nmembers, sizeof(*c->members));
	return rc;
}

/* ctlExtensions [0] EXPLICIT SEQUENCE OF Extension: the catalog attributes (§2, §4). */
static int read_extensions(struct reader *r, const struct der *ctl, const struct der_elem *wrap,
			   struct dc_error *err)
{
	struct catalog *c = r->c;
	struct der outer, exts;
	struct der_elem seq;
	size_t cap = 0;
	int rc;

	der_enter(ctl, wrap, &outer);
	if ((rc = der_expect(&outer, &seq, DER_SEQUENCE, "catalog attributes", err)) ||
	    (rc = der_finish(&outer, "catalog attributes", err)))
		return rc;
	der_enter(&outer, &seq, &exts);
	while (!rc && !der_at_end(&exts)) {
		struct der ext, inner;
		struct der_elem ext_e, oid, val, nv_e;
		struct cat_namevalue nv;

		if ((rc = der_expect(&exts, &ext_e, DER_SEQUENCE, "catalog attribute", err)))
			break;
		der_enter(&exts, &ext_e, &ext);
		if ((rc = der_expect(&ext, &oid, DER_OID, "catalog attribute type", err)))
			break;
		if (der_peek(&ext) == DER_BOOLEAN && (rc = der_next(&ext, &val, err)))
			break;
		if ((rc = der_expect(&ext, &val, DER_OCTET_STRING, "catalog attribute value", err)) ||
		    (rc = der_finish(&ext, "catalog attribute", err)))
			break;
		if (!DER_OID_IS(&oid, oid_namevalue)) {
			rc = der_oid_check(&ext, &oid, "catalog attribute type", err);
			continue;
		}
		der_enter(&ext, &val, &inner);
		if ((rc = der_next(&inner, &nv_e, err)) ||
		    (rc = der_finish(&inner, "catalog attribute value", err)) ||
		    (rc = read_namevalue(&inner, &nv_e, r->decode, &nv, err)))
			break;
		r->nattrs++;
		if (r->decode)
			rc = push_attr(&c->attrs, &c->nattrs, &cap, &nv, err);
	}
	c->attrs = shrink(c->attrs, c->nattrs, sizeof(*c->attrs));
	return rc;
}

/*
 * CTL ::= SEQUENCE { version INTEGER OPTIONAL, subjectUsage SEQUENCE OF OID,
 *   listIdentifier OCTET STRING OPTIONAL, sequenceNumber INTEGER OPTIONAL,
 *   thisUpdate Time, nextUpdate Time OPTIONAL, subjectAlgorithm AlgorithmIdentifier,
 *   trustedSubjects SEQUENCE OF TrustedSubject OPTIONAL,
 *   ctlExtensions [0] EXPLICIT SEQUENCE OF Extension OPTIONAL }                  (§2)
 */
static int read_ctl(struct reader *r, const struct der *d, const struct der_elem *ctl_e,
		    struct dc_error *err)
{
	struct catalog *c = r->c;
	struct der ctl, alg;
	struct der_elem e, alg_oid;
	int rc;

	der_enter(d, ctl_e, &ctl);
	if (der_peek(&ctl) == DER_INTEGER && (rc = der_next(&ctl, &e, err)))
		return rc;
	if ((rc = der_expect(&ctl, &e, DER_SEQUENCE, "CTL subject usage", err)))
		return rc;
	if (der_peek(&ctl) == DER_OCTET_STRING) {
		if ((rc = der_next(&ctl, &e, err)))
			return rc;
		if (e.len > sizeof(c->list_id))
			return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: list identifier longer than %zu bytes",
					    d->name, e.offset, sizeof(c->list_id));
		memcpy(c->list_id, e.body, e.len);
		c->list_id_len = e.len;
	}
	if (der_peek(&ctl) == DER_INTEGER && (rc = der_next(&ctl, &e, err)))
		return rc;
	if ((rc = der_next(&ctl, &e, err)) || (rc = der_time(&ctl, &e, &c->this_update, err)))
		return dc_error_prefix(err, "CTL thisUpdate");
	if ((der_peek(&ctl) == DER_UTCTIME || der_peek(&ctl) == DER_GENERALIZEDTIME) &&
	    (rc = der_next(&ctl, &e, err)))
		return rc;
	if ((rc = der_expect(&ctl, &e, DER_SEQUENCE, "CTL subject algorithm", err)))
		return rc;
	der_enter(&ctl, &e, &alg);
	if ((rc = der_expect(&alg, &alg_oid, DER_OID, "CTL subject algorithm", err)))
		return rc;
	if (DER_OID_IS(&alg_oid, oid_member_v1))
		c->version = 1;
	else if (DER_OID_IS(&alg_oid, oid_member_v2))
		c->version = 2;
	else if ((rc = der_oid_check(&alg, &alg_oid, "CTL subject algorithm", err)))
		return rc;
	else
		return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: CTL subject algorithm is not a catalog member list (v1 or v2)",
				    d->name, alg_oid.offset);
	if (der_peek(&ctl) == DER_SEQUENCE &&
	    ((rc = der_next(&ctl, &e, err)) || (rc = read_members(r, &ctl, &e, err))))
		return rc;
	if (der_peek(&ctl) == 0xA0 &&
	    ((rc = der_next(&ctl, &e, err)) || (rc = read_extensions(r, &ctl, &e, err))))
		return rc;
	return der_finish(&ctl, "CTL", err);
}

/* The signer's digest algorithm by name; "unknown" for a well-formed OID not listed. */
static int digest_oid_name(const char **name, const struct der *d, const struct der_elem *oid,
			   struct dc_error *err)
{
	static const struct { const unsigned char *oid; size_t len; const char *name; } names[] = {
		{ oid_sha1, sizeof(oid_sha1), "sha1" }, { oid_sha256, sizeof(oid_sha256), "sha256" },
		{ oid_sha384, sizeof(oid_sha384), "sha384" }, { oid_sha512, sizeof(oid_sha512), "sha512" },
		{ oid_md5, sizeof(oid_md5), "md5" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (der_oid_eq(oid, names[i].oid, names[i].len)) {
			*name = names[i].name;
			return 0;
		}
	}
	*name = "unknown";
	return der_oid_check(d, oid, "signer digest algorithm", err);
}

static char *name_line(const X509_NAME *n)
{
	char *s = X509_NAME_oneline(n, NULL, 0);
	char *copy = s ? strdup(s) : NULL;

	OPENSSL_free(s);
	return copy;
}

int64_t cat_asn1_time_epoch(const ASN1_TIME *t)
{
	ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
	int days = 0, secs = 0;
	int64_t v = 0;

	if (epoch && t && ASN1_TIME_diff(&days, &secs, epoch, t) == 1)
		v = (int64_t)days * 86400 + secs;
	ASN1_TIME_free(epoch);
	return v;
}

/* Finds the signing time inside a timestamp attribute value (§6 "Timestamps"). */
static bool find_time(const struct der *d, const struct der_elem *e, unsigned depth, int64_t *t)
{
	struct der in;
	struct der_elem c;

	if (depth > 12)
		return false;
	if (e->id == DER_GENERALIZEDTIME || e->id == DER_UTCTIME)
		return der_time(d, e, t, NULL) == 0;
	if (e->id == DER_OCTET_STRING && e->len && e->body[0] == DER_SEQUENCE) {
		/* RFC 3161: the TSTInfo is DER inside eContent's OCTET STRING. */
		der_enter(d, e, &in);
		return !der_next(&in, &c, NULL) && find_time(&in, &c, depth + 1, t);
	}
	if (!(e->id & 0x20))
		return false;
	der_enter(d, e, &in);
	while (!der_at_end(&in) && !der_next(&in, &c, NULL))
		if (find_time(&in, &c, depth + 1, t))
			return true;
	return false;
}

static void read_timestamp(const struct der *d, const struct der_elem *unauth, struct cat_signer *s)
{
	struct der attrs;
	struct der_elem a;

	der_enter(d, unauth, &attrs);
	while (!der_at_end(&attrs) && !der_next(&attrs, &a, NULL)) {
		struct der attr;
		struct der_elem oid, vals;

		der_enter(&attrs, &a, &attr);
		if (der_next(&attr, &oid, NULL) || der_next(&attr, &vals, NULL))
			continue;
		if (DER_OID_IS(&oid, oid_rfc3161))
			s->timestamp = "rfc3161";
		else if (DER_OID_IS(&oid, oid_countersignature))
			s->timestamp = "authenticode";
		else
			continue;
		find_time(&attr, &vals, 0, &s->timestamp_time);
		return;
	}
}

static void signer_free(struct cat_signer *s)
{
	free(s->subject);
	free(s->issuer);
	free(s->serial);
	free(s->digest);
}

/* SignerInfos and certificates, for show; signature checking belongs to src/verify. */
static int read_signers(struct catalog *c, const struct der *sd, const struct der_elem *certs,
			const struct der_elem *infos, struct dc_error *err)
{
	STACK_OF(X509) *list = sk_X509_new_null();
	struct der set, in;
	struct der_elem e;
	int rc = 0;

	if (!list)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	if (certs) {
		der_enter(sd, certs, &set);
		while (!rc && !der_at_end(&set)) {
			const unsigned char *p;
			X509 *x;

			if ((rc = der_next(&set, &e, err)))
				break;
			p = e.raw;
			x = d2i_X509(NULL, &p, (long)e.raw_len);
			if (!x || p != e.raw + e.raw_len) {
				X509_free(x);
				rc = dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: certificate does not parse",
						  sd->name, e.offset);
				break;
			}
			if (!sk_X509_push(list, x)) {
				X509_free(x);
				rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			}
		}
		c->ncerts = (size_t)sk_X509_num(list);
	}
	der_enter(sd, infos, &set);
	while (!rc && !der_at_end(&set)) {
		struct der_elem ver, ias, dalg, dalg_oid, next;
		struct der ias_in, dalg_in;
		struct cat_signer *s, *grown;
		const char *digest;

		if ((rc = der_expect(&set, &e, DER_SEQUENCE, "signer info", err)))
			break;
		grown = realloc(c->signers, (c->nsigners + 1) * sizeof(*grown));
		if (!grown) {
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			break;
		}
		c->signers = grown;
		s = &c->signers[c->nsigners++];
		memset(s, 0, sizeof(*s));
		der_enter(&set, &e, &in);
		if ((rc = der_expect(&in, &ver, DER_INTEGER, "signer version", err)) ||
		    (rc = der_expect(&in, &ias, DER_SEQUENCE, "signer issuer and serial", err)) ||
		    (rc = der_expect(&in, &dalg, DER_SEQUENCE, "signer digest algorithm", err)))
			break;
		der_enter(&in, &dalg, &dalg_in);
		if ((rc = der_expect(&dalg_in, &dalg_oid, DER_OID, "signer digest algorithm", err)) ||
		    (rc = digest_oid_name(&digest, &dalg_in, &dalg_oid, err)))
			break;
		if (!(s->digest = strdup(digest))) {
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			break;
		}
		der_enter(&in, &ias, &ias_in);
		{
			struct der_elem issuer, serial;

			if ((rc = der_expect(&ias_in, &issuer, DER_SEQUENCE, "signer issuer", err)) ||
			    (rc = der_expect(&ias_in, &serial, DER_INTEGER, "signer serial", err)))
				break;
			if (serial.len == 0) {
				rc = dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: signer serial INTEGER is empty",
						  sd->name, serial.offset);
				break;
			}
			s->serial = hex_upper(serial.body, serial.len);
			for (int i = 0; i < sk_X509_num(list); i++) {
				X509 *x = sk_X509_value(list, i);
				const ASN1_INTEGER *sn = X509_get0_serialNumber(x);

				if ((size_t)sn->length == serial.len - (serial.len > 1 && serial.body[0] == 0) &&
				    !memcmp(sn->data, serial.body + (serial.len > 1 && serial.body[0] == 0),
					    (size_t)sn->length)) {
					s->subject = name_line(X509_get_subject_name(x));
					s->issuer = name_line(X509_get_issuer_name(x));
					s->not_before = cat_asn1_time_epoch(X509_get0_notBefore(x));
					s->not_after = cat_asn1_time_epoch(X509_get0_notAfter(x));
					break;
				}
			}
		}
		while (!der_at_end(&in) && !(rc = der_next(&in, &next, err)))
			if (next.id == 0xA1)
				read_timestamp(&in, &next, s);
	}
	sk_X509_pop_free(list, X509_free);
	return rc;
}

/* The whole file: ContentInfo { signedData, [0] SignedData { ..., contentInfo { CTL }, ... } } (§1). */
static int read_catalog(struct reader *r, const unsigned char *data, size_t len, const char *name,
			struct dc_error *err)
{
	struct catalog *c = r->c;
	struct der top, ci, wrap, sd, inner, content;
	struct der_elem e, oid, sd_e, inner_e, ctl_e, certs, infos;
	bool have_certs = false;
	int rc;

	der_init(&top, data, len, name);
	if ((rc = der_expect(&top, &e, DER_SEQUENCE, "PKCS#7 ContentInfo", err)) ||
	    (rc = der_finish(&top, "catalog file", err)))
		return rc;
	der_enter(&top, &e, &ci);
	if ((rc = der_expect(&ci, &oid, DER_OID, "content type", err)))
		return rc;
	if (!DER_OID_IS(&oid, oid_pkcs7_signed)) {
		if ((rc = der_oid_check(&ci, &oid, "content type", err)))
			return rc;
		return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: not a catalog: content type is not PKCS#7 signedData",
				    name, oid.offset);
	}
	if ((rc = der_expect(&ci, &e, 0xA0, "signedData content", err)) ||
	    (rc = der_finish(&ci, "ContentInfo", err)))
		return rc;
	der_enter(&ci, &e, &wrap);
	if ((rc = der_expect(&wrap, &sd_e, DER_SEQUENCE, "SignedData", err)) ||
	    (rc = der_finish(&wrap, "signedData content", err)))
		return rc;
	der_enter(&wrap, &sd_e, &sd);
	if ((rc = der_expect(&sd, &e, DER_INTEGER, "SignedData version", err)) ||
	    (rc = der_expect(&sd, &e, DER_SET, "SignedData digest algorithms", err)) ||
	    (rc = der_expect(&sd, &inner_e, DER_SEQUENCE, "SignedData content info", err)))
		return rc;
	r->content_offset = inner_e.offset;
	r->content_len = inner_e.raw_len;
	der_enter(&sd, &inner_e, &inner);
	if ((rc = der_expect(&inner, &oid, DER_OID, "signed content type", err)))
		return rc;
	if (!DER_OID_IS(&oid, oid_ctl)) {
		if ((rc = der_oid_check(&inner, &oid, "signed content type", err)))
			return rc;
		return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: not a catalog: signed content is not a certificate trust list",
				    name, oid.offset);
	}
	if ((rc = der_expect(&inner, &e, 0xA0, "CTL content", err)) ||
	    (rc = der_finish(&inner, "signed content info", err)))
		return rc;
	der_enter(&inner, &e, &content);
	if ((rc = der_expect(&content, &ctl_e, DER_SEQUENCE, "CTL", err)) ||
	    (rc = der_finish(&content, "CTL content", err)))
		return rc;
	c->ctl_body_offset = ctl_e.body_offset;
	c->ctl_body_len = ctl_e.len;
	if ((rc = read_ctl(r, &content, &ctl_e, err)))
		return rc;
	if (der_peek(&sd) == 0xA0) {
		if ((rc = der_next(&sd, &certs, err)))
			return rc;
		have_certs = true;
	}
	if (der_peek(&sd) == 0xA1 && (rc = der_next(&sd, &e, err)))
		return rc;
	if ((rc = der_expect(&sd, &infos, DER_SET, "SignedData signer infos", err)) ||
	    (rc = der_finish(&sd, "SignedData", err)))
		return rc;
	/* Few and small: read the same way for both callers, certificates included. */
	return read_signers(c, &sd, have_certs ? &certs : NULL, &infos, err);
}

int cat_read_buffer(struct catalog **out, const unsigned char *data, size_t len,
		    const char *name, struct dc_error *err)
{
	struct reader r = { calloc(1, sizeof(struct catalog)), true, 0, 0, 0, 0 };
	int rc;

	*out = NULL;
	if (!r.c)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	if ((rc = read_catalog(&r, data, len, name, err))) {
		cat_free(r.c);
		return rc;
	}
	*out = r.c;
	return 0;
}

int cat_read_layout(struct cat_layout *out, const unsigned char *data, size_t len,
		    const char *name, struct dc_error *err)
{
	struct catalog c;
	struct reader r = { &c, false, 0, 0, 0, 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	rc = read_catalog(&r, data, len, name, err);
	if (!rc) {
		out->version = c.version;
		out->nmembers = r.nmembers;
		out->nattrs = r.nattrs;
		out->nsigners = c.nsigners;
		out->ncerts = c.ncerts;
		out->content_offset = r.content_offset;
		out->content_len = r.content_len;
		out->ctl_body_offset = c.ctl_body_offset;
		out->ctl_body_len = c.ctl_body_len;
	}
	/* Only the signers were kept (never members or attributes when not decoding). */
	for (size_t i = 0; i < c.nsigners; i++)
		signer_free(&c.signers[i]);
	free(c.signers);
	return rc;
}

int cat_read_file(struct catalog **out, const char *path, struct dc_error *err)
{
	unsigned char *data;
	size_t len;
	int rc = fs_read_file(&data, &len, path, CAT_MAX_FILE, err);

	*out = NULL;
	if (rc)
		return rc;
	rc = cat_read_buffer(out, data, len, path, err);
	free(data);
	return rc;
}

void cat_free(struct catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nmembers; i++) {
		struct cat_member *m = &c->members[i];

		free(m->tag);
		free(m->tag_text);
		free(m->file);
		free(m->osattr);
		for (size_t k = 0; k < m->nattrs; k++)
			namevalue_free(&m->attrs[k]);
		free(m->attrs);
	}
	free(c->members);
	for (size_t i = 0; i < c->nattrs; i++)
		namevalue_free(&c->attrs[i]);
	free(c->attrs);
	for (size_t i = 0; i < c->nsigners; i++)
		signer_free(&c->signers[i]);
	free(c->signers);
	free(c);
}
