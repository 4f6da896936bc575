/*
 * r_version.c - [Version] rules (VERSION, DRIVERVER; inf-format.md §1.12):
 * Class/ClassGuid, Provider, DriverVer format and date, CatalogFile,
 * PnpLockdown, ExtensionId, repeated keys.  Signature and the DriverVer
 * syntax itself come from the parser (parser.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/str.h"
#include "internal.h"

/* System setup classes (devguid.h): Class name and ClassGuid must agree (1280/1281). */
static const struct {
	const char *name, *guid;
} system_classes[] = {
	{ "1394", "{6bdd1fc1-810f-11d0-bec7-08002be2092f}" },
	{ "AudioEndpoint", "{c166523c-fe0c-4a94-a586-f1a80cfbbf3e}" },
	{ "Battery", "{72631e54-78a4-11d0-bcf7-00aa00b7b32a}" },
	{ "Biometric", "{53d29ef7-377c-4d14-864b-eb3a85769359}" },
	{ "Bluetooth", "{e0cbf06c-cd8b-4647-bb8a-263b43f0f974}" },
	{ "Camera", "{ca3e7ab9-b4c3-4ae6-8251-579ef933890f}" },
	{ "CDROM", "{4d36e965-e325-11ce-bfc1-08002be10318}" },
	{ "Computer", "{4d36e966-e325-11ce-bfc1-08002be10318}" },
	{ "DiskDrive", "{4d36e967-e325-11ce-bfc1-08002be10318}" },
	{ "Display", "{4d36e968-e325-11ce-bfc1-08002be10318}" },
	{ "Extension", "{e2f84ce7-8efa-411c-aa69-97454ca4cb57}" },
	{ "FDC", "{4d36e969-e325-11ce-bfc1-08002be10318}" },
	{ "FloppyDisk", "{4d36e980-e325-11ce-bfc1-08002be10318}" },
	{ "HDC", "{4d36e96a-e325-11ce-bfc1-08002be10318}" },
	{ "HIDClass", "{745a17a0-74d3-11d0-b6fe-00a0c90f57da}" },
	{ "Image", "{6bdd1fc6-810f-11d0-bec7-08002be2092f}" },
	{ "Infrared", "{6bdd1fc5-810f-11d0-bec7-08002be2092f}" },
	{ "Keyboard", "{4d36e96b-e325-11ce-bfc1-08002be10318}" },
	{ "LegacyDriver", "{8ecc055d-047f-11d1-a537-0000f8753ed1}" },
	{ "MEDIA", "{4d36e96c-e325-11ce-bfc1-08002be10318}" },
	{ "Modem", "{4d36e96d-e325-11ce-bfc1-08002be10318}" },
	{ "Monitor", "{4d36e96e-e325-11ce-bfc1-08002be10318}" },
	{ "Mouse", "{4d36e96f-e325-11ce-bfc1-08002be10318}" },
	{ "MTD", "{4d36e970-e325-11ce-bfc1-08002be10318}" },
	{ "MultiFunction", "{4d36e971-e325-11ce-bfc1-08002be10318}" },
	{ "MultiPortSerial", "{50906cb8-ba12-11d1-bf5d-0000f805f530}" },
	{ "Net", "{4d36e972-e325-11ce-bfc1-08002be10318}" },
	{ "NetClient", "{4d36e973-e325-11ce-bfc1-08002be10318}" },
	{ "NetService", "{4d36e974-e325-11ce-bfc1-08002be10318}" },
	{ "NetTrans", "{4d36e975-e325-11ce-bfc1-08002be10318}" },
	{ "PCMCIA", "{4d36e977-e325-11ce-bfc1-08002be10318}" },
	{ "Ports", "{4d36e978-e325-11ce-bfc1-08002be10318}" },
	{ "Printer", "{4d36e979-e325-11ce-bfc1-08002be10318}" },
	{ "Processor", "{50127dc3-0f36-415e-a6cc-4cb3be910b65}" },
	{ "SCSIAdapter", "{4d36e97b-e325-11ce-bfc1-08002be10318}" },
	{ "Sensor", "{5175d334-c371-4806-b3ba-71fd53c9258d}" },
	{ "SmartCardReader", "{50dd5230-ba8a-11d1-bf5d-0000f805f530}" },
	{ "SoftwareComponent", "{5c4c3332-344d-483c-8739-259e934c9cc8}" },
	{ "System", "{4d36e97d-e325-11ce-bfc1-08002be10318}" },
	{ "USB", "{36fc9e60-c465-11cf-8056-444553540000}" },
	{ "Volume", "{71a27cdd-812a-11d0-bec7-08002be2092f}" },
};

/* {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} */
bool check_braced_guid(const char *s)
{
	static const char shape[] = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++) {
		char ch = s[i];

		if (shape[i] == 'x' ? !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
					(ch >= 'A' && ch <= 'F'))
				    : ch != shape[i])
			return false;
	}
	return true;
}

static uint32_t version_line(const struct check_ctx *c)
{
	const struct inf_section *s = inf_find_section(c->f, "Version");

	return s ? s->pos.line : 0;
}

static bool is_device_inf(const struct inf_file *f)
{
	return f->nmanufacturers > 0;
}

static void rule_class(struct check_ctx *c)
{
	const struct inf_version *v = &c->f->version;
	const char *name = v->class_name.value, *guid = v->class_guid.value;

	if (is_device_inf(c->f) && (!name || !name[0]))
		check_add(c, R_CLASS, version_line(c), NULL,
			  "[Version] has no Class, which a device INF needs");
	if (is_device_inf(c->f) && (!guid || !guid[0]))
		check_add(c, R_CLASS, version_line(c), NULL,
			  "[Version] has no ClassGuid, which a device INF needs");
	if (guid && guid[0] && !check_braced_guid(guid))
		check_add(c, R_CLASS, v->class_guid.pos.line, NULL,
			  "ClassGuid '%s' is not a braced GUID {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}", guid);
	if (name && strlen(name) > 31)
		check_add(c, R_CLASS, v->class_name.pos.line, NULL,
			  "Class '%s' is longer than the 31 characters Windows allows", name);
	if (!name || !guid || !name[0] || !check_braced_guid(guid))
		return;
	for (size_t i = 0; i < sizeof(system_classes) / sizeof(system_classes[0]); i++) {
		bool same_name = dc_strcaseeq(name, system_classes[i].name);
		bool same_guid = dc_strcaseeq(guid, system_classes[i].guid);

		if (same_name && !same_guid)
			check_add(c, R_CLASS, v->class_guid.pos.line, NULL,
				  "Class %s is a system class whose ClassGuid is %s, not %s", name,
				  system_classes[i].guid, guid);
		else if (same_guid && !same_name)
			check_add(c, R_CLASS, v->class_name.pos.line, NULL,
				  "ClassGuid %s belongs to the system class %s, but Class is '%s'", guid,
				  system_classes[i].name, name);
	}
}

static void rule_provider(struct check_ctx *c)
{
	const struct inf_value *p = &c->f->version.provider;

	if (!p->value || !p->value[0])
		check_add(c, R_PROVIDER, p->value ? p->pos.line : version_line(c), NULL,
			  "[Version] has no Provider (or an empty one)");
	else if (dc_has_prefix_ci(p->value, "Microsoft"))
		check_add(c, R_PROVIDER, p->pos.line, NULL,
			  "Provider '%s' names Microsoft; only Microsoft's own INFs may", p->value);
}

static void rule_driverver(struct check_ctx *c)
{
	const struct inf_driverver *dv = &c->f->version.driverver;

	if (!dv->present) {
		/* stampinf writes DriverVer into the .inf it makes from an .inx */
		if (!dc_has_suffix_ci(c->inf_rel, ".inx"))
			check_add(c, R_DRIVERVER, version_line(c), NULL,
				  "[Version] has no DriverVer; Inf2Cat and InfVerif require one");
		return;
	}
	/*
	 * The parser (parser.c) reports bad dates, parts above 65534 and 0.0.0.0;
	 * SetupAPI pads a short version with zeros, but InfVerif 1217 wants four.
	 */
	if (dv->valid && dv->nversion < 4)
		check_add(c, R_DRIVERVER, dv->pos.line, NULL,
			  "DriverVer version in '%s' has %u part%s; InfVerif wants four, w.x.y.z", dv->text,
			  dv->nversion, dv->nversion == 1 ? "" : "s");
}

/*
 * Inf2Cat rejects a DriverVer date later than today, and "today" is the UTC
 * date unless /uselocaltime: east of UTC a date stamped from the local clock
 * is "in the future" until UTC midnight.
 */
static void rule_driverver_future(struct check_ctx *c)
{
	const struct inf_driverver *dv = &c->f->version.driverver;
	time_t now = (time_t)c->opt->now;
	struct tm tm;
	unsigned y, m, d;

	if (!dv->present || !dv->valid || !gmtime_r(&now, &tm))
		return;
	y = (unsigned)tm.tm_year + 1900;
	m = (unsigned)tm.tm_mon + 1;
	d = (unsigned)tm.tm_mday;
	if (dv->year * 10000 + dv->month * 100 + dv->day <= y * 10000 + m * 100 + d)
		return;
	check_add(c, R_DRIVERVER_FUTURE, dv->pos.line, NULL,
		  "DriverVer date %02u/%02u/%04u is after today's date in UTC (%02u/%02u/%04u): Inf2Cat compares it with the UTC date unless run with /uselocaltime, so a date taken from a local clock ahead of UTC fails with 22.9.7 until UTC reaches it",
		  dv->month, dv->day, dv->year, m, d, y);
}

static bool bare_cat_name(const char *v)
{
	return v[0] && !strpbrk(v, "\\/:") && dc_has_suffix_ci(v, ".cat") && strlen(v) > 4;
}

static void check_catalog_value(struct check_ctx *c, const struct inf_value *v, const char *key)
{
	if (v->value && !bare_cat_name(v->value))
		check_add(c, R_CATALOGFILE, v->pos.line, NULL,
			  "%s '%s' is not a plain file name ending in .cat; the catalog lives next to the INF",
			  key, v->value);
}

static void rule_catalogfile(struct check_ctx *c)
{
	const struct inf_version *v = &c->f->version;
	bool any = v->catalog.value || v->catalog_nt.value;
	char key[64];

	check_catalog_value(c, &v->catalog, "CatalogFile");
	check_catalog_value(c, &v->catalog_nt, "CatalogFile.NT");
	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		const struct inf_value *va = &v->catalog_arch[a];

		if (!va->value)
			continue;
		any = true;
		snprintf(key, sizeof(key), "CatalogFile.NT%s", inf_arch_name((enum inf_arch)a));
		check_catalog_value(c, va, key);
		for (int b = INF_ARCH_X86; b < a; b++)
			if (v->catalog_arch[b].value && dc_strcaseeq(v->catalog_arch[b].value, va->value))
				check_add(c, R_CATALOGFILE, va->pos.line, NULL,
					  "%s names '%s' like CatalogFile.NT%s; each decorated CatalogFile needs its own name",
					  key, va->value, inf_arch_name((enum inf_arch)b));
	}
	if (!any && v->present)
		check_add(c, R_CATALOGFILE, version_line(c), NULL,
			  "[Version] has no CatalogFile entry, so Windows treats the package as unsigned and Inf2Cat makes no catalog for it");
}

static void rule_catalog_arch(struct check_ctx *c)
{
	const struct inf_version *v = &c->f->version;
	bool any = v->catalog.value || v->catalog_nt.value;

	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++)
		any |= v->catalog_arch[a].value != NULL;
	if (!any)
		return; /* DC-INF-008 says so once */
	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		const char *arch = inf_arch_name((enum inf_arch)a);

		if (!(c->m.checked & CHECK_ARCH_BIT(a)) || inf_catalog_for_arch(c->f, (enum inf_arch)a).value)
			continue;
		check_add(c, R_CATALOG_ARCH, version_line(c), NULL,
			  "no CatalogFile applies to %s%s: [Version] has neither CatalogFile, CatalogFile.NT nor CatalogFile.NT%s (Inf2Cat: \"Missing %s CatalogFile entry\")",
			  arch, c->opt->targets ? " (requested by --os)" : "", arch, arch);
	}
}

static void rule_pnplockdown(struct check_ctx *c)
{
	const struct inf_value *p = &c->f->version.pnp_lockdown;

	if (!c->f->version.present)
		return;
	if (!p->value)
		check_add(c, R_PNPLOCKDOWN, version_line(c), NULL,
			  "[Version] has no PnpLockdown=1, so other software may change the driver's installed files");
	else if (strcmp(p->value, "1") != 0)
		check_add(c, R_PNPLOCKDOWN, p->pos.line, NULL, "PnpLockdown is '%s', not 1", p->value);
}

static void rule_extension(struct check_ctx *c)
{
	const struct inf_version *v = &c->f->version;

	if (!v->class_name.value || !dc_strcaseeq(v->class_name.value, "Extension"))
		return;
	if (!v->extension_id.value || !v->extension_id.value[0])
		check_add(c, R_EXTENSION_ID, v->class_name.pos.line, NULL,
			  "Class=Extension INF has no ExtensionId in [Version]");
	else if (!check_braced_guid(v->extension_id.value))
		check_add(c, R_EXTENSION_ID, v->extension_id.pos.line, NULL,
			  "ExtensionId '%s' is not a braced GUID", v->extension_id.value);
}

static void rule_repeated_keys(struct check_ctx *c)
{
	static const char *const single[] = { "Signature", "Class", "ClassGuid", "Provider",
					      "DriverVer", "PnpLockdown", "ExtensionId", "LayoutFile",
					      "CatalogFile" };
	const struct inf_file *f = c->f;
	const struct inf_section *s = inf_find_section(f, "Version");

	for (size_t i = 0; s && i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);
		bool single_valued = false;

		if (!e->key_value)
			continue;
		for (size_t k = 0; k < sizeof(single) / sizeof(single[0]); k++)
			single_valued |= dc_strcaseeq(e->key_value, single[k]) ||
					 (!strcmp(single[k], "CatalogFile") &&
					  dc_has_prefix_ci(e->key_value, "CatalogFile."));
		if (!single_valued)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct inf_entry *p = inf_section_entry(f, s, j);

			if (p->key_value && dc_strcaseeq(p->key_value, e->key_value)) {
				check_add(c, R_VERSION_KEY_REPEATED, e->pos.line, NULL,
					  "%s is given again (first on line %u); Windows uses the first",
					  e->key_value, p->pos.line);
				break;
			}
		}
	}
}

int check_rules_version(struct check_ctx *c)
{
	if (!c->f->version.present)
		return c->rc; /* DC-INF-003 said so; everything else here would repeat it */
	rule_class(c);
	rule_provider(c);
	rule_driverver(c);
	rule_driverver_future(c);
	rule_catalogfile(c);
	rule_catalog_arch(c);
	rule_pnplockdown(c);
	rule_extension(c);
	rule_repeated_keys(c);
	return c->rc;
}
