/*
 * write.c - writing a package skeleton all or nothing: the files go into a
 * new temporary directory beside the target, which is renamed into place
 * only when every file was written.  rename(2) replaces an empty directory
 * atomically; with --force a non-empty one is first moved aside and deleted
 * only after the new one is in place, so a failure at any point leaves
 * either the old directory or the new one, never a mixture.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/fs.h"
#include "tmpl.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? -1 : 0;
}

/* rm -rf path, never following symbolic links. */
static int remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* 1 when dir has entries other than . and .., 0 when empty, -1 (errno) on failure. */
static int dir_has_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -1;
	errno = 0;
	while (!found && (e = readdir(d)))
		found = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (!found && errno) {
		int e2 = errno;

		closedir(d);
		errno = e2;
		return -1;
	}
	closedir(d);
	return found;
}

/* Writes one file below root, creating its directories; path is '/'-separated and relative. */
static int write_file(const char *root, const struct tmpl_file *f, struct dc_error *err)
{
	char *full = fs_join(root, f->path);
	size_t off = 0;
	int fd, rc = 0;

	if (!full)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (char *s = full + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(full, 0777) && errno != EEXIST)
			rc = dc_error_set(err, DC_EIO, "%s: %s", full, strerror(errno));
		*s = '/';
		if (rc)
			goto done;
	}
	if ((fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0) {
		rc = dc_error_set(err, DC_EIO, "%s: %s", full, strerror(errno));
		goto done;
	}
	while (off < f->len) {
		ssize_t w = write(fd, f->data + off, f->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = dc_error_set(err, DC_EIO, "%s: %s", full, w < 0 ? strerror(errno) : "short write");
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) && !rc)
		rc = dc_error_set(err, DC_EIO, "%s: %s", full, strerror(errno));
done:
	free(full);
	return rc;
}

/* parent and base name of dir ("a/b/" -> "a", "b"; "b" -> ".", "b"); malloc'd. */
static int split_dir(char **parent, char **base, const char *dir, struct dc_error *err)
{
	size_t n = strlen(dir);
	const char *slash;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	*parent = *base = NULL;
	for (slash = dir + n; slash > dir && slash[-1] != '/'; slash--)
		;
	if (slash == dir + n || (dir + n - slash == 1 && slash[0] == '.') ||
	    (dir + n - slash == 2 && slash[0] == '.' && slash[1] == '.'))
		return dc_error_set(err, DC_EUSAGE, "--out '%s' must name a directory to create, not '.', '..' or '/'",
				    dir);
	*base = strndup(slash, (size_t)(dir + n - slash));
	if (slash == dir)
		*parent = strdup(".");
	else if (slash - 1 == dir)
		*parent = strdup("/");
	else
		*parent = strndup(dir, (size_t)(slash - 1 - dir));
	if (!*parent || !*base) {
		free(*parent);
		free(*base);
		*parent = *base = NULL;
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	return 0;
}

/* A new empty directory parent/.base.what-XXXXXX; *out malloc'd. */
static int make_temp_dir(char **out, const char *parent, const char *base, const char *what,
			 struct dc_error *err)
{
	size_t n = strlen(parent) + strlen(base) + strlen(what) + 16;
	char *t = malloc(n);

	*out = NULL;
	if (!t)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	snprintf(t, n, "%s/.%s.%s-XXXXXX", parent, base, what);
	if (!mkdtemp(t)) {
		int rc = dc_error_set(err, DC_EIO, "cannot create a directory in %s: %s", parent, strerror(errno));

		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* What is at dir now. */
enum target { T_NONE, T_EMPTY, T_FULL };

static int probe(enum target *t, const char *dir, const char *parent, bool force, struct dc_error *err)
{
	struct stat st;
	int has;

	if (lstat(dir, &st)) {
		if (errno != ENOENT)
			return dc_error_set(err, DC_EIO, "%s: %s", dir, strerror(errno));
		if (stat(parent, &st))
			return dc_error_set(err, DC_EIO, "cannot create %s: %s: %s", dir, parent, strerror(errno));
		if (!S_ISDIR(st.st_mode))
			return dc_error_set(err, DC_EIO, "cannot create %s: %s is not a directory", dir, parent);
		*t = T_NONE;
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return dc_error_set(err, DC_EIO, "%s is a symbolic link; give the directory itself", dir);
	if (!S_ISDIR(st.st_mode))
		return dc_error_set(err, DC_EIO, "%s exists and is not a directory", dir);
	if ((has = dir_has_entries(dir)) < 0)
		return dc_error_set(err, DC_EIO, "%s: %s", dir, strerror(errno));
	if (has && !force)
		return dc_error_set(err, DC_EIO,
				    "%s exists and is not empty (--force replaces it and everything in it)", dir);
	*t = has ? T_FULL : T_EMPTY;
	return 0;
}

int tmpl_package_write(const struct tmpl_package *p, const char *dir, bool force, struct dc_error *err)
{
	char *parent = NULL, *base = NULL, *tmp = NULL, *old = NULL;
	enum target t = T_NONE;
	mode_t mask;
	int rc;

	if ((rc = split_dir(&parent, &base, dir, err)) || (rc = probe(&t, dir, parent, force, err)) ||
	    (rc = make_temp_dir(&tmp, parent, base, "new", err)))
		goto done;
	for (size_t i = 0; !rc && i < p->nfiles; i++)
		rc = write_file(tmp, &p->files[i], err);
	/* mkdtemp made it 0700; give it the mode mkdir(1) would. */
	mask = umask(0);
	umask(mask);
	if (!rc && chmod(tmp, 0777 & ~mask))
		rc = dc_error_set(err, DC_EIO, "%s: %s", tmp, strerror(errno));
	if (rc)
		goto done;
	if (t == T_FULL) {
		if ((rc = make_temp_dir(&old, parent, base, "old", err)))
			goto done;
		if (rename(dir, old)) {
			rc = dc_error_set(err, DC_EIO, "cannot move %s aside: %s", dir, strerror(errno));
			rmdir(old);
			goto done;
		}
	}
	if (rename(tmp, dir)) {
		int e = errno;

		if (old && rename(old, dir))
			rc = dc_error_set(err, DC_EIO, "cannot create %s: %s; its old contents are in %s", dir,
					  strerror(e), old);
		else if (e == ENOTEMPTY || e == EEXIST) /* someone filled it meanwhile */
			rc = dc_error_set(err, DC_EIO,
					  "%s exists and is not empty (--force replaces it and everything in it)", dir);
		else
			rc = dc_error_set(err, DC_EIO, "cannot create %s: %s", dir, strerror(e));
		goto done;
	}
	free(tmp);
	tmp = NULL;
	if (old && remove_tree(old))
		rc = dc_error_set(err, DC_EIO, "%s is written, but its old contents could not be removed from %s: %s",
				  dir, old, strerror(errno));
done:
	if (tmp && remove_tree(tmp) && !rc)
		rc = dc_error_set(err, DC_EIO, "cannot remove %s: %s", tmp, strerror(errno));
	free(tmp);
	free(old);
	free(parent);
	free(base);
	return rc;
}
