/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: process (also the whole document of `exec --process`). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "spec/internal.h"
#include "util/cleanup.h"

static const char *const rlimit_names[] = {
    "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",    "RLIMIT_DATA",       "RLIMIT_FSIZE",
    "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",     "RLIMIT_NOFILE",
    "RLIMIT_NPROC",  "RLIMIT_RSS",    "RLIMIT_RTPRIO", "RLIMIT_RTTIME",     "RLIMIT_SIGPENDING",
    "RLIMIT_STACK",
};
static const int rlimit_values[] = {
    RLIMIT_AS,    RLIMIT_CORE,   RLIMIT_CPU,   RLIMIT_DATA,   RLIMIT_FSIZE,      RLIMIT_LOCKS,
    RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_NOFILE, RLIMIT_NPROC,   RLIMIT_RSS,
    RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK,
};
_Static_assert(ARRAY_SIZE(rlimit_names) == ARRAY_SIZE(rlimit_values), "rlimit tables");

/* The kernel's numbers; SCHED_ISO is reserved (never implemented). */
static const char *const sched_policy_names[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
    "SCHED_DEADLINE",
};
static const int sched_policy_values[] = {0, 1, 2, 3, 4, 5, 6};

static const char *const sched_flag_names[] = {
    "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",   "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX",
};
static const uint64_t sched_flag_values[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40};

static const char *const ioprio_class_names[] = {
    "IOPRIO_CLASS_RT",
    "IOPRIO_CLASS_BE",
    "IOPRIO_CLASS_IDLE",
};
static const int ioprio_class_values[] = {1, 2, 3};

static int parse_console_size(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_process *p = out;
    if (sr_u32(r, o, "height", SR_REQUIRED, &p->console_height, NULL) < 0 ||
        sr_u32(r, o, "width", SR_REQUIRED, &p->console_width, NULL) < 0)
        return -1;
    p->has_console_size = true;
    return 0;
}

static int parse_gids(spec_reader *r, const vj_node *user, veil_spec_user *u)
{
    const vj_node *a;
    if (sr_member(r, user, "additionalGids", VJ_ARRAY, SR_OPTIONAL, &a) < 0)
        return -1;
    if (a == NULL || a->u.array.len == 0)
        return 0;
    size_t m = sr_enter(r, "additionalGids");
    int rc = 0;
    u->additional_gids = calloc(a->u.array.len, sizeof(uint32_t));
    if (u->additional_gids == NULL)
        rc = sr_fail(r, "out of memory");
    for (size_t i = 0; rc == 0 && i < a->u.array.len; i++) {
        size_t mi = sr_enter_index(r, i);
        uint64_t v = 0;
        rc = sr_node_u64(r, a->u.array.items[i], UINT32_MAX, &v);
        u->additional_gids[i] = (uint32_t)v;
        u->n_additional_gids = i + 1;
        sr_leave(r, mi);
    }
    sr_leave(r, m);
    return rc;
}

/* Absent user means root, as with runc. */
static int parse_user(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_user *u = out;
    if (sr_u32(r, o, "uid", SR_REQUIRED, &u->uid, NULL) < 0 ||
        sr_u32(r, o, "gid", SR_REQUIRED, &u->gid, NULL) < 0 ||
        sr_u64(r, o, "umask", SR_OPTIONAL, UINT32_MAX, &u->umask) < 0 || parse_gids(r, o, u) < 0 ||
        sr_string(r, o, "username", SR_OPTIONAL, &u->username) < 0)
        return -1;
    return 0;
}

/* Names are checked by the plan: unknown ones are warnings, not errors. */
static int parse_capabilities(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_capabilities *c = out;
    if (sr_strv(r, o, "bounding", SR_OPTIONAL, &c->bounding) < 0 ||
        sr_strv(r, o, "effective", SR_OPTIONAL, &c->effective) < 0 ||
        sr_strv(r, o, "inheritable", SR_OPTIONAL, &c->inheritable) < 0 ||
        sr_strv(r, o, "permitted", SR_OPTIONAL, &c->permitted) < 0 ||
        sr_strv(r, o, "ambient", SR_OPTIONAL, &c->ambient) < 0)
        return -1;
    return 0;
}

static int parse_rlimit(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_rlimit *rl = item;
    veil_opt_u64 soft = {0}, hard = {0};
    size_t idx;
    if (sr_enum_member(r, o, "type", SR_REQUIRED, rlimit_names, ARRAY_SIZE(rlimit_names),
                       "rlimit", &rl->type, &idx) < 0)
        return -1;
    rl->resource = rlimit_values[idx];
    if (sr_u64(r, o, "soft", SR_REQUIRED, UINT64_MAX, &soft) < 0 ||
        sr_u64(r, o, "hard", SR_REQUIRED, UINT64_MAX, &hard) < 0)
        return -1;
    rl->soft = soft.value;
    rl->hard = hard.value;
    if (rl->soft > rl->hard)
        return sr_fail(r, "soft limit %" PRIu64 " is above the hard limit %" PRIu64, rl->soft,
                       rl->hard);
    return 0;
}

static int parse_rlimits(spec_reader *r, const vj_node *proc, veil_spec_process *p)
{
    if (sr_array_of(r, proc, "rlimits", SR_OPTIONAL, sizeof(*p->rlimits), parse_rlimit,
                    (void **)&p->rlimits, &p->n_rlimits) < 0)
        return -1;
    /* first index of each resource, to name both places of a duplicate */
    size_t first[64];
    for (size_t i = 0; i < ARRAY_SIZE(first); i++)
        first[i] = SIZE_MAX;
    for (size_t i = 0; i < p->n_rlimits; i++) {
        int res = p->rlimits[i].resource;
        if (res < 0 || (size_t)res >= ARRAY_SIZE(first))
            continue;
        if (first[res] == SIZE_MAX) {
            first[res] = i;
            continue;
        }
        size_t m = sr_enter(r, "rlimits");
        char other[SR_PATH_MAX + 32];
        snprintf(other, sizeof(other), "%s[%zu]", r->path, first[res]);
        sr_enter_index(r, i);
        sr_enter(r, "type");
        sr_fail(r, "duplicate rlimit \"%s\" (also in %s)", p->rlimits[i].type, other);
        sr_leave(r, m);
        return -1;
    }
    return 0;
}

static int parse_scheduler(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_scheduler *s = out;
    size_t idx;
    if (sr_enum_member(r, o, "policy", SR_REQUIRED, sched_policy_names,
                       ARRAY_SIZE(sched_policy_names), "scheduler policy", &s->policy, &idx) < 0)
        return -1;
    s->policy_value = sched_policy_values[idx];
    if (sr_i64(r, o, "nice", SR_OPTIONAL, INT32_MIN, INT32_MAX, &s->nice) < 0 ||
        sr_i64(r, o, "priority", SR_OPTIONAL, INT32_MIN, INT32_MAX, &s->priority) < 0 ||
        sr_flags(r, o, "flags", sched_flag_names, sched_flag_values, ARRAY_SIZE(sched_flag_names),
                 "scheduler flag", &s->flags, &s->flags_value) < 0 ||
        sr_u64(r, o, "runtime", SR_OPTIONAL, UINT64_MAX, &s->runtime) < 0 ||
        sr_u64(r, o, "deadline", SR_OPTIONAL, UINT64_MAX, &s->deadline) < 0 ||
        sr_u64(r, o, "period", SR_OPTIONAL, UINT64_MAX, &s->period) < 0)
        return -1;
    return 0;
}

static int parse_io_priority(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_io_priority *io = out;
    size_t idx;
    veil_opt_i64 prio = {0};
    if (sr_enum_member(r, o, "class", SR_REQUIRED, ioprio_class_names,
                       ARRAY_SIZE(ioprio_class_names), "I/O priority class", &io->class,
                       &idx) < 0)
        return -1;
    io->class_value = ioprio_class_values[idx];
    if (sr_i64(r, o, "priority", SR_REQUIRED, 0, 7, &prio) < 0)
        return -1;
    io->priority = prio.value;
    return 0;
}

/* "0-3,7": the character set of a CPU list, as the schema has it. */
static int cpu_list(spec_reader *r, const vj_node *o, const char *key, char **out)
{
    if (sr_string(r, o, key, SR_OPTIONAL, out) < 0)
        return -1;
    if (*out == NULL || (*out)[strspn(*out, "0123456789, -")] == '\0')
        return 0;
    char b[256];
    sr_quote(*out, strlen(*out), b, sizeof(b));
    size_t m = sr_enter(r, key);
    sr_fail(r, "expected a CPU list such as \"0-3,7\", got %s", b);
    sr_leave(r, m);
    return -1;
}

static int parse_exec_cpu_affinity(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_process *p = out;
    if (cpu_list(r, o, "initial", &p->exec_cpu_affinity_initial) < 0 ||
        cpu_list(r, o, "final", &p->exec_cpu_affinity_final) < 0)
        return -1;
    return 0;
}

int spec_parse_process(spec_reader *r, const vj_node *o, veil_spec_process *p)
{
    veil_opt_bool terminal = {0}, nnp = {0};
    if (sr_bool(r, o, "terminal", SR_OPTIONAL, &terminal) < 0 ||
        sr_object(r, o, "consoleSize", SR_OPTIONAL, parse_console_size, p) < 0 ||
        sr_object(r, o, "user", SR_OPTIONAL, parse_user, &p->user) < 0 ||
        sr_strv(r, o, "args", SR_REQUIRED, &p->args) < 0)
        return -1;
    p->terminal = terminal.value;
    if (p->args.n == 0) {
        size_t m = sr_enter(r, "args");
        sr_fail(r, "must have at least one element");
        sr_leave(r, m);
        return -1;
    }
    if (sr_string(r, o, "commandLine", SR_OPTIONAL, &p->command_line) < 0 ||
        sr_strv(r, o, "env", SR_OPTIONAL, &p->env) < 0 ||
        sr_abs_path(r, o, "cwd", SR_REQUIRED, &p->cwd) < 0 ||
        sr_object_new(r, o, "capabilities", sizeof(*p->capabilities), parse_capabilities,
                      (void **)&p->capabilities) < 0 ||
        parse_rlimits(r, o, p) < 0 || sr_bool(r, o, "noNewPrivileges", SR_OPTIONAL, &nnp) < 0 ||
        sr_string(r, o, "apparmorProfile", SR_OPTIONAL, &p->apparmor_profile) < 0 ||
        sr_i64(r, o, "oomScoreAdj", SR_OPTIONAL, -1000, 1000, &p->oom_score_adj) < 0 ||
        sr_object_new(r, o, "scheduler", sizeof(*p->scheduler), parse_scheduler,
                      (void **)&p->scheduler) < 0 ||
        sr_string(r, o, "selinuxLabel", SR_OPTIONAL, &p->selinux_label) < 0 ||
        sr_object_new(r, o, "ioPriority", sizeof(*p->io_priority), parse_io_priority,
                      (void **)&p->io_priority) < 0 ||
        sr_object(r, o, "execCPUAffinity", SR_OPTIONAL, parse_exec_cpu_affinity, p) < 0)
        return -1;
    p->no_new_privileges = nnp.value;
    return 0;
}
