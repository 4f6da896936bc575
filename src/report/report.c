/* report.c - the findings model and its text and JSON renderings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/json.h"
#include "internal.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int report_new(struct report **out, const char *suite, const char *target, struct dc_error *err)
{
	struct report *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r)
		dc_map_init(&r->index, DC_MAP_EXACT);
	if (!r || !(r->suite = strdup(suite)) || !(r->target = strdup(target))) {
		report_free(r);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	*out = r;
	return 0;
}

static void finding_free(struct report_item *f)
{
	free(f->code);
	free(f->mirrors);
	free(f->file);
	free(f->message);
	free(f->expected);
	free(f->found);
	free(f->windows_error);
	free(f->fix);
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncases; i++) {
		struct report_testcase *c = &r->cases[i];

		free(c->group); /* c->name too: see internal.h */
		for (size_t k = 0; k < c->nitems; k++)
			finding_free(&c->items[k]);
		free(c->items);
	}
	free(r->cases);
	dc_map_free(&r->index);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->suite);
	free(r->target);
	free(r);
}

/*
 * The case (group, name), declared if new.  Cases are found through an index
 * keyed by "group\0name" (a C string has no NUL, so the pair is unambiguous):
 * a verify of 10,000 files declares 10,000 cases, one lookup each.
 */
static struct report_testcase *get_case(struct report *r, const char *group, const char *name,
					struct dc_error *err)
{
	size_t lg = strlen(group), ln = strlen(name), at;
	struct report_testcase *c;
	char *key;

	if (lg > SIZE_MAX / 2 - 1 || ln > SIZE_MAX / 2 - 1) {
		dc_error_set(err, DC_ENOMEM, "out of memory");
		return NULL;
	}
	key = malloc(lg + ln + 2);
	if (!key) {
		dc_error_set(err, DC_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(key, group, lg + 1);
	memcpy(key + lg + 1, name, ln + 1);
	if (dc_map_get(&r->index, key, lg + 1 + ln, &at)) {
		free(key);
		return &r->cases[at];
	}
	if (dc_array_grow((void **)&r->cases, &r->cases_cap, r->ncases + 1, sizeof(*c), err) ||
	    dc_map_add(&r->index, key, lg + 1 + ln, r->ncases, err)) {
		free(key);
		return NULL;
	}
	c = &r->cases[r->ncases++];
	memset(c, 0, sizeof(*c));
	c->group = key;
	c->name = key + lg + 1;
	return c;
}

int report_case(struct report *r, const char *group, const char *name, struct dc_error *err)
{
	return get_case(r, group, name, err) ? 0 : DC_ENOMEM;
}

int report_add(struct report *r, const char *group, const char *name,
	       const struct report_finding *f, struct dc_error *err)
{
	struct report_testcase *c = get_case(r, group, name, err);
	struct report_item *it;

	if (!c)
		return DC_ENOMEM;
	if (dc_array_grow((void **)&c->items, &c->items_cap, c->nitems + 1, sizeof(*it), err))
		return DC_ENOMEM;
	it = &c->items[c->nitems];
	memset(it, 0, sizeof(*it));
	it->severity = f->severity;
	it->line = f->line;
	it->code = dup_or_null(f->code);
	it->mirrors = dup_or_null(f->mirrors);
	it->file = dup_or_null(f->file);
	it->message = dup_or_null(f->message ? f->message : "");
	it->expected = dup_or_null(f->expected);
	it->found = dup_or_null(f->found);
	it->windows_error = dup_or_null(f->windows_error);
	it->fix = dup_or_null(f->fix);
	if (!it->message || (f->code && !it->code) || (f->mirrors && !it->mirrors) ||
	    (f->file && !it->file) || (f->expected && !it->expected) || (f->found && !it->found) ||
	    (f->windows_error && !it->windows_error) || (f->fix && !it->fix)) {
		finding_free(it);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	c->nitems++;
	return 0;
}

int report_note(struct report *r, const char *text, struct dc_error *err)
{
	char *copy = strdup(text);

	if (!copy || dc_array_grow((void **)&r->notes, &r->notes_cap, r->nnotes + 1, sizeof(char *), err)) {
		free(copy);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	r->notes[r->nnotes++] = copy;
	return 0;
}

size_t report_count(const struct report *r, enum report_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ncases; i++)
		for (size_t k = 0; k < r->cases[i].nitems; k++)
			n += r->cases[i].items[k].severity == sev;
	return n;
}

size_t report_cases(const struct report *r)
{
	return r->ncases;
}

bool report_case_failed(const struct report_testcase *c)
{
	for (size_t k = 0; k < c->nitems; k++)
		if (c->items[k].severity == REPORT_ERROR)
			return true;
	return false;
}

const char *report_severity_name(enum report_severity s)
{
	switch (s) {
	case REPORT_ERROR: return "error";
	case REPORT_WARNING: return "warning";
	default: return "info";
	}
}

bool report_format_parse(const char *s, enum report_format *out)
{
	if (!strcmp(s, "text"))
		*out = REPORT_TEXT;
	else if (!strcmp(s, "json"))
		*out = REPORT_JSON;
	else if (!strcmp(s, "junit"))
		*out = REPORT_JUNIT;
	else
		return false;
	return true;
}

/* ---- text ---- */

static const char *color_of(enum report_severity s, bool color)
{
	if (!color)
		return "";
	return s == REPORT_ERROR ? "\033[1;31m" : s == REPORT_WARNING ? "\033[1;33m" : "\033[36m";
}

static int render_text(struct dc_buf *b, const struct report *r, bool color, struct dc_error *err)
{
	const char *reset = color ? "\033[0m" : "";
	size_t failed = 0;
	int rc = 0;

	for (size_t i = 0; !rc && i < r->ncases; i++) {
		const struct report_testcase *c = &r->cases[i];

		failed += report_case_failed(c);
		for (size_t k = 0; !rc && k < c->nitems; k++) {
			const struct report_item *f = &c->items[k];

			if (f->file && f->line)
				rc = dc_buf_printf(b, err, "%s:%u: ", f->file, f->line);
			else if (f->file)
				rc = dc_buf_printf(b, err, "%s: ", f->file);
			if (!rc)
				rc = dc_buf_printf(b, err, "%s%s%s: %s", color_of(f->severity, color),
						   report_severity_name(f->severity), reset, f->message);
			if (!rc && f->code)
				rc = dc_buf_printf(b, err, " [%s%s%s]", f->code, f->mirrors ? ", " : "",
						   f->mirrors ? f->mirrors : "");
			if (!rc)
				rc = dc_buf_puts(b, "\n", err);
			if (!rc && f->expected)
				rc = dc_buf_printf(b, err, "    expected: %s\n", f->expected);
			if (!rc && f->found)
				rc = dc_buf_printf(b, err, "    found:    %s\n", f->found);
			if (!rc && f->windows_error)
				rc = dc_buf_printf(b, err, "    Windows:  %s\n", f->windows_error);
			if (!rc && f->fix)
				rc = dc_buf_printf(b, err, "    fix:      %s\n", f->fix);
		}
	}
	for (size_t i = 0; !rc && i < r->nnotes; i++)
		rc = dc_buf_printf(b, err, "note: %s\n", r->notes[i]);
	if (!rc)
		rc = dc_buf_printf(b, err, "%s: %s: %zu checks, %zu failed, %zu errors, %zu warnings\n",
				   r->suite, r->target, r->ncases, failed, report_count(r, REPORT_ERROR),
				   report_count(r, REPORT_WARNING));
	return rc;
}

/* ---- JSON (schema: README.md "Report formats") ---- */

static int render_json(struct dc_buf *b, const struct report *r, struct dc_error *err)
{
	struct dc_json j;
	size_t failed = 0;

	dc_json_init(&j, b, err);
	dc_json_object_begin(&j);
	dc_json_kv_uint(&j, "schema_version", 1);
	dc_json_kv_string(&j, "tool", r->suite);
	dc_json_kv_string(&j, "target", r->target);
	for (size_t i = 0; i < r->ncases; i++)
		failed += report_case_failed(&r->cases[i]);
	dc_json_key(&j, "summary");
	dc_json_object_begin(&j);
	dc_json_kv_uint(&j, "checks", r->ncases);
	dc_json_kv_uint(&j, "failed", failed);
	dc_json_kv_uint(&j, "errors", report_count(r, REPORT_ERROR));
	dc_json_kv_uint(&j, "warnings", report_count(r, REPORT_WARNING));
	dc_json_kv_uint(&j, "infos", report_count(r, REPORT_INFO));
	dc_json_object_end(&j);
	dc_json_key(&j, "notes");
	dc_json_array_begin(&j);
	for (size_t i = 0; i < r->nnotes; i++)
		dc_json_string(&j, r->notes[i]);
	dc_json_array_end(&j);
	dc_json_key(&j, "checks");
	dc_json_array_begin(&j);
	for (size_t i = 0; i < r->ncases; i++) {
		const struct report_testcase *c = &r->cases[i];

		dc_json_object_begin(&j);
		dc_json_kv_string(&j, "group", c->group);
		dc_json_kv_string(&j, "name", c->name);
		dc_json_kv_bool(&j, "passed", !report_case_failed(c));
		dc_json_key(&j, "findings");
		dc_json_array_begin(&j);
		for (size_t k = 0; k < c->nitems; k++) {
			const struct report_item *f = &c->items[k];

			dc_json_object_begin(&j);
			dc_json_kv_string(&j, "severity", report_severity_name(f->severity));
			dc_json_kv_string(&j, "code", f->code);
			dc_json_kv_string(&j, "mirrors", f->mirrors);
			dc_json_kv_string(&j, "file", f->file);
			if (f->line)
				dc_json_kv_uint(&j, "line", f->line);
			else
				dc_json_kv_string(&j, "line", NULL);
			dc_json_kv_string(&j, "message", f->message);
			dc_json_kv_string(&j, "expected", f->expected);
			dc_json_kv_string(&j, "found", f->found);
			dc_json_kv_string(&j, "windows_error", f->windows_error);
			dc_json_kv_string(&j, "fix", f->fix);
			dc_json_object_end(&j);
		}
		dc_json_array_end(&j);
		dc_json_object_end(&j);
	}
	dc_json_array_end(&j);
	dc_json_object_end(&j);
	return dc_json_finish(&j);
}

int report_render(struct dc_buf *out, const struct report *r, enum report_format fmt, bool color,
		  struct dc_error *err)
{
	switch (fmt) {
	case REPORT_TEXT: return render_text(out, r, color, err);
	case REPORT_JSON: return render_json(out, r, err);
	case REPORT_JUNIT: return report_render_junit(out, r, err);
	}
	return dc_error_set(err, DC_EUSAGE, "unknown report format");
}
