/* cmd_cert.c - "drvcat cert --test | --csr": certificates for test and release signing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util/str.h"
#include "signopt.h"

static const struct cli_opt cert_opts[] = {
	{ "test", NULL, false, "make a self-signed code-signing certificate for test signing" },
	{ "csr", NULL, false, "make a certificate request for a release certificate" },
	{ "subject", "DN", false, "subject, e.g. \"CN=Contoso Test\" or \"CN=Contoso, O=Contoso Ltd, C=US\"" },
	{ "out-dir", "DIR", false, "--test: write KEY, PEM, CER and PFX files here (named after the CN)" },
	{ "ecdsa", NULL, false, "ECDSA P-256 key instead of RSA 3072" },
	{ "days", "N", false, "--test: validity in days (default 730)" },
	{ "pass-file", "FILE", false, "--test: .pfx password; --csr: encrypts the new key / unlocks --key" },
	{ "pass-env", "NAME", false, "the same, from the environment variable NAME" },
	{ "out", "FILE", false, "--csr: write the request (PEM) here" },
	{ "key-out", "FILE", false, "--csr: write the new private key (PEM, mode 0600) here" },
	{ "key", "FILE|URI", false, "--csr: use this existing key (file or pkcs11: URI) instead" },
	{ "force", NULL, false, "replace existing files" },
	{ NULL, NULL, false, NULL },
};

static void when(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%d", &tm))
		snprintf(out, n, "?");
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int run_test(const struct cli_args *a, const struct sign_pass *pass)
{
	struct cert_test_options o;
	struct cert_test_result r;
	struct dc_error err = { 0, "" };
	const char *days = cli_opt_value(a, "days");
	char until[32];

	memset(&o, 0, sizeof(o));
	o.subject = cli_opt_value(a, "subject");
	o.out_dir = cli_opt_value(a, "out-dir");
	o.keytype = cli_opt_flag(a, "ecdsa") ? CERT_KEY_P256 : CERT_KEY_RSA3072;
	o.now = (int64_t)time(NULL);
	o.pfx_pass = *pass;
	o.pfx_pass.prompt = NULL; /* a new password would need asking twice: file or env only */
	o.force = cli_opt_flag(a, "force");
	if (!o.out_dir)
		return cli_usage_error(a->cmd, "--test needs --out-dir DIR");
	if (cli_opt_value(a, "out") || cli_opt_value(a, "key-out") ||
	    (cli_opt_value(a, "key") && !cli_from_environment(cli_opt_value(a, "key"))))
		return cli_usage_error(a->cmd, "--out, --key-out and --key are for --csr");
	if (days) {
		unsigned long v;

		if (!dc_parse_u32(days, &v) || v == 0 || v > 36500)
			return cli_usage_error(a->cmd, "--days takes 1 to 36500");
		o.days = (unsigned)v;
	}
	if (cert_make_test(&r, &o, &err))
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	if (r.pfx_empty_pass)
		fprintf(stderr, "drvcat: cert: warning: %s has an empty password "
			"(give --pass-file or --pass-env to set one)\n", r.pfx);
	when(until, sizeof(until), r.not_after);
	printf("test certificate %s (%s, valid until %s)\n", r.subject,
	       o.keytype == CERT_KEY_P256 ? "ECDSA P-256" : "RSA 3072", until);
	printf("  %-40s private key (PEM, mode 0600)\n", r.key);
	printf("  %-40s certificate (PEM)\n", r.pem);
	printf("  %-40s certificate (DER) for Windows\n", r.cer);
	printf("  %-40s key and certificate (PKCS#12) for SignTool\n", r.pfx);
	printf("SHA-1 thumbprint: %s\n\n", r.thumbprint);
	printf("sign a catalog:\n  drvcat sign --cert %s --key %s PKG/driver.cat\n\n", r.pem, r.key);
	printf("trust it on the test machine (elevated command prompt), then reboot:\n");
	printf("  certutil -addstore Root %s\n", base(r.cer));
	printf("  certutil -addstore TrustedPublisher %s\n", base(r.cer));
	printf("  bcdedit /set testsigning on\n");
	printf("(bcdedit refuses while Secure Boot is on: turn Secure Boot off in the firmware first.)\n");
	return EXIT_OK;
}

static int run_csr(const struct cli_args *a, const struct sign_pass *pass)
{
	struct cert_csr_options o;
	struct cert_test_result r;
	struct dc_error err = { 0, "" };
	bool encrypted = false;

	memset(&o, 0, sizeof(o));
	o.subject = cli_opt_value(a, "subject");
	o.out = cli_opt_value(a, "out");
	o.key_out = cli_opt_value(a, "key-out");
	o.key = cli_opt_value(a, "key");
	/* A DRVCAT_KEY default gives way to an explicit --key-out. */
	if (o.key && o.key_out && cli_from_environment(o.key))
		o.key = NULL;
	o.keytype = cli_opt_flag(a, "ecdsa") ? CERT_KEY_P256 : CERT_KEY_RSA3072;
	o.pass = *pass;
	o.force = cli_opt_flag(a, "force");
	if (!o.out)
		return cli_usage_error(a->cmd, "--csr needs --out FILE.csr");
	if (!o.key == !o.key_out)
		return cli_usage_error(a->cmd, "--csr needs --key-out FILE (a new key) or --key KEY (an existing one)");
	if (cli_opt_value(a, "out-dir") || cli_opt_value(a, "days"))
		return cli_usage_error(a->cmd, "--out-dir and --days are for --test");
	if (o.key)
		o.pass.prompt = isatty(STDIN_FILENO) ? cli_prompt_secret : NULL;
	else
		o.pass.prompt = NULL; /* a new passphrase would need asking twice: file or env only */
	if (cert_make_csr(&r, &encrypted, &o, &err))
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	if (o.key_out && !encrypted)
		fprintf(stderr, "drvcat: cert: warning: %s is not encrypted "
			"(give --pass-file or --pass-env to encrypt it)\n", o.key_out);
	printf("certificate request for %s -> %s\n", r.subject, r.pem);
	if (o.key_out)
		printf("new private key -> %s (%s)\n", o.key_out, encrypted ? "encrypted PEM" : "PEM");
	printf("send the request to your CA; sign with: drvcat sign --cert CERT.pem --key %s FILE.cat\n",
	       o.key ? o.key : o.key_out);
	return EXIT_OK;
}

static int cmd_cert(const struct cli_args *a)
{
	struct sign_pass pass;
	bool test = cli_opt_flag(a, "test"), csr = cli_opt_flag(a, "csr");

	if (test == csr)
		return cli_usage_error(a->cmd, "give --test or --csr");
	if (!cli_opt_value(a, "subject"))
		return cli_usage_error(a->cmd, "--subject DN is required, e.g. --subject \"CN=Contoso Test\"");
	memset(&pass, 0, sizeof(pass));
	pass.file = cli_opt_value(a, "pass-file");
	pass.env = cli_opt_value(a, "pass-env");
	if (pass.file && pass.env)
		return cli_usage_error(a->cmd, "--pass-file and --pass-env exclude each other");
	return test ? run_test(a, &pass) : run_csr(a, &pass);
}

const struct cli_cmd cmd_cert_def = {
	"cert",
	"(--test --out-dir DIR [--days N] | --csr --out FILE.csr (--key-out FILE | --key KEY)) --subject DN [--ecdsa] [--pass-file FILE | --pass-env NAME] [--force]",
	"make a test-signing certificate, or a key and request for a release certificate",
	"--test writes a self-signed certificate (extendedKeyUsage codeSigning,\n"
	"keyUsage digitalSignature, CA:FALSE) with its key, as PEM key (0600), PEM\n"
	"and DER certificate and a .pfx, and prints the Windows commands that trust\n"
	"it on a test machine.  --csr makes a PKCS#10 request to send to a CA; with\n"
	"--key it uses an existing key, e.g. one generated on a hardware token.\n",
	0, 0, cert_opts, cmd_cert,
};
