/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device rules: the v1 semantics (emulated) and the cgroup-device eBPF
 * program veil builds from them, run here in a small interpreter of the
 * instructions veil emits and compared with the emulation request by
 * request.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "tests/support/run_suite.h"

#define SET(v) {.set = true, .value = (v)}
#define R VEIL_DEVCG_ACC_READ
#define W VEIL_DEVCG_ACC_WRITE
#define M VEIL_DEVCG_ACC_MKNOD

/* ---- a tiny interpreter for the instruction set veil emits ------------------- */

typedef struct dev_ctx {
    uint32_t access_type, major, minor;
} dev_ctx;

/* Returns the program's verdict, or -1 on an instruction it does not know. */
static int run(const struct bpf_insn *p, size_t n, const dev_ctx *ctx)
{
    uint64_t r[11] = {0};
    size_t steps = 0;
    for (size_t pc = 0; pc < n && steps < 10000; steps++) {
        const struct bpf_insn *i = &p[pc];
        uint32_t src32 = (uint32_t)r[i->src_reg];
        uint32_t k = (uint32_t)i->imm;
        switch (i->code) {
        case BPF_LDX | BPF_MEM | BPF_W: {
            ck_assert_int_eq(i->src_reg, BPF_REG_1); /* only the context is read */
            ck_assert(i->off >= 0 && i->off <= 8 && i->off % 4 == 0);
            uint32_t v;
            memcpy(&v, (const char *)ctx + i->off, 4);
            r[i->dst_reg] = v;
            pc++;
            continue;
        }
        case BPF_ALU | BPF_AND | BPF_K:
            r[i->dst_reg] = (uint32_t)r[i->dst_reg] & k;
            break;
        case BPF_ALU | BPF_RSH | BPF_K:
            r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> k;
            break;
        case BPF_ALU | BPF_MOV | BPF_K:
            r[i->dst_reg] = k;
            break;
        case BPF_ALU | BPF_MOV | BPF_X:
            r[i->dst_reg] = src32;
            break;
        case BPF_JMP32 | BPF_JNE | BPF_K:
            pc += (uint32_t)r[i->dst_reg] != k ? (size_t)(i->off + 1) : 1;
            continue;
        case BPF_JMP32 | BPF_JEQ | BPF_K:
            pc += (uint32_t)r[i->dst_reg] == k ? (size_t)(i->off + 1) : 1;
            continue;
        case BPF_JMP32 | BPF_JNE | BPF_X:
            pc += (uint32_t)r[i->dst_reg] != src32 ? (size_t)(i->off + 1) : 1;
            continue;
        case BPF_JMP | BPF_EXIT:
            return (int)r[0];
        default:
            return -1;
        }
        pc++;
    }
    return -1;
}

static int prog_allows(const struct bpf_insn *p, size_t n, char type, uint32_t major,
                       uint32_t minor, unsigned access)
{
    dev_ctx ctx = {.access_type = (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR) |
                                  (access << 16),
                   .major = major,
                   .minor = minor};
    return run(p, n, &ctx);
}

/* Program and emulation agree on every request of a grid of devices. */
static void same_verdicts(const veil_spec_device_rule *rules, size_t n)
{
    veil_error *err = NULL;
    veil_devcg_state st;
    struct bpf_insn *p = NULL;
    size_t np = 0;
    ck_assert_int_eq(veil_devcg_emulate(rules, n, &st, &err), 0);
    ck_assert_int_eq(veil_devcg_compile(rules, n, &p, &np, &err), 0);
    static const uint32_t majors[] = {0, 1, 4, 5, 8, 10, 136, 254, 4095};
    static const uint32_t minors[] = {0, 1, 2, 3, 5, 7, 8, 9, 11, 200, 229, 1000};
    unsigned checked = 0;
    for (int t = 0; t < 2; t++)
        for (size_t a = 0; a < sizeof(majors) / sizeof(*majors); a++)
            for (size_t b = 0; b < sizeof(minors) / sizeof(*minors); b++)
                for (unsigned acc = 1; acc <= 7; acc++) {
                    char type = t ? 'b' : 'c';
                    int want = veil_devcg_allows(&st, type, majors[a], minors[b], acc);
                    int got = prog_allows(p, np, type, majors[a], minors[b], acc);
                    ck_assert_msg(got == want, "%c %u:%u access %u: program %d, v1 semantics %d",
                                  type, majors[a], minors[b], acc, got, want);
                    checked++;
                }
    ck_assert_uint_gt(checked, 1000);
    free(p);
    veil_devcg_state_clear(&st);
}

static bool allows(const veil_spec_device_rule *rules, size_t n, char type, uint32_t major,
                   uint32_t minor, unsigned access)
{
    veil_devcg_state st;
    veil_error *err = NULL;
    ck_assert_int_eq(veil_devcg_emulate(rules, n, &st, &err), 0);
    bool r = veil_devcg_allows(&st, type, major, minor, access);
    veil_devcg_state_clear(&st);
    return r;
}

/* ---- v1 semantics -------------------------------------------------------------------------- */

static const veil_spec_device_rule deny_all = {.allow = false, .type = 'a', .access = "rwm"};
static const veil_spec_device_rule allow_all = {.allow = true, .type = 'a', .access = "rwm"};

START_TEST(allow_list)
{
    veil_spec_device_rule rules[] = {
        deny_all,
        {.allow = true, .type = 'c', .major = SET(1), .minor = SET(3), .access = "rwm"},
        {.allow = false, .type = 'c', .major = SET(1), .minor = SET(3), .access = "w"},
        {.allow = true, .type = 'c', .major = SET(136), .access = "rw"},
        {.allow = true, .type = 'c', .access = "m"},
    };
    ck_assert(allows(rules, 5, 'c', 1, 3, R));
    ck_assert(!allows(rules, 5, 'c', 1, 3, W));     /* taken away again */
    ck_assert(!allows(rules, 5, 'c', 1, 3, R | W)); /* a request needs one covering entry */
    ck_assert(allows(rules, 5, 'c', 136, 7, R | W));
    ck_assert(allows(rules, 5, 'c', 254, 0, M));    /* c *:* m */
    ck_assert(!allows(rules, 5, 'c', 136, 7, R | M)); /* split over two entries: no */
    ck_assert(!allows(rules, 5, 'b', 8, 0, R));
    ck_assert(!allows(rules, 5, 'b', 8, 0, M));
    same_verdicts(rules, 5);
}
END_TEST

START_TEST(deny_list)
{
    veil_spec_device_rule rules[] = {
        allow_all,
        {.allow = false, .type = 'c', .major = SET(1), .minor = SET(3), .access = "w"},
        {.allow = false, .type = 'b', .access = "m"},
        {.allow = false, .type = 'c', .major = SET(10), .minor = SET(229), .access = "rwm"},
        {.allow = true, .type = 'c', .major = SET(10), .minor = SET(229), .access = "r"},
    };
    ck_assert(allows(rules, 5, 'c', 1, 3, R));
    ck_assert(!allows(rules, 5, 'c', 1, 3, W));
    ck_assert(!allows(rules, 5, 'c', 1, 3, R | W)); /* any shared bit refuses */
    ck_assert(allows(rules, 5, 'b', 8, 0, R | W));
    ck_assert(!allows(rules, 5, 'b', 8, 0, M));
    ck_assert(allows(rules, 5, 'c', 10, 229, R));  /* r given back */
    ck_assert(!allows(rules, 5, 'c', 10, 229, W));
    ck_assert(allows(rules, 5, 'c', 5, 1, R | W | M));
    same_verdicts(rules, 5);
}
END_TEST

START_TEST(reset_in_the_middle)
{
    /* an "a" rule resets default and exceptions, whatever came before */
    veil_spec_device_rule rules[] = {
        deny_all,
        {.allow = true, .type = 'c', .major = SET(1), .minor = SET(3), .access = "rwm"},
        allow_all,
        {.allow = false, .type = 'c', .major = SET(1), .minor = SET(5), .access = "rw"},
    };
    ck_assert(allows(rules, 4, 'b', 8, 0, R));
    ck_assert(!allows(rules, 4, 'c', 1, 5, R));
    same_verdicts(rules, 4);
    ck_assert(!allows(rules, 1, 'c', 1, 3, R)); /* deny_all alone */
    same_verdicts(rules, 1);
    ck_assert(allows(rules, 0, 'c', 1, 3, R)); /* no rules: the parent's allow-all */
    same_verdicts(rules, 0);
}
END_TEST

START_TEST(merging)
{
    veil_spec_device_rule rules[] = {
        deny_all,
        {.allow = true, .type = 'c', .major = SET(1), .minor = SET(3), .access = "r"},
        {.allow = true, .type = 'c', .major = SET(1), .minor = SET(3), .access = "w"},
    };
    ck_assert(allows(rules, 3, 'c', 1, 3, R | W)); /* merged into one entry */
    veil_devcg_state st;
    veil_error *err = NULL;
    ck_assert_int_eq(veil_devcg_emulate(rules, 3, &st, &err), 0);
    ck_assert_uint_eq(st.n, 1);
    ck_assert_uint_eq(st.ex[0].access, R | W);
    veil_devcg_state_clear(&st);
    same_verdicts(rules, 3);
}
END_TEST

/* What veil's plan hands the driver: deny all, the config's rules, the defaults. */
START_TEST(default_container_list)
{
    veil_spec_device_rule rules[] = {
        deny_all,
        {.allow = true, .type = 'c', .major = SET(10), .minor = SET(229), .access = "rwm"},
        {.allow = true, .type = 'c', .access = "m"},
        {.allow = true, .type = 'b', .access = "m"},
        {.allow = true, .type = 'c', .major = SET(1), .minor = SET(3), .access = "rwm"},
        {.allow = true, .type = 'c', .major = SET(1), .minor = SET(8), .access = "rwm"},
        {.allow = true, .type = 'c', .major = SET(1), .minor = SET(7), .access = "rwm"},
        {.allow = true, .type = 'c', .major = SET(5), .minor = SET(0), .access = "rwm"},
        {.allow = true, .type = 'c', .major = SET(1), .minor = SET(5), .access = "rwm"},
        {.allow = true, .type = 'c', .major = SET(1), .minor = SET(9), .access = "rwm"},
        {.allow = true, .type = 'c', .major = SET(136), .access = "rwm"},
        {.allow = true, .type = 'c', .major = SET(5), .minor = SET(2), .access = "rwm"},
        {.allow = true, .type = 'c', .major = SET(10), .minor = SET(200), .access = "rwm"},
    };
    size_t n = sizeof(rules) / sizeof(rules[0]);
    ck_assert(allows(rules, n, 'c', 1, 3, R | W));
    ck_assert(!allows(rules, n, 'c', 1, 11, R)); /* /dev/kmsg */
    ck_assert(!allows(rules, n, 'b', 254, 0, R));
    ck_assert(allows(rules, n, 'b', 254, 0, M));
    same_verdicts(rules, n);
}
END_TEST

START_TEST(program_shape)
{
    veil_spec_device_rule rules[] = {deny_all};
    struct bpf_insn *p = NULL;
    size_t n = 0;
    veil_error *err = NULL;
    ck_assert_int_eq(veil_devcg_compile(rules, 1, &p, &n, &err), 0);
    /* prologue (6) and "return deny" (2): nothing else for an empty list */
    ck_assert_uint_eq(n, 8);
    ck_assert_uint_eq(p[n - 1].code, BPF_JMP | BPF_EXIT);
    ck_assert_int_eq(p[n - 2].imm, 0);
    free(p);
    veil_spec_device_rule bad[] = {{.allow = true, .type = 'x', .access = "r"}};
    ck_assert_int_eq(veil_devcg_compile(bad, 1, &p, &n, &err), -1);
    ck_assert_ptr_nonnull(strstr(err->msg, "invalid type"));
    veil_error_free(err);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cgroup_devices");
    TCase *t = tcase_create("devices");
    tcase_add_test(t, allow_list);
    tcase_add_test(t, deny_list);
    tcase_add_test(t, reset_in_the_middle);
    tcase_add_test(t, merging);
    tcase_add_test(t, default_container_list);
    tcase_add_test(t, program_shape);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}
