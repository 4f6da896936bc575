/*
 * signeddata.c - the signature SignTool puts on a catalog (catalog-format.md
 * §6): PKCS#7 SignedData v1 whose content is the catalog's own ContentInfo
 * (OID 1.3.6.1.4.1.311.10.1 + the CTL, copied byte for byte), one SignerInfo
 * with the authenticated attributes
 *   contentType      = 1.3.6.1.4.1.311.10.1
 *   SpcStatementType = { 1.3.6.1.4.1.311.2.1.21 }  (individual)
 *   messageDigest    = H(content octets of the CTL SEQUENCE)
 *   SpcSpOpusInfo    = { [0] programName BMPString, [1] moreInfo IA5String }
 * and no signingTime (only with --time), the certificates in DER order.
 *
 * The SignerInfo is built by hand (PKCS7_add_signature +
 * PKCS7_SIGNER_INFO_sign) rather than with PKCS7_sign/PKCS7_dataFinal,
 * because those insert signingTime and hash the whole CTL encoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "../cat/layout.h"
#include "../cat/oids.h"
#include "internal.h"

/* ---- SignerInfo ---- */

/* Adds attribute { oid, SET { der } } where der is one complete element. */
static int add_attr_der(STACK_OF(X509_ATTRIBUTE) **attrs, const char *oid,
			const unsigned char *der, size_t len, struct dc_error *err)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	X509_ATTRIBUTE *a = NULL;
	int rc = 0;

	/* V_ASN1_SEQUENCE keeps the bytes as they are (tag and length included). */
	if (!obj || len > INT32_MAX ||
	    !(a = X509_ATTRIBUTE_create_by_OBJ(NULL, obj, V_ASN1_SEQUENCE, der, (int)len)) ||
	    !X509at_add1_attr(attrs, a))
		rc = sign_ossl_error(err, DC_ECRYPTO, "adding attribute %s failed", oid);
	X509_ATTRIBUTE_free(a);
	ASN1_OBJECT_free(obj);
	return rc;
}

static int add_signed_attrs(PKCS7_SIGNER_INFO *si, const unsigned char *ctl, size_t ctl_len,
			    const EVP_MD *md, const struct sign_options *o, struct dc_error *err)
{
	/* SEQUENCE { OID 1.3.6.1.4.1.311.2.1.21 } */
	static const unsigned char individual[] = {
		0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x15,
	};
	unsigned char h[EVP_MAX_MD_SIZE], *opus = NULL;
	unsigned int hlen = 0;
	size_t opus_len = 0;
	ASN1_OBJECT *type = OBJ_txt2obj(OID_CTL, 1);
	ASN1_OCTET_STRING *digest = ASN1_OCTET_STRING_new();
	int rc = 0;

	if (!type || !digest || EVP_Digest(ctl, ctl_len, h, &hlen, md, NULL) != 1 ||
	    !ASN1_OCTET_STRING_set(digest, h, (int)hlen)) {
		rc = sign_ossl_error(err, DC_ECRYPTO, "hashing the CTL failed");
		goto done;
	}
	if (!PKCS7_add_signed_attribute(si, NID_pkcs9_contentType, V_ASN1_OBJECT, type)) {
		rc = sign_ossl_error(err, DC_ECRYPTO, "adding contentType failed");
		goto done;
	}
	type = NULL;
	if (!PKCS7_add_signed_attribute(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest)) {
		rc = sign_ossl_error(err, DC_ECRYPTO, "adding messageDigest failed");
		goto done;
	}
	digest = NULL;
	if ((rc = add_attr_der(&si->auth_attr, OID_SPC_STATEMENT_TYPE, individual,
			       sizeof(individual), err)) ||
	    (rc = spc_opus_info_der(&opus, &opus_len, o->description, o->url, err)) ||
	    (rc = add_attr_der(&si->auth_attr, OID_SPC_SP_OPUS_INFO, opus, opus_len, err)))
		goto done;
	if (o->have_time) {
		/* UTCTime up to 2049, GeneralizedTime after (RFC 5652 §11.3). */
		ASN1_TIME *t = ASN1_TIME_adj(NULL, (time_t)o->time, 0, 0);

		if (!t || !PKCS7_add_signed_attribute(si, NID_pkcs9_signingTime, t->type, t)) {
			ASN1_TIME_free(t);
			rc = sign_ossl_error(err, DC_ECRYPTO, "adding signingTime failed");
		}
	}
done:
	ASN1_OBJECT_free(type);
	ASN1_OCTET_STRING_free(digest);
	free(opus);
	return rc;
}

/*
 * Checks the signature just made with the certificate's public key, over
 * the attributes in the order they are stored: a token that signs with
 * another key, or a broken key, is caught here rather than by Windows.
 */
static int self_verify(PKCS7_SIGNER_INFO *si, X509 *cert, const char *what, struct dc_error *err)
{
	unsigned char *abuf = NULL;
	int alen = ASN1_item_i2d((ASN1_VALUE *)si->auth_attr, &abuf, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
	const EVP_MD *md = EVP_get_digestbyobj(si->digest_alg->algorithm);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = alen > 0 && md && ctx &&
		 EVP_DigestVerifyInit_ex(ctx, NULL, EVP_MD_get0_name(md), NULL, NULL,
					 X509_get0_pubkey(cert), NULL) == 1 &&
		 EVP_DigestVerify(ctx, si->enc_digest->data, (size_t)si->enc_digest->length, abuf,
				  (size_t)alen) == 1;

	EVP_MD_CTX_free(ctx);
	OPENSSL_free(abuf);
	if (!ok)
		return sign_ossl_error(err, DC_ECRYPTO, "%s does not verify with the certificate's public key",
				       what);
	return 0;
}

static int parse_p7(PKCS7 **p7, const unsigned char *cat, size_t len, const char *name,
		    struct dc_error *err)
{
	const unsigned char *p = cat;

	*p7 = len <= INT32_MAX ? d2i_PKCS7(NULL, &p, (long)len) : NULL;
	if (!*p7 || !PKCS7_type_is_signed(*p7) || !(*p7)->d.sign->contents)
		return sign_ossl_error(err, DC_EFORMAT, "%s: OpenSSL cannot read the catalog", name);
	return 0;
}

/*
 * The catalog's SignedData.contentInfo (OID szOID_CTL + the CTL) as OpenSSL
 * holds it: only these bytes are decoded, not the old signature that is
 * about to be dropped.  The CTL stays one opaque value (an ASN1_TYPE).
 */
static int parse_content(PKCS7 **content, const unsigned char *cat, const struct cat_layout *lay,
			 const char *name, struct dc_error *err)
{
	const unsigned char *p = cat + lay->content_offset;

	*content = lay->content_len <= INT32_MAX ? d2i_PKCS7(NULL, &p, (long)lay->content_len) : NULL;
	if (!*content || p != cat + lay->content_offset + lay->content_len) {
		PKCS7_free(*content);
		*content = NULL;
		return sign_ossl_error(err, DC_EFORMAT, "%s: OpenSSL cannot read the catalog's content", name);
	}
	return 0;
}

static int add_certs(PKCS7 *p7, const struct signer *s, size_t *count, struct dc_error *err)
{
	STACK_OF(X509) *all = sk_X509_new_null();
	int rc = 0;

	if (!all || !sk_X509_push(all, s->cert) || !X509_up_ref(s->cert))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	for (int i = 0; !rc && i < sk_X509_num(s->extra); i++) {
		X509 *x = sk_X509_value(s->extra, i);

		if (!sk_X509_push(all, x) || !X509_up_ref(x))
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	/* Windows wants X.690 SET OF order (osslsigncode cites KB4580358; §1). */
	if (!rc)
		rc = sd_sort_certs(all, err);
	for (int i = 0; !rc && i < sk_X509_num(all); i++)
		if (!PKCS7_add_certificate(p7, sk_X509_value(all, i)))
			rc = sign_ossl_error(err, DC_ECRYPTO, "adding a certificate failed");
	*count = rc ? 0 : (size_t)sk_X509_num(all);
	sk_X509_pop_free(all, X509_free);
	return rc;
}

int sign_catalog(unsigned char **out, size_t *out_len, const unsigned char *cat, size_t len,
		 const char *name, const struct signer *s, const struct sign_options *o,
		 struct sign_result *res, struct dc_error *err)
{
	struct cat_layout lay;
	PKCS7 *content = NULL, *p7 = NULL;
	PKCS7_SIGNER_INFO *si;
	EVP_MD *md = NULL;
	int rc;

	*out = NULL;
	*out_len = 0;
	memset(res, 0, sizeof(*res));
	/* The whole catalog is checked as strictly as show reads it, but no member is decoded. */
	if ((rc = cat_read_layout(&lay, cat, len, name, err)) ||
	    (rc = signer_check_cert(res, s->cert, o->now, o->strict, err)) ||
	    (rc = sign_md_fetch(&md, o->digest, "--digest", err)) ||
	    (rc = parse_content(&content, cat, &lay, name, err)))
		goto done;
	/* A fresh SignedData around the old content: re-signing drops every old signer and certificate. */
	if (!(p7 = PKCS7_new()) || !PKCS7_set_type(p7, NID_pkcs7_signed)) {
		rc = sign_ossl_error(err, DC_ECRYPTO, "creating the SignedData failed");
		goto done;
	}
	PKCS7_free(p7->d.sign->contents);
	p7->d.sign->contents = content;
	content = NULL;
	if (!(si = PKCS7_add_signature(p7, s->cert, s->key, md))) {
		rc = sign_ossl_error(err, DC_ECRYPTO, "setting up the signer failed");
		goto done;
	}
	if ((rc = add_signed_attrs(si, cat + lay.ctl_body_offset, lay.ctl_body_len, md, o, err)))
		goto done;
	if (PKCS7_SIGNER_INFO_sign(si) != 1) {
		rc = sign_ossl_error(err, DC_ECRYPTO, "signing failed");
		goto done;
	}
	if ((rc = self_verify(si, s->cert, "the new signature", err)) || (rc = add_certs(p7, s, &res->ncerts, err)))
		goto done;
	if (o->ts.url) {
		if ((rc = tsp_timestamp_signer(si, &o->ts, &res->timestamp_time, err)))
			goto done;
		res->timestamped = true;
	}
	rc = sd_encode_checked(out, out_len, p7, cat, len, name, err);
	sign_name_text(res->subject, sizeof(res->subject), X509_get_subject_name(s->cert));
	snprintf(res->digest, sizeof(res->digest), "%s", o->digest ? o->digest : "sha256");
done:
	EVP_MD_free(md);
	PKCS7_free(content);
	PKCS7_free(p7);
	return rc;
}

int sign_timestamp(unsigned char **out, size_t *out_len, const unsigned char *cat, size_t len,
		   const char *name, const struct sign_ts_options *ts, struct sign_result *res,
		   struct dc_error *err)
{
	struct cat_layout lay;
	PKCS7 *p7 = NULL;
	PKCS7_SIGNER_INFO *si;
	X509 *signer;
	int rc;

	*out = NULL;
	*out_len = 0;
	memset(res, 0, sizeof(*res));
	if ((rc = cat_read_layout(&lay, cat, len, name, err)) || (rc = parse_p7(&p7, cat, len, name, err)))
		goto done;
	if (lay.nsigners == 0) {
		rc = dc_error_set(err, DC_EUSAGE, "%s: the catalog is not signed; sign it first", name);
		goto done;
	}
	if (lay.nsigners > 1) {
		rc = dc_error_set(err, DC_EUSAGE, "%s: has %zu signatures; a catalog carries one", name,
				  lay.nsigners);
		goto done;
	}
	si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
	signer = X509_find_by_issuer_and_serial(p7->d.sign->cert, si->issuer_and_serial->issuer,
						si->issuer_and_serial->serial);
	if (!signer) {
		rc = dc_error_set(err, DC_EFORMAT, "%s: the signer's certificate is not in the catalog", name);
		goto done;
	}
	/* Re-encoding must leave the signed attributes as they were: check before asking the TSA. */
	if ((rc = self_verify(si, signer, "the catalog's signature", err))) {
		dc_error_prefix(err, "%s", name);
		goto done;
	}
	if ((rc = tsp_timestamp_signer(si, ts, &res->timestamp_time, err)))
		goto done;
	res->timestamped = true;
	sign_name_text(res->subject, sizeof(res->subject), X509_get_subject_name(signer));
	rc = sd_encode_checked(out, out_len, p7, cat, len, name, err);
done:
	PKCS7_free(p7);
	return rc;
}
