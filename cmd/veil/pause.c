/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include <veil/container.h>

#include "cli.h"

static const cli_command pause_cmd = {
    .name = "pause",
    .args_usage = "<container-id>",
    .summary = "suspend every process of the container",
    .description = "   Freezes every process of the container (the cgroup freezer: freezer.state\n"
                   "   on cgroup v1, cgroup.freeze on v2).  The container must be created or\n"
                   "   running; its status is \"paused\" until \"veil resume\".",
};

int cmd_pause(cli *c, int argc, char **argv)
{
    const cli_opt opts[] = {{NULL, 0, 0, NULL, NULL, NULL}};
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    int r = cli_parse(&pause_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = cli_check_args(&pause_cmd, npos, 1, 1, &err);
    if (r == 0)
        r = veil_container_pause(&c->ctx, pos[0], &err);
    free(pos);
    if (r < 0) {
        cli_report_error(c, err);
        veil_error_free(err);
        return 1;
    }
    return 0;
}
