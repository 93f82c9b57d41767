/* SPDX-License-Identifier: Apache-2.0 */
/* veil plan: print what veil would do for a bundle, without doing it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/cleanup.h"

static const cli_command plan_command = {
    .name = "plan",
    .args_usage = "[command options] [<container-id>]",
    .summary = "print the plan veil would follow for a bundle, as JSON",
    .description =
        "   Reads the bundle's config.json and prints, as JSON, everything veil would\n"
        "   ask of the kernel to create the container: namespaces and id maps, mounts\n"
        "   with their flags, device nodes, the process with its capabilities and\n"
        "   limits, the cgroup, hooks.  Nothing is created.  Warnings (for example\n"
        "   unknown capabilities, which are skipped) are listed in the output and on\n"
        "   stderr.  The container id defaults to the bundle directory's name.",
};

static inline void cleanup_specp(veil_spec **s)
{
    veil_spec_free(*s);
}
static inline void cleanup_planp(veil_plan **p)
{
    veil_plan_free(*p);
}

int cmd_plan(cli *c, int argc, char **argv)
{
    const char *bundle = ".";
    bool no_pivot = false, no_new_keyring = false;
    unsigned preserve_fds = 0;
    const cli_opt opts[] = {
        {"bundle", 'b', OPT_STRING, &bundle, "DIR",
         "path to the root of the bundle directory (default: the current directory)"},
        {"no-pivot", 0, OPT_BOOL, &no_pivot, NULL, "plan for create --no-pivot"},
        {"no-new-keyring", 0, OPT_BOOL, &no_new_keyring, NULL, "plan for create --no-new-keyring"},
        {"preserve-fds", 0, OPT_UINT, &preserve_fds, "N", "plan for create --preserve-fds N"},
        {0},
    };
    _cleanup_error_ veil_error *err = NULL;
    _cleanup_free_ char **pos = NULL;
    int npos = 0;
    int r = cli_parse(&plan_command, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r < 0 || cli_check_args(&plan_command, npos, 0, 1, &err) < 0) {
        cli_report_error(c, err);
        return 1;
    }

    /* the plan wants an absolute bundle; runc uses the kernel's view too */
    char abs[PATH_MAX];
    if (realpath(*bundle ? bundle : ".", abs) == NULL) {
        veil_error_set(&err, errno, "bundle %s", bundle);
        cli_report_error(c, err);
        return 1;
    }
    const char *id = npos > 0 ? pos[0] : strrchr(abs, '/') + 1;
    if (*id == '\0')
        id = "root"; /* the bundle is "/" */

    _cleanup_free_ char *config = NULL;
    if (asprintf(&config, "%s/config.json", abs) < 0) {
        config = NULL;
        veil_error_set(&err, ENOMEM, "plan");
        cli_report_error(c, err);
        return 1;
    }
    __attribute__((cleanup(cleanup_specp))) veil_spec *spec = veil_spec_load(config, &err);
    if (spec == NULL) {
        cli_report_error(c, err);
        return 1;
    }

    veil_plan_options po = {
        .id = id,
        .bundle = abs,
        /* Detection (veil_cgroup_detect) comes with the cgroup drivers; until
         * then the plan is made without a host layout, so no cgroup writes. */
        .cgroup_layout = VEIL_CGROUP_NONE,
        .systemd_cgroup = c->ctx.systemd_cgroup,
        .rootless = c->ctx.rootless,
        .no_pivot = no_pivot,
        .no_new_keyring = no_new_keyring,
        .preserve_fds = preserve_fds,
    };
    __attribute__((cleanup(cleanup_planp))) veil_plan *plan = NULL;
    if (veil_plan_build(spec, &po, &plan, &err) < 0) {
        cli_report_error(c, err);
        return 1;
    }
    for (size_t i = 0; i < plan->n_warnings; i++)
        veil_log(&c->ctx, VEIL_LOG_WARNING, "%s", plan->warnings[i]);

    _cleanup_free_ char *json = veil_plan_to_json(plan, true, &err);
    if (json == NULL) {
        cli_report_error(c, err);
        return 1;
    }
    if (puts(json) == EOF || fflush(stdout) != 0) {
        veil_error_set(&err, errno, "write the plan");
        cli_report_error(c, err);
        return 1;
    }
    return 0;
}
