/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <veil/container.h>

#include "cli.h"
#include "spec/json.h"

static const cli_command list_cmd = {
    .name = "list",
    .args_usage = "[command options]",
    .summary = "list the containers",
};

static int print_json(veil_container_state **v, size_t n)
{
    vj_writer *w = vj_writer_new(false);
    if (w == NULL)
        return -1;
    vj_w_array_open(w);
    for (size_t i = 0; i < n; i++) {
        const veil_container_state *s = v[i];
        vj_w_object_open(w);
        vj_w_kstr(w, "ociVersion", s->oci_version ? s->oci_version : "1.3.0");
        vj_w_kstr(w, "id", s->id);
        vj_w_ki64(w, "pid", s->pid);
        vj_w_kstr(w, "status", veil_status_name(s->status));
        vj_w_kstr(w, "bundle", s->bundle);
        vj_w_kstr(w, "rootfs", s->rootfs);
        vj_w_kstr(w, "created", s->created);
        if (s->annotations.n) {
            vj_w_key(w, "annotations");
            vj_w_object_open(w);
            for (size_t k = 0; k < s->annotations.n; k++)
                vj_w_kstr(w, s->annotations.items[k].key, s->annotations.items[k].value);
            vj_w_object_close(w);
        }
        vj_w_kstr(w, "owner", s->owner ? s->owner : "");
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
    const char *buf;
    size_t len;
    int r = -1;
    if (vj_writer_result(w, &buf, &len)) {
        fwrite(buf, 1, len, stdout);
        fputc('\n', stdout);
        r = 0;
    }
    vj_writer_free(w);
    return r;
}

int cmd_list(cli *c, int argc, char **argv)
{
    const char *format = "table";
    bool quiet = false;
    const cli_opt opts[] = {
        {"format", 'f', OPT_STRING, &format, "FORMAT", "table or json"},
        {"quiet", 'q', OPT_BOOL, &quiet, NULL, "print only the container ids"},
        {NULL, 0, 0, NULL, NULL, NULL},
    };
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    veil_container_state **v = NULL;
    size_t n = 0;
    int r = cli_parse(&list_cmd, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r == 0)
        r = cli_check_args(&list_cmd, npos, 0, 0, &err);
    if (r == 0 && strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        r = veil_error_set(&err, 0, "invalid format option \"%s\" (use table or json)", format);
    if (r == 0)
        r = veil_container_list(&c->ctx, &v, &n, &err);
    free(pos);
    if (r < 0)
        return cli_exit(c, r, err);
    if (quiet) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", v[i]->id);
    } else if (strcmp(format, "json") == 0) {
        print_json(v, n);
    } else {
        printf("%-12s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
               "OWNER");
        for (size_t i = 0; i < n; i++)
            printf("%-12s %-8d %-10s %-40s %-31s %s\n", v[i]->id, (int)v[i]->pid,
                   veil_status_name(v[i]->status), v[i]->bundle, v[i]->created,
                   v[i]->owner ? v[i]->owner : "");
    }
    for (size_t i = 0; i < n; i++)
        veil_container_state_free(v[i]);
    free(v);
    return 0;
}
