/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Small file helpers with one job each; every fd they open is O_CLOEXEC. */
#include <stddef.h>
#include <sys/types.h>

#include <veil/error.h>

/* Writes name in dirfd through a temporary file and rename(2). No fsync:
 * the state lives on tmpfs and a crash loses the containers anyway. */
int veil_fs_write_atomic(int dirfd, const char *name, const char *buf, size_t len, mode_t mode,
                         veil_error **err);
/* Writes buf to an existing file (cgroup, /proc), one write(2). */
int veil_fs_write_at(int dirfd, const char *name, const char *buf, size_t len, veil_error **err);
/* Reads at most max bytes of a file into a NUL-terminated buffer. */
char *veil_fs_read_at(int dirfd, const char *name, size_t max, size_t *len, veil_error **err);
/* Removes everything below dirfd (not following symlinks, not crossing mounts). */
int veil_fs_remove_contents(int dirfd, veil_error **err);
/* mkdir -p: creates the missing directories of path with mode (existing ones are kept). */
int veil_fs_mkdir_p(const char *path, mode_t mode, veil_error **err);
/* Closes every fd from `from` up except those in keep[] (any order; -1
 * entries and entries below `from` are ignored).  keep[] is sorted. */
void veil_close_fds_except(unsigned from, int *keep, size_t n);
/* write(2) / read(2) until done, retrying EINTR. */
int veil_write_all(int fd, const void *buf, size_t len);
