/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Shared by the files of cgroup/ (and their tests); not installed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

#include "cgroup/cgroup.h"

#define VEIL_CG_BIT(c) (1u << (c))

/* One mounted hierarchy the container has a directory in: a v1 hierarchy
 * (one or more co-mounted controllers, or name=systemd) or the unified tree. */
typedef struct veil_cg_hier {
    uint32_t ctrls;   /* VEIL_CG_BIT()s; VEIL_CG_UNIFIED for the cgroup2 tree */
    char *mount;      /* "/sys/fs/cgroup/memory" */
    char *rel;        /* the container's cgroup inside it, "/veil/abc" */
    char *dir;        /* mount + rel */
    unsigned created; /* trailing components of rel that veil created (0: none) */
    bool deferred;    /* resolved; made later by veil_cgroup_create_deferred */
} veil_cg_hier;

/* Controllers veil switched on in the subtree_control of a cgroup that
 * existed before (by this container or, per the cgroup's veil marker, by
 * another one); switched off when that cgroup has no other child left. */
typedef struct veil_cg_enabled {
    char *dir;
    uint32_t ctrls;
} veil_cg_enabled;

struct veil_cgroup {
    veil_cgroup_layout layout;
    char *path; /* the cgroup path in the main hierarchy */
    veil_cg_hier h[VEIL_CG__COUNT];
    size_t n;
    veil_cg_enabled *enabled;
    size_t n_enabled;
    int v2_fd; /* O_PATH of the unified directory on pure v2, else -1 */
};

/* ---- cgroup.c ------------------------------------------------------------- */

veil_cgroup *veil_cg_new(veil_cgroup_layout layout);
int veil_cg_add_hier(veil_cgroup *cg, uint32_t ctrls, const char *mount, const char *rel,
                     unsigned created);
/* Switches on, in the unified tree, the controllers the writes use. */
int veil_cg_enable_for(veil_cgroup *cg, const veil_cgroup_write *w, size_t n, veil_error **err);

/* The hierarchy holding controller c (VEIL_CG_UNIFIED: the cgroup2 tree;
 * on pure v2 every controller is there), or NULL. */
veil_cg_hier *veil_cg_hier_of(const veil_cgroup *cg, veil_cgroup_ctrl c);
/* The hierarchy whose cgroup.procs lists the container's processes. */
veil_cg_hier *veil_cg_main(const veil_cgroup *cg);
/* Name of a v2 controller as in cgroup.controllers ("io" for blkio). */
const char *veil_cg_v2_name(veil_cgroup_ctrl c);

/* ---- entry.c ---------------------------------------------------------------- */

/* Adds hierarchy h (its directory: dirfd if >= 0, else h->dir; name for
 * messages, borrowed). */
int veil_cg_entry_add(veil_cgroup_entry *e, const veil_cg_hier *h, int dirfd, const char *name,
                      veil_error **err);

/* ---- ops.c ------------------------------------------------------------------- */

/* Carries out the writes in order (flags: see VEIL_CGROUP_WRITE_*) in the
 * hierarchies whose `deferred` equals `deferred` (false: every hierarchy of
 * an existing cgroup).  skip_devices leaves the device rules alone (updates). */
int veil_cg_apply(veil_cgroup *cg, const veil_cgroup_write *w, size_t n, bool skip_devices,
                  bool deferred, veil_error **err);

/* ---- fs.c: file access with errors that explain ---------------------------- */

/* Writes value (each line separately) to dir/file.  Returns 0 or an errno. */
int veil_cg_write(const char *dir, const char *file, const char *value);
/* Opens dir/file for writes one after another (v1 device rules), and
 * writes one single-line value to it.  0 or an errno. */
int veil_cg_open_write(const char *dir, const char *file, int *fd);
int veil_cg_write_fd(int fd, const char *value);
/* Reads dir/file into a malloc'd NUL-terminated buffer.  0 or an errno. */
int veil_cg_read(const char *dir, const char *file, char **out);
/* Reads a single number (or "max" -> UINT64_MAX).  0 or an errno. */
int veil_cg_read_u64(const char *dir, const char *file, uint64_t *out);
/* The value of "key N" in a flat-keyed file (memory.stat, cgroup.events). */
int veil_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *out);
/* Sets *err to "write FILE = VALUE in DIR: <errno text> (<likely cause>)". */
int veil_cg_write_error(veil_error **err, int e, const char *dir, const char *file,
                        const char *value);
/* Writes with veil_cg_write and turns a failure into veil_cg_write_error. */
int veil_cg_write_or_fail(const char *dir, const char *file, const char *value, veil_error **err);
bool veil_cg_exists(const char *dir, const char *file);

/* ---- v1.c / v2.c ------------------------------------------------------------ */

/* Gives the cpuset directories veil created the parent's cpus and mems
 * (a new v1 cpuset is empty and accepts no process). */
int veil_cg_v1_cpuset_init(const veil_cg_hier *h, veil_error **err);
int veil_cg_v1_freeze(const veil_cg_hier *h, bool frozen, veil_error **err);
int veil_cg_v1_is_frozen(const veil_cg_hier *h, bool *frozen, veil_error **err);

/* Switches on the needed controllers (must succeed) in the subtree_control
 * of every ancestor of the unified directory, and the wanted ones (best
 * effort) in the ancestors veil created; records and marks what it changed
 * in cgroups that already existed. */
int veil_cg_v2_enable(veil_cgroup *cg, veil_cg_hier *h, uint32_t needed, uint32_t wanted,
                      veil_error **err);
/* Undoes veil_cg_v2_enable where the cgroup has no child left. */
void veil_cg_v2_disable(veil_cgroup *cg);
int veil_cg_v2_freeze(const veil_cg_hier *h, bool frozen, veil_error **err);
int veil_cg_v2_is_frozen(const veil_cg_hier *h, bool *frozen, veil_error **err);

/* ---- v2_devices_bpf.c: the device list as a cgroup-device program --------- */

#define VEIL_DEVCG_ACC_MKNOD 1u /* BPF_DEVCG_ACC_* */
#define VEIL_DEVCG_ACC_READ 2u
#define VEIL_DEVCG_ACC_WRITE 4u

typedef struct veil_devcg_exception {
    char type;           /* 'b' or 'c' */
    int64_t major, minor; /* -1: any */
    unsigned access;     /* VEIL_DEVCG_ACC_* */
} veil_devcg_exception;

/* What a v1 devices cgroup would hold after the rules were written to it
 * in order: a default and the exceptions to it. */
typedef struct veil_devcg_state {
    bool default_allow;
    veil_devcg_exception *ex;
    size_t n;
} veil_devcg_state;

int veil_devcg_emulate(const veil_spec_device_rule *rules, size_t n, veil_devcg_state *st,
                       veil_error **err);
void veil_devcg_state_clear(veil_devcg_state *st);
/* Whether the state grants `access` on a device (the kernel's v1 check). */
bool veil_devcg_allows(const veil_devcg_state *st, char type, uint32_t major, uint32_t minor,
                       unsigned access);
/* Compiles the rules into a BPF_PROG_TYPE_CGROUP_DEVICE program. */
int veil_devcg_compile(const veil_spec_device_rule *rules, size_t n, struct bpf_insn **insns,
                       size_t *n_insns, veil_error **err);
/* Loads the program and attaches it to the cgroup directory fd. */
int veil_devcg_attach(int cgroup_fd, const struct bpf_insn *insns, size_t n, veil_error **err);
/* Ids of the device programs attached to the cgroup itself. */
int veil_devcg_query(int cgroup_fd, uint32_t *ids, uint32_t max, uint32_t *n, veil_error **err);
