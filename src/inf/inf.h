/*
 * inf.h - the INF engine: loads a Windows INF file, decodes it to UTF-8 once,
 * lexes it with Windows' rules (comments, quoting, continuation lines,
 * case-insensitive names, merged duplicate sections), substitutes %strkey%
 * tokens from [Strings] / [Strings.LLLL], and exposes the [Version] data and
 * the Manufacturer/Models structure.  Syntax reference: shared docs
 * inf-format.md §1 (Microsoft's "General syntax rules for INF files").
 *
 * Ownership: inf_load_* hand out a struct inf_file the caller frees with
 * inf_free(); every string and array inside lives as long as the file.
 * Problems in the text do not fail the load: they are recorded as
 * diagnostics (file, line, column, severity).  Only I/O, a file Windows
 * could not decode at all, or memory exhaustion fail it.
 */
#ifndef DRVCAT_INF_INF_H
#define DRVCAT_INF_INF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "../util/map.h"
#include "../util/text.h"

/* Limits from Microsoft's INF syntax rules (counts include the NUL). */
#define INF_MAX_FIELD_CHARS 4096
#define INF_MAX_SECTION_NAME 255
#define INF_MAX_FILE_BYTES (64u * 1024u * 1024u)
#define INF_MAX_DIAGS 1000

enum inf_arch {
	INF_ARCH_NONE = 0,
	INF_ARCH_X86,
	INF_ARCH_AMD64,
	INF_ARCH_IA64,
	INF_ARCH_ARM,
	INF_ARCH_ARM64,
	INF_ARCH_TEMPLATE, /* "$ARCH$" in an unstamped .inx */
	INF_ARCH_COUNT
};

/* "x86", "amd64", ... ("$ARCH$" for the template, "" for none). */
const char *inf_arch_name(enum inf_arch arch);
/* Parses an architecture name as used after "NT" (case-insensitive). */
bool inf_arch_parse(const char *s, size_t n, enum inf_arch *out);

enum inf_severity { INF_NOTE, INF_WARNING, INF_ERROR };

struct inf_pos {
	uint32_t line; /* 1-based physical line */
	uint32_t col;  /* 1-based character (code point) column */
};

struct inf_diag {
	enum inf_severity severity;
	struct inf_pos pos;
	const char *kind; /* stable category: "encoding", "syntax", "strings", "version", ... */
	const char *msg;
};

/*
 * Where a run of a field's text starts in the file.  Quotes and continuation
 * lines make the unquoted text and the source diverge; a field with more than
 * one run records each, so a position inside it maps back to line:column.
 */
struct inf_segment {
	uint32_t offset; /* byte offset in the unquoted text */
	struct inf_pos pos;
};

struct inf_field {
	const char *raw;   /* unquoted text as written, before %strkey% substitution */
	const char *value; /* after substitution (== raw in [Strings] sections) */
	struct inf_pos pos;
	const struct inf_segment *segs; /* NULL when the text is one run starting at pos */
	uint32_t nsegs;
};

struct inf_entry {
	const char *key;       /* text before '=' (raw), or NULL when the line has none */
	const char *key_value; /* key after substitution, or NULL */
	struct inf_pos pos;
	const struct inf_segment *key_segs; /* as for fields */
	uint32_t key_nsegs;
	size_t section;        /* index into sections */
	size_t first_field;    /* index into fields */
	size_t nfields;
};

struct inf_section {
	const char *name;      /* as in the first header */
	struct inf_pos pos;    /* of the first header */
	unsigned headers;      /* > 1 when the section was declared again (merged) */
	size_t *entries;       /* indices into inf_file.entries, in file order */
	size_t nentries, cap;
	bool is_strings;       /* [Strings] or [Strings.LLLL] */
	/* lookup key -> entry, for inf_find_entry on long sections (a driver
	 * package's [SourceDisksFiles] can list thousands of files); empty
	 * (cap 0) for short ones, which are scanned */
	struct dc_map entry_index;
};

struct inf_value {
	const char *value; /* NULL when absent */
	struct inf_pos pos;
};

struct inf_driverver {
	bool present;
	bool valid;            /* date and version both parsed */
	const char *text;      /* the whole value as written */
	unsigned month, day, year;
	unsigned version[4];
	unsigned nversion;     /* 0 when the version part is missing */
	struct inf_pos pos;
};

struct inf_version {
	bool present; /* a [Version] section exists */
	struct inf_value signature, class_name, class_guid, provider, extension_id;
	struct inf_value layout_file, pnp_lockdown;
	struct inf_value catalog;                      /* CatalogFile */
	struct inf_value catalog_nt;                   /* CatalogFile.NT */
	struct inf_value catalog_arch[INF_ARCH_COUNT]; /* CatalogFile.NT<arch> */
	struct inf_driverver driverver;
};

/* One TargetOSVersion decoration of a [Manufacturer] entry. */
struct inf_targetos {
	const char *text;         /* as written, e.g. "NTamd64.10.0...16299" */
	bool valid;
	enum inf_arch arch;       /* INF_ARCH_NONE when the decoration names none */
	bool has_version;         /* major.minor given */
	unsigned long major, minor;
	unsigned long product_type; /* 0 = any */
	unsigned long suite_mask;   /* 0 = any */
	unsigned long build;        /* 0 = any */
};

struct inf_manufacturer {
	const char *name;          /* the manufacturer (key, substituted) */
	const char *models;        /* models-section base name */
	struct inf_targetos *targets;
	size_t ntargets;
	struct inf_pos pos;
};

struct inf_options {
	unsigned codepage; /* 0 = auto (default Windows-1252) */
	unsigned locale;   /* LANGID choosing [Strings.LLLL]; 0 = 0x0409 */
};

struct inf_file {
	char *path;
	enum text_encoding encoding;
	unsigned codepage;
	bool ctrl_z;
	unsigned locale;

	struct inf_section *sections;
	size_t nsections, sections_cap;
	struct inf_entry *entries;
	size_t nentries, entries_cap;
	struct inf_field *fields;
	size_t nfields, fields_cap;
	struct inf_diag *diags;
	size_t ndiags, diags_cap;
	size_t ndiags_dropped;

	const struct inf_section *strings_default; /* [Strings] */
	const struct inf_section *strings_local;   /* the [Strings.LLLL] chosen for locale */

	struct inf_version version;
	struct inf_manufacturer *manufacturers;
	size_t nmanufacturers;

	/* ASCII case-insensitive name -> index into sections / entries; keys live in the arena */
	struct dc_map section_index;
	struct dc_map strings_index_default, strings_index_local;
	struct dc_arena arena;
};

/* Reads and parses path. */
int inf_load_file(struct inf_file **out, const char *path, const struct inf_options *opt,
		  struct dc_error *err);
/* Parses bytes already in memory; path is used in messages only. */
int inf_load_buffer(struct inf_file **out, const char *path, const unsigned char *data,
		    size_t len, const struct inf_options *opt, struct dc_error *err);
void inf_free(struct inf_file *f);

/* Section by name, ASCII case-insensitive; NULL when absent. */
const struct inf_section *inf_find_section(const struct inf_file *f, const char *name);
/* Entry i of a section. */
const struct inf_entry *inf_section_entry(const struct inf_file *f, const struct inf_section *s,
					   size_t i);
/* Substituted value of field i of an entry; "" when the entry has fewer fields. */
const char *inf_field_value(const struct inf_file *f, const struct inf_entry *e, size_t i);
const struct inf_field *inf_entry_field(const struct inf_file *f, const struct inf_entry *e,
					size_t i);
/*
 * The entry's lookup key: its key, or for a key-less single-field line the
 * field itself (how "[file-list]" lines and SourceDisksFiles lines work).
 */
const char *inf_entry_lookup_key(const struct inf_file *f, const struct inf_entry *e);
/* First entry of s whose lookup key equals key (case-insensitive), or NULL. */
const struct inf_entry *inf_find_entry(const struct inf_file *f, const struct inf_section *s,
				       const char *key);

/*
 * The install-type section Windows uses on arch for base name base: the first
 * of base.NT<arch>, base.NT, base that exists (PLATEXT).  NULL when none.
 */
const struct inf_section *inf_find_install_section(const struct inf_file *f, const char *base,
						   enum inf_arch arch);
/* CatalogFile.NT<arch>, else CatalogFile.NT, else CatalogFile (value NULL when none). */
struct inf_value inf_catalog_for_arch(const struct inf_file *f, enum inf_arch arch);

/* Parses a TargetOSVersion decoration; false with a reason when malformed. */
bool inf_targetos_parse(const char *text, struct inf_targetos *out, const char **why);

/* File position of byte offset off of a field's (or key's) unquoted text. */
struct inf_pos inf_text_pos(const char *raw, struct inf_pos start, const struct inf_segment *segs,
			    uint32_t nsegs, size_t off);

/* Counts diagnostics of a severity. */
size_t inf_count_diags(const struct inf_file *f, enum inf_severity sev);

#endif
