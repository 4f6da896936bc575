/* map.c - see map.h.  Linear probing; the table doubles before it is half full. */
#include "map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"

#define MAP_MIN_CAP 16

void dc_map_init(struct dc_map *m, enum dc_map_compare compare)
{
	m->slots = NULL;
	m->cap = 0;
	m->n = 0;
	m->compare = compare;
}

void dc_map_free(struct dc_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = 0;
	m->n = 0;
}

/*
 * FNV-1a over the (folded) bytes, then a multiply-xorshift finalizer: the
 * table index takes the low bits, which plain FNV mixes poorly for short keys.
 */
static size_t map_hash(const struct dc_map *m, const unsigned char *key, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = key[i];

		if (m->compare == DC_MAP_CASE)
			c = (unsigned char)dc_ascii_lower((char)c);
		h ^= c;
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (size_t)h;
}

static bool map_equal(const struct dc_map *m, const struct dc_map_slot *s, const unsigned char *key,
		      size_t len, size_t hash)
{
	if (s->hash != hash || s->len != len)
		return false;
	if (m->compare == DC_MAP_EXACT)
		return len == 0 || !memcmp(s->key, key, len);
	for (size_t i = 0; i < len; i++)
		if (dc_ascii_lower((char)s->key[i]) != dc_ascii_lower((char)key[i]))
			return false;
	return true;
}

/* The slot holding key, or the free slot where it would go (cap > 0). */
static struct dc_map_slot *map_probe(const struct dc_map *m, const unsigned char *key, size_t len,
				     size_t hash)
{
	size_t i = hash & (m->cap - 1);

	while (m->slots[i].key && !map_equal(m, &m->slots[i], key, len, hash))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static int map_grow(struct dc_map *m, struct dc_error *err)
{
	size_t cap = m->cap ? m->cap * 2 : MAP_MIN_CAP;
	struct dc_map_slot *old = m->slots, *slots;

	if (m->cap > SIZE_MAX / 2 / sizeof(*slots))
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	m->slots = slots;
	for (size_t i = 0; i < m->cap; i++) {
		size_t k;

		if (!old[i].key)
			continue;
		for (k = old[i].hash & (cap - 1); slots[k].key; k = (k + 1) & (cap - 1))
			;
		slots[k] = old[i];
	}
	m->cap = cap;
	free(old);
	return 0;
}

/* A key pointer the table can hold: a free slot is one whose key is NULL. */
static const unsigned char *key_bytes(const void *key)
{
	static const unsigned char empty[1] = { 0 };

	return key ? key : empty;
}

static int map_put(struct dc_map *m, const void *key, size_t len, size_t value, bool replace,
		   struct dc_error *err)
{
	const unsigned char *k = key_bytes(key);
	size_t hash = map_hash(m, k, len);
	struct dc_map_slot *s = m->cap ? map_probe(m, k, len, hash) : NULL;

	if (s && s->key) {
		if (replace)
			s->value = value;
		return 0;
	}
	/* A new key: grow first, so a failure leaves the map as it was. */
	if (m->n + 1 > m->cap / 2) {
		if (map_grow(m, err))
			return DC_ENOMEM;
		s = map_probe(m, k, len, hash);
	}
	s->key = k;
	s->len = len;
	s->hash = hash;
	s->value = value;
	m->n++;
	return 0;
}

int dc_map_add(struct dc_map *m, const void *key, size_t len, size_t value, struct dc_error *err)
{
	return map_put(m, key, len, value, false, err);
}

int dc_map_set(struct dc_map *m, const void *key, size_t len, size_t value, struct dc_error *err)
{
	return map_put(m, key, len, value, true, err);
}

bool dc_map_get(const struct dc_map *m, const void *key, size_t len, size_t *value)
{
	const unsigned char *k = key_bytes(key);
	const struct dc_map_slot *s;

	if (!m->n)
		return false;
	s = map_probe(m, k, len, map_hash(m, k, len));
	if (!s->key)
		return false;
	if (value)
		*value = s->value;
	return true;
}

int dc_map_add_str(struct dc_map *m, const char *key, size_t value, struct dc_error *err)
{
	return dc_map_add(m, key, strlen(key), value, err);
}

bool dc_map_get_str(const struct dc_map *m, const char *key, size_t *value)
{
	return dc_map_get(m, key, strlen(key), value);
}
