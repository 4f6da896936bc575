/*
 * version.c - the [Version] section (VERSION, DRIVERVER): Signature, Class,
 * ClassGuid, Provider, CatalogFile and its platform decorations, DriverVer,
 * PnpLockdown, LayoutFile.  Single-valued keys take their first occurrence.
 */
#include <stdio.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

static void take(const struct inf_file *f, const struct inf_entry *e, struct inf_value *v)
{
	if (v->value)
		return; /* first occurrence wins */
	v->value = inf_field_value(f, e, 0);
	v->pos = e->nfields ? inf_entry_field(f, e, 0)->pos : e->pos;
}

/* Reads 1..max_digits decimal digits; false when none. */
static bool read_num(const char **p, unsigned max_digits, unsigned *out, unsigned *ndigits)
{
	unsigned v = 0, n = 0;

	while (**p >= '0' && **p <= '9' && n < max_digits) {
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
		n++;
	}
	*out = v;
	*ndigits = n;
	return n > 0;
}

static unsigned days_in_month(unsigned m, unsigned y)
{
	static const unsigned days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* "mm/dd/yyyy" or "mm-dd-yyyy"; writes a reason when malformed. */
static bool parse_date(const char *s, struct inf_driverver *dv, char *why, size_t whylen)
{
	const char *p = s;
	unsigned nd;
	char sep;

	/* DRIVERVER: "The month and day must contain two digits". */
	if (!read_num(&p, 3, &dv->month, &nd) || nd != 2 || (*p != '/' && *p != '-')) {
		snprintf(why, whylen, "date '%s' is not mm/dd/yyyy", s);
		return false;
	}
	sep = *p++;
	if (!read_num(&p, 3, &dv->day, &nd) || nd != 2 || *p != sep) {
		snprintf(why, whylen, "date '%s' is not mm/dd/yyyy", s);
		return false;
	}
	p++;
	if (!read_num(&p, 5, &dv->year, &nd) || nd != 4 || *p) {
		snprintf(why, whylen, "date '%s' is not mm/dd/yyyy (the year needs four digits)", s);
		return false;
	}
	if (dv->month < 1 || dv->month > 12) {
		snprintf(why, whylen, "date '%s' has month %u; months run 01 to 12 (mm/dd/yyyy)", s,
			 dv->month);
		return false;
	}
	if (dv->day < 1 || dv->day > days_in_month(dv->month, dv->year)) {
		snprintf(why, whylen, "date '%s' has day %u, which month %u of %u does not have", s,
			 dv->day, dv->month, dv->year);
		return false;
	}
	if (dv->year < 1980) {
		snprintf(why, whylen, "date '%s' is before 1980", s);
		return false;
	}
	return true;
}

/*
 * "w.x.y.z": one to four parts (SetupAPI fills missing ones with 0), each
 * 0..65534, and not 0.0.0.0 (DRIVERVER).
 */
static bool parse_version(const char *s, struct inf_driverver *dv, char *why, size_t whylen)
{
	const char *p = s;
	bool nonzero = false;

	dv->nversion = 0;
	for (;;) {
		unsigned v, nd;

		if (dv->nversion == 4 || !read_num(&p, 6, &v, &nd) || v > 65534) {
			snprintf(why, whylen,
				 "version '%s' is not w.x.y.z with numbers from 0 to 65534", s);
			return false;
		}
		nonzero |= v != 0;
		dv->version[dv->nversion++] = v;
		if (!*p)
			break;
		if (*p != '.') {
			snprintf(why, whylen,
				 "version '%s' is not w.x.y.z with numbers from 0 to 65534", s);
			return false;
		}
		p++;
	}
	if (!nonzero) {
		snprintf(why, whylen, "version '%s' is not valid: 0.0.0.0 is reserved", s);
		return false;
	}
	return true;
}

static int read_driverver(struct inf_file *f, const struct inf_entry *e)
{
	struct inf_driverver *dv = &f->version.driverver;
	const char *date = inf_field_value(f, e, 0);
	const char *ver = inf_field_value(f, e, 1);
	char why[256];
	char text[512];

	if (dv->present)
		return 0;
	dv->present = true;
	dv->pos = e->nfields ? inf_entry_field(f, e, 0)->pos : e->pos;
	snprintf(text, sizeof(text), "%s%s%s", date, e->nfields > 1 ? "," : "", ver);
	dv->text = dc_arena_strdup(&f->arena, text);
	if (!dv->text)
		return DC_ENOMEM;
	if (!parse_date(date, dv, why, sizeof(why)))
		return inf_diag_add(f, INF_ERROR, dv->pos, "version", "DriverVer %s", why);
	if (e->nfields < 2 || !ver[0])
		return inf_diag_add(f, INF_ERROR, dv->pos, "version",
				    "DriverVer has no version; [Version] needs mm/dd/yyyy,w.x.y.z");
	if (!parse_version(ver, dv, why, sizeof(why)))
		return inf_diag_add(f, INF_ERROR, inf_entry_field(f, e, 1)->pos, "version",
				    "DriverVer %s", why);
	dv->valid = true;
	return 0;
}

void inf_read_version(struct inf_file *f)
{
	const struct inf_section *s = inf_find_section(f, "Version");
	struct inf_version *v = &f->version;
	struct inf_pos top = { 1, 1 };

	if (!s) {
		inf_diag_add(f, INF_ERROR, top, "version", "no [Version] section: this is not an INF file Windows will accept");
		return;
	}
	v->present = true;
	for (size_t i = 0; i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);
		const char *k = e->key_value;
		enum inf_arch arch;

		if (!k)
			continue;
		if (dc_strcaseeq(k, "Signature"))
			take(f, e, &v->signature);
		else if (dc_strcaseeq(k, "Class"))
			take(f, e, &v->class_name);
		else if (dc_strcaseeq(k, "ClassGuid"))
			take(f, e, &v->class_guid);
		else if (dc_strcaseeq(k, "Provider"))
			take(f, e, &v->provider);
		else if (dc_strcaseeq(k, "ExtensionId"))
			take(f, e, &v->extension_id);
		else if (dc_strcaseeq(k, "LayoutFile"))
			take(f, e, &v->layout_file);
		else if (dc_strcaseeq(k, "PnpLockdown"))
			take(f, e, &v->pnp_lockdown);
		else if (dc_strcaseeq(k, "DriverVer"))
			read_driverver(f, e);
		else if (dc_strcaseeq(k, "CatalogFile"))
			take(f, e, &v->catalog);
		else if (dc_strcaseeq(k, "CatalogFile.NT"))
			take(f, e, &v->catalog_nt);
		else if (dc_has_prefix_ci(k, "CatalogFile.NT") &&
			 inf_arch_parse(k + 14, strlen(k + 14), &arch))
			take(f, e, &v->catalog_arch[arch]);
		else if (dc_has_prefix_ci(k, "CatalogFile"))
			inf_diag_add(f, INF_WARNING, e->pos, "version",
				     "%s is not a CatalogFile decoration Windows knows (.NT, .NTx86, .NTamd64, .NTarm64, .NTia64, .NTarm)",
				     k);
	}
	if (!v->signature.value)
		inf_diag_add(f, INF_ERROR, s->pos, "version",
			     "[Version] has no Signature; Windows needs \"$Windows NT$\" or \"$Chicago$\"");
	else if (!dc_strcaseeq(v->signature.value, "$Windows NT$") &&
		 !dc_strcaseeq(v->signature.value, "$Chicago$"))
		inf_diag_add(f, INF_ERROR, v->signature.pos, "version",
			     "Signature '%s' is not \"$Windows NT$\" or \"$Chicago$\"",
			     v->signature.value);
}
