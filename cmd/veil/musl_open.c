/* SPDX-License-Identifier: Apache-2.0 */
/*
 * open for the musl build of the veil binary (empty under glibc).
 *
 * musl's open follows every O_CLOEXEC open with fcntl(F_SETFD, FD_CLOEXEC),
 * for kernels older than 2.6.23 that ignored the flag.  veil opens every fd
 * O_CLOEXEC, so that was a second system call for each of the ~35 opens of
 * a `veil run`.  This open is openat(AT_FDCWD), which is what glibc's is;
 * the kernels veil needs (clone3, openat2) all honour O_CLOEXEC.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>

#if !defined(__GLIBC__)

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return openat(AT_FDCWD, path, flags, mode);
}

#endif
