/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include <veil/container.h>

#include "cli.h"

static const cli_command delete_cmd = {
    .name = "delete",
    .args_usage = "[command options] <container-id>",
    .summary = "delete a container and what veil made for it",
};

int cmd_delete(cli *c, int argc, char **argv)
{
    bool force = false;
    const cli_opt opts[] = {
        {"force", 'f', OPT_BOOL, &force, NULL,
         "kill the container first if it is running or paused"},
        {NULL, 0, 0, NULL, NULL, NULL},
    };
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    int r = cli_parse_args(&delete_cmd, opts, argc, argv, 1, 1, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = veil_container_delete(&c->ctx, pos[0], force, &err);
    free(pos);
    return cli_exit(c, r, err);
}
