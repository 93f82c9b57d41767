/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp -> veil_seccomp_plan: numbers, defaults, normalisation, errors. */
#include <check.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/seccomp.h"
#include "plan/internal.h"
#include "plan/seccomp_names.h"
#include "tests/support/seccomp_spec.h"
#include "tests/support/run_suite.h"

/* Translates a seccomp JSON object; on failure returns NULL with *msg set. */
static veil_seccomp_plan *plan_of(const char *json, char **msg)
{
    veil_error *err = NULL;
    veil_spec_seccomp *sc = test_seccomp_from_json(json, &err);
    ck_assert_msg(sc != NULL, "test JSON: %s", err ? err->msg : "?");
    veil_seccomp_plan *p = NULL;
    int r = veil_plan_seccomp(sc, &p, &err);
    test_seccomp_free(sc);
    if (msg)
        *msg = NULL;
    if (r < 0) {
        ck_assert_ptr_null(p);
        ck_assert_ptr_nonnull(err);
        if (msg)
            *msg = strdup(err->msg);
        veil_error_free(err);
        return NULL;
    }
    ck_assert_ptr_null(err);
    return p;
}

static void expect_error(const char *json, const char *want)
{
    char *msg = NULL;
    veil_seccomp_plan *p = plan_of(json, &msg);
    ck_assert_msg(p == NULL, "expected an error for %s", json);
    ck_assert_msg(msg && strcmp(msg, want) == 0, "got \"%s\", want \"%s\"", msg ? msg : "(none)", want);
    free(msg);
}

/* The action of the only rule of a one-rule profile. */
static uint32_t rule_action(const char *rule)
{
    char json[512];
    snprintf(json, sizeof(json), "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[%s]}", rule);
    veil_seccomp_plan *p = plan_of(json, NULL);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->n_rules, 1);
    uint32_t a = p->rules[0].action;
    veil_seccomp_plan_free(p);
    return a;
}

START_TEST(test_actions)
{
    static const struct {
        const char *name;
        uint32_t value;
    } v[] = {
        {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
        {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
        {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(EPERM)},
        {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(EPERM)},
        {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char rule[128];
        snprintf(rule, sizeof(rule), "{\"names\":[\"getcwd\"],\"action\":\"%s\"}", v[i].name);
        ck_assert_msg(rule_action(rule) == v[i].value, "%s", v[i].name);
    }
    ck_assert_uint_eq(rule_action("{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}"),
                      SCMP_ACT_ERRNO(38));
    ck_assert_uint_eq(rule_action("{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":0}"),
                      SCMP_ACT_ERRNO(0));
    ck_assert_uint_eq(rule_action("{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":7}"),
                      SCMP_ACT_TRACE(7));
    /* ALLOW under a non-ALLOW default */
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_KILL\","
                                   "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                                   NULL);
    ck_assert_uint_eq(p->default_action, SCMP_ACT_KILL_THREAD);
    ck_assert_uint_eq(p->rules[0].action, SCMP_ACT_ALLOW);
    veil_seccomp_plan_free(p);
}
END_TEST

START_TEST(test_default_action_and_errno)
{
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}", NULL);
    ck_assert_uint_eq(p->default_action, SCMP_ACT_ERRNO(EPERM));
    ck_assert_uint_eq(p->n_rules, 0);
    veil_seccomp_plan_free(p);
    p = plan_of("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38}", NULL);
    ck_assert_uint_eq(p->default_action, SCMP_ACT_ERRNO(ENOSYS));
    veil_seccomp_plan_free(p);
    expect_error("{\"defaultAction\":\"SCMP_ACT_KILL\",\"defaultErrnoRet\":1}",
                 "linux.seccomp.defaultErrnoRet: not supported by action SCMP_ACT_KILL");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":4095}",
                 "linux.seccomp.defaultErrnoRet: 4095 is out of range (0-4094)");
    expect_error("{\"defaultAction\":\"SCMP_ACT_TRACE\",\"defaultErrnoRet\":65536}",
                 "linux.seccomp.defaultErrnoRet: 65536 is out of range (0-65535)");
    p = plan_of("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":4094}", NULL);
    ck_assert_uint_eq(p->default_action, SCMP_ACT_ERRNO(4094));
    veil_seccomp_plan_free(p);
    p = plan_of("{\"defaultAction\":\"SCMP_ACT_TRACE\",\"defaultErrnoRet\":65535}", NULL);
    ck_assert_uint_eq(p->default_action, SCMP_ACT_TRACE(65535));
    veil_seccomp_plan_free(p);
    expect_error("{\"defaultAction\":\"SCMP_ACT_FOO\"}",
                 "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"");
    expect_error("{\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                 "linux.seccomp.defaultAction: missing action");
    expect_error("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/x\"}",
                 "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    /* No default action and no rules: seccomp is off, as in runc. */
    veil_seccomp_plan *none = (veil_seccomp_plan *)1;
    veil_spec_seccomp empty = {0};
    ck_assert_int_eq(veil_plan_seccomp(&empty, &none, NULL), 0);
    ck_assert_ptr_null(none);
    ck_assert_int_eq(veil_plan_seccomp(NULL, &none, NULL), 0);
    ck_assert_ptr_null(none);
}
END_TEST

START_TEST(test_rule_errors_name_the_rule)
{
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                 "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                 "{\"names\":[\"b\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                 "{\"names\":[\"c\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                 "{\"names\":[\"d\"],\"action\":\"SCMP_ACT_FOO\"}]}",
                 "linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                 "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_LOG\",\"errnoRet\":1}]}",
                 "linux.seccomp.syscalls[0].errnoRet: not supported by action SCMP_ACT_LOG");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                 "{\"names\":[\"a\",\"\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                 "linux.seccomp.syscalls[0].names[1]: empty syscall name");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                 "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                 "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                 "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                 "{\"index\":1,\"value\":1,\"op\":\"SCMP_CMP_BAD\"}]}]}",
                 "linux.seccomp.syscalls[1].args[1].op: unknown operator \"SCMP_CMP_BAD\"");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                 "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                 "{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                 "linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0-5)");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                 "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                 "{\"index\":0,\"value\":1}]}]}",
                 "linux.seccomp.syscalls[0].args[0].op: unknown operator \"\"");
}
END_TEST

START_TEST(test_operators)
{
    static const struct {
        const char *name;
        int op;
    } v[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char json[256];
        snprintf(json, sizeof(json),
                 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],"
                 "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":2,\"value\":18446744073709551615,"
                 "\"valueTwo\":18,\"op\":\"%s\"}]}]}",
                 v[i].name);
        veil_seccomp_plan *p = plan_of(json, NULL);
        ck_assert_uint_eq(p->n_rules, 1);
        ck_assert_uint_eq(p->rules[0].n_args, 1);
        ck_assert_int_eq(p->rules[0].args[0].op, v[i].op);
        ck_assert_uint_eq(p->rules[0].args[0].index, 2);
        ck_assert(p->rules[0].args[0].value == UINT64_MAX);
        ck_assert(p->rules[0].args[0].value_two == 18);
        ck_assert_str_eq(veil_seccomp_op_name(v[i].op), v[i].name);
        veil_seccomp_plan_free(p);
    }
}
END_TEST

/* Conditions on different arguments stay one rule (AND); conditions sharing
 * an argument become one rule each (OR), as runc and crun do. */
START_TEST(test_args_grouping)
{
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                                   "{\"names\":[\"getpriority\",\"setpriority\"],\"action\":\"SCMP_ACT_ERRNO\","
                                   "\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
                                   "{\"index\":1,\"value\":4242,\"op\":\"SCMP_CMP_EQ\"}]},"
                                   "{\"names\":[\"umask\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,"
                                   "\"args\":[{\"index\":0,\"value\":9,\"op\":\"SCMP_CMP_EQ\"},"
                                   "{\"index\":0,\"value\":18,\"op\":\"SCMP_CMP_EQ\"},"
                                   "{\"index\":1,\"value\":1,\"op\":\"SCMP_CMP_NE\"}]}]}",
                                   NULL);
    ck_assert_uint_eq(p->n_rules, 4);
    ck_assert_uint_eq(p->rules[0].n_args, 2);
    ck_assert_uint_eq(p->rules[0].n_names, 2);
    ck_assert_str_eq(p->rules[0].names[1], "setpriority");
    ck_assert_ptr_null(p->rules[0].names[2]);
    ck_assert_uint_eq(p->rules[0].spec_index, 0);
    for (size_t i = 1; i < 4; i++) {
        ck_assert_uint_eq(p->rules[i].n_args, 1);
        ck_assert_uint_eq(p->rules[i].spec_index, 1);
        ck_assert_uint_eq(p->rules[i].action, SCMP_ACT_ERRNO(13));
        ck_assert_str_eq(p->rules[i].names[0], "umask");
    }
    ck_assert(p->rules[1].args[0].value == 9);
    ck_assert(p->rules[2].args[0].value == 18);
    ck_assert_int_eq(p->rules[3].args[0].op, SCMP_CMP_NE);
    veil_seccomp_plan_free(p);
}
END_TEST

START_TEST(test_rule_same_as_default_dropped)
{
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
                                   "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                                   "{\"names\":[\"b\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
                                   "{\"names\":[\"c\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                                   NULL);
    ck_assert_uint_eq(p->n_rules, 2); /* ERRNO(EPERM) == default; ERRNO(ENOSYS) is not */
    ck_assert_str_eq(p->rules[0].names[0], "b");
    ck_assert_uint_eq(p->rules[0].spec_index, 1);
    ck_assert_str_eq(p->rules[1].names[0], "c");
    veil_seccomp_plan_free(p);
}
END_TEST

START_TEST(test_unknown_syscall_names_kept)
{
    /* Names are resolved per architecture when compiling; the plan keeps them. */
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                                   "{\"names\":[\"no_such_syscall\",\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                                   NULL);
    ck_assert_uint_eq(p->rules[0].n_names, 2);
    ck_assert_str_eq(p->rules[0].names[0], "no_such_syscall");
    veil_seccomp_plan_free(p);
}
END_TEST

START_TEST(test_architectures)
{
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
                                   "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\",\"SCMP_ARCH_X86\","
                                   "\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\",\"SCMP_ARCH_MIPSEL64N32\","
                                   "\"SCMP_ARCH_PPC64LE\",\"SCMP_ARCH_S390X\",\"SCMP_ARCH_RISCV64\"]}",
                                   NULL);
    static const uint32_t want[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86,         SCMP_ARCH_X32,
                                    SCMP_ARCH_AARCH64, SCMP_ARCH_ARM,         SCMP_ARCH_MIPSEL64N32,
                                    SCMP_ARCH_PPC64LE, SCMP_ARCH_S390X,       SCMP_ARCH_RISCV64};
    ck_assert_uint_eq(p->n_arches, sizeof(want) / sizeof(want[0])); /* duplicate X86 dropped */
    for (size_t i = 0; i < p->n_arches; i++)
        ck_assert_uint_eq(p->arches[i], want[i]);
    ck_assert_str_eq(veil_seccomp_arch_name(SCMP_ARCH_X32), "SCMP_ARCH_X32");
    veil_seccomp_plan_free(p);

    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_VAX\"]}",
                 "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"");
#ifndef SCMP_ARCH_LOONGARCH64
    char want_msg[160];
    snprintf(want_msg, sizeof(want_msg),
             "linux.seccomp.architectures[0]: SCMP_ARCH_LOONGARCH64 is not supported by this build "
             "(libseccomp %d.%d.%d)",
             SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_LOONGARCH64\"]}",
                 want_msg);
#endif
}
END_TEST

START_TEST(test_flags)
{
    /* absent: SPEC_ALLOW where the kernel has it (runc, crun) */
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", NULL);
    ck_assert_uint_eq(p->flags, SECCOMP_FILTER_FLAG_SPEC_ALLOW);
    ck_assert_uint_eq(p->flags_optional, SECCOMP_FILTER_FLAG_SPEC_ALLOW);
    veil_seccomp_plan_free(p);
    /* empty: none */
    p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[]}", NULL);
    ck_assert_uint_eq(p->flags, 0);
    ck_assert_uint_eq(p->flags_optional, 0);
    veil_seccomp_plan_free(p);
    p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\","
                "\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
                "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}",
                NULL);
    ck_assert_uint_eq(p->flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
                                    SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    ck_assert_uint_eq(p->flags_optional, 0);
    veil_seccomp_plan_free(p);
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\","
                 "\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}",
                 "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"");
    ck_assert_str_eq(veil_seccomp_flag_name(SECCOMP_FILTER_FLAG_LOG), "SECCOMP_FILTER_FLAG_LOG");
}
END_TEST

START_TEST(test_notify)
{
    veil_seccomp_plan *p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\","
                                   "\"listenerMetadata\":\"MKNOD=/dev/null\",\"syscalls\":["
                                   "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                                   NULL);
    ck_assert(p->uses_notify);
    ck_assert_uint_eq(p->rules[0].action, SCMP_ACT_NOTIFY);
    ck_assert_str_eq(p->listener_path, "/run/agent.sock");
    ck_assert_str_eq(p->listener_metadata, "MKNOD=/dev/null");
    veil_seccomp_plan_free(p);
    /* a listener without a notify rule is kept but unused */
    p = plan_of("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\"}", NULL);
    ck_assert(!p->uses_notify);
    veil_seccomp_plan_free(p);
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                 "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                 "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
    expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\",\"syscalls\":["
                 "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                 "{\"names\":[\"write\",\"sendmsg\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                 "linux.seccomp.syscalls[1]: SCMP_ACT_NOTIFY cannot be used for sendmsg (veil sends "
                 "the seccomp fd to the listener with it)");
}
END_TEST

START_TEST(test_names_and_features_lists)
{
    ck_assert_str_eq(veil_seccomp_action_name(SCMP_ACT_ERRNO(38)), "SCMP_ACT_ERRNO");
    ck_assert_str_eq(veil_seccomp_action_name(SCMP_ACT_TRACE(1)), "SCMP_ACT_TRACE");
    ck_assert_str_eq(veil_seccomp_action_name(SCMP_ACT_KILL), "SCMP_ACT_KILL_THREAD");
    ck_assert_ptr_null(veil_seccomp_action_name(0x12345678));
    ck_assert_ptr_null(veil_seccomp_arch_name(0x1));

    /* every listed name translates, and the lists have what the issue asks for */
    size_t n = 0;
    for (const char *const *a = veil_seccomp_known_actions(); *a; a++, n++) {
        char rule[128];
        snprintf(rule, sizeof(rule), "{\"names\":[\"x\"],\"action\":\"%s\"}", *a);
        /* NOTIFY needs a listener, ALLOW equals the default of rule_action */
        if (strcmp(*a, "SCMP_ACT_NOTIFY") != 0 && strcmp(*a, "SCMP_ACT_ALLOW") != 0)
            ck_assert_str_eq(veil_seccomp_action_name(rule_action(rule)),
                             strcmp(*a, "SCMP_ACT_KILL") == 0 ? "SCMP_ACT_KILL_THREAD" : *a);
    }
    ck_assert_uint_eq(n, 9);
    n = 0;
    for (const char *const *o = veil_seccomp_known_operators(); *o; o++, n++) {
        int op;
        ck_assert(veil_seccomp_op_from_name(*o, &op));
        ck_assert_str_eq(veil_seccomp_op_name(op), *o);
    }
    ck_assert_uint_eq(n, 7);
    bool x86_64 = false, riscv = false;
    for (const char *const *a = veil_seccomp_known_archs(); *a; a++) {
        char json[160];
        snprintf(json, sizeof(json), "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"%s\"]}", *a);
        veil_seccomp_plan *p = plan_of(json, NULL);
        ck_assert_str_eq(veil_seccomp_arch_name(p->arches[0]), *a);
        veil_seccomp_plan_free(p);
        x86_64 = x86_64 || strcmp(*a, "SCMP_ARCH_X86_64") == 0;
        riscv = riscv || strcmp(*a, "SCMP_ARCH_RISCV64") == 0;
    }
    ck_assert(x86_64 && riscv);
    n = 0;
    for (const char *const *f = veil_seccomp_known_flags(); *f; f++, n++)
        ;
    ck_assert_uint_eq(n, 4);
}
END_TEST

static Suite *seccomp_plan_suite(void)
{
    Suite *s = suite_create("seccomp_plan");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_actions);
    tcase_add_test(tc, test_default_action_and_errno);
    tcase_add_test(tc, test_rule_errors_name_the_rule);
    tcase_add_test(tc, test_operators);
    tcase_add_test(tc, test_args_grouping);
    tcase_add_test(tc, test_rule_same_as_default_dropped);
    tcase_add_test(tc, test_unknown_syscall_names_kept);
    tcase_add_test(tc, test_architectures);
    tcase_add_test(tc, test_flags);
    tcase_add_test(tc, test_notify);
    tcase_add_test(tc, test_names_and_features_lists);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(seccomp_plan_suite());
}
