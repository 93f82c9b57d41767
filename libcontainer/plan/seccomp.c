/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp -> veil_seccomp_plan: names become libseccomp's numbers,
 * everything that can be checked without the kernel is checked here, and the
 * rules are normalised so that compiling them is a plain loop.  Pure: no
 * system calls, no libseccomp calls (only its header's constants).
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "plan/internal.h"
#include "plan/seccomp_names.h"
#include "util/cleanup.h"

#define SECCOMP_ARGS_MAX 6
#define ACTION_DATA_MAX 0xffffu /* the data travels in the low 16 bits */
#define ERRNO_MAX 4094u           /* libseccomp refuses MAX_ERRNO (4095) and above */

static inline void cleanup_seccomp_planp(veil_seccomp_plan **p)
{
    veil_seccomp_plan_free(*p);
}
#define _cleanup_seccomp_plan_ __attribute__((cleanup(cleanup_seccomp_planp)))

/* Action `name` at `path` with an optional errnoRet at `errno_path`.  ERRNO
 * and TRACE default to EPERM (runc); other actions reject an errno value as
 * the spec requires. */
static int parse_action(const char *name, const veil_opt_u64 *errno_ret, const char *path,
                        const char *errno_path, uint32_t *out, veil_error **err)
{
    if (name == NULL || name[0] == '\0')
        return veil_error_set(err, 0, "%s: missing action", path);
    uint32_t action;
    if (!veil_seccomp_action_from_name(name, &action))
        return veil_error_set(err, 0, "%s: unknown action \"%s\"", path, name);
    if (errno_ret->set) {
        if (!veil_seccomp_action_has_data(action))
            return veil_error_set(err, 0, "%s: not supported by action %s", errno_path, name);
        unsigned max = action == SCMP_ACT_ERRNO(0) ? ERRNO_MAX : ACTION_DATA_MAX;
        if (errno_ret->value > max)
            return veil_error_set(err, 0, "%s: %llu is out of range (0-%u)", errno_path,
                                  (unsigned long long)errno_ret->value, max);
        action |= (uint32_t)errno_ret->value;
    } else if (veil_seccomp_action_has_data(action)) {
        action |= EPERM;
    }
    *out = action;
    return 0;
}

static char **strv_copy(char *const *v, size_t n)
{
    _cleanup_strv_ char **copy = calloc(n + 1, sizeof(char *));
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        copy[i] = strdup(v[i]);
        if (copy[i] == NULL)
            return NULL;
    }
    return steal_pointer(&copy);
}

/* Appends one rule; args[0..n_args) are copied. */
static int add_rule(veil_seccomp_plan *p, size_t *cap, const veil_spec_syscall *sys, size_t spec_index,
                    uint32_t action, const veil_seccomp_arg *args, size_t n_args, veil_error **err)
{
    if (p->n_rules == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        veil_seccomp_rule *r = realloc(p->rules, ncap * sizeof(*r));
        if (r == NULL)
            return veil_error_set(err, ENOMEM, "seccomp plan");
        p->rules = r;
        *cap = ncap;
    }
    veil_seccomp_rule *rule = &p->rules[p->n_rules];
    memset(rule, 0, sizeof(*rule));
    rule->names = strv_copy(sys->names.v, sys->names.n);
    if (rule->names == NULL)
        return veil_error_set(err, ENOMEM, "seccomp plan");
    rule->n_names = sys->names.n;
    rule->action = action;
    rule->spec_index = spec_index;
    p->n_rules++; /* owned by the plan from here on */
    if (n_args > 0) {
        rule->args = malloc(n_args * sizeof(*args));
        if (rule->args == NULL)
            return veil_error_set(err, ENOMEM, "seccomp plan");
        memcpy(rule->args, args, n_args * sizeof(*args));
        rule->n_args = n_args;
    }
    return 0;
}

static int plan_syscall(veil_seccomp_plan *p, size_t *cap, const veil_spec_syscall *sys, size_t i,
                        veil_error **err)
{
    char path[64], errno_path[64];
    snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu].action", i);
    snprintf(errno_path, sizeof(errno_path), "linux.seccomp.syscalls[%zu].errnoRet", i);
    uint32_t action;
    if (parse_action(sys->action, &sys->errno_ret, path, errno_path, &action, err) < 0)
        return -1;
    bool notify = action == SCMP_ACT_NOTIFY;

    for (size_t j = 0; j < sys->names.n; j++) {
        const char *name = sys->names.v[j];
        if (name == NULL || name[0] == '\0')
            return veil_error_set(err, 0, "linux.seccomp.syscalls[%zu].names[%zu]: empty syscall name",
                                  i, j);
        /* The container process sends the notify fd with sendmsg after the
         * filter is loaded; a notification there would wait forever. */
        if (notify && strcmp(name, "sendmsg") == 0)
            return veil_error_set(err, 0,
                                  "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for "
                                  "sendmsg (veil sends the seccomp fd to the listener with it)",
                                  i);
    }

    _cleanup_free_ veil_seccomp_arg *args = calloc(sys->n_args ? sys->n_args : 1, sizeof(*args));
    if (args == NULL)
        return veil_error_set(err, ENOMEM, "seccomp plan");
    unsigned per_index[SECCOMP_ARGS_MAX] = {0};
    bool same_index = false;
    for (size_t k = 0; k < sys->n_args; k++) {
        const veil_spec_seccomp_arg *a = &sys->args[k];
        if (a->index >= SECCOMP_ARGS_MAX)
            return veil_error_set(err, 0,
                                  "linux.seccomp.syscalls[%zu].args[%zu].index: %u is out of range (0-%d)",
                                  i, k, a->index, SECCOMP_ARGS_MAX - 1);
        int op;
        if (a->op == NULL || !veil_seccomp_op_from_name(a->op, &op))
            return veil_error_set(err, 0, "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator \"%s\"",
                                  i, k, a->op ? a->op : "");
        args[k] = (veil_seccomp_arg){
            .index = a->index,
            .op = op,
            .value = a->value,
            .value_two = a->value_two.set ? a->value_two.value : 0,
        };
        if (++per_index[a->index] > 1)
            same_index = true;
    }

    /* Same as the default: libseccomp refuses such a rule, and it changes
     * nothing, so it is left out (runc and crun do the same). */
    if (action == p->default_action || sys->names.n == 0)
        return 0;
    if (notify)
        p->uses_notify = true;

    /* libseccomp ANDs the conditions of a rule and takes one per argument;
     * conditions sharing an argument become one rule each (OR), as in runc. */
    if (same_index) {
        for (size_t k = 0; k < sys->n_args; k++)
            if (add_rule(p, cap, sys, i, action, &args[k], 1, err) < 0)
                return -1;
        return 0;
    }
    return add_rule(p, cap, sys, i, action, args, sys->n_args, err);
}

static int plan_arches(veil_seccomp_plan *p, const veil_strv *arches, veil_error **err)
{
    if (arches->n == 0)
        return 0;
    p->arches = calloc(arches->n, sizeof(*p->arches));
    if (p->arches == NULL)
        return veil_error_set(err, ENOMEM, "seccomp plan");
    for (size_t i = 0; i < arches->n; i++) {
        const char *name = arches->v[i];
        uint32_t arch;
        if (name == NULL || !veil_seccomp_arch_from_name(name, &arch)) {
            if (name && veil_seccomp_arch_is_spec_only(name))
                return veil_error_set(err, 0,
                                      "linux.seccomp.architectures[%zu]: %s is not supported by "
                                      "this build (libseccomp %d.%d.%d)",
                                      i, name, SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
            return veil_error_set(err, 0, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
                                  i, name ? name : "");
        }
        bool seen = false;
        for (size_t j = 0; j < p->n_arches; j++)
            seen = seen || p->arches[j] == arch;
        if (!seen)
            p->arches[p->n_arches++] = arch;
    }
    return 0;
}

static int plan_flags(veil_seccomp_plan *p, const veil_strv *flags, veil_error **err)
{
    if (flags->v == NULL) {
        /* Absent (not empty): speculative-store-bypass mitigation off, as
         * runc and crun do, where the kernel allows it. */
        p->flags = p->flags_optional = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        return 0;
    }
    for (size_t i = 0; i < flags->n; i++) {
        unsigned flag;
        if (flags->v[i] == NULL || !veil_seccomp_flag_from_name(flags->v[i], &flag))
            return veil_error_set(err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i,
                                  flags->v[i] ? flags->v[i] : "");
        p->flags |= flag;
    }
    return 0;
}

int veil_plan_seccomp(const veil_spec_seccomp *sc, veil_seccomp_plan **out, veil_error **err)
{
    *out = NULL;
    if (sc == NULL)
        return 0;
    /* No default action and no rules: seccomp is off (runc). */
    if ((sc->default_action == NULL || sc->default_action[0] == '\0') && sc->n_syscalls == 0)
        return 0;

    _cleanup_seccomp_plan_ veil_seccomp_plan *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return veil_error_set(err, ENOMEM, "seccomp plan");
    if (parse_action(sc->default_action, &sc->default_errno_ret, "linux.seccomp.defaultAction",
                     "linux.seccomp.defaultErrnoRet", &p->default_action, err) < 0)
        return -1;
    if (p->default_action == SCMP_ACT_NOTIFY)
        return veil_error_set(err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
                                      "default action");
    if (plan_arches(p, &sc->architectures, err) < 0 || plan_flags(p, &sc->flags, err) < 0)
        return -1;

    size_t cap = 0;
    for (size_t i = 0; i < sc->n_syscalls; i++)
        if (plan_syscall(p, &cap, &sc->syscalls[i], i, err) < 0)
            return -1;

    if (p->uses_notify && (sc->listener_path == NULL || sc->listener_path[0] == '\0'))
        return veil_error_set(err, 0, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
    if (sc->listener_path && (p->listener_path = strdup(sc->listener_path)) == NULL)
        return veil_error_set(err, ENOMEM, "seccomp plan");
    if (sc->listener_metadata && (p->listener_metadata = strdup(sc->listener_metadata)) == NULL)
        return veil_error_set(err, ENOMEM, "seccomp plan");

    *out = steal_pointer(&p);
    return 0;
}
