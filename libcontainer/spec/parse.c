/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: the entry points and the top level of the document. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/internal.h"
#include "util/cleanup.h"

static void cleanup_vj(vj_node **n)
{
    vj_free(*n);
}
#define _cleanup_vj_ __attribute__((cleanup(cleanup_vj)))

/* Reads a SemVer core number: digits, no leading zero. */
static const char *semver_number(const char *p, unsigned long *out)
{
    size_t n = strspn(p, "0123456789");
    if (n == 0 || (n > 1 && p[0] == '0'))
        return NULL;
    *out = n > 9 ? 999999999ul : strtoul(p, NULL, 10); /* huge means "too new" */
    return p + n;
}

static bool semver_ident_chars(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '-' || c == '.';
        if (!ok || (c == '.' && (i == 0 || i + 1 == n || p[i - 1] == '.')))
            return false;
    }
    return true;
}

/* Accepts 1.0.0 .. 1.3.x with any pre-release or build suffix. */
static int check_version(spec_reader *r, const char *v)
{
    char shown[256];
    sr_quote(v, strlen(v), shown, sizeof(shown));
    unsigned long major, minor, patch;
    const char *p = semver_number(v, &major);
    if (p && *p == '.')
        p = semver_number(p + 1, &minor);
    else
        p = NULL;
    if (p && *p == '.')
        p = semver_number(p + 1, &patch);
    else
        p = NULL;
    if (p && *p == '-') {
        size_t n = strcspn(p + 1, "+");
        p = semver_ident_chars(p + 1, n) ? p + 1 + n : NULL;
    }
    if (p && *p == '+')
        p = semver_ident_chars(p + 1, strlen(p + 1)) ? p + strlen(p) : NULL;
    if (p == NULL || *p != '\0')
        return sr_fail(r, "%s is not a version of the form MAJOR.MINOR.PATCH", shown);
    if (major != 1 || minor > 3)
        return sr_fail(r, "unsupported version %s (veil supports 1.0.0 to 1.3.x)", shown);
    return 0;
}

static int process_fn(spec_reader *r, const vj_node *o, void *out)
{
    return spec_parse_process(r, o, out);
}

static int linux_fn(spec_reader *r, const vj_node *o, void *out)
{
    return spec_parse_linux(r, o, out);
}

static int parse_document(spec_reader *r, const vj_node *doc, veil_spec *spec)
{
    if (sr_string(r, doc, "ociVersion", SR_REQUIRED, &spec->oci_version) < 0)
        return -1;
    size_t m = sr_enter(r, "ociVersion");
    int rc = check_version(r, spec->oci_version);
    sr_leave(r, m);
    if (rc < 0 || spec_parse_root(r, doc, spec) < 0 ||
        sr_object_new(r, doc, "process", sizeof(*spec->process), process_fn,
                      (void **)&spec->process) < 0 ||
        sr_string(r, doc, "hostname", SR_OPTIONAL, &spec->hostname) < 0 ||
        sr_string(r, doc, "domainname", SR_OPTIONAL, &spec->domainname) < 0 ||
        spec_parse_mounts(r, doc, spec) < 0 || spec_parse_hooks(r, doc, &spec->hooks) < 0 ||
        sr_kv(r, doc, "annotations", &spec->annotations) < 0 ||
        sr_object_new(r, doc, "linux", sizeof(*spec->linux_), linux_fn, (void **)&spec->linux_) < 0)
        return -1;
    return 0;
}

/* Parses the bytes; errors carry the document name. */
static vj_node *parse_json(const char *buf, size_t len, const char *name, veil_error **err)
{
    vj_node *doc = vj_parse(buf, len, &vj_default_limits, err);
    if (doc == NULL)
        veil_error_prefix(err, "%s", name);
    return doc;
}

/* The document must be an object. */
static int check_top(spec_reader *r, const vj_node *doc)
{
    return sr_want(r, doc, VJ_OBJECT);
}

static veil_spec *spec_from_doc(const vj_node *doc, const char *name, veil_error **err)
{
    spec_reader r;
    sr_init(&r, name, err);
    if (check_top(&r, doc) < 0)
        return NULL;
    veil_spec *spec = calloc(1, sizeof(*spec));
    if (spec == NULL) {
        sr_fail(&r, "out of memory");
        return NULL;
    }
    if (parse_document(&r, doc, spec) < 0) {
        veil_spec_free(spec);
        return NULL;
    }
    return spec;
}

veil_spec *veil_spec_parse(const char *buf, size_t len, const char *name, veil_error **err)
{
    if (name == NULL)
        name = "config.json";
    _cleanup_vj_ vj_node *doc = parse_json(buf, len, name, err);
    if (doc == NULL)
        return NULL;
    return spec_from_doc(doc, name, err);
}

/* Reads a whole document file, bounded like the parser: a directory or an
 * oversized file is refused before a byte is read, a stream without a size
 * once it passes the limit. */
static char *read_document(const char *path, size_t *len, veil_error **err)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        veil_error_set(err, errno, "open %s", path);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        veil_error_set(err, errno, "stat %s", path);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        veil_error_set(err, EISDIR, "read %s", path);
        return NULL;
    }
    size_t max = vj_default_limits.max_bytes;
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
        veil_error_set(err, 0, "%s: file is too large (%lld bytes, the limit is %zu)", path,
                       (long long)st.st_size, max);
        if (err && *err)
            (*err)->errnum = EFBIG;
        return NULL;
    }
    size_t n = 0, cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 16384;
    _cleanup_free_ char *buf = malloc(cap);
    if (buf == NULL) {
        veil_error_set(err, ENOMEM, "read %s", path);
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                veil_error_set(err, 0, "%s: document is too large (the limit is %zu bytes)",
                               path, max);
                if (err && *err)
                    (*err)->errnum = EFBIG;
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                veil_error_set(err, ENOMEM, "read %s", path);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            veil_error_set(err, errno, "read %s", path);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return steal_pointer(&buf);
}

veil_spec *veil_spec_load_raw(const char *path, char **raw, size_t *raw_len, veil_error **err)
{
    size_t len = 0;
    _cleanup_free_ char *buf = read_document(path, &len, err);
    if (buf == NULL)
        return NULL;
    veil_spec *spec = veil_spec_parse(buf, len, path, err);
    if (spec && raw) {
        *raw = steal_pointer(&buf);
        *raw_len = len;
    }
    return spec;
}

veil_spec *veil_spec_load(const char *path, veil_error **err)
{
    return veil_spec_load_raw(path, NULL, NULL, err);
}

veil_spec_process *veil_spec_load_process(const char *path, veil_error **err)
{
    size_t len = 0;
    _cleanup_free_ char *buf = read_document(path, &len, err);
    return buf ? veil_spec_parse_process(buf, len, path, err) : NULL;
}

veil_spec_process *veil_spec_parse_process(const char *buf, size_t len, const char *name,
                                           veil_error **err)
{
    if (name == NULL)
        name = "process.json";
    _cleanup_vj_ vj_node *doc = parse_json(buf, len, name, err);
    if (doc == NULL)
        return NULL;
    spec_reader r;
    sr_init(&r, name, err);
    if (check_top(&r, doc) < 0)
        return NULL;
    veil_spec_process *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        sr_fail(&r, "out of memory");
        return NULL;
    }
    if (spec_parse_process(&r, doc, p) < 0) {
        veil_spec_process_free(p);
        return NULL;
    }
    return p;
}

veil_spec_resources *veil_spec_parse_resources(const char *buf, size_t len, const char *name,
                                               veil_error **err)
{
    if (name == NULL)
        name = "resources.json";
    _cleanup_vj_ vj_node *doc = parse_json(buf, len, name, err);
    if (doc == NULL)
        return NULL;
    spec_reader r;
    sr_init(&r, name, err);
    if (check_top(&r, doc) < 0)
        return NULL;
    veil_spec_resources *res = calloc(1, sizeof(*res));
    if (res == NULL) {
        sr_fail(&r, "out of memory");
        return NULL;
    }
    if (spec_parse_resources(&r, doc, res) < 0) {
        veil_spec_resources_free(res);
        return NULL;
    }
    return res;
}
