/* SPDX-License-Identifier: Apache-2.0 */
/* The container process: executable lookup, identity, capabilities,
 * rlimits, and the per-process kernel settings of the config. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/linux.h"
#include "util/cleanup.h"
#include "util/fs.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static bool is_executable(const char *path, int *err_out)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        *err_out = errno;
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        *err_out = EISDIR;
        return false;
    }
    if (!(st.st_mode & 0111)) {
        *err_out = EACCES;
        return false;
    }
    return true;
}

/* args[0] resolved like execvp, on the PATH of the process environment (not
 * veil's), with the messages runc users and podman know. */
int veil_process_lookup(const veil_plan_process *p, char **path, veil_error **err)
{
    const char *arg0 = p->args && p->args[0] ? p->args[0] : NULL;
    if (arg0 == NULL || *arg0 == '\0')
        return veil_error_set(err, 0, "process.args is empty");
    int e = 0;
    if (strchr(arg0, '/')) {
        if (!is_executable(arg0, &e))
            return veil_error_set(err, e, "exec: \"%s\": stat %s", arg0, arg0);
        *path = strdup(arg0);
        return *path ? 0 : veil_error_set(err, ENOMEM, "exec");
    }
    const char *search = DEFAULT_PATH;
    for (char **env = p->env; env && *env; env++)
        if (strncmp(*env, "PATH=", 5) == 0)
            search = *env + 5;
    _cleanup_free_ char *copy = strdup(search);
    if (copy == NULL)
        return veil_error_set(err, ENOMEM, "exec");
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *cand = NULL;
        if (asprintf(&cand, "%s/%s", *dir ? dir : ".", arg0) < 0)
            return veil_error_set(err, ENOMEM, "exec");
        if (is_executable(cand, &e)) {
            *path = cand;
            return 0;
        }
        free(cand);
    }
    return veil_error_set(err, 0, "exec: \"%s\": executable file not found in $PATH", arg0);
}

/* /proc/<what>, written through the verified procfs root (procfs.c). */
static int write_proc(const char *rel, const char *value, veil_error **err)
{
    _cleanup_close_ int proc = veil_procfs_root(AT_FDCWD, "/proc", err);
    if (proc < 0)
        return -1;
    return veil_procfs_write(proc, rel, value, strlen(value), err);
}

int veil_process_set_rlimits(const veil_plan_process *p, veil_error **err)
{
    for (size_t i = 0; i < p->n_rlimits; i++) {
        struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
        if (setrlimit(p->rlimits[i].resource, &rl) < 0)
            return veil_error_set(err, errno, "set rlimit %d to %llu/%llu", p->rlimits[i].resource,
                                  (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
    }
    return 0;
}

struct sched_attr_v1 {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

static int parse_node_list(const char *s, unsigned long *mask, size_t words, veil_error **err)
{
    memset(mask, 0, words * sizeof(*mask));
    const char *p = s;
    while (*p) {
        char *end;
        unsigned long a = strtoul(p, &end, 10), b = a;
        if (end == p)
            return veil_error_set(err, EINVAL, "memory policy nodes \"%s\"", s);
        p = end;
        if (*p == '-') {
            b = strtoul(p + 1, &end, 10);
            if (end == p + 1)
                return veil_error_set(err, EINVAL, "memory policy nodes \"%s\"", s);
            p = end;
        }
        if (b < a || b >= words * 8 * sizeof(*mask))
            return veil_error_set(err, EINVAL, "memory policy nodes \"%s\"", s);
        for (unsigned long n = a; n <= b; n++)
            mask[n / (8 * sizeof(*mask))] |= 1UL << (n % (8 * sizeof(*mask)));
        if (*p == ',')
            p++;
        else if (*p)
            return veil_error_set(err, EINVAL, "memory policy nodes \"%s\"", s);
    }
    return 0;
}

/* attr_dir: an fd of /proc/thread-self/attr opened earlier on a trusted
 * procfs (exec opens it on the host's before joining the container), or -1
 * to open the one of the current root. */
static int apply_lsm_label(int attr_dir, const char *file, const char *value, veil_error **err)
{
    if (attr_dir < 0) {
        /* the current root's procfs, verified */
        char rel[64];
        snprintf(rel, sizeof(rel), "thread-self/attr/%s", file);
        return write_proc(rel, value, err);
    }
    struct statfs sfs;
    if (fstatfs(attr_dir, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
        return veil_error_set(err, 0, "/proc/thread-self/attr is not on procfs");
    return veil_fs_write_at(attr_dir, file, value, strlen(value), err);
}

static bool apparmor_enabled(void)
{
    char buf[4] = {0};
    int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    return n > 0 && buf[0] == 'Y';
}

int veil_process_prepare(const veil_plan *plan, veil_error **err)
{
    return veil_process_prepare_at(plan, -1, err);
}

/* Settings of the process that need no identity change: personality,
 * scheduler, I/O priority, memory policy, LSM labels, keyring. */
int veil_process_prepare_at(const veil_plan *plan, int attr_dir, veil_error **err)
{
    const veil_plan_process *p = plan->process;
    if (plan->has_personality && personality(plan->personality) < 0)
        return veil_error_set(err, errno, "personality 0x%lx", plan->personality);
    if (p->has_scheduler) {
        struct sched_attr_v1 a = {
            .size = sizeof(a),
            .sched_policy = (uint32_t)p->scheduler.policy,
            .sched_flags = p->scheduler.flags,
            .sched_nice = p->scheduler.nice,
            .sched_priority = (uint32_t)p->scheduler.priority,
            .sched_runtime = p->scheduler.runtime,
            .sched_deadline = p->scheduler.deadline,
            .sched_period = p->scheduler.period,
        };
        if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
            return veil_error_set(err, errno, "set the scheduler (policy %d)", p->scheduler.policy);
    }
    if (p->has_io_priority && syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
                                      p->io_priority) < 0)
        return veil_error_set(err, errno, "set the I/O priority");
    if (plan->has_memory_policy) {
        unsigned long mask[16];
        unsigned long *mp = NULL;
        unsigned long maxnode = 0;
        if (plan->memory_policy_nodes && *plan->memory_policy_nodes) {
            if (parse_node_list(plan->memory_policy_nodes, mask, 16, err) < 0)
                return -1;
            mp = mask;
            maxnode = 16 * 8 * sizeof(unsigned long);
        }
        if (syscall(SYS_set_mempolicy, plan->memory_policy_mode | (int)plan->memory_policy_flags,
                    mp, maxnode) < 0)
            return veil_error_set(err, errno, "set the memory policy");
    }
    if (p->apparmor_profile && *p->apparmor_profile) {
        if (!apparmor_enabled())
            return veil_error_set(err, 0,
                                  "process.apparmorProfile is set but AppArmor is not enabled");
        char buf[4200];
        snprintf(buf, sizeof(buf), "exec %s", p->apparmor_profile);
        if (apply_lsm_label(attr_dir, "apparmor/exec", buf, NULL) < 0 &&
            apply_lsm_label(attr_dir, "exec", buf, err) < 0)
            return veil_error_prefix(err, "apply the AppArmor profile %s", p->apparmor_profile);
    }
    if (p->selinux_label && *p->selinux_label && access("/sys/fs/selinux/enforce", F_OK) == 0 &&
        apply_lsm_label(attr_dir, "exec", p->selinux_label, err) < 0)
        return veil_error_prefix(err, "apply the SELinux label");
    return 0;
}

static int last_cap(void)
{
    static int cached = -1;
    if (cached >= 0)
        return cached;
    char buf[16] = {0};
    int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, buf, sizeof(buf) - 1) > 0)
            cached = atoi(buf);
        close(fd);
    }
    if (cached <= 0)
        cached = CAP_LAST_CAP;
    return cached;
}

int veil_process_set_identity(const veil_plan *plan, bool in_userns, veil_error **err)
{
    const veil_plan_process *p = plan->process;
    const veil_plan_caps *c = &p->caps;
    int last = last_cap();
    /* bounding first: dropping needs CAP_SETPCAP, which may go next */
    for (int cap = 0; cap <= last; cap++) {
        if (c->bounding & (1ULL << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return veil_error_set(err, errno, "drop capability %d from the bounding set", cap);
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return veil_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
    gid_t *gids = NULL;
    if (p->n_additional_gids) {
        gids = alloca(p->n_additional_gids * sizeof(gid_t));
        for (size_t i = 0; i < p->n_additional_gids; i++)
            gids[i] = p->additional_gids[i];
    }
    if (setgroups(p->n_additional_gids, gids) < 0 &&
        !(errno == EPERM && in_userns && p->n_additional_gids == 0))
        return veil_error_set(err, errno, "setgroups");
    if (setresgid(p->gid, p->gid, p->gid) < 0)
        return veil_error_set(err, errno, "setgid %u", p->gid);
    if (setresuid(p->uid, p->uid, p->uid) < 0)
        return veil_error_set(err, errno, "setuid %u", p->uid);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return veil_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
    return veil_process_set_caps(p, err);
}

int veil_process_set_caps(const veil_plan_process *p, veil_error **err)
{
    const veil_plan_caps *c = &p->caps;
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2] = {
        {(uint32_t)c->effective, (uint32_t)c->permitted, (uint32_t)c->inheritable},
        {(uint32_t)(c->effective >> 32), (uint32_t)(c->permitted >> 32),
         (uint32_t)(c->inheritable >> 32)},
    };
    if (syscall(SYS_capset, &hdr, data) < 0)
        return veil_error_set(err, errno, "set the capabilities");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return veil_error_set(err, errno, "clear the ambient capabilities");
    for (int cap = 0; cap < 64; cap++) {
        if (!(c->ambient & (1ULL << cap)))
            continue;
        /* ambient needs the cap in permitted and inheritable; skip (like runc) if not */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EPERM &&
            errno != EINVAL)
            return veil_error_set(err, errno, "raise ambient capability %d", cap);
    }
    return 0;
}

int veil_process_join_keyring(const char *id, veil_error **err)
{
    char name[300];
    snprintf(name, sizeof(name), "_ses.%s", id ? id : "veil");
    /* no keyrings (ENOSYS) or not allowed to use them (a user namespace, a
     * profile): the process keeps the caller's, as runc tolerates */
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS &&
        errno != EACCES && errno != EPERM)
        return veil_error_set(err, errno, "join a new session keyring");
    return 0;
}

int veil_process_set_oom_score_adj(const veil_plan_process *p, veil_error **err)
{
    if (!p->has_oom_score_adj)
        return 0;
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
    if (write_proc("self/oom_score_adj", buf, err) < 0)
        return veil_error_prefix(err, "set oom_score_adj to %d", p->oom_score_adj);
    return 0;
}
