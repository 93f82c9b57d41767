/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The last steps of every container process, init or exec'd: default
 * signals, nothing of veil's left open across execve, seccomp placed
 * relative to no_new_privs and the capability drop, identity, umask,
 * execve.
 */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/linux.h"
#include "linux/seccomp.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Every signal back to its default disposition and unblocked, as the
 * process would find them after a fresh start.  Through the system calls:
 * a libc may refuse the signals it reserves for itself (musl: 32-34), which
 * the container's own libc may well use. */
static void reset_signals(void)
{
#if defined(__x86_64__)
    struct {
        void *handler;
        unsigned long flags;
        void *restorer;
        uint64_t mask;
    } dfl = {0}; /* SIG_DFL, no flags, empty mask: x86-64's kernel struct sigaction */
    for (int s = 1; s <= 64; s++)
        if (s != SIGKILL && s != SIGSTOP)
            syscall(SYS_rt_sigaction, s, &dfl, NULL, sizeof(uint64_t));
    uint64_t none = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));
#else
    struct sigaction sa = {.sa_handler = SIG_DFL};
    for (int s = 1; s < NSIG; s++)
        sigaction(s, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
#endif
}

int veil_process_finish(const veil_finish *f, veil_error **err)
{
    const veil_plan_process *proc = f->plan->process;
    reset_signals();
    /* nothing of veil's crosses execve but stdio and the preserved fds */
    if (syscall(SYS_close_range, 3 + f->plan->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return veil_error_set(err, errno, "close_range");
    /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: then it is
     * loaded before the capabilities are dropped (as runc does); otherwise it
     * is the very last step. */
    bool seccomp_early = f->seccomp && !proc->no_new_privileges;
    if (seccomp_early &&
        veil_seccomp_install(f->seccomp, f->seccomp_listener_fd, f->seccomp_state, err) < 0)
        return -1;
    if (veil_process_set_identity(f->plan, f->in_userns, err) < 0)
        return -1;
    umask(proc->has_umask ? proc->umask : 022);
    if (proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return veil_error_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    if (f->seccomp && !seccomp_early &&
        veil_seccomp_install(f->seccomp, f->seccomp_listener_fd, f->seccomp_state, err) < 0)
        return -1;
    execve(f->exe, proc->args,
           f->envp ? f->envp : proc->env ? proc->env : (char *const[]){NULL});
    return veil_error_set(err, errno, "exec %s", f->exe);
}
