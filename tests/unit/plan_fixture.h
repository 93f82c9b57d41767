/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Shared by the plan test suites: a spec built as structs (so the builder is
 * tested without the parser) and helpers to build it. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <veil/plan.h>

#define STRV(...)                                                                          \
    ((veil_strv){(char *[]){__VA_ARGS__, NULL},                                            \
                 sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)})

/* A spec like `veil spec` writes, minus the process: rootfs, the usual
 * namespaces. */
typedef struct fixture {
    veil_spec spec;
    veil_spec_linux lx;
    veil_spec_namespace ns[VEIL_NS__COUNT];
    veil_plan_options opts;
} fixture;

static inline void fixture_init(fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->spec.oci_version = "1.2.0";
    f->spec.has_root = true;
    f->spec.root_path = "rootfs";
    f->spec.linux_ = &f->lx;
    static const veil_ns_type types[] = {VEIL_NS_PID, VEIL_NS_NETWORK, VEIL_NS_IPC, VEIL_NS_UTS,
                                         VEIL_NS_MOUNT};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        f->ns[i].type = types[i];
    f->lx.namespaces = f->ns;
    f->lx.n_namespaces = 5;
    f->opts.id = "ctr1";
    f->opts.bundle = "/srv/bundle";
}

static inline void add_ns(fixture *f, veil_ns_type t, char *path)
{
    f->ns[f->lx.n_namespaces].type = t;
    f->ns[f->lx.n_namespaces].path = path;
    f->lx.n_namespaces++;
}

static inline void drop_ns(fixture *f, veil_ns_type t)
{
    size_t w = 0;
    for (size_t i = 0; i < f->lx.n_namespaces; i++)
        if (f->ns[i].type != t)
            f->ns[w++] = f->ns[i];
    f->lx.n_namespaces = w;
}

static inline veil_plan *build_ok(const fixture *f)
{
    veil_plan *p = NULL;
    veil_error *e = NULL;
    int r = veil_plan_build(&f->spec, &f->opts, &p, &e);
    ck_assert_msg(r == 0, "plan failed: %s", e ? e->msg : "?");
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Builds expecting failure; returns the message (caller frees). */
static inline char *build_err(const fixture *f)
{
    veil_plan *p = NULL;
    veil_error *e = NULL;
    int r = veil_plan_build(&f->spec, &f->opts, &p, &e);
    ck_assert_msg(r < 0, "plan unexpectedly succeeded");
    ck_assert_ptr_null(p);
    ck_assert_ptr_nonnull(e);
    char *msg = strdup(e->msg);
    veil_error_free(e);
    return msg;
}

#define ck_assert_err_contains(f, needle)                                                  \
    do {                                                                                   \
        char *m_ = build_err(f);                                                           \
        ck_assert_msg(strstr(m_, needle) != NULL, "error \"%s\" lacks \"%s\"", m_, needle); \
        free(m_);                                                                          \
    } while (0)

static inline bool has_warning(const veil_plan *p, const char *needle)
{
    for (size_t i = 0; i < p->n_warnings; i++)
        if (strstr(p->warnings[i], needle))
            return true;
    return false;
}

/* One mount with the given options; the plan's step for it. */
static inline veil_plan *plan_one_mount(fixture *f, veil_spec_mount *m)
{
    f->spec.mounts = m;
    f->spec.n_mounts = 1;
    veil_plan *p = build_ok(f);
    ck_assert_uint_eq(p->n_mounts, 1);
    return p;
}
