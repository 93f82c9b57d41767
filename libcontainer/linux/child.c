/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container init, from clone to execve.  Everything here runs in the new
 * process, already in the namespaces clone created.  Any failure before
 * READY goes back to the runtime as text (VEIL_SYNC_ERROR) and becomes the
 * error of `create`; after start, failures go to init's stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/linux.h"
#include "linux/seccomp.h"
#include "state/state.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* After READY the runtime is gone: errors go to the `start` that woke us
 * (it prints them) and to our stderr. */
static int start_conn = -1;

static _Noreturn void fail(int sync_fd, veil_error *err)
{
    const char *msg = err && err->msg ? err->msg : "container init failed";
    if (sync_fd >= 0) {
        veil_sync_send(sync_fd, VEIL_SYNC_ERROR, msg, strnlen(msg, VEIL_SYNC_MAX_PAYLOAD), -1);
    } else {
        veil_start_report(start_conn, msg);
        dprintf(2, "veil: %s\n", msg);
    }
    _exit(1);
}

#define CHECK(expr)                                                            \
    do {                                                                       \
        if ((expr) < 0)                                                        \
            fail(sync_fd, err);                                                \
    } while (0)

static int join_namespaces(veil_child_args *a, bool user_phase, veil_error **err)
{
    static const veil_ns_type order[] = {VEIL_NS_IPC, VEIL_NS_UTS, VEIL_NS_NETWORK,
                                         VEIL_NS_CGROUP, VEIL_NS_MOUNT};
    if (user_phase) {
        if (a->ns_fds[VEIL_NS_USER] >= 0 && veil_ns_join(a->ns_fds[VEIL_NS_USER], VEIL_NS_USER,
                                                         err) < 0)
            return -1;
        return 0;
    }
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        int fd = a->ns_fds[order[i]];
        if (fd >= 0 && veil_ns_join(fd, order[i], err) < 0)
            return -1;
    }
    return 0;
}

static void close_ns_fds(veil_child_args *a)
{
    for (int i = 0; i < 8; i++)
        if (a->ns_fds[i] >= 0) {
            close(a->ns_fds[i]);
            a->ns_fds[i] = -1;
        }
}

static bool has_new_ns(const veil_plan *plan, veil_ns_type t)
{
    for (size_t i = 0; i < plan->n_namespaces; i++)
        if (plan->namespaces[i].type == t && plan->namespaces[i].path == NULL)
            return true;
    return false;
}

static bool has_ns(const veil_plan *plan, veil_ns_type t)
{
    for (size_t i = 0; i < plan->n_namespaces; i++)
        if (plan->namespaces[i].type == t)
            return true;
    return false;
}

/* The state document hooks inside the container get on stdin. */
static char *hook_state(veil_child_args *a)
{
    const char *(*fn)(void *, pid_t) = a->opts->hook_state;
    if (fn == NULL)
        return NULL;
    const char *s = fn(a->opts->hook_state_data, a->host_pid);
    return s ? strdup(s) : NULL;
}

/* Closes every fd from `from` up that init does not need, so nothing the
 * runtime held (the locked state directory, the console socket, a cgroup
 * dirfd) stays open in the container's init. */
static void close_other_fds(const veil_child_args *a, unsigned from)
{
    int keep[16];
    size_t n = 0;
    keep[n++] = a->sync_fd;
    if (a->opts->start_fd >= 0)
        keep[n++] = a->opts->start_fd;
    keep[n++] = a->opts->seccomp_listener_fd;
    for (int i = 0; i < 8; i++)
        keep[n++] = a->ns_fds[i];
    veil_close_fds_except(from, keep, n);
}

int veil_child_join_late_cgroups(const veil_child_args *a, veil_error **err)
{
    if (a->cgroup_late == NULL || !*a->cgroup_late)
        return 0;
    *a->cgroup_late = false;
    uint8_t idx[VEIL_SYNC_MAX_FDS];
    int fds[VEIL_SYNC_MAX_FDS];
    size_t len = 0, n = 0;
    veil_sync_type type;
    if (veil_sync_recv_fds(a->sync_fd, &type, idx, sizeof(idx), &len, fds, VEIL_SYNC_MAX_FDS,
                           &n) < 0)
        return veil_error_set(err, errno, "receive the cgroup files from the runtime");
    if (type != VEIL_SYNC_CGROUP || len != n) {
        for (size_t i = 0; i < n; i++)
            close(fds[i]);
        return veil_error_set(err, EBADMSG, "runtime sent message %u, expected the cgroup files",
                              (unsigned)type);
    }
    return veil_cgroup_late_join(a->opts->cgroup, idx, fds, n, err);
}

static int become_root(veil_error **err)
{
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        return veil_error_set(err, errno, "become root in the user namespace");
    return 0;
}

/* unshare(CLONE_NEWPID) moved only our future children: fork the real init
 * (a child of the runtime, by CLONE_PARENT), tell the runtime its pid, and
 * leave.  The new process waits for our word so that its messages never
 * overtake ours on the shared socket. */
static void become_pid_ns_init(veil_child_args *a, int sync_fd)
{
    veil_error *err = NULL;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        veil_error_set(&err, errno, "pipe");
        fail(sync_fd, err);
    }
    /* with CLONE_PARENT the exit signal is ours (SIGCHLD): clone3 wants 0 */
    struct clone_args ca = {.flags = CLONE_PARENT};
    pid_t c = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
    if (c < 0) {
        veil_error_set(&err, errno, "fork the init of the new pid namespace");
        fail(sync_fd, err);
    }
    if (c == 0) {
        close(p[1]);
        int32_t host = 0;
        if (read(p[0], &host, sizeof(host)) != sizeof(host))
            _exit(1); /* the first stage failed */
        close(p[0]);
        a->host_pid = host;
        return;
    }
    close(p[0]);
    int32_t host = c;
    if (veil_sync_send(sync_fd, VEIL_SYNC_INIT_PID, &host, sizeof(host), -1) < 0 ||
        write(p[1], &host, sizeof(host)) != sizeof(host))
        _exit(1);
    _exit(0);
}

_Noreturn void veil_child_main(veil_child_args *a)
{
    const veil_plan *plan = a->plan;
    const veil_plan_process *proc = plan->process;
    int sync_fd = a->sync_fd;
    veil_error *err = NULL;

    /* Nothing of the runtime may be reachable through /proc/<init>/ while it
     * still holds host fds (CVE-2016-9962). */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    /* our cgroups first, while the runtime finishes its part; a failure is
     * reported once the runtime listens (after GO) */
    veil_error *cg_err = NULL;
    int cg_r = a->cgroup_entry
                   ? veil_cgroup_entry_join(a->cgroup_entry, a->cgroup_cloned_into, &cg_err)
                   : 0;
    close_other_fds(a, 3 + plan->preserve_fds);
    umask(0);

    /* GO: the runtime has written our id maps */
    veil_sync_go go;
    size_t n = 0;
    CHECK(veil_sync_expect(sync_fd, VEIL_SYNC_GO, &go, sizeof(go), &n, NULL, &err));
    a->host_pid = go.host_pid;
    if (cg_r < 0)
        fail(sync_fd, cg_err);

    CHECK(join_namespaces(a, true, &err));
    bool own_userns = (a->unshare_flags & CLONE_NEWUSER) != 0;
    if (a->in_userns && !own_userns)
        CHECK(become_root(&err));
    CHECK(join_namespaces(a, false, &err));
    close_ns_fds(a);
    if (own_userns) {
        /* after joining the host-owned namespaces above: now our own user
         * namespace, whose maps the runtime writes */
        if (unshare(CLONE_NEWUSER) < 0) {
            veil_error_set(&err, errno, "create the user namespace");
            fail(sync_fd, err);
        }
        if (veil_sync_send(sync_fd, VEIL_SYNC_USERNS, NULL, 0, -1) < 0) {
            veil_error_set(&err, errno, "sync with the runtime");
            fail(sync_fd, err);
        }
        CHECK(veil_sync_expect(sync_fd, VEIL_SYNC_USERNS_DONE, NULL, 0, NULL, NULL, &err));
        CHECK(become_root(&err));
    }
    int rest = a->unshare_flags & ~CLONE_NEWUSER;
    if (rest && unshare(rest) < 0) {
        veil_error_set(&err, errno, "create namespaces (unshare 0x%x)", (unsigned)rest);
        fail(sync_fd, err);
    }
    if (rest & CLONE_NEWPID)
        become_pid_ns_init(a, sync_fd);
    if (a->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0) {
        veil_error_set(&err, errno, "create the cgroup namespace");
        fail(sync_fd, err);
    }
    if (proc)
        CHECK(veil_process_set_oom_score_adj(proc, &err));

    if (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) < 0) {
        veil_error_set(&err, errno, "set the hostname %s", plan->hostname);
        fail(sync_fd, err);
    }
    if (plan->domainname && setdomainname(plan->domainname, strlen(plan->domainname)) < 0) {
        veil_error_set(&err, errno, "set the domainname %s", plan->domainname);
        fail(sync_fd, err);
    }
    if (has_new_ns(plan, VEIL_NS_NETWORK))
        CHECK(veil_net_loopback_up(&err));
    if (!plan->no_new_keyring)
        CHECK(veil_process_join_keyring(plan->id, &err));

    /* the rootfs, mounts and /dev */
    int rootfd = -1;
    if (!has_ns(plan, VEIL_NS_MOUNT)) {
        veil_error_set(&err, 0, "the container needs a mount namespace (linux.namespaces)");
        fail(sync_fd, err);
    }
    CHECK(veil_rootfs_prepare(a, &rootfd, &err));
    /* the v1 cgroups the runtime made meanwhile, before any hook or fork */
    CHECK(veil_child_join_late_cgroups(a, &err));

    /* netDevices move in, prestart and createRuntime hooks run in the
     * runtime now */
    if (veil_sync_wants_hooks_pause(plan)) {
        CHECK(veil_sync_send(sync_fd, VEIL_SYNC_HOOKS, NULL, 0, -1) < 0
                  ? veil_error_set(&err, errno, "sync with the runtime")
                  : 0);
        CHECK(veil_sync_expect(sync_fd, VEIL_SYNC_HOOKS_DONE, NULL, 0, NULL, NULL, &err));
    }
    if (plan->hooks[VEIL_HOOK_CREATE_CONTAINER].n) {
        _cleanup_free_ char *state = hook_state(a);
        CHECK(veil_hooks_run(a->ctx, &plan->hooks[VEIL_HOOK_CREATE_CONTAINER], "createContainer",
                             state, &err));
    }

    CHECK(veil_rootfs_pivot(plan, rootfd, &err));
    close(rootfd);
    CHECK(veil_rootfs_finalize(plan, &err));

    if (proc == NULL) {
        /* no process (allowed by the spec until start): ready, then nothing;
         * `start` fails and kills us */
        CHECK(veil_sync_send(sync_fd, VEIL_SYNC_READY, NULL, 0, -1) < 0
                  ? veil_error_set(&err, errno, "sync with the runtime")
                  : 0);
        close(sync_fd);
        for (;;)
            pause();
    }
    if (proc->terminal) {
        int master = -1;
        CHECK(veil_tty_setup(proc, &master, &err));
        if (veil_sync_send(sync_fd, VEIL_SYNC_PTY, NULL, 0, master) < 0) {
            veil_error_set(&err, errno, "send the pty master to the runtime");
            fail(sync_fd, err);
        }
        close(master);
    }
    CHECK(veil_process_prepare(plan, &err));
    _cleanup_free_ char *exe = NULL;
    CHECK(veil_process_lookup(proc, &exe, &err));
    char **envp = veil_process_env(proc, &err);
    if (envp == NULL)
        fail(sync_fd, err);
    const char *cwd = proc->cwd ? proc->cwd : "/";
    if (chdir(cwd) < 0) {
        veil_error_set(&err, errno, "chdir to cwd (\"%s\") set in config.json", cwd);
        fail(sync_fd, err);
    }
    /* the cwd must be inside the new root (the "Leaky Vessels" class) */
    char here[4096];
    if (getcwd(here, sizeof(here)) == NULL || here[0] != '/') {
        veil_error_set(&err, 0, "cwd \"%s\" is outside the container root", cwd);
        fail(sync_fd, err);
    }
    _cleanup_free_ char *start_state =
        plan->hooks[VEIL_HOOK_START_CONTAINER].n ? hook_state(a) : NULL;
    _cleanup_free_ char *seccomp_state = NULL;
    if (a->opts->seccomp && plan->seccomp && plan->seccomp->listener_path) {
        veil_seccomp_state st = {.id = plan->id, .status = "creating", .pid = a->host_pid,
                                 .bundle = plan->bundle, .annotations = &plan->annotations};
        if ((seccomp_state = veil_seccomp_state_json(plan->seccomp, &st, &err)) == NULL)
            fail(sync_fd, err);
    }

    /* ready: `create` returns; from here on errors go to our stderr */
    CHECK(veil_sync_send(sync_fd, VEIL_SYNC_READY, NULL, 0, -1) < 0
              ? veil_error_set(&err, errno, "sync with the runtime")
              : 0);
    if (a->opts->start_fd < 0) {
        /* run: the runtime starts us over the same socket, which then
         * carries our errors and closes at execve */
        CHECK(veil_sync_expect(sync_fd, VEIL_SYNC_START, NULL, 0, NULL, NULL, &err));
    } else {
        close(sync_fd);
        sync_fd = -1;
        start_conn = veil_start_accept(a->opts->start_fd, &err);
        if (start_conn < 0)
            fail(sync_fd, err);
        close(a->opts->start_fd);
    }
    if (plan->hooks[VEIL_HOOK_START_CONTAINER].n)
        CHECK(veil_hooks_run(a->ctx, &plan->hooks[VEIL_HOOK_START_CONTAINER], "startContainer",
                             start_state, &err));

    veil_finish fin = {
        .plan = plan,
        .in_userns = a->in_userns,
        .exe = exe,
        .seccomp = a->opts->seccomp,
        .seccomp_listener_fd = a->opts->seccomp_listener_fd,
        .seccomp_state = seccomp_state,
        .envp = envp,
    };
    veil_process_finish(&fin, &err);
    fail(sync_fd, err);
}
