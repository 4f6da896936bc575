/* d_type in readdir results (glibc, the BSDs, macOS): saves a stat per package file. */
#define _DEFAULT_SOURCE 1

#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "str.h"

int fs_read_file(unsigned char **out, size_t *len, const char *path, size_t max,
		 struct dc_error *err)
{
	unsigned char *data = NULL;
	size_t used = 0, cap = 0;
	struct stat st;
	int fd;

	*out = NULL;
	*len = 0;
	/* A FIFO or device would block or never end: only regular files are read. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return dc_error_set(err, DC_EIO, "%s: %s", path,
				    S_ISDIR(st.st_mode) ? "is a directory, not a file" : "not a regular file");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return dc_error_set(err, DC_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		st.st_size = 0; /* size unknown: read and grow */
	} else if (!S_ISREG(st.st_mode)) {
		close(fd);
		return dc_error_set(err, DC_EIO, "%s: %s", path,
				    S_ISDIR(st.st_mode) ? "is a directory, not a file" : "not a regular file");
	}
	/*
	 * The size fstat gives, plus one byte to see the end in the same read:
	 * one allocation and one read for a file that does not change meanwhile
	 * (a 4 MB catalog took seven reallocs).  A file that grows still reads.
	 */
	if (st.st_size > 0 && (unsigned long long)st.st_size < max) {
		cap = (size_t)st.st_size + 1;
		if (!(data = malloc(cap))) {
			close(fd);
			return dc_error_set(err, DC_ENOMEM, "%s: out of memory (%zu bytes)", path, cap);
		}
	}
	for (;;) {
		ssize_t n;

		if (used == cap) {
			if (cap >= max) {
				free(data);
				close(fd);
				return dc_error_set(err, DC_ENOMEM, "%s: larger than the limit of %zu bytes",
						    path, max);
			}
			if (dc_array_grow((void **)&data, &cap, cap ? cap * 2 : 65536, 1, err)) {
				free(data);
				close(fd);
				return DC_ENOMEM;
			}
			if (cap > max + 1)
				cap = max + 1;
		}
		n = read(fd, data + used, cap - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(data);
			close(fd);
			return dc_error_set(err, DC_EIO, "%s: read failed: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			free(data);
			close(fd);
			return dc_error_set(err, DC_ENOMEM, "%s: larger than the limit of %zu bytes", path,
					    max);
		}
	}
	close(fd);
	*out = data;
	*len = used;
	return 0;
}

char *fs_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p;

	if (la == 0)
		return strdup(b);
	p = malloc(la + lb + 2);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

/* True when real (from realpath) is root itself or below it. */
static bool inside_root(const char *root, const char *real)
{
	size_t n = strlen(root);

	if (strncmp(root, real, n) != 0)
		return false;
	return real[n] == '\0' || real[n] == '/' || (n == 1 && root[0] == '/');
}

struct dir_entry {
	char *lower; /* ASCII-lower-cased name, the sort key */
	char *name;
	/* S_IFREG or S_IFDIR when readdir said so, else 0 and lstat decides (symlinks too) */
	unsigned type;
};

struct dir_listing {
	char *path;
	struct dir_entry *ents;
	size_t n;
};

struct fs_dircache {
	struct dir_listing *dirs;
	size_t n, cap;
};

struct fs_dircache *fs_dircache_new(void)
{
	return calloc(1, sizeof(struct fs_dircache));
}

static void listing_free(struct dir_listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->ents[i].lower);
		free(l->ents[i].name);
	}
	free(l->ents);
	free(l->path);
}

void fs_dircache_free(struct fs_dircache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		listing_free(&c->dirs[i]);
	free(c->dirs);
	free(c);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct dir_entry *x = a, *y = b;
	int r = strcmp(x->lower, y->lower);

	return r ? r : strcmp(x->name, y->name);
}

/* Reads and sorts directory dir; false when it cannot be read or memory runs out. */
static bool list_directory(struct dir_listing *l, const char *dir, bool *oom)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	if (!d)
		return false;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (dc_array_grow((void **)&l->ents, &cap, l->n + 1, sizeof(*l->ents), NULL) ||
		    !(l->ents[l->n].name = strdup(de->d_name))) {
			*oom = true;
			break;
		}
		if (!(l->ents[l->n].lower = strdup(de->d_name))) {
			free(l->ents[l->n].name);
			*oom = true;
			break;
		}
		dc_str_lower(l->ents[l->n].lower);
		l->ents[l->n].type = 0;
#ifdef DT_UNKNOWN
		if (de->d_type == DT_REG)
			l->ents[l->n].type = S_IFREG;
		else if (de->d_type == DT_DIR)
			l->ents[l->n].type = S_IFDIR;
#endif
		l->n++;
	}
	closedir(d);
	if (*oom) {
		listing_free(l);
		return false;
	}
	if (l->n)
		qsort(l->ents, l->n, sizeof(*l->ents), cmp_entry);
	return (l->path = strdup(dir)) != NULL || (*oom = true, false);
}

static const struct dir_listing *cached_listing(struct fs_dircache *c, const char *dir, bool *oom)
{
	struct dir_listing l;

	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->dirs[i].path, dir))
			return &c->dirs[i];
	if (!list_directory(&l, dir, oom))
		return NULL;
	if (dc_array_grow((void **)&c->dirs, &c->cap, c->n + 1, sizeof(l), NULL)) {
		listing_free(&l);
		*oom = true;
		return NULL;
	}
	c->dirs[c->n] = l;
	return &c->dirs[c->n++];
}

/*
 * Finds name in directory dir: exact first, then ASCII case-insensitive.
 * Returns a malloc'd on-disk name or NULL (NULL means absent or out of
 * memory, told apart by *oom).  Several case variants set *ambiguous.
 * *type is its dir_entry.type.
 */
static char *find_entry(const char *dir, const char *name, struct fs_dircache *cache,
			bool *ambiguous, bool *oom, unsigned *type)
{
	const struct dir_entry *chosen = NULL;
	struct dir_listing own;
	const struct dir_listing *l;
	struct dir_entry key;
	size_t lo = 0, hi, first, count = 0;
	char *lower = strdup(name), *best = NULL;

	*oom = false;
	if (!lower) {
		*oom = true;
		return NULL;
	}
	dc_str_lower(lower);
	if (cache) {
		l = cached_listing(cache, dir, oom);
	} else {
		l = list_directory(&own, dir, oom) ? &own : NULL;
	}
	if (!l) {
		free(lower);
		return NULL;
	}
	/* lower bound of the run of entries equal to lower */
	key.lower = lower;
	key.name = "";
	hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_entry(&l->ents[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (first + count < l->n && !strcmp(l->ents[first + count].lower, lower))
		count++;
	for (size_t i = first; i < first + count; i++)
		if (!strcmp(l->ents[i].name, name))
			chosen = &l->ents[i];
	if (!chosen && count)
		chosen = &l->ents[first]; /* the first in byte order */
	*ambiguous |= count > 1;
	*type = chosen ? chosen->type : 0;
	best = chosen ? strdup(chosen->name) : NULL;
	if (count && !best)
		*oom = true;
	if (!cache)
		listing_free(&own);
	free(lower);
	return best;
}

int fs_resolve_ci(char **out_rel, bool *ambiguous, const char *root, const char *const *comps,
		  size_t ncomps, bool want_dir, struct fs_dircache *cache, struct dc_error *err)
{
	struct dc_buf rel, abs;
	int rc = 0;

	*out_rel = NULL;
	*ambiguous = false;
	dc_buf_init(&rel, PATH_MAX);
	dc_buf_init(&abs, PATH_MAX);
	if ((rc = dc_buf_puts(&abs, root, err)))
		goto done;
	for (size_t i = 0; i < ncomps; i++) {
		bool last = i + 1 == ncomps, oom = false;
		unsigned type = 0;
		char *found = find_entry(abs.data, comps[i], cache, ambiguous, &oom, &type);
		struct stat st;

		if (!found) {
			if (oom) {
				rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			} else {
				rc = dc_error_set(err, DC_ENOTFOUND, "no %s '%s' in %s%s%s",
						  last && !want_dir ? "file" : "directory", comps[i],
						  rel.len ? "package directory '" : "the package's top directory",
						  rel.len ? rel.data : "", rel.len ? "/'" : "");
			}
			goto done;
		}
		rc = dc_buf_putc(&abs, '/', err);
		if (!rc)
			rc = dc_buf_puts(&abs, found, err);
		if (!rc && rel.len)
			rc = dc_buf_putc(&rel, '/', err);
		if (!rc)
			rc = dc_buf_puts(&rel, found, err);
		free(found);
		if (rc)
			goto done;
		/* readdir's type spares an lstat per file; symlinks and unknowns are looked at. */
		if (type) {
			st.st_mode = (mode_t)type;
		} else if (lstat(abs.data, &st) != 0) {
			rc = dc_error_set(err, DC_EIO, "%s: %s", rel.data, strerror(errno));
			goto done;
		}
		if (S_ISLNK(st.st_mode)) {
			char *real = realpath(abs.data, NULL);

			if (!real) {
				rc = dc_error_set(err, DC_ENOTFOUND, "'%s' is a dangling symbolic link",
						  rel.data);
				goto done;
			}
			if (!inside_root(root, real)) {
				free(real);
				rc = dc_error_set(err, DC_EPATH,
						  "'%s' is a symbolic link that leads outside the package",
						  rel.data);
				goto done;
			}
			free(real);
			if (stat(abs.data, &st) != 0) {
				rc = dc_error_set(err, DC_EIO, "%s: %s", rel.data, strerror(errno));
				goto done;
			}
		}
		if (!last && !S_ISDIR(st.st_mode)) {
			rc = dc_error_set(err, DC_ENOTFOUND, "'%s' is not a directory", rel.data);
			goto done;
		}
		if (last && want_dir && !S_ISDIR(st.st_mode)) {
			rc = dc_error_set(err, DC_ENOTFOUND, "'%s' is not a directory", rel.data);
			goto done;
		}
		if (last && !want_dir && !S_ISREG(st.st_mode)) {
			rc = dc_error_set(err, DC_ENOTFOUND, "'%s' is %s, not a regular file", rel.data,
					  S_ISDIR(st.st_mode) ? "a directory" : "a special file");
			goto done;
		}
	}
	*out_rel = dc_buf_detach(&rel);
done:
	dc_buf_free(&rel);
	dc_buf_free(&abs);
	return rc;
}

struct list_state {
	char **items;
	size_t count, cap;
	const char *suffix;
	unsigned max_depth;
	struct dc_error *err;
};

/*
 * The type readdir gives for an entry: S_IFREG, S_IFDIR, 0 when it does not
 * say (then lstat decides), or -1 for anything else (symlinks and special
 * files are never listed).  Most of a package's thousands of files are then
 * ruled out or taken without a stat.
 */
static int dirent_mode(const struct dirent *de)
{
#ifdef DT_UNKNOWN
	switch (de->d_type) {
	case DT_DIR:
		return S_IFDIR;
	case DT_REG:
		return S_IFREG;
	case DT_UNKNOWN:
		return 0;
	default:
		return -1;
	}
#else
	(void)de;
	return 0;
#endif
}

static int list_dir(struct list_state *s, const char *root, const char *rel, unsigned depth)
{
	char *dirpath = rel[0] ? fs_join(root, rel) : strdup(root);
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (!dirpath)
		return dc_error_set(s->err, DC_ENOMEM, "out of memory");
	d = opendir(dirpath);
	if (!d) {
		rc = dc_error_set(s->err, DC_EIO, "%s: cannot read directory: %s", dirpath,
				  strerror(errno));
		free(dirpath);
		return rc;
	}
	while (!rc && (de = readdir(d)) != NULL) {
		struct stat st;
		char *full, *child;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		st.st_mode = (mode_t)dirent_mode(de);
		if (st.st_mode == (mode_t)-1 || (S_ISDIR(st.st_mode) && depth >= s->max_depth) ||
		    (S_ISREG(st.st_mode) && !dc_has_suffix_ci(de->d_name, s->suffix)))
			continue;
		full = fs_join(dirpath, de->d_name);
		child = rel[0] ? fs_join(rel, de->d_name) : strdup(de->d_name);
		if (!full || !child) {
			free(full);
			free(child);
			rc = dc_error_set(s->err, DC_ENOMEM, "out of memory");
			break;
		}
		/* Symlinks are never followed here: nothing outside the package is read. */
		if (st.st_mode || lstat(full, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < s->max_depth) {
				rc = list_dir(s, root, child, depth + 1);
			} else if (S_ISREG(st.st_mode) && dc_has_suffix_ci(de->d_name, s->suffix)) {
				rc = dc_array_grow((void **)&s->items, &s->cap, s->count + 1,
						   sizeof(char *), s->err);
				if (!rc) {
					s->items[s->count++] = child;
					child = NULL;
				}
			}
		}
		free(full);
		free(child);
	}
	closedir(d);
	free(dirpath);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fs_list_suffix(char ***out, size_t *count, const char *root, const char *suffix,
		   unsigned max_depth, struct dc_error *err)
{
	struct list_state s = { NULL, 0, 0, suffix, max_depth, err };
	int rc = list_dir(&s, root, "", 0);

	if (rc) {
		fs_list_free(s.items, s.count);
		return rc;
	}
	if (s.count)
		qsort(s.items, s.count, sizeof(char *), cmp_str);
	*out = s.items;
	*count = s.count;
	return 0;
}

void fs_list_free(char **list, size_t count)
{
	if (!list)
		return;
	for (size_t i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

int fs_stage(char **tmp_out, const char *path, const void *data, size_t len, struct dc_error *err)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	const unsigned char *p = data;
	int fd, rc = 0;
	struct stat st;
	bool replacing = lstat(path, &st) == 0;

	*tmp_out = NULL;
	if (!tmp)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".tmp.XXXXXX", 12);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = dc_error_set(err, DC_EIO, "%s: cannot create a temporary file beside it: %s", path,
				  strerror(errno));
		free(tmp);
		return rc;
	}
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = dc_error_set(err, DC_EIO, "%s: write failed: %s", tmp, strerror(errno));
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	/* mkstemp makes the file 0600; a catalog is an ordinary file. */
	if (!rc && fchmod(fd, 0644) != 0)
		rc = dc_error_set(err, DC_EIO, "%s: chmod failed: %s", tmp, strerror(errno));
	/*
	 * A killed process needs only the rename of a complete file; fsync is
	 * for power loss: without it some file systems (XFS; ext4 with
	 * noauto_da_alloc) can leave the renamed path empty.  That matters
	 * when an existing catalog is replaced (the good old one must not turn
	 * into nothing); a new file has nothing to lose, so it is not synced,
	 * like osslsigncode and SignTool output (a catalog is rebuilt anyway).
	 */
	if (!rc && replacing && fsync(fd) != 0)
		rc = dc_error_set(err, DC_EIO, "%s: fsync failed: %s", tmp, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = dc_error_set(err, DC_EIO, "%s: close failed: %s", tmp, strerror(errno));
	if (rc) {
		fs_discard(tmp);
		return rc;
	}
	*tmp_out = tmp;
	return 0;
}

int fs_check_replaceable(const char *path, struct dc_error *err)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return dc_error_set(err, DC_EIO, "%s: cannot replace it: %s", path, strerror(EISDIR));
	return 0;
}

int fs_commit(const char *tmp, const char *path, struct dc_error *err)
{
	if (rename(tmp, path) != 0)
		return dc_error_set(err, DC_EIO, "%s: cannot replace it: %s", path, strerror(errno));
	return 0;
}

void fs_discard(char *tmp)
{
	if (!tmp)
		return;
	unlink(tmp);
	free(tmp);
}

int fs_write_atomic(const char *path, const void *data, size_t len, struct dc_error *err)
{
	char *tmp;
	int rc = fs_stage(&tmp, path, data, len, err);

	if (rc)
		return rc;
	if ((rc = fs_commit(tmp, path, err)))
		fs_discard(tmp);
	else
		free(tmp); /* renamed: nothing left to remove */
	return rc;
}
