/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CVE-2019-5736: veil clones container processes from its own image (no
 * re-exec to set a container up), so until their execve they run veil's
 * binary inside the container.  Non-dumpable keeps /proc/<pid>/exe closed
 * in that time; but a container program that is "#!/proc/self/exe" (or a
 * symlink to it) makes the kernel run veil's binary again, as a new,
 * dumpable process of the container, and through its /proc/<pid>/exe a
 * process of the container could open the host's binary for writing.
 *
 * So the commands that start container processes run from a read-only view
 * of the binary, once, at start: a detached read-only bind mount of it
 * (open_tree + mount_setattr, no copy), or else a sealed memfd copy.  A
 * binary already on a read-only mount, or sealed, is used as it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <veil/container.h>

#include "util/cleanup.h"

extern char **environ;

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

#define GUARD_ENV "_VEIL_EXE_GUARDED"

/* Whether the binary this process runs from cannot be written through any
 * path to it: its mount is read-only, or it is a sealed memfd. */
static bool exe_is_safe(void)
{
    _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct statvfs sv;
    if (fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY))
        return true;
    int seals = fcntl(fd, F_GET_SEALS);
    return seals >= 0 && (seals & F_SEAL_WRITE);
}

/* A detached read-only bind mount of the binary: no copy, no page cache. */
static int ro_bind_of_exe(void)
{
    int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe",
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd < 0)
        return -1;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                          MOUNT_ATTR_NODEV};
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A sealed in-memory copy, where mounts are not ours to make. */
static int sealed_copy_of_exe(void)
{
    _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (src < 0 || fstat(src, &st) < 0)
        return -1;
    int fd = memfd_create("veil", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) /* before Linux 6.3 */
        fd = memfd_create("veil", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -1;
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = sendfile(fd, src, NULL, (size_t)(st.st_size - done));
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += n;
    }
    if (fcntl(fd, F_ADD_SEALS,
              F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE) <
        0) {
        close(fd);
        return -1;
    }
    return fd;
}

int veil_exe_guard(char **argv, veil_error **err)
{
    if (getenv(GUARD_ENV)) {
        /* re-executed by this function: not passed on to anything we run */
        unsetenv(GUARD_ENV);
        return exe_is_safe() ? 0
                             : veil_error_set(err, 0,
                                              "the binary is still writable after re-executing "
                                              "from a read-only view of it");
    }
    if (exe_is_safe())
        return 0;
    _cleanup_close_ int fd = ro_bind_of_exe();
    if (fd < 0)
        fd = sealed_copy_of_exe();
    if (fd < 0)
        return veil_error_set(err, errno, "make a read-only view of the veil binary");
    if (setenv(GUARD_ENV, "1", 1) < 0)
        return veil_error_set(err, errno, "setenv");
    syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
    int e = errno;
    unsetenv(GUARD_ENV);
    return veil_error_set(err, e, "re-execute from a read-only view of the veil binary");
}
