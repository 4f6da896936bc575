/*
 * signature.c - the catalog's Authenticode signature (catalog-format.md §6):
 * PKCS#7 signature over the authenticated attributes, messageDigest over the
 * CTL's content octets, the signer chain to the trust anchors, the
 * code-signing EKU, and the timestamp (RFC 3161 token or legacy
 * countersignature) that fixes the time the chain must be valid at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../util/fs.h"
#include "internal.h"

#define OID_RFC3161 "1.3.6.1.4.1.311.3.3.1"
#define OID_WHQL_EKU "1.3.6.1.4.1.311.10.3.5"        /* Windows Hardware Driver Verification */
#define OID_ATTEST_EKU "1.3.6.1.4.1.311.10.3.5.1"    /* Windows Hardware Driver Attested Verification */

struct sigctx {
	struct report *r;
	const char *name;
	const struct verify_options *opt;
	struct dc_error *err;
};

void verify_hex(char *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

static int add(struct sigctx *s, enum report_severity sev, const char *code, const char *winerr,
	       const char *fix, const char *fmt, ...) DC_PRINTF(6, 7);

static int add(struct sigctx *s, enum report_severity sev, const char *code, const char *winerr,
	       const char *fix, const char *fmt, ...)
{
	struct report_finding f = { 0 };
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f.severity = sev;
	f.code = code;
	f.file = s->name;
	f.message = msg;
	f.windows_error = winerr;
	f.fix = fix;
	return report_add(s->r, "signature", s->name, &f, s->err);
}

/* OpenSSL's queued errors as one line (drained). */
static void ossl_reason(char *out, size_t n)
{
	unsigned long e;

	out[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		char one[256];

		ERR_error_string_n(e, one, sizeof(one));
		if (!out[0])
			snprintf(out, n, "%s", one);
	}
}

static void when(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(out, n, "%lld", (long long)t);
}

static char *subject_of(X509 *x)
{
	return X509_NAME_oneline(X509_get_subject_name(x), NULL, 0);
}

/* A --trust file: PEM (one or more certificates) or one DER certificate (.cer). */
static int load_anchors(X509_STORE *st, const char *path, struct dc_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	const unsigned char *p;
	X509 *x;
	int rc;

	ERR_clear_error();
	if ((rc = fs_read_file(&data, &len, path, 16u << 20, err)))
		return dc_error_prefix(err, "--trust");
	if (X509_STORE_load_file(st, path) == 1) {
		free(data);
		return 0;
	}
	ERR_clear_error();
	p = data;
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != data + len) {
		X509_free(x);
		free(data);
		ERR_clear_error();
		return dc_error_set(err, DC_EFORMAT,
				    "%s: --trust takes PEM certificates or one DER certificate; this is neither",
				    path);
	}
	free(data);
	rc = X509_STORE_add_cert(st, x) == 1 ? 0 : dc_error_set(err, DC_ECRYPTO, "%s: cannot use it as a trust anchor", path);
	X509_free(x);
	return rc;
}

/*
 * The trust store: --trust files, the system store if asked, and with
 * --integrity-only the catalog's own certificates (so only the chain's
 * internal consistency is checked).  Explicit anchors may be intermediates.
 */
static X509_STORE *make_store(const struct verify_options *opt, STACK_OF(X509) *own,
			      struct dc_error *err)
{
	X509_STORE *st = X509_STORE_new();

	if (!st) {
		dc_error_set(err, DC_ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < opt->ntrust; i++) {
		if (load_anchors(st, opt->trust[i], err)) {
			X509_STORE_free(st);
			return NULL;
		}
	}
	if (opt->system_trust && X509_STORE_set_default_paths(st) != 1) {
		dc_error_set(err, DC_EIO, "cannot load the system trust store");
		X509_STORE_free(st);
		return NULL;
	}
	/*
	 * --integrity-only: the tops of what the catalog carries become anchors
	 * (self-signed roots, and certificates whose issuer is not carried), so
	 * the chain is still built and checked as far as the catalog goes.
	 */
	if (opt->integrity_only) {
		for (int i = 0; own && i < sk_X509_num(own); i++) {
			X509 *x = sk_X509_value(own, i);
			bool issuer_carried = false;

			for (int k = 0; k < sk_X509_num(own) && !issuer_carried; k++)
				issuer_carried = k != i && X509_check_issued(sk_X509_value(own, k), x) == X509_V_OK;
			if (X509_check_issued(x, x) == X509_V_OK || !issuer_carried)
				X509_STORE_add_cert(st, x);
		}
	}
	X509_STORE_set_flags(st, X509_V_FLAG_PARTIAL_CHAIN);
	ERR_clear_error();
	return st;
}

/* "CN=a <- CN=b <- CN=c": the chain as built, signer first, for the report. */
static void chain_text(char *out, size_t n, STACK_OF(X509) *chain)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; chain && i < sk_X509_num(chain); i++) {
		char *subj = subject_of(sk_X509_value(chain, i));
		int w = snprintf(out + used, n - used, "%s%s", i ? " <- " : "", subj ? subj : "?");

		OPENSSL_free(subj);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

/*
 * Verifies cert's chain at time t; returns the X509_V_* result, fills the
 * chain's top certificate and, when text is not NULL, the chain as text.
 */
static int chain_check(X509_STORE *st, X509 *cert, STACK_OF(X509) *untrusted, int64_t t,
		       X509 **top, int *depth, char *text, size_t textlen)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int result = X509_V_ERR_UNSPECIFIED;

	*top = NULL;
	*depth = 0;
	if (!ctx || X509_STORE_CTX_init(ctx, st, cert, untrusted) != 1) {
		X509_STORE_CTX_free(ctx);
		return result;
	}
	X509_STORE_CTX_set_time(ctx, 0, (time_t)t);
	/* The code-signing EKU is checked separately: OpenSSL 3.0 has no code-signing purpose. */
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
	result = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
	{
		STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);

		if (chain && sk_X509_num(chain) > 0) {
			*top = sk_X509_value(chain, sk_X509_num(chain) - 1);
			X509_up_ref(*top);
		}
		if (text)
			chain_text(text, textlen, chain);
		*depth = X509_STORE_CTX_get_error_depth(ctx);
	}
	X509_STORE_CTX_free(ctx);
	return result;
}

static bool has_eku(X509 *x, const char *oid)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	ASN1_OBJECT *want = OBJ_txt2obj(oid, 1);
	bool hit = false;

	for (int i = 0; eku && want && i < sk_ASN1_OBJECT_num(eku); i++)
		hit |= OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), want) == 0;
	EXTENDED_KEY_USAGE_free(eku);
	ASN1_OBJECT_free(want);
	return hit;
}

struct ts_result {
	bool present;
	bool valid;
	bool untrusted; /* well-formed and over our signature, but its TSA is not trusted */
	int64_t time;
	const char *kind;
	char why[512];
};

static X509_ATTRIBUTE *unauth_attr(PKCS7_SIGNER_INFO *si, const char *oid)
{
	STACK_OF(X509_ATTRIBUTE) *attrs = PKCS7_get_attributes(si);
	ASN1_OBJECT *want = OBJ_txt2obj(oid, 1);
	X509_ATTRIBUTE *hit = NULL;

	for (int i = 0; want && i < sk_X509_ATTRIBUTE_num(attrs) && !hit; i++)
		if (!OBJ_cmp(X509_ATTRIBUTE_get0_object(sk_X509_ATTRIBUTE_value(attrs, i)), want))
			hit = sk_X509_ATTRIBUTE_value(attrs, i);
	ASN1_OBJECT_free(want);
	return hit;
}

/*
 * RFC 3161 token (a CMS SignedData over a TSTInfo): its signature, its
 * imprint = H(the catalog's signature value), then the TSA's chain at the
 * stamped time.  Read with the CMS API: tokens use CMS features PKCS#7 lacks.
 */
static void check_rfc3161(struct ts_result *ts, PKCS7_SIGNER_INFO *si, X509_STORE *st,
			  STACK_OF(X509) *certs, X509_ATTRIBUTE *attr)
{
	ASN1_TYPE *v = X509_ATTRIBUTE_get0_type(attr, 0);
	const unsigned char *p;
	CMS_ContentInfo *cms = NULL;
	BIO *out = BIO_new(BIO_s_mem());
	TS_TST_INFO *tst = NULL;
	STACK_OF(X509) *tsa_certs = NULL, *untrusted = NULL;
	const ASN1_OCTET_STRING *sig = si->enc_digest;
	char *data;
	long dlen;

	ts->present = true;
	ts->kind = "RFC 3161 timestamp";
	if (!out || !v || v->type != V_ASN1_SEQUENCE) {
		snprintf(ts->why, sizeof(ts->why), "the timestamp attribute is not a token");
		goto done;
	}
	p = v->value.sequence->data;
	cms = d2i_CMS_ContentInfo(NULL, &p, v->value.sequence->length);
	if (!cms || OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo) {
		snprintf(ts->why, sizeof(ts->why), "the timestamp token does not parse");
		goto done;
	}
	if (CMS_verify(cms, certs, NULL, NULL, out, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		ossl_reason(ts->why, sizeof(ts->why));
		snprintf(ts->why, sizeof(ts->why), "the timestamp authority's signature does not verify");
		goto done;
	}
	dlen = BIO_get_mem_data(out, &data);
	p = (const unsigned char *)data;
	tst = d2i_TS_TST_INFO(NULL, &p, dlen);
	if (!tst) {
		snprintf(ts->why, sizeof(ts->why), "the timestamp's TSTInfo does not parse");
		goto done;
	}
	ts->time = cat_asn1_time_epoch(TS_TST_INFO_get_time(tst));
	{
		TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(tst);
		const EVP_MD *md = EVP_get_digestbyobj(TS_MSG_IMPRINT_get_algo(mi)->algorithm);
		ASN1_OCTET_STRING *want = TS_MSG_IMPRINT_get_msg(mi);
		unsigned char imprint[EVP_MAX_MD_SIZE];
		unsigned int ilen = 0;

		if (!md || EVP_Digest(sig->data, (size_t)sig->length, imprint, &ilen, md, NULL) != 1 ||
		    (unsigned int)want->length != ilen || memcmp(want->data, imprint, ilen)) {
			snprintf(ts->why, sizeof(ts->why), "the timestamp is for a different signature (its message imprint does not match)");
			goto done;
		}
	}
	tsa_certs = CMS_get0_signers(cms);
	untrusted = CMS_get1_certs(cms);
	if (!untrusted)
		untrusted = sk_X509_new_null();
	for (int i = 0; untrusted && i < sk_X509_num(certs); i++)
		if (sk_X509_push(untrusted, sk_X509_value(certs, i)))
			X509_up_ref(sk_X509_value(certs, i));
	if (!tsa_certs || sk_X509_num(tsa_certs) < 1) {
		snprintf(ts->why, sizeof(ts->why), "the timestamp authority's certificate is missing");
		goto done;
	}
	{
		X509 *top;
		int depth, res = chain_check(st, sk_X509_value(tsa_certs, 0), untrusted, ts->time, &top, &depth,
					  NULL, 0);

		X509_free(top);
		if (res != X509_V_OK) {
			ts->untrusted = true;
			snprintf(ts->why, sizeof(ts->why), "the timestamp authority's certificate does not chain to a trusted root (%s)",
				 X509_verify_cert_error_string(res));
			goto done;
		}
	}
	ts->valid = true;
done:
	ERR_clear_error();
	sk_X509_free(tsa_certs);
	sk_X509_pop_free(untrusted, X509_free);
	TS_TST_INFO_free(tst);
	CMS_ContentInfo_free(cms);
	BIO_free(out);
}

/*
 * Legacy Authenticode countersignature: a SignerInfo whose messageDigest is
 * H(outer signature value), signed by a TSA certificate carried in the catalog.
 */
static void check_countersignature(struct ts_result *ts, PKCS7_SIGNER_INFO *si, X509_STORE *st,
				   STACK_OF(X509) *certs, X509_ATTRIBUTE *attr)
{
	ASN1_TYPE *v = X509_ATTRIBUTE_get0_type(attr, 0);
	const unsigned char *p;
	PKCS7_SIGNER_INFO *cs = NULL;
	X509 *tsa = NULL;
	unsigned char md_buf[EVP_MAX_MD_SIZE];
	unsigned int mlen = 0;
	const EVP_MD *md;
	ASN1_TYPE *digest_attr, *time_attr;
	unsigned char *attrs_der = NULL;
	int attrs_len;
	EVP_MD_CTX *mctx = NULL;

	ts->present = true;
	ts->kind = "Authenticode countersignature";
	if (!v || v->type != V_ASN1_SEQUENCE) {
		snprintf(ts->why, sizeof(ts->why), "the countersignature attribute is malformed");
		return;
	}
	p = v->value.sequence->data;
	cs = d2i_PKCS7_SIGNER_INFO(NULL, &p, v->value.sequence->length);
	if (!cs) {
		snprintf(ts->why, sizeof(ts->why), "the countersignature does not parse");
		return;
	}
	time_attr = PKCS7_get_signed_attribute(cs, NID_pkcs9_signingTime);
	if (time_attr && (time_attr->type == V_ASN1_UTCTIME || time_attr->type == V_ASN1_GENERALIZEDTIME))
		ts->time = cat_asn1_time_epoch((ASN1_TIME *)time_attr->value.ptr);
	for (int i = 0; i < sk_X509_num(certs) && !tsa; i++) {
		X509 *x = sk_X509_value(certs, i);

		if (!X509_NAME_cmp(X509_get_issuer_name(x), cs->issuer_and_serial->issuer) &&
		    !ASN1_INTEGER_cmp(X509_get0_serialNumber(x), cs->issuer_and_serial->serial))
			tsa = x;
	}
	md = EVP_get_digestbyobj(cs->digest_alg->algorithm);
	digest_attr = PKCS7_get_signed_attribute(cs, NID_pkcs9_messageDigest);
	if (!tsa || !md || !digest_attr || digest_attr->type != V_ASN1_OCTET_STRING) {
		snprintf(ts->why, sizeof(ts->why), "the countersignature's certificate or digest is missing");
		goto done;
	}
	if (EVP_Digest(si->enc_digest->data, (size_t)si->enc_digest->length, md_buf, &mlen, md, NULL) != 1 ||
	    (unsigned int)digest_attr->value.octet_string->length != mlen ||
	    memcmp(digest_attr->value.octet_string->data, md_buf, mlen)) {
		snprintf(ts->why, sizeof(ts->why), "the countersignature is over a different signature");
		goto done;
	}
	attrs_len = ASN1_item_i2d((ASN1_VALUE *)cs->auth_attr, &attrs_der, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
	mctx = EVP_MD_CTX_new();
	if (attrs_len <= 0 || !mctx ||
	    EVP_DigestVerifyInit(mctx, NULL, md, NULL, X509_get0_pubkey(tsa)) != 1 ||
	    EVP_DigestVerify(mctx, cs->enc_digest->data, (size_t)cs->enc_digest->length, attrs_der,
			     (size_t)attrs_len) != 1) {
		ERR_clear_error();
		snprintf(ts->why, sizeof(ts->why), "the countersignature's signature does not verify");
		goto done;
	}
	{
		X509 *top;
		int depth, res = chain_check(st, tsa, certs, ts->time, &top, &depth, NULL, 0);

		X509_free(top);
		if (res != X509_V_OK) {
			ts->untrusted = true;
			snprintf(ts->why, sizeof(ts->why), "the timestamp authority's certificate does not chain to a trusted root (%s)",
				 X509_verify_cert_error_string(res));
			goto done;
		}
	}
	ts->valid = true;
done:
	EVP_MD_CTX_free(mctx);
	OPENSSL_free(attrs_der);
	PKCS7_SIGNER_INFO_free(cs);
}

/* Maps a chain failure to what Windows says and a fix. */
static int report_chain(struct sigctx *s, int res, X509 *top, X509 *signer, int64_t t,
			const struct ts_result *ts)
{
	char at[64], *subj = subject_of(signer);
	int rc;

	when(at, sizeof(at), t);
	switch (res) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		rc = add(s, REPORT_ERROR, "signer-expired", "0x800B0101 (CERT_E_EXPIRED)",
			 "sign with a valid certificate and add an RFC 3161 timestamp (drvcat sign --timestamp URL) so the signature outlives the certificate",
			 "a certificate of the signer chain of %s is not valid at %s%s%s", subj ? subj : "?", at,
			 ts->present ? (ts->valid ? "" : "; the timestamp does not verify: ") : " and the catalog has no timestamp",
			 ts->present && !ts->valid ? ts->why : "");
		break;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
		bool top_is_root = top && X509_check_issued(top, top) == X509_V_OK;
		char *top_subj = top ? subject_of(top) : NULL;

		if (top_is_root)
			rc = add(s, REPORT_ERROR, "untrusted-root", "0x800B0109 (CERT_E_UNTRUSTEDROOT)",
				 "pass the root with --trust, or on Windows add it to Trusted Root Certification Authorities (and the signer to Trusted Publishers)",
				 "the signer chain of %s ends in %s, which is not a trusted root", subj ? subj : "?",
				 top_subj ? top_subj : "?");
		else
			rc = add(s, REPORT_ERROR, "chain-incomplete", "0x800B010A (CERT_E_CHAINING)",
				 "include the intermediate certificates when signing (drvcat sign --chain FILE)",
				 "the signer chain of %s stops at %s: the certificate of its issuer is neither in the catalog nor trusted",
				 subj ? subj : "?", top_subj ? top_subj : "?");
		OPENSSL_free(top_subj);
		break;
	}
	default:
		rc = add(s, REPORT_ERROR, "chain-invalid", "0x800B010A (CERT_E_CHAINING)",
			 "sign with a certificate whose chain is valid",
			 "the signer chain of %s does not verify: %s", subj ? subj : "?",
			 X509_verify_cert_error_string(res));
	}
	OPENSSL_free(subj);
	return rc;
}

int verify_signature(struct report *r, const char *name, const unsigned char *der, size_t len,
		     const struct catalog *cat, const struct verify_options *opt,
		     struct dc_error *err)
{
	struct sigctx s = { r, name, opt, err };
	const unsigned char *p = der;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	STACK_OF(PKCS7_SIGNER_INFO) *sis;
	STACK_OF(X509) *signers = NULL, *certs;
	X509_STORE *st = NULL;
	BIO *content = NULL;
	struct ts_result ts = { 0 };
	int rc = 0;

	ERR_clear_error();
	if ((rc = report_case(r, "signature", name, err)))
		goto done;
	if (!p7 || !PKCS7_type_is_signed(p7) || !p7->d.sign) {
		rc = add(&s, REPORT_ERROR, "not-pkcs7", "0x800B0100 (TRUST_E_NOSIGNATURE)", NULL,
			 "OpenSSL cannot read the catalog as PKCS#7 signed data");
		goto done;
	}
	sis = PKCS7_get_signer_info(p7);
	certs = p7->d.sign->cert;
	if (!sis || sk_PKCS7_SIGNER_INFO_num(sis) == 0) {
		rc = add(&s, REPORT_ERROR, "unsigned", "0x800B0100 (TRUST_E_NOSIGNATURE); 0xE0000247 where code integrity is enforced",
			 "sign the catalog (drvcat sign)", "the catalog is not signed");
		goto done;
	}
	if (sk_PKCS7_SIGNER_INFO_num(sis) > 1 &&
	    (rc = add(&s, REPORT_WARNING, "several-signers", NULL, NULL,
		      "the catalog has %d signers; Windows uses only the first", sk_PKCS7_SIGNER_INFO_num(sis))))
		goto done;
	/*
	 * PKCS7_verify leaks its BIO chain when a digest algorithm is unknown
	 * (OpenSSL 3.0; found by fuzzing), so unknown algorithms are refused first.
	 */
	{
		STACK_OF(X509_ALGOR) *algs = p7->d.sign->md_algs;
		PKCS7_SIGNER_INFO *si0 = sk_PKCS7_SIGNER_INFO_value(sis, 0);
		bool known = si0 && si0->digest_alg && EVP_get_digestbyobj(si0->digest_alg->algorithm);

		for (int i = 0; known && i < sk_X509_ALGOR_num(algs); i++)
			known = EVP_get_digestbyobj(sk_X509_ALGOR_value(algs, i)->algorithm) != NULL;
		if (!known) {
			rc = add(&s, REPORT_ERROR, "digest-unknown", "0x80096010 (TRUST_E_BAD_DIGEST)",
				 "sign the catalog again with SHA-256 (drvcat sign --digest sha256)",
				 "the signature names a digest algorithm OpenSSL does not know");
			goto done;
		}
	}
	/* Signature and messageDigest over the CTL content octets (§6); the chain comes later. */
	content = BIO_new_mem_buf(der + cat->ctl_body_offset, (int)cat->ctl_body_len);
	if (!content) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	if (PKCS7_verify(p7, NULL, NULL, content, NULL, PKCS7_NOVERIFY | PKCS7_NOCHAIN) != 1) {
		unsigned long e = ERR_peek_error();
		char why[512];

		ossl_reason(why, sizeof(why));
		if (ERR_GET_REASON(e) == PKCS7_R_DIGEST_FAILURE)
			rc = add(&s, REPORT_ERROR, "content-digest", "0x80096010 (TRUST_E_BAD_DIGEST)",
				 "the catalog's member list was changed after signing: rebuild and sign it again",
				 "the signature is over different content: the CTL's digest does not match the signed messageDigest");
		else if (ERR_GET_REASON(e) == PKCS7_R_NO_SIGNATURES_ON_DATA ||
			 ERR_GET_REASON(e) == PKCS7_R_SIGNER_CERTIFICATE_NOT_FOUND)
			rc = add(&s, REPORT_ERROR, "signer-missing", "0x800B0100 (TRUST_E_NOSIGNATURE)",
				 "sign again; the signer's certificate must be included",
				 "the signer's certificate is not in the catalog (%s)", why);
		else
			rc = add(&s, REPORT_ERROR, "signature-invalid", "0x80096010 (TRUST_E_BAD_DIGEST)",
				 "sign the catalog again", "the signature does not verify: %s", why);
		goto done;
	}
	signers = PKCS7_get0_signers(p7, NULL, 0);
	if (!signers || sk_X509_num(signers) < 1) {
		rc = add(&s, REPORT_ERROR, "signer-missing", "0x800B0100 (TRUST_E_NOSIGNATURE)", NULL,
			 "the signer's certificate is not in the catalog");
		goto done;
	}
	st = make_store(opt, certs, err);
	if (!st) {
		rc = err->code;
		goto done;
	}
	{
		PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(sis, 0);
		X509 *signer = sk_X509_value(signers, 0), *top = NULL;
		X509_ATTRIBUTE *a;
		int64_t now = opt->have_at ? opt->at : (int64_t)time(NULL), t;
		int depth, res;
		bool eku_ok;
		char at[64], chain[2048] = "";

		if ((a = unauth_attr(si, OID_RFC3161)))
			check_rfc3161(&ts, si, st, certs, a);
		else if ((a = unauth_attr(si, "1.2.840.113549.1.9.6")))
			check_countersignature(&ts, si, st, certs, a);
		when(at, sizeof(at), now);
		if (ts.present && !ts.valid && ts.untrusted)
			rc = add(&s, REPORT_WARNING, "timestamp-untrusted", NULL,
				 "pass the timestamp authority's root with --trust, or timestamp with a TSA Windows trusts",
				 "the %s is not trusted: %s; certificate validity is checked at %s instead",
				 ts.kind, ts.why, at);
		else if (ts.present && !ts.valid)
			rc = add(&s, REPORT_ERROR, "timestamp-invalid", NULL,
				 "timestamp the catalog again (drvcat timestamp)",
				 "the %s does not verify: %s", ts.kind, ts.why);
		if (rc)
			goto done;
		t = ts.valid ? ts.time : now;
		res = chain_check(st, signer, certs, t, &top, &depth, chain, sizeof(chain));
		if (res != X509_V_OK)
			rc = report_chain(&s, res, top, signer, t, &ts);
		X509_free(top);
		if (rc)
			goto done;
		/* Windows wants code signing (or Microsoft's driver-verification EKUs) on the signer. */
		/* No EKU extension means any usage, as Windows reads it. */
		eku_ok = !(X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) ||
			 has_eku(signer, "1.3.6.1.5.5.7.3.3") || has_eku(signer, OID_WHQL_EKU) ||
			 has_eku(signer, OID_ATTEST_EKU);
		if (!eku_ok &&
		    (rc = add(&s, REPORT_ERROR, "signer-eku", "0x800B0110 (CERT_E_WRONG_USAGE)",
			      "sign with a certificate whose extended key usage includes code signing (1.3.6.1.5.5.7.3.3)",
			      "the signer certificate is not for code signing: its extended key usage lacks codeSigning")))
			goto done;
		when(at, sizeof(at), t);
		if (res == X509_V_OK && eku_ok) {
			char *subj = subject_of(signer);
			char msg[700];

			snprintf(msg, sizeof(msg), "signed by %s; chain valid at %s%s%s", subj ? subj : "?", at,
				 ts.valid ? " (the time of its " : "", ts.valid ? ts.kind : "");
			if (ts.valid)
				strncat(msg, ")", sizeof(msg) - strlen(msg) - 1);
			OPENSSL_free(subj);
			{
				struct report_finding f = { 0 };

				f.severity = REPORT_INFO;
				f.code = "signature-ok";
				f.file = name;
				f.message = msg;
				f.found = chain[0] ? chain : NULL;
				rc = report_add(r, "signature", name, &f, err);
			}
		}
		if (!rc && opt->integrity_only)
			rc = report_note(r, "--integrity-only: the signer chain was checked for consistency, not for ending at a trusted root", err);
	}
done:
	ERR_clear_error();
	sk_X509_free(signers);
	X509_STORE_free(st);
	BIO_free(content);
	PKCS7_free(p7);
	return rc;
}
