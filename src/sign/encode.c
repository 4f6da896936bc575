/*
 * encode.c - DER pieces of the catalog signature (catalog-format.md §6):
 * SpcSpOpusInfo as SignTool writes it, certificates in X.690 SET OF order,
 * and the final encoding with its check that the CTL did not move a bit.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "../asn1/der.h"
#include "internal.h"

/* ---- SpcSpOpusInfo ---- */

/* SpcString ::= CHOICE { unicode [0] IMPLICIT BMPString, ascii [1] IMPLICIT IA5String } */
typedef struct {
	int type;
	union {
		ASN1_BMPSTRING *unicode;
		ASN1_IA5STRING *ascii;
	} value;
} SignSpcString;

ASN1_CHOICE(SignSpcString) = {
	ASN1_IMP_OPT(SignSpcString, value.unicode, ASN1_BMPSTRING, 0),
	ASN1_IMP_OPT(SignSpcString, value.ascii, ASN1_IA5STRING, 1),
} static_ASN1_CHOICE_END(SignSpcString)

/* SpcLink, only the alternative used here: url [0] IMPLICIT IA5String */
typedef struct {
	int type;
	union {
		ASN1_IA5STRING *url;
	} value;
} SignSpcLink;

ASN1_CHOICE(SignSpcLink) = {
	ASN1_IMP_OPT(SignSpcLink, value.url, ASN1_IA5STRING, 0),
} static_ASN1_CHOICE_END(SignSpcLink)

/* SpcSpOpusInfo ::= SEQUENCE { programName [0] EXPLICIT SpcString OPTIONAL,
 *                              moreInfo [1] EXPLICIT SpcLink OPTIONAL } */
typedef struct {
	SignSpcString *program_name;
	SignSpcLink *more_info;
} SignSpcOpusInfo;

ASN1_SEQUENCE(SignSpcOpusInfo) = {
	ASN1_EXP_OPT(SignSpcOpusInfo, program_name, SignSpcString, 0),
	ASN1_EXP_OPT(SignSpcOpusInfo, more_info, SignSpcLink, 1),
} static_ASN1_SEQUENCE_END(SignSpcOpusInfo)
IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(SignSpcOpusInfo)

/*
 * SignTool's shape (§6): programName as unicode, moreInfo as url; both
 * absent gives an empty SEQUENCE.  "Contoso" + http://x:
 *   30 1f  a0 12 80 10 <"Contoso" UTF-16BE>  a1 09 80 07 "http://x"...
 */
int spc_opus_info_der(unsigned char **out, size_t *len, const char *description,
		      const char *url, struct dc_error *err)
{
	SignSpcOpusInfo *oi = SignSpcOpusInfo_new();
	unsigned char *der = NULL;
	int n, rc = 0;

	*out = NULL;
	*len = 0;
	if (!oi)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	if (description) {
		ASN1_STRING *bmp = NULL;

		if (!(oi->program_name = (SignSpcString *)ASN1_item_new(ASN1_ITEM_rptr(SignSpcString))) ||
		    ASN1_mbstring_copy(&bmp, (const unsigned char *)description, -1, MBSTRING_UTF8,
				       B_ASN1_BMPSTRING) < 0) {
			ERR_clear_error();
			rc = dc_error_set(err, DC_EUSAGE,
					  "--description: not UTF-8 text in the Basic Multilingual Plane");
		} else {
			oi->program_name->type = 0;
			oi->program_name->value.unicode = bmp;
		}
	}
	if (!rc && url) {
		for (const char *p = url; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				rc = dc_error_set(err, DC_EUSAGE, "--url: must be printable ASCII (an IA5String)");
		if (!rc && (!(oi->more_info = (SignSpcLink *)ASN1_item_new(ASN1_ITEM_rptr(SignSpcLink))) ||
			    !(oi->more_info->value.url = ASN1_IA5STRING_new()) ||
			    !ASN1_STRING_set(oi->more_info->value.url, url, -1)))
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		if (!rc)
			oi->more_info->type = 0;
	}
	if (!rc && (n = ASN1_item_i2d((ASN1_VALUE *)oi, &der, ASN1_ITEM_rptr(SignSpcOpusInfo))) <= 0)
		rc = sign_ossl_error(err, DC_ECRYPTO, "encoding SpcSpOpusInfo failed");
	if (!rc && !(*out = malloc((size_t)n)))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (!rc) {
		memcpy(*out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	SignSpcOpusInfo_free(oi);
	return rc;
}

/* ---- certificates and the final encoding ---- */

struct cert_der {
	X509 *x;
	unsigned char *der;
	int len;
};

/* X.690 §11.6: compare as octet strings, the shorter padded with zero octets. */
static int cmp_der(const void *a, const void *b)
{
	const struct cert_der *x = a, *y = b;
	int n = x->len < y->len ? x->len : y->len, c = memcmp(x->der, y->der, (size_t)n);
	const struct cert_der *longer = x->len > y->len ? x : y;

	if (c || x->len == y->len)
		return c;
	for (int i = n; i < longer->len; i++)
		if (longer->der[i])
			return longer == x ? 1 : -1;
	return 0;
}

int sd_sort_certs(STACK_OF(X509) *certs, struct dc_error *err)
{
	int n = sk_X509_num(certs), rc = 0;
	struct cert_der *v = calloc((size_t)(n > 0 ? n : 1), sizeof(*v));

	if (!v)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (int i = 0; i < n && !rc; i++) {
		v[i].x = sk_X509_value(certs, i);
		if ((v[i].len = i2d_X509(v[i].x, &v[i].der)) <= 0)
			rc = sign_ossl_error(err, DC_ECRYPTO, "encoding a certificate failed");
	}
	if (!rc) {
		qsort(v, (size_t)n, sizeof(*v), cmp_der);
		/* The stack only borrows: reorder, then free the duplicates. */
		while (sk_X509_num(certs) > 0)
			sk_X509_pop(certs);
		for (int i = 0; i < n; i++) {
			if (i > 0 && v[i].len == v[i - 1].len && !memcmp(v[i].der, v[i - 1].der, (size_t)v[i].len))
				X509_free(v[i].x);
			else
				sk_X509_push(certs, v[i].x);
		}
	}
	for (int i = 0; i < n; i++)
		OPENSSL_free(v[i].der);
	free(v);
	return rc;
}

/* The whole SignedData.contentInfo element of a catalog (validated by cat_read_layout). */
static int inner_content(const unsigned char **raw, size_t *raw_len, const unsigned char *p,
			 size_t n, const char *name, struct dc_error *err)
{
	struct der top, ci, wrap, sd;
	struct der_elem e;
	int rc;

	der_init(&top, p, n, name);
	if ((rc = der_expect(&top, &e, DER_SEQUENCE, "ContentInfo", err)))
		return rc;
	der_enter(&top, &e, &ci);
	if ((rc = der_expect(&ci, &e, DER_OID, "content type", err)) ||
	    (rc = der_expect(&ci, &e, 0xA0, "signedData content", err)))
		return rc;
	der_enter(&ci, &e, &wrap);
	if ((rc = der_expect(&wrap, &e, DER_SEQUENCE, "SignedData", err)))
		return rc;
	der_enter(&wrap, &e, &sd);
	if ((rc = der_expect(&sd, &e, DER_INTEGER, "SignedData version", err)) ||
	    (rc = der_expect(&sd, &e, DER_SET, "digest algorithms", err)) ||
	    (rc = der_expect(&sd, &e, DER_SEQUENCE, "content info", err)))
		return rc;
	*raw = e.raw;
	*raw_len = e.raw_len;
	return 0;
}

int sd_encode_checked(unsigned char **out, size_t *len, PKCS7 *p7, const unsigned char *orig,
		      size_t orig_len, const char *name, struct dc_error *err)
{
	/* The size first, then the encoding straight into our buffer: the CTL is copied once. */
	int n = i2d_PKCS7(p7, NULL);
	unsigned char *der, *p;
	const unsigned char *a, *b;
	size_t alen, blen;
	int rc;

	*out = NULL;
	*len = 0;
	if (n <= 0)
		return sign_ossl_error(err, DC_ECRYPTO, "%s: encoding the signed catalog failed", name);
	if (!(der = malloc((size_t)n)))
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	p = der;
	if (i2d_PKCS7(p7, &p) != n) {
		free(der);
		return sign_ossl_error(err, DC_ECRYPTO, "%s: encoding the signed catalog failed", name);
	}
	rc = inner_content(&a, &alen, orig, orig_len, name, err);
	if (!rc)
		rc = inner_content(&b, &blen, der, (size_t)n, "output", err);
	/* The CTL is what Windows hashes members against: it must not move by a bit. */
	if (!rc && (alen != blen || memcmp(a, b, alen)))
		rc = dc_error_set(err, DC_EMISMATCH, "%s: the CTL would change when re-encoded; not written",
				  name);
	if (rc) {
		free(der);
		return rc;
	}
	*out = der;
	*len = (size_t)n;
	return 0;
}
