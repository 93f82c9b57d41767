/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * The seccomp names of config.json (libseccomp's spelling) and their numbers,
 * taken from libseccomp's and the kernel's headers.  Architectures appear
 * only when the libseccomp veil is built against knows them, so the lists
 * are what this build can really do.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* NULL-terminated lists of names. */
extern const char *const veil_seccomp_action_names[];
extern const char *const veil_seccomp_op_names[];
extern const char *const veil_seccomp_arch_names[];
extern const char *const veil_seccomp_flag_names[];

/* Name -> number; false if unknown.  Actions give the base value (for
 * SCMP_ACT_ERRNO and SCMP_ACT_TRACE the data bits are 0). */
bool veil_seccomp_action_from_name(const char *name, uint32_t *out);
bool veil_seccomp_op_from_name(const char *name, int *out);
bool veil_seccomp_arch_from_name(const char *name, uint32_t *out);
bool veil_seccomp_flag_from_name(const char *name, unsigned *out);

/* Architectures the runtime spec lists but libseccomp lacks in this build
 * (to say "unsupported" rather than "unknown"). */
bool veil_seccomp_arch_is_spec_only(const char *name);

/* The action without its data bits (SCMP_ACT_ERRNO(5) -> SCMP_ACT_ERRNO(0)). */
uint32_t veil_seccomp_action_base(uint32_t action);
/* True for the actions that carry an errno (or tracer) value. */
bool veil_seccomp_action_has_data(uint32_t action);
