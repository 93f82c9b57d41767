/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The musl build's allocator (cmd/veil/musl_malloc.c), linked as the veil
 * binary links it.  Checks: the allocator in use is that one (a block has
 * the usable size of its size class, where mallocng's is the request); every
 * block is 16-byte aligned, usable for its full size and disjoint from all
 * other live blocks (a pseudo-random run of malloc/calloc/realloc/free with
 * a fill pattern per block, checked before each free and realloc); calloc
 * zeroes recycled memory; realloc keeps contents across size classes and
 * into and out of blocks with their own mapping; aligned_alloc and
 * posix_memalign honour the alignment and free cleanly; and a double free
 * or a free of a pointer into the middle of a block stops the process.
 * Exit status 0 when all hold.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned failures;
/* sizes and offsets the compiler cannot see through */
static volatile size_t huge = SIZE_MAX - 8, half = SIZE_MAX / 2, inside = 32;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond) && failures++ < 10) {                                      \
            printf("not ok: " __VA_ARGS__);                                    \
            printf("\n");                                                      \
        }                                                                      \
    } while (0)

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static size_t random_size(void)
{
    switch (next() % 8) {
    case 0:
        return 0;
    case 1:
    case 2:
    case 3:
        return next() % 64;
    case 4:
    case 5:
        return next() % 1024;
    case 6:
        return next() % 70000;
    default:
        return next() % 300000;
    }
}

typedef struct block {
    unsigned char *p;
    size_t n;
    unsigned char tag;
} block;

static void fill(block *b)
{
    memset(b->p, b->tag, b->n);
}

static int intact(const block *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->p[i] != b->tag)
            return 0;
    return 1;
}

/* Runs fn in a child; 1 when the child was stopped by a signal. */
static int dies(void (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 2);
        fn();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status);
}

static void double_free(void)
{
    char *p = malloc(40);
    free(p);
    free(p);
}

static void interior_free(void)
{
    char *p = malloc(400);
    free(p + inside);
}

static void double_free_large(void)
{
    char *p = malloc(200000);
    char *q = malloc(200000); /* keeps the first mapping's address from reuse */
    free(p);
    free(q);
    free(q);
}

static void random_run(void)
{
    enum { SLOTS = 512 };
    static block live[SLOTS];
    for (unsigned step = 0; step < 200000; step++) {
        block *b = &live[next() % SLOTS];
        unsigned op = (unsigned)(next() % 4);
        if (b->p) {
            CHECK(intact(b), "block of %zu bytes changed while live (step %u)", b->n, step);
            if (op == 0) {
                size_t n = random_size();
                unsigned char *q = realloc(b->p, n);
                CHECK(q != NULL || n == 0, "realloc to %zu failed", n);
                if (q) {
                    size_t keep = n < b->n ? n : b->n;
                    for (size_t i = 0; i < keep; i++)
                        if (q[i] != b->tag) {
                            CHECK(0, "realloc %zu -> %zu lost byte %zu", b->n, n, i);
                            break;
                        }
                    b->p = q;
                    b->n = n;
                    fill(b);
                }
                continue;
            }
            free(b->p);
            b->p = NULL;
            continue;
        }
        b->n = random_size();
        b->tag = (unsigned char)(step * 37 + 1);
        if (op == 1) {
            b->p = calloc(1, b->n);
            for (size_t i = 0; b->p && i < b->n; i++)
                if (b->p[i] != 0) {
                    CHECK(0, "calloc(%zu) not zero at %zu", b->n, i);
                    break;
                }
        } else {
            b->p = malloc(b->n);
        }
        CHECK(b->p != NULL, "malloc(%zu) failed", b->n);
        if (b->p == NULL)
            continue;
        CHECK(((uintptr_t)b->p & 15) == 0, "block of %zu bytes not 16-byte aligned", b->n);
        CHECK(malloc_usable_size(b->p) >= b->n, "usable size below request %zu", b->n);
        fill(b);
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        if (live[i].p)
            CHECK(intact(&live[i]), "block of %zu bytes changed at the end", live[i].n);
        free(live[i].p);
        live[i].p = NULL;
    }
}

static void aligned(void)
{
    for (size_t align = 16; align <= 65536; align *= 2) {
        for (size_t n = 1; n < 200000; n = n * 3 + 5) {
            unsigned char *p = aligned_alloc(align, n);
            CHECK(p && ((uintptr_t)p % align) == 0, "aligned_alloc(%zu, %zu)", align, n);
            if (p == NULL)
                continue;
            memset(p, 0x5a, n);
            CHECK(malloc_usable_size(p) >= n, "aligned block usable size");
            p = realloc(p, n + 100);
            CHECK(p && p[n - 1] == 0x5a, "realloc of an aligned block lost its bytes");
            free(p);
        }
        void *q = NULL;
        CHECK(posix_memalign(&q, align, 100) == 0 && ((uintptr_t)q % align) == 0,
              "posix_memalign(%zu)", align);
        free(q);
    }
    void *q = NULL;
    CHECK(posix_memalign(&q, 3, 10) == EINVAL, "posix_memalign accepts alignment 3");
    errno = 0;
    CHECK(aligned_alloc(24, 10) == NULL && errno == EINVAL, "aligned_alloc accepts 24");
}

int main(void)
{
    void *probe = malloc(100);
    CHECK(malloc_usable_size(probe) == 112, "malloc is not veil's (usable size %zu, not 112)",
          malloc_usable_size(probe));
    free(probe);
    CHECK(dies(double_free), "a double free of a small block went unnoticed");
    CHECK(dies(interior_free), "freeing a pointer inside a block went unnoticed");
    CHECK(dies(double_free_large), "a double free of a mapped block went unnoticed");
    random_run();
    aligned();
    errno = 0;
    CHECK(malloc(huge) == NULL && errno == ENOMEM, "a huge malloc did not fail");
    CHECK(calloc(half, 4) == NULL && errno == ENOMEM, "calloc overflow not caught");
    free(NULL);
    if (failures) {
        printf("%u failures\n", failures);
        return 1;
    }
    printf("ok: allocator blocks are aligned, disjoint, intact; bad frees stop the process\n");
    return 0;
}
