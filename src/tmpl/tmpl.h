/*
 * tmpl.h - driver package templates for `drvcat new`: a small template
 * engine, the table of package kinds, and rendering a kind into a package
 * skeleton (INF files, per-architecture directories, README) that is written
 * all or nothing.
 *
 * Template syntax (inf-templates/README.md has the full list of names):
 *
 *   {{NAME}}          replaced by the value of NAME.  NAME is [A-Z][A-Z0-9_]*.
 *                     A name the caller did not define is an error naming the
 *                     template file, line and column ("unknown placeholder").
 *   {{FOR LIST}}      on a line of its own: the lines up to the matching
 *   {{END}}           {{END}} are repeated once per item of LIST, with that
 *                     item's names (e.g. {{ARCH}} inside {{FOR ARCH}})
 *                     defined.  Loops nest; a list cannot nest in itself.
 *
 * Values are inserted verbatim: the caller validates and quotes them for INF
 * syntax first (tmpl_quote_text).  Every placeholder is checked, even in a
 * loop that runs zero times, so a template error never depends on the input.
 *
 * Nothing here prints; errors are DC_E* codes with a one-line message.
 * DC_EUSAGE means a bad request (the user's input), anything else a failure.
 */
#ifndef DRVCAT_TMPL_TMPL_H
#define DRVCAT_TMPL_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"

/* --- the engine ---------------------------------------------------------- */

struct tmpl_var {
	const char *name;
	const char *value;
};

/* A list for {{FOR name}}: nitems rows of nkeys values each (row-major). */
struct tmpl_list {
	const char *name;
	const char *const *keys;
	size_t nkeys;
	const char *const *values;
	size_t nitems;
};

struct tmpl_vars {
	const struct tmpl_var *vars;
	size_t nvars;
	const struct tmpl_list *lists;
	size_t nlists;
};

#define TMPL_MAX_DEPTH 4                  /* nested {{FOR}} loops */
#define TMPL_MAX_TEXT ((size_t)1 << 20)   /* template size */
#define TMPL_MAX_OUTPUT ((size_t)4 << 20) /* rendered size */

/*
 * Renders text (len bytes; path is used in messages only) into out, which
 * the caller has initialised.  Lines end in "\n" ("\r\n" in the template is
 * read as "\n").  Errors: DC_ESYNTAX "path:line:col: what" for a template
 * problem, DC_ENOMEM.
 */
int tmpl_render(struct dc_buf *out, const char *path, const char *text, size_t len,
		const struct tmpl_vars *v, struct dc_error *err);

/* --- values -------------------------------------------------------------- */

/*
 * Validators: 0, or DC_EUSAGE with a message naming the option ("--name
 * 'x y' ...").  They accept only what needs no escaping where the value is
 * used (file, service and section names; Models entries).
 */
int tmpl_check_name(const char *name, struct dc_error *err);
int tmpl_check_hwid(const char *id, struct dc_error *err);
int tmpl_check_text(const char *opt, const char *s, size_t max_chars, struct dc_error *err);
int tmpl_check_provider(const char *s, struct dc_error *err);
int tmpl_check_version(const char *s, struct dc_error *err);
int tmpl_check_guid(const char *opt, const char *s, struct dc_error *err);

/* "text" with each '"' doubled: an INF quoted string (STRINGS).  malloc'd or NULL. */
char *tmpl_quote_text(const char *s);

/* Architectures of --arch (bits of enum tmpl_arch). */
enum tmpl_arch { TMPL_ARCH_AMD64, TMPL_ARCH_ARM64, TMPL_ARCH_COUNT };
const char *tmpl_arch_name(enum tmpl_arch a);
/* "amd64", "arm64", "amd64,arm64" (either order, no repeats) -> *mask. */
int tmpl_parse_arches(const char *s, unsigned *mask, struct dc_error *err);

/* A braced, lower-case version 4 GUID from the system's random source. */
int tmpl_random_guid(char out[39], struct dc_error *err);

/* --- kinds --------------------------------------------------------------- */

enum tmpl_filter { TMPL_FILTER_NONE, TMPL_FILTER_UPPER, TMPL_FILTER_LOWER };

/* Which options a kind takes (bits). */
enum {
	TMPL_TAKES_HWID = 1u << 0,         /* device kinds: --hwid required */
	TMPL_TAKES_CLASS = 1u << 1,        /* --class from the system setup classes */
	TMPL_TAKES_FSCLASS = 1u << 2,      /* --class from the file system filter classes */
	TMPL_TAKES_FILTER = 1u << 3,       /* --filter upper|lower required */
	TMPL_TAKES_ALTITUDE = 1u << 4,     /* --altitude */
	TMPL_TAKES_EXTENSION_ID = 1u << 5, /* --extension-id */
};

/* One INF a kind renders. */
struct tmpl_inf {
	const char *template;   /* path below inf-templates/, e.g. "kmdf/kmdf.inf.in" */
	const char *suffix;     /* output NAME<suffix>.inf */
	bool has_binary;        /* this INF copies the kind's binary */
};

struct tmpl_kind {
	const char *name;       /* "kmdf" */
	const char *summary;    /* one line for `drvcat new --list` */
	unsigned takes;         /* TMPL_TAKES_* */
	const char *binary_ext; /* ".sys", ".dll", ".exe" */
	const char *binary_what;/* "kernel-mode driver", for the placeholders */
	unsigned min_build;     /* TargetOS build of the Models decorations (0: no Models) */
	const char *default_class;
	struct tmpl_inf infs[2];/* the second has template == NULL when unused */
};

/* The kind table; *n receives its length. */
const struct tmpl_kind *tmpl_kinds(size_t *n);
/* A kind by name (exact, lower case), or NULL. */
const struct tmpl_kind *tmpl_kind_find(const char *name);

/* A setup class --class may name; group and altitudes only for file system filter classes. */
struct tmpl_class {
	const char *name, *guid;
	const char *group;          /* LoadOrderGroup */
	unsigned long alt_low, alt_high;
};

/* Class name for kind k (case-insensitive), or NULL when k cannot use it. */
const struct tmpl_class *tmpl_class_find(const struct tmpl_kind *k, const char *name);
/* The classes --class may name for k (the system classes, or the file system filter classes). */
const struct tmpl_class *tmpl_class_table(const struct tmpl_kind *k, size_t *n);

/* --- packages ------------------------------------------------------------ */

struct tmpl_request {
	const char *kind;
	const char *name;
	const char *const *hwids;
	size_t nhwids;
	const char *provider;     /* NULL: TMPL_DEFAULT_PROVIDER */
	const char *class_name;   /* NULL: the kind's default */
	const char *arches;       /* NULL: "amd64,arm64" */
	const char *version;      /* NULL: "1.0.0.0" */
	const char *filter;       /* "upper" | "lower" | NULL */
	const char *altitude;     /* NULL: the middle of the class's range */
	const char *extension_id; /* NULL: a new random GUID */
	const char *template_dir; /* NULL: the templates built into drvcat */
	int64_t now;              /* DriverVer date: this time's UTC date */
};

#define TMPL_DEFAULT_PROVIDER "TODO-Set-Provider"

struct tmpl_file {
	char *path;              /* relative to the package directory, '/'-separated */
	unsigned char *data;
	size_t len;
};

struct tmpl_package {
	const struct tmpl_kind *kind;
	struct tmpl_file *files; /* in the order they are listed to the user */
	size_t nfiles;
	char *altitude;          /* minifilter: the altitude used (for a note) */
	bool default_altitude;
	bool default_provider;
};

/*
 * Validates req and renders its kind: every INF (checked by parsing it with
 * src/inf: a template that yields a diagnostic is an error), a README.txt in
 * each architecture directory saying which binary goes there, and README.md.
 * An INF with non-ASCII text is written as UTF-16LE with a byte-order mark
 * and CRLF line ends, as Windows requires; otherwise as ASCII.
 */
int tmpl_package_render(struct tmpl_package **out, const struct tmpl_request *req,
			struct dc_error *err);
void tmpl_package_free(struct tmpl_package *p);

/*
 * Writes p's files into dir, all or nothing: everything is written to a new
 * temporary directory beside dir, which is then renamed to dir.  dir must
 * not exist, or be an empty directory, or (force) a directory whose contents
 * are replaced: the old directory is moved aside, the new one renamed in, and
 * only then is the old one deleted.  On any error nothing new is left behind
 * and an existing dir is untouched.
 */
int tmpl_package_write(const struct tmpl_package *p, const char *dir, bool force,
		       struct dc_error *err);

/* The template text for path (relative to inf-templates/): from dir, or built in when dir is NULL. */
int tmpl_load(char **text, size_t *len, const char *dir, const char *path, struct dc_error *err);

#endif
