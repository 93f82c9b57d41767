/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A seccomp plan compiled to classic BPF by libseccomp, in the runtime
 * process.  The program is exported into a memfd and kept in memory; it is
 * loaded later by the container process with seccomp(2), never by
 * libseccomp, so no libseccomp state crosses into the container.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux/seccomp_internal.h"
#include "util/cleanup.h"
#include "util/errtext.h"

/* Above this many syscalls libseccomp's binary-tree layout pays off; below
 * it (and with no rules at all) libseccomp <= 2.5.4 misbehaves with it. */
#define BINARY_TREE_MIN_SYSCALLS 32

static inline void cleanup_scmpp(scmp_filter_ctx *f)
{
    if (*f)
        seccomp_release(*f);
}
#define _cleanup_scmp_ __attribute__((cleanup(cleanup_scmpp)))

static const char *arch_label(uint32_t arch)
{
    const char *name = veil_seccomp_arch_name(arch);
    return name ? name : "native";
}

/* Says which listed architectures lack the syscall; libseccomp leaves it out
 * of those on its own. */
static void log_missing_on_arches(const veil_context *ctx, const char *name, uint32_t native,
                                  const uint32_t *arches, size_t n_arches)
{
    if (seccomp_syscall_resolve_name_arch(native, name) < 0)
        veil_debug(ctx, "seccomp: syscall %s does not exist on %s, skipped there", name,
                   arch_label(native));
    for (size_t i = 0; i < n_arches; i++)
        if (arches[i] != native && seccomp_syscall_resolve_name_arch(arches[i], name) < 0)
            veil_debug(ctx, "seccomp: syscall %s does not exist on %s, skipped there", name,
                       arch_label(arches[i]));
}

static int add_rule(const veil_context *ctx, scmp_filter_ctx f, const veil_seccomp_rule *rule,
                    const uint32_t *arches, size_t n_arches, size_t *n_syscalls, veil_error **err)
{
    struct scmp_arg_cmp cmp[6];
    if (rule->n_args > ARRAY_SIZE(cmp))
        return veil_error_set(err, EINVAL, "linux.seccomp.syscalls[%zu]: %zu conditions in one rule",
                              rule->spec_index, rule->n_args);
    for (size_t k = 0; k < rule->n_args; k++)
        cmp[k] = (struct scmp_arg_cmp){
            .arg = rule->args[k].index,
            .op = (enum scmp_compare)rule->args[k].op,
            .datum_a = rule->args[k].value,
            .datum_b = rule->args[k].value_two,
        };
    uint32_t native = seccomp_arch_native();
    for (size_t j = 0; j < rule->n_names; j++) {
        const char *name = rule->names[j];
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) {
            /* Newer than this libseccomp, or a typo: runc skips it too. */
            veil_debug(ctx, "seccomp: unknown syscall %s skipped (linux.seccomp.syscalls[%zu])", name,
                       rule->spec_index);
            continue;
        }
        if (ctx && ctx->debug)
            log_missing_on_arches(ctx, name, native, arches, n_arches);
        int r = seccomp_rule_add_array(f, rule->action, nr, (unsigned)rule->n_args, cmp);
        if (r < 0)
            return veil_error_set(err, -r, "linux.seccomp.syscalls[%zu]: add rule for %s",
                                  rule->spec_index, name);
        (*n_syscalls)++;
    }
    return 0;
}

/* seccomp_export_bpf writes to an fd: give it a memfd and read it back. */
static int export_bpf(scmp_filter_ctx f, veil_seccomp_prog *prog, veil_error **err)
{
    _cleanup_close_ int fd = memfd_create("veil-seccomp-bpf", MFD_CLOEXEC);
    if (fd < 0)
        return veil_error_set(err, errno, "seccomp: memfd_create");
    int r = seccomp_export_bpf(f, fd);
    if (r < 0)
        return veil_error_set(err, -r, "seccomp: export the compiled filter");
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0)
        return veil_error_set(err, errno, "seccomp: size of the compiled filter");
    if (size == 0 || size % sizeof(struct sock_filter) != 0)
        return veil_error_set(err, EINVAL, "seccomp: compiled filter has a bad size (%lld bytes)",
                              (long long)size);
    size_t n = (size_t)size / sizeof(struct sock_filter);
    if (n > VEIL_BPF_MAXINSNS)
        return veil_error_set(err, E2BIG,
                              "seccomp: the compiled filter has %zu instructions, the kernel takes at "
                              "most %d",
                              n, VEIL_BPF_MAXINSNS);
    _cleanup_free_ struct sock_filter *insns = malloc((size_t)size);
    if (insns == NULL)
        return veil_error_set(err, ENOMEM, "seccomp: compiled filter");
    for (size_t done = 0; done < (size_t)size;) {
        ssize_t got = pread(fd, (char *)insns + done, (size_t)size - done, (off_t)done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return veil_error_set(err, got < 0 ? errno : EIO, "seccomp: read the compiled filter");
        done += (size_t)got;
    }
    prog->insns = insns;
    prog->mem = steal_pointer(&insns);
    prog->n_insns = n;
    return 0;
}

int veil_seccomp_compile(const veil_context *ctx, const veil_seccomp_plan *plan, const uint32_t *arches,
                         size_t n_arches, veil_seccomp_prog *prog, size_t *n_syscalls, veil_error **err)
{
    *n_syscalls = 0;
    _cleanup_scmp_ scmp_filter_ctx f = seccomp_init(plan->default_action);
    if (f == NULL)
        return veil_error_set(err, EINVAL, "linux.seccomp.defaultAction: libseccomp rejects %s",
                              veil_seccomp_action_name(plan->default_action));
    for (size_t i = 0; i < n_arches; i++) {
        int r = seccomp_arch_add(f, arches[i]);
        if (r < 0 && r != -EEXIST) /* EEXIST: the native one */
            return veil_error_set(err, -r, "linux.seccomp.architectures: add %s", arch_label(arches[i]));
    }
    size_t total = 0;
    for (size_t i = 0; i < plan->n_rules; i++)
        total += plan->rules[i].n_names;
    if (total > BINARY_TREE_MIN_SYSCALLS) {
        int r = seccomp_attr_set(f, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        if (r < 0)
            veil_debug(ctx, "seccomp: binary tree layout not available: %s", veil_strerror(-r));
    }
    for (size_t i = 0; i < plan->n_rules; i++)
        if (add_rule(ctx, f, &plan->rules[i], arches, n_arches, n_syscalls, err) < 0)
            return -1;
    return export_bpf(f, prog, err);
}
