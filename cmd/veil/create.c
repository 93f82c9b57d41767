/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include <veil/container.h>

#include "cli.h"

static const cli_command create_cmd = {
    .name = "create",
    .args_usage = "[command options] <container-id>",
    .summary = "create a container",
    .description = "   Creates the container from the bundle and returns once its init waits for\n"
                   "   \"veil start\".  <container-id> must be unique on the host.",
};

int cmd_create(cli *c, int argc, char **argv)
{
    veil_create_options o = {.bundle = "."};
    const cli_opt opts[] = {
        {"bundle", 'b', OPT_STRING, &o.bundle, "DIR", "path to the root of the bundle directory"},
        {"console-socket", 0, OPT_STRING, &o.console_socket, "PATH",
         "unix socket that receives the pty master of the container"},
        {"pid-file", 0, OPT_STRING, &o.pid_file, "PATH", "file to write the init pid to"},
        {"no-pivot", 0, OPT_BOOL, &o.no_pivot, NULL,
         "do not use pivot_root (chroot instead; insecure, for ramfs only)"},
        {"no-new-keyring", 0, OPT_BOOL, &o.no_new_keyring, NULL,
         "do not create a new session keyring for the container"},
        {"preserve-fds", 0, OPT_UINT, &o.preserve_fds, "N",
         "pass N additional file descriptors (3..3+N-1) to the container"},
        {"pidfd-socket", 0, OPT_IGNORED_STRING, NULL, NULL, NULL},
        {NULL, 0, 0, NULL, NULL, NULL},
    };
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    int r = cli_parse_args(&create_cmd, opts, argc, argv, 1, 1, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0) {
        o.id = pos[0];
        r = veil_container_create(&c->ctx, &o, NULL, &err);
    }
    free(pos);
    return cli_exit(c, r, err);
}
