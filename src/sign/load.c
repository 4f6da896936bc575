/*
 * load.c - the signer: a private key and its certificate from PEM/DER files,
 * a PKCS#12 file, or a PKCS#11 token (p11.c), plus chain certificates; and
 * the checks SignTool's users expect before a signature is made (validity,
 * code-signing usage).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>

#include "../util/fs.h"
#include "internal.h"

/* Keys, certificates and PKCS#12 files are small; anything larger is a mistake. */
#define CRED_FILE_MAX (4u * 1024u * 1024u)

static bool is_pem(const unsigned char *p, size_t n)
{
	static const char tag[] = "-----BEGIN ";

	for (size_t i = 0; i + sizeof(tag) - 1 <= n; i++)
		if (!memcmp(p + i, tag, sizeof(tag) - 1))
			return true;
	return false;
}

int load_key_file(EVP_PKEY **key, const char *path, struct pass_cache *pc, struct dc_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc;

	*key = NULL;
	if ((rc = fs_read_file(&data, &len, path, CRED_FILE_MAX, err)))
		return rc;
	if (is_pem(data, len)) {
		/* PEM_read skips other blocks, so a combined cert+key file works too. */
		BIO *b = len <= INT32_MAX ? BIO_new_mem_buf(data, (int)len) : NULL;

		if (b)
			*key = PEM_read_bio_PrivateKey_ex(b, NULL, pass_pem_cb, pc, NULL, NULL);
		BIO_free(b);
	} else {
		OSSL_DECODER_CTX *d = OSSL_DECODER_CTX_new_for_pkey(key, "DER", NULL, NULL,
								    EVP_PKEY_KEYPAIR, NULL, NULL);
		const unsigned char *p = data;
		size_t n = len;

		if (d && OSSL_DECODER_CTX_set_pem_password_cb(d, pass_pem_cb, pc) == 1 &&
		    OSSL_DECODER_from_data(d, &p, &n) != 1) {
			EVP_PKEY_free(*key);
			*key = NULL;
		}
		OSSL_DECODER_CTX_free(d);
	}
	sign_free_secret(data, len);
	if (*key)
		return 0;
	ERR_clear_error();
	if (pc->rc) {
		*err = pc->err;
		return pc->rc;
	}
	if (pc->used)
		return dc_error_set(err, DC_ECRYPTO, "%s: wrong passphrase (or the key file is damaged)",
				    path);
	return dc_error_set(err, DC_EFORMAT,
			    "%s: not a private key (expected PEM or DER, PKCS#8 or traditional)", path);
}

int load_cert_file(STACK_OF(X509) **out, const char *path, struct dc_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	STACK_OF(X509) *certs = sk_X509_new_null();
	int rc = 0;

	*out = NULL;
	if (!certs)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	if ((rc = fs_read_file(&data, &len, path, CRED_FILE_MAX, err))) {
		sk_X509_free(certs);
		return rc;
	}
	if (is_pem(data, len)) {
		BIO *b = len <= INT32_MAX ? BIO_new_mem_buf(data, (int)len) : NULL;
		X509 *x;

		while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
			if (!sk_X509_push(certs, x)) {
				X509_free(x);
				rc = dc_error_set(err, DC_ENOMEM, "out of memory");
				break;
			}
		BIO_free(b);
	} else {
		const unsigned char *p = data;
		X509 *x = len <= INT32_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;

		if (x && p != data + len)
			rc = dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: data after the certificate",
					  path, (size_t)(p - data));
		if (x && !sk_X509_push(certs, x)) {
			X509_free(x);
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		}
	}
	free(data);
	ERR_clear_error();
	if (!rc && sk_X509_num(certs) == 0)
		rc = dc_error_set(err, DC_EFORMAT, "%s: no certificate in it (expected PEM or DER)", path);
	if (rc) {
		sk_X509_pop_free(certs, X509_free);
		return rc;
	}
	*out = certs;
	return 0;
}

/* The PKCS#12 password: the given source, else empty (as Windows exports allow), else the prompt. */
static int pfx_password(const char **pass, PKCS12 *p12, const char *path, struct pass_cache *pc,
			struct dc_error *err)
{
	size_t n;
	int rc;

	*pass = NULL;
	if (!pass_given(pc->src)) {
		if (!PKCS12_mac_present(p12) || PKCS12_verify_mac(p12, NULL, 0) == 1) {
			ERR_clear_error();
			return 0;
		}
		if (PKCS12_verify_mac(p12, "", 0) == 1) {
			*pass = "";
			return 0;
		}
		ERR_clear_error();
	}
	if ((rc = pass_cache_get(pc, pass, &n, err)))
		return rc;
	if (PKCS12_mac_present(p12) && PKCS12_verify_mac(p12, *pass, (int)n) != 1) {
		ERR_clear_error();
		return dc_error_set(err, DC_ECRYPTO, "%s: wrong password (the PKCS#12 integrity check fails)",
				    path);
	}
	return 0;
}

static int load_pfx(struct signer *s, const char *path, struct pass_cache *pc, struct dc_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	const unsigned char *p;
	PKCS12 *p12 = NULL;
	STACK_OF(X509) *ca = NULL;
	const char *pass = NULL;
	int rc;

	if ((rc = fs_read_file(&data, &len, path, CRED_FILE_MAX, err)))
		return rc;
	p = data;
	p12 = len <= INT32_MAX ? d2i_PKCS12(NULL, &p, (long)len) : NULL;
	if (!p12 || p != data + len) {
		ERR_clear_error();
		rc = dc_error_set(err, DC_EFORMAT, "%s: not a PKCS#12 (.pfx) file, or truncated", path);
		goto done;
	}
	if ((rc = pfx_password(&pass, p12, path, pc, err)))
		goto done;
	if (PKCS12_parse(p12, pass, &s->key, &s->cert, &ca) != 1) {
		/* Old exports encrypt certificates with RC2-40, which only the legacy provider has. */
		OSSL_PROVIDER *legacy = OSSL_PROVIDER_try_load(NULL, "legacy", 1);

		ERR_clear_error();
		if (!legacy || PKCS12_parse(p12, pass, &s->key, &s->cert, &ca) != 1)
			rc = sign_ossl_error(err, DC_ECRYPTO, "%s: cannot decrypt the PKCS#12 contents", path);
		OSSL_PROVIDER_unload(legacy);
		if (rc)
			goto done;
	}
	if (!s->key)
		rc = dc_error_set(err, DC_EFORMAT, "%s: holds no private key", path);
	else if (!s->cert)
		rc = dc_error_set(err, DC_EFORMAT, "%s: holds no certificate for its private key", path);
	while (!rc && ca && sk_X509_num(ca) > 0) {
		X509 *x = sk_X509_shift(ca);

		if (!sk_X509_push(s->extra, x)) {
			X509_free(x);
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		}
	}
done:
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	sign_free_secret(data, len);
	return rc;
}

int load_any_key(EVP_PKEY **key, ENGINE **engine, const char *spec, struct pass_cache *pc,
		 struct dc_error *err)
{
	*engine = NULL;
	if (p11_is_uri(spec))
		return p11_load(key, NULL, engine, spec, pc, err);
	return load_key_file(key, spec, pc, err);
}

static int add_certs(struct signer *s, STACK_OF(X509) *certs, bool first_is_signer,
		     struct dc_error *err)
{
	while (sk_X509_num(certs) > 0) {
		X509 *x = sk_X509_shift(certs);

		if (first_is_signer && !s->cert) {
			s->cert = x;
			continue;
		}
		if (!sk_X509_push(s->extra, x)) {
			X509_free(x);
			return dc_error_set(err, DC_ENOMEM, "out of memory");
		}
	}
	return 0;
}

static int check_usage(const struct sign_key_options *o, struct dc_error *err)
{
	if (o->pfx && (o->key || o->cert))
		return dc_error_set(err, DC_EUSAGE, "--pfx excludes --key and --cert");
	if (!o->pfx && !o->key)
		return dc_error_set(err, DC_EUSAGE, "no signing key: give --pfx FILE, or --key and --cert");
	if (o->key && !o->cert && !p11_is_uri(o->key))
		return dc_error_set(err, DC_EUSAGE,
				    "--key %s needs --cert FILE (only a pkcs11: key can take its certificate from the token)",
				    o->key);
	return 0;
}

int signer_load(struct signer **out, const struct sign_key_options *o, struct dc_error *err)
{
	struct signer *s;
	struct pass_cache pc;
	STACK_OF(X509) *certs = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_usage(o, err)))
		return rc;
	if (!(s = calloc(1, sizeof(*s))) || !(s->extra = sk_X509_new_null())) {
		free(s);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	pass_cache_init(&pc, &o->pass, o->pfx ? o->pfx : o->key);
	if (o->pfx)
		rc = load_pfx(s, o->pfx, &pc, err);
	else if (p11_is_uri(o->key))
		rc = p11_load(&s->key, o->cert ? NULL : &s->cert, &s->engine, o->key, &pc, err);
	else
		rc = load_key_file(&s->key, o->key, &pc, err);
	pass_cache_wipe(&pc);
	if (!rc && o->cert && !(rc = load_cert_file(&certs, o->cert, err)))
		rc = add_certs(s, certs, true, err);
	for (size_t i = 0; !rc && i < o->nchain; i++) {
		sk_X509_pop_free(certs, X509_free);
		certs = NULL;
		if (!(rc = load_cert_file(&certs, o->chain[i], err)))
			rc = add_certs(s, certs, false, err);
	}
	sk_X509_pop_free(certs, X509_free);
	if (!rc && X509_check_private_key(s->cert, s->key) != 1) {
		ERR_clear_error();
		rc = dc_error_set(err, DC_EMISMATCH, "certificate %s does not match the private key %s",
				  o->pfx ? o->pfx : o->cert ? o->cert : "from the token", o->pfx ? "in it" : o->key);
	}
	if (rc) {
		signer_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void signer_free(struct signer *s)
{
	if (!s)
		return;
	/* The key first: it may hold the engine's functional reference. */
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	sk_X509_pop_free(s->extra, X509_free);
	engine_release(s->engine);
	free(s);
}

/* Whether the EKU extension (present) allows code signing, Windows' way. */
static bool eku_allows_code_signing(const X509 *cert)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
	bool ok = false;

	for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku); i++) {
		char oid[64];

		OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, i), 1);
		/* WHQL's own EKU counts: Microsoft's catalogs are signed with it. */
		if (!strcmp(oid, OID_EKU_CODE_SIGNING) || !strcmp(oid, OID_EKU_WHQL) ||
		    !strcmp(oid, "2.5.29.37.0"))
			ok = true;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return ok;
}

static void note(struct sign_result *res, const char *fmt, ...) DC_PRINTF(2, 3);

static void note(struct sign_result *res, const char *fmt, ...)
{
	va_list ap;

	if (res->nnotes >= SIGN_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(res->notes[res->nnotes++], sizeof(res->notes[0]), fmt, ap);
	va_end(ap);
}

int signer_check_cert(struct sign_result *res, const X509 *cert, int64_t now, bool strict,
		      struct dc_error *err)
{
	char subject[200], when[64];
	int64_t nb = sign_time_epoch(X509_get0_notBefore(cert));
	int64_t na = sign_time_epoch(X509_get0_notAfter(cert));
	uint32_t flags = X509_get_extension_flags((X509 *)cert);
	size_t first = res->nnotes;

	sign_name_text(subject, sizeof(subject), X509_get_subject_name(cert));
	if (na < now) {
		sign_time_text(when, sizeof(when), na);
		note(res, "certificate %s expired on %s", subject, when);
	} else if (nb > now) {
		sign_time_text(when, sizeof(when), nb);
		note(res, "certificate %s is not valid before %s", subject, when);
	}
	if ((flags & EXFLAG_XKUSAGE) && !eku_allows_code_signing(cert))
		note(res, "certificate %s is not for code signing: its extended key usage lacks codeSigning (%s)",
		     subject, OID_EKU_CODE_SIGNING);
	if ((flags & EXFLAG_KUSAGE) && !(X509_get_key_usage((X509 *)cert) & KU_DIGITAL_SIGNATURE))
		note(res, "certificate %s is not for code signing: its key usage lacks digitalSignature",
		     subject);
	if (strict && res->nnotes > first)
		return dc_error_set(err, DC_EMISMATCH, "%s (refused: --strict)", res->notes[first]);
	return 0;
}
