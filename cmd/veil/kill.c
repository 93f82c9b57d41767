/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <stdlib.h>

#include <veil/container.h>

#include "cli.h"

static const cli_command kill_cmd = {
    .name = "kill",
    .args_usage = "[command options] <container-id> [signal]",
    .summary = "send a signal (default SIGTERM) to the container's init",
};

int cmd_kill(cli *c, int argc, char **argv)
{
    bool all = false;
    const cli_opt opts[] = {
        {"all", 'a', OPT_BOOL, &all, NULL, "send the signal to every process of the container"},
        {NULL, 0, 0, NULL, NULL, NULL},
    };
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    int sig = SIGTERM;
    int r = cli_parse_args(&kill_cmd, opts, argc, argv, 1, 2, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0 && npos == 2)
        r = veil_parse_signal(pos[1], &sig, &err);
    if (r == 0)
        r = veil_container_kill(&c->ctx, pos[0], sig, all, &err);
    free(pos);
    return cli_exit(c, r, err);
}
