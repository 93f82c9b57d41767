/* SPDX-License-Identifier: Apache-2.0 */
#include <veil/container.h>

#include "cli.h"

static const cli_command resume_cmd = {
    .name = "resume",
    .args_usage = "<container-id>",
    .summary = "resume the processes of a paused container",
    .description = "   Thaws the processes of a container that \"veil pause\" froze.",
};

int cmd_resume(cli *c, int argc, char **argv)
{
    return cli_id_command(c, &resume_cmd, argc, argv, veil_container_resume);
}
