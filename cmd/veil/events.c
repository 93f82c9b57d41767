/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include <veil/container.h>

#include "cli.h"
#include "util/units.h"

static const cli_command events_cmd = {
    .name = "events",
    .args_usage = "[command options] <container-id>",
    .summary = "display container events such as OOM notifications and usage statistics",
    .description =
        "   Prints one JSON object per line: {\"type\":\"stats\",\"id\":...,\"data\":{...}}\n"
        "   every interval (default 5s) and {\"type\":\"oom\",\"id\":...} when the kernel\n"
        "   kills a process of the container for lack of memory, until the container\n"
        "   has no process left.  --stats prints the statistics once and exits.",
};

int cmd_events(cli *c, int argc, char **argv)
{
    const char *interval = "5s";
    bool stats = false;
    const cli_opt opts[] = {
        {"interval", 0, OPT_STRING, &interval, "DURATION",
         "statistics interval: \"5s\", \"500ms\", or seconds"},
        {"stats", 0, OPT_BOOL, &stats, NULL, "display the container's stats then exit"},
        {NULL, 0, 0, NULL, NULL, NULL},
    };
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    veil_events *ev = NULL;
    uint64_t ns = 0;
    int r = cli_parse(&events_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = cli_check_args(&events_cmd, npos, 1, 1, &err);
    if (r == 0 && veil_parse_duration(interval, &ns, &err) < 0)
        r = veil_error_prefix(&err, "invalid value for --interval");
    if (r == 0 && ns == 0)
        r = veil_error_set(&err, 0, "duration interval must be greater than 0");
    if (r == 0)
        r = veil_events_open(&c->ctx, pos[0], &ev, &err);
    if (r == 0 && stats) {
        char *json = veil_events_stats(ev, &err);
        if (json == NULL)
            r = -1;
        else
            printf("%s\n", json);
        free(json);
    } else if (r == 0) {
        char *json = NULL;
        while ((r = veil_events_next(ev, ns, &json, &err)) == 1) {
            printf("%s\n", json);
            fflush(stdout);
            free(json);
        }
    }
    veil_events_free(ev);
    free(pos);
    return cli_exit(c, r, err);
}
