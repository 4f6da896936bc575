/*
 * json.h - a small streaming JSON writer into a dc_buf (2-space indented,
 * stable key order = call order).  Errors are sticky: after the first failed
 * append every call is a no-op and dc_json_finish() returns the error.
 */
#ifndef DRVCAT_UTIL_JSON_H
#define DRVCAT_UTIL_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

#define DC_JSON_MAX_DEPTH 32

struct dc_json {
	struct dc_buf *out;
	struct dc_error *err;
	int rc;
	unsigned depth;
	bool first[DC_JSON_MAX_DEPTH]; /* nothing written yet at this level */
	bool after_key;
};

void dc_json_init(struct dc_json *j, struct dc_buf *out, struct dc_error *err);
void dc_json_object_begin(struct dc_json *j);
void dc_json_object_end(struct dc_json *j);
void dc_json_array_begin(struct dc_json *j);
void dc_json_array_end(struct dc_json *j);
void dc_json_key(struct dc_json *j, const char *key);
/* Writes a string (UTF-8, escaped), or null when s is NULL. */
void dc_json_string(struct dc_json *j, const char *s);
void dc_json_uint(struct dc_json *j, uint64_t v);
void dc_json_bool(struct dc_json *j, bool v);
void dc_json_null(struct dc_json *j);
/* Key + value shorthands. */
void dc_json_kv_string(struct dc_json *j, const char *key, const char *s);
void dc_json_kv_uint(struct dc_json *j, const char *key, uint64_t v);
void dc_json_kv_bool(struct dc_json *j, const char *key, bool v);
/* Adds the final newline; returns 0 or the first error. */
int dc_json_finish(struct dc_json *j);

#endif
