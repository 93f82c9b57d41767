/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include <veil/container.h>

#include "cli.h"

static const cli_command start_cmd = {
    .name = "start",
    .args_usage = "<container-id>",
    .summary = "start a created container",
};

int cmd_start(cli *c, int argc, char **argv)
{
    const cli_opt opts[] = {{NULL, 0, 0, NULL, NULL, NULL}};
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    int r = cli_parse(&start_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = cli_check_args(&start_cmd, npos, 1, 1, &err);
    if (r == 0)
        r = veil_container_start(&c->ctx, pos[0], &err);
    free(pos);
    if (r < 0) {
        cli_report_error(c, err);
        veil_error_free(err);
        return 1;
    }
    return 0;
}
