/* SPDX-License-Identifier: Apache-2.0 */
/* veil: global flags, then one subcommand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <veil/container.h>

#include "cli.h"
#include "veil_version.h"

static const cli_command_entry commands[] = {
    {"create", cmd_create, "create a container", true},
    {"delete", cmd_delete, "delete any resources held by the container", false},
    {"events", cmd_events, "display container events and resource usage statistics", false},
    {"exec", cmd_exec, "execute a new process inside the container", true},
    {"features", cmd_features, "show the enabled features", false},
    {"kill", cmd_kill, "send a signal to the container's init process", false},
    {"list", cmd_list, "list the containers started by veil with the given root", false},
    {"pause", cmd_pause, "suspend all processes inside the container", false},
    {"plan", cmd_plan, "print the plan veil would follow for a bundle, as JSON", false},
    {"ps", cmd_ps, "display the processes running inside a container", false},
    {"resume", cmd_resume, "resume all processes that have been previously paused", false},
    {"run", cmd_run, "create and run a container", true},
    {"spec", cmd_spec, "create a new specification file", false},
    {"start", cmd_start, "execute the user-defined process in a created container", false},
    {"state", cmd_state, "output the state of a container", false},
    {"update", cmd_update, "update container resource constraints", false},
    {NULL, NULL, NULL, false},
};

void cli_print_version(void)
{
    printf("veil version %s\ncommit: %s\nspec: %s\n", VEIL_VERSION, VEIL_COMMIT, VEIL_SPEC_VERSION);
    /* Build features, crun style; each one works end to end and is tested:
     * capabilities, seccomp (libseccomp, with the filter cache), the cgroup v2
     * device program (eBPF), idmapped mounts, yajl; a static binary; musl. */
    printf("+CAP +SECCOMP +EBPF +IDMAP +YAJL%s%s\n",
#ifdef VEIL_STATIC_BINARY
           " +STATIC",
#else
           "",
#endif
#ifdef __GLIBC__
           "");
#else
           " +MUSL");
#endif
}

static void print_usage(FILE *f)
{
    fprintf(f, "NAME:\n   veil - OCI container runtime\n\n"
               "USAGE:\n   veil [global options] command [command options] [arguments...]\n\n"
               "VERSION:\n   %s\n\nCOMMANDS:\n",
            VEIL_VERSION);
    for (const cli_command_entry *e = commands; e->name; e++)
        fprintf(f, "   %-10s %s\n", e->name, e->summary);
    fprintf(f,
            "\nGLOBAL OPTIONS:\n"
            "   --debug                    enable debug logging\n"
            "   --log value                set the log file to write runtime logs to (default: stderr)\n"
            "   --log-format value         set the log format ('text' (default), or 'json')\n"
            "   --root value               root directory for storage of container state\n"
            "                              (default: /run/veil, or $XDG_RUNTIME_DIR/veil when not root)\n"
            "   --systemd-cgroup           enable systemd cgroup support\n"
            "   --rootless value           ignore cgroup permission errors ('true', 'false', or 'auto')\n"
            "   --cgroup-manager value     cgroupfs, systemd or disabled\n"
            "   --help, -h                 show help\n"
            "   --version, -v              print the version\n");
}

static const char *default_root(void)
{
    if (geteuid() != 0) {
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        if (xdg && *xdg) {
            static char buf[4096];
            snprintf(buf, sizeof(buf), "%s/veil", xdg);
            return buf;
        }
    }
    return "/run/veil";
}

int main(int argc, char **argv)
{
    cli c = {.log_fd = -1, .argv0 = argv[0]};
    c.ctx.log = cli_log_callback;
    c.ctx.log_data = &c;
    cli_globals g = {0};
    veil_error *err = NULL;

    int i = cli_parse_globals(argc, argv, &g, &err);
    if (i < 0) {
        fprintf(stderr, "%s\n", err->msg);
        veil_error_free(err);
        print_usage(stderr);
        return 1;
    }
    if (g.version) {
        cli_print_version();
        return 0;
    }
    if (g.help) {
        print_usage(stdout);
        return 0;
    }
    c.ctx.debug = g.debug;
    c.ctx.systemd_cgroup = g.systemd_cgroup;
    c.ctx.no_cgroups = g.no_cgroups;
    c.ctx.rootless = g.rootless;
    c.root = g.root ? g.root : default_root();
    c.ctx.state_root = c.root;
    if (cli_log_setup(&c, g.log_path, g.log_format, &err) < 0) {
        cli_report_error(&c, err);
        veil_error_free(err);
        return 1;
    }
    int rc = 1;
    if (i >= argc) {
        print_usage(stderr);
    } else {
        const cli_command_entry *e = commands;
        while (e->name && strcmp(e->name, argv[i]) != 0)
            e++;
        if (e->name && e->starts_processes && veil_exe_guard(argv, &err) < 0) {
            cli_report_error(&c, err);
            veil_error_free(err);
        } else if (e->name) {
            rc = e->run(&c, argc - i, argv + i);
        } else {
            veil_error_set(&err, 0, "unknown command \"%s\" (see veil --help)", argv[i]);
            cli_report_error(&c, err);
            veil_error_free(err);
        }
    }
    cli_log_finish(&c);
    return rc;
}
