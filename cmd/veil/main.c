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
    {"exec", cmd_exec, "execute a new process inside the container", true},
    {"features", cmd_features, "show the enabled features", false},
    {"kill", cmd_kill, "send a signal to the container's init process", false},
    {"list", cmd_list, "list the containers started by veil with the given root", false},
    {"plan", cmd_plan, "print the plan veil would follow for a bundle, as JSON", false},
    {"run", cmd_run, "create and run a container", true},
    {"spec", cmd_spec, "create a new specification file", false},
    {"start", cmd_start, "execute the user-defined process in a created container", false},
    {"state", cmd_state, "output the state of a container", false},
    {NULL, NULL, NULL, false},
};

void cli_print_version(void)
{
    printf("veil version %s\ncommit: %s\nspec: %s\n", VEIL_VERSION, VEIL_COMMIT, VEIL_SPEC_VERSION);
    /* Build features, crun style.  A tag is listed only once the feature
     * works end to end (add +CAP, +SECCOMP, +MNL... as the applier lands). */
    printf("+YAJL\n");
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

/* Global flags: the same syntax rules as command flags (args.c). */
static bool match(const char *arg, const char *name, const char **value)
{
    const char *p = arg;
    if (*p != '-')
        return false;
    p++;
    if (*p == '-')
        p++;
    size_t n = strlen(name);
    if (strncmp(p, name, n) != 0)
        return false;
    if (p[n] == '\0') {
        *value = NULL;
        return true;
    }
    if (p[n] == '=') {
        *value = p + n + 1;
        return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    cli c = {.log_fd = -1, .argv0 = argv[0]};
    c.ctx.log = cli_log_callback;
    c.ctx.log_data = &c;
    const char *log_path = NULL, *log_format = NULL;
    veil_error *err = NULL;

    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v = NULL;
#define NEEDVAL()                                                              \
    do {                                                                       \
        if (v == NULL) {                                                       \
            if (i + 1 >= argc) {                                               \
                fprintf(stderr, "flag needs an argument: %s\n", a);            \
                return 1;                                                      \
            }                                                                  \
            v = argv[++i];                                                     \
        }                                                                      \
    } while (0)
        if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0 || strcmp(a, "-version") == 0) {
            cli_print_version();
            return 0;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "-help") == 0) {
            print_usage(stdout);
            return 0;
        } else if (match(a, "root", &v)) {
            NEEDVAL();
            c.root = v;
        } else if (match(a, "log", &v)) {
            NEEDVAL();
            log_path = v;
        } else if (match(a, "log-format", &v)) {
            NEEDVAL();
            log_format = v;
        } else if (match(a, "log-level", &v)) {
            NEEDVAL();
            if (strcmp(v, "debug") == 0)
                c.ctx.debug = true;
        } else if (match(a, "debug", &v)) {
            c.ctx.debug = v == NULL || strcmp(v, "true") == 0;
        } else if (match(a, "systemd-cgroup", &v)) {
            c.ctx.systemd_cgroup = v == NULL || strcmp(v, "true") == 0;
        } else if (match(a, "rootless", &v)) {
            NEEDVAL();
            c.ctx.rootless = strcmp(v, "true") == 0 || (strcmp(v, "auto") == 0 && geteuid() != 0);
        } else if (match(a, "cgroup-manager", &v)) {
            NEEDVAL();
            if (strcmp(v, "systemd") == 0)
                c.ctx.systemd_cgroup = true;
            else if (strcmp(v, "disabled") == 0)
                c.ctx.no_cgroups = true;
            else if (strcmp(v, "cgroupfs") != 0) {
                fprintf(stderr, "unknown cgroup manager \"%s\" (use cgroupfs, systemd or disabled)\n", v);
                return 1;
            }
        } else if (match(a, "criu", &v)) {
            NEEDVAL(); /* checkpoint/restore is not supported; the flag is accepted */
        } else {
            fprintf(stderr, "flag provided but not defined: %s\n", a);
            print_usage(stderr);
            return 1;
        }
#undef NEEDVAL
    }
    if (c.root == NULL)
        c.root = default_root();
    c.ctx.state_root = c.root;
    if (cli_log_setup(&c, log_path, log_format, &err) < 0) {
        cli_report_error(&c, err);
        veil_error_free(err);
        return 1;
    }
    if (i >= argc) {
        print_usage(stderr);
        return 1;
    }
    const char *name = argv[i];
    for (const cli_command_entry *e = commands; e->name; e++) {
        if (strcmp(e->name, name) != 0)
            continue;
        if (e->starts_processes && veil_exe_guard(argv, &err) < 0) {
            cli_report_error(&c, err);
            veil_error_free(err);
            return 1;
        }
        return e->run(&c, argc - i, argv + i);
    }
    veil_error_set(&err, 0, "unknown command \"%s\" (see veil --help)", name);
    cli_report_error(&c, err);
    veil_error_free(err);
    return 1;
}
