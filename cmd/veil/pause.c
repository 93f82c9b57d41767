/* SPDX-License-Identifier: Apache-2.0 */
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
    return cli_id_command(c, &pause_cmd, argc, argv, veil_container_pause);
}
