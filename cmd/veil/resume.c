/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

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
    const cli_opt opts[] = {{NULL, 0, 0, NULL, NULL, NULL}};
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    int r = cli_parse(&resume_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = cli_check_args(&resume_cmd, npos, 1, 1, &err);
    if (r == 0)
        r = veil_container_resume(&c->ctx, pos[0], &err);
    free(pos);
    if (r < 0) {
        cli_report_error(c, err);
        veil_error_free(err);
        return 1;
    }
    return 0;
}
