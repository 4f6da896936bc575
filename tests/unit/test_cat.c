/*
 * test_cat.c - src/cat and src/asn1: the catalog writer (cat_write) read back
 * by the strict reader (cat_read_buffer) for v1 and v2 catalogs with PE and
 * flat members, page-hash tables and catalog attributes; the exact member
 * tags and their order, checked in the DER bytes themselves as well as
 * through the reader (catalog-format.md §3.1, §4.2, §5.1); the writer's
 * bytes pinned to what the OpenSSL-template writer made, its DER helpers
 * (der_write.h: length octets at every boundary, SET OF order against
 * OpenSSL's i2d, no write past the buffer) and its time forms; the DER
 * walker's rejections with the exact message for each malformed shape; and
 * the reader on every truncation and many byte flips of small valid catalogs.
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

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "../../src/asn1/der.h"
#include "../../src/asn1/der_write.h"
#include "../../src/cat/cat.h"
#include "../../src/cat/layout.h"
#include "../../src/cat/oids.h"
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

/* ---- the DER writer (der_write.h) and what cat_write makes with it ---- */

/*
 * The fixture's catalogs, byte for byte: the SHA-256 of what the OpenSSL
 * ASN.1-template writer produced before cat_write wrote DER directly.
 */
static void test_cat__fixture_bytes_match_the_template_writer(void **state)
{
	static const struct {
		unsigned version;
		size_t len;
		const char *sha256;
	} golden[] = {
		{ 1, 2073, "ce72f3bfad6b5bd1ce36112c82eba9c4138bdec5ccc14096ea25dc9367cd85ec" },
		{ 2, 2291, "70eb631de3b9303a364ddf6c24aaef8517073db313e27e863e0d0254de3b6ae1" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		struct fixture f;
		unsigned char *der = NULL, md[32];
		char hex[65];
		size_t len = 0;

		fixture_init(&f, golden[i].version);
		write_ok(&der, &len, &f.spec);
		assert_int_equal(len, golden[i].len);
		assert_int_equal(EVP_Digest(der, len, md, NULL, EVP_sha256(), NULL), 1);
		for (size_t k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", md[k]);
		assert_string_equal(hex, golden[i].sha256);
		free(der);
	}
}

struct der_len_case {
	size_t len;
	unsigned char header[6]; /* of an OCTET STRING with len contents octets */
	size_t header_len;
};

/* Around every boundary of the length octets (X.690 8.1.3.4-5). */
static const struct der_len_case der_len_cases[] = {
	{ 0, { 0x04, 0x00 }, 2 },
	{ 1, { 0x04, 0x01 }, 2 },
	{ 127, { 0x04, 0x7f }, 2 },
	{ 128, { 0x04, 0x81, 0x80 }, 3 },
	{ 255, { 0x04, 0x81, 0xff }, 3 },
	{ 256, { 0x04, 0x82, 0x01, 0x00 }, 4 },
	{ 65535, { 0x04, 0x82, 0xff, 0xff }, 4 },
	{ 65536, { 0x04, 0x83, 0x01, 0x00, 0x00 }, 5 },
	{ 16777215, { 0x04, 0x83, 0xff, 0xff, 0xff }, 5 },
	{ 16777216, { 0x04, 0x84, 0x01, 0x00, 0x00, 0x00 }, 6 },
};

static void test_cat__der_write_lengths_at_the_long_form_boundaries(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(der_len_cases) / sizeof(der_len_cases[0]); i++) {
		const struct der_len_case *t = &der_len_cases[i];
		unsigned char hdr[8], ossl[8], *p = ossl;
		struct der_writer w;

		/* sizes, and the same header and size OpenSSL gives */
		assert_int_equal(der_header_size(t->len), t->header_len);
		assert_int_equal(der_tlv_size(t->len), t->header_len + t->len);
		assert_int_equal(ASN1_object_size(0, (int)t->len, V_ASN1_OCTET_STRING),
				 (int)(t->header_len + t->len));
		der_writer_init(&w, hdr, t->header_len);
		der_put_header(&w, DER_OCTET_STRING, t->len);
		assert_true(der_writer_full(&w));
		assert_memory_equal(hdr, t->header, t->header_len);
		ASN1_put_object(&p, 0, (int)t->len, V_ASN1_OCTET_STRING, V_ASN1_UNIVERSAL);
		assert_int_equal(p - ossl, t->header_len);
		assert_memory_equal(ossl, t->header, t->header_len);

		/* a whole element, read back by the strict reader (which refuses non-minimal lengths) */
		if (t->len <= 65536) {
			size_t total = t->header_len + t->len;
			unsigned char *buf = malloc(total), *body = calloc(1, t->len + 1);
			struct dc_error err = { 0, "" };
			struct der d;
			struct der_elem e;

			assert_non_null(buf);
			assert_non_null(body);
			memset(body, 0x5a, t->len);
			der_writer_init(&w, buf, total);
			der_put_tlv(&w, DER_OCTET_STRING, body, t->len);
			assert_true(der_writer_full(&w));
			der_init(&d, buf, total, NAME);
			assert_int_equal(der_next(&d, &e, &err), 0);
			assert_int_equal(e.len, t->len);
			assert_int_equal(e.raw_len, total);
			assert_true(der_at_end(&d));
			free(buf);
			free(body);
		}
	}
	assert_int_equal(der_header_size(SIZE_MAX), 2 + sizeof(size_t));
}

static void test_cat__der_write_never_writes_past_its_buffer(void **state)
{
	unsigned char buf[6] = { 0 }, *p;
	struct der_writer w;

	(void)state;
	/* exactly full */
	der_writer_init(&w, buf, 4);
	der_put_tlv(&w, DER_OCTET_STRING, "ab", 2);
	assert_true(der_writer_full(&w));
	assert_memory_equal(buf, "\x04\x02" "ab", 4);
	/* a put that does not fit writes nothing, and the writer stays failed */
	der_writer_init(&w, buf, 4);
	memset(buf, 0xee, sizeof(buf));
	der_put_header(&w, DER_SEQUENCE, 3);
	der_put(&w, "xyz", 3);
	assert_int_equal(w.len, 2);
	assert_true(w.overflow);
	assert_int_equal(buf[2], 0xee);
	assert_null(der_reserve(&w, 1));
	der_put(&w, "x", 1);
	assert_int_equal(w.len, 2);
	assert_false(der_writer_full(&w));
	/* a header whose length octets do not fit is not half-written */
	der_writer_init(&w, buf, 2);
	der_put_header(&w, DER_OCTET_STRING, 300);
	assert_int_equal(w.len, 0);
	assert_false(der_writer_full(&w));
	/* short of the end: not full either */
	der_writer_init(&w, buf, 6);
	assert_non_null(p = der_reserve(&w, 5));
	assert_ptr_equal(p, buf);
	assert_false(der_writer_full(&w));
	/* size arithmetic saturates instead of wrapping */
	assert_int_equal(der_size_add(2, 3), 5);
	assert_int_equal(der_size_add(SIZE_MAX - 1, 2), SIZE_MAX);
	assert_int_equal(der_tlv_size(SIZE_MAX - 5), SIZE_MAX);
	assert_int_equal(der_tlv_size(SIZE_MAX), SIZE_MAX);
}

/* The SET OF encoding of els (in this order) by OpenSSL's i2d; *out is OPENSSL_malloc'd. */
static int openssl_set_of(unsigned char **out, const struct der_span *els, size_t n)
{
	STACK_OF(ASN1_TYPE) *sk = sk_ASN1_TYPE_new_null();
	int len = -1;

	assert_non_null(sk);
	for (size_t i = 0; i < n; i++) {
		ASN1_TYPE *t = ASN1_TYPE_new();
		ASN1_STRING *s = ASN1_STRING_new();

		/* SEQUENCE, SET and OTHER carry their whole encoding verbatim through i2d */
		assert_non_null(t);
		assert_non_null(s);
		assert_int_equal(ASN1_STRING_set(s, els[i].p, (int)els[i].len), 1);
		ASN1_TYPE_set(t, els[i].p[0] == 0x30 ? V_ASN1_SEQUENCE :
				 els[i].p[0] == 0x31 ? V_ASN1_SET : V_ASN1_OTHER, s);
		assert_true(sk_ASN1_TYPE_push(sk, t) > 0);
	}
	*out = NULL;
	len = i2d_ASN1_SET_ANY(sk, out);
	sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
	return len;
}

/* der_put_set of els (n <= 8) into a fresh buffer; returns its length. */
static size_t our_set_of(unsigned char **out, const struct der_span *els, size_t n)
{
	struct der_span copy[8];
	size_t total = der_tlv_size(der_set_content_size(els, n));
	struct der_writer w;

	assert_true(n <= 8);
	memcpy(copy, els, n * sizeof(*els));
	*out = malloc(total);
	assert_non_null(*out);
	der_writer_init(&w, *out, total);
	der_put_set(&w, copy, n);
	assert_true(der_writer_full(&w));
	return total;
}

static void test_cat__der_set_of_order_is_openssls(void **state)
{
	/*
	 * Encodings compared as octet strings: the length octets decide first
	 * (30 05 < 30 07 < 30 7f < 30 81 80 < 30 82 01 00), then the contents;
	 * equal elements both stay.
	 */
	static const unsigned char a[] = { 0x30, 0x07, 0x06, 0x01, 0x2a, 0x31, 0x02, 0x05, 0x00 };
	static const unsigned char b[] = { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x06, 0x01 };
	static const unsigned char c[] = { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x06, 0x02 };
	static const unsigned char d[] = { 0x04, 0x00 };
	unsigned char big1[2 + 127], big2[3 + 128], big3[4 + 256];
	struct der_span els[] = {
		{ big3, sizeof(big3) }, { a, sizeof(a) }, { c, sizeof(c) }, { big2, sizeof(big2) },
		{ d, sizeof(d) }, { b, sizeof(b) }, { big1, sizeof(big1) }, { c, sizeof(c) },
	};
	const struct der_span want[] = {
		{ d, sizeof(d) }, { b, sizeof(b) }, { c, sizeof(c) }, { c, sizeof(c) },
		{ a, sizeof(a) }, { big1, sizeof(big1) }, { big2, sizeof(big2) }, { big3, sizeof(big3) },
	};
	unsigned char *ours, *theirs;
	size_t n, at = 4; /* after 31 82 LL LL */
	int m;

	(void)state;
	memset(big1, 0, sizeof(big1));
	memcpy(big1, "\x30\x7f", 2);
	memset(big2, 0, sizeof(big2));
	memcpy(big2, "\x30\x81\x80", 3);
	memset(big3, 0, sizeof(big3));
	memcpy(big3, "\x30\x82\x01\x00", 4);
	n = our_set_of(&ours, els, 8);
	for (size_t i = 0; i < 8; i++) {
		assert_memory_equal(ours + at, want[i].p, want[i].len);
		at += want[i].len;
	}
	assert_int_equal(at, n);
	m = openssl_set_of(&theirs, els, 8);
	assert_int_equal(m, n);
	assert_memory_equal(ours, theirs, n);
	free(ours);
	OPENSSL_free(theirs);
	/* a prefix sorts first (OpenSSL; X.690's zero padding only ties for non-DER input) */
	{
		struct der_span x = { (const unsigned char *)"\x04\x01\x00", 3 };
		struct der_span y = { (const unsigned char *)"\x04\x01", 2 };

		assert_true(der_set_cmp(&y, &x) < 0);
		assert_true(der_set_cmp(&x, &y) > 0);
		assert_int_equal(der_set_cmp(&x, &x), 0);
	}

	/* random sets of random elements: always OpenSSL's bytes */
	{
		static const unsigned char tags[] = { 0x30, 0x31, 0x04, 0x80, 0xa0 };
		static const size_t lens[] = { 0, 1, 2, 3, 126, 127, 128, 129, 255, 256, 257 };
		unsigned char pool[8][4 + 257];
		uint32_t r = 12345;

		for (int round = 0; round < 500; round++) {
			struct der_span set[8];
			size_t k = (size_t)(round % 9 == 8 ? 0 : round % 9);

			for (size_t i = 0; i < k; i++) {
				struct der_writer w;
				size_t len;
				unsigned char tag;

				r = r * 1103515245u + 12345u;
				len = lens[(r >> 8) % (sizeof(lens) / sizeof(lens[0]))];
				tag = tags[(r >> 16) % sizeof(tags)];
				der_writer_init(&w, pool[i], der_tlv_size(len));
				der_put_header(&w, tag, len);
				for (size_t j = 0; j < len; j++) {
					r = r * 1103515245u + 12345u;
					/* a two-letter alphabet, so long common prefixes are common */
					pool[i][w.len + j] = (unsigned char)((r >> 20) & 1);
				}
				set[i].p = pool[i];
				set[i].len = der_tlv_size(len);
			}
			n = our_set_of(&ours, set, k);
			m = openssl_set_of(&theirs, set, k);
			assert_int_equal(m, n);
			assert_memory_equal(ours, theirs, n);
			free(ours);
			OPENSSL_free(theirs);
		}
	}
}

/*
 * Every member's subjectAttributes SET of a catalog in SET OF order, checked
 * in the bytes with the strict reader; returns the number of members.
 */
static size_t check_member_sets_sorted(const unsigned char *der, size_t len)
{
	struct dc_error err = { 0, "" };
	struct der top, ci, sd, inner, ctl, subjects;
	struct der_elem e;
	size_t n = 0;

	der_init(&top, der, len, NAME);
	assert_int_equal(der_next(&top, &e, &err), 0);          /* ContentInfo */
	der_enter(&top, &e, &ci);
	assert_int_equal(der_next(&ci, &e, &err), 0);           /* OID */
	assert_int_equal(der_next(&ci, &e, &err), 0);           /* [0] */
	der_enter(&ci, &e, &sd);
	assert_int_equal(der_next(&sd, &e, &err), 0);           /* SignedData */
	der_enter(&sd, &e, &inner);
	for (int i = 0; i < 3; i++)                             /* version, digestAlgs, contentInfo */
		assert_int_equal(der_next(&inner, &e, &err), 0);
	der_enter(&inner, &e, &ci);
	assert_int_equal(der_next(&ci, &e, &err), 0);           /* OID */
	assert_int_equal(der_next(&ci, &e, &err), 0);           /* [0] */
	der_enter(&ci, &e, &sd);
	assert_int_equal(der_next(&sd, &e, &err), 0);           /* CTL */
	der_enter(&sd, &e, &ctl);
	for (int i = 0; i < 5; i++)      /* usage, list id, time, algorithm, subjects */
		assert_int_equal(der_next(&ctl, &e, &err), 0);
	der_enter(&ctl, &e, &subjects);
	while (!der_at_end(&subjects)) {
		struct der ts, attrs;
		struct der_span prev = { NULL, 0 };

		assert_int_equal(der_expect(&subjects, &e, DER_SEQUENCE, "member", &err), 0);
		der_enter(&subjects, &e, &ts);
		assert_int_equal(der_expect(&ts, &e, DER_OCTET_STRING, "tag", &err), 0);
		assert_int_equal(der_expect(&ts, &e, DER_SET, "attributes", &err), 0);
		der_enter(&ts, &e, &attrs);
		while (!der_at_end(&attrs)) {
			struct der_span cur;

			assert_int_equal(der_next(&attrs, &e, &err), 0);
			cur.p = e.raw;
			cur.len = e.raw_len;
			if (prev.p)
				assert_true(der_set_cmp(&prev, &cur) <= 0);
			prev = cur;
		}
		n++;
	}
	return n;
}

static void test_cat__catalog_lengths_cross_every_boundary_and_sets_stay_sorted(void **state)
{
	/*
	 * A catalog attribute whose value (UTF-16LE + NUL: 2 * chars + 2 bytes)
	 * is 126, 128, 254, 256, 65534 and 65536 bytes long, and members whose
	 * File and OSAttr attributes straddle 127/128 and 255/256 bytes (which
	 * changes their order in the attribute SET): read back by the strict
	 * reader, every value intact, every member's SET sorted.
	 */
	static const size_t value_chars[] = { 62, 63, 126, 127, 32766, 32767 };
	static const size_t name_chars[] = { 1, 20, 40, 41, 42, 43, 44, 100, 101, 102, 103, 104 };
	struct fixture f;
	char *values[6], *names[12], *osattr;
	struct cat_attr_in attrs[6];
	struct cat_file_entry files[12];

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		values[i] = malloc(value_chars[i] + 1);
		assert_non_null(values[i]);
		memset(values[i], 'a' + (int)i, value_chars[i]);
		values[i][value_chars[i]] = '\0';
		attrs[i].name = "Len";
		attrs[i].value = values[i];
	}
	osattr = malloc(43);
	assert_non_null(osattr);
	memset(osattr, '1', 42);
	osattr[42] = '\0';
	for (unsigned version = 1; version <= 2; version++) {
		unsigned char *der = NULL, hdr[4];
		size_t len = 0;
		struct catalog *c;

		fixture_init(&f, version);
		for (size_t i = 0; i < 12; i++) {
			names[i] = malloc(name_chars[i] + 1);
			assert_non_null(names[i]);
			memset(names[i], 'A' + (int)i, name_chars[i]);
			names[i][name_chars[i]] = '\0';
			memset(&files[i], 0, sizeof(files[i]));
			files[i].file = names[i];
			files[i].kind = i % 2 ? CAT_KIND_PE : CAT_KIND_FLAT;
			fill(files[i].sha1, 20, (unsigned char)(i * 19), (unsigned char)i);
			fill(files[i].sha256, 32, (unsigned char)(i * 23), (unsigned char)i);
		}
		f.spec.files = files;
		f.spec.nfiles = 12;
		f.spec.attrs = attrs;
		f.spec.nattrs = 6;
		f.spec.osattr = osattr;
		write_ok(&der, &len, &f.spec);
		c = read_ok(der, len);
		assert_int_equal(c->nattrs, 6 + 3);
		for (size_t i = 0; i < 6; i++)
			assert_string_equal(c->attrs[i].value, values[i]);
		assert_int_equal(c->nmembers, 12 * version);
		for (size_t i = 0; i < c->nmembers; i++)
			assert_string_equal(c->members[i].osattr, osattr);
		assert_int_equal(check_member_sets_sorted(der, len), 12 * version);
		/* the long forms in the bytes: 04 81 80, 04 82 01 00, 04 83 01 00 00 */
		assert_true(find(der, len, "\x04\x81\x80", 3) > 0);
		memcpy(hdr, "\x04\x82\x01\x00", 4);
		assert_true(find(der, len, hdr, 4) > 0);
		assert_true(find(der, len, "\x04\x83\x01\x00\x00", 5) > 0);
		cat_free(c);
		free(der);
		for (size_t i = 0; i < 12; i++)
			free(names[i]);
	}
	for (size_t i = 0; i < 6; i++)
		free(values[i]);
	free(osattr);
}

static void test_cat__time_is_utctime_until_2049_then_generalized(void **state)
{
	static const struct {
		int64_t t;
		const char *der; /* tag, length, text */
	} cases[] = {
		{ 315532800, "\x17\x0d" "800101000000Z" },         /* 1980 */
		{ 2524607999LL, "\x17\x0d" "491231235959Z" },      /* last UTCTime second */
		{ 2524608000LL, "\x18\x0f" "20500101000000Z" },    /* RFC 5280 4.1.2.5 */
		{ 253402300799LL, "\x18\x0f" "99991231235959Z" },  /* last GeneralizedTime second */
		{ -631152001LL, "\x18\x0f" "19491231235959Z" },
		{ -62167219200LL, "\x18\x0f" "00000101000000Z" },
	};
	struct fixture f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char *der = NULL;
		size_t len = 0, n = strlen(cases[i].der + 2) + 2;
		struct catalog *c;

		fixture_init(&f, 1 + (unsigned)(i % 2));
		f.spec.this_update = cases[i].t;
		write_ok(&der, &len, &f.spec);
		assert_int_equal(count(der, len, cases[i].der, n), 1);
		c = read_ok(der, len);
		assert_int_equal(c->this_update, cases[i].t);
		cat_free(c);
		free(der);
	}
	/* no four-digit year: refused rather than written as a malformed time */
	for (size_t i = 0; i < 2; i++) {
		static const int64_t bad[] = { 253402300800LL, -62167219201LL };
		struct dc_error err = { 0, "" };
		unsigned char *der = (unsigned char *)"x";
		size_t len = 99;
		char want[96];

		fixture_init(&f, 2);
		f.spec.this_update = bad[i];
		assert_int_equal(cat_write(&der, &len, &f.spec, &err), DC_EUSAGE);
		snprintf(want, sizeof(want), "catalog time %lld is outside the years 0000-9999",
			 (long long)bad[i]);
		assert_string_equal(err.msg, want);
		assert_null(der);
		assert_int_equal(len, 0);
	}
}

/*
 * Sizes are checked before anything is written: a page table over
 * CAT_MAX_FILE, or a catalog that would be larger than the reader accepts,
 * fails with DC_ENOMEM without the tables ever being read (their lengths
 * here are far beyond the buffer they point to).
 */
static void test_cat__oversized_catalogs_fail_before_writing(void **state)
{
	static const unsigned char table[4];
	struct fixture f;
	struct dc_error err = { 0, "" };
	unsigned char *der = (unsigned char *)"x";
	size_t len = 99;

	(void)state;
	fixture_init(&f, 1);
	f.files[F_PE].pages_sha1 = table;
	f.files[F_PE].pages_sha1_len = (size_t)CAT_MAX_FILE + 1;
	assert_int_equal(cat_write(&der, &len, &f.spec, &err), DC_ENOMEM);
	assert_string_equal(err.msg, "member drv.sys: page-hash table over 268435456 bytes");
	assert_null(der);
	assert_int_equal(len, 0);

	/* two tables of 150 MiB each: every piece fits, the whole does not */
	fixture_init(&f, 1);
	f.files[F_PE].pages_sha1 = table;
	f.files[F_PE].pages_sha1_len = 150u << 20;
	f.files[F_TIE1].kind = CAT_KIND_PE;
	f.files[F_TIE1].pages_sha1 = table;
	f.files[F_TIE1].pages_sha1_len = 150u << 20;
	der = (unsigned char *)"x";
	assert_int_equal(cat_write(&der, &len, &f.spec, &err), DC_ENOMEM);
	assert_string_equal(err.msg, "the catalog would be over 268435456 bytes, the most drvcat "
				     "reads back");
	assert_null(der);
	assert_int_equal(len, 0);
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

/*
 * ---- reader: OIDs compared as DER bytes, malformed OIDs named, cat_read_layout ----
 * (this block is the reader's; writer tests live above)
 */

/* Every OID_DER_* byte list of oids.h is the encoding of its dotted OID_* text. */
static void test_cat__oid_der_constants_match_their_text(void **state)
{
#define OID_ROW(x) { #x, OID_##x, { OID_DER_##x }, sizeof((const unsigned char[]){ OID_DER_##x }) }
	static const struct {
		const char *what, *text;
		unsigned char der[16];
		size_t len;
	} rows[] = {
		OID_ROW(PKCS7_SIGNED), OID_ROW(CTL), OID_ROW(CATALOG_LIST),
		OID_ROW(CATALOG_LIST_MEMBER), OID_ROW(CATALOG_LIST_MEMBER2), OID_ROW(CAT_NAMEVALUE),
		OID_ROW(CAT_MEMBERINFO), OID_ROW(CAT_MEMBERINFO2), OID_ROW(SPC_INDIRECT_DATA),
		OID_ROW(SPC_PE_IMAGE_DATA), OID_ROW(SPC_CAB_DATA), OID_ROW(SPC_LINK),
		OID_ROW(PAGE_HASHES_V1), OID_ROW(PAGE_HASHES_V2), OID_ROW(SHA1), OID_ROW(SHA256),
		OID_ROW(SHA384), OID_ROW(SHA512), OID_ROW(MD5), OID_ROW(RFC3161_TIMESTAMP),
		OID_ROW(COUNTERSIGNATURE),
	};
#undef OID_ROW

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned char enc[64], elem[66];
		size_t n = 0;
		struct der d;
		struct der_elem e;
		struct dc_error err = { 0, "" };
		char text[128];

		if (der_oid_from_text(enc, sizeof(enc), &n, rows[i].text) != 0)
			fail_msg("OID_%s: der_oid_from_text(\"%s\") failed", rows[i].what, rows[i].text);
		if (n != rows[i].len || memcmp(enc, rows[i].der, n))
			fail_msg("OID_DER_%s is not the encoding of %s", rows[i].what, rows[i].text);
		/* and back: the element reads, compares equal, passes the check, prints the text */
		elem[0] = DER_OID;
		elem[1] = (unsigned char)n;
		memcpy(elem + 2, enc, n);
		der_init(&d, elem, n + 2, NAME);
		assert_int_equal(der_next(&d, &e, &err), 0);
		assert_true(der_oid_eq(&e, rows[i].der, rows[i].len));
		assert_true(der_is_oid(&e, rows[i].text));
		assert_int_equal(der_oid_check(&d, &e, rows[i].what, &err), 0);
		assert_int_equal(der_oid_text(&d, &e, text, sizeof(text), &err), 0);
		assert_string_equal(text, rows[i].text);
	}
}

struct oid_text_case {
	const char *text;
	int rc;
	unsigned char der[16];
	size_t len;
};

static void test_cat__der_oid_from_text(void **state)
{
	static const struct oid_text_case cases[] = {
		{ "1.3.14.3.2.26", 0, { 0x2b, 0x0e, 0x03, 0x02, 0x1a }, 5 },
		{ "2.999", 0, { 0x88, 0x37 }, 2 },
		{ "0.0", 0, { 0x00 }, 1 },
		{ "1.39", 0, { 0x4f }, 1 },
		{ "2.18446744073709551535", 0, { 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f }, 10 },
		{ "1.2.18446744073709551615", 0, { 0x2a, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f }, 11 },
		{ "1.2.18446744073709551616", -1, { 0 }, 0 }, /* arc above 2^64-1 */
		{ "2.18446744073709551536", -1, { 0 }, 0 },   /* 80 + arc overflows */
		{ "1.40", -1, { 0 }, 0 },                     /* second arc > 39 under 1 */
		{ "3.1", -1, { 0 }, 0 },                      /* first arc > 2 */
		{ "1", -1, { 0 }, 0 },
		{ "", -1, { 0 }, 0 },
		{ "1..2", -1, { 0 }, 0 },
		{ "1.2.", -1, { 0 }, 0 },
		{ ".1.2", -1, { 0 }, 0 },
		{ "1.2.x", -1, { 0 }, 0 },
		{ "1.2 ", -1, { 0 }, 0 },
		{ "-1.2", -1, { 0 }, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char out[16];
		size_t n = 99;
		int rc = der_oid_from_text(out, sizeof(out), &n, cases[i].text);

		if (rc != cases[i].rc)
			fail_msg("\"%s\": got %d, want %d", cases[i].text, rc, cases[i].rc);
		if (!rc && (n != cases[i].len || memcmp(out, cases[i].der, n)))
			fail_msg("\"%s\": wrong encoding (%zu bytes)", cases[i].text, n);
	}
	/* an output buffer too small is an error, never an overrun */
	{
		unsigned char out[5];
		size_t n;

		assert_int_equal(der_oid_from_text(out, 4, &n, "1.3.14.3.2.26"), -1);
		assert_int_equal(der_oid_from_text(out, sizeof(out), &n, "1.3.14.3.2.26"), 0);
		assert_int_equal(n, 5);
	}
}

struct oid_eq_case {
	const char *what;
	unsigned char in[24];
	size_t len;
	bool is_sha1;     /* der_oid_eq with sha1's content octets */
	const char *msg;  /* der_oid_check's message, NULL when well-formed */
};

static void test_cat__oid_bytes_compare_and_check(void **state)
{
	static const unsigned char sha1[] = { OID_DER_SHA1 };
	static const struct oid_eq_case cases[] = {
		{ "sha1", { 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a }, 7, true, NULL },
		{ "sha1 with one more arc", { 0x06, 0x06, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x01 }, 8, false, NULL },
		{ "a prefix of sha1", { 0x06, 0x04, 0x2b, 0x0e, 0x03, 0x02 }, 6, false, NULL },
		{ "sha1's bytes under another tag", { 0x04, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a }, 7, false, NULL },
		{ "sha1 with a non-minimal last arc", { 0x06, 0x06, 0x2b, 0x0e, 0x03, 0x02, 0x80, 0x1a }, 8, false,
		  NAME ": offset 0x0: t: malformed OBJECT IDENTIFIER: an arc is not minimally encoded (it starts with 0x80)" },
		{ "non-minimal first subidentifier", { 0x06, 0x03, 0x80, 0x2b, 0x06 }, 5, false,
		  NAME ": offset 0x0: t: malformed OBJECT IDENTIFIER: an arc is not minimally encoded (it starts with 0x80)" },
		{ "largest 64-bit arc", { 0x06, 0x0b, 0x2a, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0x7f }, 13, false, NULL },
		{ "arc of 2^64", { 0x06, 0x0b, 0x2a, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 },
		  13, false, NAME ": offset 0x0: t: malformed OBJECT IDENTIFIER: an arc does not fit in 64 bits" },
		{ "ten 0xff octets", { 0x06, 0x0b, 0x2b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
		  13, false, NAME ": offset 0x0: t: malformed OBJECT IDENTIFIER: an arc does not fit in 64 bits" },
		{ "last octet continues", { 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x9a }, 7, false,
		  NAME ": offset 0x0: t: malformed OBJECT IDENTIFIER: its last arc is cut off (the final octet has bit 8 set)" },
		{ "empty", { 0x06, 0x00 }, 2, false,
		  NAME ": offset 0x0: t: malformed OBJECT IDENTIFIER: it has no content octets" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct oid_eq_case *t = &cases[i];
		struct dc_error err = { 0, "" };
		struct der d;
		struct der_elem e;
		int rc;

		der_init(&d, t->in, t->len, NAME);
		if (der_next(&d, &e, &err))
			fail_msg("%s: der_next: %s", t->what, err.msg);
		if (DER_OID_IS(&e, sha1) != t->is_sha1)
			fail_msg("%s: DER_OID_IS(sha1) is %d", t->what, !t->is_sha1);
		if (e.id != DER_OID)
			continue;
		rc = der_oid_check(&d, &e, "t", &err);
		if (t->msg ? rc != DC_EFORMAT || strcmp(err.msg, t->msg) : rc != 0)
			fail_msg("%s: got %d \"%s\"\n  want \"%s\"", t->what, rc, rc ? err.msg : "",
				 t->msg ? t->msg : "(ok)");
		/* der_is_oid never matches a malformed encoding, whatever the text */
		if (t->msg)
			assert_false(der_is_oid(&e, "1.3.14.3.2.26"));
	}
}

/* cat_read_buffer and cat_read_layout agree: same result, same message, same counts. */
static void expect_same_verdict(const unsigned char *p, size_t n, const char *what)
{
	struct dc_error e1 = { 0, "" }, e2 = { 0, "" };
	struct catalog *c = NULL;
	struct cat_layout lay;
	int r1 = cat_read_buffer(&c, p, n, NAME, &e1);
	int r2 = cat_read_layout(&lay, p, n, NAME, &e2);

	if (r1 != r2 || (r1 && strcmp(e1.msg, e2.msg)))
		fail_msg("%s: cat_read_buffer %d \"%s\"\n  cat_read_layout %d \"%s\"", what, r1,
			 r1 ? e1.msg : "", r2, r2 ? e2.msg : "");
	if (!r1) {
		assert_int_equal(lay.version, c->version);
		assert_int_equal(lay.nmembers, c->nmembers);
		assert_int_equal(lay.nattrs, c->nattrs);
		assert_int_equal(lay.nsigners, c->nsigners);
		assert_int_equal(lay.ncerts, c->ncerts);
		assert_int_equal(lay.ctl_body_offset, c->ctl_body_offset);
		assert_int_equal(lay.ctl_body_len, c->ctl_body_len);
		/* contentInfo { OID szOID_CTL, [0] { CTL } } holds the CTL's content octets */
		assert_true(lay.content_offset < lay.ctl_body_offset);
		assert_true(lay.ctl_body_offset + lay.ctl_body_len <= lay.content_offset + lay.content_len);
		assert_int_equal(p[lay.content_offset], DER_SEQUENCE);
		cat_free(c);
	} else {
		assert_null(c);
	}
}

/* Replaces the first occurrence of old (m bytes) by new (m bytes); returns its offset. */
static long patch(unsigned char *buf, size_t n, const void *old, const void *new, size_t m)
{
	long at = find(buf, n, old, m);

	if (at < 0)
		fail_msg("patch: pattern not found");
	memcpy(buf + at, new, m);
	return at;
}

static void test_cat__malformed_oids_are_named_with_their_offset(void **state)
{
	static const unsigned char signed_oid[] = { 0x06, 0x09, OID_DER_PKCS7_SIGNED };
	static const unsigned char ctl_oid[] = { 0x06, 0x09, OID_DER_CTL };
	static const unsigned char v1_oid[] = { 0x06, 0x0a, OID_DER_CATALOG_LIST_MEMBER };
	static const unsigned char nv_oid[] = { 0x06, 0x0a, OID_DER_CAT_NAMEVALUE };
	static const unsigned char sha1_oid[] = { 0x06, 0x05, OID_DER_SHA1 };
	/* the same lengths, malformed: a 0x80 arc start, a cut-off last arc, a 70-bit arc */
	static const unsigned char signed_nonmin[] = { 0x06, 0x09, 0x2a, 0x80, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07 };
	static const unsigned char ctl_cut[] = { 0x06, 0x09, OID_DER_MS, 0x0a, 0x81 };
	static const unsigned char v1_overflow[] = { 0x06, 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
	static const unsigned char nv_nonmin[] = { 0x06, 0x0a, OID_DER_MS, 0x80, 0x0c, 0x01 };
	static const unsigned char sha1_cut[] = { 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x9a };
	static const struct {
		const unsigned char *old, *new;
		size_t len;
		const char *tail; /* the message after "t.cat: offset 0x..: " */
	} rows[] = {
		{ signed_oid, signed_nonmin, sizeof(signed_oid),
		  "content type: malformed OBJECT IDENTIFIER: an arc is not minimally encoded (it starts with 0x80)" },
		{ ctl_oid, ctl_cut, sizeof(ctl_oid),
		  "signed content type: malformed OBJECT IDENTIFIER: its last arc is cut off (the final octet has bit 8 set)" },
		{ v1_oid, v1_overflow, sizeof(v1_oid),
		  "CTL subject algorithm: malformed OBJECT IDENTIFIER: an arc does not fit in 64 bits" },
		{ nv_oid, nv_nonmin, sizeof(nv_oid),
		  "member attribute type: malformed OBJECT IDENTIFIER: an arc is not minimally encoded (it starts with 0x80)" },
		{ sha1_oid, sha1_cut, sizeof(sha1_oid),
		  "member digest algorithm: malformed OBJECT IDENTIFIER: its last arc is cut off (the final octet has bit 8 set)" },
	};
	unsigned char *der = NULL, *buf;
	size_t len = 0;

	(void)state;
	small_catalog(&der, &len, 1, false);
	buf = malloc(len);
	assert_non_null(buf);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char want[300];
		long at;

		memcpy(buf, der, len);
		at = patch(buf, len, rows[i].old, rows[i].new, rows[i].len);
		snprintf(want, sizeof(want), NAME ": offset 0x%lx: %s", at, rows[i].tail);
		expect_read_error(buf, len, rows[i].tail, want);
		expect_same_verdict(buf, len, rows[i].tail);
	}
	free(buf);
	free(der);
}

/* UTF-16 is only checked by cat_read_layout, with the converter's messages. */
static void test_cat__layout_checks_utf16_like_the_reader(void **state)
{
	unsigned char *der = NULL, *buf;
	unsigned char file_be[8], file_le[12], bad[12];
	size_t len = 0;

	(void)state;
	small_catalog(&der, &len, 1, false);
	buf = malloc(len);
	assert_non_null(buf);
	bmp(file_be, "File");
	utf16le_nul(file_le, "x.inf");

	/* the name "File": a lone high surrogate, then an odd length is not possible in place */
	memcpy(buf, der, len);
	memcpy(bad, file_be, 8);
	bad[0] = 0xd8;
	patch(buf, len, file_be, bad, 8);
	expect_same_verdict(buf, len, "lone surrogate in a name");

	/* the value "x.inf": a lone high surrogate (little-endian) */
	memcpy(buf, der, len);
	memcpy(bad, file_le, 12);
	bad[1] = 0xd8;
	patch(buf, len, file_le, bad, 12);
	expect_same_verdict(buf, len, "lone surrogate in a value");
	{
		struct dc_error err = { 0, "" };
		struct cat_layout lay;

		assert_int_equal(cat_read_layout(&lay, buf, len, NAME, &err), DC_EFORMAT);
		assert_non_null(strstr(err.msg, "value of attribute 'File': UTF-16 text has an unpaired surrogate"));
	}

	/* a low surrogate first, and a valid pair: the pair is accepted by both */
	memcpy(buf, der, len);
	memcpy(bad, file_le, 12);
	bad[0] = 0x00;
	bad[1] = 0xdc;
	patch(buf, len, file_le, bad, 12);
	expect_same_verdict(buf, len, "lone low surrogate in a value");
	memcpy(buf, der, len);
	memcpy(bad, file_le, 12);
	bad[0] = 0x3d; /* U+1F600 = D83D DE00 */
	bad[1] = 0xd8;
	bad[2] = 0x00;
	bad[3] = 0xde;
	patch(buf, len, file_le, bad, 12);
	expect_same_verdict(buf, len, "surrogate pair in a value");
	{
		struct dc_error err = { 0, "" };
		struct cat_layout lay;

		assert_int_equal(cat_read_layout(&lay, buf, len, NAME, &err), 0);
	}
	/* a NUL ends the text: what follows it is not looked at by either */
	memcpy(buf, der, len);
	memcpy(bad, file_le, 12);
	bad[0] = bad[1] = 0;
	bad[3] = 0xd8;
	patch(buf, len, file_le, bad, 12);
	expect_same_verdict(buf, len, "surrogate after a NUL");
	free(buf);
	free(der);
}

/* Every truncation and many byte flips: the layout walk says what the full reader says. */
static void test_cat__layout_agrees_with_the_reader(void **state)
{
	(void)state;
	for (unsigned version = 1; version <= 2; version++) {
		for (int pe = 0; pe < 2; pe++) {
			unsigned char *der = NULL, *copy;
			size_t len = 0;
			char what[64];

			small_catalog(&der, &len, version, pe);
			copy = malloc(len);
			assert_non_null(copy);
			expect_same_verdict(der, len, "intact");
			for (size_t n = 0; n < len; n++) {
				snprintf(what, sizeof(what), "v%u prefix %zu", version, n);
				memcpy(copy, der, n);
				expect_same_verdict(copy, n, what);
			}
			for (size_t off = 0; off < len; off++) {
				const unsigned char values[] = { 0x00, 0x80, 0xd8, 0xff, (unsigned char)(der[off] ^ 1) };

				for (size_t v = 0; v < sizeof(values); v++) {
					memcpy(copy, der, len);
					copy[off] = values[v];
					snprintf(what, sizeof(what), "v%u flip 0x%zx=%02x", version, off, values[v]);
					expect_same_verdict(copy, len, what);
				}
			}
			free(copy);
			free(der);
		}
	}
}

/* Many members: the arrays grow geometrically and end exact; order and contents kept. */
static void test_cat__many_members_read_in_order(void **state)
{
	enum { N = 1500 };
	struct cat_file_entry *files = calloc(N, sizeof(*files));
	char (*names)[16] = calloc(N, sizeof(*names));
	struct cat_spec spec;
	unsigned char *der = NULL;
	size_t len = 0;
	struct catalog *c;
	struct cat_layout lay;
	struct dc_error err = { 0, "" };

	(void)state;
	assert_non_null(files);
	assert_non_null(names);
	for (size_t i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "f%04zu.dat", i);
		files[i].file = names[i];
		files[i].kind = CAT_KIND_FLAT;
		fill(files[i].sha1, 20, (unsigned char)(i >> 8), (unsigned char)i);
		fill(files[i].sha256, 32, (unsigned char)(i >> 8), (unsigned char)(i * 7));
		files[i].sha1[19] = (unsigned char)i; /* distinct even where the pattern repeats */
		files[i].sha256[31] = (unsigned char)i;
		files[i].sha1[18] = files[i].sha256[30] = (unsigned char)(i >> 8);
	}
	memset(&spec, 0, sizeof(spec));
	spec.version = 2;
	spec.this_update = T0;
	spec.osattr = "2:10.0";
	spec.os = "_v100_X64";
	spec.files = files;
	spec.nfiles = N;
	write_ok(&der, &len, &spec);
	c = read_ok(der, len);
	assert_int_equal(c->nmembers, 2 * N); /* SHA-256 and SHA-1 entries */
	for (size_t i = 0; i < c->nmembers; i++) {
		const struct cat_member *m = &c->members[i];

		assert_non_null(m->file);
		assert_int_equal(m->nattrs, 2); /* File, OSAttr */
		assert_string_equal(m->osattr, "2:10.0");
		if (i > 0) {
			const struct cat_member *p = &c->members[i - 1];
			size_t k = p->tag_len < m->tag_len ? p->tag_len : m->tag_len;

			/* tags ascend (§5.1) */
			assert_true(memcmp(p->tag, m->tag, k) <= 0);
		}
	}
	assert_int_equal(cat_read_layout(&lay, der, len, NAME, &err), 0);
	assert_int_equal(lay.nmembers, c->nmembers);
	assert_int_equal(lay.version, 2);
	cat_free(c);
	free(der);
	free(files);
	free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cat__v1_round_trip_tags_order_and_attributes),
		cmocka_unit_test(test_cat__v2_round_trip_raw_tags_interleave),
		cmocka_unit_test(test_cat__v1_member_info_and_indirect_data_bytes),
		cmocka_unit_test(test_cat__reproducible_and_time_sensitive),
		cmocka_unit_test(test_cat__empty_catalog_and_bad_version),
		cmocka_unit_test(test_cat__fixture_bytes_match_the_template_writer),
		cmocka_unit_test(test_cat__der_write_lengths_at_the_long_form_boundaries),
		cmocka_unit_test(test_cat__der_write_never_writes_past_its_buffer),
		cmocka_unit_test(test_cat__der_set_of_order_is_openssls),
		cmocka_unit_test(test_cat__catalog_lengths_cross_every_boundary_and_sets_stay_sorted),
		cmocka_unit_test(test_cat__time_is_utctime_until_2049_then_generalized),
		cmocka_unit_test(test_cat__oversized_catalogs_fail_before_writing),
		cmocka_unit_test(test_cat__der_next_rejects_malformed_headers),
		cmocka_unit_test(test_cat__der_nesting_offsets_and_trailing_bytes),
		cmocka_unit_test(test_cat__der_oid_text_and_arc_overflow),
		cmocka_unit_test(test_cat__reader_rejects_malformed_catalogs),
		cmocka_unit_test(test_cat__every_truncation_fails_cleanly),
		cmocka_unit_test(test_cat__byte_flips_never_crash),
		cmocka_unit_test(test_cat__no_allocation_outlives_a_call),
		/* reader: OIDs as DER bytes, cat_read_layout */
		cmocka_unit_test(test_cat__oid_der_constants_match_their_text),
		cmocka_unit_test(test_cat__der_oid_from_text),
		cmocka_unit_test(test_cat__oid_bytes_compare_and_check),
		cmocka_unit_test(test_cat__malformed_oids_are_named_with_their_offset),
		cmocka_unit_test(test_cat__layout_checks_utf16_like_the_reader),
		cmocka_unit_test(test_cat__layout_agrees_with_the_reader),
		cmocka_unit_test(test_cat__many_members_read_in_order),
	};

	/* before OpenSSL allocates anything, or it refuses */
	if (!CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free)) {
		fprintf(stderr, "CRYPTO_set_mem_functions failed: OpenSSL allocated before main\n");
		return 2;
	}

	return cmocka_run_group_tests_name("cat", tests, NULL, NULL);
}
