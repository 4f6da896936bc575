/*
 * engine.c - PKCS#11 keys through the libp11 engine ("pkcs11"), the route
 * Debian 12 offers (libengine-pkcs11-openssl; no pkcs11 provider).
 *
 * ENGINE is deprecated in OpenSSL 3; this is the only file that uses it,
 * and it asks for the declarations without deprecation warnings so the
 * build stays warning-free.  When a provider serves pkcs11: URIs, p11.c
 * never gets here.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#ifndef OPENSSL_NO_ENGINE
#include <openssl/engine.h>
#endif

#include "internal.h"

#ifndef OPENSSL_NO_ENGINE

/* Where Debian's libengine-pkcs11-openssl puts the engine (ENGINESDIR). */
#define P11_ENGINE_SO "/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so"

/* The engine by id (found in OPENSSL_ENGINES/ENGINESDIR), else by Debian's path. */
static ENGINE *find_engine(void)
{
	ENGINE *e = ENGINE_by_id("pkcs11");

	if (e)
		return e;
	ERR_clear_error();
	if (!(e = ENGINE_by_id("dynamic")))
		return NULL;
	if (!ENGINE_ctrl_cmd_string(e, "SO_PATH", P11_ENGINE_SO, 0) ||
	    !ENGINE_ctrl_cmd_string(e, "ID", "pkcs11", 0) ||
	    !ENGINE_ctrl_cmd_string(e, "LIST_ADD", "1", 0) ||
	    !ENGINE_ctrl_cmd_string(e, "LOAD", NULL, 0)) {
		ENGINE_free(e);
		return NULL;
	}
	return e;
}

int engine_load(EVP_PKEY **key, X509 **cert, ENGINE **engine, const char *uri,
		const char *cert_uri, const char *module, struct pass_cache *pc,
		struct dc_error *err)
{
	const char *lib = module ? module : getenv("PKCS11_MODULE_PATH");
	ENGINE *e;
	UI_METHOD *ui = NULL;
	int rc = 0;

	*engine = NULL;
	/* libp11 loads the module lazily and reports a missing one on stderr itself. */
	if (lib && access(lib, R_OK) != 0)
		return dc_error_set(err, DC_ENOTFOUND, "%s: cannot read the PKCS#11 module %s: %s", uri, lib,
				    strerror(errno));
	if (!(e = find_engine())) {
		ERR_clear_error();
		return dc_error_set(err, DC_ENOTFOUND,
				    "%s: no OpenSSL provider or engine handles pkcs11: URIs here "
				    "(install libengine-pkcs11-openssl, or a pkcs11 provider)", uri);
	}
	/* libp11 prints its own diagnostics on stderr unless told not to; only src/cli prints. */
	ENGINE_ctrl_cmd(e, "QUIET", 0, NULL, NULL, 1);
	ERR_clear_error();
	if (module && !ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0)) {
		ENGINE_free(e);
		return sign_ossl_error(err, DC_ECRYPTO, "%s: the pkcs11 engine refused module-path %s",
				       uri, module);
	}
	if (!ENGINE_init(e)) {
		ENGINE_free(e);
		return sign_ossl_error(err, DC_ECRYPTO, "%s: cannot load the PKCS#11 module %s", uri,
				       lib ? lib : "(the engine's default)");
	}
	/* ENGINE_init took a functional reference; drop the structural one. */
	ENGINE_free(e);
	*engine = e;
	if (!(ui = pass_ui_method()))
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	*key = ENGINE_load_private_key(e, uri, ui, pc);
	if (!*key) {
		char detail[512];

		sign_ossl_detail(detail, sizeof(detail));
		if (pc->rc) {
			*err = pc->err;
			rc = pc->rc;
		} else if (strstr(detail, "module")) {
			rc = dc_error_set(err, DC_ECRYPTO, "%s: cannot load the PKCS#11 module %s (%s)", uri,
					  lib ? lib : "(the engine's default)", detail);
		} else if (strstr(detail, "PIN") || strstr(detail, "pin")) {
			rc = dc_error_set(err, DC_ECRYPTO, "%s: the token refused the PIN (%s)", uri, detail);
		} else {
			rc = dc_error_set(err, DC_ENOTFOUND, "%s: no such private key on the token%s%s%s", uri,
					  detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
		}
	}
	if (!rc && cert) {
		/* libp11's documented control for certificates (LOAD_CERT_CTRL). */
		struct {
			const char *s_slot_cert_id;
			X509 *cert;
		} parms = { cert_uri, NULL };

		if (!ENGINE_ctrl_cmd(e, "LOAD_CERT_CTRL", 0, &parms, NULL, 1) || !parms.cert)
			rc = sign_ossl_error(err, DC_ENOTFOUND,
					     "%s: no certificate for the key on the token (give --cert FILE)",
					     cert_uri);
		*cert = parms.cert;
	}
	UI_destroy_method(ui);
	return rc;
}

void engine_release(ENGINE *e)
{
	if (e)
		ENGINE_finish(e);
}

#else /* OPENSSL_NO_ENGINE */

int engine_load(EVP_PKEY **key, X509 **cert, ENGINE **engine, const char *uri,
		const char *cert_uri, const char *module, struct pass_cache *pc,
		struct dc_error *err)
{
	(void)key, (void)cert, (void)cert_uri, (void)module, (void)pc;
	*engine = NULL;
	return dc_error_set(err, DC_ENOTFOUND,
			    "%s: no OpenSSL provider handles pkcs11: URIs and this OpenSSL has no engines",
			    uri);
}

void engine_release(ENGINE *e)
{
	(void)e;
}

#endif
