/*
 * write.c - the catalog writer: DER written directly (src/asn1/der_write.h)
 * in the shapes of real Inf2Cat output, catalog-format.md §1-§5.
 *
 * How, and why so: a 10,000-file package gives 20,000 members, so nothing
 * here is built per attribute.  Each member is one small record (its tag is
 * a digest already in the spec), the records are sorted by tag, every length
 * is computed up front from the inputs' sizes, and the whole PKCS#7 is
 * allocated once at its exact size and written top-down.  Only a member's
 * attributes take a detour through a scratch buffer, because a SET OF is
 * ordered by its elements' encodings (X.690 11.6).  The list identifier is
 * the hash of the finished CTL with a zero identifier, patched in place
 * afterwards, so the catalog is never encoded twice or copied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "../asn1/der.h"
#include "../asn1/der_write.h"
#include "../util/buf.h"
#include "../util/str.h"
#include "../util/text.h"
#include "oids.h"
#include "write.h"

/* ---- fixed parts ---- */

/* Context tags: [0] constructed (EXPLICIT), [1]/[2] constructed, [0] primitive. */
#define TAG_CTX0_CONS 0xA0
#define TAG_CTX1_CONS 0xA1
#define TAG_CTX2_CONS 0xA2
#define TAG_CTX0_PRIM 0x80

/* INTEGER 0x10010001, Inf2Cat's NameValue flags AUTHENTICATED|DATAASCII|NAMEASCII (§3.3) */
static const unsigned char nv_flags[] = { DER_INTEGER, 4, 0x10, 0x01, 0x00, 0x01 };
/* INTEGER 512, CAT_MEMBERINFO certVersion (§3.4) */
static const unsigned char cert_version[] = { DER_INTEGER, 2, 0x02, 0x00 };
/* BIT STRING 05 a0: includeResources|includeImportAddressTable, 5 unused bits (§3.5) */
static const unsigned char pe_flags[] = { DER_BIT_STRING, 2, 0x05, 0xA0 };
/* SpcLink.file [2] { SpcString.unicode [0] "" }: the empty link of new-style PE and CAB data */
static const unsigned char empty_link[] = { TAG_CTX2_CONS, 2, TAG_CTX0_PRIM, 0 };
/* CAT_MEMBERINFO2 values: [0] PE SIP, [2] flat SIP (§3.4) */
static const unsigned char memberinfo2_pe[] = { 0x80, 0 }, memberinfo2_flat[] = { 0x82, 0 };
static const unsigned char asn1_null[] = { DER_NULL, 0 };
/* SignedData version 1, and the empty SET OF (digestAlgorithms, signerInfos) of §1 */
static const unsigned char p7_version[] = { DER_INTEGER, 1, 1 };
static const unsigned char empty_set[] = { DER_SET, 0 };

/* Class id of the page-hash moniker, a6b586d5-b4a1-2466-ae05-a217da8e60d6 (§3.5). */
static const unsigned char page_hash_class_id[16] = {
	0xa6, 0xb5, 0x86, 0xd5, 0xb4, 0xa1, 0x24, 0x66,
	0xae, 0x05, 0xa2, 0x17, 0xda, 0x8e, 0x60, 0xd6,
};

/*
 * OIDs as content octets (X.690 8.19), the dotted forms of oids.h; each one
 * is checked by the byte-identical output tests.  1.3.6.1.4.1.311 is
 * 2b 06 01 04 01 82 37.
 */
struct oid {
	const unsigned char *b;
	size_t len;
};

#define DEFINE_OID(name, ...)                                        \
	static const unsigned char name##_der[] = { __VA_ARGS__ }; \
	static const struct oid name = { name##_der, sizeof(name##_der) }
#define MS_ARCS 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37

DEFINE_OID(oid_pkcs7_signed, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02);
DEFINE_OID(oid_ctl, MS_ARCS, 0x0a, 0x01);
DEFINE_OID(oid_catalog_list, MS_ARCS, 0x0c, 0x01, 0x01);
DEFINE_OID(oid_catalog_member, MS_ARCS, 0x0c, 0x01, 0x02);
DEFINE_OID(oid_catalog_member2, MS_ARCS, 0x0c, 0x01, 0x03);
DEFINE_OID(oid_namevalue, MS_ARCS, 0x0c, 0x02, 0x01);
DEFINE_OID(oid_memberinfo, MS_ARCS, 0x0c, 0x02, 0x02);
DEFINE_OID(oid_memberinfo2, MS_ARCS, 0x0c, 0x02, 0x03);
DEFINE_OID(oid_indirect, MS_ARCS, 0x02, 0x01, 0x04);
DEFINE_OID(oid_pe_image, MS_ARCS, 0x02, 0x01, 0x0f);
DEFINE_OID(oid_cab_data, MS_ARCS, 0x02, 0x01, 0x19);
DEFINE_OID(oid_pages_v1, MS_ARCS, 0x02, 0x03, 0x01);
DEFINE_OID(oid_pages_v2, MS_ARCS, 0x02, 0x03, 0x02);
DEFINE_OID(oid_sha1, 0x2b, 0x0e, 0x03, 0x02, 0x1a);
DEFINE_OID(oid_sha256, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01);

#define LIST_ID_LEN 16
#define V1_TAG_LEN 82 /* 40 hex digits and a NUL in UTF-16LE (§3.1) */

/* ---- what cat_write prepares before writing ---- */

/* UTF-16 text converted once, kept as a slice of the text arena. */
struct u16 {
	size_t off, len;
};

/* A catalog attribute (CTL extension): NameValue name (UTF-16BE) and value (UTF-16LE + NUL). */
struct cat_ext {
	struct u16 name, value;
};

enum entry {
	ENTRY_V1,       /* v1 member: text tag, MEMBERINFO, SHA-1 indirect data */
	ENTRY_V2,       /* v2 member: SHA-256 tag, MEMBERINFO2, SHA-256 indirect data */
	ENTRY_V2_COMPAT /* v2 SHA-1 compatibility member: no indirect data (§3.6) */
};

/*
 * One TrustedSubject to write.  Its tag is not stored: a v2 tag is the
 * digest itself and a v1 tag the digest's upper-case hex, which sorts as the
 * bytes it spells (digit by digit, '0'-'9' < 'A'-'F'), so the digest is the
 * sort key either way.
 */
struct member_rec {
	const unsigned char *key; /* SHA-1 or SHA-256 inside spec->files[file] */
	size_t file;
	unsigned char key_len;    /* 20 or 32 */
	unsigned char entry;      /* enum entry */
};

struct enc {
	const struct cat_spec *spec;
	bool v2;
	struct dc_buf text;        /* every UTF-16 string, converted once */
	struct u16 *names;         /* per file: installed name lower-cased, UTF-16LE + NUL */
	struct u16 osattr;         /* UTF-16LE + NUL, when spec->osattr is set */
	struct u16 bmp_file, bmp_osattr, guid_pe, guid_flat; /* BMPString contents */
	struct cat_ext *exts;
	size_t nexts;
	struct member_rec *members;
	size_t nmembers;
	unsigned char *scratch;    /* one member's attributes, before they are sorted */
	size_t scratch_cap;
	unsigned char time[16];    /* thisUpdate contents */
	size_t time_len;
	unsigned char time_tag;    /* UTCTime or GeneralizedTime */
	const struct oid *member_alg; /* subjectAlgorithm: member list v1 or v2 */
	const struct oid *pages, *digest; /* page-hash table and indirect-data digest: SHA-1 or SHA-256 */
};

static size_t tlv(size_t content_len)
{
	return der_tlv_size(content_len);
}

static void put_oid(struct der_writer *w, const struct oid *oid)
{
	der_put_tlv(w, DER_OID, oid->b, oid->len);
}

static const unsigned char *text_at(const struct enc *e, struct u16 t)
{
	return e->text.data ? (const unsigned char *)e->text.data + t.off : NULL;
}

/* ---- preparing ---- */

/* Converts s to UTF-16 (BE: BMPString; LE + NUL: DATAASCII value) into the text arena. */
static int add_text(struct enc *e, struct u16 *out, const char *s, bool big_endian, bool nul,
		    struct dc_error *err)
{
	unsigned char *p;
	size_t n;
	int rc = text_utf8_to_utf16(&p, &n, s, big_endian, nul, err);

	if (rc)
		return rc;
	out->off = e->text.len;
	out->len = n;
	rc = dc_buf_append(&e->text, p, n, err);
	free(p);
	return rc;
}

/* Prefixes "member x: " to err, x the File value as written (lower-cased). */
static int member_error(struct dc_error *err, int rc, const char *file)
{
	char *lower = strdup(file);

	if (lower)
		dc_str_lower(lower);
	dc_error_prefix(err, "member %s", lower ? lower : file);
	free(lower);
	return rc;
}

/*
 * Every member's File value: the installed name, lower-cased (§3.3).  ASCII
 * lower-casing commutes with the conversion (bytes 'A'-'Z' occur in UTF-8
 * only as themselves), so it is done on the UTF-16LE code units.  Errors in
 * the order the members would meet them: a file's name, then the OSAttr
 * value every member carries.
 */
static int add_member_texts(struct enc *e, struct dc_error *err)
{
	const struct cat_spec *spec = e->spec;
	int rc = 0;

	for (size_t i = 0; !rc && i < spec->nfiles; i++) {
		const char *file = spec->files[i].file ? spec->files[i].file : "";
		unsigned char *p;

		rc = add_text(e, &e->names[i], file, false, true, err);
		if (rc) {
			dc_error_prefix(err, "catalog attribute 'File'");
			return member_error(err, rc, file);
		}
		p = (unsigned char *)e->text.data + e->names[i].off;
		for (size_t k = 0; k + 1 < e->names[i].len; k += 2)
			if (p[k + 1] == 0 && p[k] >= 'A' && p[k] <= 'Z')
				p[k] = (unsigned char)(p[k] - 'A' + 'a');
		if (i == 0 && spec->osattr && (rc = add_text(e, &e->osattr, spec->osattr, false, true, err))) {
			dc_error_prefix(err, "catalog attribute 'OSAttr'");
			return member_error(err, rc, file);
		}
	}
	return rc;
}

/* Catalog attributes in Inf2Cat's stored order: (user), OS, HWIDn ... HWID1 (§4.2). */
static int add_catalog_texts(struct enc *e, struct dc_error *err)
{
	const struct cat_spec *spec = e->spec;
	size_t n;
	char hwid[32];
	int rc = 0;

	if (spec->nattrs > SIZE_MAX / 4 || spec->nhwids > SIZE_MAX / 4)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	n = spec->nattrs + (spec->os ? 1 : 0) + spec->nhwids;
	if (!n)
		return 0;
	if (!(e->exts = calloc(n, sizeof(*e->exts))))
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		const char *name, *value;
		size_t h;

		if (i < spec->nattrs) {
			name = spec->attrs[i].name;
			value = spec->attrs[i].value;
		} else if (spec->os && i == spec->nattrs) {
			name = "OS";
			value = spec->os;
		} else {
			h = n - i; /* HWIDn first */
			snprintf(hwid, sizeof(hwid), "HWID%zu", h);
			name = hwid;
			value = spec->hwids[h - 1];
		}
		rc = add_text(e, &e->exts[i].name, name, true, false, err);
		if (!rc)
			rc = add_text(e, &e->exts[i].value, value, false, true, err);
		if (rc)
			dc_error_prefix(err, "catalog attribute '%s'", name);
		e->nexts = i + 1;
	}
	return rc;
}

/* Civil date of day z counted from 1970-01-01, proleptic Gregorian (H. Hinnant's algorithm). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/*
 * thisUpdate as OpenSSL's ASN1_TIME_set wrote it: UTCTime YYMMDDhhmmssZ for
 * 1950-2049 (RFC 5280 4.1.2.5), GeneralizedTime YYYYMMDDhhmmssZ otherwise.
 * Years outside 0000-9999 have no GeneralizedTime form and are refused.
 */
static int format_time(struct enc *e, int64_t t, struct dc_error *err)
{
	int64_t days = t / 86400, secs = t % 86400, year;
	unsigned mon, day;
	int n;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &year, &mon, &day);
	if (year < 0 || year > 9999)
		return dc_error_set(err, DC_EUSAGE, "catalog time %lld is outside the years 0000-9999",
				    (long long)t);
	e->time_tag = year >= 1950 && year < 2050 ? DER_UTCTIME : DER_GENERALIZEDTIME;
	n = snprintf((char *)e->time, sizeof(e->time), "%0*d%02u%02u%02u%02u%02uZ",
		     e->time_tag == DER_UTCTIME ? 2 : 4,
		     (int)(e->time_tag == DER_UTCTIME ? year % 100 : year), mon, day,
		     (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
	e->time_len = (size_t)n;
	return 0;
}

static int cmp_member(const void *a, const void *b)
{
	const struct member_rec *x = a, *y = b;
	int c = memcmp(x->key, y->key, x->key_len < y->key_len ? x->key_len : y->key_len);

	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	/* equal tags (the same content given twice) keep the order they were given in */
	return x->file < y->file ? -1 : x->file > y->file;
}

/* One record per member; Microsoft sorts members by the raw tag bytes (§5.1). */
static int make_members(struct enc *e, struct dc_error *err)
{
	const struct cat_spec *spec = e->spec;
	size_t per_file = e->v2 ? 2 : 1;

	if (spec->nfiles > SIZE_MAX / sizeof(*e->members) / per_file)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	e->members = calloc(spec->nfiles * per_file + 1, sizeof(*e->members));
	if (!e->members)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; i < spec->nfiles; i++) {
		const struct cat_file_entry *f = &spec->files[i];

		/* bounded here, the member sizes below cannot overflow */
		if ((f->pages_sha1 && f->pages_sha1_len > CAT_MAX_FILE) ||
		    (f->pages_sha256 && f->pages_sha256_len > CAT_MAX_FILE))
			return member_error(err, dc_error_set(err, DC_ENOMEM,
							      "page-hash table over %u bytes",
							      CAT_MAX_FILE),
					    f->file ? f->file : "");
		if (!e->v2) {
			e->members[e->nmembers++] = (struct member_rec){ f->sha1, i, 20, ENTRY_V1 };
		} else {
			e->members[e->nmembers++] = (struct member_rec){ f->sha256, i, 32, ENTRY_V2 };
			e->members[e->nmembers++] = (struct member_rec){ f->sha1, i, 20, ENTRY_V2_COMPAT };
		}
	}
	qsort(e->members, e->nmembers, sizeof(*e->members), cmp_member);
	return 0;
}

/* ---- CAT_NAMEVALUE and member attributes (§3.2-§3.4) ---- */

/*
 * NameValue ::= SEQUENCE { name BMPString, flags INTEGER, value OCTET STRING }
 *   30 len { 1e len "F\0i.." (UTF-16BE), 02 04 10 01 00 01, 04 len "f\0o\0o\0\0\0" }
 */
static size_t namevalue_content(struct u16 name, struct u16 value)
{
	return tlv(name.len) + sizeof(nv_flags) + tlv(value.len);
}

static void put_namevalue(struct der_writer *w, const struct enc *e, struct u16 name,
			  struct u16 value)
{
	der_put_header(w, DER_SEQUENCE, namevalue_content(name, value));
	der_put_tlv(w, DER_BMPSTRING, text_at(e, name), name.len);
	der_put(w, nv_flags, sizeof(nv_flags));
	der_put_tlv(w, DER_OCTET_STRING, text_at(e, value), value.len);
}

/* Member attribute ::= SEQUENCE { attrType OID, attrValues SET { one value } }; value_size is its TLV. */
static size_t attr_size(const struct oid *type, size_t value_size)
{
	return tlv(tlv(type->len) + tlv(value_size));
}

static void put_attr_header(struct der_writer *w, const struct oid *type, size_t value_size)
{
	der_put_header(w, DER_SEQUENCE, tlv(type->len) + tlv(value_size));
	put_oid(w, type);
	der_put_header(w, DER_SET, value_size);
}

/* CAT_MEMBERINFO ::= SEQUENCE { subjectGuid BMPString "{C689AAB8-...}", certVersion 512 } */
static struct u16 memberinfo_guid(const struct enc *e, const struct cat_file_entry *f)
{
	return f->kind == CAT_KIND_PE ? e->guid_pe : e->guid_flat;
}

static size_t memberinfo_content(struct u16 guid)
{
	return tlv(guid.len) + sizeof(cert_version);
}

/* ---- SPC_INDIRECT_DATA (§3.5) ---- */

/*
 * Page hashes ride in SpcLink.moniker:
 *   a1 { 04 10 <class id>, 04 len <serializedData> }
 *   serializedData = 31 { 30 { 06 <1.3.6.1.4.1.311.2.3.1|2>, 31 { 04 len <table> } } }
 */
static size_t pages_seq_content(const struct enc *e, size_t table_len)
{
	return tlv(e->pages->len) + tlv(tlv(table_len));
}

static size_t pages_serialized_len(const struct enc *e, size_t table_len)
{
	return tlv(tlv(pages_seq_content(e, table_len)));
}

static size_t moniker_content(const struct enc *e, size_t table_len)
{
	return tlv(sizeof(page_hash_class_id)) + tlv(pages_serialized_len(e, table_len));
}

static void put_moniker(struct der_writer *w, const struct enc *e, const unsigned char *table,
			size_t table_len)
{
	size_t seq = pages_seq_content(e, table_len);

	der_put_header(w, TAG_CTX1_CONS, moniker_content(e, table_len));
	der_put_tlv(w, DER_OCTET_STRING, page_hash_class_id, sizeof(page_hash_class_id));
	der_put_header(w, DER_OCTET_STRING, pages_serialized_len(e, table_len));
	der_put_header(w, DER_SET, tlv(seq));
	der_put_header(w, DER_SEQUENCE, seq);
	put_oid(w, e->pages);
	der_put_header(w, DER_SET, tlv(table_len));
	der_put_tlv(w, DER_OCTET_STRING, table, table_len);
}

/* What one member's SpcIndirectDataContent holds. */
struct indirect {
	bool pe;
	const unsigned char *table; /* page hashes (PE only), or NULL */
	size_t table_len;
	const unsigned char *digest;
	size_t digest_len;
};

static struct indirect indirect_of(const struct enc *e, const struct cat_file_entry *f)
{
	struct indirect in = { f->kind == CAT_KIND_PE, NULL, 0, e->v2 ? f->sha256 : f->sha1,
			       e->v2 ? 32u : 20u };

	if (in.pe) {
		in.table = e->v2 ? f->pages_sha256 : f->pages_sha1;
		in.table_len = e->v2 ? f->pages_sha256_len : f->pages_sha1_len;
	}
	return in;
}

/* SpcLink: the page-hash moniker, or the empty file link a2 02 80 00. */
static size_t link_size(const struct enc *e, const struct indirect *in)
{
	return in->table ? tlv(moniker_content(e, in->table_len)) : sizeof(empty_link);
}

/* SpcPeImageData ::= SEQUENCE { flags 03 02 05 a0, file [0] EXPLICIT SpcLink } */
static size_t pe_data_content(const struct enc *e, const struct indirect *in)
{
	return sizeof(pe_flags) + tlv(link_size(e, in));
}

/* data.value: SpcPeImageData for PE, the bare empty SpcLink for SPC_CAB_DATA (flat files) */
static size_t data_value_size(const struct enc *e, const struct indirect *in)
{
	return in->pe ? tlv(pe_data_content(e, in)) : sizeof(empty_link);
}

/* data ::= SEQUENCE { type OID, value } */
static size_t data_content(const struct enc *e, const struct indirect *in)
{
	return tlv((in->pe ? oid_pe_image : oid_cab_data).len) + data_value_size(e, in);
}

/* messageDigest ::= SEQUENCE { SEQUENCE { alg OID, NULL }, digest OCTET STRING } */
static size_t digest_info_content(const struct enc *e, const struct indirect *in)
{
	return tlv(tlv(e->digest->len) + sizeof(asn1_null)) + tlv(in->digest_len);
}

/* SpcIndirectDataContent ::= SEQUENCE { data, messageDigest } */
static size_t indirect_content(const struct enc *e, const struct indirect *in)
{
	return tlv(data_content(e, in)) + tlv(digest_info_content(e, in));
}

static void put_indirect(struct der_writer *w, const struct enc *e, const struct indirect *in)
{
	der_put_header(w, DER_SEQUENCE, indirect_content(e, in));
	der_put_header(w, DER_SEQUENCE, data_content(e, in));
	if (in->pe) {
		put_oid(w, &oid_pe_image);
		der_put_header(w, DER_SEQUENCE, pe_data_content(e, in));
		der_put(w, pe_flags, sizeof(pe_flags));
		der_put_header(w, TAG_CTX0_CONS, link_size(e, in));
		if (in->table)
			put_moniker(w, e, in->table, in->table_len);
		else
			der_put(w, empty_link, sizeof(empty_link));
	} else {
		put_oid(w, &oid_cab_data);
		der_put(w, empty_link, sizeof(empty_link));
	}
	der_put_header(w, DER_SEQUENCE, digest_info_content(e, in));
	der_put_header(w, DER_SEQUENCE, tlv(e->digest->len) + sizeof(asn1_null));
	put_oid(w, e->digest);
	der_put(w, asn1_null, sizeof(asn1_null));
	der_put_tlv(w, DER_OCTET_STRING, in->digest, in->digest_len);
}

/* ---- members (§3) ---- */

static size_t member_tag_len(const struct member_rec *m)
{
	return m->entry == ENTRY_V1 ? V1_TAG_LEN : m->key_len;
}

/* Contents of a member's subjectAttributes SET: File, [OSAttr], member info, [indirect data]. */
static size_t member_attrs_len(const struct enc *e, const struct member_rec *m)
{
	const struct cat_file_entry *f = &e->spec->files[m->file];
	size_t n = attr_size(&oid_namevalue, tlv(namevalue_content(e->bmp_file, e->names[m->file])));

	if (e->spec->osattr)
		n += attr_size(&oid_namevalue, tlv(namevalue_content(e->bmp_osattr, e->osattr)));
	if (m->entry == ENTRY_V1)
		n += attr_size(&oid_memberinfo, tlv(memberinfo_content(memberinfo_guid(e, f))));
	else
		n += attr_size(&oid_memberinfo2, sizeof(memberinfo2_pe));
	if (m->entry != ENTRY_V2_COMPAT) {
		struct indirect in = indirect_of(e, f);

		n += attr_size(&oid_indirect, tlv(indirect_content(e, &in)));
	}
	return n;
}

/* TrustedSubject ::= SEQUENCE { subjectIdentifier OCTET STRING, subjectAttributes SET OF } */
static size_t member_size(const struct enc *e, const struct member_rec *m)
{
	return tlv(tlv(member_tag_len(m)) + tlv(member_attrs_len(e, m)));
}

/* v1 tag: the SHA-1 as upper-case hex in UTF-16LE with a NUL, 82 bytes (§3.1). */
static void put_tag_v1(struct der_writer *w, const unsigned char sha1[20])
{
	static const char digits[] = "0123456789ABCDEF";
	unsigned char *o;

	der_put_header(w, DER_OCTET_STRING, V1_TAG_LEN);
	if (!(o = der_reserve(w, V1_TAG_LEN)))
		return;
	for (size_t i = 0; i < 20; i++) {
		o[4 * i] = (unsigned char)digits[sha1[i] >> 4];
		o[4 * i + 1] = 0;
		o[4 * i + 2] = (unsigned char)digits[sha1[i] & 15];
		o[4 * i + 3] = 0;
	}
	o[80] = o[81] = 0;
}

/* The span s has written since start. */
static struct der_span since(const struct der_writer *s, size_t start)
{
	struct der_span sp = { s->buf + start, s->len - start };

	return sp;
}

/*
 * One TrustedSubject.  The attributes go to the scratch buffer first, then
 * into w in SET OF order (§5.1: "Member attribute SETs ... are in DER order"),
 * which puts shorter encodings first.  A v1 flat member, as openssl asn1parse
 * shows it:
 *   SEQUENCE
 *     OCTET STRING   45 00 38 00 ... 00 00  (82 bytes: "E8...", UTF-16LE + NUL)
 *     SET
 *       SEQUENCE { OBJECT 1.3.6.1.4.1.311.12.2.1, SET { SEQUENCE {
 *                  BMPSTRING "OSAttr", INTEGER 10010001, OCTET STRING "2:10.0" } } }
 *       SEQUENCE { OBJECT 1.3.6.1.4.1.311.12.2.1, SET { SEQUENCE {
 *                  BMPSTRING "File", INTEGER 10010001, OCTET STRING "bench.inf" } } }
 *       SEQUENCE { OBJECT 1.3.6.1.4.1.311.2.1.4, SET { SEQUENCE {
 *                  SEQUENCE { OBJECT 1.3.6.1.4.1.311.2.1.25, cont [2] { cont [0] } },
 *                  SEQUENCE { SEQUENCE { OBJECT sha1, NULL }, OCTET STRING <20> } } } }
 *       SEQUENCE { OBJECT 1.3.6.1.4.1.311.12.2.2, SET { SEQUENCE {
 *                  BMPSTRING "{DE351A42-8E59-11D0-8C47-00C04FC295EE}", INTEGER 0200 } } }
 */
static int put_member(struct der_writer *w, struct enc *e, const struct member_rec *m,
		      struct dc_error *err)
{
	const struct cat_file_entry *f = &e->spec->files[m->file];
	size_t attrs = member_attrs_len(e, m), start;
	struct der_span el[4];
	struct der_writer s;
	size_t n = 0;

	if (attrs > e->scratch_cap) {
		unsigned char *p = realloc(e->scratch, attrs);

		if (!p)
			return dc_error_set(err, DC_ENOMEM, "out of memory");
		e->scratch = p;
		e->scratch_cap = attrs;
	}
	der_writer_init(&s, e->scratch, attrs);

	start = s.len;
	put_attr_header(&s, &oid_namevalue, tlv(namevalue_content(e->bmp_file, e->names[m->file])));
	put_namevalue(&s, e, e->bmp_file, e->names[m->file]);
	el[n++] = since(&s, start);
	if (e->spec->osattr) {
		start = s.len;
		put_attr_header(&s, &oid_namevalue, tlv(namevalue_content(e->bmp_osattr, e->osattr)));
		put_namevalue(&s, e, e->bmp_osattr, e->osattr);
		el[n++] = since(&s, start);
	}
	start = s.len;
	if (m->entry == ENTRY_V1) {
		struct u16 guid = memberinfo_guid(e, f);

		put_attr_header(&s, &oid_memberinfo, tlv(memberinfo_content(guid)));
		der_put_header(&s, DER_SEQUENCE, memberinfo_content(guid));
		der_put_tlv(&s, DER_BMPSTRING, text_at(e, guid), guid.len);
		der_put(&s, cert_version, sizeof(cert_version));
	} else {
		put_attr_header(&s, &oid_memberinfo2, sizeof(memberinfo2_pe));
		der_put(&s, f->kind == CAT_KIND_PE ? memberinfo2_pe : memberinfo2_flat,
			sizeof(memberinfo2_pe));
	}
	el[n++] = since(&s, start);
	if (m->entry != ENTRY_V2_COMPAT) {
		struct indirect in = indirect_of(e, f);

		start = s.len;
		put_attr_header(&s, &oid_indirect, tlv(indirect_content(e, &in)));
		put_indirect(&s, e, &in);
		el[n++] = since(&s, start);
	}
	if (!der_writer_full(&s))
		return dc_error_set(err, DC_ECRYPTO, "member %s: encoded size differs from the computed one",
				    f->file ? f->file : "");

	der_put_header(w, DER_SEQUENCE, tlv(member_tag_len(m)) + tlv(attrs));
	if (m->entry == ENTRY_V1)
		put_tag_v1(w, m->key);
	else
		der_put_tlv(w, DER_OCTET_STRING, m->key, m->key_len);
	der_put_set(w, el, n);
	return 0;
}

/* ---- the CTL and its container ---- */

/* CtlExtension ::= SEQUENCE { extnID OID, extnValue OCTET STRING (NameValue DER) }, no critical flag (§2). */
static size_t ext_content(const struct cat_ext *x)
{
	return tlv(oid_namevalue.len) + tlv(tlv(namevalue_content(x->name, x->value)));
}

static void put_ext(struct der_writer *w, const struct enc *e, const struct cat_ext *x)
{
	der_put_header(w, DER_SEQUENCE, ext_content(x));
	put_oid(w, &oid_namevalue);
	der_put_header(w, DER_OCTET_STRING, tlv(namevalue_content(x->name, x->value)));
	put_namevalue(w, e, x->name, x->value);
}

/* Every length of the container, computed before anything is written. */
struct layout {
	size_t members;  /* trustedSubjects contents */
	size_t exts;     /* ctlExtensions SEQUENCE OF contents */
	size_t ctl;      /* CTL contents */
	size_t inner;    /* inner ContentInfo contents */
	size_t signed_data; /* SignedData contents */
	size_t outer;    /* outer ContentInfo contents */
	size_t total;
};

static int layout_compute(struct layout *l, const struct enc *e, struct dc_error *err)
{
	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < e->nmembers; i++) {
		l->members = der_size_add(l->members, member_size(e, &e->members[i]));
		if (l->members > CAT_MAX_FILE)
			break;
	}
	for (size_t i = 0; i < e->nexts; i++)
		l->exts = der_size_add(l->exts, tlv(ext_content(&e->exts[i])));
	/* subjectUsage, listIdentifier, thisUpdate, subjectAlgorithm, [subjects], [extensions] */
	l->ctl = tlv(tlv(oid_catalog_list.len)) + tlv(LIST_ID_LEN) + tlv(e->time_len) +
		 tlv(tlv(e->member_alg->len) + sizeof(asn1_null));
	if (e->nmembers)
		l->ctl = der_size_add(l->ctl, tlv(l->members));
	if (e->nexts)
		l->ctl = der_size_add(l->ctl, tlv(tlv(l->exts)));
	l->inner = der_size_add(tlv(oid_ctl.len), tlv(tlv(l->ctl)));
	l->signed_data = der_size_add(sizeof(p7_version) + 2 * sizeof(empty_set), tlv(l->inner));
	l->outer = der_size_add(tlv(oid_pkcs7_signed.len), tlv(tlv(l->signed_data)));
	l->total = tlv(l->outer);
	if (l->total > CAT_MAX_FILE)
		return dc_error_set(err, DC_ENOMEM,
				    "the catalog would be over %u bytes, the most drvcat reads back",
				    CAT_MAX_FILE);
	return 0;
}

/*
 * The unsigned SignedData shape of §1 around the CTL of §2:
 *   30 { 06 pkcs7-signedData, a0 { 30 { 02 01 01, 31 00,
 *        30 { 06 1.3.6.1.4.1.311.10.1, a0 { CTL } }, 31 00 } } }
 *   CTL = 30 { 30 { 06 catalogList }, 04 10 <list id>, 17|18 <time>,
 *              30 { 06 member(2), 05 00 }, [30 { members }], [a0 { 30 { extensions } }] }
 * The list identifier is written as zeros; *list_id and *ctl say where it and the CTL are.
 */
static int put_catalog(struct der_writer *w, struct enc *e, const struct layout *l,
		       size_t *list_id, size_t *ctl, struct dc_error *err)
{
	static const unsigned char zero_id[LIST_ID_LEN] = { 0 };
	int rc = 0;

	der_put_header(w, DER_SEQUENCE, l->outer);
	put_oid(w, &oid_pkcs7_signed);
	der_put_header(w, TAG_CTX0_CONS, tlv(l->signed_data));
	der_put_header(w, DER_SEQUENCE, l->signed_data);
	der_put(w, p7_version, sizeof(p7_version));
	der_put(w, empty_set, sizeof(empty_set));
	der_put_header(w, DER_SEQUENCE, l->inner);
	put_oid(w, &oid_ctl);
	der_put_header(w, TAG_CTX0_CONS, tlv(l->ctl));

	*ctl = w->len;
	der_put_header(w, DER_SEQUENCE, l->ctl);
	der_put_header(w, DER_SEQUENCE, tlv(oid_catalog_list.len));
	put_oid(w, &oid_catalog_list);
	der_put_header(w, DER_OCTET_STRING, LIST_ID_LEN);
	*list_id = w->len;
	der_put(w, zero_id, LIST_ID_LEN);
	der_put_tlv(w, e->time_tag, e->time, e->time_len);
	der_put_header(w, DER_SEQUENCE, tlv(e->member_alg->len) + sizeof(asn1_null));
	put_oid(w, e->member_alg);
	der_put(w, asn1_null, sizeof(asn1_null));
	if (e->nmembers)
		der_put_header(w, DER_SEQUENCE, l->members);
	for (size_t i = 0; !rc && i < e->nmembers; i++)
		rc = put_member(w, e, &e->members[i], err);
	if (rc)
		return rc;
	if (e->nexts) {
		der_put_header(w, TAG_CTX0_CONS, tlv(l->exts));
		der_put_header(w, DER_SEQUENCE, l->exts);
	}
	for (size_t i = 0; i < e->nexts; i++)
		put_ext(w, e, &e->exts[i]);

	der_put(w, empty_set, sizeof(empty_set)); /* signerInfos */
	if (!der_writer_full(w))
		return dc_error_set(err, DC_ECRYPTO, "encoded catalog size differs from the computed one");
	return 0;
}

/*
 * The list identifier: a version-4-shaped GUID (Windows byte order) taken
 * from SHA-256 of the CTL encoded with an all-zero identifier, so that it
 * depends on the content alone (reproducible builds).
 */
static int patch_list_id(unsigned char *der, size_t list_id, size_t ctl, size_t ctl_len,
			 struct dc_error *err)
{
	unsigned char md[32];

	if (EVP_Digest(der + ctl, ctl_len, md, NULL, EVP_sha256(), NULL) != 1)
		return dc_error_set(err, DC_ECRYPTO, "hashing the catalog for its identifier failed");
	md[7] = (unsigned char)((md[7] & 0x0F) | 0x40);
	md[8] = (unsigned char)((md[8] & 0x3F) | 0x80);
	memcpy(der + list_id, md, LIST_ID_LEN);
	return 0;
}

static void enc_free(struct enc *e)
{
	dc_buf_free(&e->text);
	free(e->names);
	free(e->exts);
	free(e->members);
	free(e->scratch);
}

static int enc_prepare(struct enc *e, const struct cat_spec *spec, struct dc_error *err)
{
	int rc;

	e->spec = spec;
	e->v2 = spec->version == 2;
	dc_buf_init(&e->text, CAT_MAX_FILE);
	e->member_alg = e->v2 ? &oid_catalog_member2 : &oid_catalog_member;
	e->pages = e->v2 ? &oid_pages_v2 : &oid_pages_v1;
	e->digest = e->v2 ? &oid_sha256 : &oid_sha1;
	if ((rc = format_time(e, spec->this_update, err)))
		return rc;
	if (!(e->names = calloc(spec->nfiles ? spec->nfiles : 1, sizeof(*e->names))))
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	if ((rc = add_text(e, &e->bmp_file, "File", true, false, err)) ||
	    (rc = add_text(e, &e->bmp_osattr, "OSAttr", true, false, err)) ||
	    (rc = add_text(e, &e->guid_pe, SIP_GUID_PE, true, false, err)) ||
	    (rc = add_text(e, &e->guid_flat, SIP_GUID_FLAT, true, false, err)))
		return rc;
	if ((rc = add_member_texts(e, err)) || (rc = add_catalog_texts(e, err)))
		return rc;
	return make_members(e, err);
}

int cat_write(unsigned char **out, size_t *len, const struct cat_spec *spec,
	      struct dc_error *err)
{
	struct enc e;
	struct layout l;
	struct der_writer w;
	unsigned char *der = NULL;
	size_t list_id = 0, ctl = 0;
	int rc;

	*out = NULL;
	*len = 0;
	if (spec->version != 1 && spec->version != 2)
		return dc_error_set(err, DC_EUSAGE, "catalog version must be 1 or 2");
	memset(&e, 0, sizeof(e));
	rc = enc_prepare(&e, spec, err);
	if (!rc)
		rc = layout_compute(&l, &e, err);
	if (!rc && !(der = malloc(l.total)))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (!rc) {
		der_writer_init(&w, der, l.total);
		rc = put_catalog(&w, &e, &l, &list_id, &ctl, err);
	}
	if (!rc)
		rc = patch_list_id(der, list_id, ctl, tlv(l.ctl), err);
	enc_free(&e);
	if (rc) {
		free(der);
		return rc;
	}
	*out = der;
	*len = l.total;
	return 0;
}
