/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A process exec'd into a running container: one clone3 from the runtime,
 * no re-exec.  The runtime enters the pid and time namespaces of init
 * around the clone (they apply to children), and creates the child inside
 * the container's cgroup on cgroup v2 (CLONE_INTO_CGROUP); the child joins
 * every other namespace of init in one setns(2) on init's pidfd, then takes
 * the steps init takes before its execve.
 *
 * The runtime is non-dumpable before the clone, so the child never is while
 * it runs veil's code inside the container (CVE-2016-9962, and
 * /proc/<pid>/exe of CVE-2019-5736): only execve makes it dumpable again,
 * as the container's program.
 *
 * The child joins the container's cgroups itself, right away, through
 * files the runtime opened (cgroup/entry.c: no global kernel lock).
 *
 * Protocol on the sync socket: runtime -> GO (host pid), child -> [PTY
 * master] -> READY -> EOF at execve (the socket is close-on-exec) or ERROR
 * with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/linux.h"
#include "linux/seccomp.h"
#include "util/cleanup.h"
#include "util/fs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* More than any kernel's NR_CPUS: a mask the kernel clamps to its own. */
#define MAX_CPUS 8192

static const struct {
    const char *name; /* in /proc/<pid>/ns */
    int flag;
} namespaces[] = {
    {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},       {"pid", CLONE_NEWPID},
    {"net", CLONE_NEWNET},   {"ipc", CLONE_NEWIPC},      {"uts", CLONE_NEWUTS},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

/* The namespaces of init that differ from the runtime's (joining one's own
 * user namespace is an error; the others would only cost time). */
static int differing_namespaces(pid_t init_pid, int *flags, veil_error **err)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/proc/%d/ns", (int)init_pid);
    _cleanup_close_ int theirs = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    _cleanup_close_ int ours = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (theirs < 0 || ours < 0)
        return veil_error_set(err, errno, "open %s", theirs < 0 ? dir : "/proc/self/ns");
    *flags = 0;
    for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++) {
        struct stat a, b;
        if (fstatat(theirs, namespaces[i].name, &a, 0) < 0) {
            if (errno == ENOENT)
                continue; /* a kernel without this kind of namespace */
            return veil_error_set(err, errno, "stat %s/%s", dir, namespaces[i].name);
        }
        if (fstatat(ours, namespaces[i].name, &b, 0) < 0 || a.st_ino != b.st_ino ||
            a.st_dev != b.st_dev)
            *flags |= namespaces[i].flag;
    }
    return 0;
}

/* "0-3,7" (checked by the plan) as a CPU mask. */
static cpu_set_t *parse_cpus(const char *list, size_t *size, veil_error **err)
{
    cpu_set_t *set = CPU_ALLOC(MAX_CPUS);
    if (set == NULL) {
        veil_error_set(err, ENOMEM, "CPU affinity");
        return NULL;
    }
    *size = CPU_ALLOC_SIZE(MAX_CPUS);
    CPU_ZERO_S(*size, set);
    for (const char *p = list; *p;) {
        char *end;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        if (*end == '-')
            hi = strtoul(end + 1, &end, 10);
        if (end == p || hi < lo || hi >= MAX_CPUS || (*end && *end != ',')) {
            CPU_FREE(set);
            veil_error_set(err, 0, "invalid CPU list \"%s\"", list);
            return NULL;
        }
        for (unsigned long c = lo; c <= hi; c++)
            CPU_SET_S(c, *size, set);
        p = *end ? end + 1 : end;
    }
    return set;
}

/* Sets the affinity of the calling process to `list`, or to every CPU
 * (the kernel keeps only those of the cpuset) when list is NULL. */
static int set_affinity(const char *list, const char *which, veil_error **err)
{
    size_t size = CPU_ALLOC_SIZE(MAX_CPUS);
    cpu_set_t *set;
    if (list) {
        if ((set = parse_cpus(list, &size, err)) == NULL)
            return -1;
    } else {
        if ((set = CPU_ALLOC(MAX_CPUS)) == NULL)
            return veil_error_set(err, ENOMEM, "CPU affinity");
        memset(set, 0xff, size);
    }
    int r = sched_setaffinity(0, size, set);
    int e = errno;
    CPU_FREE(set);
    if (r < 0 && list)
        return veil_error_set(err, e, "set the %s CPU affinity to %s", which, list);
    return 0; /* a reset the kernel refuses leaves the inherited mask, as runc */
}

/* ---- the child ----------------------------------------------------------- */

typedef struct exec_child {
    const veil_context *ctx;
    const veil_plan *plan;
    const veil_exec_spawn_options *opts;
    int sync_fd;
    int ns_flags; /* joined in the child: all differing but pid and time */
    veil_cgroup_entry *cgroup_entry;
    bool cgroup_cloned_into; /* the clone put us in the cgroup2 tree */
} exec_child;

static _Noreturn void child_fail(int sync_fd, veil_error *err, int status)
{
    const char *msg = err && err->msg ? err->msg : "exec failed";
    if (sync_fd < 0 ||
        veil_sync_send(sync_fd, VEIL_SYNC_ERROR, msg, strnlen(msg, VEIL_SYNC_MAX_PAYLOAD), -1) < 0)
        dprintf(2, "veil: %s\n", msg);
    _exit(status);
}

#define TRY(expr)                                                              \
    do {                                                                       \
        if ((expr) < 0)                                                        \
            child_fail(c->sync_fd, err, 1);                                    \
    } while (0)

static _Noreturn void exec_child_main(exec_child *c)
{
    const veil_plan *plan = c->plan;
    const veil_plan_process *proc = plan->process;
    const veil_exec_spawn_options *o = c->opts;
    veil_error *err = NULL;

    /* the cgroups first; a failure is reported once the runtime listens */
    veil_error *cg_err = NULL;
    int cg_r = veil_cgroup_entry_join(c->cgroup_entry, c->cgroup_cloned_into, &cg_err);

    /* nothing the runtime holds (state directory, console socket, log) may
     * follow us into the container; stdio and the preserved fds stay */
    int keep[] = {c->sync_fd, o->init_pidfd, o->seccomp_listener_fd};
    veil_close_fds_except(3 + plan->preserve_fds, keep, sizeof(keep) / sizeof(keep[0]));

    veil_sync_go go;
    size_t n = 0;
    TRY(veil_sync_expect(c->sync_fd, VEIL_SYNC_GO, &go, sizeof(go), &n, NULL, &err));
    if (cg_r < 0)
        child_fail(c->sync_fd, cg_err, 1);

    /* with the host's credentials and /proc still */
    TRY(veil_process_set_oom_score_adj(proc, &err));
    TRY(veil_process_set_rlimits(proc, &err));
    int attr_dir = -1;
    if ((proc->apparmor_profile || proc->selinux_label) &&
        (attr_dir = open("/proc/thread-self/attr", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        veil_error_set(&err, errno, "open /proc/thread-self/attr");
        child_fail(c->sync_fd, err, 1);
    }

    /* one setns for all of init's namespaces, user first (the kernel's
     * order); init's pidfd pins the process we checked */
    if (c->ns_flags && setns(o->init_pidfd, c->ns_flags) < 0) {
        if (errno == ESRCH)
            veil_error_set(&err, 0, "container not running");
        else
            veil_error_set(&err, errno, "join the namespaces of the container (0x%x)",
                           (unsigned)c->ns_flags);
        child_fail(c->sync_fd, err, 1);
    }
    close(o->init_pidfd);
    bool in_userns = (c->ns_flags & CLONE_NEWUSER) != 0;
    if (in_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
        veil_error_set(&err, errno, "become root in the user namespace");
        child_fail(c->sync_fd, err, 1);
    }
    /* in the container's cgroup now: the final affinity sticks */
    const char *final = proc->exec_cpu_affinity_final;
    if (final || !proc->exec_cpu_affinity_initial)
        TRY(set_affinity(final, "final", &err));
    if (!plan->no_new_keyring)
        TRY(veil_process_join_keyring(plan->id, &err));

    if (proc->terminal) {
        _cleanup_close_ int master = -1, peer = -1;
        TRY(veil_tty_open(proc, &master, &peer, &err));
        if (veil_sync_send(c->sync_fd, VEIL_SYNC_PTY, NULL, 0, master) < 0) {
            veil_error_set(&err, errno, "send the pty master to the runtime");
            child_fail(c->sync_fd, err, 1);
        }
        TRY(veil_tty_attach(peer, &err));
    } else if (setsid() < 0) {
        veil_error_set(&err, errno, "setsid");
        child_fail(c->sync_fd, err, 1);
    }
    TRY(veil_process_prepare_at(plan, attr_dir, &err));
    /* a directory of the host's: gone before the cwd is resolved */
    if (attr_dir >= 0)
        close(attr_dir);

    /* the cwd, resolved in the container's root, must stay inside it */
    const char *cwd = proc->cwd ? proc->cwd : "/";
    if (chdir(cwd) < 0) {
        veil_error_set(&err, errno, "chdir to cwd (\"%s\") set in the process", cwd);
        child_fail(c->sync_fd, err, 1);
    }
    char here[4096];
    if (getcwd(here, sizeof(here)) == NULL || here[0] != '/') {
        veil_error_set(&err, 0, "cwd \"%s\" is outside the container root", cwd);
        child_fail(c->sync_fd, err, 1);
    }
    _cleanup_free_ char *exe = NULL;
    TRY(veil_process_lookup(proc, &exe, &err));
    /* runc's rules, as for init: HOME from the container's /etc/passwd */
    char **envp = veil_process_env(proc, &err);
    if (envp == NULL)
        child_fail(c->sync_fd, err, 1);
    _cleanup_free_ char *seccomp_state = NULL;
    if (o->seccomp && plan->seccomp && plan->seccomp->listener_path) {
        veil_seccomp_state st = {.id = plan->id, .status = "running", .pid = go.host_pid,
                                 .bundle = plan->bundle, .annotations = &plan->annotations};
        if ((seccomp_state = veil_seccomp_state_json(plan->seccomp, &st, &err)) == NULL)
            child_fail(c->sync_fd, err, 1);
    }
    if (veil_sync_send(c->sync_fd, VEIL_SYNC_READY, NULL, 0, -1) < 0) {
        veil_error_set(&err, errno, "sync with the runtime");
        child_fail(c->sync_fd, err, 1);
    }

    veil_finish fin = {
        .plan = plan,
        .in_userns = in_userns,
        .exe = exe,
        .seccomp = o->seccomp,
        .seccomp_listener_fd = o->seccomp_listener_fd,
        .seccomp_state = seccomp_state,
        .envp = envp,
    };
    veil_process_finish(&fin, &err);
    /* the shell's convention: 127 not found, 126 found but not runnable */
    child_fail(c->sync_fd, err, err && err->errnum == ENOENT ? 127 : 126);
}

/* ---- the runtime ---------------------------------------------------------- */

/* pid and time namespaces apply to children: the runtime enters init's
 * around the clone and returns to its own right after. */
static int enter_for_children(int init_pidfd, int flags, veil_ns_saved *s, veil_error **err)
{
    int want = flags & (CLONE_NEWPID | CLONE_NEWTIME);
    if (veil_ns_save_for_children(want, s, err) < 0)
        return -1;
    if (want && setns(init_pidfd, want) < 0) {
        if (errno == ESRCH)
            return veil_error_set(err, 0, "container not running");
        return veil_error_set(err, errno, "join the pid and time namespaces of the container");
    }
    return 0;
}

/* Clones the child: into the target's cgroup2 directory (falling back to
 * init's own cgroup on pure v2 when the container's refuses new members and
 * no sub-cgroup was asked for, as runc does).  *joined tells whether the
 * clone put the child in the cgroup2 tree. */
static pid_t clone_child(const veil_exec_spawn_options *o, int cgfd, int *pidfd, bool *joined,
                         veil_error **err)
{
    *joined = false;
    pid_t pid = veil_clone3(0, cgfd, pidfd);
    if (pid < 0 && cgfd >= 0 && (errno == EBUSY || errno == ENODEV || errno == ENOENT) &&
        veil_cgroup_target_v2_fd(o->cgroup) >= 0 && !veil_cgroup_target_has_sub(o->cgroup)) {
        veil_error *e = NULL;
        _cleanup_close_ int initcg = veil_cgroup_v2_fd_of(o->init_pid, &e);
        veil_error_free(e);
        if (initcg >= 0) {
            pid = veil_clone3(0, initcg, pidfd);
            if (pid >= 0)
                *joined = true;
            else
                errno = EBUSY;
        }
    } else if (pid >= 0 && cgfd >= 0) {
        *joined = true;
    }
    if (pid < 0 && cgfd >= 0 && (errno == EINVAL || errno == ENOSYS || errno == E2BIG)) {
        cgfd = -1; /* older kernel: the child writes itself to cgroup.procs */
        pid = veil_clone3(0, -1, pidfd);
    }
    if (pid < 0)
        veil_error_set(err, errno, "clone the exec process%s", cgfd >= 0 ? " into its cgroup" : "");
    return pid;
}

static int drive(const veil_context *ctx, const veil_exec_spawn_options *o, pid_t pid, int sync_fd,
                 int *pty_out, veil_error **err)
{
    veil_sync_go go = {.host_pid = pid};
    if (veil_sync_send(sync_fd, VEIL_SYNC_GO, &go, sizeof(go), -1) < 0)
        return veil_error_set(err, errno, "start the exec process");
    bool ready = false;
    for (;;) {
        char buf[VEIL_SYNC_MAX_PAYLOAD + 1];
        veil_sync_type type;
        size_t n = 0;
        int fd = -1;
        if (veil_sync_recv(sync_fd, &type, buf, VEIL_SYNC_MAX_PAYLOAD, &n, &fd) < 0) {
            if (errno != EPIPE)
                return veil_error_set(err, errno, "read from the exec process");
            /* the socket closes at execve; closed before READY means it died */
            if (!ready)
                return veil_error_set(err, 0, "the exec process died during its setup");
            veil_debug(ctx, "exec process %d: running", (int)pid);
            return 0;
        }
        switch (type) {
        case VEIL_SYNC_PTY:
            if (veil_sync_take_pty(fd, o->console_fd, o->keep_pty ? pty_out : NULL,
                                   "the exec process", err) < 0)
                return -1;
            break;
        case VEIL_SYNC_READY:
            ready = true;
            break;
        default:
            return veil_sync_unexpected(type, buf, n, fd, "the exec process", err);
        }
    }
}

int veil_exec_spawn(const veil_context *ctx, const veil_plan *plan, const veil_exec_spawn_options *o,
                    veil_exec_spawn_result *res, veil_error **err)
{
    res->pid = -1;
    res->pidfd = -1;
    res->pty_master = -1;
    /* the listener socket is the child's to use: the runtime's copy goes as
     * soon as the child exists, or the agent never sees the end of the
     * message (and on any failure before that) */
    _cleanup_close_ int listener = o->seccomp_listener_fd;
    int flags = 0;
    if (differing_namespaces(o->init_pid, &flags, err) < 0)
        return -1;
    /* the child inherits this: never dumpable while it is veil in the container */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return veil_error_set(err, errno, "prctl(PR_SET_DUMPABLE)");

    const veil_plan_process *proc = plan->process;
    /* the initial affinity is the runtime's own while it clones the child
     * (which inherits it); the cgroup transition then follows */
    cpu_set_t *saved_cpus = NULL;
    size_t saved_size = CPU_ALLOC_SIZE(MAX_CPUS);
    if (proc->exec_cpu_affinity_initial) {
        if ((saved_cpus = CPU_ALLOC(MAX_CPUS)) == NULL)
            return veil_error_set(err, ENOMEM, "CPU affinity");
        if (sched_getaffinity(0, saved_size, saved_cpus) < 0 ||
            set_affinity(proc->exec_cpu_affinity_initial, "initial", err) < 0) {
            if (!*err)
                veil_error_set(err, errno, "read the CPU affinity");
            CPU_FREE(saved_cpus);
            return -1;
        }
    }

    veil_cgroup_entry entry;
    veil_cgroup_entry_init(&entry);
    if (o->cgroup && veil_cgroup_target_entry_open(o->cgroup, &entry, err) < 0) {
        if (saved_cpus) {
            sched_setaffinity(0, saved_size, saved_cpus);
            CPU_FREE(saved_cpus);
        }
        return -1;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        veil_cgroup_entry_close(&entry);
        if (saved_cpus) {
            sched_setaffinity(0, saved_size, saved_cpus);
            CPU_FREE(saved_cpus);
        }
        return veil_error_set(err, errno, "socketpair");
    }
    veil_ns_saved nsc;
    pid_t pid = -1;
    int pidfd = -1;
    bool joined = false;
    int r = enter_for_children(o->init_pidfd, flags, &nsc, err);
    if (r == 0) {
        /* with an initial affinity the child starts outside the cgroup, as
         * the runtime-spec describes (the kernel would reset it there) */
        pid = clone_child(o, proc->exec_cpu_affinity_initial ? -1 : entry.clone_fd, &pidfd,
                          &joined, err);
        if (pid == 0) {
            close(sv[0]);
            exec_child c = {.ctx = ctx, .plan = plan, .opts = o, .sync_fd = sv[1],
                            .ns_flags = flags & ~(CLONE_NEWPID | CLONE_NEWTIME),
                            .cgroup_entry = &entry, .cgroup_cloned_into = joined};
            exec_child_main(&c);
        }
    }
    veil_cgroup_entry_close(&entry);
    veil_ns_restore_for_children(&nsc);
    if (listener >= 0)
        close(steal_fd(&listener));
    if (saved_cpus) {
        sched_setaffinity(0, saved_size, saved_cpus);
        CPU_FREE(saved_cpus);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return -1;
    }
    veil_debug(ctx, "exec process %d cloned (namespaces 0x%x%s)", (int)pid, (unsigned)flags,
               joined ? ", into its cgroup" : "");
    if (drive(ctx, o, pid, sv[0], &res->pty_master, err) < 0) {
        close(sv[0]);
        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        waitpid(pid, NULL, 0);
        close(pidfd);
        if (res->pty_master >= 0) {
            close(res->pty_master);
            res->pty_master = -1;
        }
        return -1;
    }
    close(sv[0]);
    res->pid = pid;
    res->pidfd = pidfd;
    return 0;
}
