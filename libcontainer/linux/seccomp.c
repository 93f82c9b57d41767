/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp: prepare (runtime, before clone) and install (container process,
 * last step before execve).  Compilation lives in seccomp_compile.c, the
 * cache in seccomp_cache.c, the listener protocol in seccomp_notify.c.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/seccomp_internal.h"
#include "linux/seccomp_notify.h"
#include "plan/seccomp_names.h"
#include "util/cleanup.h"
#include "util/errtext.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* Room for an error message built after the filter is loaded. */
#define LATE_ERROR_MAX 256

static inline void cleanup_progp(veil_seccomp_prog **p)
{
    veil_seccomp_prog_free(*p);
}
#define _cleanup_prog_ __attribute__((cleanup(cleanup_progp)))

int veil_seccomp_probe_flags(unsigned flags)
{
    /* The kernel checks the flags before it reads the program: EFAULT for
     * the NULL program means every flag was accepted. */
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) == 0)
        return -EINVAL; /* cannot happen: nothing was loaded */
    return errno == EFAULT ? 0 : -errno;
}

/* Probe one flag the way the kernel wants it: WAIT_KILLABLE_RECV is only
 * valid together with NEW_LISTENER. */
static int probe_one(unsigned flag)
{
    if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
        flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    return veil_seccomp_probe_flags(flag);
}

/* The flags to load with: TSYNC is dropped (the container process is
 * single-threaded when it loads the filter, and runc ignores it too);
 * WAIT_KILLABLE_RECV only means something with a listener.  Flags the kernel
 * lacks are an error, except the implicit default (flags_optional). */
static int kernel_flags(const veil_context *ctx, const veil_seccomp_plan *plan, unsigned *out,
                        veil_error **err)
{
    unsigned want = plan->flags & ~(unsigned)SECCOMP_FILTER_FLAG_TSYNC;
    if ((want & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !plan->uses_notify) {
        veil_debug(ctx, "seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: the profile has no "
                        "SCMP_ACT_NOTIFY");
        want &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    }
    unsigned all = want | (plan->uses_notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);
    if (all == 0 || veil_seccomp_probe_flags(all) == 0) {
        *out = want;
        return 0;
    }
    /* Something is missing: find out what, one flag at a time. */
    if (plan->uses_notify) {
        int r = veil_seccomp_probe_flags(SECCOMP_FILTER_FLAG_NEW_LISTENER);
        if (r < 0)
            return veil_error_set(err, -r == EINVAL ? 0 : -r,
                                  "linux.seccomp: SCMP_ACT_NOTIFY is not supported by this kernel%s",
                                  -r == EINVAL ? " (Linux 5.0 or later needed)" : "");
    }
    for (unsigned bit = 1; bit != 0 && bit <= want; bit <<= 1) {
        if (!(want & bit))
            continue;
        int r = probe_one(bit);
        if (r == 0)
            continue;
        const char *name = veil_seccomp_flag_name(bit);
        if (plan->flags_optional & bit) {
            veil_debug(ctx, "seccomp: %s not usable (%s), not used", name, veil_strerror(-r));
            want &= ~bit;
            continue;
        }
        if (r == -EINVAL)
            return veil_error_set(err, 0, "linux.seccomp.flags: %s is not supported by this kernel", name);
        return veil_error_set(err, -r, "linux.seccomp.flags: probe %s", name);
    }
    *out = want;
    return 0;
}

static void sort_arches(uint32_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && a[j - 1] > a[j]; j--) {
            uint32_t t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
}

int veil_seccomp_prepare(const veil_context *ctx, const veil_seccomp_plan *plan, veil_seccomp_prog **out,
                         veil_error **err)
{
    *out = NULL;
    if (plan == NULL)
        return 0; /* no seccomp: install(NULL) is a no-op too */
    _cleanup_prog_ veil_seccomp_prog *prog = calloc(1, sizeof(*prog));
    if (prog == NULL)
        return veil_error_set(err, ENOMEM, "seccomp");
    if (kernel_flags(ctx, plan, &prog->flags, err) < 0)
        return -1;
    prog->notify = plan->uses_notify;

    /* The architecture set, in one order, so equal sets share an entry. */
    _cleanup_free_ uint32_t *arches = malloc((plan->n_arches ? plan->n_arches : 1) * sizeof(*arches));
    if (arches == NULL)
        return veil_error_set(err, ENOMEM, "seccomp");
    if (plan->n_arches)
        memcpy(arches, plan->arches, plan->n_arches * sizeof(*arches));
    sort_arches(arches, plan->n_arches);
    veil_seccomp_cache_key(plan, arches, plan->n_arches, prog->key);
    veil_hex(prog->key, sizeof(prog->key), prog->hash);

    const char *root = ctx ? ctx->state_root : NULL;
    if (root) {
        const char *why = NULL;
        int r = veil_seccomp_cache_load(root, prog->hash, prog->key, prog, &why);
        if (r > 0) {
            prog->from_cache = true;
            veil_debug(ctx, "seccomp: cache hit %s", prog->hash);
            *out = steal_pointer(&prog);
            return 0;
        }
        if (r < 0)
            veil_debug(ctx, "seccomp: cache entry %s unusable (%s), recompiling", prog->hash, why);
    }

    size_t n_syscalls;
    if (veil_seccomp_compile(ctx, plan, arches, plan->n_arches, prog, &n_syscalls, err) < 0)
        return -1;
    if (root == NULL) {
        veil_debug(ctx, "seccomp: compiled %zu syscalls, not cached (no state root)", n_syscalls);
    } else {
        _cleanup_error_ veil_error *cerr = NULL;
        if (veil_seccomp_cache_store(root, prog->hash, prog->key, prog, &cerr) < 0)
            veil_debug(ctx, "seccomp: compiled %zu syscalls, not cached: %s", n_syscalls,
                       cerr && cerr->msg ? cerr->msg : "error");
        else
            veil_debug(ctx, "seccomp: compiled %zu syscalls, cached %s", n_syscalls, prog->hash);
    }
    *out = steal_pointer(&prog);
    return 0;
}

/* An error object with its message buffer allocated up front. */
static veil_error *reserve_error(void)
{
    veil_error *e = calloc(1, sizeof(*e));
    if (e && (e->msg = malloc(LATE_ERROR_MAX)) == NULL) {
        free(e);
        e = NULL;
    }
    return e;
}

int veil_seccomp_install(const veil_seccomp_prog *prog, int listener_fd, const char *state_json,
                         veil_error **err)
{
    _cleanup_close_ int listener = listener_fd;
    if (prog == NULL)
        return 0;
    if (prog->notify && (listener < 0 || state_json == NULL || state_json[0] == '\0'))
        return veil_error_set(err, EINVAL,
                              "seccomp: the profile uses SCMP_ACT_NOTIFY but no listener socket or "
                              "state was given");
    _cleanup_error_ veil_error *late = NULL;
    if (prog->notify && (late = reserve_error()) == NULL)
        return veil_error_set(err, ENOMEM, "seccomp");

    struct sock_fprog fprog = {.len = (unsigned short)prog->n_insns, .filter = prog->insns};
    unsigned flags = prog->flags | (prog->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
    if (r < 0) {
        int e = errno;
        return veil_error_set(err, e, "seccomp(SECCOMP_SET_MODE_FILTER)%s",
                              e == EACCES ? " without no_new_privs or CAP_SYS_ADMIN" : "");
    }
    if (!prog->notify)
        return 0;

    /* The filter is live from here: no allocation, no libc that might do one. */
    int notify_fd = (int)r;
    int e = veil_seccomp_send_notify_fd(listener, notify_fd, state_json);
    if (e == 0) {
        close(notify_fd); /* a notification here is answerable: the agent has the fd */
        return 0;
    }
    /* Nobody holds the notify fd: a close() the profile notifies would wait
     * forever, so both fds are left to exit or execve (they are CLOEXEC). */
    steal_fd(&listener);
    late->errnum = e;
    veil_seccomp_format_send_error(late->msg, LATE_ERROR_MAX, e);
    if (err) {
        veil_error_free(*err);
        *err = steal_pointer(&late);
    }
    return -1;
}

void veil_seccomp_prog_free(veil_seccomp_prog *prog)
{
    if (prog == NULL)
        return;
    free(prog->mem);
    free(prog);
}

const struct sock_filter *veil_seccomp_prog_insns(const veil_seccomp_prog *prog, size_t *n)
{
    *n = prog->n_insns;
    return prog->insns;
}

bool veil_seccomp_prog_from_cache(const veil_seccomp_prog *prog)
{
    return prog->from_cache;
}

bool veil_seccomp_prog_uses_notify(const veil_seccomp_prog *prog)
{
    return prog->notify;
}

unsigned veil_seccomp_prog_flags(const veil_seccomp_prog *prog)
{
    return prog->flags | (prog->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);
}

const char *veil_seccomp_prog_hash(const veil_seccomp_prog *prog)
{
    return prog->hash;
}

/* ---- features ------------------------------------------------------------ */

const char *const *veil_seccomp_known_actions(void)
{
    return veil_seccomp_action_names;
}

const char *const *veil_seccomp_known_operators(void)
{
    return veil_seccomp_op_names;
}

const char *const *veil_seccomp_known_archs(void)
{
    return veil_seccomp_arch_names;
}

const char *const *veil_seccomp_known_flags(void)
{
    return veil_seccomp_flag_names;
}

bool veil_seccomp_flag_supported(const char *flag)
{
    unsigned bit;
    return veil_seccomp_flag_from_name(flag, &bit) && probe_one(bit) == 0;
}

bool veil_seccomp_notify_supported(void)
{
    return veil_seccomp_probe_flags(SECCOMP_FILTER_FLAG_NEW_LISTENER) == 0;
}
