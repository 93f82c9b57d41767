/* SPDX-License-Identifier: Apache-2.0 */
/*
 * malloc for the musl build of the veil binary (empty under glibc).
 *
 * musl's mallocng gives every size class its own mmap'd groups and hands
 * memory back with munmap as soon as a group empties.  A `veil run` then
 * made ~35 mmap and ~20 munmap calls, and half of the ~115 page faults of
 * the runtime and container init before execve were mallocng touching a
 * fresh page (perf: alloc_slot, __libc_malloc_impl): ~0.2 ms of CPU per
 * container, for a process that lives a few milliseconds.
 *
 * This one packs blocks into arenas taken from mmap (never brk: musl's own
 * internal allocator may use it) and keeps freed blocks on one list per size
 * class for reuse, so a long-lived `veil run` or `veil events` stays bounded
 * by its peak.  Blocks above 64 KiB get a mapping of their own, unmapped on
 * free.  Every block has a 16-byte header with a state word: freeing a
 * pointer that is not a live block (a double free, a foreign pointer)
 * aborts instead of corrupting the lists.
 *
 * veil is single-threaded (no pthread_create anywhere) and calls nothing
 * from signal handlers, so there is no lock.  musl's internal users
 * (__libc_malloc: atexit, locale) keep their own allocator; no memory
 * crosses between the two.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if !defined(__GLIBC__)

#include <sys/mman.h>
#include <unistd.h>

#define ALIGN 16u
#define SMALL_MAX (64u * 1024u)
#define ARENA_MIN (128u * 1024u)
#define LIVE 0x4c494556u  /* "VEIL" */
#define FREED 0x45455246u /* "FREE" */
#define MAPPED 0x5050414du /* "MAPP": a block with its own mapping */
#define MOVED 0x4e47494cu  /* "LIGN": header of an aligned block, off = distance */

typedef struct header {
    uint32_t state;
    uint32_t cls;  /* size class (small), or 0 */
    uint64_t size; /* usable bytes (small, mapped), or offset (MOVED) */
} header;

_Static_assert(sizeof(header) == ALIGN, "header keeps 16-byte alignment");

/* classes: 16-byte steps up to 256, then four per power of two up to 64 KiB */
#define N_CLASSES (16 + 8 * 4)
static void *free_list[N_CLASSES];
static char *bump, *bump_end;

static unsigned class_of(size_t n)
{
    if (n <= 256)
        return n == 0 ? 0 : (unsigned)((n - 1) / 16);
    unsigned lg = 63u - (unsigned)__builtin_clzll((unsigned long long)(n - 1)); /* 8..15 */
    size_t base = (size_t)1 << lg;
    unsigned quarter = (unsigned)((n - 1 - base) / (base / 4));
    return 16 + (lg - 8) * 4 + quarter;
}

static size_t class_size(unsigned c)
{
    if (c < 16)
        return (size_t)(c + 1) * 16;
    unsigned lg = 8 + (c - 16) / 4, q = (c - 16) % 4;
    size_t base = (size_t)1 << lg;
    return base + (q + 1) * (base / 4);
}

static _Noreturn void heap_corrupt(void)
{
    static const char msg[] = "veil: free(): invalid or double-freed pointer\n";
    (void)!write(2, msg, sizeof(msg) - 1);
    __builtin_trap();
}

static void *map(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void *small_alloc(size_t n)
{
    unsigned c = class_of(n);
    header *h;
    if (free_list[c]) {
        h = (header *)free_list[c] - 1;
        free_list[c] = *(void **)free_list[c];
    } else {
        size_t need = sizeof(header) + class_size(c);
        if ((size_t)(bump_end - bump) < need) {
            size_t len = ARENA_MIN;
            char *a = map(len);
            if (a == NULL) {
                errno = ENOMEM;
                return NULL;
            }
            bump = a;
            bump_end = a + len;
        }
        h = (header *)bump;
        bump += need;
        h->cls = c;
        h->size = class_size(c);
    }
    h->state = LIVE;
    return h + 1;
}

static void *large_alloc(size_t n)
{
    size_t page = 4096;
    if (n > SIZE_MAX - sizeof(header) - page) {
        errno = ENOMEM;
        return NULL;
    }
    size_t len = (n + sizeof(header) + page - 1) & ~(page - 1);
    header *h = map(len);
    if (h == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    h->state = MAPPED;
    h->cls = 0;
    h->size = len - sizeof(header);
    return h + 1;
}

void *malloc(size_t n)
{
    return n <= SMALL_MAX ? small_alloc(n) : large_alloc(n);
}

/* The header of a live block; aborts on anything else. */
static header *live_header(void *p)
{
    header *h = (header *)p - 1;
    if (((uintptr_t)p & (ALIGN - 1)) != 0)
        heap_corrupt();
    if (h->state == MOVED) {
        h = (header *)((char *)p - h->size) - 1;
        if (((uintptr_t)h & (ALIGN - 1)) != 0)
            heap_corrupt();
    }
    if (h->state != LIVE && h->state != MAPPED)
        heap_corrupt();
    return h;
}

void free(void *p)
{
    if (p == NULL)
        return;
    header *h = live_header(p);
    if (h->state == MAPPED) {
        h->state = FREED;
        munmap(h, h->size + sizeof(header));
        return;
    }
    if (h->cls >= N_CLASSES)
        heap_corrupt();
    h->state = FREED;
    *(void **)(h + 1) = free_list[h->cls];
    free_list[h->cls] = h + 1;
}

size_t malloc_usable_size(void *p)
{
    if (p == NULL)
        return 0;
    header *h = live_header(p);
    return h->size - (size_t)((char *)p - (char *)(h + 1));
}

void *calloc(size_t m, size_t n)
{
    if (n && m > SIZE_MAX / n) {
        errno = ENOMEM;
        return NULL;
    }
    size_t len = m * n;
    if (len > SMALL_MAX)
        return large_alloc(len); /* a fresh mapping is zero already */
    /* small_alloc, not malloc: gcc turns malloc + memset into a call to
     * calloc, which would be this function */
    void *p = small_alloc(len);
    if (p)
        memset(p, 0, len);
    return p;
}

void *realloc(void *p, size_t n)
{
    if (p == NULL)
        return malloc(n);
    size_t have = malloc_usable_size(p);
    if (n <= have && ((header *)p - 1)->state != MOVED)
        return p;
    void *q = malloc(n);
    if (q == NULL)
        return NULL;
    memcpy(q, p, have < n ? have : n);
    free(p);
    return q;
}

void *aligned_alloc(size_t align, size_t n)
{
    if (align == 0 || (align & (align - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    if (align <= ALIGN)
        return malloc(n);
    if (n > SIZE_MAX - align - sizeof(header)) {
        errno = ENOMEM;
        return NULL;
    }
    char *raw = malloc(n + align + sizeof(header));
    if (raw == NULL)
        return NULL;
    uintptr_t at = ((uintptr_t)raw + sizeof(header) + align - 1) & ~(uintptr_t)(align - 1);
    header *h = (header *)at - 1;
    h->state = MOVED;
    h->cls = 0;
    h->size = at - (uintptr_t)raw;
    return (void *)at;
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *))
        return EINVAL;
    int saved = errno;
    void *p = aligned_alloc(align, n);
    int e = errno;
    errno = saved;
    if (p == NULL)
        return e;
    *out = p;
    return 0;
}

void *memalign(size_t align, size_t n)
{
    return aligned_alloc(align, n);
}

#endif
