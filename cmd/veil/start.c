/* SPDX-License-Identifier: Apache-2.0 */
#include <veil/container.h>

#include "cli.h"

static const cli_command start_cmd = {
    .name = "start",
    .args_usage = "<container-id>",
    .summary = "start a created container",
};

int cmd_start(cli *c, int argc, char **argv)
{
    return cli_id_command(c, &start_cmd, argc, argv, veil_container_start);
}
