/* signopt.c - signing options shared by sign, build --sign and timestamp; the secret prompt. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../util/str.h"
#include "signopt.h"

extern char **environ;

bool cli_from_environment(const char *v)
{
	/* main.c fills some options from DRVCAT_* variables; their values are getenv()
	 * pointers into environ, which is how they are told from typed options. */
	for (char **e = environ; v && e && *e; e++) {
		const char *eq = strchr(*e, '=');

		if (eq && eq + 1 == v)
			return true;
	}
	return false;
}

int cli_prompt_secret(char *buf, size_t size, const char *prompt, void *arg, struct dc_error *err)
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios old, quiet;
	bool restore = false;
	size_t n;

	(void)arg;
	if (!tty)
		return dc_error_set(err, DC_EUSAGE, "cannot open the terminal to ask for a passphrase: %s",
				    strerror(errno));
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	fputs(prompt, tty);
	fflush(tty);
	if (size > INT32_MAX || !fgets(buf, (int)size, tty))
		buf[0] = '\0';
	if (restore)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return 0;
}

static int parse_digest(const struct cli_args *a, const char *opt, const char **out)
{
	*out = cli_opt_value(a, opt);
	if (*out && !sign_digest_known(*out))
		return cli_usage_error(a->cmd, "--%s takes sha256, sha384, sha512 or sha1", opt);
	return EXIT_OK;
}

int cli_ts_options(const struct cli_args *a, struct sign_ts_options *ts)
{
	const char *t = cli_opt_value(a, "timestamp-timeout");
	int rc;

	memset(ts, 0, sizeof(*ts));
	ts->url = cli_opt_value(a, "timestamp");
	if ((rc = parse_digest(a, "timestamp-digest", &ts->digest)))
		return rc;
	if (t) {
		unsigned long v;

		if (!dc_parse_u32(t, &v) || v == 0 || v > 3600)
			return cli_usage_error(a->cmd, "--timestamp-timeout takes seconds, 1 to 3600");
		ts->timeout = (int)v;
	}
	if (!ts->url && (ts->digest || t))
		return cli_usage_error(a->cmd, "--timestamp-digest and --timestamp-timeout need --timestamp URL");
	return EXIT_OK;
}

int cli_sign_options(const struct cli_args *a, struct sign_key_options *ko, struct sign_options *so)
{
	int rc;

	memset(ko, 0, sizeof(*ko));
	memset(so, 0, sizeof(*so));
	ko->cert = cli_opt_value(a, "cert");
	ko->key = cli_opt_value(a, "key");
	ko->pfx = cli_opt_value(a, "pfx");
	ko->chain = cli_opt_values(a, "chain", &ko->nchain);
	ko->pass.file = cli_opt_value(a, "pass-file");
	ko->pass.env = cli_opt_value(a, "pass-env");
	if (ko->pass.file && ko->pass.env)
		return cli_usage_error(a->cmd, "--pass-file and --pass-env exclude each other");
	/* Ask only on a terminal: in CI a prompt would hang or read the wrong input. */
	if (isatty(STDIN_FILENO))
		ko->pass.prompt = cli_prompt_secret;
	if (ko->pfx && (ko->key || ko->cert))
		return cli_usage_error(a->cmd, "--pfx excludes --key and --cert");
	if (!ko->pfx && !ko->key)
		return cli_usage_error(a->cmd, "no signing key: give --pfx FILE, or --cert FILE --key KEY");
	if (ko->key && !ko->cert && strncmp(ko->key, "pkcs11:", 7))
		return cli_usage_error(a->cmd, "--key FILE needs --cert FILE (only a pkcs11: key can take its certificate from the token)");
	if ((rc = parse_digest(a, "digest", &so->digest)))
		return rc;
	so->description = cli_opt_value(a, "description");
	so->url = cli_opt_value(a, "url");
	so->strict = cli_opt_flag(a, "strict");
	so->now = (int64_t)time(NULL);
	return cli_ts_options(a, &so->ts);
}

void cli_sign_warnings(const struct cli_args *a, const struct sign_result *r)
{
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(stderr, "drvcat: %s: warning: %s\n", a->cmd->name, r->notes[i]);
}

void cli_ts_text(char *out, size_t n, const struct sign_result *r)
{
	time_t t = (time_t)r->timestamp_time;
	struct tm tm;
	char when[64] = "?";

	out[0] = '\0';
	if (!r->timestamped)
		return;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(out, n, ", timestamp %s", when);
}

void cli_print_signed(const char *path, const struct sign_result *res)
{
	char ts[96];

	cli_ts_text(ts, sizeof(ts), res);
	printf("%s: signed by %s (%s, %zu certificate%s%s)\n", path, res->subject, res->digest,
	       res->ncerts, res->ncerts == 1 ? "" : "s", ts);
}

int cli_signing_begin(const struct cli_args *a, struct cli_signing *s)
{
	static const char *const sign_only[] = { "cert", "key", "pfx", "chain", "pass-file", "pass-env",
						 "digest", "description", "url", "strict", "timestamp",
						 "timestamp-digest", "timestamp-timeout" };
	struct dc_error err = { 0, "" };
	int rc;

	memset(s, 0, sizeof(*s));
	if (!cli_opt_flag(a, "sign")) {
		for (size_t i = 0; i < sizeof(sign_only) / sizeof(sign_only[0]); i++)
			if (cli_opt_flag(a, sign_only[i]) && !cli_from_environment(cli_opt_value(a, sign_only[i])))
				return cli_usage_error(a->cmd, "--%s is a signing option: add --sign", sign_only[i]);
		return EXIT_OK;
	}
	if ((rc = cli_sign_options(a, &s->ko, &s->so)))
		return rc;
	if (signer_load(&s->signer, &s->ko, &err))
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	return EXIT_OK;
}

int cli_signing_apply(const struct cli_args *a, struct cli_signing *s, unsigned char **der,
		      size_t *len, const char *name, struct sign_result *res)
{
	struct dc_error err = { 0, "" };
	unsigned char *out = NULL;
	size_t out_len = 0;

	if (sign_catalog(&out, &out_len, *der, *len, name, s->signer, &s->so, res, &err))
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	cli_sign_warnings(a, res);
	free(*der);
	*der = out;
	*len = out_len;
	return EXIT_OK;
}

void cli_signing_end(struct cli_signing *s)
{
	signer_free(s->signer);
	s->signer = NULL;
}
