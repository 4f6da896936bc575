/*
 * p11.c - keys on PKCS#11 tokens, named by RFC 7512 URIs
 * ("pkcs11:token=test;object=cs;type=private").
 *
 * OSSL_STORE is tried first: with a pkcs11 provider (newer distributions)
 * the URI just works, like a file name.  Debian 12 has no such provider and
 * OSSL_STORE_open fails ("unregistered scheme"); then the libp11 engine
 * (engine.c) loads the key.  The query attribute "module-path" (RFC 7512
 * §2.4) or PKCS11_MODULE_PATH names the token's PKCS#11 library.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/store.h>

#include "../util/str.h"
#include "internal.h"

bool p11_is_uri(const char *s)
{
	return s && dc_strncaseeq(s, "pkcs11:", 7);
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* RFC 3986 percent-decoding in place; false on a malformed escape. */
static bool pct_decode(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (*r != '%') {
			*w++ = *r;
			continue;
		}
		if (hexval((unsigned char)r[1]) < 0 || hexval((unsigned char)r[2]) < 0)
			return false;
		*w++ = (char)(hexval((unsigned char)r[1]) * 16 + hexval((unsigned char)r[2]));
		r += 2;
	}
	*w = '\0';
	return true;
}

/*
 * Splits uri into its path part (what libp11 understands) and the
 * module-path query attribute (NULL when absent).  Both malloc'd.
 */
static int split_uri(char **path, char **module, const char *uri, struct dc_error *err)
{
	const char *q = strchr(uri, '?');

	*module = NULL;
	if (!(*path = q ? strndup(uri, (size_t)(q - uri)) : strdup(uri)))
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	while (q && *q) {
		const char *attr = q + 1, *end = attr + strcspn(attr, "&");

		if (!strncmp(attr, "module-path=", 12)) {
			free(*module);
			if (!(*module = strndup(attr + 12, (size_t)(end - attr - 12))))
				return dc_error_set(err, DC_ENOMEM, "out of memory");
			if (!pct_decode(*module))
				return dc_error_set(err, DC_EUSAGE, "%s: malformed %%-escape in module-path", uri);
		}
		q = end;
	}
	return 0;
}

/* The same object as a certificate: every "type=" attribute becomes "type=cert". */
static char *cert_uri_of(const char *path)
{
	size_t n = strlen(path);
	char *out = malloc(n + 16), *w = out;
	const char *p = path + 7;

	if (!out)
		return NULL;
	memcpy(w, path, 7);
	w += 7;
	while (*p) {
		size_t len = strcspn(p, ";");

		if (strncmp(p, "type=", 5) && strncmp(p, "pin-", 4) && len) {
			if (w != out + 7)
				*w++ = ';';
			memcpy(w, p, len);
			w += len;
		}
		p += len;
		if (*p == ';')
			p++;
	}
	strcpy(w, w == out + 7 ? "type=cert" : ";type=cert");
	return out;
}

/*
 * Loads what OSSL_STORE finds at uri.  *handled is false when no loader
 * takes the scheme (the caller then tries the engine).
 */
static int store_load(EVP_PKEY **key, X509 **cert, bool *handled, const char *uri, UI_METHOD *ui,
		      struct pass_cache *pc, struct dc_error *err)
{
	OSSL_STORE_CTX *ctx = OSSL_STORE_open_ex(uri, NULL, NULL, ui, pc, NULL, NULL, NULL);

	*handled = ctx != NULL;
	if (!ctx) {
		ERR_clear_error();
		return 0;
	}
	while (!OSSL_STORE_eof(ctx)) {
		OSSL_STORE_INFO *info = OSSL_STORE_load(ctx);

		if (!info) {
			if (OSSL_STORE_error(ctx))
				break;
			continue;
		}
		if (key && !*key && OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
			*key = OSSL_STORE_INFO_get1_PKEY(info);
		if (cert && !*cert && OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_CERT)
			*cert = OSSL_STORE_INFO_get1_CERT(info);
		OSSL_STORE_INFO_free(info);
	}
	OSSL_STORE_close(ctx);
	if ((key && !*key) || (cert && !*cert)) {
		if (pc->rc) {
			*err = pc->err;
			return pc->rc;
		}
		return sign_ossl_error(err, DC_ENOTFOUND, "%s: no %s there", uri,
				       key && !*key ? "private key" : "certificate");
	}
	ERR_clear_error();
	return 0;
}

int p11_load(EVP_PKEY **key, X509 **cert, ENGINE **engine, const char *uri,
	     struct pass_cache *pc, struct dc_error *err)
{
	char *path = NULL, *module = NULL, *cert_uri = NULL;
	UI_METHOD *ui = pass_ui_method();
	bool handled = false;
	int rc;

	*key = NULL;
	*engine = NULL;
	if (cert)
		*cert = NULL;
	if (!ui)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	rc = split_uri(&path, &module, uri, err);
	if (!rc && cert && !(cert_uri = cert_uri_of(path)))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (!rc)
		rc = store_load(key, NULL, &handled, uri, ui, pc, err);
	if (!rc && handled && cert) {
		/* The certificate URI keeps the query (module-path) for the provider. */
		char *full = malloc(strlen(cert_uri) + strlen(uri) + 1);
		const char *q = strchr(uri, '?');

		if (!full) {
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		} else {
			strcpy(full, cert_uri);
			if (q)
				strcat(full, q);
			rc = store_load(NULL, cert, &handled, full, ui, pc, err);
			free(full);
		}
	}
	if (!rc && !handled)
		rc = engine_load(key, cert, engine, path, cert_uri, module, pc, err);
	UI_destroy_method(ui);
	free(path);
	free(module);
	free(cert_uri);
	if (rc) {
		EVP_PKEY_free(*key);
		*key = NULL;
		if (cert) {
			X509_free(*cert);
			*cert = NULL;
		}
		engine_release(*engine);
		*engine = NULL;
	}
	return rc;
}
