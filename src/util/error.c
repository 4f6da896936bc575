#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int dc_error_set(struct dc_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int dc_error_prefix(struct dc_error *err, const char *fmt, ...)
{
	char context[DC_ERROR_MSG_MAX];
	size_t n, old;
	va_list ap;

	if (!err)
		return DC_EUSAGE;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context) - 2, fmt, ap);
	va_end(ap);
	strcat(context, ": ");
	n = strlen(context);
	old = strnlen(err->msg, sizeof(err->msg) - 1);
	/* Shift the old message right; what does not fit is cut at the end. */
	if (n + old > sizeof(err->msg) - 1)
		old = sizeof(err->msg) - 1 - n;
	memmove(err->msg + n, err->msg, old);
	memcpy(err->msg, context, n);
	err->msg[n + old] = '\0';
	return err->code;
}

const char *dc_code_name(int code)
{
	switch (code) {
	case DC_OK: return "ok";
	case DC_EIO: return "I/O error";
	case DC_ESYNTAX: return "syntax error";
	case DC_EFORMAT: return "format error";
	case DC_EMISMATCH: return "mismatch";
	case DC_ECRYPTO: return "crypto error";
	case DC_ENOMEM: return "out of memory";
	case DC_EUSAGE: return "usage error";
	case DC_ENOTFOUND: return "not found";
	case DC_EPATH: return "path not allowed";
	default: return "unknown error";
	}
}
