/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The musl build's memcpy (cmd/veil/musl_memcpy.c), linked as the veil
 * binary links it: every length from 0 to 2,100 at every alignment pair
 * modulo 16 against a byte loop, and memmove with the destination below
 * the source (musl's memmove calls it as __memcpy_fwd then), overlapping by
 * every distance.  Exit status 0 when all agree.
 */
#include <stdio.h>
#include <string.h>

static unsigned char src[4300], dst[4300], want[4300];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

int main(void)
{
    unsigned failures = 0;
    for (size_t n = 0; n <= 2100; n += (n < 80 ? 1 : 37)) {
        for (size_t so = 0; so < 16; so++) {
            for (size_t dof = 0; dof < 16; dof++) {
                fill(src, sizeof(src), (unsigned)(n + so));
                fill(dst, sizeof(dst), (unsigned)(n + dof + 7));
                memcpy(want, dst, sizeof(dst));
                for (size_t i = 0; i < n; i++)
                    want[dof + i] = src[so + i];
                void *r = memcpy(dst + dof, src + so, n);
                if (r != dst + dof || memcmp(dst, want, sizeof(dst)) != 0) {
                    if (failures++ < 5)
                        printf("not ok: memcpy n=%zu src+%zu dst+%zu\n", n, so, dof);
                }
            }
        }
        for (size_t dist = 1; dist <= 40 && dist <= n + 1; dist += (dist < 17 ? 1 : 7)) {
            fill(dst, sizeof(dst), (unsigned)(n + dist));
            memcpy(want, dst, sizeof(dst));
            for (size_t i = 0; i < n; i++)
                want[i + 3] = want[i + 3 + dist];
            memmove(dst + 3, dst + 3 + dist, n);
            if (memcmp(dst, want, sizeof(dst)) != 0 && failures++ < 5)
                printf("not ok: memmove n=%zu distance %zu\n", n, dist);
        }
    }
    if (failures)
        printf("%u mismatches\n", failures);
    else
        printf("ok: memcpy and forward memmove agree with a byte loop\n");
    return failures != 0;
}
