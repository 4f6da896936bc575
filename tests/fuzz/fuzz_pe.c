/*
 * fuzz_pe.c - libFuzzer target "pe": the Authenticode image hash and the PE
 * page-hash tables (hash_buffer with page hashes on) over one input.  An input
 * starting with "MZ" goes through the PE parser (DOS header, COFF header,
 * optional header, data directories, section table, certificate table) and
 * the page walk; anything else is flat-hashed.
 *
 * Invariants checked on success (a violation aborts, so libFuzzer keeps the
 * input): the zero padding is 0-7 bytes and only without a certificate
 * table; each page table is whole records of (4 + digest) bytes, starts at
 * offset 0 and ends with an all-zero digest; the SHA-1-only pass gives the
 * same SHA-1 as the full one.
 *
 * Built by `make fuzz` (FUZZ_ENTRY = LLVMFuzzerTestOneInput) and included by
 * tests/unit/test_fuzz_replay.c under another FUZZ_ENTRY name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/hash/hash.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static void fuzz_pe_check_table(const struct hash_page_table *t, size_t dlen)
{
	static const unsigned char zero[32];

	if (t->records < 2 || t->len != t->records * (4 + dlen))
		abort();
	if (t->data[0] || t->data[1] || t->data[2] || t->data[3])
		abort(); /* the first record is the header page, at offset 0 */
	if (memcmp(t->data + t->len - dlen, zero, dlen))
		abort(); /* the last record is the end marker */
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct hash_options opt = { true, 0 }, sha1_only = { false, HASH_WANT_SHA1 };
	struct hash_result r, r1;
	struct dc_error err = { 0, "" };

	if (hash_buffer(&r, data, size, "fuzz.sys", &opt, &err) != 0) {
		if (!err.msg[0] || r.pages_sha1.data || r.pages_sha256.data)
			abort(); /* a failure says why and leaves nothing allocated */
		return 0;
	}
	if (r.file_size != size || r.pad_bytes > 7 || (r.has_cert_table && r.pad_bytes))
		abort();
	if (r.kind == HASH_PE) {
		fuzz_pe_check_table(&r.pages_sha1, 20);
		fuzz_pe_check_table(&r.pages_sha256, 32);
		if (r.pages_sha1.records != r.pages_sha256.records)
			abort();
	} else if (r.pages_sha1.data || r.pages_sha256.data) {
		abort();
	}
	if (hash_buffer(&r1, data, size, "fuzz.sys", &sha1_only, &err) != 0 ||
	    memcmp(r1.sha1, r.sha1, sizeof(r.sha1)) != 0)
		abort(); /* the digests asked for do not change what is accepted or its SHA-1 */
	hash_result_free(&r1);
	hash_result_free(&r);
	return 0;
}
