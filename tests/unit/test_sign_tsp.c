/*
 * test_sign_tsp.c - src/sign, second part: RFC 3161 replies checked by
 * tsp_check_reply against replies made in-process by OpenSSL's own TSA
 * responder (TS_RESP_CTX) -- good, another nonce, another imprint,
 * rejected, no certificate, garbage, truncated, tampered -- each with its
 * exact message; the HTTP client's URL and connection errors; and the
 * certificates "drvcat cert" makes (test certificate and CSR).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>

#include "sign_helpers.h"

#define URL "http://tsa.test/"

struct tsa {
	EVP_PKEY *key;
	X509 *cert;
};

static void tsa_init(struct tsa *t)
{
	t->key = t_key(true);
	/* RFC 3161 §2.3: the TSA certificate has the critical timeStamping EKU. */
	t->cert = t_cert(t->key, "Unit TSA", T0 - DAY, (int64_t)time(NULL) + DAY, "critical,timeStamping",
			 NULL, NULL, NULL, 9);
}

static void tsa_free(struct tsa *t)
{
	X509_free(t->cert);
	EVP_PKEY_free(t->key);
}

/* The DER reply OpenSSL's responder gives to req; with_md false makes it reject. */
static unsigned char *respond(size_t *len, const struct tsa *t, TS_REQ *req, bool with_md)
{
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	ASN1_OBJECT *policy = OBJ_txt2obj("1.2.3.4.1", 1);
	BIO *in = BIO_new(BIO_s_mem());
	TS_RESP *resp;
	unsigned char *der = NULL, *out;
	int n;

	assert_non_null(ctx);
	assert_int_equal(TS_RESP_CTX_set_signer_cert(ctx, t->cert), 1);
	assert_int_equal(TS_RESP_CTX_set_signer_key(ctx, t->key), 1);
	assert_int_equal(TS_RESP_CTX_set_def_policy(ctx, policy), 1);
	if (with_md)
		assert_int_equal(TS_RESP_CTX_add_md(ctx, EVP_sha256()), 1);
	assert_int_equal(i2d_TS_REQ_bio(in, req), 1);
	resp = TS_RESP_create_response(ctx, in);
	assert_non_null(resp);
	n = i2d_TS_RESP(resp, &der);
	assert_true(n > 0);
	out = malloc((size_t)n);
	assert_non_null(out);
	memcpy(out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	TS_RESP_free(resp);
	BIO_free(in);
	ASN1_OBJECT_free(policy);
	TS_RESP_CTX_free(ctx);
	return out;
}

static TS_REQ *request(const char *data)
{
	TS_REQ *req = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	struct dc_error err = { 0, "" };

	assert_int_equal(tsp_request(&req, &der, &len, (const unsigned char *)data, strlen(data), NULL, &err), 0);
	free(der);
	return req;
}

static void test_sign__tsp_replies(void **state)
{
	struct tsa t;
	TS_REQ *req, *other, *imprint, *nocert;
	unsigned char h[32];
	enum { GOOD, NONCE, IMPRINT, REJECT, NOCERT, GARBAGE, CUT, LONGER, TAMPERED, NROWS };
	struct row {
		unsigned char *reply;
		size_t len;
		int rc;
		const char *msg;
	} rows[NROWS];

	(void)state;
	tsa_init(&t);
	req = request("signature value");
	other = request("signature value"); /* same imprint, its own nonce */
	imprint = TS_REQ_dup(req);
	SHA256((const unsigned char *)"another signature", 17, h);
	assert_int_equal(TS_MSG_IMPRINT_set_msg(TS_REQ_get_msg_imprint(imprint), h, 32), 1);
	nocert = TS_REQ_dup(req);
	assert_int_equal(TS_REQ_set_cert_req(nocert, 0), 1);
	memset(rows, 0, sizeof(rows));
	rows[GOOD].reply = respond(&rows[GOOD].len, &t, req, true);
	rows[NONCE].reply = respond(&rows[NONCE].len, &t, other, true);
	rows[NONCE].rc = DC_EMISMATCH;
	rows[NONCE].msg = "timestamp server " URL ": the token's nonce is not the request's (a reply to another request)";
	rows[IMPRINT].reply = respond(&rows[IMPRINT].len, &t, imprint, true);
	rows[IMPRINT].rc = DC_EMISMATCH;
	rows[IMPRINT].msg = "timestamp server " URL ": the token's message imprint is not the hash of this signature";
	rows[REJECT].reply = respond(&rows[REJECT].len, &t, req, false);
	rows[REJECT].rc = DC_ECRYPTO;
	rows[REJECT].msg = "timestamp server " URL " refused the request (status rejection: Message digest algorithm is not supported.)";
	rows[NOCERT].reply = respond(&rows[NOCERT].len, &t, nocert, true);
	rows[NOCERT].rc = DC_EFORMAT;
	rows[NOCERT].msg = "timestamp server " URL ": the token carries no TSA certificate (it was asked for)";
	for (int i = GARBAGE; i < NROWS; i++) {
		rows[i].reply = malloc(rows[GOOD].len + 1);
		memcpy(rows[i].reply, rows[GOOD].reply, rows[GOOD].len);
		rows[i].len = rows[GOOD].len;
		rows[i].rc = DC_EFORMAT;
		rows[i].msg = "timestamp server " URL ": the reply is not an RFC 3161 TimeStampResp";
	}
	memcpy(rows[GARBAGE].reply, "<html>", 6);
	rows[CUT].len -= 1;
	rows[LONGER].reply[rows[LONGER].len++] = 0;
	/* The last byte is inside the TSA's signature value: still parses, no longer verifies. */
	rows[TAMPERED].reply[rows[TAMPERED].len - 1] ^= 0x55;
	rows[TAMPERED].rc = DC_ECRYPTO;
	rows[TAMPERED].msg = "timestamp server " URL ": the TSA's signature on the token does not verify";
	for (int i = 0; i < NROWS; i++) {
		const unsigned char *tok = NULL;
		size_t tok_len = 0;
		int64_t when = 0;
		struct dc_error err = { 0, "" };
		int rc = tsp_check_reply(&tok, &tok_len, &when, rows[i].reply, rows[i].len, req, URL, &err);

		if (rc != rows[i].rc)
			fail_msg("row %d: got %d (%s)", i, rc, err.msg);
		if (rc) {
			assert_string_equal(err.msg, rows[i].msg);
			assert_null(tok);
		} else {
			/* The token is the reply's own bytes: a ContentInfo that parses as PKCS#7. */
			const unsigned char *p = tok;
			PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)tok_len);

			assert_non_null(p7);
			assert_ptr_equal(p, tok + tok_len);
			assert_true(tok > rows[i].reply && tok + tok_len == rows[i].reply + rows[i].len);
			assert_true(when >= T0 && when <= (int64_t)time(NULL) + 5);
			PKCS7_free(p7);
		}
		free(rows[i].reply);
	}
	TS_REQ_free(req);
	TS_REQ_free(other);
	TS_REQ_free(imprint);
	TS_REQ_free(nocert);
	tsa_free(&t);
}

static void test_sign__tsp_request_shape(void **state)
{
	TS_REQ *a = request("x"), *b = request("x");
	const TS_MSG_IMPRINT *mi = TS_REQ_get_msg_imprint(a);
	unsigned char h[32];

	(void)state;
	SHA256((const unsigned char *)"x", 1, h);
	assert_int_equal(TS_REQ_get_version(a), 1);
	assert_int_equal(TS_REQ_get_cert_req(a), 1);
	assert_int_equal(OBJ_obj2nid(TS_MSG_IMPRINT_get_algo((TS_MSG_IMPRINT *)mi)->algorithm), NID_sha256);
	assert_memory_equal(ASN1_STRING_get0_data(TS_MSG_IMPRINT_get_msg((TS_MSG_IMPRINT *)mi)), h, 32);
	/* 64-bit random nonces: two requests never share one. */
	assert_non_null(TS_REQ_get_nonce(a));
	assert_int_not_equal(ASN1_INTEGER_cmp(TS_REQ_get_nonce(a), TS_REQ_get_nonce(b)), 0);
	TS_REQ_free(a);
	TS_REQ_free(b);
}

static void test_sign__http_url_and_connect_errors(void **state)
{
	static const struct {
		const char *url;
		int rc;
		const char *msg;
	} rows[] = {
		{ "ftp://x/", DC_EUSAGE, "timestamp server 'ftp://x/': not an http:// URL" },
		{ "https://127.0.0.1/", DC_EUSAGE,
		  "timestamp server https://127.0.0.1/: https is not supported; use the server's http:// URL (timestamp replies are signed)" },
		{ "http://127.0.0.1:1/", DC_EIO, "timestamp server http://127.0.0.1:1/: cannot connect: Connection refused" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned char *resp = NULL;
		size_t len = 0;
		struct dc_error err = { 0, "" };

		assert_int_equal(http_post(&resp, &len, rows[i].url, "a/b", "c/d", (const unsigned char *)"q", 1, 2, &err),
				 rows[i].rc);
		assert_string_equal(err.msg, rows[i].msg);
		assert_null(resp);
	}
}

/* ---- drvcat cert ---- */

static X509 *read_der_cert(const char *path)
{
	FILE *f = fopen(path, "rb");
	X509 *x;

	assert_non_null(f);
	x = d2i_X509_fp(f, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

static bool has_eku(X509 *x, int nid)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	bool found = false;

	for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku); i++)
		found |= OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == nid;
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

static void test_sign__cert_test_files(void **state)
{
	char *dir = t_tmpdir(), pin[512], want[600], hex[41];
	struct cert_test_options o;
	struct cert_test_result r;
	struct dc_error err = { 0, "" };
	struct stat st;
	unsigned char md[20];
	X509 *x;
	PKCS12 *p12;
	FILE *f;
	EVP_PKEY *pk = NULL;
	X509 *pc = NULL;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.subject = "CN=Unit Test, O=Drvcat";
	o.out_dir = dir;
	o.keytype = CERT_KEY_P256;
	o.now = T0;
	assert_int_equal(cert_make_test(&r, &o, &err), 0);
	snprintf(want, sizeof(want), "%s/unit-test.key", dir);
	assert_string_equal(r.key, want);
	assert_string_equal(r.subject, "CN=Unit Test, O=Drvcat");
	assert_true(r.pfx_empty_pass);
	assert_int_equal(r.not_after, T0 + 730 * DAY);
	assert_int_equal(stat(r.key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	x = read_der_cert(r.cer);
	/* What Windows test signing needs: self-signed code-signing end entity. */
	assert_int_equal(X509_verify(x, X509_get0_pubkey(x)), 1);
	assert_true(has_eku(x, NID_code_sign));
	assert_true(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE);
	assert_true(X509_get_extension_flags(x) & EXFLAG_BCONS);
	assert_false(X509_get_extension_flags(x) & EXFLAG_CA);
	assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(x, X509_get_ext_by_NID(x, NID_key_usage, -1))), 1);
	X509_digest(x, EVP_sha1(), md, NULL);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02X", md[i]);
	assert_string_equal(r.thumbprint, hex);
	/* The .pfx opens with the empty password and holds this certificate and its key. */
	assert_non_null(f = fopen(r.pfx, "rb"));
	assert_non_null(p12 = d2i_PKCS12_fp(f, NULL));
	fclose(f);
	assert_int_equal(PKCS12_parse(p12, "", &pk, &pc, NULL), 1);
	assert_int_equal(X509_cmp(pc, x), 0);
	assert_int_equal(X509_check_private_key(pc, pk), 1);
	PKCS12_free(p12);
	EVP_PKEY_free(pk);
	X509_free(pc);
	X509_free(x);
	/* Existing files are kept unless forced; a password from a file protects the .pfx. */
	assert_int_equal(cert_make_test(&r, &o, &err), DC_EUSAGE);
	snprintf(want, sizeof(want), "%s/unit-test.key exists (use --force to replace it)", dir);
	assert_string_equal(err.msg, want);
	t_write(t_path(pin, sizeof(pin), dir, "pin"), "pfx-pass\n", 9);
	o.force = true;
	o.pfx_pass.file = pin;
	assert_int_equal(cert_make_test(&r, &o, &err), 0);
	assert_false(r.pfx_empty_pass);
	assert_non_null(f = fopen(r.pfx, "rb"));
	assert_non_null(p12 = d2i_PKCS12_fp(f, NULL));
	fclose(f);
	assert_int_equal(PKCS12_verify_mac(p12, "pfx-pass", -1), 1);
	assert_int_equal(PKCS12_verify_mac(p12, "", -1), 0);
	PKCS12_free(p12);
	t_rmdir(dir);
}

static void test_sign__csr_and_subjects(void **state)
{
	static const struct {
		const char *subject;
		int rc;
		const char *text; /* res.subject or the error */
	} rows[] = {
		{ "CN=a", 0, "CN=a" },
		{ "/CN=x/O=y", 0, "CN=x, O=y" },
		{ " CN = Contoso\\, Ltd ,C=US", 0, "CN=Contoso\\, Ltd, C=US" },
		{ "foo", DC_EUSAGE, "--subject: 'foo' is not NAME=VALUE" },
		{ "CN=", DC_EUSAGE, "--subject: CN has an empty value" },
		{ ",", DC_EUSAGE, "--subject: empty (give e.g. \"CN=Contoso Test\")" },
	};
	char *dir = t_tmpdir(), csr[512], key[512], pin[512];
	struct cert_csr_options o;
	struct cert_test_result r;
	struct dc_error err = { 0, "" };
	bool enc;

	(void)state;
	t_path(csr, sizeof(csr), dir, "r.csr");
	t_path(key, sizeof(key), dir, "r.key");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.subject = rows[i].subject;
		o.out = csr;
		o.key_out = key;
		o.keytype = CERT_KEY_P256;
		o.force = true;
		assert_int_equal(cert_make_csr(&r, &enc, &o, &err), rows[i].rc);
		assert_string_equal(rows[i].rc ? err.msg : r.subject, rows[i].text);
	}
	/* An encrypted new key, and a request that verifies with it. */
	t_write(t_path(pin, sizeof(pin), dir, "pin"), "k3y\n", 4);
	o.subject = "CN=Release";
	o.pass.file = pin;
	assert_int_equal(cert_make_csr(&r, &enc, &o, &err), 0);
	assert_true(enc);
	{
		FILE *f = fopen(key, "r");
		EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, (void *)"k3y");
		X509_REQ *req;
		STACK_OF(X509_EXTENSION) *exts;

		fclose(f);
		assert_non_null(k);
		assert_non_null(f = fopen(csr, "r"));
		req = PEM_read_X509_REQ(f, NULL, NULL, NULL);
		fclose(f);
		assert_non_null(req);
		assert_int_equal(X509_REQ_verify(req, k), 1);
		exts = X509_REQ_get_extensions(req);
		assert_int_equal(sk_X509_EXTENSION_num(exts), 2);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		X509_REQ_free(req);
		EVP_PKEY_free(k);
	}
	/* An existing key instead of a new one; both, or neither, is a usage error. */
	o.key_out = NULL;
	o.key = key;
	assert_int_equal(cert_make_csr(&r, &enc, &o, &err), 0);
	assert_false(enc);
	o.key_out = key;
	assert_int_equal(cert_make_csr(&r, &enc, &o, &err), DC_EUSAGE);
	assert_string_equal(err.msg, "give --key-out FILE (a new key) or --key KEY (an existing one)");
	o.force = false;
	o.key = NULL;
	assert_int_equal(cert_make_csr(&r, &enc, &o, &err), DC_EUSAGE);
	t_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign__tsp_replies),
		cmocka_unit_test(test_sign__tsp_request_shape),
		cmocka_unit_test(test_sign__http_url_and_connect_errors),
		cmocka_unit_test(test_sign__cert_test_files),
		cmocka_unit_test(test_sign__csr_and_subjects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
