/*
 * internal.h - what the files of src/sign share.  Not for other modules;
 * tests/unit/test_sign.c includes it to test the pieces one by one.
 */
#ifndef DRVCAT_SIGN_INTERNAL_H
#define DRVCAT_SIGN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/ui.h>
#include <openssl/x509.h>

#include "sign.h"

struct signer {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) *extra;   /* further certificates for the signature */
	ENGINE *engine;          /* functional reference while an engine key lives */
};

/* OIDs of the signature (catalog-format.md §6). */
#define OID_SPC_STATEMENT_TYPE "1.3.6.1.4.1.311.2.1.11"
#define OID_SPC_SP_OPUS_INFO "1.3.6.1.4.1.311.2.1.12"
#define OID_SPC_INDIVIDUAL "1.3.6.1.4.1.311.2.1.21"
#define OID_EKU_CODE_SIGNING "1.3.6.1.5.5.7.3.3"
#define OID_EKU_WHQL "1.3.6.1.4.1.311.10.3.5"

/* ---- errors (err.c) ---- */

/* Drains OpenSSL's error queue; the first (root-cause) error's text in out, "" if none. */
void sign_ossl_detail(char *out, size_t n);
/* dc_error_set with ": <OpenSSL detail>" appended when the queue has one. */
int sign_ossl_error(struct dc_error *err, int code, const char *fmt, ...) DC_PRINTF(3, 4);
/* Seconds since 1970 of an ASN1_TIME (0 when unreadable). */
int64_t sign_time_epoch(const ASN1_TIME *t);
/* "2026-01-02 03:04:05 UTC" */
void sign_time_text(char *out, size_t n, int64_t t);
/* "CN=Contoso Test, O=Contoso": the syntax --subject takes. */
void sign_name_text(char *out, size_t n, const X509_NAME *name);
/* Cleanses n bytes at p, then frees p (secrets read from files). */
void sign_free_secret(void *p, size_t n);

/* ---- passphrases (pass.c) ---- */

/* A passphrase fetched at most once, when first needed; wiped by pass_cache_wipe. */
struct pass_cache {
	const struct sign_pass *src;
	const char *what;          /* named in prompts and messages */
	char buf[SIGN_PASS_MAX + 1];
	size_t len;
	bool fetched;              /* buf holds the passphrase */
	bool used;                 /* someone asked for it */
	int rc;                    /* a failed fetch, remembered */
	struct dc_error err;
};

void pass_cache_init(struct pass_cache *pc, const struct sign_pass *src, const char *what);
int pass_cache_get(struct pass_cache *pc, const char **pass, size_t *len, struct dc_error *err);
void pass_cache_wipe(struct pass_cache *pc);
bool pass_given(const struct sign_pass *src);
/* pem_password_cb over a struct pass_cache. */
int pass_pem_cb(char *buf, int size, int rwflag, void *u);
/* A new UI_METHOD answering prompts from the struct pass_cache given as UI user
 * data (free with UI_destroy_method); NULL when out of memory. */
UI_METHOD *pass_ui_method(void);

/* ---- loading (load.c, p11.c, engine.c) ---- */

/* A private key from a file (PEM or DER, PKCS#8 or traditional, maybe encrypted). */
int load_key_file(EVP_PKEY **key, const char *path, struct pass_cache *pc, struct dc_error *err);
/* Every certificate in a PEM or DER file, in file order (at least one). */
int load_cert_file(STACK_OF(X509) **out, const char *path, struct dc_error *err);
/* A key by file name or pkcs11: URI; *engine is set when an engine holds it. */
int load_any_key(EVP_PKEY **key, ENGINE **engine, const char *spec, struct pass_cache *pc,
		 struct dc_error *err);
/* Certificate problems at time now, as notes (or an error with strict). */
int signer_check_cert(struct sign_result *res, const X509 *cert, int64_t now, bool strict,
		      struct dc_error *err);

bool p11_is_uri(const char *s);
/*
 * Key (and with cert != NULL the certificate) named by an RFC 7512 URI:
 * through OSSL_STORE first (a pkcs11 provider), else the libp11 engine.
 */
int p11_load(EVP_PKEY **key, X509 **cert, ENGINE **engine, const char *uri,
	     struct pass_cache *pc, struct dc_error *err);
/* The engine route (engine.c, the only file using the deprecated ENGINE API). */
int engine_load(EVP_PKEY **key, X509 **cert, ENGINE **engine, const char *uri,
		const char *cert_uri, const char *module, struct pass_cache *pc,
		struct dc_error *err);
void engine_release(ENGINE *e);

/* ---- RFC 3161 (tsp.c, http.c) ---- */

int sign_md_fetch(EVP_MD **md, const char *name, const char *what, struct dc_error *err);

/* A TimeStampReq over data (the signature value) with a random nonce and certReq. */
int tsp_request(TS_REQ **req, unsigned char **der, size_t *der_len, const unsigned char *data,
		size_t n, const char *digest, struct dc_error *err);
/*
 * Checks a TimeStampResp against req: parses, status granted, a token whose
 * TSTInfo has req's nonce and imprint, the TSA certificate included and its
 * signature over the TSTInfo intact.  *token points into reply (the token's
 * exact bytes); url names the server in messages.
 */
int tsp_check_reply(const unsigned char **token, size_t *token_len, int64_t *gen_time,
		    const unsigned char *reply, size_t len, const TS_REQ *req, const char *url,
		    struct dc_error *err);
/* Requests a token for si's signature value and stores it as SignTool does. */
int tsp_timestamp_signer(PKCS7_SIGNER_INFO *si, const struct sign_ts_options *ts,
			 int64_t *gen_time, struct dc_error *err);

/* POST body to url; *resp malloc'd.  Errors name the server and say what went wrong. */
int http_post(unsigned char **resp, size_t *resp_len, const char *url, const char *content_type,
	      const char *expect_type, const unsigned char *body, size_t n, int timeout,
	      struct dc_error *err);

/* ---- DER pieces of the signature (encode.c) ---- */

/* The SpcSpOpusInfo value (§6): SEQUENCE { [0] { [0] BMPString }, [1] { [0] IA5String } }. */
int spc_opus_info_der(unsigned char **out, size_t *len, const char *description,
		      const char *url, struct dc_error *err);
/* Encodes p7 and checks the inner ContentInfo is byte for byte the one in orig. */
int sd_encode_checked(unsigned char **out, size_t *len, PKCS7 *p7, const unsigned char *orig,
		      size_t orig_len, const char *name, struct dc_error *err);
/* Sorts certificates by DER as X.690 orders a SET OF, dropping duplicates. */
int sd_sort_certs(STACK_OF(X509) *certs, struct dc_error *err);

#endif
