/* cmd_timestamp.c - "drvcat timestamp FILE.cat --timestamp URL": timestamp a signed catalog. */
#include <stdio.h>
#include <stdlib.h>

#include "../cat/cat.h"
#include "../util/fs.h"
#include "signopt.h"

static const struct cli_opt timestamp_opts[] = {
	CLI_TS_OPTS,
	{ "out", "FILE", false, "write the timestamped catalog here (default: replace FILE.cat)" },
	{ NULL, NULL, false, NULL },
};

static int cmd_timestamp(const struct cli_args *a)
{
	const char *path = a->pos[0], *out = cli_opt_value(a, "out");
	struct sign_ts_options ts;
	struct sign_result res;
	struct dc_error err = { 0, "" };
	unsigned char *cat = NULL, *done_cat = NULL;
	size_t len = 0, done_len = 0;
	char when[96];
	int rc;

	if ((rc = cli_ts_options(a, &ts)))
		return rc;
	if (!ts.url)
		return cli_usage_error(a->cmd, "--timestamp URL is required");
	if (fs_read_file(&cat, &len, path, CAT_MAX_FILE, &err) ||
	    sign_timestamp(&done_cat, &done_len, cat, len, path, &ts, &res, &err) ||
	    fs_write_atomic(out ? out : path, done_cat, done_len, &err)) {
		rc = cli_fail(a, EXIT_FAIL, "%s", err.msg);
	} else {
		cli_ts_text(when, sizeof(when), &res);
		/* when is ", timestamp <time>" */
		printf("%s: %s added to the signature of %s\n", out ? out : path, when + 2, res.subject);
		rc = EXIT_OK;
	}
	free(cat);
	free(done_cat);
	return rc;
}

const struct cli_cmd cmd_timestamp_def = {
	"timestamp",
	"--timestamp URL [--timestamp-digest ALG] [--timestamp-timeout N] [--out FILE] FILE.cat",
	"add an RFC 3161 timestamp to a signed catalog (replacing any it had)",
	"The token is requested for the hash of the signature value and stored as\n"
	"SignTool /tr stores it (unsigned attribute 1.3.6.1.4.1.311.3.3.1).  The\n"
	"reply must be granted and carry this request's nonce and imprint and the\n"
	"TSA's certificate; anything else is an error and the catalog is untouched.\n",
	1, 1, timestamp_opts, cmd_timestamp,
};
