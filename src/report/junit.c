/*
 * junit.c - JUnit XML with libxml2's xmlTextWriter, in the shape GitLab,
 * Jenkins and GitHub test reporters read:
 *   <testsuites name tests failures errors>
 *     <testsuite name tests failures errors skipped>
 *       <testcase classname name><failure message type>details</failure></testcase>
 * Warnings and notes go to <system-out> of their testcase; only errors fail.
 */
#include <string.h>

#include <libxml/xmlwriter.h>

#include "internal.h"

static int detail(struct dc_buf *b, const struct report_item *f, struct dc_error *err)
{
	int rc = 0;

	if (f->file && f->line)
		rc = dc_buf_printf(b, err, "%s:%u: ", f->file, f->line);
	else if (f->file)
		rc = dc_buf_printf(b, err, "%s: ", f->file);
	if (!rc)
		rc = dc_buf_printf(b, err, "%s: %s\n", report_severity_name(f->severity), f->message);
	if (!rc && f->code)
		rc = dc_buf_printf(b, err, "code: %s%s%s%s\n", f->code, f->mirrors ? " (" : "",
				   f->mirrors ? f->mirrors : "", f->mirrors ? ")" : "");
	if (!rc && f->expected)
		rc = dc_buf_printf(b, err, "expected: %s\n", f->expected);
	if (!rc && f->found)
		rc = dc_buf_printf(b, err, "found: %s\n", f->found);
	if (!rc && f->windows_error)
		rc = dc_buf_printf(b, err, "Windows: %s\n", f->windows_error);
	if (!rc && f->fix)
		rc = dc_buf_printf(b, err, "fix: %s\n", f->fix);
	return rc;
}

/* xmlTextWriter returns -1 on failure; one macro keeps every call checked. */
#define W(call)                     \
	do {                            \
		if ((call) < 0)             \
			goto fail;              \
	} while (0)

static const xmlChar *X(const char *s)
{
	return (const xmlChar *)s;
}

int report_render_junit(struct dc_buf *out, const struct report *r, struct dc_error *err)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
	size_t failed = 0;
	char num[32];
	struct dc_buf text;
	int rc = 0;

	dc_buf_init(&text, 1u << 24);
	if (!w) {
		if (xb)
			xmlBufferFree(xb);
		return dc_error_set(err, DC_ENOMEM, "cannot create the XML writer");
	}
	for (size_t i = 0; i < r->ncases; i++)
		failed += report_case_failed(&r->cases[i]);
	W(xmlTextWriterSetIndent(w, 1));
	W(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	W(xmlTextWriterStartElement(w, X("testsuites")));
	W(xmlTextWriterWriteAttribute(w, X("name"), X(r->suite)));
	snprintf(num, sizeof(num), "%zu", r->ncases);
	W(xmlTextWriterWriteAttribute(w, X("tests"), X(num)));
	snprintf(num, sizeof(num), "%zu", failed);
	W(xmlTextWriterWriteAttribute(w, X("failures"), X(num)));
	W(xmlTextWriterWriteAttribute(w, X("errors"), X("0")));
	W(xmlTextWriterStartElement(w, X("testsuite")));
	W(xmlTextWriterWriteAttribute(w, X("name"), X(r->target)));
	snprintf(num, sizeof(num), "%zu", r->ncases);
	W(xmlTextWriterWriteAttribute(w, X("tests"), X(num)));
	snprintf(num, sizeof(num), "%zu", failed);
	W(xmlTextWriterWriteAttribute(w, X("failures"), X(num)));
	W(xmlTextWriterWriteAttribute(w, X("errors"), X("0")));
	W(xmlTextWriterWriteAttribute(w, X("skipped"), X("0")));
	for (size_t i = 0; i < r->ncases; i++) {
		const struct report_testcase *c = &r->cases[i];
		const struct report_item *first = NULL;

		W(xmlTextWriterStartElement(w, X("testcase")));
		W(xmlTextWriterWriteAttribute(w, X("classname"), X(c->group)));
		W(xmlTextWriterWriteAttribute(w, X("name"), X(c->name)));
		for (size_t k = 0; k < c->nitems && !first; k++)
			if (c->items[k].severity == REPORT_ERROR)
				first = &c->items[k];
		if (first) {
			dc_buf_reset(&text);
			for (size_t k = 0; k < c->nitems; k++)
				if (c->items[k].severity == REPORT_ERROR &&
				    detail(&text, &c->items[k], err))
					goto oom;
			W(xmlTextWriterStartElement(w, X("failure")));
			W(xmlTextWriterWriteAttribute(w, X("message"), X(first->message)));
			W(xmlTextWriterWriteAttribute(w, X("type"), X(first->code ? first->code : "error")));
			W(xmlTextWriterWriteString(w, X(text.data ? text.data : "")));
			W(xmlTextWriterEndElement(w));
		}
		dc_buf_reset(&text);
		for (size_t k = 0; k < c->nitems; k++)
			if (c->items[k].severity != REPORT_ERROR && detail(&text, &c->items[k], err))
				goto oom;
		if (text.len)
			W(xmlTextWriterWriteElement(w, X("system-out"), X(text.data)));
		W(xmlTextWriterEndElement(w));
	}
	if (r->nnotes) {
		dc_buf_reset(&text);
		for (size_t i = 0; i < r->nnotes; i++)
			if (dc_buf_printf(&text, err, "note: %s\n", r->notes[i]))
				goto oom;
		W(xmlTextWriterWriteElement(w, X("system-out"), X(text.data)));
	}
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterEndDocument(w));
	xmlFreeTextWriter(w);
	w = NULL;
	rc = dc_buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb), err);
	xmlBufferFree(xb);
	dc_buf_free(&text);
	return rc;
fail:
	rc = dc_error_set(err, DC_ENOMEM, "writing JUnit XML failed");
	goto cleanup;
oom:
	rc = DC_ENOMEM;
cleanup:
	if (w)
		xmlFreeTextWriter(w);
	xmlBufferFree(xb);
	dc_buf_free(&text);
	return rc;
}
