/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

int veil_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

void veil_close_fds_except(unsigned from, int *keep, size_t n)
{
    qsort(keep, n, sizeof(int), cmp_int);
    unsigned lo = from;
    for (size_t i = 0; i < n; i++) {
        if (keep[i] < 0 || (unsigned)keep[i] < lo)
            continue;
        if ((unsigned)keep[i] > lo)
            syscall(SYS_close_range, lo, (unsigned)keep[i] - 1, 0);
        lo = (unsigned)keep[i] + 1;
    }
    syscall(SYS_close_range, lo, ~0U, 0);
}

int veil_fs_write_atomic(int dirfd, const char *name, const char *buf, size_t len, mode_t mode,
                         veil_error **err)
{
    char tmp[256];
    snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
    _cleanup_close_ int fd =
        openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return veil_error_set(err, errno, "write %s", name);
    if (veil_write_all(fd, buf, len) < 0) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        return veil_error_set(err, e, "write %s", name);
    }
    if (renameat(dirfd, tmp, dirfd, name) < 0) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        return veil_error_set(err, e, "rename %s", name);
    }
    return 0;
}

int veil_fs_write_at(int dirfd, const char *name, const char *buf, size_t len, veil_error **err)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s", name);
    ssize_t w;
    do
        w = write(fd, buf, len);
    while (w < 0 && errno == EINTR);
    if (w < 0)
        return veil_error_set(err, errno, "write %s", name);
    if ((size_t)w != len)
        return veil_error_set(err, EIO, "write %s: short write", name);
    return 0;
}

char *veil_fs_read_at(int dirfd, const char *name, size_t max, size_t *len, veil_error **err)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        veil_error_set(err, errno, "open %s", name);
        return NULL;
    }
    size_t cap = max < 4096 ? max + 1 : 4096, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        veil_error_set(err, ENOMEM, "read %s", name);
        return NULL;
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max)
                break;
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *nb = realloc(buf, ncap);
            if (nb == NULL) {
                free(buf);
                veil_error_set(err, ENOMEM, "read %s", name);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            veil_error_set(err, e, "read %s", name);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static int remove_at(int parent, const char *name, dev_t dev, int depth, veil_error **err)
{
    if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return veil_error_set(err, errno, "remove %s", name);
    if (depth > 64)
        return veil_error_set(err, ELOOP, "remove %s", name);
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s", name);
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_dev != dev) {
        close(fd);
        return veil_error_set(err, EXDEV, "remove %s: a mount point", name);
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return veil_error_set(err, errno, "open %s", name);
    }
    struct dirent *de;
    int r = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if ((r = remove_at(dirfd(d), de->d_name, dev, depth + 1, err)) < 0)
            break;
    }
    closedir(d);
    if (r == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return veil_error_set(err, errno, "remove %s", name);
    return r;
}

int veil_fs_remove_contents(int dirfd, veil_error **err)
{
    struct stat st;
    if (fstat(dirfd, &st) < 0)
        return veil_error_set(err, errno, "stat");
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return veil_error_set(err, errno, "open");
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return veil_error_set(err, errno, "open");
    }
    struct dirent *de;
    int r = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if ((r = remove_at(dirfd, de->d_name, st.st_dev, 0, err)) < 0)
            break;
    }
    closedir(d);
    return r;
}

int veil_fs_mkdir_p(const char *path, mode_t mode, veil_error **err)
{
    _cleanup_free_ char *p = strdup(path);
    if (p == NULL)
        return veil_error_set(err, ENOMEM, "mkdir %s", path);
    /* create each missing component from the top, like mkdir -p */
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST)
            return veil_error_set(err, errno, "mkdir %s", p);
        *s = c;
        if (c == '\0')
            break;
    }
    struct stat st;
    if (stat(path, &st) < 0)
        return veil_error_set(err, errno, "stat %s", path);
    if (!S_ISDIR(st.st_mode))
        return veil_error_set(err, ENOTDIR, "mkdir %s", path);
    return 0;
}
