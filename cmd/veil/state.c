/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include <veil/container.h>

#include "cli.h"

static const cli_command state_cmd = {
    .name = "state",
    .args_usage = "<container-id>",
    .summary = "output the state of a container",
};

int cmd_state(cli *c, int argc, char **argv)
{
    const cli_opt opts[] = {{NULL, 0, 0, NULL, NULL, NULL}};
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    veil_container_state *s = NULL;
    char *json = NULL;
    int r = cli_parse(&state_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = cli_check_args(&state_cmd, npos, 1, 1, &err);
    if (r == 0)
        r = veil_container_get_state(&c->ctx, pos[0], &s, &err);
    if (r == 0 && (json = veil_container_state_to_json(s, true, &err)) == NULL)
        r = -1;
    free(pos);
    veil_container_state_free(s);
    if (r < 0)
        return cli_exit(c, r, err);
    printf("%s\n", json);
    free(json);
    return 0;
}
