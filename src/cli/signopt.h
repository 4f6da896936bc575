/*
 * signopt.h - the signing options shared by "drvcat sign", "drvcat build
 * --sign" and "drvcat timestamp" (one definition, so --help and parsing
 * agree everywhere), and the terminal prompt for passphrases and PINs.
 */
#ifndef DRVCAT_CLI_SIGNOPT_H
#define DRVCAT_CLI_SIGNOPT_H

#include "../sign/sign.h"
#include "cli.h"

#define CLI_SIGN_KEY_OPTS \
	{ "cert", "FILE", false, "signing certificate, PEM or DER (more certificates in it are included)" }, \
	{ "key", "FILE|URI", false, "private key: PEM/DER file or RFC 7512 'pkcs11:...' URI" }, \
	{ "pfx", "FILE", false, "PKCS#12 file holding key and certificate (instead of --key/--cert)" }, \
	{ "chain", "FILE", true, "intermediate certificates to include (repeatable)" }, \
	{ "pass-file", "FILE", false, "passphrase or PIN: the first line of FILE" }, \
	{ "pass-env", "NAME", false, "passphrase or PIN: the environment variable NAME" }, \
	{ "digest", "ALG", false, "sha256 (default), sha384, sha512 or sha1" }, \
	{ "strict", NULL, false, "refuse an expired or non-code-signing certificate (default: warn)" }

/* Only in "drvcat sign": build's table is at CLI_MAX_OPTS. */
#define CLI_SIGN_TEXT_OPTS \
	{ "description", "TEXT", false, "description stored in the signature (SignTool /d)" }, \
	{ "url", "URL", false, "more-information URL stored in the signature (SignTool /du)" }

#define CLI_TS_OPTS \
	{ "timestamp", "URL", false, "RFC 3161 timestamp server, http:// (SignTool /tr)" }, \
	{ "timestamp-digest", "ALG", false, "digest of the timestamp request (default sha256; SignTool /td)" }, \
	{ "timestamp-timeout", "N", false, "give up on the timestamp server after N seconds (default 30)" }

/* Fills ko and so from the options (prompting on a terminal for secrets). Returns an exit code. */
int cli_sign_options(const struct cli_args *a, struct sign_key_options *ko, struct sign_options *so);
/* --timestamp, --timestamp-digest, --timestamp-timeout.  Returns an exit code. */
int cli_ts_options(const struct cli_args *a, struct sign_ts_options *ts);
/* Prints the result's notes as warnings. */
void cli_sign_warnings(const struct cli_args *a, const struct sign_result *r);
/* ", timestamp 2026-01-02 03:04:05 UTC" or "" */
void cli_ts_text(char *out, size_t n, const struct sign_result *r);

/* "drvcat build --sign": the signer, loaded once for every catalog. */
struct cli_signing {
	struct signer *signer;
	struct sign_options so;
	struct sign_key_options ko;
};

/* Loads the signer when --sign is given (else leaves s->signer NULL).  Returns an exit code. */
int cli_signing_begin(const struct cli_args *a, struct cli_signing *s);
/* Replaces *der with its signed form (warnings printed, *res for the summary).  Returns an exit code. */
int cli_signing_apply(const struct cli_args *a, struct cli_signing *s, unsigned char **der,
		      size_t *len, const char *name, struct sign_result *res);
/* "PATH: signed by SUBJECT (sha256, N certificates, timestamp ...)" on stdout. */
void cli_print_signed(const char *path, const struct sign_result *res);
void cli_signing_end(struct cli_signing *s);

/* Whether an option value came from a DRVCAT_* environment default, not the command line. */
bool cli_from_environment(const char *v);

/* sign_prompt_fn reading from /dev/tty with echo off. */
int cli_prompt_secret(char *buf, size_t size, const char *prompt, void *arg, struct dc_error *err);

#endif
