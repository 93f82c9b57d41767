/* SPDX-License-Identifier: Apache-2.0 */
/* Typed field readers with JSON-path error messages (see read.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/read.h"
#include "util/cleanup.h"

/* How much of a value or key an error message shows. */
#define SHOW_CHARS 40

void sr_init(spec_reader *r, const char *name, veil_error **err)
{
    r->name = name ? name : "config";
    r->err = err;
    r->path[0] = '\0';
    r->len = 0;
}

static void append(spec_reader *r, const char *s)
{
    size_t n = strlen(s);
    if (r->len + n >= SR_PATH_MAX)
        n = SR_PATH_MAX - 1 - r->len; /* deep paths are cut, never overflow */
    memcpy(r->path + r->len, s, n);
    r->len += n;
    r->path[r->len] = '\0';
}

size_t sr_enter(spec_reader *r, const char *member)
{
    size_t mark = r->len;
    if (r->len > 0)
        append(r, ".");
    append(r, member);
    return mark;
}

size_t sr_enter_index(spec_reader *r, size_t index)
{
    size_t mark = r->len;
    /* by hand: this runs for every array element of the config */
    char b[32], *e = b + sizeof(b);
    *--e = '\0';
    *--e = ']';
    do
        *--e = (char)('0' + index % 10);
    while ((index /= 10) != 0);
    *--e = '[';
    append(r, e);
    return mark;
}

size_t sr_enter_key(spec_reader *r, const char *key)
{
    size_t mark = r->len;
    char b[SHOW_CHARS * 6 + 16];
    sr_quote(key, strlen(key), b, sizeof(b));
    append(r, "[");
    append(r, b);
    append(r, "]");
    return mark;
}

void sr_leave(spec_reader *r, size_t mark)
{
    if (mark <= r->len) {
        r->len = mark;
        r->path[mark] = '\0';
    }
}

int sr_fail(spec_reader *r, const char *fmt, ...)
{
    _cleanup_free_ char *reason = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&reason, fmt, ap) < 0)
        reason = NULL;
    va_end(ap);
    if (r->len > 0)
        veil_error_set(r->err, 0, "%s: %s: %s", r->name, r->path,
                       reason ? reason : "out of memory");
    else
        veil_error_set(r->err, 0, "%s: %s", r->name, reason ? reason : "out of memory");
    if (r->err && *r->err)
        (*r->err)->errnum = reason ? EINVAL : ENOMEM;
    return -1;
}

/* Length of the UTF-8 sequence that starts with byte c (1 for others). */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xf0 && c < 0xf8)
        return 4;
    if (c >= 0xe0)
        return 3;
    if (c >= 0xc0)
        return 2;
    return 1;
}

void sr_quote(const char *s, size_t len, char *buf, size_t size)
{
    size_t o = 0, chars = 0, i = 0;
#define PUT(str)                                                               \
    do {                                                                       \
        const char *p_ = (str);                                                \
        size_t n_ = strlen(p_);                                                \
        if (o + n_ < size) {                                                   \
            memcpy(buf + o, p_, n_);                                           \
            o += n_;                                                           \
        }                                                                      \
    } while (0)
    if (size == 0)
        return;
    PUT("\"");
    while (i < len && chars < SHOW_CHARS) {
        unsigned char c = (unsigned char)s[i];
        char e[8];
        if (c == '"' || c == '\\') {
            e[0] = '\\', e[1] = (char)c, e[2] = '\0';
            PUT(e);
            i++;
        } else if (c == '\n') {
            PUT("\\n");
            i++;
        } else if (c == '\t') {
            PUT("\\t");
            i++;
        } else if (c == '\r') {
            PUT("\\r");
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(e, sizeof(e), "\\u%04x", c);
            PUT(e);
            i++;
        } else {
            size_t n = utf8_len(c);
            if (i + n > len)
                n = len - i;
            if (o + n < size) {
                memcpy(buf + o, s + i, n);
                o += n;
            }
            i += n;
        }
        chars++;
    }
    if (i < len)
        PUT("...");
    PUT("\"");
#undef PUT
    buf[o] = '\0';
}

void sr_describe(const vj_node *n, char *buf, size_t size)
{
    if (n == NULL) {
        snprintf(buf, size, "nothing");
        return;
    }
    switch (n->type) {
    case VJ_NULL:
        snprintf(buf, size, "null");
        break;
    case VJ_BOOL:
        snprintf(buf, size, "%s", n->u.boolean ? "true" : "false");
        break;
    case VJ_NUMBER: {
        const char *t = n->u.number.text;
        if (strlen(t) > SHOW_CHARS)
            snprintf(buf, size, "%.*s...", SHOW_CHARS, t);
        else
            snprintf(buf, size, "%s", t);
        break;
    }
    case VJ_STRING:
        sr_quote(n->u.string.ptr, n->u.string.len, buf, size);
        break;
    case VJ_ARRAY:
        snprintf(buf, size, "an array");
        break;
    case VJ_OBJECT:
        snprintf(buf, size, "an object");
        break;
    }
}

int sr_fail_type(spec_reader *r, const char *what, const vj_node *got)
{
    char b[SHOW_CHARS * 6 + 16];
    sr_describe(got, b, sizeof(b));
    return sr_fail(r, "expected %s, got %s", what, b);
}

static const char *type_what(vj_type t)
{
    return t == VJ_NUMBER ? "an integer" : vj_type_name(t);
}

int sr_want(spec_reader *r, const vj_node *n, vj_type type)
{
    if (n->type != type)
        return sr_fail_type(r, type_what(type), n);
    return 0;
}

int sr_node_string(spec_reader *r, const vj_node *n, char **out)
{
    if (sr_want(r, n, VJ_STRING) < 0)
        return -1;
    if (memchr(n->u.string.ptr, '\0', n->u.string.len))
        return sr_fail(r, "string contains a NUL byte");
    char *s = strdup(n->u.string.ptr);
    if (s == NULL)
        return sr_fail(r, "out of memory");
    free(*out);
    *out = s;
    return 0;
}

/* Integer syntax: no fraction, no exponent. */
static bool is_integer_text(const char *t)
{
    return strpbrk(t, ".eE") == NULL;
}

int sr_node_i64(spec_reader *r, const vj_node *n, int64_t min, int64_t max, int64_t *out)
{
    if (n->type != VJ_NUMBER || !is_integer_text(n->u.number.text))
        return sr_fail_type(r, "an integer", n);
    int64_t v;
    if (!vj_number_i64(n, &v) || v < min || v > max) {
        char b[SHOW_CHARS + 8];
        sr_describe(n, b, sizeof(b));
        return sr_fail(r, "expected an integer in %" PRId64 "..%" PRId64 ", got %s", min, max, b);
    }
    *out = v;
    return 0;
}

int sr_node_u64(spec_reader *r, const vj_node *n, uint64_t max, uint64_t *out)
{
    if (n->type != VJ_NUMBER || !is_integer_text(n->u.number.text))
        return sr_fail_type(r, "an integer", n);
    const char *t = n->u.number.text;
    uint64_t v = 0;
    bool ok;
    if (t[0] == '-')
        ok = t[strspn(t + 1, "0") + 1] == '\0'; /* "-0" is zero */
    else
        ok = vj_number_u64(n, &v);
    if (!ok || v > max) {
        char b[SHOW_CHARS + 8];
        sr_describe(n, b, sizeof(b));
        return sr_fail(r, "expected an integer in 0..%" PRIu64 ", got %s", max, b);
    }
    *out = v;
    return 0;
}

int sr_member(spec_reader *r, const vj_node *obj, const char *key, vj_type type, int req,
              const vj_node **out)
{
    const vj_node *n = vj_get(obj, key);
    *out = NULL;
    if (n == NULL && req == SR_OPTIONAL)
        return 0;
    size_t m = sr_enter(r, key);
    int rc = n == NULL ? sr_fail(r, "required field is missing") : sr_want(r, n, type);
    sr_leave(r, m);
    if (rc == 0)
        *out = n;
    return rc;
}

/* Looks a member up; 1 when present (path entered), 0 when absent and
 * optional, -1 when missing and required. */
static int enter_member(spec_reader *r, const vj_node *obj, const char *key, int req,
                        const vj_node **n, size_t *mark)
{
    *n = vj_get(obj, key);
    if (*n == NULL && req == SR_OPTIONAL)
        return 0;
    *mark = sr_enter(r, key);
    if (*n == NULL) {
        sr_fail(r, "required field is missing");
        sr_leave(r, *mark);
        return -1;
    }
    return 1;
}

int sr_string(spec_reader *r, const vj_node *obj, const char *key, int req, char **out)
{
    const vj_node *n;
    size_t m;
    int rc = enter_member(r, obj, key, req, &n, &m);
    if (rc <= 0)
        return rc;
    rc = sr_node_string(r, n, out);
    sr_leave(r, m);
    return rc;
}

int sr_bool(spec_reader *r, const vj_node *obj, const char *key, int req, veil_opt_bool *out)
{
    const vj_node *n;
    size_t m;
    int rc = enter_member(r, obj, key, req, &n, &m);
    if (rc <= 0)
        return rc;
    rc = sr_want(r, n, VJ_BOOL);
    if (rc == 0) {
        out->set = true;
        out->value = n->u.boolean;
    }
    sr_leave(r, m);
    return rc;
}

int sr_i64(spec_reader *r, const vj_node *obj, const char *key, int req, int64_t min, int64_t max,
           veil_opt_i64 *out)
{
    const vj_node *n;
    size_t m;
    int rc = enter_member(r, obj, key, req, &n, &m);
    if (rc <= 0)
        return rc;
    rc = sr_node_i64(r, n, min, max, &out->value);
    out->set = rc == 0;
    sr_leave(r, m);
    return rc;
}

int sr_u64(spec_reader *r, const vj_node *obj, const char *key, int req, uint64_t max,
           veil_opt_u64 *out)
{
    const vj_node *n;
    size_t m;
    int rc = enter_member(r, obj, key, req, &n, &m);
    if (rc <= 0)
        return rc;
    rc = sr_node_u64(r, n, max, &out->value);
    out->set = rc == 0;
    sr_leave(r, m);
    return rc;
}

int sr_u32(spec_reader *r, const vj_node *obj, const char *key, int req, uint32_t *out,
           bool *present)
{
    veil_opt_u64 v = {0};
    if (sr_u64(r, obj, key, req, UINT32_MAX, &v) < 0)
        return -1;
    if (v.set)
        *out = (uint32_t)v.value;
    if (present)
        *present = v.set;
    return 0;
}

int sr_strv(spec_reader *r, const vj_node *obj, const char *key, int req, veil_strv *out)
{
    const vj_node *n;
    size_t m;
    int rc = enter_member(r, obj, key, req, &n, &m);
    if (rc <= 0)
        return rc;
    if (sr_want(r, n, VJ_ARRAY) < 0) {
        sr_leave(r, m);
        return -1;
    }
    size_t len = n->u.array.len;
    out->v = calloc(len + 1, sizeof(char *));
    if (out->v == NULL) {
        sr_fail(r, "out of memory");
        sr_leave(r, m);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        size_t mi = sr_enter_index(r, i);
        if (sr_node_string(r, n->u.array.items[i], &out->v[i]) < 0) {
            sr_leave(r, m);
            return -1;
        }
        out->n = i + 1;
        sr_leave(r, mi);
    }
    sr_leave(r, m);
    return 0;
}

struct key_ref {
    const char *key;
    size_t index;
};

static int cmp_key_ref(const void *a, const void *b)
{
    const struct key_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

int sr_map_keep(spec_reader *r, const vj_node *obj, bool **keep, size_t *n_kept)
{
    size_t len = obj->u.object.len;
    *keep = NULL;
    *n_kept = 0;
    if (len == 0)
        return 0;
    _cleanup_free_ struct key_ref *refs = calloc(len, sizeof(*refs));
    bool *k = calloc(len, sizeof(*k));
    if (refs == NULL || k == NULL) {
        free(k);
        return sr_fail(r, "out of memory");
    }
    for (size_t i = 0; i < len; i++)
        refs[i] = (struct key_ref){obj->u.object.keys[i], i};
    /* a repeated key keeps its last value, as vj_get() does */
    qsort(refs, len, sizeof(*refs), cmp_key_ref);
    for (size_t i = 0; i < len; i++)
        if (i + 1 == len || strcmp(refs[i].key, refs[i + 1].key) != 0) {
            k[refs[i].index] = true;
            (*n_kept)++;
        }
    *keep = k;
    return 0;
}

int sr_kv(spec_reader *r, const vj_node *obj, const char *key, veil_kv_list *out)
{
    const vj_node *n;
    size_t m;
    int rc = enter_member(r, obj, key, SR_OPTIONAL, &n, &m);
    if (rc <= 0)
        return rc;
    if (sr_want(r, n, VJ_OBJECT) < 0) {
        sr_leave(r, m);
        return -1;
    }
    _cleanup_free_ bool *keep = NULL;
    size_t kept;
    if (sr_map_keep(r, n, &keep, &kept) < 0) {
        sr_leave(r, m);
        return -1;
    }
    if (kept > 0) {
        out->items = calloc(kept, sizeof(*out->items));
        if (out->items == NULL) {
            sr_fail(r, "out of memory");
            sr_leave(r, m);
            return -1;
        }
    }
    for (size_t i = 0; i < n->u.object.len; i++) {
        if (!keep[i])
            continue;
        const char *k = n->u.object.keys[i];
        size_t mk = sr_enter_key(r, k);
        veil_kv *kv = &out->items[out->n];
        if (k[0] == '\0') {
            sr_fail(r, "key must not be empty");
        } else if ((kv->key = strdup(k)) == NULL) {
            sr_fail(r, "out of memory");
        } else {
            out->n++;
            if (sr_node_string(r, n->u.object.values[i], &kv->value) == 0) {
                sr_leave(r, mk);
                continue;
            }
        }
        sr_leave(r, m);
        return -1;
    }
    sr_leave(r, m);
    return 0;
}

int sr_check_abs(spec_reader *r, const char *s)
{
    if (s[0] != '/') {
        char b[SHOW_CHARS * 6 + 16];
        sr_quote(s, strlen(s), b, sizeof(b));
        return sr_fail(r, "must be an absolute path, got %s", b);
    }
    return 0;
}

int sr_abs_path(spec_reader *r, const vj_node *obj, const char *key, int req, char **out)
{
    if (sr_string(r, obj, key, req, out) < 0)
        return -1;
    if (*out == NULL)
        return 0;
    size_t m = sr_enter(r, key);
    int rc = sr_check_abs(r, *out);
    sr_leave(r, m);
    return rc;
}

int sr_enum(spec_reader *r, const char *s, const char *const *names, size_t n, const char *what,
            size_t *index)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *index = i;
            return 0;
        }
    char shown[SHOW_CHARS * 6 + 16];
    sr_quote(s, strlen(s), shown, sizeof(shown));
    size_t cap = 64;
    for (size_t i = 0; i < n; i++)
        cap += strlen(names[i]) + 2;
    _cleanup_free_ char *list = calloc(1, cap);
    if (list == NULL)
        return sr_fail(r, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(list, ", ");
        strcat(list, names[i]);
    }
    return sr_fail(r, "unknown %s %s (expected one of: %s)", what, shown, list);
}

int sr_enum_member(spec_reader *r, const vj_node *o, const char *key, int req,
                   const char *const *names, size_t n, const char *what, char **out,
                   size_t *index)
{
    if (sr_string(r, o, key, req, out) < 0)
        return -1;
    if (*out == NULL)
        return 0;
    size_t m = sr_enter(r, key);
    int rc = sr_enum(r, *out, names, n, what, index);
    sr_leave(r, m);
    return rc;
}

int sr_flags(spec_reader *r, const vj_node *o, const char *key, const char *const *names,
             const uint64_t *values, size_t n, const char *what, veil_strv *out,
             uint64_t *mask)
{
    if (sr_strv(r, o, key, SR_OPTIONAL, out) < 0)
        return -1;
    for (size_t i = 0; i < out->n; i++) {
        size_t idx, m = sr_enter(r, key);
        sr_enter_index(r, i);
        int rc = sr_enum(r, out->v[i], names, n, what, &idx);
        sr_leave(r, m);
        if (rc < 0)
            return -1;
        if (values && mask)
            *mask |= values[idx];
    }
    return 0;
}

int sr_array_of(spec_reader *r, const vj_node *obj, const char *key, int req, size_t size,
                sr_item_fn fn, void **items, size_t *n)
{
    const vj_node *arr;
    if (sr_member(r, obj, key, VJ_ARRAY, req, &arr) < 0)
        return -1;
    if (arr == NULL || arr->u.array.len == 0)
        return 0;
    size_t len = arr->u.array.len;
    size_t m = sr_enter(r, key);
    char *base = calloc(len, size);
    if (base == NULL) {
        sr_fail(r, "out of memory");
        sr_leave(r, m);
        return -1;
    }
    *items = base;
    *n = len; /* zeroed items are safe to free */
    for (size_t i = 0; i < len; i++) {
        size_t mi = sr_enter_index(r, i);
        const vj_node *e = arr->u.array.items[i];
        if (sr_want(r, e, VJ_OBJECT) < 0 || fn(r, e, base + i * size) < 0) {
            sr_leave(r, m);
            return -1;
        }
        sr_leave(r, mi);
    }
    sr_leave(r, m);
    return 0;
}

int sr_object(spec_reader *r, const vj_node *parent, const char *key, int req, sr_obj_fn fn,
              void *out)
{
    const vj_node *o;
    if (sr_member(r, parent, key, VJ_OBJECT, req, &o) < 0)
        return -1;
    if (o == NULL)
        return 0;
    size_t m = sr_enter(r, key);
    int rc = fn(r, o, out);
    sr_leave(r, m);
    return rc;
}

int sr_object_new(spec_reader *r, const vj_node *parent, const char *key, size_t size,
                  sr_obj_fn fn, void **out)
{
    const vj_node *o;
    if (sr_member(r, parent, key, VJ_OBJECT, SR_OPTIONAL, &o) < 0)
        return -1;
    if (o == NULL)
        return 0;
    if ((*out = calloc(1, size)) == NULL)
        return sr_fail(r, "out of memory");
    size_t m = sr_enter(r, key);
    int rc = fn(r, o, *out);
    sr_leave(r, m);
    return rc;
}

static int parse_idmap(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_idmap *im = item;
    if (sr_u32(r, o, "containerID", SR_REQUIRED, &im->container_id, NULL) < 0 ||
        sr_u32(r, o, "hostID", SR_REQUIRED, &im->host_id, NULL) < 0 ||
        sr_u32(r, o, "size", SR_REQUIRED, &im->size, NULL) < 0)
        return -1;
    return 0;
}

int sr_idmaps(spec_reader *r, const vj_node *obj, const char *key, veil_spec_idmap **items,
              size_t *n)
{
    return sr_array_of(r, obj, key, SR_OPTIONAL, sizeof(**items), parse_idmap, (void **)items, n);
}
