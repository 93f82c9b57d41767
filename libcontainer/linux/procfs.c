/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes to /proc through a handle veil verified, never through a path
 * string: the root of the procfs mount is opened once and checked (procfs
 * magic, the root inode of its own mount), then each file is opened beneath
 * it with openat2(RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS),
 * so nothing mounted over any part of the path (a bind over /proc/sys, a
 * fake attr/exec, a racing shared mount) can receive the write: the open
 * fails with EXDEV instead.  Used by the runtime on the host's /proc and by
 * init on its own (CVE-2019-16884, CVE-2019-19921, CVE-2025-52881).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/linux.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define PROC_ROOT_INO 1

int veil_procfs_root(int dirfd, const char *path, veil_error **err)
{
    _cleanup_close_ int fd = openat(dirfd, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s", path);
    struct statfs sfs;
    if (fstatfs(fd, &sfs) < 0)
        return veil_error_set(err, errno, "statfs %s", path);
    if (sfs.f_type != PROC_SUPER_MAGIC)
        return veil_error_set(err, 0, "%s is not a procfs (filesystem type 0x%lx)", path,
                              (unsigned long)sfs.f_type);
    /* the root directory of a procfs, not a subdirectory bound there */
    struct stat st;
    if (fstat(fd, &st) < 0)
        return veil_error_set(err, errno, "stat %s", path);
    if (st.st_ino != PROC_ROOT_INO)
        return veil_error_set(err, 0, "%s is not the root of a procfs mount", path);
    return steal_fd(&fd);
}

int veil_procfs_open(int procfd, const char *rel, int flags, veil_error **err)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY),
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
    };
    int fd;
    do
        fd = (int)syscall(SYS_openat2, procfd, rel, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN);
    if (fd < 0) {
        if (errno == EXDEV)
            return veil_error_set(err, 0,
                                  "/proc/%s: something is mounted over the path; refusing to use "
                                  "it",
                                  rel);
        return veil_error_set(err, errno, "open /proc/%s", rel);
    }
    struct statfs sfs;
    if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
        close(fd);
        return veil_error_set(err, 0, "/proc/%s is not on procfs", rel);
    }
    return fd;
}

int veil_procfs_write(int procfd, const char *rel, const char *buf, size_t len, veil_error **err)
{
    _cleanup_close_ int fd = veil_procfs_open(procfd, rel, O_WRONLY, err);
    if (fd < 0)
        return -1;
    ssize_t w;
    do
        w = write(fd, buf, len);
    while (w < 0 && errno == EINTR);
    if (w < 0)
        return veil_error_set(err, errno, "write /proc/%s", rel);
    if ((size_t)w != len)
        return veil_error_set(err, EIO, "write /proc/%s: short write", rel);
    return 0;
}
