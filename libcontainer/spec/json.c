/* SPDX-License-Identifier: Apache-2.0 */
/* The one file that touches yajl: builds a vj_node tree, writes JSON. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "spec/json.h"
#include "util/cleanup.h"

const vj_limits vj_default_limits = {
    .max_bytes = 32u << 20,
    .max_depth = 64,
    .max_nodes = 1u << 20,
};

/* ---- tree ---------------------------------------------------------------- */

void vj_free(vj_node *n)
{
    if (n == NULL)
        return;
    switch (n->type) {
    case VJ_NUMBER:
        free(n->u.number.text);
        break;
    case VJ_STRING:
        free(n->u.string.ptr);
        break;
    case VJ_ARRAY:
        for (size_t i = 0; i < n->u.array.len; i++)
            vj_free(n->u.array.items[i]);
        free(n->u.array.items);
        break;
    case VJ_OBJECT:
        for (size_t i = 0; i < n->u.object.len; i++) {
            free(n->u.object.keys[i]);
            vj_free(n->u.object.values[i]);
        }
        free(n->u.object.keys);
        free(n->u.object.values);
        break;
    default:
        break;
    }
    free(n);
}

const vj_node *vj_get(const vj_node *obj, const char *key)
{
    if (obj == NULL || obj->type != VJ_OBJECT)
        return NULL;
    for (size_t i = obj->u.object.len; i-- > 0;)
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    return NULL;
}

const char *vj_type_name(vj_type t)
{
    switch (t) {
    case VJ_NULL:
        return "null";
    case VJ_BOOL:
        return "a boolean";
    case VJ_NUMBER:
        return "a number";
    case VJ_STRING:
        return "a string";
    case VJ_ARRAY:
        return "an array";
    case VJ_OBJECT:
        return "an object";
    }
    return "?";
}

bool vj_number_i64(const vj_node *n, int64_t *out)
{
    if (n == NULL || n->type != VJ_NUMBER)
        return false;
    const char *t = n->u.number.text;
    if (strpbrk(t, ".eE"))
        return false;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(t, &end, 10);
    if (errno != 0 || end == t || *end != '\0')
        return false;
    *out = v;
    return true;
}

bool vj_number_u64(const vj_node *n, uint64_t *out)
{
    if (n == NULL || n->type != VJ_NUMBER)
        return false;
    const char *t = n->u.number.text;
    if (t[0] == '-' || strpbrk(t, ".eE"))
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(t, &end, 10);
    if (errno != 0 || end == t || *end != '\0')
        return false;
    *out = v;
    return true;
}

/* ---- parser -------------------------------------------------------------- */

struct frame {
    vj_node *node;
    char *pending_key; /* objects: key waiting for its value */
};

struct builder {
    const vj_limits *limits;
    struct frame *stack;
    size_t depth, cap;
    size_t nodes;
    vj_node *root;
    char *error; /* our own reason to stop (limits, memory) */
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    while (ncap < need)
        ncap *= 2;
    void *np = realloc(*p, ncap * elem);
    if (np == NULL)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static int fail(struct builder *b, const char *msg)
{
    if (b->error == NULL)
        b->error = strdup(msg);
    return 0; /* tells yajl to stop */
}

/* Links a new value into its parent (or makes it the root). */
static int attach(struct builder *b, vj_node *n)
{
    if (++b->nodes > b->limits->max_nodes) {
        vj_free(n);
        return fail(b, "too many values in the document");
    }
    if (b->depth == 0) {
        b->root = n;
        return 1;
    }
    struct frame *f = &b->stack[b->depth - 1];
    vj_node *parent = f->node;
    if (parent->type == VJ_ARRAY) {
        size_t len = parent->u.array.len;
        /* capacity is implicit: 4, then doubled whenever len reaches a power of two */
        if (len == 0 || (len >= 4 && (len & (len - 1)) == 0)) {
            vj_node **ni = realloc(parent->u.array.items, (len == 0 ? 4 : len * 2) * sizeof(*ni));
            if (ni == NULL) {
                vj_free(n);
                return fail(b, "out of memory");
            }
            parent->u.array.items = ni;
        }
        parent->u.array.items[parent->u.array.len++] = n;
        return 1;
    }
    /* object */
    size_t len = parent->u.object.len;
    if (len == 0 || (len >= 4 && (len & (len - 1)) == 0)) {
        size_t cap = len == 0 ? 4 : len * 2;
        char **nk = realloc(parent->u.object.keys, cap * sizeof(*nk));
        if (nk)
            parent->u.object.keys = nk;
        vj_node **nv = realloc(parent->u.object.values, cap * sizeof(*nv));
        if (nv)
            parent->u.object.values = nv;
        if (nk == NULL || nv == NULL) {
            vj_free(n);
            return fail(b, "out of memory");
        }
    }
    parent->u.object.keys[len] = f->pending_key;
    parent->u.object.values[len] = n;
    f->pending_key = NULL;
    parent->u.object.len++;
    return 1;
}

static vj_node *new_node(vj_type t)
{
    vj_node *n = calloc(1, sizeof(*n));
    if (n)
        n->type = t;
    return n;
}

static int cb_null(void *ctx)
{
    vj_node *n = new_node(VJ_NULL);
    return n ? attach(ctx, n) : fail(ctx, "out of memory");
}

static int cb_boolean(void *ctx, int v)
{
    vj_node *n = new_node(VJ_BOOL);
    if (n == NULL)
        return fail(ctx, "out of memory");
    n->u.boolean = v != 0;
    return attach(ctx, n);
}

static int cb_number(void *ctx, const char *s, size_t len)
{
    vj_node *n = new_node(VJ_NUMBER);
    if (n == NULL || (n->u.number.text = strndup(s, len)) == NULL) {
        free(n);
        return fail(ctx, "out of memory");
    }
    return attach(ctx, n);
}

/* Strict UTF-8 (RFC 3629): yajl lets overlong forms, surrogates and code
 * points above U+10FFFF through. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned lo = 0x80, hi = 0xbf; /* range of the second byte */
        if (c >= 0xc2 && c <= 0xdf)
            n = 2;
        else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            if (c == 0xe0)
                lo = 0xa0; /* overlong */
            else if (c == 0xed)
                hi = 0x9f; /* surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            if (c == 0xf0)
                lo = 0x90; /* overlong */
            else if (c == 0xf4)
                hi = 0x8f; /* above U+10FFFF */
        } else
            return false;
        if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k < n; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
    if (!utf8_valid(s, len))
        return fail(ctx, "invalid UTF-8 in a string");
    vj_node *n = new_node(VJ_STRING);
    char *p = n ? malloc(len + 1) : NULL;
    if (p == NULL) {
        free(n);
        return fail(ctx, "out of memory");
    }
    memcpy(p, s, len);
    p[len] = '\0';
    n->u.string.ptr = p;
    n->u.string.len = len;
    return attach(ctx, n);
}

static int push(struct builder *b, vj_type t)
{
    if (b->depth >= b->limits->max_depth)
        return fail(b, "nesting too deep");
    vj_node *n = new_node(t);
    if (n == NULL)
        return fail(b, "out of memory");
    if (!attach(b, n))
        return 0;
    if (grow((void **)&b->stack, &b->cap, b->depth + 1, sizeof(*b->stack)) < 0)
        return fail(b, "out of memory");
    b->stack[b->depth].node = n;
    b->stack[b->depth].pending_key = NULL;
    b->depth++;
    return 1;
}

static int pop(struct builder *b)
{
    if (b->depth == 0)
        return fail(b, "unbalanced document");
    b->depth--;
    free(b->stack[b->depth].pending_key);
    b->stack[b->depth].pending_key = NULL;
    return 1;
}

static int cb_start_map(void *ctx)
{
    return push(ctx, VJ_OBJECT);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
    struct builder *b = ctx;
    struct frame *f = &b->stack[b->depth - 1];
    /* keys are C strings: "a\u0000b" would silently become "a" */
    if (memchr(s, '\0', len))
        return fail(b, "object key contains a NUL byte");
    if (!utf8_valid(s, len))
        return fail(b, "invalid UTF-8 in an object key");
    free(f->pending_key);
    f->pending_key = strndup((const char *)s, len);
    return f->pending_key ? 1 : fail(b, "out of memory");
}

static int cb_start_array(void *ctx)
{
    return push(ctx, VJ_ARRAY);
}

static int cb_end(void *ctx)
{
    return pop(ctx);
}

static const yajl_callbacks callbacks = {
    .yajl_null = cb_null,
    .yajl_boolean = cb_boolean,
    .yajl_number = cb_number,
    .yajl_string = cb_string,
    .yajl_start_map = cb_start_map,
    .yajl_map_key = cb_map_key,
    .yajl_end_map = cb_end,
    .yajl_start_array = cb_start_array,
    .yajl_end_array = cb_end,
};

/* Our own diagnostics: the reason is the text, errno only classifies it. */
static void set_plain(veil_error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_plain(veil_error **err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    veil_error_setv(err, 0, fmt, ap);
    va_end(ap);
    if (err && *err)
        (*err)->errnum = errnum;
}

vj_node *vj_parse(const char *buf, size_t len, const vj_limits *limits, veil_error **err)
{
    if (limits == NULL)
        limits = &vj_default_limits;
    if (len > limits->max_bytes) {
        set_plain(err, EFBIG, "document is too large (%zu bytes, the limit is %zu)", len,
                  limits->max_bytes);
        return NULL;
    }
    struct builder b = {.limits = limits};
    yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
    if (h == NULL) {
        veil_error_set(err, ENOMEM, "cannot allocate the JSON parser");
        return NULL;
    }
    bool empty = true;
    for (size_t i = 0; i < len; i++)
        if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\t' && buf[i] != '\r') {
            empty = false;
            break;
        }
    yajl_status st = empty ? yajl_status_error : yajl_parse(h, (const unsigned char *)buf, len);
    /* an error found by yajl_complete_parse() is at the end of the input */
    bool at_end = st == yajl_status_ok;
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st != yajl_status_ok || empty || b.root == NULL) {
        size_t at = at_end ? len : yajl_get_bytes_consumed(h);
        if (empty) {
            set_plain(err, EINVAL, "empty document");
        } else if (b.error) {
            set_plain(err, EINVAL, "invalid JSON near byte %zu: %s", at, b.error);
        } else {
            unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)buf, len);
            char *msg = m ? strdup((char *)m) : NULL;
            if (m)
                yajl_free_error(h, m);
            /* yajl ends its messages with a newline */
            if (msg && *msg && msg[strlen(msg) - 1] == '\n')
                msg[strlen(msg) - 1] = '\0';
            set_plain(err, EINVAL, "invalid JSON near byte %zu: %s", at,
                      msg ? msg : "parse error");
            free(msg);
        }
        for (size_t i = 0; i < b.depth; i++)
            free(b.stack[i].pending_key);
        free(b.stack);
        free(b.error);
        vj_free(b.root);
        yajl_free(h);
        return NULL;
    }
    free(b.stack);
    free(b.error);
    yajl_free(h);
    return b.root;
}

vj_node *vj_parse_fd(int fd, const vj_limits *limits, veil_error **err)
{
    if (limits == NULL)
        limits = &vj_default_limits;
    _cleanup_free_ char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            if (cap > limits->max_bytes) {
                set_plain(err, EFBIG, "document is too large (the limit is %zu bytes)",
                          limits->max_bytes);
                return NULL;
            }
            size_t ncap = cap ? cap * 2 : 16384;
            char *nb = realloc(buf, ncap);
            if (nb == NULL) {
                veil_error_set(err, ENOMEM, "read");
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            veil_error_set(err, errno, "read");
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    return vj_parse(buf, len, limits, err);
}

vj_node *vj_parse_file(const char *path, const vj_limits *limits, veil_error **err)
{
    if (limits == NULL)
        limits = &vj_default_limits;
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        veil_error_set(err, errno, "open %s", path);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > limits->max_bytes) {
        set_plain(err, EFBIG, "%s is too large (%lld bytes, the limit is %zu)", path,
                  (long long)st.st_size, limits->max_bytes);
        return NULL;
    }
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        veil_error_set(err, EISDIR, "read %s", path);
        return NULL;
    }
    return vj_parse_fd(fd, limits, err);
}

/* ---- writer -------------------------------------------------------------- */

struct vj_writer {
    yajl_gen g;
    bool failed;
};

vj_writer *vj_writer_new(bool pretty)
{
    vj_writer *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->g = yajl_gen_alloc(NULL);
    if (w->g == NULL) {
        free(w);
        return NULL;
    }
    yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
    if (pretty) {
        yajl_gen_config(w->g, yajl_gen_beautify, 1);
        yajl_gen_config(w->g, yajl_gen_indent_string, "  ");
    }
    return w;
}

void vj_writer_free(vj_writer *w)
{
    if (w == NULL)
        return;
    yajl_gen_free(w->g);
    free(w);
}

static void check(vj_writer *w, yajl_gen_status st)
{
    if (st != yajl_gen_status_ok)
        w->failed = true;
}

void vj_w_object_open(vj_writer *w)
{
    check(w, yajl_gen_map_open(w->g));
}
void vj_w_object_close(vj_writer *w)
{
    check(w, yajl_gen_map_close(w->g));
}
void vj_w_array_open(vj_writer *w)
{
    check(w, yajl_gen_array_open(w->g));
}
void vj_w_array_close(vj_writer *w)
{
    check(w, yajl_gen_array_close(w->g));
}
void vj_w_key(vj_writer *w, const char *key)
{
    check(w, yajl_gen_string(w->g, (const unsigned char *)key, strlen(key)));
}
void vj_w_string_len(vj_writer *w, const char *s, size_t len)
{
    check(w, yajl_gen_string(w->g, (const unsigned char *)s, len));
}
void vj_w_string(vj_writer *w, const char *s)
{
    if (s == NULL)
        vj_w_null(w);
    else
        vj_w_string_len(w, s, strlen(s));
}
void vj_w_i64(vj_writer *w, int64_t v)
{
    char b[32];
    int n = snprintf(b, sizeof(b), "%" PRId64, v);
    check(w, yajl_gen_number(w->g, b, (size_t)n));
}
void vj_w_u64(vj_writer *w, uint64_t v)
{
    char b[32];
    int n = snprintf(b, sizeof(b), "%" PRIu64, v);
    check(w, yajl_gen_number(w->g, b, (size_t)n));
}
void vj_w_double(vj_writer *w, double v)
{
    check(w, yajl_gen_double(w->g, v));
}
void vj_w_bool(vj_writer *w, bool v)
{
    check(w, yajl_gen_bool(w->g, v));
}
void vj_w_null(vj_writer *w)
{
    check(w, yajl_gen_null(w->g));
}
void vj_w_kstr(vj_writer *w, const char *key, const char *s)
{
    vj_w_key(w, key);
    vj_w_string(w, s);
}
void vj_w_ki64(vj_writer *w, const char *key, int64_t v)
{
    vj_w_key(w, key);
    vj_w_i64(w, v);
}
void vj_w_ku64(vj_writer *w, const char *key, uint64_t v)
{
    vj_w_key(w, key);
    vj_w_u64(w, v);
}
void vj_w_kbool(vj_writer *w, const char *key, bool v)
{
    vj_w_key(w, key);
    vj_w_bool(w, v);
}

void vj_w_node(vj_writer *w, const vj_node *n)
{
    if (n == NULL) {
        vj_w_null(w);
        return;
    }
    switch (n->type) {
    case VJ_NULL:
        vj_w_null(w);
        break;
    case VJ_BOOL:
        vj_w_bool(w, n->u.boolean);
        break;
    case VJ_NUMBER:
        check(w, yajl_gen_number(w->g, n->u.number.text, strlen(n->u.number.text)));
        break;
    case VJ_STRING:
        vj_w_string_len(w, n->u.string.ptr, n->u.string.len);
        break;
    case VJ_ARRAY:
        vj_w_array_open(w);
        for (size_t i = 0; i < n->u.array.len; i++)
            vj_w_node(w, n->u.array.items[i]);
        vj_w_array_close(w);
        break;
    case VJ_OBJECT:
        vj_w_object_open(w);
        for (size_t i = 0; i < n->u.object.len; i++) {
            vj_w_key(w, n->u.object.keys[i]);
            vj_w_node(w, n->u.object.values[i]);
        }
        vj_w_object_close(w);
        break;
    }
}

bool vj_writer_result(vj_writer *w, const char **buf, size_t *len)
{
    const unsigned char *b = NULL;
    size_t l = 0;
    if (w->failed || yajl_gen_get_buf(w->g, &b, &l) != yajl_gen_status_ok)
        return false;
    *buf = (const char *)b;
    *len = l;
    return true;
}

char *vj_writer_finish(vj_writer *w, bool newline, size_t *len)
{
    const char *buf;
    size_t n;
    char *out = NULL;
    if (w && vj_writer_result(w, &buf, &n) && (out = malloc(n + 2)) != NULL) {
        memcpy(out, buf, n);
        if (newline)
            out[n++] = '\n';
        out[n] = '\0';
        if (len)
            *len = n;
    }
    vj_writer_free(w);
    return out;
}
