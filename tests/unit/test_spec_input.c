/* SPDX-License-Identifier: Apache-2.0 */
/* config.json as input: ociVersion, whole-document errors and hostile
 * documents (huge, deep, truncated, invalid UTF-8, NUL bytes). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <veil/spec.h>

#include "tests/support/run_suite.h"

#define VALID_DIR VEIL_TEST_DATA "/spec/valid"

/* Parses `json` as "config.json" and returns the error text (caller frees). */
static char *parse_error(const char *json, size_t len)
{
    veil_error *err = NULL;
    veil_spec *s = veil_spec_parse(json, len, "config.json", &err);
    ck_assert_msg(s == NULL, "accepted: %.200s", json);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_ne(err->errnum, 0);
    char *msg = strdup(err->msg);
    veil_error_free(err);
    return msg;
}

static void assert_error(const char *json, const char *expected)
{
    char *msg = parse_error(json, strlen(json));
    ck_assert_str_eq(msg, expected);
    free(msg);
}

/* ---- versions -------------------------------------------------------- */

static veil_spec *parse_version(const char *v, veil_error **err)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "{\"ociVersion\": \"%s\"}", v);
    return veil_spec_parse(buf, strlen(buf), "config.json", err);
}

START_TEST(versions)
{
    static const char *const good[] = {
        "1.0.0",     "1.0.1",     "1.0.2",  "1.0.2-dev", "1.0.0-rc5", "1.0.0-rc2-dev",
        "1.1.0",     "1.1.0-rc.1", "1.2.0", "1.2.1",     "1.3.0",     "1.3.7",
        "1.3.0+dev", "1.3.0-rc.1+build.5",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        veil_error *err = NULL;
        veil_spec *s = parse_version(good[i], &err);
        ck_assert_msg(s != NULL, "%s: %s", good[i], err ? err->msg : "?");
        ck_assert_str_eq(s->oci_version, good[i]);
        veil_spec_free(s);
    }
    static const char *const bad[][2] = {
        {"0.5.0-dev", "unsupported version \"0.5.0-dev\" (veil supports 1.0.0 to 1.3.x)"},
        {"0.1.0", "unsupported version \"0.1.0\" (veil supports 1.0.0 to 1.3.x)"},
        {"2.0.0", "unsupported version \"2.0.0\" (veil supports 1.0.0 to 1.3.x)"},
        {"1.4.0", "unsupported version \"1.4.0\" (veil supports 1.0.0 to 1.3.x)"},
        {"1.99999999999.0", "unsupported version \"1.99999999999.0\" (veil supports 1.0.0 to "
                            "1.3.x)"},
        {"1.0", "\"1.0\" is not a version of the form MAJOR.MINOR.PATCH"},
        {"1", "\"1\" is not a version of the form MAJOR.MINOR.PATCH"},
        {"", "\"\" is not a version of the form MAJOR.MINOR.PATCH"},
        {"v1.0.0", "\"v1.0.0\" is not a version of the form MAJOR.MINOR.PATCH"},
        {"01.0.0", "\"01.0.0\" is not a version of the form MAJOR.MINOR.PATCH"},
        {"1.0.0-", "\"1.0.0-\" is not a version of the form MAJOR.MINOR.PATCH"},
        {"1.0.0-rc..1", "\"1.0.0-rc..1\" is not a version of the form MAJOR.MINOR.PATCH"},
        {"1.0.0 ", "\"1.0.0 \" is not a version of the form MAJOR.MINOR.PATCH"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        veil_error *err = NULL;
        veil_spec *s = parse_version(bad[i][0], &err);
        ck_assert_msg(s == NULL, "accepted %s", bad[i][0]);
        char want[512];
        snprintf(want, sizeof(want), "config.json: ociVersion: %s", bad[i][1]);
        ck_assert_str_eq(err->msg, want);
        veil_error_free(err);
    }
}
END_TEST

/* ---- whole-document and hostile inputs -------------------------------- */

START_TEST(document_errors)
{
    assert_error("", "config.json: empty document");
    assert_error(" \n\t ", "config.json: empty document");
    assert_error("[]", "config.json: expected an object, got an array");
    assert_error("\"config\"", "config.json: expected an object, got \"config\"");
    assert_error("null", "config.json: expected an object, got null");
    assert_error("42", "config.json: expected an object, got 42");
    assert_error("{}", "config.json: ociVersion: required field is missing");
    /* trailing content after the object */
    char *msg = parse_error("{\"ociVersion\": \"1.0.0\"} {}", 26);
    ck_assert_msg(strncmp(msg, "config.json: invalid JSON near byte ", 36) == 0, "%s", msg);
    free(msg);
}
END_TEST

START_TEST(truncated)
{
    const char *full = "{\"ociVersion\": \"1.0.0\", \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}}";
    /* every proper prefix is an error naming the document */
    for (size_t len = 1; len < strlen(full); len++) {
        char *msg = parse_error(full, len);
        ck_assert_msg(strncmp(msg, "config.json: invalid JSON near byte ", 36) == 0, "%zu: %s",
                      len, msg);
        free(msg);
    }
    assert_error("{\"ociVersion\": \"1.0",
                 "config.json: invalid JSON near byte 19: parse error: premature EOF");
}
END_TEST

START_TEST(invalid_utf8)
{
    static const char *const docs[] = {
        "{\"ociVersion\": \"1.0.0\", \"hostname\": \"a\xff\"}",
        "{\"ociVersion\": \"1.0.0\", \"hostname\": \"\xc3\"}",
        "{\"ociVersion\": \"1.0.0\", \"hostname\": \"\xed\xa0\x80\"}", /* a surrogate */
        "{\"ociVersion\": \"1.0.0\", \"annotations\": {\"k\xfe\": \"v\"}}",
        "{\"ociVersion\": \"1.0.0\", \"x\xc0\xaf\": 1}",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        char *msg = parse_error(docs[i], strlen(docs[i]));
        ck_assert_msg(strncmp(msg, "config.json: invalid JSON near byte ", 36) == 0, "%zu: %s",
                      i, msg);
        ck_assert_msg(strstr(msg, "UTF8") || strstr(msg, "UTF-8") || strstr(msg, "utf8"),
                      "%zu: %s", i, msg);
        free(msg);
    }
}
END_TEST

START_TEST(nul_bytes)
{
    assert_error("{\"ociVersion\": \"1.0.0\", \"hostname\": \"a\\u0000b\"}",
                 "config.json: hostname: string contains a NUL byte");
    /* a key with a NUL must not alias "process" */
    char *msg = parse_error("{\"ociVersion\": \"1.0.0\", \"process\\u0000x\": 1}", 44);
    ck_assert_msg(strstr(msg, "object key contains a NUL byte") != NULL, "%s", msg);
    ck_assert_msg(strncmp(msg, "config.json: invalid JSON near byte ", 36) == 0, "%s", msg);
    free(msg);
    /* a raw NUL byte in the text */
    static const char raw[] = "{\"ociVersion\": \"1.0.0\", \"hostname\": \"a\0b\"}";
    msg = parse_error(raw, sizeof(raw) - 1);
    ck_assert_msg(strncmp(msg, "config.json: invalid JSON near byte ", 36) == 0, "%s", msg);
    free(msg);
}
END_TEST

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(huge_file)
{
    char path[] = "/tmp/veil-test-spec-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    /* 100 MB of zero bytes, sparse: it costs no disk */
    ck_assert_int_eq(ftruncate(fd, 100 << 20), 0);
    close(fd);
    double t0 = now();
    veil_error *err = NULL;
    veil_spec *s = veil_spec_load(path, &err);
    double dt = now() - t0;
    unlink(path);
    ck_assert_ptr_null(s);
    char want[512];
    snprintf(want, sizeof(want), "%s: file is too large (104857600 bytes, the limit is 33554432)",
             path);
    ck_assert_str_eq(err->msg, want);
    ck_assert_int_eq(err->errnum, EFBIG);
    ck_assert_msg(dt < 0.1, "took %.3f s", dt);
    veil_error_free(err);

    /* the same through the in-memory entry point */
    size_t big = 100u << 20;
    char *buf = malloc(big);
    ck_assert_ptr_nonnull(buf);
    memset(buf, ' ', big);
    t0 = now();
    err = NULL;
    s = veil_spec_parse(buf, big, "config.json", &err);
    dt = now() - t0;
    free(buf);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(err->msg,
                     "config.json: document is too large (104857600 bytes, the limit is 33554432)");
    ck_assert_msg(dt < 0.1, "took %.3f s", dt);
    veil_error_free(err);
}
END_TEST

/* A stream with no size: read up to the limit, then refused. */
START_TEST(endless_stream)
{
    veil_error *err = NULL;
    veil_spec *s = veil_spec_load("/dev/zero", &err);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(err->msg, "/dev/zero: document is too large (the limit is 33554432 bytes)");
    veil_error_free(err);
}
END_TEST

START_TEST(load_errors)
{
    veil_error *err = NULL;
    ck_assert_ptr_null(veil_spec_load("/nonexistent/config.json", &err));
    ck_assert_str_eq(err->msg, "open /nonexistent/config.json: No such file or directory");
    ck_assert_int_eq(err->errnum, ENOENT);
    veil_error_free(err);
    err = NULL;
    ck_assert_ptr_null(veil_spec_load(VALID_DIR, &err));
    ck_assert_str_eq(err->msg, "read " VALID_DIR ": Is a directory");
    veil_error_free(err);
    /* a NULL err is allowed */
    ck_assert_ptr_null(veil_spec_load("/nonexistent/config.json", NULL));
    ck_assert_ptr_null(veil_spec_parse("{}", 2, NULL, NULL));
}
END_TEST

static void assert_deep(char open, char close, const char *member)
{
    size_t depth = 10000, ml = strlen(member);
    char *buf = malloc(depth * (ml + 2) + 64);
    size_t n = 0;
    buf[n++] = open;
    for (size_t i = 1; i < depth; i++) {
        memcpy(buf + n, member, ml);
        n += ml;
        buf[n++] = open;
    }
    for (size_t i = 0; i < depth; i++)
        buf[n++] = close;
    char *msg = parse_error(buf, n);
    ck_assert_msg(strncmp(msg, "config.json: invalid JSON near byte ", 36) == 0, "%s", msg);
    ck_assert_msg(strstr(msg, "nesting too deep") != NULL, "%s", msg);
    free(msg);
    free(buf);
}

START_TEST(deep_nesting)
{
    assert_deep('[', ']', "");
    assert_deep('{', '}', "\"a\":");
}
END_TEST

static long max_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

/* Appends `count` copies of `item` separated by commas. */
static char *repeat(const char *head, const char *item, size_t count, const char *tail,
                    size_t *len)
{
    size_t hl = strlen(head), il = strlen(item), tl = strlen(tail);
    char *buf = malloc(hl + count * (il + 1) + tl + 1);
    ck_assert_ptr_nonnull(buf);
    size_t n = 0;
    memcpy(buf, head, hl);
    n = hl;
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            buf[n++] = ',';
        memcpy(buf + n, item, il);
        n += il;
    }
    memcpy(buf + n, tail, tl);
    n += tl;
    buf[n] = '\0';
    *len = n;
    return buf;
}

START_TEST(huge_arrays)
{
    size_t len;
    /* beyond the value limit: refused while parsing */
    char *buf = repeat("{\"ociVersion\": \"1.0.0\", \"x\": [", "0", 5u << 20, "]}", &len);
    char *msg = parse_error(buf, len);
    ck_assert_msg(strstr(msg, "too many values in the document") != NULL, "%s", msg);
    free(msg);
    free(buf);

    /* large but within limits: parsed (a hostile argv is still an argv) */
    buf = repeat("{\"ociVersion\": \"1.0.0\", \"process\": {\"cwd\": \"/\", \"args\": [", "\"a\"",
                 (1u << 20) - 64, "]}}", &len);
    veil_error *err = NULL;
    veil_spec *s = veil_spec_parse(buf, len, "config.json", &err);
    ck_assert_msg(s != NULL, "%s", err ? err->msg : "?");
    ck_assert_uint_eq(s->process->args.n, (1u << 20) - 64);
    veil_spec_free(s);
    free(buf);

    /* many mounts; the last one is bad and named */
    buf = repeat("{\"ociVersion\": \"1.0.0\", \"mounts\": [", "{\"destination\": \"/m\"}",
                 200000, ",{}]}", &len);
    msg = parse_error(buf, len);
    ck_assert_str_eq(msg, "config.json: mounts[200000].destination: required field is missing");
    free(msg);
    free(buf);
    ck_assert_msg(max_rss_mb() < 1024, "peak RSS %ld MB", max_rss_mb());
}
END_TEST

static Suite *spec_input_suite(void)
{
    Suite *s = suite_create("spec-input");
    TCase *tc = tcase_create("documents");
    tcase_add_test(tc, versions);
    tcase_add_test(tc, document_errors);
    tcase_add_test(tc, load_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, truncated);
    tcase_add_test(tc, invalid_utf8);
    tcase_add_test(tc, nul_bytes);
    tcase_add_test(tc, huge_file);
    tcase_add_test(tc, endless_stream);
    tcase_add_test(tc, deep_nesting);
    tcase_add_test(tc, huge_arrays);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(spec_input_suite());
}
