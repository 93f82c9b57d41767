/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veil_seccomp_prepare without loading anything: compilation, the compiled-
 * filter cache (hits, damaged entries, concurrent writers, an unwritable
 * root), flags against the running kernel, the listener's state document.
 * Needs no privileges.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/seccomp.h"
#include "plan/internal.h"
#include "spec/json.h"
#include "tests/support/seccomp_spec.h"
#include "tests/support/run_suite.h"

/* ---- helpers -------------------------------------------------------------- */

static char logbuf[1 << 16];

static void capture(void *data, veil_log_level level, const char *msg)
{
    (void)data;
    (void)level;
    size_t used = strlen(logbuf);
    snprintf(logbuf + used, sizeof(logbuf) - used, "%s\n", msg);
}

static char root[] = "/tmp/veil-seccomp-test-XXXXXX";

static void setup(void)
{
    strcpy(root, "/tmp/veil-seccomp-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    logbuf[0] = '\0';
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
}

static veil_context ctx_for(const char *state_root)
{
    return (veil_context){.state_root = state_root, .log = capture, .debug = true};
}

static veil_seccomp_plan *plan_of(const char *json)
{
    veil_error *err = NULL;
    veil_spec_seccomp *sc = test_seccomp_from_json(json, &err);
    ck_assert_msg(sc != NULL, "%s", err ? err->msg : "?");
    veil_seccomp_plan *p = NULL;
    ck_assert_msg(veil_plan_seccomp(sc, &p, &err) == 0, "%s", err ? err->msg : "?");
    test_seccomp_free(sc);
    return p;
}

static veil_seccomp_prog *prepare(const veil_context *ctx, const veil_seccomp_plan *plan)
{
    veil_error *err = NULL;
    veil_seccomp_prog *prog = NULL;
    int r = veil_seccomp_prepare(ctx, plan, &prog, &err);
    ck_assert_msg(r == 0, "prepare: %s", err ? err->msg : "?");
    ck_assert_ptr_nonnull(prog);
    return prog;
}

static bool same_program(const veil_seccomp_prog *a, const veil_seccomp_prog *b)
{
    size_t na, nb;
    const struct sock_filter *ia = veil_seccomp_prog_insns(a, &na);
    const struct sock_filter *ib = veil_seccomp_prog_insns(b, &nb);
    return na == nb && memcmp(ia, ib, na * sizeof(*ia)) == 0;
}

static void entry_path(const veil_seccomp_prog *prog, char *buf, size_t size)
{
    snprintf(buf, size, "%s/.cache/seccomp/%s", root, veil_seccomp_prog_hash(prog));
}

__attribute__((format(printf, 1, 2))) static bool logged(const char *fmt, ...)
{
    char want[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    return strstr(logbuf, want) != NULL;
}

static const char *const profile =
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
    "\"syscalls\":[{\"names\":[\"getcwd\",\"no_such_syscall\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\","
    "\"args\":[{\"index\":0,\"value\":4660,\"op\":\"SCMP_CMP_EQ\"}]}]}";

/* ---- compilation and hits ----------------------------------------------- */

START_TEST(test_compile_then_hit)
{
    veil_context ctx = ctx_for(root);
    veil_seccomp_plan *plan = plan_of(profile);
    veil_seccomp_prog *first = prepare(&ctx, plan);
    const char *hash = veil_seccomp_prog_hash(first);
    ck_assert_uint_eq(strlen(hash), 64);
    ck_assert(!veil_seccomp_prog_from_cache(first));
    ck_assert_msg(logged("seccomp: compiled 2 syscalls, cached %s", hash), "%s", logbuf);
    ck_assert_msg(logged("seccomp: unknown syscall %s skipped (linux.seccomp.syscalls[0])", "no_such_syscall"),
                  "%s", logbuf);

    char path[512];
    entry_path(first, path, sizeof(path));
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    size_t n;
    veil_seccomp_prog_insns(first, &n);
    ck_assert_uint_eq((size_t)st.st_size, 64 + n * sizeof(struct sock_filter));
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/.cache/seccomp", root);
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0700);

    logbuf[0] = '\0';
    veil_seccomp_prog *second = prepare(&ctx, plan);
    ck_assert(veil_seccomp_prog_from_cache(second));
    ck_assert_msg(logged("seccomp: cache hit %s", hash), "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "compiled") == NULL, "%s", logbuf);
    ck_assert(same_program(first, second));
    ck_assert_str_eq(veil_seccomp_prog_hash(second), hash);

    /* No state root: compiled every time, same program. */
    veil_context nocache = ctx_for(NULL);
    logbuf[0] = '\0';
    veil_seccomp_prog *third = prepare(&nocache, plan);
    ck_assert(!veil_seccomp_prog_from_cache(third));
    ck_assert(same_program(first, third));
    ck_assert_msg(strstr(logbuf, "not cached (no state root)") != NULL, "%s", logbuf);

    veil_seccomp_prog_free(first);
    veil_seccomp_prog_free(second);
    veil_seccomp_prog_free(third);
    veil_seccomp_plan_free(plan);
}
END_TEST

START_TEST(test_key)
{
    veil_context ctx = ctx_for(NULL);
    const char *a = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
                    "\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
    /* same rules and architecture set, other order, other listener and flags */
    const char *b = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X32\",\"SCMP_ARCH_X86\"],"
                    "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"listenerPath\":\"/elsewhere\","
                    "\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
    const char *c = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
                    "\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":2}]}";
    const char *d = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\"],"
                    "\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
    const char *profiles[] = {a, b, c, d};
    veil_seccomp_prog *progs[4];
    for (int i = 0; i < 4; i++) {
        veil_seccomp_plan *p = plan_of(profiles[i]);
        progs[i] = prepare(&ctx, p);
        veil_seccomp_plan_free(p);
    }
    ck_assert_str_eq(veil_seccomp_prog_hash(progs[0]), veil_seccomp_prog_hash(progs[1]));
    ck_assert(same_program(progs[0], progs[1]));
    ck_assert_str_ne(veil_seccomp_prog_hash(progs[0]), veil_seccomp_prog_hash(progs[2]));
    ck_assert(!same_program(progs[0], progs[2]));
    ck_assert_str_ne(veil_seccomp_prog_hash(progs[0]), veil_seccomp_prog_hash(progs[3]));
    for (int i = 0; i < 4; i++)
        veil_seccomp_prog_free(progs[i]);
}
END_TEST

/* ---- damaged entries ------------------------------------------------------ */

static void write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static size_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    ssize_t n = read(fd, buf, size);
    ck_assert_int_gt(n, 0);
    close(fd);
    return (size_t)n;
}

/* Damages the entry with `damage`, then expects: the reason logged, a
 * recompilation, an entry that verifies again, and the same program. */
static void check_recovery(void (*damage)(const char *path, char *good, size_t len), const char *reason)
{
    veil_context ctx = ctx_for(root);
    veil_seccomp_plan *plan = plan_of(profile);
    veil_seccomp_prog *ref = prepare(&ctx, plan);
    char path[512];
    entry_path(ref, path, sizeof(path));
    static char good[1 << 16];
    size_t len = read_file(path, good, sizeof(good));

    damage(path, good, len);
    logbuf[0] = '\0';
    veil_seccomp_prog *again = prepare(&ctx, plan);
    const char *hash = veil_seccomp_prog_hash(ref);
    char want[256];
    snprintf(want, sizeof(want), "seccomp: cache entry %s unusable (%s), recompiling", hash, reason);
    ck_assert_msg(strstr(logbuf, want) != NULL, "want \"%s\" in:\n%s", want, logbuf);
    ck_assert_msg(logged("seccomp: compiled 2 syscalls, cached %s", hash), "%s", logbuf);
    ck_assert(!veil_seccomp_prog_from_cache(again));
    ck_assert(same_program(ref, again));

    /* rewritten: byte-for-byte the good entry, and a hit */
    static char now[1 << 16];
    ck_assert_uint_eq(read_file(path, now, sizeof(now)), len);
    ck_assert(memcmp(now, good, len) == 0);
    logbuf[0] = '\0';
    veil_seccomp_prog *hit = prepare(&ctx, plan);
    ck_assert(veil_seccomp_prog_from_cache(hit));
    ck_assert(same_program(ref, hit));

    veil_seccomp_prog_free(ref);
    veil_seccomp_prog_free(again);
    veil_seccomp_prog_free(hit);
    veil_seccomp_plan_free(plan);
}

static void truncate_header(const char *path, char *good, size_t len)
{
    (void)len;
    write_file(path, good, 40);
}
static void truncate_payload(const char *path, char *good, size_t len)
{
    write_file(path, good, len - 8);
}
static void make_empty(const char *path, char *good, size_t len)
{
    (void)good;
    (void)len;
    write_file(path, "", 0);
}
static void append_byte(const char *path, char *good, size_t len)
{
    good[len] = 'x';
    write_file(path, good, len + 1);
}
static void flip_payload(const char *path, char *good, size_t len)
{
    static char bad[1 << 16];
    memcpy(bad, good, len);
    bad[len - 3] ^= 0x01;
    write_file(path, bad, len);
}
static void flip_magic(const char *path, char *good, size_t len)
{
    static char bad[1 << 16];
    memcpy(bad, good, len);
    bad[0] = 'X';
    write_file(path, bad, len);
}
static void flip_count(const char *path, char *good, size_t len)
{
    static char bad[1 << 16];
    memcpy(bad, good, len);
    bad[19] = 0x7f; /* n_insns beyond the kernel's limit */
    write_file(path, bad, len);
}
static void flip_key(const char *path, char *good, size_t len)
{
    static char bad[1 << 16];
    memcpy(bad, good, len);
    bad[30] ^= 0x80;
    write_file(path, bad, len);
}
static void make_symlink(const char *path, char *good, size_t len)
{
    (void)good;
    (void)len;
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(symlink("/etc/hostname", path), 0);
}

START_TEST(test_truncated_header)
{
    check_recovery(truncate_header, "truncated header");
}
END_TEST
START_TEST(test_truncated_payload)
{
    check_recovery(truncate_payload, "truncated");
}
END_TEST
START_TEST(test_empty_entry)
{
    check_recovery(make_empty, "truncated header");
}
END_TEST
START_TEST(test_oversized_entry)
{
    check_recovery(append_byte, "longer than its header says");
}
END_TEST
START_TEST(test_corrupt_payload)
{
    check_recovery(flip_payload, "checksum mismatch");
}
END_TEST
START_TEST(test_corrupt_magic)
{
    check_recovery(flip_magic, "not an entry of this format");
}
END_TEST
START_TEST(test_corrupt_count)
{
    check_recovery(flip_count, "bad instruction count");
}
END_TEST
START_TEST(test_foreign_key)
{
    check_recovery(flip_key, "written for another key");
}
END_TEST
START_TEST(test_symlinked_entry)
{
    check_recovery(make_symlink, "cannot be opened");
}
END_TEST

/* ---- concurrency ---------------------------------------------------------- */

static int count_files(const char *dir, const char *prefix)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -c '^%s' || true", dir, prefix);
    FILE *f = popen(cmd, "r");
    int n = -1;
    ck_assert_int_eq(fscanf(f, "%d", &n), 1);
    pclose(f);
    return n;
}

/* Writers racing on one entry (and readers seeing it half-way) never get or
 * leave a bad program. */
START_TEST(test_concurrent_writers)
{
    veil_seccomp_plan *plan = plan_of(profile);
    veil_context quiet = {.state_root = root};
    veil_seccomp_prog *ref = prepare(&quiet, plan);
    char path[512];
    entry_path(ref, path, sizeof(path));
    enum { WORKERS = 8, ROUNDS = 15 };
    for (int round = 0; round < ROUNDS; round++) {
        unlink(path);
        int go[2];
        ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
        pid_t pids[WORKERS];
        for (int w = 0; w < WORKERS; w++) {
            pids[w] = fork();
            ck_assert_int_ge(pids[w], 0);
            if (pids[w] == 0) {
                close(go[1]);
                char c;
                if (read(go[0], &c, 1) != 0) /* released when the parent closes */
                    _exit(3);
                for (int k = 0; k < 3; k++) {
                    veil_seccomp_prog *p = NULL;
                    if (veil_seccomp_prepare(&quiet, plan, &p, NULL) < 0)
                        _exit(1);
                    bool ok = same_program(ref, p);
                    veil_seccomp_prog_free(p);
                    if (!ok)
                        _exit(2);
                }
                _exit(0);
            }
        }
        close(go[0]);
        close(go[1]);
        for (int w = 0; w < WORKERS; w++) {
            int status;
            ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "round %d worker %d: status %#x",
                          round, w, status);
        }
        veil_context ctx = ctx_for(root);
        logbuf[0] = '\0';
        veil_seccomp_prog *after = prepare(&ctx, plan);
        ck_assert_msg(veil_seccomp_prog_from_cache(after), "round %d: %s", round, logbuf);
        ck_assert(same_program(ref, after));
        veil_seccomp_prog_free(after);
    }
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/.cache/seccomp", root);
    ck_assert_int_eq(count_files(dir, ".tmp-"), 0);
    ck_assert_int_eq(count_files(dir, "[0-9a-f]"), 1);
    veil_seccomp_prog_free(ref);
    veil_seccomp_plan_free(plan);
}
END_TEST

/* ---- a cache that cannot be written ------------------------------------- */

START_TEST(test_unwritable_root)
{
    veil_seccomp_plan *plan = plan_of(profile);
    /* state root is a file */
    char file[512];
    snprintf(file, sizeof(file), "%s/plainfile", root);
    write_file(file, "x", 1);
    veil_context ctx = ctx_for(file);
    veil_seccomp_prog *p = prepare(&ctx, plan);
    ck_assert(!veil_seccomp_prog_from_cache(p));
    ck_assert_msg(strstr(logbuf, "seccomp: compiled 2 syscalls, not cached: open ") != NULL, "%s", logbuf);
    veil_seccomp_prog_free(p);

    /* .cache is a file */
    write_file(strcat(strcpy(file, root), "/.cache"), "x", 1);
    ctx = ctx_for(root);
    logbuf[0] = '\0';
    p = prepare(&ctx, plan);
    ck_assert_msg(strstr(logbuf, "not cached: open .cache: Not a directory") != NULL, "%s", logbuf);
    veil_seccomp_prog_free(p);

    /* missing root */
    ctx = ctx_for("/nonexistent/veil-root");
    logbuf[0] = '\0';
    p = prepare(&ctx, plan);
    ck_assert_msg(strstr(logbuf, "not cached: open /nonexistent/veil-root: No such file or directory") != NULL,
                  "%s", logbuf);
    veil_seccomp_prog_free(p);
    veil_seccomp_plan_free(plan);
}
END_TEST

/* ---- flags, arches, errors ------------------------------------------------ */

START_TEST(test_flags_for_the_kernel)
{
    veil_context ctx = ctx_for(NULL);
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":["
                                   "\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\","
                                   "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}");
    veil_seccomp_prog *prog = prepare(&ctx, p);
    /* TSYNC: single-threaded at load; WAIT_KILLABLE_RECV: no listener */
    ck_assert_uint_eq(veil_seccomp_prog_flags(prog), SECCOMP_FILTER_FLAG_LOG);
    ck_assert_msg(strstr(logbuf, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored") != NULL, "%s", logbuf);
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(p);

    p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"); /* implicit SPEC_ALLOW */
    prog = prepare(&ctx, p);
    unsigned want = veil_seccomp_flag_supported("SECCOMP_FILTER_FLAG_SPEC_ALLOW") ? SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0;
    ck_assert_uint_eq(veil_seccomp_prog_flags(prog), want);
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(p);

    p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\",\"flags\":["
                "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
                "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
    prog = prepare(&ctx, p);
    ck_assert(veil_seccomp_prog_uses_notify(prog));
    if (veil_seccomp_flag_supported("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
        ck_assert_uint_eq(veil_seccomp_prog_flags(prog),
                          SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER);
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(p);

    ck_assert(veil_seccomp_flag_supported("SECCOMP_FILTER_FLAG_LOG"));
    ck_assert(veil_seccomp_flag_supported("SECCOMP_FILTER_FLAG_TSYNC"));
    ck_assert(!veil_seccomp_flag_supported("SECCOMP_FILTER_FLAG_NOPE"));
    ck_assert(veil_seccomp_notify_supported());
}
END_TEST

START_TEST(test_missing_on_arch_logged)
{
    veil_context ctx = ctx_for(NULL);
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
                                   "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
                                   "\"syscalls\":[{\"names\":[\"socketcall\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
    veil_seccomp_prog *prog = prepare(&ctx, p);
    ck_assert_msg(strstr(logbuf, "seccomp: syscall socketcall does not exist on SCMP_ARCH_X86_64, skipped there"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "compiled 1 syscalls") != NULL, "%s", logbuf);
    veil_seccomp_prog_free(prog);
    veil_seccomp_plan_free(p);
}
END_TEST

START_TEST(test_state_json)
{
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\","
                                   "\"listenerMetadata\":\"MKNOD=/dev/null\","
                                   "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
    veil_kv ann[] = {{"com.example.key", "v\"1"}};
    veil_kv_list annotations = {ann, 1};
    veil_seccomp_state st = {
        .id = "ctr1", .status = "creating", .pid = 4242, .bundle = "/b", .annotations = &annotations};
    veil_error *err = NULL;
    char *json = veil_seccomp_state_json(p, &st, &err);
    ck_assert_msg(json != NULL, "%s", err ? err->msg : "?");
    vj_node *doc = vj_parse(json, strlen(json), &vj_default_limits, &err);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(vj_get(doc, "ociVersion")->u.string.ptr, "1.3.0");
    const vj_node *fds = vj_get(doc, "fds");
    ck_assert_uint_eq(fds->u.array.len, 1);
    ck_assert_str_eq(fds->u.array.items[0]->u.string.ptr, "seccompFd");
    int64_t pid;
    ck_assert(vj_number_i64(vj_get(doc, "pid"), &pid) && pid == 4242);
    ck_assert_str_eq(vj_get(doc, "metadata")->u.string.ptr, "MKNOD=/dev/null");
    const vj_node *state = vj_get(doc, "state");
    ck_assert_str_eq(vj_get(state, "ociVersion")->u.string.ptr, "1.3.0");
    ck_assert_str_eq(vj_get(state, "id")->u.string.ptr, "ctr1");
    ck_assert_str_eq(vj_get(state, "status")->u.string.ptr, "creating");
    ck_assert(vj_number_i64(vj_get(state, "pid"), &pid) && pid == 4242);
    ck_assert_str_eq(vj_get(state, "bundle")->u.string.ptr, "/b");
    ck_assert_str_eq(vj_get(vj_get(state, "annotations"), "com.example.key")->u.string.ptr, "v\"1");
    vj_free(doc);
    free(json);

    /* no metadata, no annotations: the fields are left out */
    free(p->listener_metadata);
    p->listener_metadata = NULL;
    st.annotations = NULL;
    json = veil_seccomp_state_json(p, &st, NULL);
    ck_assert_ptr_null(strstr(json, "metadata"));
    ck_assert_ptr_null(strstr(json, "annotations"));
    free(json);
    veil_seccomp_plan_free(p);
}
END_TEST

START_TEST(test_connect_listener_errors)
{
    veil_seccomp_plan plan = {.listener_path = (char *)"/nonexistent/agent.sock"};
    veil_error *err = NULL;
    ck_assert_int_lt(veil_seccomp_connect_listener(&plan, &err), 0);
    ck_assert_str_eq(err->msg, "seccomp: connect to listenerPath /nonexistent/agent.sock: No such file or "
                               "directory");
    veil_error_free(err);
    err = NULL;
    plan.listener_path = NULL;
    ck_assert_int_lt(veil_seccomp_connect_listener(&plan, &err), 0);
    veil_error_free(err);
}
END_TEST

static Suite *seccomp_prepare_suite(void)
{
    Suite *s = suite_create("seccomp_prepare");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_compile_then_hit);
    tcase_add_test(tc, test_key);
    tcase_add_test(tc, test_truncated_header);
    tcase_add_test(tc, test_truncated_payload);
    tcase_add_test(tc, test_empty_entry);
    tcase_add_test(tc, test_oversized_entry);
    tcase_add_test(tc, test_corrupt_payload);
    tcase_add_test(tc, test_corrupt_magic);
    tcase_add_test(tc, test_corrupt_count);
    tcase_add_test(tc, test_foreign_key);
    tcase_add_test(tc, test_symlinked_entry);
    tcase_add_test(tc, test_concurrent_writers);
    tcase_add_test(tc, test_unwritable_root);
    tcase_add_test(tc, test_flags_for_the_kernel);
    tcase_add_test(tc, test_missing_on_arch_logged);
    tcase_add_test(tc, test_state_json);
    tcase_add_test(tc, test_connect_listener_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(seccomp_prepare_suite());
}
