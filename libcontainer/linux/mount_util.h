/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Mount helpers that act on fds, never on a re-resolved path: detached trees
 * (open_tree, fsmount) are prepared off to the side, attributes set on them
 * before anyone can see them, then attached with move_mount onto a target fd
 * that was resolved inside the container's root. */
#include <stdbool.h>
#include <stdint.h>

#include <veil/error.h>

/* "/proc/self/fd/N" for fd. */
#define VEIL_FD_PATH_MAX 32
void veil_fd_path(int fd, char buf[VEIL_FD_PATH_MAX]);

/* The MOUNT_ATTR_* equivalent of the per-mount MS_* flags in ms (ro, nosuid,
 * nodev, noexec, atime modes, nosymfollow); other flags are ignored. */
uint64_t veil_ms_to_attr(unsigned long ms);
/* set_ms / clr_ms (MS_* the options set / explicitly clear) as the attr_set
 * and attr_clr of mount_setattr, the atime field handled as a whole. */
void veil_ms_to_attrs(unsigned long set_ms, unsigned long clr_ms, uint64_t *set, uint64_t *clr);

/* mount(2) onto the object fd refers to. */
int veil_mount_on_fd(const char *source, int target_fd, const char *type, unsigned long flags,
                     const char *data, const char *what, veil_error **err);
/* A detached copy of the mount tree at dirfd/path ("" = dirfd itself), the
 * submounts too when recursive (open_tree(OPEN_TREE_CLONE)). */
int veil_clone_tree(int dirfd, const char *path, bool recursive, const char *what,
                    veil_error **err);
/* Attaches a detached tree onto target_fd (move_mount). */
int veil_move_mount_fd(int tree_fd, int target_fd, const char *what, veil_error **err);
/* Sets and clears MOUNT_ATTR_* on fd's mount (and below it when recursive),
 * leaving every other attribute as it is.  In a user namespace the kernel
 * refuses to clear locked attributes: then the locked ones are kept and the
 * rest applied, as a bind remount in runc keeps them. */
int veil_mount_setattr_fd(int fd, uint64_t set, uint64_t clr, bool recursive, const char *what,
                          veil_error **err);
/* Bind-remount fd's mount with flags (MS_RDONLY, MS_NOSUID, ...), keeping
 * every flag not named (mount_setattr). */
int veil_remount_fd(int target_fd, unsigned long flags, const char *what, veil_error **err);
/* Applies propagation (MS_SHARED|... [|MS_REC]) to fd's mount. */
int veil_mount_propagation_fd(int target_fd, unsigned long propagation, const char *what,
                              veil_error **err);
/* Bind mounts the object source_fd refers to onto target_fd. */
int veil_bind_fd(int source_fd, int target_fd, bool recursive, const char *what, veil_error **err);
