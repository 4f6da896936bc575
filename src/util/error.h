/*
 * error.h - error codes and the error struct every fallible function fills.
 *
 * Contract: a function that can fail returns 0 or one negative DC_E* code and,
 * when it fails, leaves a one-line message in the caller's struct dc_error.
 * The function that detects a problem says where (path:line:col for INF text,
 * "path: offset 0x.." for binaries); callers may prepend context with
 * dc_error_prefix().  Nothing here prints.
 */
#ifndef DRVCAT_UTIL_ERROR_H
#define DRVCAT_UTIL_ERROR_H

#include <stddef.h>

enum dc_code {
	DC_OK = 0,
	DC_EIO = -1,       /* reading or writing a file failed */
	DC_ESYNTAX = -2,   /* INF text (or other text input) is malformed */
	DC_EFORMAT = -3,   /* a binary input (PE, DER) is malformed */
	DC_EMISMATCH = -4, /* two things that must agree do not */
	DC_ECRYPTO = -5,   /* a cryptographic operation failed */
	DC_ENOMEM = -6,    /* out of memory or over a size cap */
	DC_EUSAGE = -7,    /* the caller asked for something impossible */
	DC_ENOTFOUND = -8, /* a named file, section or item does not exist */
	DC_EPATH = -9      /* a path escapes the package or is not allowed */
};

#define DC_ERROR_MSG_MAX 1024

struct dc_error {
	int code;
	char msg[DC_ERROR_MSG_MAX];
};

#if defined(__GNUC__)
#define DC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DC_PRINTF(f, a)
#endif

/* Records code and message in err (which may be NULL); returns code. */
int dc_error_set(struct dc_error *err, int code, const char *fmt, ...) DC_PRINTF(3, 4);

/* Prepends "context: " to the message already in err; returns err->code. */
int dc_error_prefix(struct dc_error *err, const char *fmt, ...) DC_PRINTF(2, 3);

/* Short name of a code ("I/O error", "syntax error", ...). */
const char *dc_code_name(int code);

#endif
