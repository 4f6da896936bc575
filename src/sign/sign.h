/*
 * sign.h - signing catalogs as SignTool does (catalog-format.md §6), RFC 3161
 * timestamps, and test / release certificates.
 *
 *   signer_load()      a private key and its certificate from PEM/DER files,
 *                      a PKCS#12 file or a PKCS#11 token (RFC 7512 URI)
 *   sign_catalog()     a new PKCS#7 SignedData around the catalog's unchanged
 *                      CTL, with SignTool's authenticated attributes, and
 *                      optionally an RFC 3161 timestamp
 *   sign_timestamp()   adds (or replaces) the timestamp of a signed catalog
 *   cert_make_test()   a self-signed code-signing certificate for test signing
 *   cert_make_csr()    a key and certificate request for a release certificate
 *
 * Every function returns 0 or a negative DC_E* code and leaves a one-line
 * message in err.  Nothing here prints; passphrase prompts go through a
 * callback the caller supplies.  Private keys and passphrases are cleansed
 * after use.  src/verify never includes this header.
 */
#ifndef DRVCAT_SIGN_SIGN_H
#define DRVCAT_SIGN_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

/* Longest passphrase or PIN accepted (bytes, without the line end). */
#define SIGN_PASS_MAX 1023

/*
 * Asks the user for a secret: writes at most size-1 bytes and a NUL to buf.
 * prompt says what is asked for ("passphrase for key.pem").  Returns 0, or a
 * negative DC_E* code (e.g. no terminal) with a message in err.
 */
typedef int (*sign_prompt_fn)(char *buf, size_t size, const char *prompt, void *arg,
			      struct dc_error *err);

/*
 * Where a passphrase or PIN comes from, in this order: the first line of
 * file, the environment variable named env, the prompt.  All NULL: none (a
 * key that needs one fails with a message naming --pass-file/--pass-env).
 * It is fetched only when a key turns out to need it.
 */
struct sign_pass {
	const char *file;
	const char *env;
	sign_prompt_fn prompt;
	void *prompt_arg;
};

/*
 * What to load.  Either pfx, or key (a file, or an RFC 7512 "pkcs11:" URI)
 * with cert (a file; optional for a pkcs11: key, whose certificate is then
 * read from the token).  cert and pfx may hold more certificates than the
 * signer's; they go into the signature as the chain, with the chain files.
 */
struct sign_key_options {
	const char *cert;
	const char *key;
	const char *pfx;
	const char *const *chain;
	size_t nchain;
	struct sign_pass pass;
};

struct signer;

int signer_load(struct signer **out, const struct sign_key_options *o, struct dc_error *err);
void signer_free(struct signer *s);

#define SIGN_MAX_NOTES 4

/* What a signing run did, for the caller to report. */
struct sign_result {
	char subject[256];           /* signer certificate subject, one line */
	char digest[16];             /* "sha256", ... */
	size_t ncerts;               /* certificates stored in the signature */
	bool timestamped;
	int64_t timestamp_time;      /* TSTInfo genTime, seconds since 1970 */
	size_t nnotes;               /* warnings about the certificate */
	char notes[SIGN_MAX_NOTES][256];
};

/* An RFC 3161 timestamp request.  url NULL: no timestamp. */
struct sign_ts_options {
	const char *url;             /* http://host[:port]/path */
	const char *digest;          /* message imprint algorithm; NULL: sha256 */
	int timeout;                 /* seconds for the whole exchange; 0: 30 */
};

struct sign_options {
	const char *digest;          /* "sha256" (NULL), "sha384", "sha512" or "sha1" */
	const char *description;     /* SpcSpOpusInfo programName, or NULL */
	const char *url;             /* SpcSpOpusInfo moreInfo, or NULL */
	bool have_time;              /* add signingTime = time (SignTool writes none) */
	int64_t time;
	int64_t now;                 /* the clock, for the certificate's validity */
	bool strict;                 /* refuse (DC_EMISMATCH) what would only be a note */
	struct sign_ts_options ts;
};

/*
 * Signs the catalog cat (name for messages).  Any existing signature is
 * replaced; the CTL's bytes are copied unchanged.  Certificate problems
 * (expired, not yet valid, no code-signing usage) are notes in *res, or
 * errors with o->strict.  *out is malloc'd.
 */
int sign_catalog(unsigned char **out, size_t *out_len, const unsigned char *cat, size_t len,
		 const char *name, const struct signer *s, const struct sign_options *o,
		 struct sign_result *res, struct dc_error *err);

/*
 * Timestamps the signature of an already signed catalog: the token replaces
 * any timestamp it had.  Only res->timestamped/timestamp_time/subject are set.
 */
int sign_timestamp(unsigned char **out, size_t *out_len, const unsigned char *cat, size_t len,
		   const char *name, const struct sign_ts_options *ts, struct sign_result *res,
		   struct dc_error *err);

/* Digest names accepted by --digest / --timestamp-digest. */
bool sign_digest_known(const char *name);

/* ---- certificates ---- */

enum cert_keytype { CERT_KEY_RSA3072, CERT_KEY_P256 };

struct cert_test_options {
	const char *subject;         /* "CN=Contoso Test" or "CN=x, O=y, C=US" */
	const char *out_dir;
	enum cert_keytype keytype;
	unsigned days;               /* validity; 0: 730 */
	int64_t now;
	struct sign_pass pfx_pass;   /* file/env only; none: empty passphrase */
	bool force;                  /* overwrite existing files */
};

#define CERT_PATH_MAX 4096

struct cert_test_result {
	char base[CERT_PATH_MAX];    /* out_dir/<name>, without extension */
	char key[CERT_PATH_MAX], pem[CERT_PATH_MAX], cer[CERT_PATH_MAX], pfx[CERT_PATH_MAX];
	char subject[256];
	char thumbprint[41];         /* SHA-1 of the DER, upper-case hex (certutil's "Cert Hash") */
	int64_t not_after;
	bool pfx_empty_pass;
};

/*
 * A self-signed code-signing certificate for test signing: key PEM (0600),
 * certificate PEM and DER (.cer) and a PKCS#12 (.pfx), named after the CN.
 */
int cert_make_test(struct cert_test_result *res, const struct cert_test_options *o,
		   struct dc_error *err);

struct cert_csr_options {
	const char *subject;
	const char *out;             /* the CSR, PEM */
	const char *key_out;         /* a new key goes here (0600), or NULL with key */
	const char *key;             /* an existing key: file or pkcs11: URI */
	enum cert_keytype keytype;   /* for a new key */
	struct sign_pass pass;       /* encrypts a new key / unlocks an existing one */
	bool force;
};

/* A certificate signing request; res->subject gets the subject.  *encrypted
 * tells whether a new key file was written encrypted. */
int cert_make_csr(struct cert_test_result *res, bool *encrypted, const struct cert_csr_options *o,
		  struct dc_error *err);

#endif
