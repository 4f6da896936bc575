/* internal.h - shared by the verify module's own files. */
#ifndef DRVCAT_VERIFY_INTERNAL_H
#define DRVCAT_VERIFY_INTERNAL_H

#include "../cat/cat.h"
#include "verify.h"

/*
 * Checks the signature of catalog bytes der (already read into cat) and adds
 * findings to case ("signature", name).  Fails only on memory exhaustion.
 */
int verify_signature(struct report *r, const char *name, const unsigned char *der, size_t len,
		     const struct catalog *cat, const struct verify_options *opt,
		     struct dc_error *err);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void verify_hex(char *out, const unsigned char *p, size_t n);

#endif
