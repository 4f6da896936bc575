/* internal.h - shared by the files of src/check; not a public API. */
#ifndef DRVCAT_CHECK_INTERNAL_H
#define DRVCAT_CHECK_INTERNAL_H

#include "../util/fs.h"
#include "check.h"

/* Rule ids: index into the rule table; the code is DC-INF-<id + 1>. */
enum check_rule_id {
	R_ENCODING,            /* 001 */
	R_SYNTAX,
	R_SIGNATURE,
	R_CLASS,
	R_PROVIDER,
	R_DRIVERVER,
	R_DRIVERVER_FUTURE,
	R_CATALOGFILE,
	R_CATALOG_ARCH,
	R_PNPLOCKDOWN,         /* 010 */
	R_DUP_SECTION,
	R_TEXT_BEFORE_SECTION,
	R_UNDEFINED_STRING,
	R_STRINGS_LOCALE,
	R_UNSTAMPED,
	R_MANUFACTURER,
	R_TARGETOS,
	R_MODELS_MISSING,
	R_MODELS_ARCH,
	R_MODELS_ENTRY,        /* 020 */
	R_INSTALL_MISSING,
	R_SERVICES,
	R_ADDSERVICE,
	R_SECTION_UNDEFINED,
	R_COPYFILES,
	R_DESTDIRS_MISSING,
	R_DIRID,
	R_SDF_MISSING,
	R_SDF_NAME,
	R_DISK_ID,             /* 030 */
	R_SOURCE_PATH,
	R_SOURCE_FILE_MISSING,
	R_DIRID13,
	R_SAME_DESTINATION,
	R_SDN_SDF_PAIR,
	R_SECTION_KINDS,
	R_SECTION_UNREFERENCED,
	R_INCLUDE_NEEDS,
	R_EXTENSION_ID,
	R_DEFAULTINSTALL,      /* 040 */
	R_COPYINF,
	R_UNREFERENCED_FILE,
	R_PROTECTED_FILE,
	R_TOO_MANY_FIELDS,
	R_ANSI_NON_ASCII,      /* 045 */
	R_SERVICEBINARY_DIRID,
	R_SERVICEBINARY_COPIED,
	R_HWID,
	R_MODELS_FOR_OS,
	R_SDF_NEVER_COPIED,    /* 050 */
	R_REGISTRY_NON_HKR,
	R_ISOLATION_REGISTRY,
	R_ISOLATION_DIRID,
	R_DEPRECATED_DIRID,
	R_UTF16_NO_BOM,
	R_UNCLOSED_QUOTE,
	R_FIELD_LIMIT,
	R_CATALOG_DECORATION,
	R_VERSION_KEY_REPEATED,
	R_COPYFILES_IGNORED,   /* 060 */
	R_FEATURESCORE,
	R_ASSOCSERVICE,
	R_COUNT
};

#define CHECK_ARCH_BIT(a) (1u << (unsigned)(a))

/* Directive kinds that name sections (a bit each, for "used by two kinds"). */
enum check_kind {
	K_COPYFILES, K_DELFILES, K_RENFILES, K_ADDREG, K_DELREG, K_BITREG, K_INI2REG,
	K_UPDATEINIS, K_UPDATEINIFIELDS, K_ADDPROPERTY, K_DELPROPERTY, K_REGISTERDLLS,
	K_UNREGISTERDLLS, K_PROFILEITEMS, K_LOGCONFIG, K_ADDPOWERSETTING, K_NEEDS,
	K_ADDSERVICE, K_EVENTLOG, K_ADDINTERFACE, K_ADDFILTER,
	K_ADDCOMPONENT, K_ADDSOFTWARE, K_KMDFSERVICE, K_UMDFSERVICE, K_ADDEVENTPROVIDER,
	K_ADDTRIGGER, K_STI_EVENTS, K_STI_DEVICEDATA, K_DATASECTION, K_WMIINTERFACE, K_COUNT
};

_Static_assert(K_COUNT <= 32, "directive kinds are bits of an unsigned");

/* What a reached section is used as. */
enum check_role {
	ROLE_MODELS = 1u << 0,
	ROLE_INSTALL = 1u << 1,   /* directive-bearing: DDInstall and its kin */
	ROLE_FILELIST = 1u << 2,  /* CopyFiles / DelFiles / RenFiles list */
	ROLE_REGLIST = 1u << 3,   /* AddReg / DelReg / BitReg list */
	ROLE_SERVICE = 1u << 4,   /* service-install section (AddService, UmdfService) */
	ROLE_DATA = 1u << 5       /* any other list a directive names */
};

/* One section reference made by a directive. */
struct check_ref {
	const struct inf_entry *entry; /* the directive line */
	size_t field;                  /* field index of the name */
	enum check_kind kind;
	const char *name;              /* the section name (substituted) */
};

/* One file copy: a line of a CopyFiles list, or a CopyFiles=@file. */
struct check_copy {
	const struct inf_entry *directive; /* the CopyFiles line */
	const struct inf_section *list;    /* NULL for @file */
	const struct inf_entry *entry;     /* the list line; NULL for @file */
	const char *dest, *src;
	const char *raw_src;               /* src as written, before %strkey% substitution */
	uint32_t line;
	unsigned arch_mask;                /* architectures it is reached on */
};

/* What the rules need to know about an INF beyond its text. */
struct check_model {
	unsigned char *roles;   /* per section: enum check_role bits, any architecture */
	unsigned *reach;        /* per section: architectures it is reached on */
	unsigned *kinds;        /* per section: bits of enum check_kind naming it (anywhere) */
	bool *textual;          /* per section: named anywhere in the INF (or a known root) */
	unsigned served;        /* architectures some Models (or DefaultInstall) section serves */
	unsigned checked;       /* architectures per-architecture rules check */
	bool has_template;      /* "$ARCH$" appears in a decoration or section name */
	const char **bases;     /* install-section base names the INF names (textual pass) */
	size_t nbases, bases_cap;
	struct check_copy *copies;
	size_t ncopies, copies_cap;
};

/* State of one INF's check. */
struct check_ctx {
	struct report *r;
	const struct check_options *opt;
	struct dc_error *err;
	const char *root;         /* realpath of the package directory */
	struct fs_dircache *dircache; /* directory listings shared by the package's INFs */
	const char *display_root; /* how the package directory is shown ("" = none) */
	const struct inf_file *f;
	const char *inf_rel;      /* relative to root, '/'-separated */
	const char *inf_dir;      /* its directory relative to root ("" at the top) */
	char *inf_display;        /* as shown; JUnit classname */
	struct check_model m;
	uint64_t *seen;           /* hashes of findings already added (dedupe) */
	size_t nseen, seen_cap;
	char **referenced;        /* package files this INF references (relative paths) */
	size_t nreferenced, referenced_cap;
	int rc;                   /* first hard failure */
};

extern const struct check_rule check_rule_table[R_COUNT];

/*
 * Adds a finding of rule id about the current INF at line (0: the whole
 * file); fix NULL uses the rule's usual fix.  Does nothing when the rule is
 * off in the mode, or the same finding was added already.  Returns 0 or
 * DC_ENOMEM (also kept in c->rc).
 */
int check_add(struct check_ctx *c, enum check_rule_id id, uint32_t line, const char *fix,
	      const char *fmt, ...) DC_PRINTF(5, 6);
/* The same about another file of the package (path relative to the root). */
int check_add_file(struct check_ctx *c, enum check_rule_id id, const char *rel, uint32_t line,
		   const char *fix, const char *fmt, ...) DC_PRINTF(6, 7);
bool check_rule_on(const struct check_ctx *c, enum check_rule_id id);
/* Remembers a package file (relative path) as referenced by the INF. */
int check_reference_file(struct check_ctx *c, const char *rel);

/* model.c: reachability, copies, architectures (fills c->m from c->f). */
int check_model_build(struct check_ctx *c);
void check_model_free(struct check_model *m);
/* Whether Windows processes CopyFiles in section i (DDInstall-like, not .HW/.Services/...). */
bool check_copyfiles_processed(const struct check_ctx *c, size_t i);

/* refs.c: directives that name sections, install variants, the textual pass. */
extern const char *const check_install_suffixes[];   /* "Services", "HW", ... */
extern const size_t check_ninstall_suffixes;
#define CHECK_NINSTALL_ROOTS 3
extern const char *const check_install_roots[CHECK_NINSTALL_ROOTS]; /* DefaultInstall, DefaultUninstall, ClassInstall32 */
/* What a section named by field of a directive of this kind is used as (enum check_role). */
unsigned check_ref_role(enum check_kind kind, size_t field);
/* Marks c->m.textual and c->m.kinds for every section the INF names anywhere. */
void check_mark_textual(struct check_ctx *c);
/* Calls fn for each section reference made by entry e (a directive line). */
void check_entry_refs(const struct inf_file *f, const struct inf_entry *e,
		      void (*fn)(void *arg, const struct check_ref *ref), void *arg);
/* Field of directive key that names a section: -1 every field, -2 not such a directive. */
int check_directive_field(const char *key);
const char *check_kind_name(enum check_kind kind);
/* The install section Windows picks for base on arch (template arch: base.NT$ARCH$ first). */
const struct inf_section *check_install_for(const struct inf_file *f, const char *base,
					    enum inf_arch arch);
/* Whether rest, following an install base, is a platform variant ("", ".NTamd64.Services", ...). */
bool check_variant_rest(const char *rest, enum inf_arch *arch, bool *versioned, bool *suffixed);
/* "amd64,arm64" for a mask. */
void check_arch_list(char *out, size_t n, unsigned mask);
size_t check_section_index(const struct inf_file *f, const struct inf_section *s);
/* Whether s ends with ".suffix" (case-insensitive). */
bool check_has_dot_suffix(const char *s, const char *suffix);
/* r_version.c: {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}, hex digits of either case. */
bool check_braced_guid(const char *s);

/* The rule groups; each returns 0 or DC_ENOMEM. */
int check_parser_diags(struct check_ctx *c);
int check_rules_version(struct check_ctx *c);
int check_rules_strings(struct check_ctx *c);
int check_rules_models(struct check_ctx *c);
int check_rules_sections(struct check_ctx *c);
int check_rules_services(struct check_ctx *c);
int check_rules_files(struct check_ctx *c);
int check_rules_sources(struct check_ctx *c);
int check_rules_registry(struct check_ctx *c);
int check_rules_package(struct check_ctx *c);

/* r_package.c: files of the package no INF references (DC-INF-042, -043); after every INF. */
int check_package_files(struct check_ctx *const *infs, size_t ninfs);
/* Whether a file name is one of Windows' protected files (DC-INF-043). */
bool check_protected_name(const char *name);

/* paths.c: a package-relative path assembled from INF text. */
#define CHECK_PATH_MAX 64
struct check_path {
	char *items[CHECK_PATH_MAX];
	size_t n;
};
/* Appends path's components; NULL, or why the path is not allowed (*rc = DC_ENOMEM on failure). */
const char *check_path_add(struct check_path *p, const char *path, int *rc);
void check_path_free(struct check_path *p);
/* "a/b/c"; malloc'd, NULL when out of memory. */
char *check_path_join(const struct check_path *p);
/* A subdirectory normalised for comparison: "x64\sub" from ".\X64\Sub". */
void check_path_norm(char *out, size_t n, const char *path);

#endif
