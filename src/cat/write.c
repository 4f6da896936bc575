/*
 * write.c - the catalog writer.  The CTL and its parts are OpenSSL ASN.1
 * templates (they give DER and sort every SET OF); the shapes follow real
 * Inf2Cat output, catalog-format.md §1-§5.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "../util/str.h"
#include "../util/text.h"
#include "oids.h"
#include "write.h"

/* ---- ASN.1 templates ---- */

/* CAT_NAMEVALUE ::= SEQUENCE { name BMPString, flags INTEGER, value OCTET STRING } (§3.3) */
typedef struct {
	ASN1_BMPSTRING *name;
	ASN1_INTEGER *flags;
	ASN1_OCTET_STRING *value;
} CatNameValue;

ASN1_SEQUENCE(CatNameValue) = {
	ASN1_SIMPLE(CatNameValue, name, ASN1_BMPSTRING),
	ASN1_SIMPLE(CatNameValue, flags, ASN1_INTEGER),
	ASN1_SIMPLE(CatNameValue, value, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(CatNameValue)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(CatNameValue)

/* CAT_MEMBERINFO ::= SEQUENCE { subjectGuid BMPString, certVersion INTEGER } (§3.4) */
typedef struct {
	ASN1_BMPSTRING *guid;
	ASN1_INTEGER *cert_version;
} CatMemberInfo;

ASN1_SEQUENCE(CatMemberInfo) = {
	ASN1_SIMPLE(CatMemberInfo, guid, ASN1_BMPSTRING),
	ASN1_SIMPLE(CatMemberInfo, cert_version, ASN1_INTEGER),
} static_ASN1_SEQUENCE_END(CatMemberInfo)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(CatMemberInfo)

/* SpcString ::= CHOICE { unicode [0] IMPLICIT BMPString, ascii [1] IMPLICIT IA5String } */
typedef struct {
	int type;
	union {
		ASN1_BMPSTRING *unicode;
		ASN1_IA5STRING *ascii;
	} value;
} SpcString;

ASN1_CHOICE(SpcString) = {
	ASN1_IMP_OPT(SpcString, value.unicode, ASN1_BMPSTRING, 0),
	ASN1_IMP_OPT(SpcString, value.ascii, ASN1_IA5STRING, 1),
} static_ASN1_CHOICE_END(SpcString)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(SpcString)

/* SpcSerializedObject ::= SEQUENCE { classId OCTET STRING, serializedData OCTET STRING } */
typedef struct {
	ASN1_OCTET_STRING *class_id;
	ASN1_OCTET_STRING *serialized_data;
} SpcSerializedObject;

ASN1_SEQUENCE(SpcSerializedObject) = {
	ASN1_SIMPLE(SpcSerializedObject, class_id, ASN1_OCTET_STRING),
	ASN1_SIMPLE(SpcSerializedObject, serialized_data, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(SpcSerializedObject)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(SpcSerializedObject)

/* SpcLink ::= CHOICE { url [0] IMPLICIT IA5String, moniker [1] IMPLICIT SpcSerializedObject,
 *                      file [2] EXPLICIT SpcString } */
typedef struct {
	int type;
	union {
		ASN1_IA5STRING *url;
		SpcSerializedObject *moniker;
		SpcString *file;
	} value;
} SpcLink;

ASN1_CHOICE(SpcLink) = {
	ASN1_IMP_OPT(SpcLink, value.url, ASN1_IA5STRING, 0),
	ASN1_IMP_OPT(SpcLink, value.moniker, SpcSerializedObject, 1),
	ASN1_EXP_OPT(SpcLink, value.file, SpcString, 2),
} static_ASN1_CHOICE_END(SpcLink)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(SpcLink)

/* SpcPeImageData ::= SEQUENCE { flags BIT STRING, file [0] EXPLICIT SpcLink OPTIONAL } */
typedef struct {
	ASN1_BIT_STRING *flags;
	SpcLink *file;
} SpcPeImageData;

ASN1_SEQUENCE(SpcPeImageData) = {
	ASN1_SIMPLE(SpcPeImageData, flags, ASN1_BIT_STRING),
	ASN1_EXP_OPT(SpcPeImageData, file, SpcLink, 0),
} static_ASN1_SEQUENCE_END(SpcPeImageData)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(SpcPeImageData)

DEFINE_STACK_OF(ASN1_OCTET_STRING)

/* Page hashes: SET { SEQUENCE { OID 1.3.6.1.4.1.311.2.3.1|2, SET { OCTET STRING table } } } (§3.5) */
typedef struct {
	ASN1_OBJECT *type;
	STACK_OF(ASN1_OCTET_STRING) *tables;
} SpcPageHashes;

ASN1_SEQUENCE(SpcPageHashes) = {
	ASN1_SIMPLE(SpcPageHashes, type, ASN1_OBJECT),
	ASN1_SET_OF(SpcPageHashes, tables, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(SpcPageHashes)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(SpcPageHashes)

/* SpcIndirectDataContent ::= SEQUENCE { data SEQUENCE { type OID, value ANY OPTIONAL },
 *                                       messageDigest SEQUENCE { AlgorithmIdentifier, OCTET STRING } } */
typedef struct {
	ASN1_OBJECT *type;
	ASN1_TYPE *value;
} SpcAttributeTypeAndOptionalValue;

ASN1_SEQUENCE(SpcAttributeTypeAndOptionalValue) = {
	ASN1_SIMPLE(SpcAttributeTypeAndOptionalValue, type, ASN1_OBJECT),
	ASN1_OPT(SpcAttributeTypeAndOptionalValue, value, ASN1_ANY),
} static_ASN1_SEQUENCE_END(SpcAttributeTypeAndOptionalValue)

typedef struct {
	X509_ALGOR *algorithm;
	ASN1_OCTET_STRING *digest;
} SpcDigestInfo;

ASN1_SEQUENCE(SpcDigestInfo) = {
	ASN1_SIMPLE(SpcDigestInfo, algorithm, X509_ALGOR),
	ASN1_SIMPLE(SpcDigestInfo, digest, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(SpcDigestInfo)

typedef struct {
	SpcAttributeTypeAndOptionalValue *data;
	SpcDigestInfo *message_digest;
} SpcIndirectDataContent;

ASN1_SEQUENCE(SpcIndirectDataContent) = {
	ASN1_SIMPLE(SpcIndirectDataContent, data, SpcAttributeTypeAndOptionalValue),
	ASN1_SIMPLE(SpcIndirectDataContent, message_digest, SpcDigestInfo),
} static_ASN1_SEQUENCE_END(SpcIndirectDataContent)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(SpcIndirectDataContent)

/* Member attribute ::= SEQUENCE { attrType OID, attrValues SET OF ANY } (§3) */
typedef struct {
	ASN1_OBJECT *type;
	STACK_OF(ASN1_TYPE) *values;
} CatAttribute;

ASN1_SEQUENCE(CatAttribute) = {
	ASN1_SIMPLE(CatAttribute, type, ASN1_OBJECT),
	ASN1_SET_OF(CatAttribute, values, ASN1_ANY),
} static_ASN1_SEQUENCE_END(CatAttribute)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(CatAttribute)
DEFINE_STACK_OF(CatAttribute)

/* TrustedSubject ::= SEQUENCE { subjectIdentifier OCTET STRING, subjectAttributes SET OF ... } */
typedef struct {
	ASN1_OCTET_STRING *tag;
	STACK_OF(CatAttribute) *attributes;
} TrustedSubject;

ASN1_SEQUENCE(TrustedSubject) = {
	ASN1_SIMPLE(TrustedSubject, tag, ASN1_OCTET_STRING),
	ASN1_SET_OF_OPT(TrustedSubject, attributes, CatAttribute),
} static_ASN1_SEQUENCE_END(TrustedSubject)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(TrustedSubject)
DEFINE_STACK_OF(TrustedSubject)

/* Catalog attribute: Extension without the critical flag (§2 row 9). */
typedef struct {
	ASN1_OBJECT *id;
	ASN1_OCTET_STRING *value;
} CtlExtension;

ASN1_SEQUENCE(CtlExtension) = {
	ASN1_SIMPLE(CtlExtension, id, ASN1_OBJECT),
	ASN1_SIMPLE(CtlExtension, value, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(CtlExtension)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(CtlExtension)
DEFINE_STACK_OF(CtlExtension)

/*
 * CertificateTrustList (§2); every field modelled, catalogs leave version,
 * sequenceNumber and nextUpdate out:
 *   SEQUENCE { version INTEGER OPTIONAL, subjectUsage SEQUENCE OF OID,
 *     listIdentifier OCTET STRING OPTIONAL, sequenceNumber INTEGER OPTIONAL,
 *     thisUpdate Time, nextUpdate Time OPTIONAL, subjectAlgorithm AlgorithmIdentifier,
 *     trustedSubjects SEQUENCE OF TrustedSubject OPTIONAL,
 *     ctlExtensions [0] EXPLICIT SEQUENCE OF Extension OPTIONAL }
 */
typedef struct {
	ASN1_INTEGER *version;
	STACK_OF(ASN1_OBJECT) *subject_usage;
	ASN1_OCTET_STRING *list_id;
	ASN1_INTEGER *sequence_number;
	ASN1_TIME *this_update;
	ASN1_TIME *next_update;
	X509_ALGOR *subject_algorithm;
	STACK_OF(TrustedSubject) *subjects;
	STACK_OF(CtlExtension) *extensions;
} CertificateTrustList;

ASN1_SEQUENCE(CertificateTrustList) = {
	ASN1_OPT(CertificateTrustList, version, ASN1_INTEGER),
	ASN1_SEQUENCE_OF(CertificateTrustList, subject_usage, ASN1_OBJECT),
	ASN1_OPT(CertificateTrustList, list_id, ASN1_OCTET_STRING),
	ASN1_OPT(CertificateTrustList, sequence_number, ASN1_INTEGER),
	ASN1_SIMPLE(CertificateTrustList, this_update, ASN1_TIME),
	ASN1_OPT(CertificateTrustList, next_update, ASN1_TIME),
	ASN1_SIMPLE(CertificateTrustList, subject_algorithm, X509_ALGOR),
	ASN1_SEQUENCE_OF_OPT(CertificateTrustList, subjects, TrustedSubject),
	ASN1_EXP_SEQUENCE_OF_OPT(CertificateTrustList, extensions, CtlExtension, 0),
} static_ASN1_SEQUENCE_END(CertificateTrustList)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(CertificateTrustList)

/* ---- encoding helpers ---- */

/* Encodes any template value to malloc'd DER. */
static int encode(unsigned char **out, size_t *len, const void *value, const ASN1_ITEM *it,
		  struct dc_error *err)
{
	unsigned char *der = NULL;
	int n = ASN1_item_i2d((const ASN1_VALUE *)value, &der, it);

	*out = NULL;
	*len = 0;
	if (n <= 0)
		return dc_error_set(err, DC_ECRYPTO, "ASN.1 encoding failed");
	*out = malloc((size_t)n);
	if (!*out) {
		OPENSSL_free(der);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	memcpy(*out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	return 0;
}

/* An ANY holding a complete DER element (tag and length included). */
static ASN1_TYPE *any_der(const unsigned char *der, size_t len)
{
	ASN1_TYPE *t = ASN1_TYPE_new();
	ASN1_STRING *s = ASN1_STRING_new();
	/* V_ASN1_SEQUENCE and V_ASN1_OTHER carry the whole encoding verbatim. */
	int type = der[0] == 0x30 ? V_ASN1_SEQUENCE : V_ASN1_OTHER;

	if (!t || !s || len > INT32_MAX || !ASN1_STRING_set(s, der, (int)len)) {
		ASN1_TYPE_free(t);
		ASN1_STRING_free(s);
		return NULL;
	}
	ASN1_TYPE_set(t, type, s);
	return t;
}

static int string_set(ASN1_STRING *s, const unsigned char *p, size_t n)
{
	return n <= INT32_MAX && ASN1_STRING_set(s, p, (int)n) == 1;
}

/* Adds attribute { oid, SET { value } } to attrs, taking value. */
static int add_attribute(STACK_OF(CatAttribute) *attrs, const char *oid, ASN1_TYPE *value,
			 struct dc_error *err)
{
	CatAttribute *a = CatAttribute_new();

	if (!a || !value || !(a->type = OBJ_txt2obj(oid, 1)) ||
	    !sk_ASN1_TYPE_push(a->values, value)) {
		ASN1_TYPE_free(value);
		CatAttribute_free(a);
		return dc_error_set(err, DC_ECRYPTO, "building catalog attribute %s failed", oid);
	}
	if (!sk_CatAttribute_push(attrs, a)) {
		CatAttribute_free(a);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	return 0;
}

/*
 * NameValue DER with Inf2Cat's flags 0x10010001: name as BMPString, value as
 * UTF-16LE text plus a NUL (§3.3).
 *   SEQUENCE { BMPSTRING "File", INTEGER 0x10010001, OCTET STRING "f\0o\0o\0\0\0" }
 */
static int namevalue_der(unsigned char **out, size_t *len, const char *name, const char *value,
			 struct dc_error *err)
{
	CatNameValue *nv = CatNameValue_new();
	unsigned char *n16 = NULL, *v16 = NULL;
	size_t n16_len, v16_len;
	int rc;

	if (!nv)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	rc = text_utf8_to_utf16(&n16, &n16_len, name, true, false, err);
	if (!rc)
		rc = text_utf8_to_utf16(&v16, &v16_len, value, false, true, err);
	if (!rc && (!string_set(nv->name, n16, n16_len) || !string_set(nv->value, v16, v16_len) ||
		    !ASN1_INTEGER_set_uint64(nv->flags, CAT_NV_INF2CAT)))
		rc = dc_error_set(err, DC_ECRYPTO, "building attribute %s failed", name);
	if (!rc)
		rc = encode(out, len, nv, ASN1_ITEM_rptr(CatNameValue), err);
	if (rc)
		dc_error_prefix(err, "catalog attribute '%s'", name);
	free(n16);
	free(v16);
	CatNameValue_free(nv);
	return rc;
}

static int add_namevalue(STACK_OF(CatAttribute) *attrs, const char *name, const char *value,
			 struct dc_error *err)
{
	unsigned char *der;
	size_t len;
	int rc = namevalue_der(&der, &len, name, value, err);

	if (rc)
		return rc;
	rc = add_attribute(attrs, OID_CAT_NAMEVALUE, any_der(der, len), err);
	free(der);
	return rc;
}

/* CAT_MEMBERINFO { "{C689AAB8-...}", 512 } for v1 (§3.4). */
static int add_memberinfo(STACK_OF(CatAttribute) *attrs, enum cat_kind kind, struct dc_error *err)
{
	CatMemberInfo *mi = CatMemberInfo_new();
	const char *guid = kind == CAT_KIND_PE ? SIP_GUID_PE : SIP_GUID_FLAT;
	unsigned char *g16 = NULL, *der = NULL;
	size_t g16_len, len;
	int rc;

	if (!mi)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	rc = text_utf8_to_utf16(&g16, &g16_len, guid, true, false, err);
	if (!rc && (!string_set(mi->guid, g16, g16_len) || !ASN1_INTEGER_set(mi->cert_version, 512)))
		rc = dc_error_set(err, DC_ECRYPTO, "building member info failed");
	if (!rc)
		rc = encode(&der, &len, mi, ASN1_ITEM_rptr(CatMemberInfo), err);
	if (!rc)
		rc = add_attribute(attrs, OID_CAT_MEMBERINFO, any_der(der, len), err);
	free(g16);
	free(der);
	CatMemberInfo_free(mi);
	return rc;
}

/* CAT_MEMBERINFO2 for v2: one empty context tag, [0] PE SIP or [2] flat SIP (§3.4). */
static int add_memberinfo2(STACK_OF(CatAttribute) *attrs, enum cat_kind kind, struct dc_error *err)
{
	const unsigned char pe[2] = { 0x80, 0x00 }, flat[2] = { 0x82, 0x00 };

	return add_attribute(attrs, OID_CAT_MEMBERINFO2, any_der(kind == CAT_KIND_PE ? pe : flat, 2),
			     err);
}

/* SpcLink.file = [2] EXPLICIT SpcString.unicode "" : a2 02 80 00 */
static SpcLink *empty_file_link(void)
{
	SpcLink *link = SpcLink_new();
	SpcString *str = SpcString_new();

	if (!link || !str || !(str->value.unicode = ASN1_BMPSTRING_new())) {
		SpcLink_free(link);
		SpcString_free(str);
		return NULL;
	}
	str->type = 0;
	link->type = 2;
	link->value.file = str;
	return link;
}

/* Class id of the page-hash moniker, a6b586d5-b4a1-2466-ae05-a217da8e60d6. */
static const unsigned char page_hash_class_id[16] = {
	0xa6, 0xb5, 0x86, 0xd5, 0xb4, 0xa1, 0x24, 0x66,
	0xae, 0x05, 0xa2, 0x17, 0xda, 0x8e, 0x60, 0xd6,
};

/*
 * SpcLink.moniker holding the page-hash table (§3.5):
 *   [1] { classId, serializedData = SET { SEQUENCE { OID 2.3.1|2.3.2, SET { OCTET STRING } } } }
 */
static SpcLink *page_hash_link(const char *oid, const unsigned char *table, size_t len,
			       struct dc_error *err)
{
	SpcPageHashes *ph = SpcPageHashes_new();
	ASN1_OCTET_STRING *t = ASN1_OCTET_STRING_new();
	SpcLink *link = SpcLink_new();
	SpcSerializedObject *obj = SpcSerializedObject_new();
	unsigned char *der = NULL, *set = NULL;
	size_t der_len = 0;

	if (!ph || !t || !link || !obj || !(ph->type = OBJ_txt2obj(oid, 1)) ||
	    !string_set(t, table, len) || !sk_ASN1_OCTET_STRING_push(ph->tables, t)) {
		ASN1_OCTET_STRING_free(t);
		goto fail;
	}
	t = NULL;
	if (encode(&der, &der_len, ph, ASN1_ITEM_rptr(SpcPageHashes), err))
		goto fail;
	/* The outer SET OF has this one element: 31 <len> <SEQUENCE>. */
	set = malloc(der_len + 6);
	if (!set)
		goto fail;
	{
		size_t hdr = 0;

		set[hdr++] = 0x31;
		if (der_len < 0x80) {
			set[hdr++] = (unsigned char)der_len;
		} else if (der_len < 0x100) {
			set[hdr++] = 0x81;
			set[hdr++] = (unsigned char)der_len;
		} else if (der_len < 0x10000) {
			set[hdr++] = 0x82;
			set[hdr++] = (unsigned char)(der_len >> 8);
			set[hdr++] = (unsigned char)der_len;
		} else {
			set[hdr++] = 0x83;
			set[hdr++] = (unsigned char)(der_len >> 16);
			set[hdr++] = (unsigned char)(der_len >> 8);
			set[hdr++] = (unsigned char)der_len;
		}
		memcpy(set + hdr, der, der_len);
		if (!string_set(obj->class_id, page_hash_class_id, sizeof(page_hash_class_id)) ||
		    !string_set(obj->serialized_data, set, hdr + der_len))
			goto fail;
	}
	free(der);
	free(set);
	SpcPageHashes_free(ph);
	link->type = 1;
	link->value.moniker = obj;
	return link;
fail:
	free(der);
	free(set);
	SpcPageHashes_free(ph);
	SpcSerializedObject_free(obj);
	SpcLink_free(link);
	dc_error_set(err, DC_ECRYPTO, "building the page-hash table attribute failed");
	return NULL;
}

/*
 * SPC_INDIRECT_DATA for one member: PE -> SpcPeImageData (flags 05 a0 =
 * includeResources|includeImportAddressTable, file link empty or page-hash
 * moniker); flat -> SPC_CAB_DATA with an empty file link (§3.5).
 */
static int add_indirect(STACK_OF(CatAttribute) *attrs, const struct cat_file_entry *f, bool v2,
			struct dc_error *err)
{
	SpcIndirectDataContent *idc = SpcIndirectDataContent_new();
	unsigned char *value = NULL, *der = NULL;
	size_t value_len = 0, len = 0;
	const unsigned char *table = v2 ? f->pages_sha256 : f->pages_sha1;
	size_t table_len = v2 ? f->pages_sha256_len : f->pages_sha1_len;
	int rc = 0;

	if (!idc)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	if (f->kind == CAT_KIND_PE) {
		SpcPeImageData *pe = SpcPeImageData_new();
		const unsigned char flags = 0xA0;

		if (!pe || !string_set(pe->flags, &flags, 1) ||
		    !(pe->file = table ? page_hash_link(v2 ? OID_PAGE_HASHES_V2 : OID_PAGE_HASHES_V1,
							 table, table_len, err)
				       : empty_file_link()))
			rc = dc_error_set(err, DC_ECRYPTO, "building PE image data failed");
		if (!rc)
			rc = encode(&value, &value_len, pe, ASN1_ITEM_rptr(SpcPeImageData), err);
		SpcPeImageData_free(pe);
		if (!rc && !(idc->data->type = OBJ_txt2obj(OID_SPC_PE_IMAGE_DATA, 1)))
			rc = dc_error_set(err, DC_ECRYPTO, "OID failed");
	} else {
		SpcLink *link = empty_file_link();

		if (!link)
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		if (!rc)
			rc = encode(&value, &value_len, link, ASN1_ITEM_rptr(SpcLink), err);
		SpcLink_free(link);
		if (!rc && !(idc->data->type = OBJ_txt2obj(OID_SPC_CAB_DATA, 1)))
			rc = dc_error_set(err, DC_ECRYPTO, "OID failed");
	}
	if (!rc && !(idc->data->value = any_der(value, value_len)))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (!rc && (!X509_ALGOR_set0(idc->message_digest->algorithm,
				     OBJ_nid2obj(v2 ? NID_sha256 : NID_sha1), V_ASN1_NULL, NULL) ||
		    !string_set(idc->message_digest->digest, v2 ? f->sha256 : f->sha1, v2 ? 32 : 20)))
		rc = dc_error_set(err, DC_ECRYPTO, "building the member digest failed");
	if (!rc)
		rc = encode(&der, &len, idc, ASN1_ITEM_rptr(SpcIndirectDataContent), err);
	if (!rc)
		rc = add_attribute(attrs, OID_SPC_INDIRECT_DATA, any_der(der, len), err);
	free(value);
	free(der);
	SpcIndirectDataContent_free(idc);
	return rc;
}

/* ---- members ---- */

struct member_out {
	unsigned char tag[82];
	size_t tag_len;
	TrustedSubject *subject;
};

static int cmp_member(const void *a, const void *b)
{
	const struct member_out *x = a, *y = b;
	size_t n = x->tag_len < y->tag_len ? x->tag_len : y->tag_len;
	int c = memcmp(x->tag, y->tag, n);

	if (c)
		return c;
	return x->tag_len < y->tag_len ? -1 : x->tag_len > y->tag_len;
}

/* v1 tag: the SHA-1 as upper-case hex in UTF-16LE with a NUL, 82 bytes (§3.1). */
static void tag_v1(unsigned char out[82], const unsigned char sha1[20])
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < 20; i++) {
		out[4 * i] = (unsigned char)digits[sha1[i] >> 4];
		out[4 * i + 1] = 0;
		out[4 * i + 2] = (unsigned char)digits[sha1[i] & 15];
		out[4 * i + 3] = 0;
	}
	out[80] = out[81] = 0;
}

/*
 * One TrustedSubject.  kind_entry: 0 = v1 member, 1 = v2 SHA-256 member,
 * 2 = v2 SHA-1 compatibility member (no indirect data, §3.6).
 */
static int make_member(struct member_out *m, const struct cat_file_entry *f, const char *osattr,
		       int kind_entry, struct dc_error *err)
{
	TrustedSubject *ts = TrustedSubject_new();
	char *file = strdup(f->file ? f->file : "");
	int rc = 0;

	m->subject = ts;
	if (!ts || !file || !(ts->attributes = sk_CatAttribute_new_null())) {
		free(file);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	dc_str_lower(file);
	if (kind_entry == 0) {
		tag_v1(m->tag, f->sha1);
		m->tag_len = 82;
	} else if (kind_entry == 1) {
		memcpy(m->tag, f->sha256, 32);
		m->tag_len = 32;
	} else {
		memcpy(m->tag, f->sha1, 20);
		m->tag_len = 20;
	}
	if (!string_set(ts->tag, m->tag, m->tag_len))
		rc = dc_error_set(err, DC_ECRYPTO, "building member tag failed");
	if (!rc)
		rc = add_namevalue(ts->attributes, "File", file, err);
	if (!rc && osattr)
		rc = add_namevalue(ts->attributes, "OSAttr", osattr, err);
	if (!rc)
		rc = kind_entry == 0 ? add_memberinfo(ts->attributes, f->kind, err)
				     : add_memberinfo2(ts->attributes, f->kind, err);
	if (!rc && kind_entry != 2)
		rc = add_indirect(ts->attributes, f, kind_entry == 1, err);
	if (rc)
		dc_error_prefix(err, "member %s", file);
	free(file);
	return rc;
}

static int add_extension(STACK_OF(CtlExtension) *exts, const char *name, const char *value,
			 struct dc_error *err)
{
	CtlExtension *e = CtlExtension_new();
	unsigned char *der = NULL;
	size_t len;
	int rc;

	if (!e)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	rc = namevalue_der(&der, &len, name, value, err);
	if (!rc && (!(e->id = OBJ_txt2obj(OID_CAT_NAMEVALUE, 1)) || !string_set(e->value, der, len)))
		rc = dc_error_set(err, DC_ECRYPTO, "building catalog attribute %s failed", name);
	free(der);
	if (!rc && !sk_CtlExtension_push(exts, e))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (rc)
		CtlExtension_free(e);
	return rc;
}

/* Catalog attributes in Inf2Cat's stored order: (user), OS, HWIDn ... HWID1 (§4.2). */
static int add_catalog_attrs(CertificateTrustList *ctl, const struct cat_spec *spec,
			     struct dc_error *err)
{
	char name[32];
	int rc = 0;

	if (!spec->nattrs && !spec->os && !spec->nhwids)
		return 0;
	if (!(ctl->extensions = sk_CtlExtension_new_null()))
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < spec->nattrs; i++)
		rc = add_extension(ctl->extensions, spec->attrs[i].name, spec->attrs[i].value, err);
	if (!rc && spec->os)
		rc = add_extension(ctl->extensions, "OS", spec->os, err);
	for (size_t i = spec->nhwids; !rc && i > 0; i--) {
		snprintf(name, sizeof(name), "HWID%zu", i);
		rc = add_extension(ctl->extensions, name, spec->hwids[i - 1], err);
	}
	return rc;
}

/* Wraps the CTL in the unsigned SignedData shape of §1 and encodes it. */
static int wrap_pkcs7(unsigned char **out, size_t *len, const unsigned char *ctl, size_t ctl_len,
		      struct dc_error *err)
{
	PKCS7 *p7 = PKCS7_new(), *inner = PKCS7_new();
	ASN1_STRING *seq = ASN1_STRING_new();
	int rc = 0;

	if (!p7 || !inner || !seq || !PKCS7_set_type(p7, NID_pkcs7_signed) ||
	    !(inner->type = OBJ_txt2obj(OID_CTL, 1)) || !(inner->d.other = ASN1_TYPE_new()) ||
	    !string_set(seq, ctl, ctl_len)) {
		rc = dc_error_set(err, DC_ECRYPTO, "building the PKCS#7 container failed");
	} else {
		ASN1_TYPE_set(inner->d.other, V_ASN1_SEQUENCE, seq);
		seq = NULL;
		PKCS7_free(p7->d.sign->contents);
		p7->d.sign->contents = inner;
		inner = NULL;
		rc = encode(out, len, p7, ASN1_ITEM_rptr(PKCS7), err);
	}
	ASN1_STRING_free(seq);
	PKCS7_free(inner);
	PKCS7_free(p7);
	return rc;
}

/*
 * The list identifier: a version-4-shaped GUID (Windows byte order) taken
 * from SHA-256 of the catalog encoded with an all-zero identifier, so that it
 * depends on the content alone (reproducible builds).
 */
static int derive_list_id(CertificateTrustList *ctl, struct dc_error *err)
{
	unsigned char zero[16] = { 0 }, md[32];
	unsigned char *der = NULL;
	size_t len;
	int rc;

	if (!string_set(ctl->list_id, zero, sizeof(zero)))
		return dc_error_set(err, DC_ECRYPTO, "building list identifier failed");
	if ((rc = encode(&der, &len, ctl, ASN1_ITEM_rptr(CertificateTrustList), err)))
		return rc;
	rc = EVP_Digest(der, len, md, NULL, EVP_sha256(), NULL) == 1 ? 0 : DC_ECRYPTO;
	free(der);
	if (rc)
		return dc_error_set(err, DC_ECRYPTO, "hashing the catalog for its identifier failed");
	md[7] = (unsigned char)((md[7] & 0x0F) | 0x40);
	md[8] = (unsigned char)((md[8] & 0x3F) | 0x80);
	if (!string_set(ctl->list_id, md, 16))
		return dc_error_set(err, DC_ECRYPTO, "building list identifier failed");
	return 0;
}

int cat_write(unsigned char **out, size_t *len, const struct cat_spec *spec,
	      struct dc_error *err)
{
	CertificateTrustList *ctl;
	size_t per_file = spec->version == 2 ? 2 : 1, n = 0;
	struct member_out *members = NULL;
	unsigned char *ctl_der = NULL;
	size_t ctl_len = 0;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (spec->version != 1 && spec->version != 2)
		return dc_error_set(err, DC_EUSAGE, "catalog version must be 1 or 2");
	ctl = CertificateTrustList_new();
	if (!ctl || spec->nfiles > SIZE_MAX / sizeof(*members) / 2 ||
	    !(members = calloc(spec->nfiles * per_file + 1, sizeof(*members)))) {
		CertificateTrustList_free(ctl);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	/* subjectUsage = { szOID_CATALOG_LIST }; subjectAlgorithm = member list v1|v2, NULL */
	{
		ASN1_OBJECT *usage = OBJ_txt2obj(OID_CATALOG_LIST, 1);

		if (!usage || !sk_ASN1_OBJECT_push(ctl->subject_usage, usage)) {
			ASN1_OBJECT_free(usage);
			rc = dc_error_set(err, DC_ECRYPTO, "building the CTL header failed");
		}
	}
	if (!rc && (!(ctl->list_id = ASN1_OCTET_STRING_new()) ||
		    !ASN1_TIME_set(ctl->this_update, (time_t)spec->this_update) ||
		    !X509_ALGOR_set0(ctl->subject_algorithm,
				     OBJ_txt2obj(spec->version == 2 ? OID_CATALOG_LIST_MEMBER2
								     : OID_CATALOG_LIST_MEMBER, 1),
				     V_ASN1_NULL, NULL)))
		rc = dc_error_set(err, DC_ECRYPTO, "building the CTL header failed");
	for (size_t i = 0; !rc && i < spec->nfiles; i++) {
		if (spec->version == 1) {
			rc = make_member(&members[n++], &spec->files[i], spec->osattr, 0, err);
		} else {
			rc = make_member(&members[n++], &spec->files[i], spec->osattr, 1, err);
			if (!rc)
				rc = make_member(&members[n++], &spec->files[i], spec->osattr, 2, err);
		}
	}
	/* Microsoft sorts members by the raw tag bytes (§5.1). */
	if (!rc && n) {
		qsort(members, n, sizeof(*members), cmp_member);
		if (!(ctl->subjects = sk_TrustedSubject_new_null()))
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		for (size_t i = 0; !rc && i < n; i++) {
			if (!sk_TrustedSubject_push(ctl->subjects, members[i].subject))
				rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			else
				members[i].subject = NULL;
		}
	}
	if (!rc)
		rc = add_catalog_attrs(ctl, spec, err);
	if (!rc)
		rc = derive_list_id(ctl, err);
	if (!rc)
		rc = encode(&ctl_der, &ctl_len, ctl, ASN1_ITEM_rptr(CertificateTrustList), err);
	if (!rc)
		rc = wrap_pkcs7(out, len, ctl_der, ctl_len, err);
	for (size_t i = 0; i < n; i++)
		TrustedSubject_free(members[i].subject);
	free(members);
	free(ctl_der);
	CertificateTrustList_free(ctl);
	return rc;
}
