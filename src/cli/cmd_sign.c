/* cmd_sign.c - "drvcat sign FILE.cat": sign a catalog as SignTool does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cat/cat.h"
#include "../util/fs.h"
#include "signopt.h"

static const struct cli_opt sign_opts[] = {
	CLI_SIGN_KEY_OPTS,
	CLI_SIGN_TEXT_OPTS,
	CLI_TS_OPTS,
	{ "time", "UNIX", false, "add signingTime = UNIX (SignTool adds none; for reproducible tests)" },
	{ "out", "FILE", false, "write the signed catalog here (default: replace FILE.cat)" },
	{ NULL, NULL, false, NULL },
};

_Static_assert(sizeof(sign_opts) / sizeof(sign_opts[0]) - 1 <= CLI_MAX_OPTS, "sign: too many options");

static int parse_signing_time(const struct cli_args *a, struct sign_options *so)
{
	const char *v = cli_opt_value(a, "time");
	char *end;
	long long t;

	if (!v)
		return EXIT_OK;
	errno = 0;
	t = strtoll(v, &end, 10);
	/* UTCTime and GeneralizedTime together cover 1950..9999. */
	if (errno || *end || end == v || t < -631152000LL || t > 253402300799LL)
		return cli_usage_error(a->cmd, "--time '%s' is not a time in seconds since 1970", v);
	so->have_time = true;
	so->time = (int64_t)t;
	return EXIT_OK;
}

static int cmd_sign(const struct cli_args *a)
{
	const char *path = a->pos[0], *out = cli_opt_value(a, "out");
	struct sign_key_options ko;
	struct sign_options so;
	struct sign_result res;
	struct signer *s = NULL;
	struct dc_error err = { 0, "" };
	unsigned char *cat = NULL, *signed_cat = NULL;
	size_t len = 0, signed_len = 0;
	int rc;

	if ((rc = cli_sign_options(a, &ko, &so)) || (rc = parse_signing_time(a, &so)))
		return rc;
	/* The catalog first: a missing catalog should not cost a PIN prompt. */
	if (fs_read_file(&cat, &len, path, CAT_MAX_FILE, &err) || signer_load(&s, &ko, &err) ||
	    sign_catalog(&signed_cat, &signed_len, cat, len, path, s, &so, &res, &err)) {
		rc = cli_fail(a, EXIT_FAIL, "%s", err.msg);
		goto done;
	}
	cli_sign_warnings(a, &res);
	if (fs_write_atomic(out ? out : path, signed_cat, signed_len, &err)) {
		rc = cli_fail(a, EXIT_FAIL, "%s", err.msg);
		goto done;
	}
	cli_print_signed(out ? out : path, &res);
	rc = EXIT_OK;
done:
	signer_free(s);
	free(cat);
	free(signed_cat);
	return rc;
}

const struct cli_cmd cmd_sign_def = {
	"sign",
	"(--pfx FILE | --cert FILE --key KEY) [--chain FILE]... [--pass-file FILE | --pass-env NAME] [--digest ALG] [--description TEXT] [--url URL] [--timestamp URL] [--strict] [--out FILE] FILE.cat",
	"sign a catalog as SignTool does, optionally with an RFC 3161 timestamp",
	"The signature is PKCS#7 SignedData around the catalog's unchanged CTL with\n"
	"SignTool's authenticated attributes (contentType, SpcStatementType,\n"
	"messageDigest, SpcSpOpusInfo; no signingTime unless --time).  An existing\n"
	"signature is replaced.  KEY is a PEM/DER file or a PKCS#11 URI such as\n"
	"'pkcs11:token=MyToken;object=signing;type=private' (module from the URI's\n"
	"module-path query or PKCS11_MODULE_PATH); without --cert the certificate\n"
	"is read from the token.  Passphrases and PINs come from --pass-file,\n"
	"--pass-env or a prompt on the terminal, never from the command line.\n"
	"The catalog is replaced only when everything succeeded.\n",
	1, 1, sign_opts, cmd_sign,
};
