/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * Shared by plan/cgroup_*.c: linux.resources -> ordered cgroup file writes.
 * cgroup_resources.c decides where each controller lives on the host and
 * walks the resources; cgroup_v1.c / cgroup_v2.c know the two file
 * interfaces; cgroup_devices.c builds the effective device list.
 */
#include <stdint.h>

#include <veil/plan.h>
#include <veil/spec.h>

/* Where a controller's files go on this host. */
typedef enum veil_cgplan_at {
    VEIL_CGPLAN_NONE, /* controller not available */
    VEIL_CGPLAN_V1,   /* its own v1 hierarchy */
    VEIL_CGPLAN_V2,   /* the unified tree (pure v2, or hybrid for controllers absent from v1) */
} veil_cgplan_at;

typedef struct veil_cgplan {
    const veil_plan_options *opts;
    veil_cgroup_plan *out;
    size_t cap_writes;
    veil_error **err;
} veil_cgplan;

veil_cgplan_at veil_cgplan_where(const veil_cgplan *b, veil_cgroup_ctrl c);

/* Appends a write; value is printf-formatted.  Returns -1 on OOM. */
int veil_cgplan_add(veil_cgplan *b, veil_cgroup_ctrl ctrl, unsigned flags, const char *file,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Gives the last write an alternative file (used when `file` is missing). */
int veil_cgplan_alt(veil_cgplan *b, const char *alt_file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int veil_cgplan_warn(veil_cgplan *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Error for a field the host cannot apply: "<field>: the <ctrl> cgroup
 * controller is not available on this host (...)". */
int veil_cgplan_missing(veil_cgplan *b, const char *field, veil_cgroup_ctrl c);

/* Per-interface translation of the memory, cpu and block I/O sections. */
int veil_cgplan_v1_memory(veil_cgplan *b, const veil_spec_memory *m);
int veil_cgplan_v1_cpu(veil_cgplan *b, const veil_spec_cpu *c);
int veil_cgplan_v1_blkio(veil_cgplan *b, const veil_spec_blockio *io);
int veil_cgplan_v2_memory(veil_cgplan *b, const veil_spec_memory *m);
int veil_cgplan_v2_cpu(veil_cgplan *b, const veil_spec_cpu *c);
int veil_cgplan_v2_io(veil_cgplan *b, const veil_spec_blockio *io);

/* The effective device list (deny all, the config's rules, the defaults
 * every container gets) and, where the devices controller is v1, its
 * devices.deny / devices.allow writes. */
int veil_cgplan_devices(veil_cgplan *b, const veil_spec_resources *res);

/* The text a v1 devices.allow/deny line carries for a rule ("c 1:3 rwm"). */
void veil_cgroup_device_rule_string(const veil_spec_device_rule *r, char *buf, size_t len);

/* ---- v1 -> v2 conversions (the formulas runc and crun use today) -------- */

/* cpu.shares [2, 262144] -> cpu.weight [1, 10000], a quadratic in log2
 * space through 2->1, 1024->100, 262144->10000; 0 stays 0 (unset). */
uint64_t veil_cgroup_shares_to_weight(uint64_t shares);
/* blkio.weight [10, 1000] -> io.weight [1, 10000], linear; 0 stays 0. */
uint64_t veil_cgroup_blkio_to_io_weight(uint64_t weight);
/* memory.swap (memory+swap, v1 semantics) -> memory.swap.max (swap only).
 * -1 is "max", 0 is "unset".  Returns -1 with *why set when it cannot be
 * converted. */
int veil_cgroup_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, const char **why);
