/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Shared by linux/seccomp*.c: the prepared program and the pieces of prepare. */
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "linux/seccomp.h"
#include "util/sha256.h"

/* The kernel's limit on a classic BPF program. */
#define VEIL_BPF_MAXINSNS 4096

struct veil_seccomp_prog {
    struct sock_filter *insns; /* points into mem */
    size_t n_insns;
    void *mem;                 /* the allocation holding insns */
    unsigned flags;            /* for SECCOMP_SET_MODE_FILTER, without NEW_LISTENER */
    bool notify;               /* load with NEW_LISTENER and send the fd */
    bool from_cache;
    uint8_t key[VEIL_SHA256_LEN];
    char hash[VEIL_SHA256_HEX_LEN + 1];
};

/* seccomp_compile.c: plan -> BPF with libseccomp.  arches are the plan's,
 * sorted; *n_syscalls counts the (rule, syscall) pairs added. */
int veil_seccomp_compile(const veil_context *ctx, const veil_seccomp_plan *plan, const uint32_t *arches,
                         size_t n_arches, veil_seccomp_prog *prog, size_t *n_syscalls, veil_error **err);

/* seccomp_cache.c */
/* The cache key: everything the compiled program depends on. */
void veil_seccomp_cache_key(const veil_seccomp_plan *plan, const uint32_t *arches, size_t n_arches,
                            uint8_t key[VEIL_SHA256_LEN]);
/* 1: hit (prog->insns/mem filled); 0: no entry; -1: an entry that is not
 * usable (*why says why; it will be rewritten). */
int veil_seccomp_cache_load(const char *state_root, const char *hash, const uint8_t key[VEIL_SHA256_LEN],
                            veil_seccomp_prog *prog, const char **why);
/* Writes the entry atomically (temp file + rename). */
int veil_seccomp_cache_store(const char *state_root, const char *hash, const uint8_t key[VEIL_SHA256_LEN],
                             const veil_seccomp_prog *prog, veil_error **err);

/* seccomp.c: 0 if the kernel accepts `flags` for SECCOMP_SET_MODE_FILTER,
 * else -errno (-EINVAL: a flag is unknown to it).  Loads nothing. */
int veil_seccomp_probe_flags(unsigned flags);
