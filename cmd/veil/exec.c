/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include <veil/container.h>

#include "cli.h"

static const cli_command exec_cmd = {
    .name = "exec",
    .args_usage = "[command options] <container-id> <command> [args...]  ||  --process FILE "
                  "<container-id>",
    .summary = "execute a new process inside the container",
    .description =
        "   Runs <command> in the running container: in all of its namespaces and cgroups,\n"
        "   under its seccomp profile, capabilities, LSM labels and rlimits.  Without\n"
        "   --process the process is the container's own (config.json) with <command> and\n"
        "   the flags below; flags end at <container-id>.  In the foreground veil forwards\n"
        "   signals, relays the terminal (--tty) and exits with the process's status;\n"
        "   errors of veil itself exit 255.",
    .stop_at_positional = true,
};

int cmd_exec(cli *c, int argc, char **argv)
{
    veil_exec_options o = {0};
    int nnp = -1;
    cli_strlist env = {0}, gids = {0}, caps = {0}, cgroups = {0};
    const cli_opt opts[] = {
        {"console-socket", 0, OPT_STRING, &o.console_socket, "PATH",
         "unix socket that receives the pty master of the process"},
        {"cwd", 0, OPT_STRING, &o.cwd, "DIR", "current working directory in the container"},
        {"env", 'e', OPT_STRINGS, &env, "KEY=VALUE", "set an environment variable"},
        {"tty", 't', OPT_BOOL, &o.tty, NULL, "allocate a pseudo-terminal"},
        {"user", 'u', OPT_STRING, &o.user, "UID[:GID]", "user (and group) id of the process"},
        {"additional-gids", 'g', OPT_STRINGS, &gids, "GID", "an additional group id"},
        {"process", 'p', OPT_STRING, &o.process_file, "FILE",
         "the process as a runtime-spec process JSON (the flags that change it are ignored)"},
        {"detach", 'd', OPT_BOOL, &o.detach, NULL, "return once the process runs"},
        {"pid-file", 0, OPT_STRING, &o.pid_file, "PATH", "file to write the process id to"},
        {"process-label", 0, OPT_STRING, &o.process_label, "LABEL",
         "SELinux label of the process"},
        {"apparmor", 0, OPT_STRING, &o.apparmor, "PROFILE", "AppArmor profile of the process"},
        {"no-new-privs", 0, OPT_TRIBOOL, &nnp, NULL, "set no_new_privs for the process"},
        {"cap", 'c', OPT_STRINGS, &caps, "CAP",
         "add a capability to the bounding, effective and permitted sets"},
        {"preserve-fds", 0, OPT_UINT, &o.preserve_fds, "N",
         "pass N additional file descriptors (3..3+N-1) to the process"},
        {"cgroup", 0, OPT_STRINGS, &cgroups, "[CTRL[,CTRL]:]PATH",
         "run in an existing sub-cgroup of the container's cgroup"},
        {"ignore-paused", 0, OPT_BOOL, &o.ignore_paused, NULL,
         "allow exec in a paused container (the process runs once it is resumed)"},
        {"no-subreaper", 0, OPT_IGNORED_BOOL, NULL, NULL, NULL},
        {"pidfd-socket", 0, OPT_IGNORED_STRING, NULL, NULL, NULL},
        {NULL, 0, 0, NULL, NULL, NULL},
    };
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    int status = 0, fail_status = 1;
    int r = cli_parse(&exec_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1) {
        r = 0;
        goto out;
    }
    if (r == 0)
        r = cli_check_args(&exec_cmd, npos, 1, -1, &err);
    if (r == 0) {
        o.id = pos[0];
        o.args = pos + 1;
        o.n_args = (size_t)(npos - 1);
        o.env = env.v;
        o.n_env = env.n;
        o.additional_gids = gids.v;
        o.n_additional_gids = gids.n;
        o.caps = caps.v;
        o.n_caps = caps.n;
        o.cgroups = cgroups.v;
        o.n_cgroups = cgroups.n;
        o.set_no_new_privs = nnp >= 0;
        o.no_new_privs = nnp > 0;
        /* runc's status for a failed exec, apart from the process's own */
        fail_status = 255;
        r = veil_container_exec(&c->ctx, &o, &status, &err);
        if (r < 0)
            veil_error_prefix(&err, "exec failed");
    }
out:
    free(pos);
    cli_strlist_free(&env);
    cli_strlist_free(&gids);
    cli_strlist_free(&caps);
    cli_strlist_free(&cgroups);
    if (r < 0) {
        cli_report_error(c, err);
        veil_error_free(err);
        return fail_status;
    }
    return status;
}
