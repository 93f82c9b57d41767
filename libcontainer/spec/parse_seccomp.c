/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: linux.seccomp.  Names are checked here; numbers are the plan's. */
#include <stdlib.h>
#include <string.h>

#include "spec/internal.h"
#include "util/cleanup.h"

static const char *const action_names[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY",
};

static const char *const arch_names[] = {
    "SCMP_ARCH_X86",        "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",
    "SCMP_ARCH_ARM",        "SCMP_ARCH_AARCH64",     "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",     "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64",   "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",      "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",      "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_RISCV64",    "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
    "SCMP_ARCH_SH",         "SCMP_ARCH_SHEB",
};

static const char *const flag_names[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

static const char *const op_names[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

/* Only these actions return an errno to the caller. */
static int check_errno_action(spec_reader *r, const char *key, const char *action)
{
    if (strcmp(action, "SCMP_ACT_ERRNO") == 0 || strcmp(action, "SCMP_ACT_TRACE") == 0)
        return 0;
    size_t m = sr_enter(r, key);
    sr_fail(r, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s", action);
    sr_leave(r, m);
    return -1;
}

static int parse_arg(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_seccomp_arg *a = item;
    veil_opt_u64 value = {0};
    size_t idx;
    /* a system call has six arguments */
    if (sr_u32(r, o, "index", SR_REQUIRED, &a->index, NULL) < 0)
        return -1;
    if (a->index > 5) {
        size_t m = sr_enter(r, "index");
        sr_fail(r, "expected an integer in 0..5, got %u", a->index);
        sr_leave(r, m);
        return -1;
    }
    if (sr_u64(r, o, "value", SR_REQUIRED, UINT64_MAX, &value) < 0 ||
        sr_u64(r, o, "valueTwo", SR_OPTIONAL, UINT64_MAX, &a->value_two) < 0 ||
        sr_enum_member(r, o, "op", SR_REQUIRED, op_names, ARRAY_SIZE(op_names), "operator",
                       &a->op, &idx) < 0)
        return -1;
    a->value = value.value;
    return 0;
}

static int parse_syscall(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_syscall *s = item;
    size_t idx;
    if (sr_strv(r, o, "names", SR_REQUIRED, &s->names) < 0)
        return -1;
    if (s->names.n == 0) {
        size_t m = sr_enter(r, "names");
        sr_fail(r, "must have at least one element");
        sr_leave(r, m);
        return -1;
    }
    if (sr_enum_member(r, o, "action", SR_REQUIRED, action_names, ARRAY_SIZE(action_names),
                       "seccomp action", &s->action, &idx) < 0 ||
        sr_u64(r, o, "errnoRet", SR_OPTIONAL, UINT32_MAX, &s->errno_ret) < 0)
        return -1;
    if (s->errno_ret.set && check_errno_action(r, "errnoRet", s->action) < 0)
        return -1;
    return sr_array_of(r, o, "args", SR_OPTIONAL, sizeof(*s->args), parse_arg,
                       (void **)&s->args, &s->n_args);
}

int spec_parse_seccomp(spec_reader *r, const vj_node *o, veil_spec_seccomp *sc)
{
    size_t idx;
    if (sr_enum_member(r, o, "defaultAction", SR_REQUIRED, action_names,
                       ARRAY_SIZE(action_names), "seccomp action", &sc->default_action,
                       &idx) < 0 ||
        sr_u64(r, o, "defaultErrnoRet", SR_OPTIONAL, UINT32_MAX, &sc->default_errno_ret) < 0)
        return -1;
    if (sc->default_errno_ret.set &&
        check_errno_action(r, "defaultErrnoRet", sc->default_action) < 0)
        return -1;
    if (sr_flags(r, o, "architectures", arch_names, NULL, ARRAY_SIZE(arch_names),
                 "architecture", &sc->architectures, NULL) < 0 ||
        sr_flags(r, o, "flags", flag_names, NULL, ARRAY_SIZE(flag_names), "seccomp flag",
                 &sc->flags, NULL) < 0 ||
        sr_string(r, o, "listenerPath", SR_OPTIONAL, &sc->listener_path) < 0 ||
        sr_string(r, o, "listenerMetadata", SR_OPTIONAL, &sc->listener_metadata) < 0)
        return -1;
    if (sc->listener_metadata && !sc->listener_path) {
        size_t m = sr_enter(r, "listenerMetadata");
        sr_fail(r, "needs listenerPath");
        sr_leave(r, m);
        return -1;
    }
    return sr_array_of(r, o, "syscalls", SR_OPTIONAL, sizeof(*sc->syscalls), parse_syscall,
                       (void **)&sc->syscalls, &sc->n_syscalls);
}
