/*
 * tsp.c - RFC 3161 timestamps the way SignTool /tr stores them on a catalog
 * (catalog-format.md §6): the TSTInfo's messageImprint is the hash of the
 * SignerInfo's signature value (encryptedDigest), and the whole
 * TimeStampToken (a ContentInfo) becomes the unauthenticated attribute
 * 1.3.6.1.4.1.311.3.3.1.  The reply is checked strictly before anything is
 * stored: each way a TSA can go wrong has its own message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>

#include "../asn1/der.h"
#include "../cat/oids.h"
#include "internal.h"

int tsp_request(TS_REQ **req, unsigned char **der, size_t *der_len, const unsigned char *data,
		size_t n, const char *digest, struct dc_error *err)
{
	TS_REQ *r = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	BIGNUM *bn = BN_new();
	ASN1_INTEGER *nonce = NULL;
	unsigned char h[EVP_MAX_MD_SIZE], *buf = NULL;
	unsigned int hlen = 0;
	EVP_MD *md = NULL;
	int len = 0, rc;

	*req = NULL;
	*der = NULL;
	*der_len = 0;
	if ((rc = sign_md_fetch(&md, digest, "--timestamp-digest", err)))
		goto done;
	/* certReq: the token must carry the TSA certificate, or Windows cannot check it.
	 * A 64-bit random nonce ties the reply to this request (RFC 3161 §2.4.1). */
	if (!r || !mi || !alg || !bn || EVP_Digest(data, n, h, &hlen, md, NULL) != 1 ||
	    !X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, NULL) ||
	    !TS_MSG_IMPRINT_set_algo(mi, alg) || !TS_MSG_IMPRINT_set_msg(mi, h, (int)hlen) ||
	    !TS_REQ_set_version(r, 1) || !TS_REQ_set_msg_imprint(r, mi) ||
	    !BN_rand(bn, 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
	    !(nonce = BN_to_ASN1_INTEGER(bn, NULL)) || !TS_REQ_set_nonce(r, nonce) ||
	    !TS_REQ_set_cert_req(r, 1) || (len = i2d_TS_REQ(r, &buf)) <= 0) {
		rc = sign_ossl_error(err, DC_ECRYPTO, "building the timestamp request failed");
		goto done;
	}
	if (!(*der = malloc((size_t)len))) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(*der, buf, (size_t)len);
	*der_len = (size_t)len;
	*req = r;
	r = NULL;
done:
	OPENSSL_free(buf);
	ASN1_INTEGER_free(nonce);
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(r);
	EVP_MD_free(md);
	return rc;
}

static const char *status_name(long s)
{
	static const char *const names[] = { "granted", "grantedWithMods", "rejection", "waiting",
					     "revocationWarning", "revocationNotification" };

	return s >= 0 && s < 6 ? names[s] : "unknown";
}

/* "status rejection: text; text" from PKIStatusInfo. */
static void status_text(char *out, size_t n, const TS_STATUS_INFO *st)
{
	const STACK_OF(ASN1_UTF8STRING) *text = TS_STATUS_INFO_get0_text(st);
	size_t used;

	snprintf(out, n, "status %s", status_name(ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(st))));
	for (int i = 0; i < sk_ASN1_UTF8STRING_num(text) && (used = strlen(out)) + 4 < n; i++) {
		const ASN1_UTF8STRING *s = sk_ASN1_UTF8STRING_value(text, i);

		snprintf(out + used, n - used, "%s%.*s", i ? "; " : ": ", ASN1_STRING_length(s),
			 (const char *)ASN1_STRING_get0_data(s));
	}
}

/* The TSA's signature over the TSTInfo, with the certificate the token carries. */
static bool token_signature_ok(PKCS7 *token)
{
	STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(token);
	PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_num(sis) == 1 ? sk_PKCS7_SIGNER_INFO_value(sis, 0) : NULL;
	X509 *signer = si ? X509_find_by_issuer_and_serial(token->d.sign->cert,
							   si->issuer_and_serial->issuer,
							   si->issuer_and_serial->serial)
			  : NULL;
	BIO *b = signer ? PKCS7_dataInit(token, NULL) : NULL;
	char buf[4096];
	bool ok;

	/* Reading the content through the digest BIOs is how PKCS#7 hashes it. */
	while (b && BIO_read(b, buf, sizeof(buf)) > 0)
		;
	ok = b && PKCS7_signatureVerify(b, token, si, signer) == 1;
	BIO_free_all(b);
	ERR_clear_error();
	return ok;
}

/* The exact bytes of TimeStampResp.timeStampToken inside reply. */
static int token_bytes(const unsigned char **tok, size_t *tok_len, const unsigned char *reply,
		       size_t len, const char *url, struct dc_error *err)
{
	struct der top, resp;
	struct der_elem e;

	der_init(&top, reply, len, url);
	if (der_expect(&top, &e, DER_SEQUENCE, "TimeStampResp", err))
		return DC_EFORMAT;
	der_enter(&top, &e, &resp);
	if (der_expect(&resp, &e, DER_SEQUENCE, "PKIStatusInfo", err) ||
	    der_expect(&resp, &e, DER_SEQUENCE, "TimeStampToken", err))
		return DC_EFORMAT;
	*tok = e.raw;
	*tok_len = e.raw_len;
	return 0;
}

int tsp_check_reply(const unsigned char **token, size_t *token_len, int64_t *gen_time,
		    const unsigned char *reply, size_t len, const TS_REQ *req, const char *url,
		    struct dc_error *err)
{
	const unsigned char *p = reply;
	TS_RESP *resp = len <= INT32_MAX ? d2i_TS_RESP(NULL, &p, (long)len) : NULL;
	TS_STATUS_INFO *st;
	TS_TST_INFO *tst;
	TS_MSG_IMPRINT *want, *got;
	PKCS7 *tok;
	long status;
	int rc = 0;

	*token = NULL;
	*token_len = 0;
	if (!resp || p != reply + len) {
		ERR_clear_error();
		rc = dc_error_set(err, DC_EFORMAT,
				  "timestamp server %s: the reply is not an RFC 3161 TimeStampResp", url);
		goto done;
	}
	st = TS_RESP_get_status_info(resp);
	status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(st));
	if (status != 0 && status != 1) {
		char text[300];

		status_text(text, sizeof(text), st);
		rc = dc_error_set(err, DC_ECRYPTO, "timestamp server %s refused the request (%s)", url, text);
		goto done;
	}
	tok = TS_RESP_get_token(resp);
	tst = TS_RESP_get_tst_info(resp);
	want = TS_REQ_get_msg_imprint((TS_REQ *)req);
	if (!tok || !tst) {
		rc = dc_error_set(err, DC_EFORMAT, "timestamp server %s: the reply carries no token", url);
	} else if (TS_TST_INFO_get_version(tst) != 1) {
		rc = dc_error_set(err, DC_EFORMAT, "timestamp server %s: the token's TSTInfo is not version 1",
				  url);
	} else if (!TS_TST_INFO_get_nonce(tst)) {
		rc = dc_error_set(err, DC_EMISMATCH, "timestamp server %s: the token has no nonce", url);
	} else if (ASN1_INTEGER_cmp(TS_TST_INFO_get_nonce(tst), TS_REQ_get_nonce(req))) {
		rc = dc_error_set(err, DC_EMISMATCH,
				  "timestamp server %s: the token's nonce is not the request's (a reply to another request)",
				  url);
	} else if (!(got = TS_TST_INFO_get_msg_imprint(tst)) ||
		   OBJ_cmp(TS_MSG_IMPRINT_get_algo(got)->algorithm, TS_MSG_IMPRINT_get_algo(want)->algorithm) ||
		   ASN1_STRING_cmp(TS_MSG_IMPRINT_get_msg(got), TS_MSG_IMPRINT_get_msg(want))) {
		rc = dc_error_set(err, DC_EMISMATCH,
				  "timestamp server %s: the token's message imprint is not the hash of this signature",
				  url);
	} else if (!tok->d.sign || sk_X509_num(tok->d.sign->cert) < 1) {
		rc = dc_error_set(err, DC_EFORMAT,
				  "timestamp server %s: the token carries no TSA certificate (it was asked for)", url);
	} else if (!token_signature_ok(tok)) {
		rc = dc_error_set(err, DC_ECRYPTO,
				  "timestamp server %s: the TSA's signature on the token does not verify", url);
	}
	if (!rc && token_bytes(token, token_len, reply, len, url, err))
		rc = dc_error_set(err, DC_EFORMAT,
				  "timestamp server %s: the reply is not an RFC 3161 TimeStampResp", url);
	if (!rc)
		*gen_time = sign_time_epoch(TS_TST_INFO_get_time(tst));
done:
	TS_RESP_free(resp);
	return rc;
}

/* Removes earlier timestamps (RFC 3161 or legacy countersignature): one signature, one time. */
static void drop_timestamps(PKCS7_SIGNER_INFO *si)
{
	for (int i = X509at_get_attr_count(si->unauth_attr) - 1; i >= 0; i--) {
		char oid[64];
		X509_ATTRIBUTE *a = X509at_get_attr(si->unauth_attr, i);

		OBJ_obj2txt(oid, sizeof(oid), X509_ATTRIBUTE_get0_object(a), 1);
		if (!strcmp(oid, OID_RFC3161_TIMESTAMP) || !strcmp(oid, OID_COUNTERSIGNATURE))
			X509_ATTRIBUTE_free(X509at_delete_attr(si->unauth_attr, i));
	}
}

int tsp_timestamp_signer(PKCS7_SIGNER_INFO *si, const struct sign_ts_options *ts,
			 int64_t *gen_time, struct dc_error *err)
{
	TS_REQ *req = NULL;
	unsigned char *q = NULL, *reply = NULL;
	size_t qlen = 0, rlen = 0, tlen = 0;
	const unsigned char *tok = NULL;
	ASN1_OBJECT *obj = NULL;
	X509_ATTRIBUTE *a = NULL;
	int rc;

	if ((rc = tsp_request(&req, &q, &qlen, si->enc_digest->data, (size_t)si->enc_digest->length,
			      ts->digest, err)) ||
	    (rc = http_post(&reply, &rlen, ts->url, "application/timestamp-query",
			    "application/timestamp-reply", q, qlen, ts->timeout > 0 ? ts->timeout : 30,
			    err)) ||
	    (rc = tsp_check_reply(&tok, &tlen, gen_time, reply, rlen, req, ts->url, err)))
		goto done;
	drop_timestamps(si);
	if (!(obj = OBJ_txt2obj(OID_RFC3161_TIMESTAMP, 1)) || tlen > INT32_MAX ||
	    !(a = X509_ATTRIBUTE_create_by_OBJ(NULL, obj, V_ASN1_SEQUENCE, tok, (int)tlen)) ||
	    !X509at_add1_attr(&si->unauth_attr, a))
		rc = sign_ossl_error(err, DC_ECRYPTO, "storing the timestamp token failed");
done:
	X509_ATTRIBUTE_free(a);
	ASN1_OBJECT_free(obj);
	free(q);
	free(reply);
	TS_REQ_free(req);
	return rc;
}
