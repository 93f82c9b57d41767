/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Shared by the files that mount the rootfs (rootfs.c and its helpers). */
#include <stdbool.h>
#include <stddef.h>

#include "linux/linux.h"

typedef struct rootfs_ctx {
    const veil_child_args *a;
    const veil_plan *plan;
    int rootfd;    /* the rootfs, O_PATH */
    int selinux;   /* -1 unknown, 0/1: whether mountLabel applies */
    size_t dev_ro; /* 1 + index of a read-only /dev mount made read-only after its nodes */
    /* Destinations veil created, with the topmost directory it had to make
     * for each: removed again if the setup fails, so that a refused bundle
     * leaves its rootfs as it was. */
    struct created_path {
        char *dest, *top;
    } *created;
    size_t n_created;
} rootfs_ctx;

/* overlay.c: the overlay of m as a detached mount (fsopen/fsconfig/fsmount),
 * kernel errors reported with the option that caused them. */
int veil_overlay_prepare(const veil_mount_step *m, veil_error **err);

/* cgroup_mount.c: the cgroup filesystem of m onto target. */
int veil_cgroup_mount(rootfs_ctx *c, const veil_mount_step *m, int target, veil_error **err);

/* tmpcopyup.c: copies the tree under src_dir (a directory fd) into dst
 * (O_PATH of the new tmpfs root) without following any symlink. */
int veil_copy_tree(int src_dir, int dst, const char *what, veil_error **err);
