/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec: a new process in a running container.  The container's config is
 * the copy create saved in the state directory; the process comes from
 * --process or from that config changed by exec's flags, and gets what it
 * does not say from the config (plan/: veil_plan_build_exec).  linux/exec.c
 * starts it; here are the checks runc makes first, the container's seccomp
 * program (a cache hit: create compiled it), cgroups, console, pid file,
 * and the foreground wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <veil/container.h>
#include <veil/plan.h>
#include <veil/spec.h>

#include "container/internal.h"
#include "linux/linux.h"
#include "linux/seccomp.h"
#include "util/cleanup.h"

static inline void cleanup_specp(veil_spec **s)
{
    veil_spec_free(*s);
}
static inline void cleanup_processp(veil_spec_process **p)
{
    veil_spec_process_free(*p);
}
#define _cleanup_spec_ __attribute__((cleanup(cleanup_specp)))
#define _cleanup_process_ __attribute__((cleanup(cleanup_processp)))

static inline void cleanup_planp(veil_plan **p)
{
    veil_plan_free(*p);
}
static inline void cleanup_recordp(veil_state_record **r)
{
    veil_state_record_free(*r);
}
static inline void cleanup_cgroupp(veil_cgroup **c)
{
    veil_cgroup_free(*c);
}
static inline void cleanup_targetp(veil_cgroup_target **t)
{
    veil_cgroup_target_free(*t);
}
static inline void cleanup_progp(veil_seccomp_prog **p)
{
    veil_seccomp_prog_free(*p);
}

/* What runc checks before anything starts. */
static int check_terminal(const veil_plan_process *p, const veil_exec_options *o, veil_error **err)
{
    if (p->terminal && o->detach && !o->console_socket)
        return veil_error_set(err, 0,
                              "cannot allocate a terminal without --console-socket when detached "
                              "(the process has terminal set)");
    if (o->console_socket && !p->terminal)
        return veil_error_set(err, 0,
                              "--console-socket is set but the process has no terminal (use --tty, "
                              "or terminal in the process file)");
    return 0;
}

static int check_preserved_fds(unsigned n, veil_error **err)
{
    for (unsigned i = 0; i < n; i++) {
        int fd = 3 + (int)i;
        int flags = fcntl(fd, F_GETFD);
        /* veil's own fds are close-on-exec: one in the range was not passed in */
        if (flags < 0 || (flags & FD_CLOEXEC))
            return veil_error_set(err, flags < 0 ? errno : EBADF,
                                  "--preserve-fds %u: fd %d was not passed to veil", n, fd);
    }
    return 0;
}

/* The process to run: the --process file, or the config's changed by the
 * flags. */
static int exec_process(const veil_exec_options *o, veil_spec *config, veil_spec_process **own,
                        const veil_spec_process **out, veil_error **err)
{
    if (o->process_file) {
        if ((*own = veil_spec_load_process(o->process_file, err)) == NULL)
            return -1;
        *out = *own;
        return 0;
    }
    if (config->process == NULL)
        return veil_error_set(err, 0, "the container's config has no process to start from; use "
                                      "--process");
    if (veil_exec_process_from_flags(config->process, o, err) < 0)
        return -1;
    *out = config->process;
    return 0;
}

static int load_plan(const veil_context *ctx, int dirfd, const veil_state_record *rec,
                     const veil_exec_options *o, veil_plan **plan, veil_error **err)
{
    size_t len = 0;
    _cleanup_free_ char *raw = veil_state_load_config(dirfd, &len, err);
    if (raw == NULL)
        return -1;
    _cleanup_spec_ veil_spec *config = veil_spec_parse(raw, len, "the saved config.json", err);
    if (config == NULL)
        return -1;
    _cleanup_process_ veil_spec_process *own = NULL;
    const veil_spec_process *proc = NULL;
    if (exec_process(o, config, &own, &proc, err) < 0)
        return -1;
    veil_plan_options po = {
        .id = rec->id,
        .bundle = rec->bundle,
        .no_new_keyring = rec->no_new_keyring,
        .preserve_fds = o->preserve_fds,
    };
    if (veil_plan_build_exec(config, proc, &po, plan, err) < 0)
        return -1;
    for (size_t i = 0; i < (*plan)->n_warnings; i++)
        veil_log(ctx, VEIL_LOG_WARNING, "%s", (*plan)->warnings[i]);
    veil_clamp_caps(ctx, *plan);
    return 0;
}

/* The container's cgroup, and whether it is frozen. */
static int open_cgroup(const veil_context *ctx, const veil_state_record *rec, veil_cgroup **cg,
                       bool *paused, veil_error **err)
{
    *paused = false;
    if (rec->cgroup == NULL)
        return 0;
    if (veil_cgroup_open(ctx, rec->cgroup, cg, err) < 0)
        return -1;
    veil_error *e = NULL;
    if (veil_cgroup_is_frozen(*cg, paused, &e) < 0)
        *paused = false; /* no freezer: never paused */
    veil_error_free(e);
    return 0;
}

/* Everything the start needs, opened and checked; released by exec_job_close. */
typedef struct exec_job {
    int dirfd, init_pidfd, console_fd, listener_fd;
    veil_state_record *rec;
    veil_cgroup *cgroup;
    veil_cgroup_target *target;
    veil_plan *plan;
    veil_seccomp_prog *seccomp;
} exec_job;

static void exec_job_close(exec_job *j)
{
    if (j->dirfd >= 0)
        close(j->dirfd);
    if (j->init_pidfd >= 0)
        close(j->init_pidfd);
    if (j->console_fd >= 0)
        close(j->console_fd);
    if (j->listener_fd >= 0)
        close(j->listener_fd);
    cleanup_targetp(&j->target);
    cleanup_cgroupp(&j->cgroup);
    cleanup_recordp(&j->rec);
    cleanup_planp(&j->plan);
    cleanup_progp(&j->seccomp);
    *j = (exec_job){.dirfd = -1, .init_pidfd = -1, .console_fd = -1, .listener_fd = -1};
}

static int prepare(const veil_context *ctx, const veil_exec_options *o, exec_job *j,
                   veil_error **err)
{
    if (veil_validate_id(o->id, err) < 0)
        return -1;
    /* no lock: exec runs beside other commands, as runc's does */
    if (veil_state_dir_open(ctx->state_root, o->id, false, &j->dirfd, err) < 0)
        return -1;
    if (veil_state_read(j->dirfd, &j->rec, err) < 0)
        return veil_error_prefix(err, "container %s", o->id);
    veil_status st = VEIL_STATUS_STOPPED;
    veil_state_status(j->dirfd, j->rec, &st);
    if (st == VEIL_STATUS_STOPPED || (j->init_pidfd = veil_open_init(j->rec)) < 0)
        return veil_error_set(err, 0, "cannot exec in a stopped container");
    bool paused = false;
    if (open_cgroup(ctx, j->rec, &j->cgroup, &paused, err) < 0)
        return -1;
    if (paused && !o->ignore_paused)
        return veil_error_set(err, 0,
                              "cannot exec in a paused container (use --ignore-paused to override)");
    if (load_plan(ctx, j->dirfd, j->rec, o, &j->plan, err) < 0)
        return -1;
    const veil_plan *plan = j->plan;
    if (check_terminal(plan->process, o, err) < 0 || check_preserved_fds(o->preserve_fds, err) < 0)
        return -1;
    if (plan->seccomp) {
        if (veil_seccomp_prepare(ctx, plan->seccomp, &j->seccomp, err) < 0)
            return -1;
        if (plan->seccomp->listener_path &&
            (j->listener_fd = veil_seccomp_connect_listener(plan->seccomp, err)) < 0)
            return -1;
    }
    if (j->cgroup) {
        if (veil_cgroup_target_open(j->cgroup, o->cgroups, o->n_cgroups, &j->target, err) < 0)
            return -1;
    } else if (o->n_cgroups) {
        return veil_error_set(err, 0, "--cgroup: the container has no cgroup");
    }
    if (o->console_socket && (j->console_fd = veil_connect_console(o->console_socket, err)) < 0)
        return -1;
    return 0;
}

int veil_container_exec(const veil_context *ctx, const veil_exec_options *o, int *status,
                        veil_error **err)
{
    *status = 0;
    exec_job j = {.dirfd = -1, .init_pidfd = -1, .console_fd = -1, .listener_fd = -1};
    if (prepare(ctx, o, &j, err) < 0) {
        exec_job_close(&j);
        return -1;
    }
    /* Signals arrive through a signalfd; blocked before the clone so none is
     * lost (the child unblocks them before its execve). */
    sigset_t fwd, old;
    veil_forward_sigset(&fwd);
    if (!o->detach)
        sigprocmask(SIG_BLOCK, &fwd, &old);
    veil_exec_spawn_options so = {
        .init_pid = j.rec->pid,
        .init_pidfd = j.init_pidfd,
        .cgroup = j.target,
        .seccomp = j.seccomp,
        .seccomp_listener_fd = j.listener_fd,
        .console_fd = j.console_fd,
        .keep_pty = !o->detach && !o->console_socket,
    };
    j.listener_fd = -1; /* veil_exec_spawn's now */
    veil_exec_spawn_result res;
    int r = veil_exec_spawn(ctx, j.plan, &so, &res, err);
    exec_job_close(&j);
    if (r == 0 && o->pid_file && veil_write_pid_file(o->pid_file, res.pid, err) < 0) {
        syscall(SYS_pidfd_send_signal, res.pidfd, SIGKILL, NULL, 0);
        waitpid(res.pid, NULL, 0);
        r = -1;
    }
    if (r < 0 || o->detach) {
        if (r == 0) {
            close(res.pidfd);
            if (res.pty_master >= 0)
                close(res.pty_master);
        }
        if (!o->detach)
            sigprocmask(SIG_SETMASK, &old, NULL);
        return r;
    }
    _cleanup_close_ int sfd = signalfd(-1, &fwd, SFD_CLOEXEC);
    *status = veil_supervise(res.pid, res.pidfd, res.pty_master, sfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(res.pidfd);
    if (res.pty_master >= 0)
        close(res.pty_master);
    veil_debug(ctx, "exec process %d exited with status %d", (int)res.pid, *status);
    return 0;
}
