/* cmd_hash.c - "drvcat hash FILE...": the digests a catalog member for each file holds. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hash/hash.h"
#include "../util/buf.h"
#include "../util/json.h"
#include "cli.h"

static const struct cli_opt hash_opts[] = {
	{ "page-hashes", NULL, false, "also compute the SHA-1 and SHA-256 page-hash tables of PE files" },
	{ "json", NULL, false, "print JSON (with --page-hashes, each table in full as hex)" },
	{ NULL, NULL, false, NULL },
};

/* Lower-case hex of n bytes into out (2 * n + 1 bytes); returns out. */
static char *hex(char *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
	return out;
}

/* The same, malloc'd (for whole page tables); NULL when out of memory. */
static char *hex_alloc(const unsigned char *p, size_t n)
{
	char *s = n < SIZE_MAX / 2 ? malloc(2 * n + 1) : NULL;

	return s ? hex(s, p, n) : NULL;
}

static void print_table(const char *alg, const struct hash_page_table *t)
{
	char h1[41], h256[65];

	printf("  %s page hashes: %zu records\n", alg, t->records);
	printf("    table sha1    %s\n", hex(h1, t->sha1, sizeof(t->sha1)));
	printf("    table sha256  %s\n", hex(h256, t->sha256, sizeof(t->sha256)));
}

static void print_text(const char *path, const struct hash_result *r, bool pages)
{
	char h1[41], h256[65];

	if (r->kind == HASH_FLAT) {
		printf("%s: flat\n", path);
	} else {
		printf("%s: %s %s (machine 0x%04" PRIx16 "), ", path, r->pe32plus ? "PE32+" : "PE32",
		       hash_machine_name(r->machine), r->machine);
		if (r->has_cert_table)
			printf("certificate table 0x%08" PRIx32 "+0x%08" PRIx32 " (not hashed)\n",
			       r->cert_offset, r->cert_size);
		else if (r->pad_bytes)
			printf("no certificate table, hashed with %u zero bytes of padding\n",
			       r->pad_bytes);
		else
			printf("no certificate table\n");
	}
	printf("  sha1    %s\n", hex(h1, r->sha1, sizeof(r->sha1)));
	printf("  sha256  %s\n", hex(h256, r->sha256, sizeof(r->sha256)));
	if (pages && r->kind == HASH_PE) {
		print_table("sha1", &r->pages_sha1);
		print_table("sha256", &r->pages_sha256);
	} else if (pages) {
		printf("  no page hashes (not a PE image)\n");
	}
}

/* Returns false when out of memory (the JSON writer's error is sticky anyway). */
static bool json_table(struct dc_json *j, const char *alg, const struct hash_page_table *t)
{
	char h1[41], h256[65], *all = hex_alloc(t->data, t->len);

	dc_json_key(j, alg);
	dc_json_object_begin(j);
	dc_json_kv_uint(j, "records", t->records);
	dc_json_kv_uint(j, "record_size", t->records ? t->len / t->records : 0);
	dc_json_kv_string(j, "table_sha1", hex(h1, t->sha1, sizeof(t->sha1)));
	dc_json_kv_string(j, "table_sha256", hex(h256, t->sha256, sizeof(t->sha256)));
	dc_json_kv_string(j, "table", all);
	dc_json_object_end(j);
	free(all);
	return all != NULL;
}

static bool json_file(struct dc_json *j, const char *path, const struct hash_result *r,
		      bool pages)
{
	char h1[41], h256[65], machine[8];
	bool ok = true;

	dc_json_object_begin(j);
	dc_json_kv_string(j, "path", path);
	dc_json_kv_string(j, "kind", r->kind == HASH_PE ? "PE" : "flat");
	dc_json_kv_uint(j, "size", r->file_size);
	if (r->kind == HASH_PE) {
		snprintf(machine, sizeof(machine), "0x%04" PRIx16, r->machine);
		dc_json_kv_string(j, "format", r->pe32plus ? "PE32+" : "PE32");
		dc_json_kv_string(j, "machine", machine);
		dc_json_kv_string(j, "arch", hash_machine_name(r->machine));
		dc_json_key(j, "certificate_table");
		if (r->has_cert_table) {
			dc_json_object_begin(j);
			dc_json_kv_uint(j, "offset", r->cert_offset);
			dc_json_kv_uint(j, "size", r->cert_size);
			dc_json_object_end(j);
		} else {
			dc_json_null(j);
		}
		dc_json_kv_uint(j, "padding", r->pad_bytes);
	}
	dc_json_kv_string(j, "sha1", hex(h1, r->sha1, sizeof(r->sha1)));
	dc_json_kv_string(j, "sha256", hex(h256, r->sha256, sizeof(r->sha256)));
	if (pages) {
		dc_json_key(j, "page_hashes");
		if (r->kind == HASH_PE) {
			dc_json_object_begin(j);
			ok = json_table(j, "sha1", &r->pages_sha1) &&
			     json_table(j, "sha256", &r->pages_sha256);
			dc_json_object_end(j);
		} else {
			dc_json_null(j);
		}
	}
	dc_json_object_end(j);
	return ok;
}

static int cmd_hash(const struct cli_args *a)
{
	struct hash_options opt = { cli_opt_flag(a, "page-hashes"), 0 };
	bool json = cli_opt_flag(a, "json");
	struct dc_error err = { 0, "" }, jerr = { 0, "" };
	struct dc_buf out;
	struct dc_json j;
	bool printed = false;
	int rc = EXIT_OK;

	dc_buf_init(&out, (size_t)1 << 30);
	dc_json_init(&j, &out, &jerr);
	dc_json_object_begin(&j);
	dc_json_key(&j, "files");
	dc_json_array_begin(&j);
	for (size_t i = 0; i < a->npos; i++) {
		struct hash_result r;

		if (hash_file(&r, a->pos[i], &opt, &err)) {
			rc = cli_fail(a, EXIT_FAIL, "%s", err.msg);
			dc_json_object_begin(&j);
			dc_json_kv_string(&j, "path", a->pos[i]);
			dc_json_kv_string(&j, "error", err.msg);
			dc_json_object_end(&j);
			continue;
		}
		if (!json) {
			printf("%s", printed ? "\n" : "");
			print_text(a->pos[i], &r, opt.page_hashes);
			printed = true;
		} else if (!json_file(&j, a->pos[i], &r, opt.page_hashes)) {
			rc = cli_fail(a, EXIT_FAIL, "%s: out of memory formatting JSON", a->pos[i]);
		}
		hash_result_free(&r);
	}
	dc_json_array_end(&j);
	dc_json_object_end(&j);
	if (json) {
		if (dc_json_finish(&j))
			rc = cli_fail(a, EXIT_FAIL, "%s", jerr.msg);
		else
			fwrite(out.data, 1, out.len, stdout);
	}
	dc_buf_free(&out);
	return rc;
}

const struct cli_cmd cmd_hash_def = {
	"hash",
	"[--page-hashes] [--json] FILE...",
	"print the SHA-1 and SHA-256 a catalog member for each file holds",
	"A file whose first two bytes are \"MZ\" is a PE image: it gets the Authenticode\n"
	"image hash (without the CheckSum, the certificate table entry and the\n"
	"certificate table; an unsigned image whose size is not a multiple of 8 is\n"
	"hashed with zero padding up to one) and must parse as PE.  Every other file\n"
	"gets the plain hash of its bytes.  --page-hashes adds, for PE images, the\n"
	"page-hash tables (4096-byte pages) with their record counts and the SHA-1\n"
	"and SHA-256 of each table.  Every file is reported; the exit status is 1 if\n"
	"any could not be hashed.\n",
	1, SIZE_MAX, hash_opts, cmd_hash,
};
