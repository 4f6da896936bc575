#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void dc_json_init(struct dc_json *j, struct dc_buf *out, struct dc_error *err)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->err = err;
	j->first[0] = true;
}

static void put(struct dc_json *j, const char *s, size_t n)
{
	if (!j->rc)
		j->rc = dc_buf_append(j->out, s, n, j->err);
}

static void puts_(struct dc_json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void newline_indent(struct dc_json *j)
{
	put(j, "\n", 1);
	for (unsigned i = 0; i < j->depth; i++)
		put(j, "  ", 2);
}

/* Separator and indentation before a value or a key. */
static void before_item(struct dc_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	if (!j->first[j->depth])
		put(j, ",", 1);
	j->first[j->depth] = false;
	newline_indent(j);
}

static void open_(struct dc_json *j, char c)
{
	before_item(j);
	put(j, &c, 1);
	if (j->depth + 1 >= DC_JSON_MAX_DEPTH) {
		if (!j->rc)
			j->rc = dc_error_set(j->err, DC_EUSAGE, "JSON nested too deeply");
		return;
	}
	j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct dc_json *j, char c)
{
	bool empty;

	if (j->depth == 0)
		return;
	empty = j->first[j->depth];
	j->depth--;
	if (!empty)
		newline_indent(j);
	put(j, &c, 1);
}

void dc_json_object_begin(struct dc_json *j) { open_(j, '{'); }
void dc_json_object_end(struct dc_json *j) { close_(j, '}'); }
void dc_json_array_begin(struct dc_json *j) { open_(j, '['); }
void dc_json_array_end(struct dc_json *j) { close_(j, ']'); }

static void quoted(struct dc_json *j, const char *s)
{
	put(j, "\"", 1);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(j, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			puts_(j, esc);
		} else {
			put(j, p, 1);
		}
	}
	put(j, "\"", 1);
}

void dc_json_key(struct dc_json *j, const char *key)
{
	before_item(j);
	quoted(j, key);
	put(j, ": ", 2);
	j->after_key = true;
}

void dc_json_string(struct dc_json *j, const char *s)
{
	before_item(j);
	if (s)
		quoted(j, s);
	else
		puts_(j, "null");
}

void dc_json_uint(struct dc_json *j, uint64_t v)
{
	char num[32];

	before_item(j);
	snprintf(num, sizeof(num), "%" PRIu64, v);
	puts_(j, num);
}

void dc_json_bool(struct dc_json *j, bool v)
{
	before_item(j);
	puts_(j, v ? "true" : "false");
}

void dc_json_null(struct dc_json *j)
{
	before_item(j);
	puts_(j, "null");
}

void dc_json_kv_string(struct dc_json *j, const char *key, const char *s)
{
	dc_json_key(j, key);
	dc_json_string(j, s);
}

void dc_json_kv_uint(struct dc_json *j, const char *key, uint64_t v)
{
	dc_json_key(j, key);
	dc_json_uint(j, v);
}

void dc_json_kv_bool(struct dc_json *j, const char *key, bool v)
{
	dc_json_key(j, key);
	dc_json_bool(j, v);
}

int dc_json_finish(struct dc_json *j)
{
	put(j, "\n", 1);
	return j->rc;
}
