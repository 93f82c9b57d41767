/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OverlayFS mounts through the new mount API: fsopen("overlay"), one
 * fsconfig per option, fsmount.  Each lower layer goes in its own
 * "lowerdir+" call (kernel 6.8+), so the number of layers is not bounded by
 * the one-page limit of mount(2)'s option string; older kernels get one
 * "lowerdir" string with ':' and '\' escaped.  When the kernel refuses an
 * option the error names it, with the message the kernel left in the fs
 * context.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/mount_util.h"
#include "linux/rootfs_internal.h"
#include "util/cleanup.h"

/* The kernel's messages for the last failure ("e overlay: ..."), joined. */
static void kernel_log(int fsfd, char *buf, size_t cap)
{
    size_t off = 0;
    buf[0] = '\0';
    for (;;) {
        char line[512];
        ssize_t n = read(fsfd, line, sizeof(line) - 1);
        if (n <= 0)
            break;
        line[n] = '\0';
        while (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        const char *text = (n > 2 && line[1] == ' ') ? line + 2 : line;
        int w = snprintf(buf + off, cap - off, "%s%s", off ? "; " : "", text);
        if (w < 0 || (size_t)w >= cap - off)
            break;
        off += (size_t)w;
    }
}

static int fail(int fsfd, int e, const char *dest, const char *key, const char *value,
                veil_error **err)
{
    char log[1024];
    kernel_log(fsfd, log, sizeof(log));
    return veil_error_set(err, e, "overlay on %s: option %s%s%s%s%s%s", dest, key,
                          value ? "=" : "", value ? value : "", log[0] ? " (kernel: " : "", log,
                          log[0] ? ")" : "");
}

static int cfg(int fsfd, const char *key, const char *value, const char *shown, const char *dest,
               veil_error **err)
{
    unsigned cmd = value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG;
    if (syscall(SYS_fsconfig, fsfd, cmd, key, value, 0) < 0)
        return fail(fsfd, errno, dest, key, shown ? shown : value, err);
    return 0;
}

/* s with each character of `special` preceded by a backslash. */
static char *escape(const char *s, const char *special)
{
    char *out = malloc(2 * strlen(s) + 1), *p = out;
    if (out == NULL)
        return NULL;
    for (; *s; s++) {
        if (strchr(special, *s))
            *p++ = '\\';
        *p++ = *s;
    }
    *p = '\0';
    return out;
}

static int set_lower_joined(int fsfd, const veil_mount_step *m, veil_error **err)
{
    size_t len = 1;
    for (size_t i = 0; i < m->n_overlay_lower; i++)
        len += 2 * strlen(m->overlay_lower[i]) + 1;
    _cleanup_free_ char *joined = malloc(len);
    if (joined == NULL)
        return veil_error_set(err, ENOMEM, "overlay options");
    char *p = joined;
    for (size_t i = 0; i < m->n_overlay_lower; i++) {
        _cleanup_free_ char *e = escape(m->overlay_lower[i], ":\\");
        if (e == NULL)
            return veil_error_set(err, ENOMEM, "overlay options");
        p += sprintf(p, "%s%s", i ? ":" : "", e);
    }
    return cfg(fsfd, "lowerdir", joined, NULL, m->destination, err);
}

static int set_lower(int fsfd, const veil_mount_step *m, veil_error **err)
{
    for (size_t i = 0; i < m->n_overlay_lower; i++) {
        if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "lowerdir+", m->overlay_lower[i],
                    0) == 0)
            continue;
        int e = errno;
        if (i == 0 && e == EINVAL) {
            /* a kernel before 6.8 does not know lowerdir+ */
            char log[512];
            kernel_log(fsfd, log, sizeof(log));
            return set_lower_joined(fsfd, m, err);
        }
        char shown[64];
        snprintf(shown, sizeof(shown), "(layer %zu of %zu) ", i + 1, m->n_overlay_lower);
        _cleanup_free_ char *v = NULL;
        if (asprintf(&v, "%s%s", shown, m->overlay_lower[i]) < 0)
            return veil_error_set(err, ENOMEM, "overlay options");
        return fail(fsfd, e, m->destination, "lowerdir+", v, err);
    }
    return 0;
}

static int set_dir(int fsfd, const char *key, const char *path, const char *dest,
                   veil_error **err)
{
    /* upperdir and workdir are unescaped by the kernel */
    _cleanup_free_ char *e = escape(path, "\\");
    if (e == NULL)
        return veil_error_set(err, ENOMEM, "overlay options");
    return cfg(fsfd, key, e, path, dest, err);
}

/* The superblock flags of the options, as fs context flags. */
static int set_sb_flags(int fsfd, const veil_mount_step *m, veil_error **err)
{
    static const struct {
        unsigned long ms;
        const char *name;
    } sb[] = {{MS_RDONLY, "ro"},         {MS_SYNCHRONOUS, "sync"}, {MS_DIRSYNC, "dirsync"},
              {MS_LAZYTIME, "lazytime"}, {MS_SILENT, "silent"},    {MS_MANDLOCK, "mand"},
              {MS_I_VERSION, "iversion"}};
    for (size_t i = 0; i < sizeof(sb) / sizeof(sb[0]); i++)
        if ((m->flags & sb[i].ms) && cfg(fsfd, sb[i].name, NULL, NULL, m->destination, err) < 0)
            return -1;
    return 0;
}

int veil_overlay_prepare(const veil_mount_step *m, veil_error **err)
{
    const char *dest = m->destination;
    _cleanup_close_ int fsfd = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return veil_error_set(err, errno, "overlay on %s: fsopen", dest);
    if (set_lower(fsfd, m, err) < 0)
        return -1;
    if (m->overlay_upper && (set_dir(fsfd, "upperdir", m->overlay_upper, dest, err) < 0 ||
                             set_dir(fsfd, "workdir", m->overlay_work, dest, err) < 0))
        return -1;
    if (m->data && *m->data) {
        _cleanup_free_ char *data = strdup(m->data);
        if (data == NULL)
            return veil_error_set(err, ENOMEM, "overlay options");
        char *save = NULL;
        for (char *o = strtok_r(data, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(o, '=');
            if (eq)
                *eq = '\0';
            if (cfg(fsfd, o, eq ? eq + 1 : NULL, NULL, dest, err) < 0)
                return -1;
        }
    }
    if (set_sb_flags(fsfd, m, err) < 0)
        return -1;
    if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
        char log[1024];
        int e = errno;
        kernel_log(fsfd, log, sizeof(log));
        return veil_error_set(err, e, "overlay on %s: create the filesystem%s%s%s", dest,
                              log[0] ? " (kernel: " : "", log, log[0] ? ")" : "");
    }
    int mnt = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC,
                           (unsigned)veil_ms_to_attr(m->flags));
    if (mnt < 0)
        return veil_error_set(err, errno, "overlay on %s: fsmount", dest);
    return mnt;
}
