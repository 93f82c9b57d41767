/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tmpcopyup: the image's contents under a tmpfs destination are copied into
 * the new tmpfs.  The image is hostile input: every entry is opened relative
 * to its parent's fd with O_NOFOLLOW, symlinks are copied as symlinks and
 * never followed, sockets are skipped, and the depth is bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/rootfs_internal.h"
#include "util/cleanup.h"

#define MAX_DEPTH 128

static int copy_data(int in, int out, off_t size)
{
    while (size > 0) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)size, 0);
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
            n = sendfile(out, in, NULL, (size_t)size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break; /* the file shrank */
        size -= n;
    }
    return 0;
}

static int copy_entry(int src, int dst, const char *name, const struct stat *st, int depth,
                      const char *what, veil_error **err);

/* An owner the user namespace does not map (shown as the overflow id) stays
 * with the copy's owner: EINVAL is not an error. */
static bool chown_failed(int r)
{
    return r < 0 && errno != EINVAL;
}

static int copy_dir(int src, int dst, int depth, const char *what, veil_error **err)
{
    if (depth > MAX_DEPTH)
        return veil_error_set(err, ELOOP, "tmpcopyup %s: directories nested too deep", what);
    int dup_fd = fcntl(src, F_DUPFD_CLOEXEC, 3);
    if (dup_fd < 0)
        return veil_error_set(err, errno, "tmpcopyup %s", what);
    _cleanup_closedir_ DIR *d = fdopendir(dup_fd);
    if (d == NULL) {
        close(dup_fd);
        return veil_error_set(err, errno, "tmpcopyup %s", what);
    }
    struct dirent *de;
    while ((errno = 0, de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: stat %s", what, de->d_name);
        if (copy_entry(src, dst, de->d_name, &st, depth, what, err) < 0)
            return -1;
    }
    if (errno)
        return veil_error_set(err, errno, "tmpcopyup %s: read the directory", what);
    return 0;
}

static int copy_entry(int src, int dst, const char *name, const struct stat *st, int depth,
                      const char *what, veil_error **err)
{
    mode_t perm = st->st_mode & 07777;
    switch (st->st_mode & S_IFMT) {
    case S_IFDIR: {
        if (mkdirat(dst, name, 0700) < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: mkdir %s", what, name);
        _cleanup_close_ int s =
            openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_close_ int d =
            openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0 || d < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: open %s", what, name);
        if (copy_dir(s, d, depth + 1, what, err) < 0)
            return -1;
        if (chown_failed(fchown(d, st->st_uid, st->st_gid)) || fchmod(d, perm) < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: chown %s", what, name);
        break;
    }
    case S_IFREG: {
        _cleanup_close_ int s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: open %s", what, name);
        _cleanup_close_ int d =
            openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (d < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: create %s", what, name);
        if (copy_data(s, d, st->st_size) < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: copy %s", what, name);
        /* chown first: it clears the set-id bits fchmod then restores */
        if (chown_failed(fchown(d, st->st_uid, st->st_gid)) || fchmod(d, perm) < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: chown %s", what, name);
        break;
    }
    case S_IFLNK: {
        char target[PATH_MAX];
        ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
        if (n < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: readlink %s", what, name);
        target[n] = '\0';
        if (symlinkat(target, dst, name) < 0)
            return veil_error_set(err, errno, "tmpcopyup %s: symlink %s", what, name);
        if (chown_failed(fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW)))
            return veil_error_set(err, errno, "tmpcopyup %s: chown %s", what, name);
        break;
    }
    case S_IFIFO:
    case S_IFCHR:
    case S_IFBLK:
        if (mknodat(dst, name, (st->st_mode & S_IFMT) | perm, st->st_rdev) < 0) {
            /* a user namespace cannot make device nodes: they are left out */
            if (errno == EPERM && !S_ISFIFO(st->st_mode))
                return 0;
            return veil_error_set(err, errno, "tmpcopyup %s: mknod %s", what, name);
        }
        if (chown_failed(fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW)))
            return veil_error_set(err, errno, "tmpcopyup %s: chown %s", what, name);
        break;
    default:
        return 0; /* sockets: nothing to copy */
    }
    struct timespec times[2] = {st->st_atim, st->st_mtim};
    if (utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW) < 0)
        return veil_error_set(err, errno, "tmpcopyup %s: set the times of %s", what, name);
    return 0;
}

int veil_copy_tree(int src_dir, int dst, const char *what, veil_error **err)
{
    _cleanup_close_ int d = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0)
        return veil_error_set(err, errno, "tmpcopyup %s", what);
    return copy_dir(src_dir, d, 0, what, err);
}
