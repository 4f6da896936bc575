/*
 * pass.c - passphrases and PINs: the first line of --pass-file, the variable
 * --pass-env names, or the caller's prompt; never a command-line value.
 * Fetched at most once and only when a key asks, so an unencrypted key never
 * prompts; wiped with OPENSSL_cleanse when done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ui.h>

#include "../util/fs.h"
#include "internal.h"

/* A pass file is read in one chunk (fs_read_file never reallocates below
 * 64 KiB), so no stray copy of the secret is left in freed memory. */
#define PASS_FILE_MAX 65535

void pass_cache_init(struct pass_cache *pc, const struct sign_pass *src, const char *what)
{
	memset(pc, 0, sizeof(*pc));
	pc->src = src;
	pc->what = what;
}

bool pass_given(const struct sign_pass *src)
{
	return src && (src->file || src->env);
}

/* Keeps p; false when it is too long. */
static bool store(struct pass_cache *pc, const char *p, size_t n)
{
	if (n > SIGN_PASS_MAX)
		return false;
	memcpy(pc->buf, p, n);
	pc->buf[n] = '\0';
	pc->len = n;
	return true;
}

static int from_file(struct pass_cache *pc, const char *path, struct dc_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0, n = 0;
	int rc;

	if ((rc = fs_read_file(&data, &len, path, PASS_FILE_MAX, err)))
		return dc_error_prefix(err, "--pass-file");
	/* The first line, without its line end: editors add one. */
	while (n < len && data[n] != '\n' && data[n] != '\r')
		n++;
	if (!store(pc, (const char *)data, n))
		rc = dc_error_set(err, DC_EUSAGE, "--pass-file %s: the first line is longer than %d bytes",
				  path, SIGN_PASS_MAX);
	sign_free_secret(data, len);
	return rc;
}

static int fetch(struct pass_cache *pc, struct dc_error *err)
{
	const struct sign_pass *src = pc->src;

	if (src && src->file)
		return from_file(pc, src->file, err);
	if (src && src->env) {
		const char *v = getenv(src->env);

		if (!v)
			return dc_error_set(err, DC_EUSAGE, "--pass-env %s: the environment variable is not set",
					    src->env);
		if (!store(pc, v, strlen(v)))
			return dc_error_set(err, DC_EUSAGE, "--pass-env %s: longer than %d bytes",
					    src->env, SIGN_PASS_MAX);
		return 0;
	}
	if (src && src->prompt) {
		char prompt[512];
		int rc;

		snprintf(prompt, sizeof(prompt), "Passphrase or PIN for %s: ", pc->what);
		rc = src->prompt(pc->buf, sizeof(pc->buf), prompt, src->prompt_arg, err);
		pc->len = rc ? 0 : strlen(pc->buf);
		return rc;
	}
	return dc_error_set(err, DC_EUSAGE,
			    "%s needs a passphrase or PIN: give --pass-file FILE or --pass-env NAME",
			    pc->what);
}

int pass_cache_get(struct pass_cache *pc, const char **pass, size_t *len, struct dc_error *err)
{
	*pass = NULL;
	*len = 0;
	pc->used = true;
	if (pc->rc) {
		if (err && err != &pc->err)
			*err = pc->err;
		return pc->rc;
	}
	if (!pc->fetched) {
		pc->rc = fetch(pc, &pc->err);
		if (pc->rc) {
			OPENSSL_cleanse(pc->buf, sizeof(pc->buf));
			if (err && err != &pc->err)
				*err = pc->err;
			return pc->rc;
		}
		pc->fetched = true;
	}
	*pass = pc->buf;
	*len = pc->len;
	return 0;
}

void pass_cache_wipe(struct pass_cache *pc)
{
	OPENSSL_cleanse(pc->buf, sizeof(pc->buf));
	pc->len = 0;
	pc->fetched = false;
}

int pass_pem_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_cache *pc = u;
	const char *p;
	size_t n;

	(void)rwflag;
	if (pass_cache_get(pc, &p, &n, NULL) || size < 0 || n > (size_t)size)
		return -1;
	memcpy(buf, p, n);
	return (int)n;
}

/* Answers input prompts from the pass_cache the UI carries as user data. */
static int ui_read(UI *ui, UI_STRING *uis)
{
	struct pass_cache *pc = UI_get0_user_data(ui);
	const char *p;
	size_t n;

	switch (UI_get_string_type(uis)) {
	case UIT_PROMPT:
	case UIT_VERIFY:
		if (!pc || pass_cache_get(pc, &p, &n, NULL) || n > INT32_MAX)
			return 0;
		return UI_set_result_ex(ui, uis, p, (int)n) >= 0 ? 1 : 0;
	default:
		return 1;
	}
}

/* Nothing is shown: src/sign never prints; the caller's prompt does. */
static int ui_write(UI *ui, UI_STRING *uis)
{
	(void)ui;
	(void)uis;
	return 1;
}

UI_METHOD *pass_ui_method(void)
{
	UI_METHOD *m = UI_create_method("drvcat passphrase");

	if (m && (UI_method_set_reader(m, ui_read) != 0 || UI_method_set_writer(m, ui_write) != 0)) {
		UI_destroy_method(m);
		return NULL;
	}
	return m;
}
