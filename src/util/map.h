/*
 * map.h - an index from keys to positions in the caller's own arrays (a
 * size_t value per key), so "which member has this digest / this name"
 * costs one probe instead of a scan.  Open addressing with linear probing,
 * a power-of-two table kept at most half full.
 *
 * Keys are byte strings (embedded NULs allowed), compared exactly, or
 * ignoring ASCII case the way str.h compares INF and Windows file names.
 * The map keeps pointers to the keys and never copies them: a key must stay
 * valid and unchanged while the map holds it.
 *
 *   struct dc_map m;
 *   dc_map_init(&m, DC_MAP_CASE);
 *   dc_map_add(&m, name, strlen(name), i, err);      first value for a key wins
 *   if (dc_map_get(&m, s, strlen(s), &i)) ...
 *   dc_map_free(&m);
 */
#ifndef DRVCAT_UTIL_MAP_H
#define DRVCAT_UTIL_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum dc_map_compare {
	DC_MAP_EXACT, /* bytes as they are */
	DC_MAP_CASE,  /* ASCII letters folded: "Foo.SYS" is "foo.sys" */
};

struct dc_map_slot {
	const unsigned char *key; /* NULL: the slot is free */
	size_t len;
	size_t hash;
	size_t value;
};

struct dc_map {
	struct dc_map_slot *slots;
	size_t cap;               /* 0 or a power of two */
	size_t n;                 /* keys held */
	enum dc_map_compare compare;
};

/* An empty map; no allocation until the first key. */
void dc_map_init(struct dc_map *m, enum dc_map_compare compare);
/* Frees the table (not the keys); the map is empty again, ready for reuse. */
void dc_map_free(struct dc_map *m);

/*
 * Maps key[0..len) to value unless the map holds the key already: then the
 * first value stays, so adding items in array order finds the first of
 * several equal ones.  0, or DC_ENOMEM (the map is unchanged).
 */
int dc_map_add(struct dc_map *m, const void *key, size_t len, size_t value,
	       struct dc_error *err);
/* Maps key[0..len) to value, replacing the value of a key already held.  0 or DC_ENOMEM. */
int dc_map_set(struct dc_map *m, const void *key, size_t len, size_t value,
	       struct dc_error *err);
/* Whether the map holds key[0..len); its value in *value (may be NULL). */
bool dc_map_get(const struct dc_map *m, const void *key, size_t len, size_t *value);

/* The same for NUL-terminated strings (the NUL is not part of the key). */
int dc_map_add_str(struct dc_map *m, const char *key, size_t value, struct dc_error *err);
bool dc_map_get_str(const struct dc_map *m, const char *key, size_t *value);

#endif
