/*
 * sign_helpers.h - fixtures for the src/sign unit tests: keys and
 * certificates made in-process (P-256 unless a test needs RSA: fast), a
 * small catalog from cat_write, files in a private temporary directory.
 * static inline so each test file uses what it needs without warnings.
 */
#ifndef DRVCAT_TESTS_SIGN_HELPERS_H
#define DRVCAT_TESTS_SIGN_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../../src/cat/write.h"
#include "../../src/sign/internal.h"

#define T0 1700000000 /* 2023-11-14T22:13:20Z */
#define DAY 86400

static inline EVP_PKEY *t_key(bool rsa)
{
	EVP_PKEY *k = rsa ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)
			  : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	assert_non_null(k);
	return k;
}

static inline void t_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/*
 * A certificate for key with subject CN=cn, valid [nb, na] (seconds since
 * 1970), issued by issuer/ikey (NULL: self-signed).  eku and ku are OpenSSL
 * extension strings, NULL to leave the extension out.
 */
static inline X509 *t_cert(EVP_PKEY *key, const char *cn, int64_t nb, int64_t na, const char *eku,
			   const char *ku, X509 *issuer, EVP_PKEY *ikey, long serial)
{
	X509 *x = X509_new();

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na));
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
						    (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer : x)), 1);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	if (eku)
		t_ext(x, issuer ? issuer : x, NID_ext_key_usage, eku);
	if (ku)
		t_ext(x, issuer ? issuer : x, NID_key_usage, ku);
	assert_true(X509_sign(x, ikey ? ikey : key, EVP_sha256()) > 0);
	return x;
}

/* A signer owning key and cert (no chain). */
static inline struct signer *t_signer(EVP_PKEY *key, X509 *cert)
{
	struct signer *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->key = key;
	s->cert = cert;
	s->extra = sk_X509_new_null();
	assert_non_null(s->extra);
	return s;
}

/* An unsigned v1 catalog with two flat members; *len bytes, malloc'd. */
static inline unsigned char *t_catalog(size_t *len)
{
	struct cat_file_entry files[2];
	struct cat_spec spec;
	unsigned char *der = NULL;
	struct dc_error err = { 0, "" };

	memset(files, 0, sizeof(files));
	memset(&spec, 0, sizeof(spec));
	files[0].file = "a.inf";
	files[0].kind = CAT_KIND_FLAT;
	memset(files[0].sha1, 0x11, 20);
	memset(files[0].sha256, 0x22, 32);
	files[1].file = "b.sys";
	files[1].kind = CAT_KIND_PE;
	memset(files[1].sha1, 0x33, 20);
	memset(files[1].sha256, 0x44, 32);
	spec.version = 1;
	spec.this_update = T0;
	spec.os = "_v100_X64";
	spec.files = files;
	spec.nfiles = 2;
	assert_int_equal(cat_write(&der, len, &spec, &err), 0);
	return der;
}

/* A fresh private directory under /tmp; caller removes it with t_rmdir. */
static inline char *t_tmpdir(void)
{
	char *d = strdup("/tmp/drvcat-test-sign.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static inline void t_rmdir(char *dir)
{
	char cmd[600];

	/* Only the directory mkdtemp made above. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/* dir/name, in a static buffer (one at a time per call site). */
static inline const char *t_path(char *buf, size_t n, const char *dir, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
	return buf;
}

static inline void t_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

#endif
