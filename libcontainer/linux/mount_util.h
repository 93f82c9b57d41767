/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Mount helpers that act on an O_PATH fd, never on a re-resolved path. */
#include <stdbool.h>
#include <stdint.h>

#include <veil/error.h>

/* "/proc/self/fd/N" for fd. */
#define VEIL_FD_PATH_MAX 32
void veil_fd_path(int fd, char buf[VEIL_FD_PATH_MAX]);

/* mount(2) onto the object fd refers to. */
int veil_mount_on_fd(const char *source, int target_fd, const char *type, unsigned long flags,
                     const char *data, const char *what, veil_error **err);
/* Bind-remount fd's mount with flags (MS_RDONLY, MS_NOSUID, ...), keeping the
 * flags the kernel locks in a user namespace when it refuses the first try. */
int veil_remount_fd(int target_fd, unsigned long flags, const char *what, veil_error **err);
/* mount_setattr(AT_RECURSIVE) with MOUNT_ATTR_* set/clear. */
int veil_mount_setattr_fd(int target_fd, uint64_t set, uint64_t clr, bool recursive,
                          const char *what, veil_error **err);
/* Applies propagation (MS_SHARED|... [|MS_REC]) to fd's mount. */
int veil_mount_propagation_fd(int target_fd, unsigned long propagation, const char *what,
                              veil_error **err);
/* Bind mounts the object source_fd refers to onto target_fd. */
int veil_bind_fd(int source_fd, int target_fd, bool recursive, const char *what, veil_error **err);
