/* SPDX-License-Identifier: Apache-2.0 */
/* The container process: args, env, user, terminal, capabilities, rlimits,
 * security labels, scheduler, I/O priority and CPU affinity. */
#include <errno.h>
#include <linux/sched.h>
#include <stdlib.h>
#include <string.h>

#include "plan/internal.h"
#include "util/path.h"

static inline void cleanup_processp(veil_plan_process **p)
{
    veil_plan_process_free(*p);
}
#define _cleanup_process_ __attribute__((cleanup(cleanup_processp)))

#define CPU_LIST_LIMIT (1u << 16) /* well above any CONFIG_NR_CPUS */

static int plan_env(const veil_spec_process *sp, veil_plan_process *p, veil_error **err)
{
    for (size_t i = 0; i < sp->env.n; i++) {
        const char *e = sp->env.v[i];
        const char *eq = strchr(e, '=');
        if (eq == NULL)
            return veil_plan_invalid(err, "process.env[%zu]: \"%s\" is not of the form KEY=VALUE",
                                     i, e);
        if (eq == e)
            return veil_plan_invalid(err, "process.env[%zu]: empty variable name", i);
    }
    bool ok;
    p->env = veil_plan_strv_dup(sp->env.v, &ok);
    return ok ? 0 : veil_error_set(err, ENOMEM, "plan process");
}

static int plan_rlimits(const veil_spec_process *sp, veil_plan_process *p, veil_error **err)
{
    if (sp->n_rlimits == 0)
        return 0;
    p->rlimits = calloc(sp->n_rlimits, sizeof(*p->rlimits));
    if (p->rlimits == NULL)
        return veil_error_set(err, ENOMEM, "plan rlimits");
    for (size_t i = 0; i < sp->n_rlimits; i++) {
        const veil_spec_rlimit *r = &sp->rlimits[i];
        uint64_t res;
        if (veil_named_value(veil_rlimit_names, r->type, &res) < 0)
            return veil_plan_invalid(err, "process.rlimits[%zu]: unknown type \"%s\"", i,
                                     r->type ? r->type : "");
        for (size_t j = 0; j < p->n_rlimits; j++)
            if (p->rlimits[j].resource == (int)res)
                return veil_plan_invalid(err, "process.rlimits: duplicate type \"%s\"", r->type);
        /* setrlimit(2) would fail with EINVAL */
        if (r->soft > r->hard)
            return veil_plan_invalid(err,
                                     "process.rlimits[%zu] (%s): soft limit %llu is above the hard "
                                     "limit %llu",
                                     i, r->type, (unsigned long long)r->soft,
                                     (unsigned long long)r->hard);
        p->rlimits[p->n_rlimits++] = (veil_plan_rlimit){(int)res, r->soft, r->hard};
    }
    return 0;
}

/* sched_setattr(2)'s rules, checked the way runc's validator does, plus
 * the deadline triple that SCHED_DEADLINE cannot do without. */
static int plan_scheduler(const veil_spec_scheduler *s, veil_plan_process *p, veil_error **err)
{
    if (s == NULL)
        return 0;
    uint64_t policy;
    if (s->policy == NULL || *s->policy == '\0')
        return veil_plan_invalid(err, "process.scheduler: policy is required");
    if (veil_named_value(veil_sched_policies, s->policy, &policy) < 0)
        return veil_plan_invalid(err, "process.scheduler: unknown policy \"%s\"", s->policy);
    veil_plan_scheduler *o = &p->scheduler;
    o->policy = (int)policy;
    for (size_t i = 0; i < s->flags.n; i++) {
        uint64_t f;
        if (veil_named_value(veil_sched_flags, s->flags.v[i], &f) < 0)
            return veil_plan_invalid(err, "process.scheduler: unknown flag \"%s\"", s->flags.v[i]);
        o->flags |= f;
    }
    int64_t nice = s->nice.set ? s->nice.value : 0;
    int64_t prio = s->priority.set ? s->priority.value : 0;
    if ((policy == SCHED_NORMAL || policy == SCHED_BATCH) && (nice < -20 || nice > 19))
        return veil_plan_invalid(err, "process.scheduler: invalid nice %lld when the policy is %s",
                                 (long long)nice, s->policy);
    if (prio != 0 && policy != SCHED_FIFO && policy != SCHED_RR)
        return veil_plan_invalid(
            err, "process.scheduler: priority can only be specified for SCHED_FIFO or "
                 "SCHED_RR");
    if ((policy == SCHED_FIFO || policy == SCHED_RR) && (prio < 1 || prio > 99))
        return veil_plan_invalid(err,
                                 "process.scheduler: %s needs a priority from 1 to 99, got %lld",
                                 s->policy, (long long)prio);
    bool any_dl = s->runtime.set || s->deadline.set || s->period.set;
    if (policy != SCHED_DEADLINE && any_dl)
        return veil_plan_invalid(err,
                                 "process.scheduler: runtime/deadline/period can only be specified "
                                 "for SCHED_DEADLINE");
    if (policy == SCHED_DEADLINE) {
        if (!s->runtime.set || !s->deadline.set || !s->period.set)
            return veil_plan_invalid(
                err, "process.scheduler: SCHED_DEADLINE needs runtime, deadline and "
                     "period");
        /* the kernel's own rule: runtime <= deadline <= period */
        if (s->runtime.value > s->deadline.value ||
            (s->period.value && s->deadline.value > s->period.value))
            return veil_plan_invalid(
                err, "process.scheduler: SCHED_DEADLINE needs runtime <= deadline <= "
                     "period");
    }
    o->nice = (int32_t)nice;
    o->priority = (int32_t)prio;
    o->runtime = s->runtime.set ? s->runtime.value : 0;
    o->deadline = s->deadline.set ? s->deadline.value : 0;
    o->period = s->period.set ? s->period.value : 0;
    p->has_scheduler = true;
    return 0;
}

static int plan_io_priority(const veil_spec_io_priority *io, veil_plan_process *p,
                            veil_error **err)
{
    if (io == NULL)
        return 0;
    uint64_t cls;
    if (veil_named_value(veil_ioprio_classes, io->class, &cls) < 0)
        return veil_plan_invalid(err, "process.ioPriority: invalid class \"%s\"",
                                 io->class ? io->class : "");
    if (io->priority < 0 || io->priority > 7)
        return veil_plan_invalid(err, "process.ioPriority: invalid priority %lld (0-7)",
                                 (long long)io->priority);
    p->has_io_priority = true;
    p->io_priority = (int)(cls << 13) | (int)io->priority; /* IOPRIO_PRIO_VALUE */
    return 0;
}

static int plan_affinity(const char *in, const char *which, char **out, veil_error **err)
{
    if (in == NULL || *in == '\0')
        return 0; /* empty means unset */
    if (!veil_plan_valid_list(in, CPU_LIST_LIMIT))
        return veil_plan_invalid(
            err,
            "process.execCPUAffinity.%s: invalid CPU list \"%s\" (expected e.g. "
            "\"0-3,7\")",
            which, in);
    if ((*out = strdup(in)) == NULL)
        return veil_error_set(err, ENOMEM, "plan process");
    return 0;
}

int veil_plan_build_process(const veil_spec_process *sp, veil_plan *plan, veil_plan_process **out,
                      veil_error **err)
{
    _cleanup_process_ veil_plan_process *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return veil_error_set(err, ENOMEM, "plan process");

    if (sp->args.n == 0)
        return veil_plan_invalid(err, "process.args must not be empty");
    if (sp->cwd == NULL || *sp->cwd == '\0')
        return veil_plan_invalid(err, "process.cwd must not be empty");
    if (sp->cwd[0] != '/')
        return veil_plan_invalid(err, "process.cwd must be an absolute path, got \"%s\"", sp->cwd);
    bool ok;
    p->args = veil_plan_strv_dup(sp->args.v, &ok);
    if (!ok || (p->cwd = veil_path_clean(sp->cwd)) == NULL)
        return veil_error_set(err, ENOMEM, "plan process");
    if (plan_env(sp, p, err) < 0)
        return -1;

    p->uid = sp->user.uid;
    p->gid = sp->user.gid;
    if (sp->user.n_additional_gids) {
        size_t n = sp->user.n_additional_gids;
        if ((p->additional_gids = malloc(n * sizeof(uint32_t))) == NULL)
            return veil_error_set(err, ENOMEM, "plan process");
        memcpy(p->additional_gids, sp->user.additional_gids, n * sizeof(uint32_t));
        p->n_additional_gids = n;
    }
    if (sp->user.umask.set) {
        if (sp->user.umask.value > 0777)
            return veil_plan_invalid(err, "process.user.umask: invalid value %llo",
                                     (unsigned long long)sp->user.umask.value);
        p->has_umask = true;
        p->umask = (uint32_t)sp->user.umask.value;
    }

    p->terminal = sp->terminal;
    /* consoleSize means nothing without a terminal (config.md) */
    if (sp->terminal && sp->has_console_size) {
        p->has_console_size = true;
        p->console_height = sp->console_height;
        p->console_width = sp->console_width;
    }

    if (veil_plan_build_caps(sp->capabilities, plan, &p->caps, err) < 0 || plan_rlimits(sp, p, err) < 0)
        return -1;
    p->no_new_privileges = sp->no_new_privileges;
    if (sp->oom_score_adj.set) {
        if (sp->oom_score_adj.value < -1000 || sp->oom_score_adj.value > 1000)
            return veil_plan_invalid(err, "process.oomScoreAdj: %lld is outside -1000..1000",
                                     (long long)sp->oom_score_adj.value);
        p->has_oom_score_adj = true;
        p->oom_score_adj = (int)sp->oom_score_adj.value;
    }
    if ((sp->apparmor_profile && *sp->apparmor_profile &&
         (p->apparmor_profile = strdup(sp->apparmor_profile)) == NULL) ||
        (sp->selinux_label && *sp->selinux_label &&
         (p->selinux_label = strdup(sp->selinux_label)) == NULL))
        return veil_error_set(err, ENOMEM, "plan process");
    if (plan_scheduler(sp->scheduler, p, err) < 0 || plan_io_priority(sp->io_priority, p, err) < 0 ||
        plan_affinity(sp->exec_cpu_affinity_initial, "initial", &p->exec_cpu_affinity_initial,
                      err) < 0 ||
        plan_affinity(sp->exec_cpu_affinity_final, "final", &p->exec_cpu_affinity_final, err) < 0)
        return -1;
    *out = steal_pointer(&p);
    return 0;
}
