/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Built against musl, the veil binary links Debian's static libyajl and
 * libseccomp, which were compiled against glibc with _FORTIFY_SOURCE: they
 * call glibc's checked variants of four functions.  Everything else they
 * use is plain C with the same x86-64 ABI in both libcs.  These are those
 * four, with glibc's checks: a destination smaller than the write aborts.
 * Under glibc this file is empty (it is part of the veil binary only).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__GLIBC__)

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen);
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
    if (n > dstlen)
        abort();
    return memcpy(dst, src, n);
}

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
    (void)flag;
    if (maxlen > slen)
        abort();
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(s, maxlen, fmt, ap);
    va_end(ap);
    return r;
}

int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...)
{
    (void)flag;
    va_list ap;
    va_start(ap, fmt);
    /* slen is (size_t)-1 when the compiler did not know the size */
    size_t lim = slen > INT_MAX ? (size_t)INT_MAX : slen;
    int r = vsnprintf(s, lim, fmt, ap);
    va_end(ap);
    if (r >= 0 && (size_t)r >= lim)
        abort();
    return r;
}

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
    (void)flag;
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

#endif
