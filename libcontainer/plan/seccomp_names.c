/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp names <-> numbers, generated from one list per kind so the name
 * and value tables cannot drift apart. */
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

#include <veil/plan.h>

#include "plan/seccomp_names.h"

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* KILL_THREAD precedes its alias KILL so that printing 0 says what it does. */
#define ACTIONS(E)                                                             \
    E(KILL_PROCESS, SCMP_ACT_KILL_PROCESS)                                     \
    E(KILL_THREAD, SCMP_ACT_KILL_THREAD)                                       \
    E(KILL, SCMP_ACT_KILL)                                                     \
    E(TRAP, SCMP_ACT_TRAP)                                                     \
    E(ERRNO, SCMP_ACT_ERRNO(0))                                                \
    E(TRACE, SCMP_ACT_TRACE(0))                                                \
    E(ALLOW, SCMP_ACT_ALLOW)                                                   \
    E(LOG, SCMP_ACT_LOG)                                                       \
    E(NOTIFY, SCMP_ACT_NOTIFY)

#define OPS(E) E(NE) E(LT) E(LE) E(EQ) E(GE) E(GT) E(MASKED_EQ)

/* Architectures newer than some libseccomp releases are optional. */
#ifdef SCMP_ARCH_LOONGARCH64
#define ARCH_LOONGARCH64(E) E(LOONGARCH64)
#else
#define ARCH_LOONGARCH64(E)
#endif
#ifdef SCMP_ARCH_M68K
#define ARCH_M68K(E) E(M68K)
#else
#define ARCH_M68K(E)
#endif
#ifdef SCMP_ARCH_SH
#define ARCH_SH(E) E(SH) E(SHEB)
#else
#define ARCH_SH(E)
#endif
#define ARCHES(E)                                                              \
    E(X86) E(X86_64) E(X32) E(ARM) E(AARCH64) E(MIPS) E(MIPS64) E(MIPS64N32)   \
    E(MIPSEL) E(MIPSEL64) E(MIPSEL64N32) E(PPC) E(PPC64) E(PPC64LE) E(S390)    \
    E(S390X) E(PARISC) E(PARISC64) E(RISCV64) ARCH_LOONGARCH64(E) ARCH_M68K(E) \
    ARCH_SH(E)

#define FLAGS(E) E(TSYNC) E(LOG) E(SPEC_ALLOW) E(WAIT_KILLABLE_RECV)

#define ACTION_NAME(n, v) "SCMP_ACT_" #n,
#define ACTION_VALUE(n, v) (uint32_t)(v),
#define OP_NAME(n) "SCMP_CMP_" #n,
#define OP_VALUE(n) SCMP_CMP_##n,
#define ARCH_NAME(n) "SCMP_ARCH_" #n,
#define ARCH_VALUE(n) (uint32_t)SCMP_ARCH_##n,
#define FLAG_NAME(n) "SECCOMP_FILTER_FLAG_" #n,
#define FLAG_VALUE(n) (unsigned)SECCOMP_FILTER_FLAG_##n,

const char *const veil_seccomp_action_names[] = {ACTIONS(ACTION_NAME) NULL};
static const uint32_t action_values[] = {ACTIONS(ACTION_VALUE)};
const char *const veil_seccomp_op_names[] = {OPS(OP_NAME) NULL};
static const int op_values[] = {OPS(OP_VALUE)};
const char *const veil_seccomp_arch_names[] = {ARCHES(ARCH_NAME) NULL};
static const uint32_t arch_values[] = {ARCHES(ARCH_VALUE)};
const char *const veil_seccomp_flag_names[] = {FLAGS(FLAG_NAME) NULL};
static const unsigned flag_values[] = {FLAGS(FLAG_VALUE)};

/* Every architecture name in the runtime spec (1.3), known to libseccomp or not. */
static const char *const spec_arch_names[] = {
    "SCMP_ARCH_X86",       "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",   "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",    "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",     "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",    "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",      "SCMP_ARCH_SH",        "SCMP_ARCH_SHEB",
};

static int index_of(const char *const *names, const char *name)
{
    if (name == NULL)
        return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

bool veil_seccomp_action_from_name(const char *name, uint32_t *out)
{
    int i = index_of(veil_seccomp_action_names, name);
    if (i < 0)
        return false;
    *out = action_values[i];
    return true;
}

bool veil_seccomp_op_from_name(const char *name, int *out)
{
    int i = index_of(veil_seccomp_op_names, name);
    if (i < 0)
        return false;
    *out = op_values[i];
    return true;
}

bool veil_seccomp_arch_from_name(const char *name, uint32_t *out)
{
    int i = index_of(veil_seccomp_arch_names, name);
    if (i < 0)
        return false;
    *out = arch_values[i];
    return true;
}

bool veil_seccomp_flag_from_name(const char *name, unsigned *out)
{
    int i = index_of(veil_seccomp_flag_names, name);
    if (i < 0)
        return false;
    *out = flag_values[i];
    return true;
}

bool veil_seccomp_arch_is_spec_only(const char *name)
{
    for (size_t i = 0; i < sizeof(spec_arch_names) / sizeof(spec_arch_names[0]); i++)
        if (strcmp(spec_arch_names[i], name) == 0)
            return index_of(veil_seccomp_arch_names, name) < 0;
    return false;
}

bool veil_seccomp_action_has_data(uint32_t action)
{
    uint32_t base = action & ~(uint32_t)0xffff;
    return base == SCMP_ACT_ERRNO(0) || base == SCMP_ACT_TRACE(0);
}

uint32_t veil_seccomp_action_base(uint32_t action)
{
    return veil_seccomp_action_has_data(action) ? action & ~(uint32_t)0xffff : action;
}

const char *veil_seccomp_action_name(uint32_t action)
{
    uint32_t base = veil_seccomp_action_base(action);
    for (size_t i = 0; i < sizeof(action_values) / sizeof(action_values[0]); i++)
        if (action_values[i] == base)
            return veil_seccomp_action_names[i];
    return NULL;
}

const char *veil_seccomp_op_name(int op)
{
    for (size_t i = 0; i < sizeof(op_values) / sizeof(op_values[0]); i++)
        if (op_values[i] == op)
            return veil_seccomp_op_names[i];
    return NULL;
}

const char *veil_seccomp_arch_name(uint32_t arch)
{
    for (size_t i = 0; i < sizeof(arch_values) / sizeof(arch_values[0]); i++)
        if (arch_values[i] == arch)
            return veil_seccomp_arch_names[i];
    return NULL;
}

const char *veil_seccomp_flag_name(unsigned flag)
{
    for (size_t i = 0; i < sizeof(flag_values) / sizeof(flag_values[0]); i++)
        if (flag_values[i] == flag)
            return veil_seccomp_flag_names[i];
    return NULL;
}
