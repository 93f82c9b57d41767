/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The saved form of a container cgroup, kept in the container state and
 * read back by later commands.  One printable line of ';'-separated fields:
 *
 *   veil-cgroup/1;layout=hybrid;path=/veil/c1;
 *   h=cpu:/sys/fs/cgroup/cpu:/veil/c1:2;...;en=hugetlb:/sys/fs/cgroup/unified
 *
 * h= is a hierarchy (controllers, mount, cgroup path, number of trailing
 * components veil created), en= a pre-existing cgroup where veil switched
 * controllers on.  Path bytes outside a safe set are %XX-escaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

#define MAGIC "veil-cgroup/1"

typedef struct sbuf {
    char *s;
    size_t n, cap;
    bool oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = (b->n + len + 1) * 2;
        char *ns = realloc(b->s, cap);
        if (ns == NULL) {
            b->oom = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

static void puts_(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_escaped(sbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/_.,+-@", *p)) {
            put(b, (const char *)p, 1);
        } else {
            char hex[4];
            snprintf(hex, sizeof(hex), "%%%02X", *p);
            put(b, hex, 3);
        }
    }
}

static void put_ctrls(sbuf *b, uint32_t ctrls)
{
    bool first = true;
    for (int c = 0; c < VEIL_CG__COUNT; c++)
        if (ctrls & VEIL_CG_BIT(c)) {
            if (!first)
                puts_(b, ",");
            puts_(b, veil_cgroup_ctrl_name((veil_cgroup_ctrl)c));
            first = false;
        }
}

char *veil_cgroup_serialize(const veil_cgroup *cg)
{
    sbuf b = {0};
    puts_(&b, MAGIC ";layout=");
    puts_(&b, veil_cgroup_layout_name(cg->layout));
    if (cg->path) {
        puts_(&b, ";path=");
        put_escaped(&b, cg->path);
    }
    for (size_t i = 0; i < cg->n; i++) {
        const veil_cg_hier *h = &cg->h[i];
        char num[16];
        snprintf(num, sizeof(num), ":%u", h->created);
        puts_(&b, ";h=");
        put_ctrls(&b, h->ctrls);
        puts_(&b, ":");
        put_escaped(&b, h->mount);
        puts_(&b, ":");
        put_escaped(&b, h->rel);
        puts_(&b, num);
    }
    for (size_t i = 0; i < cg->n_enabled; i++) {
        if (cg->enabled[i].ctrls == 0)
            continue;
        puts_(&b, ";en=");
        put_ctrls(&b, cg->enabled[i].ctrls);
        puts_(&b, ":");
        put_escaped(&b, cg->enabled[i].dir);
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* ---- parsing ----------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Unescapes s[0..len) into a new string; NULL on bad input. */
static char *unescape(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out);
                return NULL;
            }
            out[n++] = (char)(hi * 16 + lo);
            i += 2;
            continue;
        }
        out[n++] = s[i];
    }
    out[n] = '\0';
    return out;
}

static int parse_ctrls(const char *s, size_t len, uint32_t *out)
{
    uint32_t bits = 0;
    for (size_t i = 0; i < len;) {
        size_t n = 0;
        while (i + n < len && s[i + n] != ',')
            n++;
        int found = -1;
        for (int c = 0; c < VEIL_CG__COUNT; c++) {
            const char *name = veil_cgroup_ctrl_name((veil_cgroup_ctrl)c);
            if (strlen(name) == n && strncmp(name, s + i, n) == 0)
                found = c;
        }
        if (found < 0)
            return -1;
        bits |= VEIL_CG_BIT(found);
        i += n + 1;
    }
    *out = bits;
    return bits ? 0 : -1;
}

/* Splits field into at most max ':'-separated parts. */
static size_t split(const char *s, size_t len, const char **parts, size_t *lens, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len && n < max; i++)
        if (i == len || s[i] == ':') {
            parts[n] = s + start;
            lens[n++] = i - start;
            start = i + 1;
        }
    return n;
}

static int parse_field(veil_cgroup *cg, const char *f, size_t len)
{
    const char *parts[4];
    size_t lens[4];
    if (len > 7 && strncmp(f, "layout=", 7) == 0) {
        static const veil_cgroup_layout all[] = {VEIL_CGROUP_NONE, VEIL_CGROUP_V1,
                                                 VEIL_CGROUP_HYBRID, VEIL_CGROUP_V2};
        for (size_t i = 0; i < 4; i++) {
            const char *name = veil_cgroup_layout_name(all[i]);
            if (strlen(name) == len - 7 && strncmp(name, f + 7, len - 7) == 0) {
                cg->layout = all[i];
                return 0;
            }
        }
        return -1;
    }
    if (len > 5 && strncmp(f, "path=", 5) == 0) {
        free(cg->path);
        cg->path = unescape(f + 5, len - 5);
        return cg->path ? 0 : -1;
    }
    if (len > 2 && strncmp(f, "h=", 2) == 0) {
        if (split(f + 2, len - 2, parts, lens, 4) != 4)
            return -1;
        uint32_t ctrls;
        if (parse_ctrls(parts[0], lens[0], &ctrls) < 0)
            return -1;
        _cleanup_free_ char *mount = unescape(parts[1], lens[1]);
        _cleanup_free_ char *rel = unescape(parts[2], lens[2]);
        char num[16];
        if (mount == NULL || rel == NULL || lens[3] == 0 || lens[3] >= sizeof(num) ||
            mount[0] != '/' || rel[0] != '/')
            return -1;
        memcpy(num, parts[3], lens[3]);
        num[lens[3]] = '\0';
        char *end;
        unsigned long created = strtoul(num, &end, 10);
        if (*end || created > 4096)
            return -1;
        return veil_cg_add_hier(cg, ctrls, mount, rel, (unsigned)created);
    }
    if (len > 3 && strncmp(f, "en=", 3) == 0) {
        if (split(f + 3, len - 3, parts, lens, 2) != 2)
            return -1;
        uint32_t ctrls;
        if (parse_ctrls(parts[0], lens[0], &ctrls) < 0)
            return -1;
        char *dir = unescape(parts[1], lens[1]);
        if (dir == NULL)
            return -1;
        veil_cg_enabled *v = realloc(cg->enabled, (cg->n_enabled + 1) * sizeof(*v));
        if (v == NULL) {
            free(dir);
            return -1;
        }
        cg->enabled = v;
        v[cg->n_enabled++] = (veil_cg_enabled){.dir = dir, .ctrls = ctrls};
        return 0;
    }
    return -1; /* unknown field: a newer veil wrote this; refuse rather than guess */
}

int veil_cgroup_open(const veil_context *ctx, const char *saved, veil_cgroup **out,
                     veil_error **err)
{
    size_t mlen = strlen(MAGIC);
    if (saved == NULL || strncmp(saved, MAGIC, mlen) != 0 || (saved[mlen] && saved[mlen] != ';'))
        return veil_error_set(err, 0, "unrecognised saved cgroup state");
    veil_cgroup *cg = veil_cg_new(VEIL_CGROUP_NONE);
    if (cg == NULL)
        return veil_error_set(err, ENOMEM, "cgroup");
    for (const char *p = saved + mlen; *p == ';';) {
        p++;
        size_t len = strcspn(p, ";");
        if (parse_field(cg, p, len) < 0) {
            veil_cgroup_free(cg);
            return veil_error_set(err, 0, "bad saved cgroup state near \"%.*s\"", (int)len, p);
        }
        p += len;
    }
    if (cg->layout != VEIL_CGROUP_NONE && (cg->n == 0 || cg->path == NULL)) {
        veil_cgroup_free(cg);
        return veil_error_set(err, 0, "bad saved cgroup state: no hierarchy");
    }
    if (cg->layout == VEIL_CGROUP_V2) {
        /* gone already (e.g. deleted by hand) is fine: -1 like on v1 */
        cg->v2_fd = open(cg->h[0].dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    veil_debug(ctx, "cgroup %s opened", cg->path ? cg->path : "(none)");
    *out = cg;
    return 0;
}
