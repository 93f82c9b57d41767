/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec's process when no --process file is given: the container's own
 * process from its config, changed by runc's flags (the command, cwd, env,
 * user, groups, capabilities, no_new_privs, LSM labels, terminal).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/internal.h"
#include "util/cleanup.h"

/* One id: decimal digits, below 2^32 - 1. */
static bool parse_id(const char *s, size_t len, uint32_t *out)
{
    if (len == 0 || len > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v >= UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

int veil_parse_user(const char *s, uint32_t *uid, bool *has_gid, uint32_t *gid, veil_error **err)
{
    const char *colon = strchr(s, ':');
    size_t ulen = colon ? (size_t)(colon - s) : strlen(s);
    if (!parse_id(s, ulen, uid))
        return veil_error_set(err, 0,
                              "invalid --user \"%s\": the uid must be a number below 4294967295 "
                              "(UID[:GID])",
                              s);
    *has_gid = colon != NULL;
    if (colon && !parse_id(colon + 1, strlen(colon + 1), gid))
        return veil_error_set(err, 0,
                              "invalid --user \"%s\": the gid must be a number below 4294967295 "
                              "(UID[:GID])",
                              s);
    return 0;
}

static int strv_replace(veil_strv *v, char *const *items, size_t n)
{
    char **nv = calloc(n + 1, sizeof(*nv));
    if (nv == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((nv[i] = strdup(items[i])) == NULL) {
            for (size_t j = 0; j < i; j++)
                free(nv[j]);
            free(nv);
            return -1;
        }
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i]);
    free(v->v);
    v->v = nv;
    v->n = n;
    return 0;
}

static int strv_append(veil_strv *v, const char *s)
{
    char **nv = realloc(v->v, (v->n + 2) * sizeof(*nv));
    if (nv == NULL)
        return -1;
    v->v = nv;
    if ((nv[v->n] = strdup(s)) == NULL) {
        nv[v->n] = NULL;
        return -1;
    }
    v->n++;
    nv[v->n] = NULL;
    return 0;
}

/* KEY=VALUE replaces the variable KEY where the config has it (getenv
 * finds the first), else it is appended. */
static int env_set(veil_strv *env, const char *kv)
{
    const char *eq = strchr(kv, '=');
    size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
    for (size_t i = 0; eq && i < env->n; i++) {
        if (strncmp(env->v[i], kv, klen) == 0 && env->v[i][klen] == '=') {
            char *dup = strdup(kv);
            if (dup == NULL)
                return -1;
            free(env->v[i]);
            env->v[i] = dup;
            return 0;
        }
    }
    return strv_append(env, kv);
}

static int set_string(char **field, const char *value)
{
    char *dup = strdup(value);
    if (dup == NULL)
        return -1;
    free(*field);
    *field = dup;
    return 0;
}

static int add_caps(veil_spec_process *p, const veil_exec_options *o)
{
    if (o->n_caps == 0)
        return 0;
    if (p->capabilities == NULL && (p->capabilities = calloc(1, sizeof(*p->capabilities))) == NULL)
        return -1;
    veil_spec_capabilities *c = p->capabilities;
    for (size_t i = 0; i < o->n_caps; i++) {
        if (strv_append(&c->bounding, o->caps[i]) < 0 ||
            strv_append(&c->effective, o->caps[i]) < 0 ||
            strv_append(&c->permitted, o->caps[i]) < 0)
            return -1;
        /* ambient only where the config lists inheritable capabilities, as
         * runc; the plan keeps it only if it is also inheritable there */
        if (c->inheritable.v && strv_append(&c->ambient, o->caps[i]) < 0)
            return -1;
    }
    return 0;
}

int veil_exec_process_from_flags(veil_spec_process *p, const veil_exec_options *o,
                                 veil_error **err)
{
    if (o->n_args == 0)
        return veil_error_set(err, 0, "exec args cannot be empty");
    if (strv_replace(&p->args, o->args, o->n_args) < 0 ||
        (o->cwd && *o->cwd && set_string(&p->cwd, o->cwd) < 0) ||
        (o->apparmor && *o->apparmor && set_string(&p->apparmor_profile, o->apparmor) < 0) ||
        (o->process_label && *o->process_label &&
         set_string(&p->selinux_label, o->process_label) < 0) ||
        add_caps(p, o) < 0)
        return veil_error_set(err, ENOMEM, "exec");
    for (size_t i = 0; i < o->n_env; i++)
        if (env_set(&p->env, o->env[i]) < 0)
            return veil_error_set(err, ENOMEM, "exec");
    /* a terminal only when asked for, whatever the config says (runc) */
    p->terminal = o->tty;
    if (o->set_no_new_privs)
        p->no_new_privileges = o->no_new_privs;
    if (o->user && *o->user) {
        uint32_t uid, gid;
        bool has_gid;
        if (veil_parse_user(o->user, &uid, &has_gid, &gid, err) < 0)
            return -1;
        p->user.uid = uid;
        if (has_gid)
            p->user.gid = gid;
    }
    if (o->n_additional_gids) {
        size_t n = p->user.n_additional_gids + o->n_additional_gids;
        uint32_t *g = realloc(p->user.additional_gids, n * sizeof(*g));
        if (g == NULL)
            return veil_error_set(err, ENOMEM, "exec");
        p->user.additional_gids = g;
        for (size_t i = 0; i < o->n_additional_gids; i++) {
            const char *s = o->additional_gids[i];
            if (!parse_id(s, strlen(s), &g[p->user.n_additional_gids]))
                return veil_error_set(err, 0,
                                      "invalid --additional-gids \"%s\": a group id must be a "
                                      "number below 4294967295",
                                      s);
            p->user.n_additional_gids++;
        }
    }
    return 0;
}
