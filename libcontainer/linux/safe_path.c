/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Paths inside the container's root, resolved relative to a rootfs dirfd so
 * that no symlink in the image can lead outside it: openat2 with
 * RESOLVE_IN_ROOT (symlinks and ".." are clamped to the root), and
 * RESOLVE_NO_MAGICLINKS (no /proc/self/fd tricks).  Creation happens one
 * component at a time with mkdirat/openat(O_EXCL|O_NOFOLLOW) on a parent fd
 * that was itself resolved in the root.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/linux.h"
#include "util/cleanup.h"

static int openat2_resolve(int rootfd, const char *path, int flags, mode_t mode,
                           uint64_t resolve)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve,
    };
    while (*path == '/')
        path++;
    if (*path == '\0')
        path = ".";
    int fd;
    do
        fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN);
    return fd;
}

static int openat2_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
    return openat2_resolve(rootfd, path, flags, mode, 0);
}

int veil_open_in_root_nosymlinks(int rootfd, const char *path, int flags, veil_error **err)
{
    int fd = openat2_resolve(rootfd, path, flags, 0, RESOLVE_NO_SYMLINKS);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s in the container root", path);
    return fd;
}

int veil_open_in_root(int rootfd, const char *path, int flags, veil_error **err)
{
    int fd = openat2_in_root(rootfd, path, flags, 0);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s in the container root", path);
    return fd;
}

/* Splits "a/b/c" into the parent "a/b" (opened in root) and the last name. */
static int mkdir_walk(int rootfd, const char *path, mode_t mode, size_t *created_at,
                      veil_error **err);

/* Opens (creating) the parent of path; *created_at as in mkdir_walk. */
static int open_parent(int rootfd, const char *path, char *name, size_t cap, size_t *created_at,
                       veil_error **err)
{
    _cleanup_free_ char *dup = strdup(path);
    if (dup == NULL)
        return veil_error_set(err, ENOMEM, "resolve %s", path);
    size_t len = strlen(dup);
    while (len > 1 && dup[len - 1] == '/')
        dup[--len] = '\0';
    char *slash = strrchr(dup, '/');
    const char *last = slash ? slash + 1 : dup;
    if (*last == '\0' || strcmp(last, ".") == 0 || strcmp(last, "..") == 0 ||
        strlen(last) >= cap)
        return veil_error_set(err, EINVAL, "resolve %s: not a file name", path);
    strcpy(name, last);
    if (slash)
        *slash = '\0';
    const char *parent = slash ? dup : ".";
    return mkdir_walk(rootfd, parent, 0755, created_at, err);
}

static int mkdir_walk(int rootfd, const char *path, mode_t mode, size_t *created_at,
                      veil_error **err)
{
    int fd = openat2_in_root(rootfd, path, O_PATH | O_DIRECTORY, 0);
    if (fd >= 0)
        return fd;
    if (errno != ENOENT)
        return veil_error_set(err, errno, "open %s in the container root", path);
    /* Walk from the top, creating what is missing; every step re-resolves
     * the prefix inside the root, so a racing symlink cannot escape it. */
    _cleanup_free_ char *prefix = malloc(strlen(path) + 2);
    if (prefix == NULL)
        return veil_error_set(err, ENOMEM, "mkdir %s", path);
    const char *p = path;
    size_t plen = 0;
    int cur = -1;
    /* once a component was made here, the rest are missing too: no probe */
    bool creating = false;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchrnul(p, '/');
        size_t clen = (size_t)(end - p);
        memcpy(prefix + plen, "/", 1);
        memcpy(prefix + plen + 1, p, clen);
        size_t newlen = plen + 1 + clen;
        prefix[newlen] = '\0';
        int next = -1;
        errno = ENOENT;
        if (!creating)
            next = openat2_in_root(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
        if (next < 0 && errno == ENOENT) {
            int parent = cur >= 0 ? cur : rootfd;
            char comp[NAME_MAX + 1];
            if (clen > NAME_MAX) {
                if (cur >= 0)
                    close(cur);
                return veil_error_set(err, ENAMETOOLONG, "mkdir %s", path);
            }
            memcpy(comp, p, clen);
            comp[clen] = '\0';
            if (strcmp(comp, "..") == 0 || strcmp(comp, ".") == 0) {
                next = openat2_in_root(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
            } else {
                /* the parent fd was resolved in root: its plain child is safe */
                int made = mkdirat(parent, comp, mode);
                if (made < 0 && errno != EEXIST) {
                    int e = errno;
                    if (cur >= 0)
                        close(cur);
                    return veil_error_set(err, e, "mkdir %s in the container root", prefix);
                }
                if (made == 0 && created_at && *created_at == SIZE_MAX)
                    *created_at = (size_t)(p - path);
                /* what we just made is a plain directory of a parent resolved
                 * in root; O_NOFOLLOW refuses a racing swap, which then gets
                 * resolved in root like anything else */
                next = made == 0 ? openat(parent, comp,
                                          O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                                 : -1;
                creating = next >= 0;
                if (next < 0)
                    next = openat2_in_root(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
            }
        }
        if (next < 0) {
            int e = errno;
            if (cur >= 0)
                close(cur);
            return veil_error_set(err, e, "mkdir %s in the container root", prefix);
        }
        if (cur >= 0)
            close(cur);
        cur = next;
        plen = newlen;
        p = end;
    }
    if (cur < 0)
        return veil_open_in_root(rootfd, ".", O_PATH | O_DIRECTORY, err);
    return cur;
}

int veil_mkdir_in_root(int rootfd, const char *path, mode_t mode, veil_error **err)
{
    return mkdir_walk(rootfd, path, mode, NULL, err);
}

int veil_mkdir_in_root_at(int rootfd, const char *path, mode_t mode, size_t *created_at,
                          veil_error **err)
{
    *created_at = SIZE_MAX;
    return mkdir_walk(rootfd, path, mode, created_at, err);
}

static int mkfile(int rootfd, const char *path, mode_t mode, size_t *created_at,
                  veil_error **err);

int veil_mkfile_in_root(int rootfd, const char *path, mode_t mode, veil_error **err)
{
    return mkfile(rootfd, path, mode, NULL, err);
}

int veil_mkfile_in_root_at(int rootfd, const char *path, mode_t mode, size_t *created_at,
                           veil_error **err)
{
    *created_at = SIZE_MAX;
    return mkfile(rootfd, path, mode, created_at, err);
}

static int mkfile(int rootfd, const char *path, mode_t mode, size_t *created_at,
                  veil_error **err)
{
    int fd = openat2_in_root(rootfd, path, O_PATH, 0);
    if (fd >= 0)
        return fd;
    if (errno != ENOENT)
        return veil_error_set(err, errno, "open %s in the container root", path);
    char name[NAME_MAX + 1];
    _cleanup_close_ int parent = open_parent(rootfd, path, name, sizeof(name), created_at, err);
    if (parent < 0)
        return -1;
    /* O_EXCL|O_NOFOLLOW: never follow a planted symlink, never reuse */
    _cleanup_close_ int f =
        openat(parent, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, mode);
    if (f < 0 && errno != EEXIST)
        return veil_error_set(err, errno, "create %s in the container root", path);
    if (f >= 0 && created_at && *created_at == SIZE_MAX)
        *created_at = (size_t)(strrchr(path, '/') ? strrchr(path, '/') + 1 - path : 0);
    fd = openat2_in_root(rootfd, path, O_PATH, 0);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s in the container root", path);
    return fd;
}
