/* SPDX-License-Identifier: Apache-2.0 */
/*
 * veil features: the runtime-spec "Features Structure" (features.md,
 * features-linux.md).  Compile-time facts only, as the spec asks; callers
 * (containerd 2.x) run it without global flags.
 *
 * KEEP THIS HONEST.  The lists below are what veil's parser and plan accept
 * (mount options, namespaces, capabilities, hooks, seccomp names, memory
 * policies).  Parts whose *runtime* side is still being written are marked
 * "runtime:" below; when that code lands (or if it does not), update the
 * value here:
 *   - cgroup v1/v2: the cgroup drivers (cgroup/v1.c, v2.c); systemd and
 *     systemdUser stay false until cgroup/systemd.c exists; rdma false until
 *     the resource translation writes rdma.max.
 *   - seccomp: linux/seccomp.c installs what plan/seccomp.c compiles.
 *   - apparmor/selinux: linux/ writes the labels through a verified procfs.
 *   - intelRdt: nothing applies resctrl yet, so it is not claimed.
 *   - mountExtensions.idmap: linux/mount_idmap.c (idmap and ridmap binds, with
 *     the mount's own uidMappings/gidMappings or the container's).
 *   - mountOptions: every option in plan/mounts.c takes effect in
 *     linux/rootfs.c (flags, propagation, recursive attributes, tmpcopyup,
 *     idmap); anything else is filesystem data.
 *   - netDevices: linux/net.c (netlink).
 *   - exec: linux/exec.c gives exec'd processes the same seccomp profile,
 *     capabilities, AppArmor/SELinux labels and rlimits as init (the
 *     structure has no field of its own for exec; execCPUAffinity, which
 *     only exec uses, is parsed by the plan and applied there).
 */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plan/internal.h"
#include "spec/json.h"
#include "util/cleanup.h"
#include "veil_version.h"

static const cli_command features_command = {
    .name = "features",
    .args_usage = "",
    .summary = "show the enabled features",
    .description = "   Prints the features veil implements, as JSON (the runtime-spec Features\n"
                   "   Structure: runtime-spec features.md).  The answer does not depend on\n"
                   "   the host.",
};

static void w_list(vj_writer *w, const char *key, const char *const *v, size_t n)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (size_t i = 0; i < n; i++)
        vj_w_string(w, v[i]);
    vj_w_array_close(w);
}

static void w_names(vj_writer *w, const char *key, const veil_named *t)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (; t->name; t++)
        vj_w_string(w, t->name);
    vj_w_array_close(w);
}

static void w_enabled(vj_writer *w, const char *key, bool on)
{
    vj_w_key(w, key);
    vj_w_object_open(w);
    vj_w_kbool(w, "enabled", on);
    vj_w_object_close(w);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void w_seccomp(vj_writer *w)
{
    static const char *const actions[] = {
        "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",       "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
        "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
        "SCMP_ACT_TRAP",
    };
    static const char *const operators[] = {
        "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
        "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
    };
    /* the architectures the libseccomp veil is built with knows */
    static const char *const archs[] = {
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",     "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
        "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC",
        "SCMP_ARCH_PARISC64", "SCMP_ARCH_PPC",     "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390",
        "SCMP_ARCH_S390X",   "SCMP_ARCH_X32",     "SCMP_ARCH_X86",
        "SCMP_ARCH_X86_64",
    };
    static const char *const known_flags[] = {
        "SECCOMP_FILTER_FLAG_TSYNC",
        "SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    };
    /* libseccomp 2.5 sets TSYNC, LOG and SPEC_ALLOW; WAIT_KILLABLE_RECV
     * needs 2.6 */
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
    size_t n_supported = 4;
#else
    size_t n_supported = 3;
#endif
    vj_w_key(w, "seccomp");
    vj_w_object_open(w);
    vj_w_kbool(w, "enabled", true); /* runtime: linux/seccomp.c */
    w_list(w, "actions", actions, ARRAY_SIZE(actions));
    w_list(w, "operators", operators, ARRAY_SIZE(operators));
    w_list(w, "archs", archs, ARRAY_SIZE(archs));
    w_list(w, "knownFlags", known_flags, ARRAY_SIZE(known_flags));
    w_list(w, "supportedFlags", known_flags, n_supported);
    vj_w_object_close(w);
}

static void w_linux(vj_writer *w)
{
    vj_w_key(w, "linux");
    vj_w_object_open(w);

    const char *ns[VEIL_NS__COUNT];
    for (int i = 0; i < VEIL_NS__COUNT; i++)
        ns[i] = veil_ns_type_name((veil_ns_type)i);
    qsort(ns, VEIL_NS__COUNT, sizeof(ns[0]), cmp_str);
    w_list(w, "namespaces", ns, VEIL_NS__COUNT);

    vj_w_key(w, "capabilities");
    vj_w_array_open(w);
    for (int i = 0; i <= veil_cap_last(); i++)
        vj_w_string(w, veil_cap_name(i));
    vj_w_array_close(w);

    /* runtime: cgroup/ drivers */
    vj_w_key(w, "cgroup");
    vj_w_object_open(w);
    vj_w_kbool(w, "v1", true);
    vj_w_kbool(w, "v2", true);
    vj_w_kbool(w, "systemd", false);
    vj_w_kbool(w, "systemdUser", false);
    vj_w_kbool(w, "rdma", false);
    vj_w_object_close(w);

    w_seccomp(w);
    w_enabled(w, "apparmor", true); /* runtime: linux/ writes attr/exec */
    w_enabled(w, "selinux", true);
    vj_w_key(w, "memoryPolicy");
    vj_w_object_open(w);
    w_names(w, "modes", veil_mpol_modes);
    w_names(w, "flags", veil_mpol_flags);
    vj_w_object_close(w);

    vj_w_key(w, "mountExtensions");
    vj_w_object_open(w);
    w_enabled(w, "idmap", true); /* linux/mount_idmap.c */
    vj_w_object_close(w);
    w_enabled(w, "netDevices", true); /* runtime: linux/net.c */
    vj_w_object_close(w);
}

int cmd_features(cli *c, int argc, char **argv)
{
    _cleanup_error_ veil_error *err = NULL;
    _cleanup_free_ char **pos = NULL;
    int npos = 0;
    int r = cli_parse(&features_command, NULL, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r < 0 || cli_check_args(&features_command, npos, 0, 0, &err) < 0) {
        cli_report_error(c, err);
        return 1;
    }

    vj_writer *w = vj_writer_new(true);
    if (w == NULL)
        return 1;
    vj_w_object_open(w);
    vj_w_kstr(w, "ociVersionMin", "1.0.0");
    vj_w_kstr(w, "ociVersionMax", VEIL_SPEC_VERSION);

    vj_w_key(w, "hooks");
    vj_w_array_open(w);
    for (int k = 0; k < VEIL_HOOK__COUNT; k++)
        vj_w_string(w, veil_hook_kind_name((veil_hook_kind)k));
    vj_w_array_close(w);

    vj_w_key(w, "mountOptions");
    vj_w_array_open(w);
    const char *opt;
    for (size_t i = 0; (opt = veil_mount_option_name(i)) != NULL; i++)
        vj_w_string(w, opt);
    vj_w_array_close(w);

    w_linux(w);

    char libseccomp[32];
    snprintf(libseccomp, sizeof(libseccomp), "%d.%d.%d", SCMP_VER_MAJOR, SCMP_VER_MINOR,
             SCMP_VER_MICRO);
    vj_w_key(w, "annotations");
    vj_w_object_open(w);
    vj_w_kstr(w, "io.github.seccomp.libseccomp.version", libseccomp);
    vj_w_kstr(w, "run.oci.veil.commit", VEIL_COMMIT);
    vj_w_kstr(w, "run.oci.veil.version", VEIL_VERSION);
    vj_w_object_close(w);
    vj_w_object_close(w);

    const char *buf;
    size_t len;
    int status = 0;
    if (!vj_writer_result(w, &buf, &len) || fwrite(buf, 1, len, stdout) != len ||
        putchar('\n') == EOF || fflush(stdout) != 0) {
        veil_error_set(&err, 0, "features: cannot write the output");
        cli_report_error(c, err);
        status = 1;
    }
    vj_writer_free(w);
    return status;
}
