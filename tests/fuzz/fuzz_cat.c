/*
 * fuzz_cat.c - libFuzzer target "cat": the strict DER catalog reader
 * (cat_read_buffer, what `drvcat show` and `drvcat verify` run first) over
 * one input: ContentInfo -> SignedData -> CTL -> members (tags, name/value
 * attributes, SPC_INDIRECT_DATA, member info) -> catalog attributes ->
 * certificates (OpenSSL d2i_X509) -> signer infos and timestamps.
 *
 * On success every string and array of the model is read (so a dangling or
 * short allocation shows under ASan) and a few invariants are checked: the
 * CTL body lies inside the input, digests have the length of their
 * algorithm, the version is 1 or 2.  On failure the message is non-empty.
 *
 * Built by `make fuzz` (FUZZ_ENTRY = LLVMFuzzerTestOneInput) and included by
 * tests/unit/test_fuzz_replay.c under another FUZZ_ENTRY name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cat/cat.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static size_t fuzz_cat_touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static size_t fuzz_cat_nv(const struct cat_namevalue *nv, size_t n)
{
	size_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += fuzz_cat_touch(nv[i].name) + fuzz_cat_touch(nv[i].value) + nv[i].flags;
	return sum;
}

static void fuzz_cat_model(const struct catalog *c, size_t size)
{
	volatile size_t sink = 0;

	if ((c->version != 1 && c->version != 2) || c->list_id_len > sizeof(c->list_id) ||
	    c->ctl_body_offset > size || c->ctl_body_len > size - c->ctl_body_offset)
		abort();
	sink += fuzz_cat_nv(c->attrs, c->nattrs) + fuzz_cat_touch(cat_attr(c, "OS"));
	for (size_t i = 0; i < c->nmembers; i++) {
		const struct cat_member *m = &c->members[i];
		size_t want = m->digest_alg == CAT_DIGEST_SHA1 ? 20 : m->digest_alg == CAT_DIGEST_SHA256 ? 32 : 0;

		if (m->digest_len != want && m->digest_len != 0)
			abort();
		for (size_t k = 0; k < m->tag_len; k++)
			sink += m->tag[k];
		sink += fuzz_cat_touch(m->tag_text) + fuzz_cat_touch(m->file) + fuzz_cat_touch(m->osattr);
		sink += fuzz_cat_nv(m->attrs, m->nattrs) + strlen(cat_kind_name(m->kind));
		sink += strlen(cat_digest_name(m->digest_alg));
	}
	for (size_t i = 0; i < c->nsigners; i++) {
		const struct cat_signer *s = &c->signers[i];

		sink += fuzz_cat_touch(s->subject) + fuzz_cat_touch(s->issuer) + fuzz_cat_touch(s->serial);
		sink += fuzz_cat_touch(s->digest) + fuzz_cat_touch(s->timestamp);
	}
	(void)sink;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct catalog *c = NULL;
	struct dc_error err = { 0, "" };

	if (cat_read_buffer(&c, data, size, "fuzz.cat", &err) != 0) {
		if (c || !err.msg[0])
			abort();
		return 0;
	}
	fuzz_cat_model(c, size);
	cat_free(c);
	return 0;
}
