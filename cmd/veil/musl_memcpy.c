/* SPDX-License-Identifier: Apache-2.0 */
/*
 * memcpy for the musl build of the veil binary (empty under glibc).
 *
 * musl's x86-64 memcpy is `rep movsq` plus byte loops: 29 ns for a copy of
 * a few bytes on our VM, against 2.3 ns for glibc's.  veil makes thousands
 * of such copies per command (strdup, printf's internal writes, yajl's
 * buffers): `list` of 1,000 containers spent 6 ms in it.  This one does
 * short copies with overlapping word loads and stores, and long ones with
 * `rep movsb`.  It also serves as musl's __memcpy_fwd, which memmove calls
 * when the destination lies below the source: every path loads a chunk
 * before storing it and goes forward, so that stays correct (no `restrict`,
 * so the compiler keeps that order).
 */
#include <stddef.h>
#include <stdint.h>

#if !defined(__GLIBC__) && defined(__x86_64__)

static inline uint64_t ld8(const unsigned char *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

static inline void st8(unsigned char *p, uint64_t v)
{
    __builtin_memcpy(p, &v, 8);
}

static inline uint32_t ld4(const unsigned char *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static inline void st4(unsigned char *p, uint32_t v)
{
    __builtin_memcpy(p, &v, 4);
}

void *__memcpy_fwd(void *dst, const void *src, size_t n);
void *memcpy(void *dst, const void *src, size_t n) __attribute__((alias("__memcpy_fwd")));

/* the loops must not be turned back into calls to memcpy */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *__memcpy_fwd(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (n <= 16) {
        if (n >= 8) {
            uint64_t a = ld8(s), b = ld8(s + n - 8);
            st8(d, a);
            st8(d + n - 8, b);
        } else if (n >= 4) {
            uint32_t a = ld4(s), b = ld4(s + n - 4);
            st4(d, a);
            st4(d + n - 4, b);
        } else if (n) {
            unsigned char a = s[0], b = s[n / 2], c = s[n - 1];
            d[0] = a;
            d[n / 2] = b;
            d[n - 1] = c;
        }
        return dst;
    }
    if (n <= 32) {
        uint64_t a = ld8(s), b = ld8(s + 8), c = ld8(s + n - 16), e = ld8(s + n - 8);
        st8(d, a);
        st8(d + 8, b);
        st8(d + n - 16, c);
        st8(d + n - 8, e);
        return dst;
    }
    if (n < 512) {
        /* the last 16 bytes first: the loop may overwrite them (memmove) */
        uint64_t t0 = ld8(s + n - 16), t1 = ld8(s + n - 8);
        size_t i = 0;
        for (; i + 16 <= n - 16; i += 16) {
            uint64_t a = ld8(s + i), b = ld8(s + i + 8);
            st8(d + i, a);
            st8(d + i + 8, b);
        }
        for (; i < n - 16; i++)
            d[i] = s[i];
        st8(d + n - 16, t0);
        st8(d + n - 8, t1);
        return dst;
    }
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

#endif
