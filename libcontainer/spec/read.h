/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * Field readers shared by the spec/parse_*.c files.
 *
 * A spec_reader carries the document name and the JSON path of the value
 * being read, so every error reads "config.json: mounts[3].destination:
 * <reason>".  Parsers write straight into the owned veil_spec tree; on error
 * the caller frees the partial tree, so readers never need to undo.
 *
 * Path style: members as ".name", array elements as "[3]", map keys as
 * ["key"] (JSON-escaped, abbreviated when long).
 *
 * Readers return 0 on success (including "absent and optional") and -1 with
 * the error set.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <veil/spec.h>

#include "spec/json.h"

#define SR_PATH_MAX 1024

typedef struct spec_reader {
    const char *name; /* "config.json" */
    veil_error **err;
    char path[SR_PATH_MAX];
    size_t len;
} spec_reader;

enum { SR_OPTIONAL = 0, SR_REQUIRED = 1 };

void sr_init(spec_reader *r, const char *name, veil_error **err);

/* Path building: each returns a mark for sr_leave(). */
size_t sr_enter(spec_reader *r, const char *member);
size_t sr_enter_index(spec_reader *r, size_t index);
size_t sr_enter_key(spec_reader *r, const char *key);
void sr_leave(spec_reader *r, size_t mark);

/* Sets "<name>: <path>: <reason>" (or "<name>: <reason>" at the top); -1. */
int sr_fail(spec_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "expected <what>, got <value>" for the value at the current path. */
int sr_fail_type(spec_reader *r, const char *what, const vj_node *got);
/* The shown form of a value: JSON text, abbreviated; "an array" etc. */
void sr_describe(const vj_node *n, char *buf, size_t size);
/* A string shown as a JSON literal, abbreviated. */
void sr_quote(const char *s, size_t len, char *buf, size_t size);

/* Node checks at the current path. */
int sr_want(spec_reader *r, const vj_node *n, vj_type type);
int sr_node_string(spec_reader *r, const vj_node *n, char **out);
int sr_node_i64(spec_reader *r, const vj_node *n, int64_t min, int64_t max, int64_t *out);
int sr_node_u64(spec_reader *r, const vj_node *n, uint64_t max, uint64_t *out);

/* Members of an object.  With SR_REQUIRED a missing member is an error. */
int sr_member(spec_reader *r, const vj_node *obj, const char *key, vj_type type, int req,
              const vj_node **out);
int sr_string(spec_reader *r, const vj_node *obj, const char *key, int req, char **out);
int sr_bool(spec_reader *r, const vj_node *obj, const char *key, int req, veil_opt_bool *out);
int sr_i64(spec_reader *r, const vj_node *obj, const char *key, int req, int64_t min, int64_t max,
           veil_opt_i64 *out);
int sr_u64(spec_reader *r, const vj_node *obj, const char *key, int req, uint64_t max,
           veil_opt_u64 *out);
int sr_u32(spec_reader *r, const vj_node *obj, const char *key, int req, uint32_t *out,
           bool *present);
int sr_strv(spec_reader *r, const vj_node *obj, const char *key, int req, veil_strv *out);
/* Which members of an object to keep: a repeated key keeps its last value
 * (as vj_get does).  *keep is a calloc'ed array, one flag per member. */
int sr_map_keep(spec_reader *r, const vj_node *obj, bool **keep, size_t *n_kept);
/* An object whose values are strings (annotations, sysctl, unified). */
int sr_kv(spec_reader *r, const vj_node *obj, const char *key, veil_kv_list *out);
/* A string that must be an absolute path. */
int sr_abs_path(spec_reader *r, const vj_node *obj, const char *key, int req, char **out);
/* Checks a string is an absolute path (at the current path). */
int sr_check_abs(spec_reader *r, const char *s);

/* An enum: finds `s` in names[0..n); sets *index.  `what` names the kind
 * for the message ("namespace type"). */
int sr_enum(spec_reader *r, const char *s, const char *const *names, size_t n, const char *what,
            size_t *index);

/* A string member that must be one of names[]; *index is set when present. */
int sr_enum_member(spec_reader *r, const vj_node *o, const char *key, int req,
                   const char *const *names, size_t n, const char *what, char **out,
                   size_t *index);
/* An array of strings each one of names[]; ORs values[] (if not NULL) of
 * those given into *mask. */
int sr_flags(spec_reader *r, const vj_node *o, const char *key, const char *const *names,
             const uint64_t *values, size_t n, const char *what, veil_strv *out,
             uint64_t *mask);

/* An array of objects: allocates *items (n zeroed elements of `size`) and
 * calls fn on each element with the path entered.  The items belong to the
 * caller's tree even when fn fails. */
typedef int (*sr_item_fn)(spec_reader *r, const vj_node *elem, void *item);
int sr_array_of(spec_reader *r, const vj_node *obj, const char *key, int req, size_t size,
                sr_item_fn fn, void **items, size_t *n);

/* An object member: calls fn(r, member, out) with the path entered, if the
 * member is present (or fails if it is required and missing). */
typedef int (*sr_obj_fn)(spec_reader *r, const vj_node *o, void *out);
int sr_object(spec_reader *r, const vj_node *parent, const char *key, int req, sr_obj_fn fn,
              void *out);
/* The same for an optional member that is a pointer in the tree: allocates
 * *out (size bytes, zeroed) when the member is present. */
int sr_object_new(spec_reader *r, const vj_node *parent, const char *key, size_t size,
                  sr_obj_fn fn, void **out);

/* linux.uidMappings and mounts[].uidMappings share this. */
int sr_idmaps(spec_reader *r, const vj_node *obj, const char *key, veil_spec_idmap **items,
              size_t *n);
