/*
 * test_sign.c - src/sign: the SignedData SignTool writes on a catalog
 * (catalog-format.md §6) checked attribute by attribute and verified with
 * OpenSSL's PKCS7_verify over the CTL content octets; SpcSpOpusInfo bytes;
 * digests; re-signing; certificate order; the certificate checks (notes and
 * --strict); passphrase sources; loading keys, certificates and PKCS#12
 * files, with the exact message for every bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>

#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>

#include "../../src/cat/cat.h"
#include "sign_helpers.h"

/* ---- helpers ---- */

static PKCS7 *parse(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);

	assert_non_null(p7);
	assert_ptr_equal(p, der + len);
	return p7;
}

static void oid_of(char *out, size_t n, const X509_ATTRIBUTE *a)
{
	OBJ_obj2txt(out, (int)n, X509_ATTRIBUTE_get0_object((X509_ATTRIBUTE *)a), 1);
}

/* The attributes' encodings ascend (X.690 SET OF order). */
static void assert_attrs_der_sorted(const STACK_OF(X509_ATTRIBUTE) *attrs)
{
	unsigned char *prev = NULL;
	int prev_len = 0;

	for (int i = 0; i < sk_X509_ATTRIBUTE_num(attrs); i++) {
		unsigned char *der = NULL;
		int len = i2d_X509_ATTRIBUTE(sk_X509_ATTRIBUTE_value(attrs, i), &der);

		assert_true(len > 0);
		if (prev) {
			int c = memcmp(prev, der, (size_t)(len < prev_len ? len : prev_len));

			assert_true(c < 0 || (c == 0 && prev_len < len));
		}
		OPENSSL_free(prev);
		prev = der;
		prev_len = len;
	}
	OPENSSL_free(prev);
}

/* Signs a fresh test catalog with s; returns the signed bytes. */
static unsigned char *sign_test(size_t *len, const struct signer *s, const struct sign_options *o,
				struct sign_result *res)
{
	size_t cat_len;
	unsigned char *cat = t_catalog(&cat_len), *out = NULL;
	struct dc_error err = { 0, "" };
	int rc = sign_catalog(&out, len, cat, cat_len, "t.cat", s, o, res, &err);

	if (rc)
		fail_msg("sign_catalog: %s", err.msg);
	free(cat);
	return out;
}

static struct sign_options defaults(void)
{
	struct sign_options o;

	memset(&o, 0, sizeof(o));
	o.now = T0;
	return o;
}

/* ---- SpcSpOpusInfo ---- */

static void test_sign__opus_info_bytes(void **state)
{
	static const struct {
		const char *desc, *url;
		int rc;
		const char *hex, *msg;
	} rows[] = {
		{ NULL, NULL, 0, "3000", NULL },
		{ "A", NULL, 0, "3006a00480020041", NULL },
		{ NULL, "http://x", 0, "300ca10a8008687474703a2f2f78", NULL },
		{ "Ab", "u", 0, "300da006800400410062a103800175", NULL },
		{ NULL, "http://\xc3\xa4", DC_EUSAGE, NULL, "--url: must be printable ASCII (an IA5String)" },
		{ "\xf0\x9f\x98\x80", NULL, DC_EUSAGE, NULL,
		  "--description: not UTF-8 text in the Basic Multilingual Plane" },
		{ "\xff", NULL, DC_EUSAGE, NULL, "--description: not UTF-8 text in the Basic Multilingual Plane" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned char *der = NULL;
		size_t len = 0;
		struct dc_error err = { 0, "" };
		char hex[256] = "";
		int rc = spc_opus_info_der(&der, &len, rows[i].desc, rows[i].url, &err);

		assert_int_equal(rc, rows[i].rc);
		if (rc) {
			assert_string_equal(err.msg, rows[i].msg);
			continue;
		}
		for (size_t k = 0; k < len; k++)
			snprintf(hex + 2 * k, 3, "%02x", der[k]);
		assert_string_equal(hex, rows[i].hex);
		free(der);
	}
}

/* ---- the signature ---- */

static void test_sign__signtool_attributes_and_pkcs7_verify(void **state)
{
	EVP_PKEY *key = t_key(true);
	X509 *cert = t_cert(key, "Contoso Test", T0 - DAY, T0 + DAY, "codeSigning", "digitalSignature", NULL, NULL, 7);
	struct signer *s = t_signer(key, cert);
	struct sign_options o = defaults();
	struct sign_result res;
	size_t len, cat_len;
	unsigned char *cat = t_catalog(&cat_len), *out = sign_test(&len, s, &o, &res);
	struct catalog *c0 = NULL, *c1 = NULL;
	struct dc_error err = { 0, "" };
	PKCS7 *p7 = parse(out, len);
	PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
	/* DER order of the encodings: the empty SpcSpOpusInfo attribute (30 10) is the
	 * shortest, as on the VIRTIO catalogs of catalog-format.md §6. */
	static const char *const want[] = { "1.3.6.1.4.1.311.2.1.12", "1.2.840.113549.1.9.3",
					    "1.3.6.1.4.1.311.2.1.11", "1.2.840.113549.1.9.4" };
	unsigned char h[32];
	char oid[64];

	(void)state;
	assert_string_equal(res.subject, "CN=Contoso Test");
	assert_string_equal(res.digest, "sha256");
	assert_int_equal(res.ncerts, 1);
	assert_int_equal(res.nnotes, 0);
	/* The CTL is copied byte for byte. */
	assert_int_equal(cat_read_buffer(&c0, cat, cat_len, "u", &err), 0);
	assert_int_equal(cat_read_buffer(&c1, out, len, "s", &err), 0);
	assert_int_equal(c1->ctl_body_len, c0->ctl_body_len);
	assert_memory_equal(out + c1->ctl_body_offset, cat + c0->ctl_body_offset, c0->ctl_body_len);
	assert_int_equal(c1->nsigners, 1);
	/* SignerInfo v1, sha256 with NULL parameters, rsaEncryption, no unsigned attributes. */
	assert_int_equal(ASN1_INTEGER_get(si->version), 1);
	assert_int_equal(OBJ_obj2nid(si->digest_alg->algorithm), NID_sha256);
	assert_int_equal(si->digest_alg->parameter->type, V_ASN1_NULL);
	assert_int_equal(OBJ_obj2nid(si->digest_enc_alg->algorithm), NID_rsaEncryption);
	assert_true(sk_X509_ATTRIBUTE_num(si->unauth_attr) <= 0);
	/* Exactly SignTool's four attributes, in DER (SET OF) order, no signingTime. */
	assert_int_equal(sk_X509_ATTRIBUTE_num(si->auth_attr), 4);
	for (int i = 0; i < 4; i++) {
		oid_of(oid, sizeof(oid), sk_X509_ATTRIBUTE_value(si->auth_attr, i));
		assert_string_equal(oid, want[i]);
	}
	assert_attrs_der_sorted(si->auth_attr);
	/* contentType = szOID_CTL; messageDigest = SHA-256 of the CTL content octets. */
	OBJ_obj2txt(oid, sizeof(oid), PKCS7_get_signed_attribute(si, NID_pkcs9_contentType)->value.object, 1);
	assert_string_equal(oid, "1.3.6.1.4.1.311.10.1");
	SHA256(cat + c0->ctl_body_offset, c0->ctl_body_len, h);
	{
		ASN1_TYPE *md = PKCS7_get_signed_attribute(si, NID_pkcs9_messageDigest);

		assert_int_equal(md->value.octet_string->length, 32);
		assert_memory_equal(md->value.octet_string->data, h, 32);
	}
	/* OpenSSL's own verifier agrees (oracles.md: smime -verify -content ctl.bin). */
	{
		X509_STORE *store = X509_STORE_new();
		BIO *content = BIO_new_mem_buf(cat + c0->ctl_body_offset, (int)c0->ctl_body_len);

		assert_int_equal(X509_STORE_add_cert(store, cert), 1);
		assert_int_equal(PKCS7_verify(p7, NULL, store, content, NULL, PKCS7_NOVERIFY), 1);
		BIO_free(content);
		X509_STORE_free(store);
	}
	PKCS7_free(p7);
	cat_free(c0);
	cat_free(c1);
	free(cat);
	free(out);
	signer_free(s);
}

static void test_sign__signing_time_only_when_asked(void **state)
{
	EVP_PKEY *key = t_key(false);
	struct signer *s = t_signer(key, t_cert(key, "t", T0 - DAY, T0 + DAY, NULL, NULL, NULL, NULL, 1));
	struct sign_options o = defaults();
	struct sign_result res;
	size_t len;
	unsigned char *out;
	PKCS7 *p7;
	ASN1_TYPE *t;

	(void)state;
	o.have_time = true;
	o.time = T0;
	out = sign_test(&len, s, &o, &res);
	p7 = parse(out, len);
	t = PKCS7_get_signed_attribute(sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0),
				       NID_pkcs9_signingTime);
	assert_non_null(t);
	assert_int_equal(t->type, V_ASN1_UTCTIME);
	assert_string_equal((const char *)t->value.utctime->data, "231114221320Z");
	/* ECDSA: the signature algorithm follows the key. */
	assert_int_equal(OBJ_obj2nid(sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0)->digest_enc_alg->algorithm),
			 NID_ecdsa_with_SHA256);
	PKCS7_free(p7);
	free(out);
	signer_free(s);
}

static void test_sign__digest_choices(void **state)
{
	static const struct {
		const char *name;
		int nid;
		int len;
	} rows[] = { { "sha1", NID_sha1, 20 }, { "sha256", NID_sha256, 32 },
		     { "sha384", NID_sha384, 48 }, { "sha512", NID_sha512, 64 } };
	EVP_PKEY *key = t_key(true);
	struct signer *s = t_signer(key, t_cert(key, "t", T0 - DAY, T0 + DAY, NULL, NULL, NULL, NULL, 1));

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sign_options o = defaults();
		struct sign_result res;
		size_t len;
		unsigned char *out;
		PKCS7 *p7;
		PKCS7_SIGNER_INFO *si;
		X509_ALGOR *alg;

		o.digest = rows[i].name;
		out = sign_test(&len, s, &o, &res);
		p7 = parse(out, len);
		si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
		alg = sk_X509_ALGOR_value(p7->d.sign->md_algs, 0);
		assert_int_equal(sk_X509_ALGOR_num(p7->d.sign->md_algs), 1);
		assert_int_equal(OBJ_obj2nid(alg->algorithm), rows[i].nid);
		assert_int_equal(OBJ_obj2nid(si->digest_alg->algorithm), rows[i].nid);
		assert_int_equal(PKCS7_get_signed_attribute(si, NID_pkcs9_messageDigest)->value.octet_string->length,
				 rows[i].len);
		assert_string_equal(res.digest, rows[i].name);
		PKCS7_free(p7);
		free(out);
	}
	{
		struct sign_options o = defaults();
		struct sign_result res;
		struct dc_error err = { 0, "" };
		size_t cat_len, len;
		unsigned char *cat = t_catalog(&cat_len), *out = NULL;

		o.digest = "md5";
		assert_int_equal(sign_catalog(&out, &len, cat, cat_len, "t.cat", s, &o, &res, &err), DC_EUSAGE);
		assert_string_equal(err.msg, "--digest 'md5': use sha256, sha384, sha512 or sha1");
		assert_null(out);
		free(cat);
	}
	signer_free(s);
}

static void test_sign__resign_replaces_signer_and_certificates(void **state)
{
	EVP_PKEY *ka = t_key(false), *kb = t_key(false);
	struct signer *a = t_signer(ka, t_cert(ka, "first", T0 - DAY, T0 + DAY, NULL, NULL, NULL, NULL, 1));
	struct signer *b = t_signer(kb, t_cert(kb, "second", T0 - DAY, T0 + DAY, NULL, NULL, NULL, NULL, 2));
	struct sign_options o = defaults();
	struct sign_result res;
	struct dc_error err = { 0, "" };
	size_t len1, len2;
	unsigned char *once = sign_test(&len1, a, &o, &res), *twice = NULL;
	struct catalog *c0 = NULL, *c2 = NULL;
	PKCS7 *p7;

	(void)state;
	assert_int_equal(sign_catalog(&twice, &len2, once, len1, "t.cat", b, &o, &res, &err), 0);
	p7 = parse(twice, len2);
	assert_int_equal(sk_PKCS7_SIGNER_INFO_num(PKCS7_get_signer_info(p7)), 1);
	assert_int_equal(sk_X509_num(p7->d.sign->cert), 1);
	assert_int_equal(X509_cmp(sk_X509_value(p7->d.sign->cert, 0), b->cert), 0);
	assert_int_equal(cat_read_buffer(&c0, once, len1, "1", &err), 0);
	assert_int_equal(cat_read_buffer(&c2, twice, len2, "2", &err), 0);
	assert_memory_equal(twice + c2->ctl_body_offset, once + c0->ctl_body_offset, c0->ctl_body_len);
	PKCS7_free(p7);
	cat_free(c0);
	cat_free(c2);
	free(once);
	free(twice);
	signer_free(a);
	signer_free(b);
}

static int der_cmp(X509 *a, X509 *b)
{
	unsigned char *da = NULL, *db = NULL;
	int la = i2d_X509(a, &da), lb = i2d_X509(b, &db), c;

	c = memcmp(da, db, (size_t)(la < lb ? la : lb));
	if (!c)
		c = la - lb;
	OPENSSL_free(da);
	OPENSSL_free(db);
	return c;
}

static void test_sign__certificates_sorted_and_deduplicated(void **state)
{
	EVP_PKEY *root_k = t_key(false), *mid_k = t_key(false), *leaf_k = t_key(false);
	X509 *root = t_cert(root_k, "Root", T0 - DAY, T0 + DAY, NULL, NULL, NULL, NULL, 1);
	X509 *mid = t_cert(mid_k, "Intermediate CA with a long name", T0 - DAY, T0 + DAY, NULL, NULL, root, root_k, 2);
	X509 *leaf = t_cert(leaf_k, "Leaf", T0 - DAY, T0 + DAY, NULL, NULL, mid, mid_k, 3);
	struct signer *s = t_signer(leaf_k, leaf);
	struct sign_options o = defaults();
	struct sign_result res;
	size_t len;
	unsigned char *out;
	PKCS7 *p7;

	(void)state;
	/* mid twice, root once, plus the signer: three distinct certificates. */
	X509_up_ref(mid);
	X509_up_ref(root);
	sk_X509_push(s->extra, mid);
	sk_X509_push(s->extra, root);
	sk_X509_push(s->extra, X509_dup(mid));
	out = sign_test(&len, s, &o, &res);
	p7 = parse(out, len);
	assert_int_equal(res.ncerts, 3);
	assert_int_equal(sk_X509_num(p7->d.sign->cert), 3);
	for (int i = 1; i < 3; i++)
		assert_true(der_cmp(sk_X509_value(p7->d.sign->cert, i - 1), sk_X509_value(p7->d.sign->cert, i)) < 0);
	PKCS7_free(p7);
	free(out);
	signer_free(s);
	X509_free(mid);
	X509_free(root);
	EVP_PKEY_free(root_k);
	EVP_PKEY_free(mid_k);
}

/* ---- certificate checks ---- */

static void test_sign__certificate_checks_warn_or_refuse(void **state)
{
	static const struct {
		int64_t nb, na;
		const char *eku, *ku;
		bool strict;
		int rc;
		size_t nnotes;
		const char *text; /* the first note, or the error */
	} rows[] = {
		{ T0 - DAY, T0 + DAY, "codeSigning", "critical,digitalSignature", false, 0, 0, NULL },
		{ T0 - DAY, T0 + DAY, NULL, NULL, true, 0, 0, NULL },
		{ T0 - DAY, T0 + DAY, "1.3.6.1.4.1.311.10.3.5", NULL, true, 0, 0, NULL },
		{ T0 - DAY, T0 + DAY, "anyExtendedKeyUsage", NULL, true, 0, 0, NULL },
		{ 1577836800, 1577923200, "codeSigning", NULL, false, 0, 1,
		  "certificate CN=t expired on 2020-01-02 00:00:00 UTC" },
		{ T0 + DAY, T0 + 2 * DAY, NULL, NULL, false, 0, 1,
		  "certificate CN=t is not valid before 2023-11-15 22:13:20 UTC" },
		{ T0 - DAY, T0 + DAY, "serverAuth", NULL, false, 0, 1,
		  "certificate CN=t is not for code signing: its extended key usage lacks codeSigning (1.3.6.1.5.5.7.3.3)" },
		{ T0 - DAY, T0 + DAY, NULL, "keyEncipherment", false, 0, 1,
		  "certificate CN=t is not for code signing: its key usage lacks digitalSignature" },
		{ 1577836800, 1577923200, "serverAuth", NULL, false, 0, 2,
		  "certificate CN=t expired on 2020-01-02 00:00:00 UTC" },
		{ 1577836800, 1577923200, "codeSigning", NULL, true, DC_EMISMATCH, 1,
		  "certificate CN=t expired on 2020-01-02 00:00:00 UTC (refused: --strict)" },
		{ T0 - DAY, T0 + DAY, "serverAuth", NULL, true, DC_EMISMATCH, 1,
		  "certificate CN=t is not for code signing: its extended key usage lacks codeSigning (1.3.6.1.5.5.7.3.3) (refused: --strict)" },
	};
	EVP_PKEY *key = t_key(false);

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		X509 *x = t_cert(key, "t", rows[i].nb, rows[i].na, rows[i].eku, rows[i].ku, NULL, NULL, 1);
		struct sign_result res;
		struct dc_error err = { 0, "" };

		memset(&res, 0, sizeof(res));
		assert_int_equal(signer_check_cert(&res, x, T0, rows[i].strict, &err), rows[i].rc);
		assert_int_equal(res.nnotes, rows[i].nnotes);
		if (rows[i].rc)
			assert_string_equal(err.msg, rows[i].text);
		else if (rows[i].nnotes)
			assert_string_equal(res.notes[0], rows[i].text);
		X509_free(x);
	}
	EVP_PKEY_free(key);
}

/* ---- passphrases ---- */

static void test_sign__pass_sources(void **state)
{
	char *dir = t_tmpdir(), p1[512], p2[512], p3[512], big[1100];
	static const char crlf[] = "s3cret\r\nsecond line\n", empty[] = "\n";
	struct {
		struct sign_pass src;
		int rc;
		const char *value, *msg;
	} rows[] = {
		{ { p1, NULL, NULL, NULL }, 0, "s3cret", NULL },
		{ { p2, NULL, NULL, NULL }, 0, "", NULL },
		{ { "/nonexistent/pin", NULL, NULL, NULL }, DC_EIO, NULL,
		  "--pass-file: /nonexistent/pin: cannot open: No such file or directory" },
		{ { p3, NULL, NULL, NULL }, DC_EUSAGE, NULL, NULL },
		{ { NULL, "DRVCAT_TEST_PIN", NULL, NULL }, 0, "env-pin", NULL },
		{ { NULL, "DRVCAT_TEST_UNSET", NULL, NULL }, DC_EUSAGE, NULL,
		  "--pass-env DRVCAT_TEST_UNSET: the environment variable is not set" },
		{ { NULL, NULL, NULL, NULL }, DC_EUSAGE, NULL,
		  "key.pem needs a passphrase or PIN: give --pass-file FILE or --pass-env NAME" },
	};

	(void)state;
	t_write(t_path(p1, sizeof(p1), dir, "crlf"), crlf, strlen(crlf));
	t_write(t_path(p2, sizeof(p2), dir, "empty"), empty, strlen(empty));
	memset(big, 'x', sizeof(big));
	t_write(t_path(p3, sizeof(p3), dir, "long"), big, sizeof(big));
	setenv("DRVCAT_TEST_PIN", "env-pin", 1);
	unsetenv("DRVCAT_TEST_UNSET");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pass_cache pc;
		struct dc_error err = { 0, "" };
		const char *v;
		size_t n;

		pass_cache_init(&pc, &rows[i].src, "key.pem");
		assert_int_equal(pass_cache_get(&pc, &v, &n, &err), rows[i].rc);
		if (rows[i].rc == 0) {
			assert_string_equal(v, rows[i].value);
			assert_int_equal(n, strlen(rows[i].value));
		} else if (rows[i].msg) {
			assert_string_equal(err.msg, rows[i].msg);
		}
		/* Asked twice, answered (or refused) the same way without reading again. */
		assert_int_equal(pass_cache_get(&pc, &v, &n, &err), rows[i].rc);
		pass_cache_wipe(&pc);
		assert_int_equal(pc.buf[0], 0);
	}
	{
		char want[600];
		struct pass_cache pc;
		struct dc_error err = { 0, "" };
		const char *v;
		size_t n;

		pass_cache_init(&pc, &rows[3].src, "k");
		pass_cache_get(&pc, &v, &n, &err);
		snprintf(want, sizeof(want), "--pass-file %s: the first line is longer than 1023 bytes", p3);
		assert_string_equal(err.msg, want);
	}
	unsetenv("DRVCAT_TEST_PIN");
	t_rmdir(dir);
}

/* ---- loading ---- */

static void write_pem_key(const char *path, EVP_PKEY *k, const char *pass)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(PEM_write_PKCS8PrivateKey(f, k, pass ? EVP_aes_256_cbc() : NULL, pass ? (char *)pass : NULL,
						   pass ? (int)strlen(pass) : 0, NULL, NULL), 1);
	fclose(f);
}

static void write_cert(const char *path, X509 *x, bool der)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(der ? i2d_X509_fp(f, x) : PEM_write_X509(f, x), 1);
	fclose(f);
}

static void write_pfx(const char *path, EVP_PKEY *k, X509 *x, const char *pass, size_t cut)
{
	PKCS12 *p12 = PKCS12_create(pass, "t", k, x, NULL, 0, 0, 0, 0, 0);
	unsigned char *der = NULL;
	int n;

	assert_non_null(p12);
	n = i2d_PKCS12(p12, &der);
	assert_true(n > 0 && (size_t)n > cut);
	t_write(path, der, (size_t)n - cut);
	OPENSSL_free(der);
	PKCS12_free(p12);
}

/* msg with every '@' replaced by dir. */
static void subst(char *out, size_t n, const char *msg, const char *dir)
{
	size_t w = 0;

	for (const char *p = msg; *p && w + 1 < n; p++) {
		if (*p != '@') {
			out[w++] = *p;
			continue;
		}
		for (const char *d = dir; *d && w + 1 < n; d++)
			out[w++] = *d;
	}
	out[w] = '\0';
}

static void test_sign__load_errors_and_successes(void **state)
{
	char *dir = t_tmpdir();
	char key[512], enc[512], cert[512], certder[512], other[512], pfx[512], pfxcut[512], junk[512];
	char pin[512], badpin[512], want[1200];
	EVP_PKEY *k = t_key(false), *k2 = t_key(false);
	X509 *x = t_cert(k, "Loader", T0 - DAY, T0 + DAY, "codeSigning", NULL, NULL, NULL, 5);
	X509 *x2 = t_cert(k2, "Other", T0 - DAY, T0 + DAY, "codeSigning", NULL, NULL, NULL, 6);
	const struct {
		const char *cert, *key, *pfx, *pass_file;
		int rc;
		const char *msg; /* '@' stands for the temporary directory */
	} rows[] = {
		{ cert, key, NULL, NULL, 0, NULL },
		{ certder, key, NULL, NULL, 0, NULL },
		{ cert, enc, NULL, pin, 0, NULL },
		{ NULL, NULL, pfx, pin, 0, NULL },
		{ cert, "/nonexistent.key", NULL, NULL, DC_EIO, "/nonexistent.key: cannot open: No such file or directory" },
		{ cert, junk, NULL, NULL, DC_EFORMAT, "@/junk: not a private key (expected PEM or DER, PKCS#8 or traditional)" },
		{ junk, key, NULL, NULL, DC_EFORMAT, "@/junk: no certificate in it (expected PEM or DER)" },
		{ cert, enc, NULL, badpin, DC_ECRYPTO, "@/enc.pem: wrong passphrase (or the key file is damaged)" },
		{ cert, enc, NULL, NULL, DC_EUSAGE,
		  "@/enc.pem needs a passphrase or PIN: give --pass-file FILE or --pass-env NAME" },
		{ other, key, NULL, NULL, DC_EMISMATCH,
		  "certificate @/other.pem does not match the private key @/key.pem" },
		{ NULL, NULL, pfx, badpin, DC_ECRYPTO, "@/t.pfx: wrong password (the PKCS#12 integrity check fails)" },
		{ NULL, NULL, pfx, NULL, DC_EUSAGE,
		  "@/t.pfx needs a passphrase or PIN: give --pass-file FILE or --pass-env NAME" },
		{ NULL, NULL, pfxcut, pin, DC_EFORMAT, "@/cut.pfx: not a PKCS#12 (.pfx) file, or truncated" },
		{ NULL, "/k.pem", NULL, NULL, DC_EUSAGE,
		  "--key /k.pem needs --cert FILE (only a pkcs11: key can take its certificate from the token)" },
		{ "c", "k", pfx, NULL, DC_EUSAGE, "--pfx excludes --key and --cert" },
		{ NULL, NULL, NULL, NULL, DC_EUSAGE, "no signing key: give --pfx FILE, or --key and --cert" },
	};

	(void)state;
	write_pem_key(t_path(key, sizeof(key), dir, "key.pem"), k, NULL);
	write_pem_key(t_path(enc, sizeof(enc), dir, "enc.pem"), k, "right");
	write_cert(t_path(cert, sizeof(cert), dir, "cert.pem"), x, false);
	write_cert(t_path(certder, sizeof(certder), dir, "cert.der"), x, true);
	write_cert(t_path(other, sizeof(other), dir, "other.pem"), x2, false);
	write_pfx(t_path(pfx, sizeof(pfx), dir, "t.pfx"), k, x, "right", 0);
	write_pfx(t_path(pfxcut, sizeof(pfxcut), dir, "cut.pfx"), k, x, "right", 40);
	t_write(t_path(junk, sizeof(junk), dir, "junk"), "junk\n", 5);
	t_write(t_path(pin, sizeof(pin), dir, "pin"), "right\n", 6);
	t_write(t_path(badpin, sizeof(badpin), dir, "badpin"), "wrong\n", 6);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sign_key_options o;
		struct signer *s = NULL;
		struct dc_error err = { 0, "" };

		memset(&o, 0, sizeof(o));
		o.cert = rows[i].cert;
		o.key = rows[i].key;
		o.pfx = rows[i].pfx;
		o.pass.file = rows[i].pass_file;
		if (signer_load(&s, &o, &err) != rows[i].rc)
			fail_msg("row %zu: got %d (%s)", i, err.code, err.msg);
		if (rows[i].rc) {
			subst(want, sizeof(want), rows[i].msg, dir);
			assert_string_equal(err.msg, want);
			assert_null(s);
			continue;
		}
		assert_int_equal(X509_cmp(s->cert, x), 0);
		assert_int_equal(EVP_PKEY_eq(s->key, k), 1);
		signer_free(s);
	}
	X509_free(x);
	X509_free(x2);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	t_rmdir(dir);
}

static void test_sign__timestamp_needs_a_signed_catalog(void **state)
{
	size_t len, out_len = 0;
	unsigned char *cat = t_catalog(&len), *out = NULL;
	struct sign_ts_options ts = { "http://127.0.0.1:1/", NULL, 1 };
	struct sign_result res;
	struct dc_error err = { 0, "" };

	(void)state;
	assert_int_equal(sign_timestamp(&out, &out_len, cat, len, "u.cat", &ts, &res, &err), DC_EUSAGE);
	assert_string_equal(err.msg, "u.cat: the catalog is not signed; sign it first");
	assert_null(out);
	/* Not a catalog at all: the strict reader's message. */
	assert_int_not_equal(sign_timestamp(&out, &out_len, (const unsigned char *)"\x30\x00", 2, "x.cat", &ts, &res, &err), 0);
	assert_null(out);
	free(cat);
}

/* ---- what sign_catalog refuses: exactly what the strict reader refuses ---- */

/* Position of needle in hay, or -1. */
static long t_find(const unsigned char *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; m <= n && i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return (long)i;
	return -1;
}

static void test_sign__refuses_what_the_reader_refuses(void **state)
{
	/* CAT_NAMEVALUE 1.3.6.1.4.1.311.12.2.1, and its arc 12 re-encoded as 80 0c (not minimal) */
	static const unsigned char nv[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0c, 0x02, 0x01 };
	static const unsigned char nv_bad[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x80, 0x0c, 0x01 };
	/* "a.inf" as a UTF-16LE value, and with a lone high surrogate first */
	static const unsigned char val[] = { 'a', 0, '.', 0, 'i', 0, 'n', 0, 'f', 0 };
	static const unsigned char val_bad[] = { 0, 0xd8, '.', 0, 'i', 0, 'n', 0, 'f', 0 };
	static const struct {
		const char *what;
		const unsigned char *old, *new;
		size_t len;
		const char *has; /* a part of the message */
	} rows[] = {
		{ "malformed member attribute OID", nv, nv_bad, sizeof(nv),
		  "member attribute type: malformed OBJECT IDENTIFIER: an arc is not minimally encoded" },
		{ "lone surrogate in File", val, val_bad, sizeof(val),
		  "value of attribute 'File': UTF-16 text has an unpaired surrogate" },
	};
	EVP_PKEY *key = t_key(false);
	X509 *cert = t_cert(key, "Contoso Test", T0 - DAY, T0 + DAY, "codeSigning", "digitalSignature", NULL, NULL, 7);
	struct signer *s = t_signer(key, cert);
	struct sign_options o = defaults();
	size_t len;
	unsigned char *cat = t_catalog(&len), *bad = malloc(len + 1);

	(void)state;
	assert_non_null(bad);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) + 2; i++) {
		struct dc_error e1 = { 0, "" }, e2 = { 0, "" };
		struct sign_result res;
		struct catalog *c = NULL;
		unsigned char *out = (unsigned char *)1;
		size_t out_len = 1, n = len;

		memcpy(bad, cat, len);
		if (i < sizeof(rows) / sizeof(rows[0])) {
			long at = t_find(bad, len, rows[i].old, rows[i].len);

			assert_true(at > 0);
			memcpy(bad + (size_t)at, rows[i].new, rows[i].len);
		} else if (i == sizeof(rows) / sizeof(rows[0])) {
			bad[len] = 0; /* one trailing byte */
			n = len + 1;
		} else {
			memcpy(bad, "MZ\x90\x00", 4); /* a PE file, not DER */
		}
		assert_int_equal(cat_read_buffer(&c, bad, n, "t.cat", &e1), DC_EFORMAT);
		assert_int_equal(sign_catalog(&out, &out_len, bad, n, "t.cat", s, &o, &res, &e2), DC_EFORMAT);
		assert_string_equal(e2.msg, e1.msg);
		if (i < sizeof(rows) / sizeof(rows[0]) && !strstr(e2.msg, rows[i].has))
			fail_msg("%s: \"%s\" lacks \"%s\"", rows[i].what, e2.msg, rows[i].has);
		assert_null(out);
		assert_int_equal(out_len, 0);
	}
	free(bad);
	free(cat);
	signer_free(s);
}

/* An attribute drvcat does not know, well formed, is signed over unchanged. */
static void test_sign__unknown_member_attribute_is_kept(void **state)
{
	/* MEMBERINFO2 1.3.6.1.4.1.311.12.2.3 -> 1.3.6.1.4.1.311.12.2.99 (same length) */
	static const unsigned char mi[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0c, 0x02, 0x02 };
	EVP_PKEY *key = t_key(false);
	X509 *cert = t_cert(key, "Contoso Test", T0 - DAY, T0 + DAY, "codeSigning", "digitalSignature", NULL, NULL, 7);
	struct signer *s = t_signer(key, cert);
	struct sign_options o = defaults();
	struct sign_result res;
	struct dc_error err = { 0, "" };
	struct catalog *c0 = NULL, *c1 = NULL;
	size_t len, out_len = 0;
	unsigned char *cat = t_catalog(&len), *out = NULL;
	long at = t_find(cat, len, mi, sizeof(mi));

	(void)state;
	assert_true(at > 0);
	cat[(size_t)at + sizeof(mi) - 1] = 99;
	assert_int_equal(cat_read_buffer(&c0, cat, len, "t.cat", &err), 0);
	if (sign_catalog(&out, &out_len, cat, len, "t.cat", s, &o, &res, &err))
		fail_msg("sign_catalog: %s", err.msg);
	assert_int_equal(cat_read_buffer(&c1, out, out_len, "s.cat", &err), 0);
	assert_int_equal(c1->ctl_body_len, c0->ctl_body_len);
	assert_memory_equal(out + c1->ctl_body_offset, cat + c0->ctl_body_offset, c0->ctl_body_len);
	assert_int_equal(c1->nsigners, 1);
	cat_free(c0);
	cat_free(c1);
	free(out);
	free(cat);
	signer_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign__opus_info_bytes),
		cmocka_unit_test(test_sign__signtool_attributes_and_pkcs7_verify),
		cmocka_unit_test(test_sign__signing_time_only_when_asked),
		cmocka_unit_test(test_sign__digest_choices),
		cmocka_unit_test(test_sign__resign_replaces_signer_and_certificates),
		cmocka_unit_test(test_sign__certificates_sorted_and_deduplicated),
		cmocka_unit_test(test_sign__certificate_checks_warn_or_refuse),
		cmocka_unit_test(test_sign__pass_sources),
		cmocka_unit_test(test_sign__load_errors_and_successes),
		cmocka_unit_test(test_sign__timestamp_needs_a_signed_catalog),
		cmocka_unit_test(test_sign__refuses_what_the_reader_refuses),
		cmocka_unit_test(test_sign__unknown_member_attribute_is_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
