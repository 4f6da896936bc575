/*
 * fuzz_verify.c - libFuzzer target "verify": signature verification
 * (verify_signature) on catalog bytes the strict reader accepted, as
 * `drvcat verify FILE.cat` does: PKCS#7 parse, the signature over the
 * authenticated attributes, messageDigest over the CTL content octets,
 * signer lookup, RFC 3161 token or Authenticode countersignature, the chain
 * at the stamped time, the code-signing EKU; then the report rendered as
 * text, JSON and JUnit XML (certificate names reach all three).
 *
 * Inputs cat_read_buffer rejects are skipped (verify never sees them).  Each
 * accepted input is verified twice, with no trust anchors (an untrusted
 * root) and with --integrity-only (the catalog's own certificates trusted,
 * reaching the EKU and success paths), at a fixed --at time.
 *
 * Built by `make fuzz` (FUZZ_ENTRY = LLVMFuzzerTestOneInput) and included by
 * tests/unit/test_fuzz_replay.c under another FUZZ_ENTRY name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cat/cat.h"
#include "../../src/report/report.h"
#include "../../src/util/buf.h"
#include "../../src/verify/internal.h"
#include "../../src/verify/verify.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static void fuzz_verify_once(const uint8_t *data, size_t size, const struct catalog *cat,
			     bool integrity_only)
{
	static const enum report_format formats[] = { REPORT_TEXT, REPORT_JSON, REPORT_JUNIT };
	struct verify_options opt;
	struct dc_error err = { 0, "" };
	struct report *r = NULL;

	memset(&opt, 0, sizeof(opt));
	opt.integrity_only = integrity_only;
	opt.have_at = true;
	opt.at = 2000000000; /* 2033-05-18T03:33:20Z, inside the seeds' certificates */
	if (report_new(&r, "drvcat verify", "fuzz.cat", &err) != 0)
		abort();
	if (verify_signature(r, "fuzz.cat", data, size, cat, &opt, &err) != 0) {
		/* Only memory exhaustion may fail it (verify/internal.h). */
		if (err.code != DC_ENOMEM)
			abort();
	} else if (report_cases(r) == 0) {
		abort(); /* the signature case is always declared */
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct dc_buf out;

		dc_buf_init(&out, (size_t)64 << 20);
		(void)report_render(&out, r, formats[i], i == 0, &err);
		dc_buf_free(&out);
	}
	report_free(r);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct catalog *cat = NULL;
	struct dc_error err = { 0, "" };

	if (cat_read_buffer(&cat, data, size, "fuzz.cat", &err) != 0)
		return 0;
	fuzz_verify_once(data, size, cat, false);
	fuzz_verify_once(data, size, cat, true);
	cat_free(cat);
	return 0;
}
