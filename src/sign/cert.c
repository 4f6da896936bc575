/*
 * cert.c - certificates for the two signing workflows (anchors.md §6):
 *
 * test signing: a self-signed code-signing certificate, which the test
 *   machine adds to Trusted Root Certification Authorities (it is its own
 *   root) and Trusted Publishers (so PnP installs without prompting);
 * release signing: a key and a certificate request to send to a CA.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include "../util/fs.h"
#include "internal.h"

/*
 * Writes a private key file: mkstemp creates it 0600 and it stays so (the
 * catalog writer fs_write_atomic makes files 0644, wrong for a key); renamed
 * into place only when complete.
 */
static int write_private(const char *path, const void *data, size_t len, struct dc_error *err)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	const unsigned char *p = data;
	int fd, rc = 0;

	if (!tmp)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".tmp.XXXXXX", 12);
	if ((fd = mkstemp(tmp)) < 0) {
		rc = dc_error_set(err, DC_EIO, "%s: cannot create a file beside it: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	while (!rc && len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = dc_error_set(err, DC_EIO, "%s: write failed: %s", tmp, strerror(errno));
		else
			p += w, len -= (size_t)w;
	}
	if (!rc && fsync(fd) != 0)
		rc = dc_error_set(err, DC_EIO, "%s: fsync failed: %s", tmp, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = dc_error_set(err, DC_EIO, "%s: close failed: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path) != 0)
		rc = dc_error_set(err, DC_EIO, "%s: cannot replace it: %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Writes what a BIO-writing OpenSSL call produced; secret output is cleansed. */
static int write_bio(const char *path, BIO *b, bool secret, struct dc_error *err)
{
	char *p = NULL;
	long n = BIO_get_mem_data(b, &p);
	int rc;

	if (n <= 0)
		return sign_ossl_error(err, DC_ECRYPTO, "%s: encoding failed", path);
	rc = secret ? write_private(path, p, (size_t)n, err) : fs_write_atomic(path, p, (size_t)n, err);
	if (secret)
		OPENSSL_cleanse(p, (size_t)n);
	return rc;
}

/*
 * "CN=Contoso Test, O=Contoso, C=US" (or OpenSSL's "/CN=x/O=y"); a
 * backslash escapes the separator.  Attribute names are OpenSSL's (CN, O,
 * OU, L, ST, C, emailAddress...), values UTF-8.
 */
static int parse_subject(X509_NAME **out, const char *text, struct dc_error *err)
{
	char sep = text[0] == '/' ? '/' : ',';
	char *buf = malloc(strlen(text) + 1);
	X509_NAME *name = X509_NAME_new();
	const char *r = text[0] == '/' ? text + 1 : text;
	int rc = 0;

	*out = NULL;
	if (!buf || !name) {
		free(buf);
		X509_NAME_free(name);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	while (!rc && *r) {
		char *w = buf, *eq, *k, *v, *end;

		for (; *r && *r != sep; r++)
			*w++ = (*r == '\\' && r[1]) ? *++r : *r;
		*w = '\0';
		if (*r)
			r++;
		k = buf + strspn(buf, " ");
		if (!*k)
			continue;
		if (!(eq = strchr(k, '='))) {
			rc = dc_error_set(err, DC_EUSAGE, "--subject: '%s' is not NAME=VALUE", k);
			break;
		}
		for (end = eq; end > k && end[-1] == ' '; end--)
			;
		*end = '\0';
		v = eq + 1 + strspn(eq + 1, " ");
		for (end = v + strlen(v); end > v && end[-1] == ' '; end--)
			;
		*end = '\0';
		if (!*v)
			rc = dc_error_set(err, DC_EUSAGE, "--subject: %s has an empty value", k);
		else if (!X509_NAME_add_entry_by_txt(name, k, MBSTRING_UTF8, (const unsigned char *)v, -1, -1, 0))
			rc = sign_ossl_error(err, DC_EUSAGE, "--subject: cannot use %s=%s", k, v);
	}
	if (!rc && X509_NAME_entry_count(name) == 0)
		rc = dc_error_set(err, DC_EUSAGE, "--subject: empty (give e.g. \"CN=Contoso Test\")");
	free(buf);
	if (rc) {
		X509_NAME_free(name);
		return rc;
	}
	*out = name;
	return 0;
}

/* File name stem from the CN: "Contoso Test" -> "contoso-test". */
static void stem(char *out, size_t n, const X509_NAME *name)
{
	char cn[128] = "";
	size_t w = 0;

	X509_NAME_get_text_by_NID(name, NID_commonName, cn, sizeof(cn));
	for (const char *p = cn; *p && w + 1 < n; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[w++] = c;
		else if (w > 0 && out[w - 1] != '-')
			out[w++] = '-';
	}
	while (w > 0 && out[w - 1] == '-')
		w--;
	out[w] = '\0';
	if (!w)
		snprintf(out, n, "test-signing");
}

static int new_key(EVP_PKEY **key, enum cert_keytype t, struct dc_error *err)
{
	*key = t == CERT_KEY_P256 ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
				  : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	return *key ? 0 : sign_ossl_error(err, DC_ECRYPTO, "generating the key failed");
}

static int add_ext(X509 *x, X509_REQ *req, STACK_OF(X509_EXTENSION) **exts, int nid,
		   const char *value, struct dc_error *err)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, x, x, req, NULL, 0);
	if (!(e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)))
		return sign_ossl_error(err, DC_ECRYPTO, "extension %s failed", value);
	ok = x ? X509_add_ext(x, e, -1) : X509v3_add_ext(exts, e, -1) != NULL;
	X509_EXTENSION_free(e);
	return ok ? 0 : sign_ossl_error(err, DC_ECRYPTO, "extension %s failed", value);
}

static int refuse_existing(const char *path, bool force, struct dc_error *err)
{
	if (!force && access(path, F_OK) == 0)
		return dc_error_set(err, DC_EUSAGE, "%s exists (use --force to replace it)", path);
	return 0;
}

/*
 * The test certificate.  Self-signed, so it is its own trust anchor once in
 * Root; CA:FALSE and keyUsage digitalSignature say it signs code, not
 * certificates; extendedKeyUsage codeSigning is what the signature checks
 * of Windows and osslsigncode look for.  Valid from a day back, so a test
 * machine whose clock lags still accepts it.
 */
static int build_test_cert(X509 **out, EVP_PKEY *key, X509_NAME *name, unsigned days, int64_t now,
			   struct dc_error *err)
{
	X509 *x = X509_new();
	BIGNUM *bn = BN_new();
	int rc = 0;

	*out = NULL;
	if (!x || !bn || !X509_set_version(x, X509_VERSION_3) ||
	    !BN_rand(bn, 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
	    !ASN1_TIME_adj(X509_getm_notBefore(x), (time_t)now, -1, 0) ||
	    !ASN1_TIME_adj(X509_getm_notAfter(x), (time_t)now, (int)days, 0) ||
	    !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name) || !X509_set_pubkey(x, key))
		rc = sign_ossl_error(err, DC_ECRYPTO, "building the certificate failed");
	if (!rc)
		rc = add_ext(x, NULL, NULL, NID_basic_constraints, "critical,CA:FALSE", err);
	if (!rc)
		rc = add_ext(x, NULL, NULL, NID_key_usage, "critical,digitalSignature", err);
	if (!rc)
		rc = add_ext(x, NULL, NULL, NID_ext_key_usage, "codeSigning", err);
	if (!rc)
		rc = add_ext(x, NULL, NULL, NID_subject_key_identifier, "hash", err);
	if (!rc)
		rc = add_ext(x, NULL, NULL, NID_authority_key_identifier, "keyid:always", err);
	if (!rc && X509_sign(x, key, EVP_sha256()) <= 0)
		rc = sign_ossl_error(err, DC_ECRYPTO, "self-signing the certificate failed");
	BN_free(bn);
	if (rc) {
		X509_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

static int write_test_files(const struct cert_test_result *res, EVP_PKEY *key, X509 *x,
			    const char *pass, struct dc_error *err)
{
	BIO *kb = BIO_new(BIO_s_secmem()), *cb = BIO_new(BIO_s_mem()), *db = BIO_new(BIO_s_mem());
	BIO *pb = BIO_new(BIO_s_mem());
	char cn[128] = "";
	PKCS12 *p12 = NULL;
	int rc = 0;

	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	/* 3DES and a SHA-1 MAC: the PKCS#12 flavour every Windows version imports
	 * (AES-protected files need Windows 10 1709 or later). */
	if (!kb || !cb || !db || !pb || !PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(cb, x) || !i2d_X509_bio(db, x) ||
	    !(p12 = PKCS12_create_ex(pass, cn[0] ? cn : NULL, key, x, NULL,
				     NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
				     NID_pbe_WithSHA1And3_Key_TripleDES_CBC, PKCS12_DEFAULT_ITER, -1, 0,
				     NULL, NULL)) ||
	    !PKCS12_set_mac(p12, pass, -1, NULL, 0, PKCS12_DEFAULT_ITER, EVP_sha1()) ||
	    !i2d_PKCS12_bio(pb, p12))
		rc = sign_ossl_error(err, DC_ECRYPTO, "encoding the certificate files failed");
	if (!rc)
		rc = write_bio(res->key, kb, true, err);
	if (!rc)
		rc = write_bio(res->pem, cb, false, err);
	if (!rc)
		rc = write_bio(res->cer, db, false, err);
	if (!rc)
		rc = write_bio(res->pfx, pb, false, err);
	PKCS12_free(p12);
	BIO_free(pb);
	BIO_free(db);
	BIO_free(cb);
	BIO_free(kb);
	return rc;
}

int cert_make_test(struct cert_test_result *res, const struct cert_test_options *o,
		   struct dc_error *err)
{
	X509_NAME *name = NULL;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	struct pass_cache pc;
	const char *pass = "";
	unsigned char md[20];
	unsigned int mdlen = 0;
	char s[128];
	size_t plen;
	unsigned days = o->days ? o->days : 730;
	int rc;

	memset(res, 0, sizeof(*res));
	pass_cache_init(&pc, &o->pfx_pass, "the .pfx file");
	if ((rc = parse_subject(&name, o->subject, err)))
		return rc;
	if (days > 36500) {
		rc = dc_error_set(err, DC_EUSAGE, "--days: at most 36500");
		goto done;
	}
	stem(s, sizeof(s), name);
	if (mkdir(o->out_dir, 0755) != 0 && errno != EEXIST) {
		rc = dc_error_set(err, DC_EIO, "%s: cannot create the directory: %s", o->out_dir, strerror(errno));
		goto done;
	}
	if ((size_t)snprintf(res->base, sizeof(res->base), "%s/%s", o->out_dir, s) >= sizeof(res->base) - 8) {
		rc = dc_error_set(err, DC_EUSAGE, "%s: path too long", o->out_dir);
		goto done;
	}
	snprintf(res->key, sizeof(res->key), "%.4080s.key", res->base);
	snprintf(res->pem, sizeof(res->pem), "%.4080s.pem", res->base);
	snprintf(res->cer, sizeof(res->cer), "%.4080s.cer", res->base);
	snprintf(res->pfx, sizeof(res->pfx), "%.4080s.pfx", res->base);
	if ((rc = refuse_existing(res->key, o->force, err)) || (rc = refuse_existing(res->pem, o->force, err)) ||
	    (rc = refuse_existing(res->cer, o->force, err)) || (rc = refuse_existing(res->pfx, o->force, err)))
		goto done;
	if (pass_given(&o->pfx_pass)) {
		if ((rc = pass_cache_get(&pc, &pass, &plen, err)))
			goto done;
	} else {
		res->pfx_empty_pass = true;
	}
	if ((rc = new_key(&key, o->keytype, err)) ||
	    (rc = build_test_cert(&x, key, name, days, o->now, err)) ||
	    (rc = write_test_files(res, key, x, pass, err)))
		goto done;
	sign_name_text(res->subject, sizeof(res->subject), X509_get_subject_name(x));
	res->not_after = sign_time_epoch(X509_get0_notAfter(x));
	if (X509_digest(x, EVP_sha1(), md, &mdlen) == 1)
		for (unsigned i = 0; i < mdlen && i < 20; i++)
			snprintf(res->thumbprint + 2 * i, 3, "%02X", md[i]);
done:
	pass_cache_wipe(&pc);
	X509_free(x);
	EVP_PKEY_free(key);
	X509_NAME_free(name);
	return rc;
}

static int build_csr(X509_REQ **out, EVP_PKEY *key, X509_NAME *name, struct dc_error *err)
{
	X509_REQ *req = X509_REQ_new();
	STACK_OF(X509_EXTENSION) *exts = NULL;
	int rc = 0;

	*out = NULL;
	if (!req || !X509_REQ_set_version(req, X509_REQ_VERSION_1) ||
	    !X509_REQ_set_subject_name(req, name) || !X509_REQ_set_pubkey(req, key))
		rc = sign_ossl_error(err, DC_ECRYPTO, "building the request failed");
	/* The usages of a code-signing certificate, as a hint to the CA. */
	if (!rc)
		rc = add_ext(NULL, req, &exts, NID_key_usage, "critical,digitalSignature", err);
	if (!rc)
		rc = add_ext(NULL, req, &exts, NID_ext_key_usage, "codeSigning", err);
	if (!rc && !X509_REQ_add_extensions(req, exts))
		rc = sign_ossl_error(err, DC_ECRYPTO, "building the request failed");
	if (!rc && X509_REQ_sign(req, key, EVP_sha256()) <= 0)
		rc = sign_ossl_error(err, DC_ECRYPTO, "signing the request failed");
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	if (rc) {
		X509_REQ_free(req);
		return rc;
	}
	*out = req;
	return 0;
}

int cert_make_csr(struct cert_test_result *res, bool *encrypted, const struct cert_csr_options *o,
		  struct dc_error *err)
{
	X509_NAME *name = NULL;
	EVP_PKEY *key = NULL;
	ENGINE *engine = NULL;
	X509_REQ *req = NULL;
	BIO *kb = BIO_new(BIO_s_secmem()), *rb = BIO_new(BIO_s_mem());
	struct pass_cache pc;
	const char *pass = NULL;
	size_t plen = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	*encrypted = false;
	pass_cache_init(&pc, &o->pass, o->key ? o->key : "the new key");
	if (!kb || !rb) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	if (!o->key == !o->key_out) {
		rc = dc_error_set(err, DC_EUSAGE, "give --key-out FILE (a new key) or --key KEY (an existing one)");
		goto done;
	}
	if ((rc = parse_subject(&name, o->subject, err)) || (rc = refuse_existing(o->out, o->force, err)) ||
	    (o->key_out && (rc = refuse_existing(o->key_out, o->force, err))))
		goto done;
	if (o->key) {
		rc = load_any_key(&key, &engine, o->key, &pc, err);
	} else if (!(rc = new_key(&key, o->keytype, err)) && pass_given(&o->pass) &&
		   !(rc = pass_cache_get(&pc, &pass, &plen, err))) {
		*encrypted = true;
	}
	if (rc || (rc = build_csr(&req, key, name, err)))
		goto done;
	if (o->key_out &&
	    !(*encrypted ? PEM_write_bio_PKCS8PrivateKey(kb, key, EVP_aes_256_cbc(), pass, (int)plen, NULL, NULL)
			 : PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL))) {
		rc = sign_ossl_error(err, DC_ECRYPTO, "encoding the key failed");
		goto done;
	}
	if (!PEM_write_bio_X509_REQ(rb, req)) {
		rc = sign_ossl_error(err, DC_ECRYPTO, "encoding the request failed");
		goto done;
	}
	if ((o->key_out && (rc = write_bio(o->key_out, kb, true, err))) || (rc = write_bio(o->out, rb, false, err)))
		goto done;
	snprintf(res->key, sizeof(res->key), "%s", o->key_out ? o->key_out : "");
	snprintf(res->pem, sizeof(res->pem), "%s", o->out);
	sign_name_text(res->subject, sizeof(res->subject), name);
done:
	pass_cache_wipe(&pc);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	engine_release(engine);
	X509_NAME_free(name);
	BIO_free(rb);
	BIO_free(kb);
	return rc;
}
