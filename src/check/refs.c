/*
 * refs.c - how sections name each other: the directives whose fields are
 * section names (INF directive pages: CopyFiles, AddReg, AddService, ...),
 * the platform variants and suffixed subsections of an install section
 * (PLATEXT, DDINSTALL), and the textual pass that marks every section the
 * INF names anywhere, for DC-INF-037 "never referenced".  A name counts even
 * when the naming section itself is dead, so one forgotten section is
 * reported once, not with everything below it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

struct directive {
	const char *name;
	enum check_kind kind;
	int field;      /* the field naming the section; -1: every field */
	unsigned role;  /* what the named section is used as */
};

static const struct directive directives[] = {
	{ "CopyFiles", K_COPYFILES, -1, ROLE_FILELIST },
	{ "DelFiles", K_DELFILES, -1, ROLE_FILELIST },
	{ "RenFiles", K_RENFILES, -1, ROLE_FILELIST },
	{ "AddReg", K_ADDREG, -1, ROLE_REGLIST },
	{ "DelReg", K_DELREG, -1, ROLE_REGLIST },
	{ "BitReg", K_BITREG, -1, ROLE_REGLIST },
	{ "Ini2Reg", K_INI2REG, -1, ROLE_DATA },
	{ "UpdateInis", K_UPDATEINIS, -1, ROLE_DATA },
	{ "UpdateIniFields", K_UPDATEINIFIELDS, -1, ROLE_DATA },
	{ "AddProperty", K_ADDPROPERTY, -1, ROLE_DATA },
	{ "DelProperty", K_DELPROPERTY, -1, ROLE_DATA },
	{ "RegisterDlls", K_REGISTERDLLS, -1, ROLE_DATA },
	{ "UnregisterDlls", K_UNREGISTERDLLS, -1, ROLE_DATA },
	{ "ProfileItems", K_PROFILEITEMS, -1, ROLE_DATA },
	{ "LogConfig", K_LOGCONFIG, -1, ROLE_DATA },
	{ "AddPowerSetting", K_ADDPOWERSETTING, -1, ROLE_DATA },
	{ "Needs", K_NEEDS, -1, ROLE_INSTALL },
	/* AddService = name, flags, service-install-section[, event-log-install-section, ...] */
	{ "AddService", K_ADDSERVICE, 2, ROLE_INSTALL | ROLE_SERVICE },
	{ "AddService", K_EVENTLOG, 3, ROLE_INSTALL },
	/* AddInterface = {guid}, [reference], [add-interface-section], [flags] */
	{ "AddInterface", K_ADDINTERFACE, 2, ROLE_INSTALL },
	{ "AddFilter", K_ADDFILTER, 2, ROLE_INSTALL },
	{ "AddComponent", K_ADDCOMPONENT, 2, ROLE_INSTALL },
	{ "AddSoftware", K_ADDSOFTWARE, 2, ROLE_INSTALL },
	{ "KmdfService", K_KMDFSERVICE, 1, ROLE_INSTALL },
	{ "UmdfService", K_UMDFSERVICE, 1, ROLE_INSTALL | ROLE_SERVICE },
	{ "AddEventProvider", K_ADDEVENTPROVIDER, 1, ROLE_INSTALL },
	{ "AddTrigger", K_ADDTRIGGER, -1, ROLE_DATA },
	/* class-specific: still image (Image class) and printer INFs */
	{ "Events", K_STI_EVENTS, -1, ROLE_DATA },
	{ "DeviceData", K_STI_DEVICEDATA, -1, ROLE_DATA },
	{ "DataSection", K_DATASECTION, -1, ROLE_DATA },
	/* DDInstall.WMI: WMIInterface = {guid}, flags, WMI-security-section */
	{ "WMIInterface", K_WMIINTERFACE, 2, ROLE_DATA },
};
#define NDIRECTIVES (sizeof(directives) / sizeof(directives[0]))

/* Second-level suffixes of install sections (DDINSTALL, PLATEXT). */
const char *const check_install_suffixes[] = {
	"Services", "HW", "CoInstallers", "Interfaces", "Wdf", "Filters", "Components",
	"Software", "Events", "FactDef", "LogConfigOverride", "Remove", "Remove.Services", "WMI",
};
const size_t check_ninstall_suffixes = sizeof(check_install_suffixes) / sizeof(check_install_suffixes[0]);

/* Roots Windows looks up by name; install-like ones get platform variants. */
const char *const check_install_roots[CHECK_NINSTALL_ROOTS] = { "DefaultInstall", "DefaultUninstall", "ClassInstall32" };
static const char *const data_roots[] = { "Version", "Manufacturer", "DestinationDirs", "ControlFlags",
					  "InterfaceInstall32", "SourceDisksNames", "SourceDisksFiles" };

size_t check_section_index(const struct inf_file *f, const struct inf_section *s)
{
	return (size_t)(s - f->sections);
}

bool check_has_dot_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && s[n - k - 1] == '.' && dc_strcaseeq(s + n - k, suffix);
}

void check_arch_list(char *out, size_t n, unsigned mask)
{
	out[0] = '\0';
	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		size_t used = strlen(out);

		if (!(mask & CHECK_ARCH_BIT(a)))
			continue;
		snprintf(out + used, n - used, "%s%s", used ? "," : "", inf_arch_name((enum inf_arch)a));
	}
}

const struct inf_section *check_install_for(const struct inf_file *f, const char *base,
					    enum inf_arch arch)
{
	char name[INF_MAX_SECTION_NAME * 2 + 16];
	const struct inf_section *s;

	if (arch != INF_ARCH_TEMPLATE)
		return inf_find_install_section(f, base, arch);
	snprintf(name, sizeof(name), "%s.NT$ARCH$", base);
	if ((s = inf_find_section(f, name)))
		return s;
	return inf_find_install_section(f, base, INF_ARCH_NONE);
}

void check_entry_refs(const struct inf_file *f, const struct inf_entry *e,
		      void (*fn)(void *arg, const struct check_ref *ref), void *arg)
{
	if (!e->key_value)
		return;
	for (size_t d = 0; d < NDIRECTIVES; d++) {
		const struct directive *dv = &directives[d];

		if (!dc_strcaseeq(e->key_value, dv->name))
			continue;
		for (size_t k = 0; k < e->nfields; k++) {
			struct check_ref ref = { e, k, dv->kind, inf_field_value(f, e, k) };

			if (dv->field >= 0 && k != (size_t)dv->field)
				continue;
			if (!ref.name[0] || (dv->kind == K_COPYFILES && ref.name[0] == '@'))
				continue;
			fn(arg, &ref);
		}
	}
}

int check_directive_field(const char *key)
{
	for (size_t d = 0; key && d < NDIRECTIVES; d++)
		if (dc_strcaseeq(key, directives[d].name))
			return directives[d].field;
	return -2;
}

const char *check_kind_name(enum check_kind kind)
{
	for (size_t d = 0; d < NDIRECTIVES; d++)
		if (directives[d].kind == kind)
			return kind == K_EVENTLOG ? "AddService (event log)" : directives[d].name;
	return "?";
}

unsigned check_ref_role(enum check_kind kind, size_t field)
{
	for (size_t d = 0; d < NDIRECTIVES; d++)
		if (directives[d].kind == kind &&
		    (directives[d].field < 0 || (size_t)directives[d].field == field))
			return directives[d].role;
	return ROLE_DATA;
}

/* --- textual references --- */

static void mark_name(struct check_ctx *c, const char *name)
{
	const struct inf_section *s = inf_find_section(c->f, name);

	if (s)
		c->m.textual[check_section_index(c->f, s)] = true;
}

static bool is_install_suffix(const char *s)
{
	for (size_t k = 0; k < check_ninstall_suffixes; k++)
		if (dc_strcaseeq(s, check_install_suffixes[k]))
			return true;
	return false;
}

/*
 * Whether rest (what follows an install base in a section name) is a
 * platform variant: "", ".Suffix", ".NT[arch][.version...][.Suffix]".  Version
 * parts are accepted for DefaultInstall.NT<arch>.10.0...25952-style names.
 */
bool check_variant_rest(const char *p, enum inf_arch *arch, bool *versioned, bool *suffixed)
{
	static const enum inf_arch order[] = { INF_ARCH_AMD64, INF_ARCH_ARM64, INF_ARCH_IA64,
					       INF_ARCH_X86, INF_ARCH_ARM, INF_ARCH_TEMPLATE };

	*arch = INF_ARCH_NONE;
	*versioned = *suffixed = false;
	if (!*p)
		return true;
	if (*p != '.')
		return false;
	if (is_install_suffix(p + 1))
		return *suffixed = true;
	if (!dc_has_prefix_ci(p + 1, "NT"))
		return false;
	p += 3;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *name = inf_arch_name(order[i]);
		size_t n = strlen(name);

		if (order[i] == INF_ARCH_TEMPLATE ? !strncmp(p, name, n) : dc_strncaseeq(p, name, n)) {
			*arch = order[i];
			p += n;
			break;
		}
	}
	while (*p) {
		size_t n;

		if (*p != '.')
			return false;
		if (is_install_suffix(p + 1))
			return *suffixed = true;
		p++;
		n = strspn(p, "0123456789abcdefABCDEFxX");
		if (p[n] && p[n] != '.')
			return false;
		*versioned = true;
		p += n;
	}
	return true;
}

static int add_base(struct check_ctx *c, const char *base)
{
	if (!base[0])
		return 0;
	if (dc_array_grow((void **)&c->m.bases, &c->m.bases_cap, c->m.nbases + 1, sizeof(char *),
			  c->err))
		return c->rc = DC_ENOMEM;
	c->m.bases[c->m.nbases++] = base;
	return 0;
}

static int cmp_ci(const void *a, const void *b)
{
	return dc_strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* Marks every section that is a platform variant (or subsection) of a known install base. */
static void mark_variants(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	char prefix[INF_MAX_SECTION_NAME * 4 + 8];

	if (c->m.nbases)
		qsort(c->m.bases, c->m.nbases, sizeof(char *), cmp_ci);
	for (size_t i = 0; i < f->nsections && c->m.nbases; i++) {
		const char *name = f->sections[i].name;
		size_t len = strlen(name);

		for (size_t k = 0; k <= len && k < sizeof(prefix) && !c->m.textual[i]; k++) {
			const char *key = prefix;
			enum inf_arch arch;
			bool versioned, suffixed;

			if (name[k] != '.' && name[k] != '\0')
				continue;
			memcpy(prefix, name, k);
			prefix[k] = '\0';
			if (bsearch(&key, c->m.bases, c->m.nbases, sizeof(char *), cmp_ci) &&
			    check_variant_rest(name + k, &arch, &versioned, &suffixed))
				c->m.textual[i] = true;
		}
	}
}

static void mark_ref(void *arg, const struct check_ref *ref)
{
	struct check_ctx *c = arg;
	const struct inf_section *s = inf_find_section(c->f, ref->name);
	char name[INF_MAX_SECTION_NAME * 2 + 16];

	if (!s)
		return;
	c->m.textual[check_section_index(c->f, s)] = true;
	c->m.kinds[check_section_index(c->f, s)] |= 1u << ref->kind;
	if (check_ref_role(ref->kind, ref->field) & ROLE_FILELIST) {
		snprintf(name, sizeof(name), "%s.security", ref->name);
		mark_name(c, name);
	}
	/* Needs names an install section: its subsections come along. */
	if (ref->kind == K_NEEDS)
		add_base(c, ref->name);
}

static bool is_models_name(const struct check_ctx *c, const struct inf_section *s)
{
	char name[INF_MAX_SECTION_NAME * 2 + 16];

	for (size_t i = 0; i < c->f->nmanufacturers; i++) {
		const struct inf_manufacturer *mf = &c->f->manufacturers[i];

		if (dc_strcaseeq(s->name, mf->models))
			return true;
		for (size_t t = 0; t < mf->ntargets; t++) {
			snprintf(name, sizeof(name), "%s.%s", mf->models, mf->targets[t].text);
			if (dc_strcaseeq(s->name, name))
				return true;
		}
	}
	return false;
}

void check_mark_textual(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	char name[INF_MAX_SECTION_NAME * 2 + 16];

	for (size_t i = 0; i < CHECK_NINSTALL_ROOTS; i++)
		add_base(c, check_install_roots[i]);
	for (size_t i = 0; i < sizeof(data_roots) / sizeof(data_roots[0]); i++)
		mark_name(c, data_roots[i]);
	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		snprintf(name, sizeof(name), "SourceDisksNames.%s", inf_arch_name((enum inf_arch)a));
		mark_name(c, name);
		snprintf(name, sizeof(name), "SourceDisksFiles.%s", inf_arch_name((enum inf_arch)a));
		mark_name(c, name);
	}
	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *mf = &f->manufacturers[i];

		mark_name(c, mf->models);
		for (size_t t = 0; t < mf->ntargets; t++) {
			snprintf(name, sizeof(name), "%s.%s", mf->models, mf->targets[t].text);
			mark_name(c, name);
		}
	}
	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];
		bool models = is_models_name(c, s);

		if (s->is_strings) {
			c->m.textual[i] = true;
			continue;
		}
		if (dc_strcaseeq(s->name, "Manufacturer"))
			continue;
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);

			if (models) {
				add_base(c, inf_field_value(f, e, 0));
			} else if (dc_strcaseeq(s->name, "InterfaceInstall32")) {
				add_base(c, inf_field_value(f, e, 0));
			} else {
				check_entry_refs(f, e, mark_ref, c);
			}
		}
	}
	mark_variants(c);
}
