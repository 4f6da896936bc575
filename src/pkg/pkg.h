/*
 * pkg.h - the package walk (inf-format.md §2): from a driver directory and a
 * set of target OSes, every catalog the package's INFs name and the files
 * each must contain: the INFs themselves plus every file reached through
 * Manufacturer -> Models -> DDInstall -> CopyFiles (and .CoInstallers,
 * interfaces, ClassInstall32, DefaultInstall, Needs inside the INF),
 * resolved through [SourceDisksFiles(.arch)] / [SourceDisksNames(.arch)] to
 * a path in the package, case-insensitively, never outside the package.
 *
 * Problems that make the file list wrong or incomplete (missing file, path
 * escaping the package, no SourceDisksFiles entry, no CatalogFile for a
 * requested architecture) are reported as error diagnostics; the walk goes
 * on so every problem is reported at once.  Only I/O on the package
 * directory itself, an unreadable INF, or memory failure fail pkg_walk.
 */
#ifndef DRVCAT_PKG_PKG_H
#define DRVCAT_PKG_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../inf/inf.h"
#include "../util/error.h"
#include "os.h"

struct fs_dircache;

struct pkg_options {
	const struct pkg_os *const *targets; /* NULL: every OS the INFs can serve */
	size_t ntargets;
	const char *const *infs;             /* INF names relative to the package; NULL: all */
	size_t ninfs;
	struct inf_options inf;
	/*
	 * A walk of the same directory with the same inf options made just
	 * before, or NULL.  Its parsed INFs and directory listings are taken
	 * over (moved: it keeps its catalogs, members and diagnostics) instead
	 * of read again; verify walks a package for several OS sets.
	 */
	struct pkg *reuse;
};

struct pkg_member {
	char *path;          /* relative to the package root, on-disk case, '/'-separated */
	char *installed;     /* name the file is installed under (CopyFiles destination) */
	char *inf;           /* INF (relative path) whose line pulled it in */
	uint32_t line;       /* that line; 0 for an INF itself */
	char *section;       /* file-list section ("@" for CopyFiles=@file); NULL for an INF */
	unsigned arch_mask;  /* 1 << enum inf_arch for each architecture reaching it */
	bool is_inf;
};

/* A hardware or compatible id, lower-cased, where the INF names it first. */
struct pkg_hwid {
	char *id;
	size_t inf;     /* index into pkg.infs */
	uint32_t line;
	uint32_t field;
};

struct pkg_catalog {
	char *path;                      /* relative to the package root, as the INF spells it */
	const struct pkg_os **targets;   /* in table order */
	size_t ntargets;
	struct pkg_member *members;      /* sorted by path once the walk ends */
	size_t nmembers, cap;
	size_t *slots;                   /* path -> member + 1, during the walk only */
	size_t nslots;
	struct pkg_hwid *hwids;          /* device ids of the applicable Models entries */
	size_t nhwids, hwids_cap;
};

struct pkg_diag {
	enum inf_severity severity;
	char *inf;      /* relative INF path, or NULL for package-wide problems */
	uint32_t line;  /* 0 when not about one line */
	char *msg;
};

struct pkg_inf {
	char *path;            /* relative to the package root */
	struct inf_file *file;
};

struct pkg {
	char *root;            /* realpath of the package directory */
	struct pkg_inf *infs;
	size_t ninfs;
	struct pkg_catalog *catalogs;
	size_t ncatalogs;
	struct pkg_diag *diags;
	size_t ndiags, diags_cap;
	struct fs_dircache *dirs; /* the directory listings read, for a later walk (reuse) */
};

/* Walks the package in dir. */
int pkg_walk(struct pkg **out, const char *dir, const struct pkg_options *opt,
	     struct dc_error *err);
void pkg_free(struct pkg *p);
size_t pkg_count_diags(const struct pkg *p, enum inf_severity sev);

/*
 * Whether a file of the package directory is documentation for people
 * (README*, *.md), which no INF copies and no catalog needs to cover: not
 * reported as an unreferenced file.
 */
bool pkg_is_documentation(const char *path);

#endif
