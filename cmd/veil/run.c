/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include <veil/container.h>

#include "cli.h"

static const cli_command run_cmd = {
    .name = "run",
    .args_usage = "[command options] <container-id>",
    .summary = "create and run a container",
    .description = "   Creates and starts the container.  In the foreground veil forwards signals,\n"
                   "   relays the terminal, waits, exits with the container's status and deletes\n"
                   "   it; with --detach it returns once the container runs.",
};

int cmd_run(cli *c, int argc, char **argv)
{
    veil_run_options o = {.create.bundle = "."};
    const cli_opt opts[] = {
        {"bundle", 'b', OPT_STRING, &o.create.bundle, "DIR",
         "path to the root of the bundle directory"},
        {"console-socket", 0, OPT_STRING, &o.create.console_socket, "PATH",
         "unix socket that receives the pty master of the container"},
        {"detach", 'd', OPT_BOOL, &o.detach, NULL, "detach from the container's process"},
        {"keep", 0, OPT_BOOL, &o.keep, NULL, "do not delete the container after it exits"},
        {"pid-file", 0, OPT_STRING, &o.create.pid_file, "PATH", "file to write the init pid to"},
        {"no-pivot", 0, OPT_BOOL, &o.create.no_pivot, NULL,
         "do not use pivot_root (chroot instead; insecure, for ramfs only)"},
        {"no-new-keyring", 0, OPT_BOOL, &o.create.no_new_keyring, NULL,
         "do not create a new session keyring for the container"},
        {"preserve-fds", 0, OPT_UINT, &o.create.preserve_fds, "N",
         "pass N additional file descriptors (3..3+N-1) to the container"},
        {"no-subreaper", 0, OPT_IGNORED_BOOL, NULL, NULL, NULL},
        {"pidfd-socket", 0, OPT_IGNORED_STRING, NULL, NULL, NULL},
        {NULL, 0, 0, NULL, NULL, NULL},
    };
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    int status = 0;
    int r = cli_parse(&run_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = cli_check_args(&run_cmd, npos, 1, 1, &err);
    if (r == 0) {
        o.create.id = pos[0];
        r = veil_container_run(&c->ctx, &o, &status, &err);
    }
    free(pos);
    if (r < 0) {
        cli_report_error(c, err);
        veil_error_free(err);
        return status ? status : 1;
    }
    return status;
}
