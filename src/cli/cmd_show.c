/* cmd_show.c - "drvcat show FILE.cat": list a catalog's header, attributes, members and signers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../cat/cat.h"
#include "../util/json.h"
#include "cli.h"

static const struct cli_opt show_opts[] = {
	{ "json", NULL, false, "print JSON" },
	{ NULL, NULL, false, NULL },
};

/* Upper-case hex of p[0..n) into out (2n + 1 bytes); by table: it runs for every member. */
static void hex(char *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static void iso_time(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(out, n, "%lld", (long long)t);
}

static void json_catalog(struct dc_json *j, const struct catalog *c, const char *path)
{
	char buf[160];

	dc_json_object_begin(j);
	dc_json_kv_string(j, "path", path);
	dc_json_kv_uint(j, "version", c->version);
	hex(buf, c->list_id, c->list_id_len < 64 ? c->list_id_len : 64);
	dc_json_kv_string(j, "list_identifier", buf);
	iso_time(buf, sizeof(buf), c->this_update);
	dc_json_kv_string(j, "this_update", buf);
	dc_json_key(j, "attributes");
	dc_json_array_begin(j);
	for (size_t i = 0; i < c->nattrs; i++) {
		dc_json_object_begin(j);
		dc_json_kv_string(j, "name", c->attrs[i].name);
		dc_json_kv_string(j, "value", c->attrs[i].value);
		dc_json_kv_uint(j, "flags", c->attrs[i].flags);
		dc_json_object_end(j);
	}
	dc_json_array_end(j);
	dc_json_key(j, "members");
	dc_json_array_begin(j);
	for (size_t i = 0; i < c->nmembers; i++) {
		const struct cat_member *m = &c->members[i];

		dc_json_object_begin(j);
		dc_json_kv_string(j, "tag", m->tag_text);
		dc_json_kv_string(j, "file", m->file);
		dc_json_kv_string(j, "kind", cat_kind_name(m->kind));
		dc_json_kv_string(j, "digest_algorithm", m->digest_len ? cat_digest_name(m->digest_alg) : NULL);
		if (m->digest_len) {
			hex(buf, m->digest, m->digest_len);
			dc_json_kv_string(j, "digest", buf);
		} else {
			dc_json_kv_string(j, "digest", NULL);
		}
		dc_json_kv_string(j, "os_attr", m->osattr);
		dc_json_kv_bool(j, "page_hashes", m->page_hashes);
		dc_json_object_end(j);
	}
	dc_json_array_end(j);
	dc_json_key(j, "signers");
	dc_json_array_begin(j);
	for (size_t i = 0; i < c->nsigners; i++) {
		const struct cat_signer *s = &c->signers[i];

		dc_json_object_begin(j);
		dc_json_kv_string(j, "subject", s->subject);
		dc_json_kv_string(j, "issuer", s->issuer);
		dc_json_kv_string(j, "serial", s->serial);
		iso_time(buf, sizeof(buf), s->not_before);
		dc_json_kv_string(j, "not_before", s->subject ? buf : NULL);
		iso_time(buf, sizeof(buf), s->not_after);
		dc_json_kv_string(j, "not_after", s->subject ? buf : NULL);
		dc_json_kv_string(j, "digest_algorithm", s->digest);
		dc_json_kv_string(j, "timestamp", s->timestamp);
		iso_time(buf, sizeof(buf), s->timestamp_time);
		dc_json_kv_string(j, "timestamp_time", s->timestamp ? buf : NULL);
		dc_json_object_end(j);
	}
	dc_json_array_end(j);
	dc_json_object_end(j);
}

/*
 * Text taken from the catalog, made safe for a terminal: control characters
 * (an attacker's escape sequences) are shown as \xNN.  Returns out.
 */
static const char *safe(char *out, size_t n, const char *s)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t used = 0;

	for (; s && *s && used + 5 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f) {
			out[used++] = '\\';
			out[used++] = 'x';
			out[used++] = digits[c >> 4];
			out[used++] = digits[c & 15];
		} else {
			out[used++] = (char)c;
		}
	}
	out[used] = '\0';
	return out;
}

static void print_text(const struct catalog *c, const char *path)
{
	char s1[1024], s2[1024];

	char buf[160];

	printf("catalog:   %s\n", path);
	printf("version:   %u (%s)\n", c->version,
	       c->version == 1 ? "SHA-1 members" : "SHA-256 members with SHA-1 compatibility entries");
	hex(buf, c->list_id, c->list_id_len < 64 ? c->list_id_len : 64);
	printf("list id:   %s\n", buf);
	iso_time(buf, sizeof(buf), c->this_update);
	printf("time:      %s\n", buf);
	for (size_t i = 0; i < c->nattrs; i++)
		printf("attribute: %s = %s\n", safe(s1, sizeof(s1), c->attrs[i].name),
		       safe(s2, sizeof(s2), c->attrs[i].value));
	printf("members:   %zu\n", c->nmembers);
	for (size_t i = 0; i < c->nmembers; i++) {
		const struct cat_member *m = &c->members[i];

		printf("  %s  %s  %s", m->file ? safe(s1, sizeof(s1), m->file) : "(no File)",
		       cat_kind_name(m->kind),
		       m->digest_len ? cat_digest_name(m->digest_alg) : "compat");
		if (m->digest_len) {
			hex(buf, m->digest, m->digest_len);
			printf(" %s", buf);
		} else {
			printf(" tag %s", safe(s1, sizeof(s1), m->tag_text));
		}
		if (m->osattr)
			printf("  OSAttr %s", safe(s1, sizeof(s1), m->osattr));
		if (m->page_hashes)
			printf("  page hashes");
		printf("\n");
	}
	if (!c->nsigners)
		printf("signers:   none (unsigned)\n");
	for (size_t i = 0; i < c->nsigners; i++) {
		const struct cat_signer *s = &c->signers[i];

		printf("signer:    %s\n", s->subject ? safe(s1, sizeof(s1), s->subject) : "(certificate not included)");
		printf("  issuer:  %s\n", s->issuer ? safe(s1, sizeof(s1), s->issuer) : "-");
		printf("  serial:  %s\n", s->serial ? s->serial : "-");
		if (s->subject) {
			iso_time(buf, sizeof(buf), s->not_before);
			printf("  valid:   %s", buf);
			iso_time(buf, sizeof(buf), s->not_after);
			printf(" to %s\n", buf);
		}
		printf("  digest:  %s\n", s->digest ? s->digest : "-");
		if (s->timestamp) {
			iso_time(buf, sizeof(buf), s->timestamp_time);
			printf("  timestamp: %s %s\n", s->timestamp, buf);
		}
	}
}

struct json_ctx {
	const struct catalog *c;
	const char *path;
};

static void fill_json(struct dc_json *j, const void *ctx)
{
	const struct json_ctx *x = ctx;

	json_catalog(j, x->c, x->path);
}

static int cmd_show(const struct cli_args *a)
{
	struct dc_error err = { 0, "" };
	struct catalog *c = NULL;
	int rc = EXIT_OK;

	if (cat_read_file(&c, a->pos[0], &err))
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	if (cli_opt_flag(a, "json")) {
		struct json_ctx ctx = { c, a->pos[0] };

		rc = cli_print_json(a, fill_json, &ctx);
	} else {
		print_text(c, a->pos[0]);
	}
	cat_free(c);
	return rc;
}

const struct cli_cmd cmd_show_def = {
	"show",
	"[--json] FILE.cat",
	"list a catalog: version, list identifier, time, catalog attributes, every member (file, kind, digest, OSAttr, page hashes) and its signers and timestamp",
	"The catalog is read strictly (DER only); a malformed file is an error naming\n"
	"the byte offset.  The signature itself is not checked here.\n",
	1, 1, show_opts, cmd_show,
};
