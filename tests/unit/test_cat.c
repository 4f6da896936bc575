/*
 * test_cat.c - src/cat and src/asn1: the catalog writer (cat_write) read back
 * by the strict reader (cat_read_buffer) for v1 and v2 catalogs with PE and
 * flat members, page-hash tables and catalog attributes; the exact member
 * tags and their order, checked in the DER bytes themselves as well as
 * through the reader (catalog-format.md §3.1, §4.2, §5.1); the DER walker's
 * rejections with the exact message for each malformed shape; and the reader
 * on every truncation and many byte flips of small valid catalogs.
 *
 * Digests here are made-up byte patterns chosen so that the sort order of
 * the tags differs from the order the files are given in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../../src/asn1/der.h"
#include "../../src/cat/cat.h"
#include "../../src/cat/write.h"

#define NAME "t.cat"
/* 2023-11-14T22:13:20Z */
#define T0 1700000000
#define T0_UTCTIME "231114221320Z"

/* ---- helpers ---- */

/* Position of needle in hay, or -1. */
static long find(const unsigned char *hay, size_t n, const void *needle, size_t m)
{
	if (m > n)
		return -1;
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return (long)i;
	return -1;
}

/* Number of occurrences of needle in hay. */
static size_t count(const unsigned char *hay, size_t n, const void *needle, size_t m)
{
	size_t c = 0;

	for (size_t i = 0; m <= n && i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			c++;
	return c;
}

/* d[i] = first, then a pattern, so every digest is distinct. */
static void fill(unsigned char *d, size_t n, unsigned char first, unsigned char seed)
{
	d[0] = first;
	for (size_t i = 1; i < n; i++)
		d[i] = (unsigned char)(seed + 13 * i);
}

/* The v1 tag (§3.1): upper-case hex of the SHA-1 in UTF-16LE plus a UTF-16 NUL. */
static void v1_tag(unsigned char out[82], const unsigned char sha1[20])
{
	char hex[41];

	for (size_t i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02X", sha1[i]);
	for (size_t i = 0; i < 40; i++) {
		out[2 * i] = (unsigned char)hex[i];
		out[2 * i + 1] = 0;
	}
	out[80] = out[81] = 0;
}

/* An OCTET STRING element (short form, n < 128) holding p. */
static size_t octets(unsigned char *out, const unsigned char *p, size_t n)
{
	out[0] = 0x04;
	out[1] = (unsigned char)n;
	memcpy(out + 2, p, n);
	return n + 2;
}

/* UTF-16BE bytes of an ASCII name: a BMPString body (§3.3). */
static size_t bmp(unsigned char *out, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = 0;
		out[2 * i + 1] = (unsigned char)s[i];
	}
	return 2 * n;
}

/* UTF-16LE of an ASCII value plus a NUL: a DATAASCII value (§3.3). */
static size_t utf16le_nul(unsigned char *out, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = (unsigned char)s[i];
		out[2 * i + 1] = 0;
	}
	out[2 * n] = out[2 * n + 1] = 0;
	return 2 * n + 2;
}

/*
 * OpenSSL allocations still live, counted through CRYPTO_set_mem_functions
 * (installed first thing in main), so a leak on any path - error paths
 * included - fails a test in every build, not only under LeakSanitizer.
 */
static long ossl_live;

static void *count_malloc(size_t n, const char *file, int line)
{
	void *p = malloc(n ? n : 1);

	(void)file;
	(void)line;
	if (p)
		ossl_live++;
	return p;
}

static void *count_realloc(void *old, size_t n, const char *file, int line)
{
	void *p;

	(void)file;
	(void)line;
	if (!old)
		return count_malloc(n, file, line);
	p = realloc(old, n ? n : 1);
	return p;
}

static void count_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (p)
		ossl_live--;
	free(p);
}

/* ---- the test package: four files, given out of tag order ---- */

enum { F_PE, F_INF, F_TIE1, F_TIE2, NFILES };

struct fixture {
	struct cat_file_entry files[NFILES];
	unsigned char pages1[2 * 24], pages256[2 * 36];
	struct cat_attr_in attrs[2];
	const char *hwids[2];
	struct cat_spec spec;
};

/*
 * F_PE    "Drv.SYS"   PE with page tables: sha1 F0.., sha256 A0..
 * F_INF   "drv.INF"   flat:                sha1 0A.., sha256 05..
 * F_TIE1  "tie1.dat"  flat:                sha1 50 50.., sha256 60..
 * F_TIE2  "tie2.dat"  flat:                sha1 70.., sha256 = F_TIE1's sha1 + 12 more bytes
 * so in v2 the 20-byte tag of tie1 is a prefix of the 32-byte tag of tie2.
 */
static void fixture_init(struct fixture *f, unsigned version)
{
	memset(f, 0, sizeof(*f));
	f->files[F_PE].file = "Drv.SYS";
	f->files[F_PE].kind = CAT_KIND_PE;
	fill(f->files[F_PE].sha1, 20, 0xF0, 1);
	fill(f->files[F_PE].sha256, 32, 0xA0, 2);
	memset(f->pages1, 0x11, sizeof(f->pages1));
	memset(f->pages256, 0x22, sizeof(f->pages256));
	f->files[F_PE].pages_sha1 = f->pages1;
	f->files[F_PE].pages_sha1_len = sizeof(f->pages1);
	f->files[F_PE].pages_sha256 = f->pages256;
	f->files[F_PE].pages_sha256_len = sizeof(f->pages256);

	f->files[F_INF].file = "drv.INF";
	f->files[F_INF].kind = CAT_KIND_FLAT;
	fill(f->files[F_INF].sha1, 20, 0x0A, 3);
	fill(f->files[F_INF].sha256, 32, 0x05, 4);

	f->files[F_TIE1].file = "tie1.dat";
	f->files[F_TIE1].kind = CAT_KIND_FLAT;
	memset(f->files[F_TIE1].sha1, 0x50, 20);
	fill(f->files[F_TIE1].sha256, 32, 0x60, 5);

	f->files[F_TIE2].file = "tie2.dat";
	f->files[F_TIE2].kind = CAT_KIND_FLAT;
	fill(f->files[F_TIE2].sha1, 20, 0x70, 6);
	memset(f->files[F_TIE2].sha256, 0x50, 20);
	fill(f->files[F_TIE2].sha256 + 20, 12, 0x99, 7);

	f->attrs[0].name = "Qualification Level";
	f->attrs[0].value = "1000";
	f->attrs[1].name = "DTC";
	f->attrs[1].value = "1";
	f->hwids[0] = "usb\\vid_1234&pid_0001";
	f->hwids[1] = "root\\drvcat";

	f->spec.version = version;
	f->spec.this_update = T0;
	f->spec.osattr = "2:6.1,2:10.0";
	f->spec.os = "7X64,_v100_X64";
	f->spec.hwids = f->hwids;
	f->spec.nhwids = 2;
	f->spec.attrs = f->attrs;
	f->spec.nattrs = 2;
	f->spec.files = f->files;
	f->spec.nfiles = NFILES;
}

static void write_ok(unsigned char **der, size_t *len, const struct cat_spec *spec)
{
	struct dc_error err = { 0, "" };
	int rc = cat_write(der, len, spec, &err);

	if (rc)
		fail_msg("cat_write: %d %s", rc, err.msg);
	assert_non_null(*der);
	assert_true(*len > 0);
}

static struct catalog *read_ok(const unsigned char *der, size_t len)
{
	struct dc_error err = { 0, "" };
	struct catalog *c = NULL;
	int rc = cat_read_buffer(&c, der, len, NAME, &err);

	if (rc)
		fail_msg("cat_read_buffer: %d %s", rc, err.msg);
	assert_non_null(c);
	return c;
}

/* The catalog attributes in stored order: user attributes, OS, HWIDn..HWID1 (§4.2). */
static void check_catalog_attrs(const struct catalog *c, const unsigned char *der, size_t len)
{
	static const char *const names[] = { "Qualification Level", "DTC", "OS", "HWID2", "HWID1" };
	static const char *const values[] = { "1000", "1", "7X64,_v100_X64", "root\\drvcat",
					      "usb\\vid_1234&pid_0001" };
	long last = -1;

	assert_int_equal(c->nattrs, 5);
	for (size_t i = 0; i < 5; i++) {
		unsigned char name[64], value[128];
		/* the whole BMPString element 1e <len> <UTF-16BE>: "OS" is also in "OSAttr" */
		size_t nl = bmp(name + 2, names[i]) + 2, vl = utf16le_nul(value, values[i]);
		long at;

		name[0] = 0x1e;
		name[1] = (unsigned char)(nl - 2);

		assert_string_equal(c->attrs[i].name, names[i]);
		assert_string_equal(c->attrs[i].value, values[i]);
		assert_int_equal(c->attrs[i].flags, 0x10010001u);
		/* the same order in the bytes: each name once, after the previous one */
		assert_int_equal(count(der, len, name, nl), 1);
		at = find(der, len, name, nl);
		assert_true(at > last);
		last = at;
		assert_true(find(der, len, value, vl) > at);
	}
	assert_string_equal(cat_attr(c, "hwid1"), "usb\\vid_1234&pid_0001");
	assert_string_equal(cat_attr(c, "os"), "7X64,_v100_X64");
	assert_null(cat_attr(c, "HWID3"));
}

/* Every member carries File (lower-cased) and OSAttr, flags 0x10010001 (§3.3, §3.6). */
static void check_member_names(const struct cat_member *m, const char *file)
{
	size_t seen = 0;

	assert_string_equal(m->file, file);
	assert_string_equal(m->osattr, "2:6.1,2:10.0");
	assert_int_equal(m->nattrs, 2);
	for (size_t k = 0; k < m->nattrs; k++) {
		assert_int_equal(m->attrs[k].flags, 0x10010001u);
		if (!strcmp(m->attrs[k].name, "File")) {
			seen |= 1;
			assert_string_equal(m->attrs[k].value, file);
		} else if (!strcmp(m->attrs[k].name, "OSAttr")) {
			seen |= 2;
			assert_string_equal(m->attrs[k].value, "2:6.1,2:10.0");
		}
	}
	assert_int_equal(seen, 3);
}

/* ---- round trips ---- */

static void test_cat__v1_round_trip_tags_order_and_attributes(void **state)
{
	/* v1 tags sort by their text: "0A.." (inf) < "50.." (tie1) < "70.." (tie2) < "F0.." (sys) */
	static const int order[] = { F_INF, F_TIE1, F_TIE2, F_PE };
	static const char *const files[] = { "drv.inf", "tie1.dat", "tie2.dat", "drv.sys" };
	struct fixture f;
	unsigned char *der = NULL, el[128], osattr[64], utc[15] = { 0x17, 0x0d };
	size_t len = 0;
	struct catalog *c;
	long prev = -1;

	(void)state;
	fixture_init(&f, 1);
	write_ok(&der, &len, &f.spec);
	c = read_ok(der, len);
	assert_int_equal(c->version, 1);
	assert_int_equal(c->this_update, T0);
	memcpy(utc + 2, T0_UTCTIME, 13);
	assert_true(find(der, len, utc, sizeof(utc)) > 0);
	/* list identifier: 16 bytes shaped like a version-4 GUID (§2 row 3) */
	assert_int_equal(c->list_id_len, 16);
	assert_int_equal(c->list_id[7] & 0xF0, 0x40);
	assert_int_equal(c->list_id[8] & 0xC0, 0x80);
	assert_int_equal(c->nsigners, 0);
	assert_int_equal(c->ncerts, 0);
	check_catalog_attrs(c, der, len);

	assert_int_equal(c->nmembers, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct cat_member *m = &c->members[i];
		const struct cat_file_entry *e = &f.files[order[i]];
		unsigned char tag[82];
		char text[41];
		long at;

		v1_tag(tag, e->sha1);
		for (size_t k = 0; k < 20; k++)
			snprintf(text + 2 * k, 3, "%02X", e->sha1[k]);
		/* the reader's view */
		assert_int_equal(m->tag_len, 82);
		assert_memory_equal(m->tag, tag, 82);
		assert_string_equal(m->tag_text, text);
		assert_int_equal(m->kind, order[i] == F_PE ? CAT_KIND_PE : CAT_KIND_FLAT);
		assert_int_equal(m->digest_alg, CAT_DIGEST_SHA1);
		assert_int_equal(m->digest_len, 20);
		assert_memory_equal(m->digest, e->sha1, 20);
		assert_int_equal(m->page_hashes, order[i] == F_PE);
		check_member_names(m, files[i]);
		/* the bytes: OCTET STRING 04 52 <tag>, once, after the previous member's */
		octets(el, tag, 82);
		assert_int_equal(count(der, len, el, 84), 1);
		at = find(der, len, el, 84);
		assert_true(at > prev);
		prev = at;
	}
	/* the member digests (SPC_INDIRECT_DATA): OCTET STRING 04 14 <sha1> */
	for (size_t i = 0; i < NFILES; i++) {
		octets(el, f.files[i].sha1, 20);
		assert_int_equal(count(der, len, el, 22), 1);
	}
	/* every member's OSAttr value: UTF-16LE + NUL, 4 times */
	{
		size_t n = utf16le_nul(osattr + 2, "2:6.1,2:10.0");

		osattr[0] = 0x04;
		osattr[1] = (unsigned char)n;
		assert_int_equal(count(der, len, osattr, n + 2), 4);
	}
	cat_free(c);
	free(der);
}

static void test_cat__v2_round_trip_raw_tags_interleave(void **state)
{
	/*
	 * Tags are the raw digests, 32-byte SHA-256 members and 20-byte SHA-1
	 * compatibility members sorted together by their bytes (§3.1, §5.1);
	 * tie1's 20-byte tag is a prefix of tie2's 32-byte tag and sorts first.
	 */
	static const struct {
		int file;
		bool sha256;
	} order[] = {
		{ F_INF, true },   /* 05.. */
		{ F_INF, false },  /* 0A.. */
		{ F_TIE1, false }, /* 50 50 .. (20 bytes) */
		{ F_TIE2, true },  /* 50 50 .. (32 bytes) */
		{ F_TIE1, true },  /* 60.. */
		{ F_TIE2, false }, /* 70.. */
		{ F_PE, true },    /* A0.. */
		{ F_PE, false },   /* F0.. */
	};
	static const char *const names[] = { "drv.sys", "drv.inf", "tie1.dat", "tie2.dat" };
	struct fixture f;
	unsigned char *der = NULL, el[64];
	size_t len = 0;
	struct catalog *c;
	long prev = -1;

	(void)state;
	fixture_init(&f, 2);
	write_ok(&der, &len, &f.spec);
	c = read_ok(der, len);
	assert_int_equal(c->version, 2);
	assert_int_equal(c->this_update, T0);
	check_catalog_attrs(c, der, len);
	assert_int_equal(c->nmembers, 8);
	for (size_t i = 0; i < 8; i++) {
		const struct cat_member *m = &c->members[i];
		const struct cat_file_entry *e = &f.files[order[i].file];
		const unsigned char *tag = order[i].sha256 ? e->sha256 : e->sha1;
		size_t tag_len = order[i].sha256 ? 32 : 20;
		char text[65];
		long at;

		for (size_t k = 0; k < tag_len; k++)
			snprintf(text + 2 * k, 3, "%02X", tag[k]);
		assert_int_equal(m->tag_len, tag_len);
		assert_memory_equal(m->tag, tag, tag_len);
		assert_string_equal(m->tag_text, text);
		/* kind: indirect data type, or CAT_MEMBERINFO2 [0]/[2] for compat entries */
		assert_int_equal(m->kind, order[i].file == F_PE ? CAT_KIND_PE : CAT_KIND_FLAT);
		if (order[i].sha256) {
			assert_int_equal(m->digest_alg, CAT_DIGEST_SHA256);
			assert_int_equal(m->digest_len, 32);
			assert_memory_equal(m->digest, e->sha256, 32);
		} else {
			assert_int_equal(m->digest_alg, CAT_DIGEST_NONE);
			assert_int_equal(m->digest_len, 0);
		}
		assert_int_equal(m->page_hashes, order[i].file == F_PE && order[i].sha256);
		check_member_names(m, names[order[i].file]);
		octets(el, tag, tag_len);
		at = find(der, len, el, tag_len + 2);
		assert_true(at > prev);
		prev = at;
	}
	/* CAT_MEMBERINFO2 values: 31 02 80 00 (PE) twice, 31 02 82 00 (flat) six times */
	assert_int_equal(count(der, len, "\x31\x02\x80\x00", 4), 2);
	assert_int_equal(count(der, len, "\x31\x02\x82\x00", 4), 6);
	/* no v1 member info in a v2 catalog: the PE SIP GUID text is absent */
	{
		unsigned char guid[128];
		size_t n = bmp(guid, "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}");

		assert_int_equal(count(der, len, guid, n), 0);
	}
	cat_free(c);
	free(der);
}

static void test_cat__v1_member_info_and_indirect_data_bytes(void **state)
{
	/* §3.4 CAT_MEMBERINFO { "{C689AAB8-..}" | "{DE351A42-..}", 512 }; §3.5 data shapes */
	static const unsigned char pe_pages_prefix[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
							 0x82, 0x37, 0x02, 0x01, 0x0f };
	static const unsigned char flat_data[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82,
						   0x37, 0x02, 0x01, 0x19, 0xa2, 0x02, 0x80, 0x00 };
	static const unsigned char pe_empty_link[] = { 0x30, 0x0a, 0x03, 0x02, 0x05, 0xa0,
						       0xa0, 0x04, 0xa2, 0x02, 0x80, 0x00 };
	static const unsigned char class_id[] = { 0xa6, 0xb5, 0x86, 0xd5, 0xb4, 0xa1, 0x24, 0x66,
						  0xae, 0x05, 0xa2, 0x17, 0xda, 0x8e, 0x60, 0xd6 };
	static const unsigned char pages_v1_oid[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
						      0x82, 0x37, 0x02, 0x03, 0x01 };
	static const unsigned char pages_v2_oid[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
						      0x82, 0x37, 0x02, 0x03, 0x02 };
	struct fixture f;
	unsigned char *der = NULL, guid[128], *der2 = NULL;
	size_t len = 0, n, len2 = 0;

	(void)state;
	fixture_init(&f, 1);
	write_ok(&der, &len, &f.spec);
	n = bmp(guid, "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}");
	assert_int_equal(count(der, len, guid, n), 1);
	n = bmp(guid, "{DE351A42-8E59-11D0-8C47-00C04FC295EE}");
	assert_int_equal(count(der, len, guid, n), 3);
	/* certVersion 512 = 02 02 02 00, once per member */
	assert_int_equal(count(der, len, "\x02\x02\x02\x00", 4), 4);
	/* flat members: SPC_CAB_DATA with the empty file link a2 02 80 00 */
	assert_int_equal(count(der, len, flat_data, sizeof(flat_data)), 3);
	/* the PE member has page hashes: SPC_PE_IMAGE_DATA with the moniker class id and
	 * the SHA-1 table OID, and no empty link */
	assert_int_equal(count(der, len, pe_pages_prefix, sizeof(pe_pages_prefix)), 1);
	assert_int_equal(count(der, len, class_id, sizeof(class_id)), 1);
	assert_int_equal(count(der, len, pages_v1_oid, sizeof(pages_v1_oid)), 1);
	assert_int_equal(count(der, len, pages_v2_oid, sizeof(pages_v2_oid)), 0);
	assert_int_equal(count(der, len, pe_empty_link, sizeof(pe_empty_link)), 0);
	assert_true(find(der, len, f.pages1, sizeof(f.pages1)) > 0);

	/* without page tables the PE member has the empty link (new-style PE data) */
	f.files[F_PE].pages_sha1 = f.files[F_PE].pages_sha256 = NULL;
	f.files[F_PE].pages_sha1_len = f.files[F_PE].pages_sha256_len = 0;
	write_ok(&der2, &len2, &f.spec);
	assert_int_equal(count(der2, len2, pe_empty_link, sizeof(pe_empty_link)), 1);
	assert_int_equal(count(der2, len2, class_id, sizeof(class_id)), 0);
	free(der2);
	der2 = NULL;

	/* v2: the SHA-256 table, under .2.3.2 */
	fixture_init(&f, 2);
	write_ok(&der2, &len2, &f.spec);
	assert_int_equal(count(der2, len2, pages_v2_oid, sizeof(pages_v2_oid)), 1);
	assert_int_equal(count(der2, len2, pages_v1_oid, sizeof(pages_v1_oid)), 0);
	assert_true(find(der2, len2, f.pages256, sizeof(f.pages256)) > 0);
	free(der2);
	free(der);
}

static void test_cat__reproducible_and_time_sensitive(void **state)
{
	struct fixture f;
	unsigned char *a = NULL, *b = NULL, *c = NULL;
	size_t al = 0, bl = 0, cl = 0;
	struct catalog *ca, *cc;

	(void)state;
	fixture_init(&f, 2);
	write_ok(&a, &al, &f.spec);
	write_ok(&b, &bl, &f.spec);
	assert_int_equal(al, bl);
	assert_memory_equal(a, b, al);
	f.spec.this_update = T0 + 1;
	write_ok(&c, &cl, &f.spec);
	assert_int_equal(al, cl);
	assert_memory_not_equal(a, c, al);
	ca = read_ok(a, al);
	cc = read_ok(c, cl);
	assert_int_equal(cc->this_update, T0 + 1);
	/* the list identifier is derived from the content, time included */
	assert_memory_not_equal(ca->list_id, cc->list_id, 16);
	cat_free(ca);
	cat_free(cc);
	free(a);
	free(b);
	free(c);
}

static void test_cat__empty_catalog_and_bad_version(void **state)
{
	struct cat_spec spec;
	struct dc_error err = { 0, "" };
	unsigned char *der = (unsigned char *)"x";
	size_t len = 99;
	struct catalog *c;

	(void)state;
	memset(&spec, 0, sizeof(spec));
	spec.version = 1;
	spec.this_update = T0;
	write_ok(&der, &len, &spec);
	c = read_ok(der, len);
	assert_int_equal(c->nmembers, 0);
	assert_int_equal(c->nattrs, 0);
	assert_int_equal(c->version, 1);
	cat_free(c);
	free(der);

	for (size_t i = 0; i < 3; i++) {
		static const unsigned bad_versions[] = { 0, 3, 256 };

		der = (unsigned char *)"x";
		len = 99;
		spec.version = bad_versions[i];
		assert_int_equal(cat_write(&der, &len, &spec, &err), DC_EUSAGE);
		assert_string_equal(err.msg, "catalog version must be 1 or 2");
		assert_null(der);
		assert_int_equal(len, 0);
	}
}

/* ---- the DER walker ---- */

struct der_case {
	const char *what;
	unsigned char in[24];
	size_t len;
	const char *msg; /* NULL: must succeed */
};

static const struct der_case der_cases[] = {
	{ "empty input", { 0 }, 0,
	  NAME ": offset 0x0: expected another DER element, found the end of its container" },
	{ "truncated header: tag only", { 0x30 }, 1,
	  NAME ": offset 0x0: DER element is truncated after its tag" },
	{ "truncated header: long length cut", { 0x30, 0x82, 0x01 }, 3,
	  NAME ": offset 0x0: DER length field is truncated" },
	{ "indefinite length", { 0x30, 0x80, 0x05, 0x00, 0x00, 0x00 }, 6,
	  NAME ": offset 0x0: indefinite length (BER) is not allowed in DER" },
	{ "long form for a length below 128", { 0x04, 0x81, 0x05, 1, 2, 3, 4, 5 }, 8,
	  NAME ": offset 0x0: DER length is not minimal (long form for a short length)" },
	{ "long form 0x81 0x7f", { 0x04, 0x81, 0x7f }, 3,
	  NAME ": offset 0x0: DER length is not minimal (long form for a short length)" },
	{ "length with a leading zero", { 0x04, 0x82, 0x00, 0x85 }, 4,
	  NAME ": offset 0x0: DER length is not minimal (leading zero)" },
	{ "length field of 5 bytes", { 0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00 }, 7,
	  NAME ": offset 0x0: DER length field is too long" },
	{ "length past the container", { 0x04, 0x05, 1, 2 }, 4,
	  NAME ": offset 0x0: DER element of length 5 runs past its container (2 bytes left)" },
	{ "long length past the container", { 0x04, 0x82, 0x01, 0x00, 1, 2, 3 }, 7,
	  NAME ": offset 0x0: DER element of length 256 runs past its container (3 bytes left)" },
	{ "multi-byte tag", { 0x1f, 0x81, 0x01, 0x00 }, 4,
	  NAME ": offset 0x0: multi-byte DER tags are not used in catalogs" },
	{ "0x81 0x80 is the smallest long form", { 0x04, 0x81, 0x80 }, 3,
	  NAME ": offset 0x0: DER element of length 128 runs past its container (0 bytes left)" },
	{ "valid empty OCTET STRING", { 0x04, 0x00 }, 2, NULL },
	{ "valid NULL then more", { 0x05, 0x00, 0x05, 0x00 }, 4, NULL },
};

static void test_cat__der_next_rejects_malformed_headers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(der_cases) / sizeof(der_cases[0]); i++) {
		const struct der_case *t = &der_cases[i];
		struct dc_error err = { 0, "" };
		struct der d;
		struct der_elem e;
		int rc;

		der_init(&d, t->in, t->len, NAME);
		rc = der_next(&d, &e, &err);
		if (!t->msg) {
			if (rc)
				fail_msg("%s: unexpected error %d \"%s\"", t->what, rc, err.msg);
			continue;
		}
		if (rc != DC_EFORMAT || strcmp(err.msg, t->msg))
			fail_msg("%s: got %d \"%s\"\n  want %d \"%s\"", t->what, rc, err.msg,
				 DC_EFORMAT, t->msg);
	}
}

static void test_cat__der_nesting_offsets_and_trailing_bytes(void **state)
{
	/* SEQUENCE { OCTET STRING (3 bytes) } + 2 trailing bytes; then a child too long */
	static const unsigned char ok[] = { 0x30, 0x05, 0x04, 0x03, 1, 2, 3, 0xaa, 0xbb };
	static const unsigned char bad_child[] = { 0x00, 0x00, 0x30, 0x04, 0x04, 0x05, 1, 2, 3 };
	struct dc_error err = { 0, "" };
	struct der top, in;
	struct der_elem seq, os;

	(void)state;
	der_init(&top, ok, sizeof(ok), NAME);
	assert_int_equal(der_next(&top, &seq, &err), 0);
	assert_int_equal(seq.id, 0x30);
	assert_int_equal(seq.offset, 0);
	assert_int_equal(seq.body_offset, 2);
	assert_int_equal(seq.len, 5);
	assert_int_equal(seq.raw_len, 7);
	der_enter(&top, &seq, &in);
	assert_int_equal(der_expect(&in, &os, DER_OCTET_STRING, "digest", &err), 0);
	assert_int_equal(os.offset, 2);
	assert_int_equal(os.body_offset, 4);
	assert_memory_equal(os.body, "\x01\x02\x03", 3);
	assert_true(der_at_end(&in));
	assert_int_equal(der_finish(&in, "SEQUENCE", &err), 0);
	assert_int_equal(der_peek(&in), 0);
	/* what is left after the SEQUENCE: trailing bytes, named at their absolute offset */
	assert_false(der_at_end(&top));
	assert_int_equal(der_peek(&top), 0xaa);
	assert_int_equal(der_finish(&top, "catalog file", &err), DC_EFORMAT);
	assert_string_equal(err.msg, NAME ": offset 0x7: catalog file has 2 unexpected trailing bytes");

	/* a child element longer than its parent, reported at the child's absolute offset */
	der_init(&top, bad_child, sizeof(bad_child), NAME);
	top.pos = 2;
	assert_int_equal(der_next(&top, &seq, &err), 0);
	der_enter(&top, &seq, &in);
	assert_int_equal(der_next(&in, &os, &err), DC_EFORMAT);
	assert_string_equal(err.msg, NAME ": offset 0x4: DER element of length 5 runs past its "
				     "container (2 bytes left)");

	/* der_expect: wrong tag, position unchanged so the caller can try another */
	der_init(&top, ok, sizeof(ok), NAME);
	assert_int_equal(der_expect(&top, &seq, DER_OID, "content type", &err), DC_EFORMAT);
	assert_string_equal(err.msg, NAME ": offset 0x0: content type: expected tag 0x06, found 0x30");
	assert_int_equal(top.pos, 0);
	/* der_expect on a malformed element names what it was reading */
	der_init(&top, (const unsigned char *)"\x30\x80", 2, NAME);
	assert_int_equal(der_expect(&top, &seq, DER_SEQUENCE, "PKCS#7 ContentInfo", &err), DC_EFORMAT);
	assert_string_equal(err.msg, "reading PKCS#7 ContentInfo: " NAME
				     ": offset 0x0: indefinite length (BER) is not allowed in DER");
}

struct oid_case {
	const char *what;
	unsigned char in[24];
	size_t len;
	const char *text; /* expected dotted text, or NULL */
	const char *msg;  /* expected error, or NULL */
};

static const struct oid_case oid_cases[] = {
	{ "szOID_CTL", { 0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0a, 0x01 }, 11,
	  "1.3.6.1.4.1.311.10.1", NULL },
	{ "sha256", { 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 }, 11,
	  "2.16.840.1.101.3.4.2.1", NULL },
	{ "first arc 2, large second arc", { 0x06, 0x02, 0x88, 0x37 }, 4, "2.999", NULL },
	{ "largest 64-bit arc", { 0x06, 0x0b, 0x2a, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				  0xff, 0xff, 0x7f }, 13, "1.2.18446744073709551615", NULL },
	{ "arc overflows 64 bits", { 0x06, 0x0c, 0x2a, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
				     0x80, 0x80, 0x80, 0x00 }, 14, NULL,
	  NAME ": offset 0x0: OBJECT IDENTIFIER arc overflows" },
	{ "arc overflows, long run", { 0x06, 0x0e, 0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, 16, NULL,
	  NAME ": offset 0x0: OBJECT IDENTIFIER arc overflows" },
	{ "arc with a leading 0x80", { 0x06, 0x03, 0x2a, 0x80, 0x01 }, 5, NULL,
	  NAME ": offset 0x0: OBJECT IDENTIFIER arc is not minimal" },
	{ "last byte continues", { 0x06, 0x02, 0x2a, 0x86 }, 4, NULL,
	  NAME ": offset 0x0: malformed OBJECT IDENTIFIER" },
	{ "empty OID", { 0x06, 0x00 }, 2, NULL, NAME ": offset 0x0: malformed OBJECT IDENTIFIER" },
};

static void test_cat__der_oid_text_and_arc_overflow(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(oid_cases) / sizeof(oid_cases[0]); i++) {
		const struct oid_case *t = &oid_cases[i];
		struct dc_error err = { 0, "" };
		char text[128] = "";
		struct der d;
		struct der_elem e;
		int rc;

		der_init(&d, t->in, t->len, NAME);
		if (der_next(&d, &e, &err))
			fail_msg("%s: der_next: %s", t->what, err.msg);
		rc = der_oid_text(&d, &e, text, sizeof(text), &err);
		if (t->text) {
			if (rc || strcmp(text, t->text))
				fail_msg("%s: got %d \"%s\" \"%s\", want \"%s\"", t->what, rc, text,
					 err.msg, t->text);
			assert_true(der_is_oid(&e, t->text));
		} else if (rc != DC_EFORMAT || strcmp(err.msg, t->msg)) {
			fail_msg("%s: got %d \"%s\"\n  want %d \"%s\"", t->what, rc, err.msg,
				 DC_EFORMAT, t->msg);
		}
	}
}

/* ---- the catalog reader on malformed catalogs ---- */

/* A small v1 catalog: one flat member with OSAttr, OS and one HWID. */
static void small_catalog(unsigned char **der, size_t *len, unsigned version, bool pe)
{
	static const char *const hwids[] = { "root\\x" };
	static const unsigned char table[2 * 36] = { 0 };
	struct cat_file_entry file;
	struct cat_spec spec;

	memset(&file, 0, sizeof(file));
	file.file = pe ? "x.sys" : "x.inf";
	file.kind = pe ? CAT_KIND_PE : CAT_KIND_FLAT;
	fill(file.sha1, 20, 0x12, 9);
	fill(file.sha256, 32, 0x34, 10);
	if (pe) {
		file.pages_sha1 = table;
		file.pages_sha1_len = 2 * 24;
		file.pages_sha256 = table;
		file.pages_sha256_len = 2 * 36;
	}
	memset(&spec, 0, sizeof(spec));
	spec.version = version;
	spec.this_update = T0;
	spec.osattr = "2:10.0";
	spec.os = "_v100_X64";
	spec.hwids = hwids;
	spec.nhwids = 1;
	spec.files = &file;
	spec.nfiles = 1;
	write_ok(der, len, &spec);
}

static void expect_read_error(const unsigned char *p, size_t n, const char *what, const char *want)
{
	struct dc_error err = { 0, "" };
	struct catalog *c = (struct catalog *)1;
	int rc = cat_read_buffer(&c, p, n, NAME, &err);

	if (rc != DC_EFORMAT || strcmp(err.msg, want))
		fail_msg("%s: got %d \"%s\"\n  want %d \"%s\"", what, rc, err.msg, DC_EFORMAT, want);
	assert_null(c);
}

static void test_cat__reader_rejects_malformed_catalogs(void **state)
{
	static const unsigned char oid_signed[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
						    0x0d, 0x01, 0x07, 0x02 };
	static const unsigned char oid_ctl[] = { 0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01,
						 0x82, 0x37, 0x0a, 0x01 };
	static const unsigned char oid_v1[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
						0x82, 0x37, 0x0c, 0x01, 0x02 };
	unsigned char *der = NULL, *buf, digest[22], sha1[20];
	size_t len = 0, hdr;
	char want[256];
	long at;

	(void)state;
	small_catalog(&der, &len, 1, false);
	/* the file starts 30 82 HH LL (length 256..65535) */
	assert_int_equal(der[0], 0x30);
	assert_int_equal(der[1], 0x82);
	hdr = 4;
	assert_int_equal((size_t)der[2] << 8 | der[3], len - hdr);
	buf = malloc(len + 8);
	assert_non_null(buf);

	/* trailing bytes after the ContentInfo */
	memcpy(buf, der, len);
	buf[len] = buf[len + 1] = 0;
	snprintf(want, sizeof(want), NAME ": offset 0x%zx: catalog file has 2 unexpected trailing bytes",
		 len);
	expect_read_error(buf, len + 2, "trailing bytes", want);

	/* indefinite length: 30 80 <contents> 00 00 */
	buf[0] = 0x30;
	buf[1] = 0x80;
	memcpy(buf + 2, der + hdr, len - hdr);
	buf[len - 2] = buf[len - 1] = 0;
	expect_read_error(buf, len, "indefinite length",
			  "reading PKCS#7 ContentInfo: " NAME
			  ": offset 0x0: indefinite length (BER) is not allowed in DER");

	/* non-minimal length: 30 83 00 HH LL <contents> */
	buf[0] = 0x30;
	buf[1] = 0x83;
	buf[2] = 0x00;
	memcpy(buf + 3, der + 2, len - 2);
	expect_read_error(buf, len + 1, "leading zero in the length",
			  "reading PKCS#7 ContentInfo: " NAME
			  ": offset 0x0: DER length is not minimal (leading zero)");

	/* length past the end of the file */
	memcpy(buf, der, len);
	buf[3] = (unsigned char)(buf[3] + 1);
	if (buf[3] == 0)
		buf[2]++;
	snprintf(want, sizeof(want),
		 "reading PKCS#7 ContentInfo: " NAME ": offset 0x0: DER element of length %zu "
		 "runs past its container (%zu bytes left)", len - hdr + 1, len - hdr);
	expect_read_error(buf, len, "length past the end", want);

	/* a member digest whose length runs past its SEQUENCE: 04 14 -> 04 15 */
	memcpy(buf, der, len);
	fill(sha1, 20, 0x12, 9);
	octets(digest, sha1, 20);
	at = find(buf, len, digest, sizeof(digest));
	assert_true(at > 0);
	buf[at + 1] = 0x15;
	snprintf(want, sizeof(want),
		 "reading digest: " NAME ": offset 0x%lx: DER element of length 21 runs past its "
		 "container (20 bytes left)", at);
	expect_read_error(buf, len, "digest past its container", want);

	/* content type data (1.2.840.113549.1.7.1) instead of signedData */
	memcpy(buf, der, len);
	at = find(buf, len, oid_signed, sizeof(oid_signed));
	assert_int_equal(at, 4);
	buf[(size_t)at + sizeof(oid_signed) - 1] = 0x01;
	snprintf(want, sizeof(want),
		 NAME ": offset 0x%lx: not a catalog: content type is not PKCS#7 signedData", at);
	expect_read_error(buf, len, "not signedData", want);

	/* signed content 1.3.6.1.4.1.311.10.2 instead of szOID_CTL */
	memcpy(buf, der, len);
	at = find(buf, len, oid_ctl, sizeof(oid_ctl));
	assert_true(at > 4);
	buf[(size_t)at + sizeof(oid_ctl) - 1] = 0x02;
	snprintf(want, sizeof(want),
		 NAME ": offset 0x%lx: not a catalog: signed content is not a certificate trust list",
		 at);
	expect_read_error(buf, len, "not a CTL", want);

	/* subject algorithm 1.3.6.1.4.1.311.12.1.4: neither v1 nor v2 */
	memcpy(buf, der, len);
	at = find(buf, len, oid_v1, sizeof(oid_v1));
	assert_true(at > 0);
	buf[(size_t)at + sizeof(oid_v1) - 1] = 0x04;
	snprintf(want, sizeof(want),
		 NAME ": offset 0x%lx: CTL subject algorithm is not a catalog member list (v1 or v2)",
		 at);
	expect_read_error(buf, len, "unknown subject algorithm", want);

	/* not DER at all: a PE file ("MZ", then 'Z' = 90 read as a length) */
	memset(buf, 0, len);
	buf[0] = 'M';
	buf[1] = 'Z';
	expect_read_error(buf, 128, "a PE file",
			  NAME ": offset 0x0: PKCS#7 ContentInfo: expected tag 0x30, found 0x4d");
	expect_read_error((const unsigned char *)"", 0, "an empty file",
			  "reading PKCS#7 ContentInfo: " NAME
			  ": offset 0x0: expected another DER element, found the end of its container");
	free(buf);
	free(der);
}

static void test_cat__every_truncation_fails_cleanly(void **state)
{
	(void)state;
	for (unsigned version = 1; version <= 2; version++) {
		for (int pe = 0; pe < 2; pe++) {
			unsigned char *der = NULL, *copy;
			size_t len = 0;

			small_catalog(&der, &len, version, pe);
			for (size_t n = 0; n < len; n++) {
				struct dc_error err = { 0, "" };
				struct catalog *c = (struct catalog *)1;
				int rc;

				/* an exact-size copy, so ASan sees any read past the prefix */
				copy = malloc(n ? n : 1);
				assert_non_null(copy);
				memcpy(copy, der, n);
				rc = cat_read_buffer(&c, copy, n, NAME, &err);
				if (rc != DC_EFORMAT || !strstr(err.msg, NAME ": offset 0x"))
					fail_msg("v%u %s prefix %zu/%zu: got %d \"%s\"", version,
						 pe ? "PE" : "flat", n, len, rc, err.msg);
				assert_null(c);
				free(copy);
			}
			/* the whole file reads */
			cat_free(read_ok(der, len));
			free(der);
		}
	}
}

static void test_cat__byte_flips_never_crash(void **state)
{
	unsigned char *der = NULL, *copy;
	size_t len = 0, ok = 0, bad = 0;

	(void)state;
	small_catalog(&der, &len, 2, true);
	copy = malloc(len);
	assert_non_null(copy);
	for (size_t off = 0; off < len; off++) {
		const unsigned char values[] = { 0x00, 0x80, 0xff, (unsigned char)(der[off] ^ 1) };

		for (size_t v = 0; v < sizeof(values); v++) {
			struct dc_error err = { 0, "" };
			struct catalog *c = NULL;

			memcpy(copy, der, len);
			copy[off] = values[v];
			if (cat_read_buffer(&c, copy, len, NAME, &err) == 0) {
				assert_non_null(c);
				cat_free(c);
				ok++;
			} else {
				assert_null(c);
				assert_true(strlen(err.msg) > 0);
				bad++;
			}
		}
	}
	/* both outcomes happen: flips in digests are still valid catalogs */
	assert_true(ok > 0);
	assert_true(bad > 0);
	free(copy);
	free(der);
}


/* No call leaves OpenSSL memory behind: success and error paths of writer and reader. */
static void test_cat__no_allocation_outlives_a_call(void **state)
{
	struct fixture f;
	unsigned char *der = NULL, *bad;
	size_t len = 0;
	long before;

	(void)state;
	fixture_init(&f, 2);
	/* warm-up: OpenSSL fetches and caches digest implementations once */
	write_ok(&der, &len, &f.spec);
	cat_free(read_ok(der, len));
	free(der);

	before = ossl_live;
	write_ok(&der, &len, &f.spec);
	assert_int_equal(ossl_live - before, 0);
	before = ossl_live;
	cat_free(read_ok(der, len));
	assert_int_equal(ossl_live - before, 0);

	/* a truncated copy: the reader fails part-way */
	bad = malloc(len);
	assert_non_null(bad);
	memcpy(bad, der, len);
	before = ossl_live;
	for (size_t n = len / 2; n < len; n += 97) {
		struct dc_error err = { 0, "" };
		struct catalog *c = NULL;

		assert_int_equal(cat_read_buffer(&c, bad, n, NAME, &err), DC_EFORMAT);
	}
	assert_int_equal(ossl_live - before, 0);
	free(bad);
	free(der);

	/* cat_write refusing a version (DC_EUSAGE) frees what it had built */
	before = ossl_live;
	{
		struct dc_error err = { 0, "" };

		f.spec.version = 3;
		assert_int_equal(cat_write(&der, &len, &f.spec, &err), DC_EUSAGE);
	}
	if (ossl_live != before)
		fail_msg("cat_write with version 3 leaves %ld OpenSSL allocation(s) behind",
			 ossl_live - before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cat__v1_round_trip_tags_order_and_attributes),
		cmocka_unit_test(test_cat__v2_round_trip_raw_tags_interleave),
		cmocka_unit_test(test_cat__v1_member_info_and_indirect_data_bytes),
		cmocka_unit_test(test_cat__reproducible_and_time_sensitive),
		cmocka_unit_test(test_cat__empty_catalog_and_bad_version),
		cmocka_unit_test(test_cat__der_next_rejects_malformed_headers),
		cmocka_unit_test(test_cat__der_nesting_offsets_and_trailing_bytes),
		cmocka_unit_test(test_cat__der_oid_text_and_arc_overflow),
		cmocka_unit_test(test_cat__reader_rejects_malformed_catalogs),
		cmocka_unit_test(test_cat__every_truncation_fails_cleanly),
		cmocka_unit_test(test_cat__byte_flips_never_crash),
		cmocka_unit_test(test_cat__no_allocation_outlives_a_call),
	};

	/* before OpenSSL allocates anything, or it refuses */
	if (!CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free)) {
		fprintf(stderr, "CRYPTO_set_mem_functions failed: OpenSSL allocated before main\n");
		return 2;
	}

	return cmocka_run_group_tests_name("cat", tests, NULL, NULL);
}
