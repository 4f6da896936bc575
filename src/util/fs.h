/*
 * fs.h - file-system helpers for reading a driver package: bounded whole-file
 * reads for INF text, Windows-style case-insensitive lookup on a
 * case-sensitive file system, confinement to the package directory, and the
 * package's INF list.
 */
#ifndef DRVCAT_UTIL_FS_H
#define DRVCAT_UTIL_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Reads all of path (at most max bytes, else DC_ENOMEM naming the file). */
int fs_read_file(unsigned char **out, size_t *len, const char *path, size_t max,
		 struct dc_error *err);

/*
 * Looks up a relative path under root (an absolute, symlink-free directory
 * from realpath()) one component at a time, case-insensitively: an exact
 * match wins, else the single entry that matches ignoring ASCII case (with
 * several, the first in byte order, and *ambiguous is set).  comps are the
 * path's components, none of them "", "." or "..".  want_dir selects whether
 * the last component must be a directory or a regular file.  A symlink is
 * followed only if it stays inside root (else DC_EPATH).  On success *out_rel
 * (malloc'd) is the path with the on-disk case, '/'-separated.  A missing
 * component is DC_ENOTFOUND with a message naming the directory searched.
 */
struct fs_dircache;
int fs_resolve_ci(char **out_rel, bool *ambiguous, const char *root, const char *const *comps,
		  size_t ncomps, bool want_dir, struct fs_dircache *cache, struct dc_error *err);

/*
 * Directory listings remembered across fs_resolve_ci calls, so a package of
 * thousands of files is listed once per directory and an exact-case match
 * that has other-case twins is still flagged as ambiguous.  May be NULL.
 */
struct fs_dircache *fs_dircache_new(void);
void fs_dircache_free(struct fs_dircache *c);

/*
 * Lists regular files under root whose names end in suffix (ASCII
 * case-insensitive), descending at most max_depth directory levels and never
 * through symlinked directories; relative paths, sorted bytewise.  *out is an
 * array of malloc'd strings; free with fs_list_free.
 */
int fs_list_suffix(char ***out, size_t *count, const char *root, const char *suffix,
		   unsigned max_depth, struct dc_error *err);
void fs_list_free(char **list, size_t count);

/*
 * Writes data to path through a temporary file in the same directory that is
 * renamed over path only once complete: on any error the old path is
 * untouched and no temporary file is left behind.  When path exists the
 * data is synced to disk before the rename, so not even a power loss can
 * leave an empty file where the old one was.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, struct dc_error *err);

/*
 * The two halves of fs_write_atomic, for writing several files all or
 * nothing: fs_stage writes data to a new temporary file beside path (its
 * name in *tmp, malloc'd); fs_commit renames it over path.  A caller that
 * gives up calls fs_discard, which removes the temporary file.
 */
int fs_stage(char **tmp, const char *path, const void *data, size_t len, struct dc_error *err);
int fs_commit(const char *tmp, const char *path, struct dc_error *err);
/* Fails, as fs_commit would, when path is a directory; lets callers check all targets first. */
int fs_check_replaceable(const char *path, struct dc_error *err);
void fs_discard(char *tmp);

/* Joins a and b with one '/'; malloc'd, NULL when out of memory. */
char *fs_join(const char *a, const char *b);

#endif
