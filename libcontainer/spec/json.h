/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * veil's JSON layer: a small document tree and a writer.  spec/json.c is the
 * only file that knows the underlying JSON library, so it can be swapped.
 *
 * Parsing is bounded: input size, nesting depth and node count have limits,
 * strings are checked for valid UTF-8, numbers keep their source text so
 * that 64-bit integers are read exactly.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <veil/error.h>

typedef enum vj_type {
    VJ_NULL,
    VJ_BOOL,
    VJ_NUMBER,
    VJ_STRING,
    VJ_ARRAY,
    VJ_OBJECT,
} vj_type;

typedef struct vj_node vj_node;
struct vj_node {
    vj_type type;
    union {
        bool boolean;
        struct {
            char *text; /* the number exactly as written */
        } number;
        struct {
            char *ptr; /* NUL-terminated; may hold an inner NUL (len tells) */
            size_t len;
        } string;
        struct {
            vj_node **items;
            size_t len;
        } array;
        struct {
            char **keys;
            vj_node **values;
            size_t len;
        } object;
    } u;
};

typedef struct vj_limits {
    size_t max_bytes;   /* input size */
    unsigned max_depth; /* arrays/objects nested */
    size_t max_nodes;   /* values in the document */
} vj_limits;

/* Limits for config.json and other runtime input. */
extern const vj_limits vj_default_limits;

/* Parses buf[0..len).  On error the message says what and where
 * ("parse error at byte 120: ..."). */
vj_node *vj_parse(const char *buf, size_t len, const vj_limits *limits, veil_error **err);
/* Reads a whole file (bounded by limits->max_bytes) and parses it. */
vj_node *vj_parse_file(const char *path, const vj_limits *limits, veil_error **err);
/* Reads a whole fd until EOF and parses it. */
vj_node *vj_parse_fd(int fd, const vj_limits *limits, veil_error **err);
void vj_free(vj_node *n);

/* Object member by key (the last one when a key repeats), or NULL. */
const vj_node *vj_get(const vj_node *obj, const char *key);
const char *vj_type_name(vj_type t);

/* Number conversion; return false when the text is not an integer in range. */
bool vj_number_i64(const vj_node *n, int64_t *out);
bool vj_number_u64(const vj_node *n, uint64_t *out);

/* ---- writer ------------------------------------------------------------ */
typedef struct vj_writer vj_writer;

vj_writer *vj_writer_new(bool pretty);
void vj_writer_free(vj_writer *w);
void vj_w_object_open(vj_writer *w);
void vj_w_object_close(vj_writer *w);
void vj_w_array_open(vj_writer *w);
void vj_w_array_close(vj_writer *w);
void vj_w_key(vj_writer *w, const char *key);
void vj_w_string(vj_writer *w, const char *s); /* NULL writes null */
void vj_w_string_len(vj_writer *w, const char *s, size_t len);
void vj_w_i64(vj_writer *w, int64_t v);
void vj_w_u64(vj_writer *w, uint64_t v);
void vj_w_double(vj_writer *w, double v);
void vj_w_bool(vj_writer *w, bool v);
void vj_w_null(vj_writer *w);
void vj_w_node(vj_writer *w, const vj_node *n); /* a parsed tree, verbatim */
/* key + value shorthands */
void vj_w_kstr(vj_writer *w, const char *key, const char *s);
void vj_w_ki64(vj_writer *w, const char *key, int64_t v);
void vj_w_ku64(vj_writer *w, const char *key, uint64_t v);
void vj_w_kbool(vj_writer *w, const char *key, bool v);
/* The text written so far (valid until the next call); false if the writer
 * failed (a string with invalid UTF-8, or out of memory). */
bool vj_writer_result(vj_writer *w, const char **buf, size_t *len);
/* The text as a malloc'd string, NUL-terminated, with a '\n' before the NUL
 * when newline is set; its length (newline included) in *len when len is
 * not NULL.  NULL if the writer failed or memory ran out.  Frees the writer
 * either way. */
char *vj_writer_finish(vj_writer *w, bool newline, size_t *len);
