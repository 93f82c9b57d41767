/* SPDX-License-Identifier: Apache-2.0 */
/* Test support: JSON -> veil_spec_seccomp (see seccomp_spec.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spec/json.h"
#include "tests/support/seccomp_spec.h"

static char *str_of(const vj_node *n)
{
    return n && n->type == VJ_STRING ? strdup(n->u.string.ptr) : NULL;
}

static int strv_of(const vj_node *n, veil_strv *out, veil_error **err, const char *what)
{
    if (n == NULL)
        return 0;
    if (n->type != VJ_ARRAY)
        return veil_error_set(err, 0, "%s: expected an array", what);
    out->v = calloc(n->u.array.len + 1, sizeof(char *));
    for (size_t i = 0; i < n->u.array.len; i++) {
        if (n->u.array.items[i]->type != VJ_STRING)
            return veil_error_set(err, 0, "%s[%zu]: expected a string", what, i);
        out->v[i] = strdup(n->u.array.items[i]->u.string.ptr);
    }
    out->n = n->u.array.len;
    return 0;
}

static int opt_u64(const vj_node *n, veil_opt_u64 *out, veil_error **err, const char *what)
{
    if (n == NULL)
        return 0;
    if (n->type != VJ_NUMBER || !vj_number_u64(n, &out->value))
        return veil_error_set(err, 0, "%s: expected an unsigned integer", what);
    out->set = true;
    return 0;
}

static int syscall_of(const vj_node *n, veil_spec_syscall *sys, veil_error **err)
{
    if (n->type != VJ_OBJECT)
        return veil_error_set(err, 0, "syscalls[]: expected an object");
    if (strv_of(vj_get(n, "names"), &sys->names, err, "names") < 0)
        return -1;
    sys->action = str_of(vj_get(n, "action"));
    if (opt_u64(vj_get(n, "errnoRet"), &sys->errno_ret, err, "errnoRet") < 0)
        return -1;
    const vj_node *args = vj_get(n, "args");
    if (args == NULL || args->type != VJ_ARRAY)
        return 0;
    sys->args = calloc(args->u.array.len ? args->u.array.len : 1, sizeof(*sys->args));
    sys->n_args = args->u.array.len;
    for (size_t k = 0; k < args->u.array.len; k++) {
        const vj_node *a = args->u.array.items[k];
        veil_opt_u64 index = {0}, value = {0};
        if (opt_u64(vj_get(a, "index"), &index, err, "index") < 0 ||
            opt_u64(vj_get(a, "value"), &value, err, "value") < 0 ||
            opt_u64(vj_get(a, "valueTwo"), &sys->args[k].value_two, err, "valueTwo") < 0)
            return -1;
        sys->args[k].index = (uint32_t)index.value;
        sys->args[k].value = value.value;
        sys->args[k].op = str_of(vj_get(a, "op"));
    }
    return 0;
}

static int fill(const vj_node *sc, veil_spec_seccomp *out, veil_error **err)
{
    out->default_action = str_of(vj_get(sc, "defaultAction"));
    out->listener_path = str_of(vj_get(sc, "listenerPath"));
    out->listener_metadata = str_of(vj_get(sc, "listenerMetadata"));
    if (opt_u64(vj_get(sc, "defaultErrnoRet"), &out->default_errno_ret, err, "defaultErrnoRet") < 0 ||
        strv_of(vj_get(sc, "architectures"), &out->architectures, err, "architectures") < 0 ||
        strv_of(vj_get(sc, "flags"), &out->flags, err, "flags") < 0)
        return -1;
    const vj_node *sys = vj_get(sc, "syscalls");
    if (sys == NULL || sys->type != VJ_ARRAY)
        return 0;
    out->syscalls = calloc(sys->u.array.len ? sys->u.array.len : 1, sizeof(*out->syscalls));
    out->n_syscalls = sys->u.array.len;
    for (size_t i = 0; i < sys->u.array.len; i++)
        if (syscall_of(sys->u.array.items[i], &out->syscalls[i], err) < 0)
            return -1;
    return 0;
}

static veil_spec_seccomp *from_tree(const vj_node *root, veil_error **err)
{
    const vj_node *linux_ = vj_get(root, "linux");
    const vj_node *sc = linux_ ? vj_get(linux_, "seccomp") : root;
    if (sc == NULL || sc->type != VJ_OBJECT) {
        veil_error_set(err, 0, "no seccomp object");
        return NULL;
    }
    veil_spec_seccomp *out = calloc(1, sizeof(*out));
    if (fill(sc, out, err) < 0) {
        test_seccomp_free(out);
        return NULL;
    }
    return out;
}

veil_spec_seccomp *test_seccomp_from_json(const char *json, veil_error **err)
{
    vj_node *root = vj_parse(json, strlen(json), &vj_default_limits, err);
    if (root == NULL)
        return NULL;
    veil_spec_seccomp *sc = from_tree(root, err);
    vj_free(root);
    return sc;
}

veil_spec_seccomp *test_seccomp_from_file(const char *path, veil_error **err)
{
    vj_node *root = vj_parse_file(path, &vj_default_limits, err);
    if (root == NULL)
        return NULL;
    veil_spec_seccomp *sc = from_tree(root, err);
    vj_free(root);
    return sc;
}

static void strv_free(veil_strv *v)
{
    for (size_t i = 0; v->v && i < v->n; i++)
        free(v->v[i]);
    free(v->v);
}

void test_seccomp_free(veil_spec_seccomp *sc)
{
    if (sc == NULL)
        return;
    free(sc->default_action);
    free(sc->listener_path);
    free(sc->listener_metadata);
    strv_free(&sc->architectures);
    strv_free(&sc->flags);
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        strv_free(&sc->syscalls[i].names);
        free(sc->syscalls[i].action);
        for (size_t k = 0; k < sc->syscalls[i].n_args; k++)
            free(sc->syscalls[i].args[k].op);
        free(sc->syscalls[i].args);
    }
    free(sc->syscalls);
    free(sc);
}
