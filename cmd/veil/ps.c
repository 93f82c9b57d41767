/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <veil/container.h>

#include "cli.h"

static const cli_command ps_cmd = {
    .name = "ps",
    .args_usage = "[command options] <container-id> [ps options]",
    .summary = "display the processes running inside a container",
    .description =
        "   json: the host pids of every process in the container's cgroup, as a JSON\n"
        "   array.  table: the output of ps(1) (with the given options, -ef when none)\n"
        "   cut down to those processes.  Flags end at the container id: what follows\n"
        "   is for ps.",
    .stop_at_positional = true,
};

int cmd_ps(cli *c, int argc, char **argv)
{
    const char *format = "table";
    const cli_opt opts[] = {
        {"format", 'f', OPT_STRING, &format, "FORMAT", "table or json"},
        {NULL, 0, 0, NULL, NULL, NULL},
    };
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    pid_t *pids = NULL;
    size_t n = 0;
    char *table = NULL;
    int r = cli_parse(&ps_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = cli_check_args(&ps_cmd, npos, 1, -1, &err);
    if (r == 0 && strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        r = veil_error_set(&err, 0, "invalid format option \"%s\" (use table or json)", format);
    if (r == 0)
        r = veil_container_pids(&c->ctx, pos[0], &pids, &n, &err);
    if (r == 0 && strcmp(format, "json") == 0) {
        putchar('[');
        for (size_t i = 0; i < n; i++)
            printf("%s%d", i ? "," : "", (int)pids[i]);
        puts("]");
    } else if (r == 0) {
        r = veil_ps_table((const char *const *)pos + 1, pids, n, &table, &err);
        if (r == 0)
            fputs(table, stdout);
    }
    free(table);
    free(pids);
    free(pos);
    return cli_exit(c, r, err);
}
