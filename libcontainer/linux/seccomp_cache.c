/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiled-filter cache: <state_root>/.cache/seccomp/<sha256 of the key>.
 *
 * An entry is a fixed header (magic, format, instruction count, the key it
 * answers, a checksum of the instructions) followed by the instructions.  It is
 * written to a temporary file and renamed into place, so readers see a whole
 * entry or none; a reader still verifies size, key and checksum, and anything
 * that does not verify is treated as a miss and rewritten.  A hit costs one
 * open and one read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "linux/seccomp_internal.h"
#include "util/cleanup.h"
#include "veil_version.h"

#define CACHE_DIR ".cache/seccomp"
/* Bump when the entry layout or the way plans are compiled changes. */
#define CACHE_FORMAT 1u
/* Bounds on the directory; eviction runs only when an entry is written. */
#define CACHE_MAX_ENTRIES 256
#define CACHE_KEEP_ENTRIES 192
#define TMP_STALE_SECONDS 600

static const char entry_magic[8] = {'V', 'E', 'I', 'L', 'S', 'C', 'M', 'P'};

struct entry_header {
    char magic[8];
    uint32_t format;
    uint32_t flags; /* reserved, 0 */
    uint32_t n_insns;
    uint32_t reserved; /* 0 */
    uint8_t key[VEIL_SHA256_LEN];
    uint64_t sum; /* payload_sum() of the instructions */
};
_Static_assert(sizeof(struct entry_header) == 64, "entry header layout");
_Static_assert(sizeof(struct entry_header) % _Alignof(struct sock_filter) == 0,
               "instructions follow the header aligned");

/* ---- the key ------------------------------------------------------------- */

static void put_u32(veil_sha256_ctx *s, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    veil_sha256_update(s, b, sizeof(b));
}

static void put_u64(veil_sha256_ctx *s, uint64_t v)
{
    put_u32(s, (uint32_t)v);
    put_u32(s, (uint32_t)(v >> 32));
}

/* With its NUL: C strings hold none, so no two sequences serialise alike. */
static void put_str(veil_sha256_ctx *s, const char *str)
{
    veil_sha256_update(s, str, strlen(str) + 1);
}

void veil_seccomp_cache_key(const veil_seccomp_plan *plan, const uint32_t *arches, size_t n_arches,
                            uint8_t key[VEIL_SHA256_LEN])
{
    /* Both are plain getters in libseccomp: no allocation, no system call. */
    const struct scmp_version *v = seccomp_version();
    veil_sha256_ctx s;
    veil_sha256_init(&s);
    put_str(&s, "veil seccomp cache");
    put_u32(&s, CACHE_FORMAT);
    put_str(&s, VEIL_VERSION);
    put_str(&s, VEIL_COMMIT);
    put_u32(&s, v->major);
    put_u32(&s, v->minor);
    put_u32(&s, v->micro);
    put_u32(&s, seccomp_arch_native());
    /* Only what shapes the BPF: flags and the listener are applied at load. */
    put_u32(&s, plan->default_action);
    put_u32(&s, (uint32_t)n_arches);
    for (size_t i = 0; i < n_arches; i++)
        put_u32(&s, arches[i]);
    put_u32(&s, (uint32_t)plan->n_rules);
    for (size_t i = 0; i < plan->n_rules; i++) {
        const veil_seccomp_rule *r = &plan->rules[i];
        put_u32(&s, r->action);
        put_u32(&s, (uint32_t)r->n_names);
        for (size_t j = 0; j < r->n_names; j++)
            put_str(&s, r->names[j]);
        put_u32(&s, (uint32_t)r->n_args);
        for (size_t k = 0; k < r->n_args; k++) {
            put_u32(&s, r->args[k].index);
            put_u32(&s, (uint32_t)r->args[k].op);
            put_u64(&s, r->args[k].value);
            put_u64(&s, r->args[k].value_two);
        }
    }
    veil_sha256_final(&s, key);
}

/* ---- reading ------------------------------------------------------------- */

/* Guards against damage, not against someone who can write the state root
 * (who could rewrite anything there): a word-wise multiply-xor hash, in which
 * a change to any single word always changes the result.  Cheap, because it
 * runs on every hit. */
static uint64_t payload_sum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t h = 0xcbf29ce484222325ull ^ len;
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ull;
    }
    for (; len > 0; p++, len--)
        h = (h ^ *p) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

int veil_seccomp_cache_load(const char *state_root, const char *hash, const uint8_t key[VEIL_SHA256_LEN],
                            veil_seccomp_prog *prog, const char **why)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s/" CACHE_DIR "/%s", state_root, hash) >= sizeof(path))
        return 0;
    /* NONBLOCK: nothing but a regular file may make us wait. */
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        *why = "cannot be opened";
        return -1;
    }
    /* One byte more than the largest entry, so that an oversized file shows. */
    size_t cap = sizeof(struct entry_header) + VEIL_BPF_MAXINSNS * sizeof(struct sock_filter) + 1;
    _cleanup_free_ uint8_t *buf = malloc(cap);
    if (buf == NULL) {
        *why = "out of memory";
        return -1;
    }
    ssize_t n = read(fd, buf, cap);
    if (n < 0) {
        *why = "cannot be read";
        return -1;
    }
    struct entry_header h;
    if ((size_t)n < sizeof(h)) {
        *why = "truncated header";
        return -1;
    }
    memcpy(&h, buf, sizeof(h));
    if (memcmp(h.magic, entry_magic, sizeof(h.magic)) != 0 || h.format != CACHE_FORMAT || h.flags != 0 ||
        h.reserved != 0) {
        *why = "not an entry of this format";
        return -1;
    }
    if (h.n_insns == 0 || h.n_insns > VEIL_BPF_MAXINSNS) {
        *why = "bad instruction count";
        return -1;
    }
    size_t payload = (size_t)h.n_insns * sizeof(struct sock_filter);
    if ((size_t)n != sizeof(h) + payload) {
        *why = (size_t)n < sizeof(h) + payload ? "truncated" : "longer than its header says";
        return -1;
    }
    if (memcmp(h.key, key, VEIL_SHA256_LEN) != 0) {
        *why = "written for another key";
        return -1;
    }
    if (payload_sum(buf + sizeof(h), payload) != h.sum) {
        *why = "checksum mismatch";
        return -1;
    }
    prog->insns = (struct sock_filter *)(buf + sizeof(h));
    prog->n_insns = h.n_insns;
    prog->mem = steal_pointer(&buf);
    return 1;
}

/* ---- writing ------------------------------------------------------------- */

static int ensure_dir(int parent, const char *name, const char *display, veil_error **err)
{
    if (mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
        return veil_error_set(err, errno, "mkdir %s", display);
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return veil_error_set(err, errno, "open %s", display);
    return fd;
}

static int open_cache_dir(const char *state_root, veil_error **err)
{
    _cleanup_close_ int root = open(state_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return veil_error_set(err, errno, "open %s", state_root);
    _cleanup_close_ int cache = ensure_dir(root, ".cache", ".cache", err);
    if (cache < 0)
        return -1;
    return ensure_dir(cache, "seccomp", CACHE_DIR, err);
}

static bool is_entry_name(const char *name)
{
    if (strlen(name) != VEIL_SHA256_HEX_LEN)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

struct aged_entry {
    struct timespec atime;
    char name[VEIL_SHA256_HEX_LEN + 1];
};

static int by_atime(const void *a, const void *b)
{
    const struct timespec *x = &((const struct aged_entry *)a)->atime;
    const struct timespec *y = &((const struct aged_entry *)b)->atime;
    if (x->tv_sec != y->tv_sec)
        return x->tv_sec < y->tv_sec ? -1 : 1;
    return x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec;
}

/* Keeps the directory bounded (least recently read entries go first) and
 * removes temporary files a crashed writer left.  Best effort. */
static void evict(int dirfd)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    _cleanup_closedir_ DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return;
    }
    _cleanup_free_ struct aged_entry *entries = NULL;
    size_t n = 0, cap = 0;
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (strncmp(de->d_name, ".tmp-", 5) == 0) {
            if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                st.st_mtime < now - TMP_STALE_SECONDS)
                unlinkat(dirfd, de->d_name, 0);
            continue;
        }
        if (!is_entry_name(de->d_name) || fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct aged_entry *e = realloc(entries, ncap * sizeof(*e));
            if (e == NULL)
                return;
            entries = e;
            cap = ncap;
        }
        entries[n].atime = st.st_atim;
        memcpy(entries[n].name, de->d_name, sizeof(entries[n].name));
        n++;
    }
    if (n <= CACHE_MAX_ENTRIES)
        return;
    qsort(entries, n, sizeof(*entries), by_atime);
    for (size_t i = 0; i < n - CACHE_KEEP_ENTRIES; i++)
        unlinkat(dirfd, entries[i].name, 0);
}

static int create_temp(int dirfd, const char *hash, char *name, size_t size, veil_error **err)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        uint32_t rnd;
        if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
            rnd = (uint32_t)clock() ^ (uint32_t)attempt << 24;
        snprintf(name, size, ".tmp-%.16s-%d-%08x", hash, (int)getpid(), rnd);
        int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return veil_error_set(err, errno, "create %s/%s", CACHE_DIR, name);
    }
    return veil_error_set(err, EEXIST, "create a temporary file in %s", CACHE_DIR);
}

static int write_all(int fd, const void *data, size_t len)
{
    for (const char *p = data; len > 0;) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int veil_seccomp_cache_store(const char *state_root, const char *hash, const uint8_t key[VEIL_SHA256_LEN],
                             const veil_seccomp_prog *prog, veil_error **err)
{
    _cleanup_close_ int dirfd = open_cache_dir(state_root, err);
    if (dirfd < 0)
        return -1;

    size_t payload = prog->n_insns * sizeof(struct sock_filter);
    _cleanup_free_ uint8_t *buf = malloc(sizeof(struct entry_header) + payload);
    if (buf == NULL)
        return veil_error_set(err, ENOMEM, "seccomp cache entry");
    struct entry_header h = {.format = CACHE_FORMAT, .n_insns = (uint32_t)prog->n_insns};
    memcpy(h.magic, entry_magic, sizeof(h.magic));
    memcpy(h.key, key, VEIL_SHA256_LEN);
    h.sum = payload_sum(prog->insns, payload);
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), prog->insns, payload);

    char tmp[96];
    _cleanup_close_ int fd = create_temp(dirfd, hash, tmp, sizeof(tmp), err);
    if (fd < 0)
        return -1;
    int r = write_all(fd, buf, sizeof(h) + payload);
    if (r == 0 && close(steal_fd(&fd)) < 0)
        r = -errno;
    if (r == 0 && renameat(dirfd, tmp, dirfd, hash) < 0)
        r = -errno;
    if (r < 0) {
        unlinkat(dirfd, tmp, 0);
        return veil_error_set(err, -r, "write %s/%s", CACHE_DIR, hash);
    }
    evict(dirfd);
    return 0;
}
