/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flag parsing the way runc's urfave/cli accepts it: --x=v and --x v,
 * single-dash long flags (-bundle), short flags (-b v), bools as --x or
 * --x=true|false, "--" ends the flags.  Unless the command says otherwise,
 * flags may also follow positional arguments (urfave/cli reorders them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const cli_opt *find_long(const cli_opt *opts, const char *name, size_t len)
{
    for (const cli_opt *o = opts; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static const cli_opt *find_short(const cli_opt *opts, char c)
{
    for (const cli_opt *o = opts; o && o->name; o++)
        if (o->short_name && o->short_name == c)
            return o;
    return NULL;
}

static bool takes_value(const cli_opt *o)
{
    return o->type == OPT_STRING || o->type == OPT_UINT || o->type == OPT_STRINGS ||
           o->type == OPT_IGNORED_STRING;
}

static int set_value(const cli_opt *o, const char *flag, const char *value, veil_error **err)
{
    switch (o->type) {
    case OPT_BOOL:
    case OPT_TRIBOOL:
    case OPT_IGNORED_BOOL: {
        bool v = true;
        if (value) {
            if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
                v = true;
            else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
                v = false;
            else
                return veil_error_set(err, 0, "invalid boolean value \"%s\" for flag %s", value,
                                      flag);
        }
        if (o->type == OPT_BOOL)
            *(bool *)o->target = v;
        else if (o->type == OPT_TRIBOOL)
            *(int *)o->target = v;
        return 0;
    }
    case OPT_STRING:
        *(const char **)o->target = value;
        return 0;
    case OPT_IGNORED_STRING:
        return 0;
    case OPT_UINT: {
        char *end = NULL;
        errno = 0;
        unsigned long v = strtoul(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-' || v > 0x7fffffffUL)
            return veil_error_set(err, 0, "invalid value \"%s\" for flag %s", value, flag);
        *(unsigned *)o->target = (unsigned)v;
        return 0;
    }
    case OPT_STRINGS: {
        cli_strlist *l = o->target;
        const char **nv = realloc(l->v, (l->n + 2) * sizeof(*nv));
        if (nv == NULL)
            return veil_error_set(err, ENOMEM, "parse flags");
        l->v = nv;
        l->v[l->n++] = value;
        l->v[l->n] = NULL;
        return 0;
    }
    }
    return 0;
}

void cli_strlist_free(cli_strlist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

int cli_parse(const cli_command *cmd, const cli_opt *opts, int argc, char **argv, char ***pos,
              int *npos, veil_error **err)
{
    char **out = calloc((size_t)argc + 1, sizeof(*out));
    if (out == NULL)
        return veil_error_set(err, ENOMEM, "parse flags");
    int n = 0;
    bool flags_done = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (flags_done || a[0] != '-' || a[1] == '\0') {
            out[n++] = a;
            if (cmd->stop_at_positional)
                flags_done = true;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            flags_done = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "-help") == 0) {
            cli_print_help(cmd, opts);
            free(out);
            return 1;
        }
        const char *name = a + 1 + (a[1] == '-');
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_opt *o = NULL;
        if (a[1] != '-' && len == 1)
            o = find_short(opts, name[0]);
        if (o == NULL)
            o = find_long(opts, name, len);
        if (o == NULL) {
            free(out);
            return veil_error_set(err, 0, "flag provided but not defined: -%.*s", (int)len, name);
        }
        const char *value = eq ? eq + 1 : NULL;
        if (takes_value(o) && value == NULL) {
            if (i + 1 >= argc) {
                free(out);
                return veil_error_set(err, 0, "flag needs an argument: %s", a);
            }
            value = argv[++i];
        }
        if (set_value(o, a, value, err) < 0) {
            free(out);
            return -1;
        }
    }
    out[n] = NULL;
    *pos = out;
    *npos = n;
    return 0;
}

int cli_check_args(const cli_command *cmd, int npos, int min, int max, veil_error **err)
{
    if (npos < min) {
        if (min == max)
            return veil_error_set(err, 0, "\"%s\" requires exactly %d argument(s)", cmd->name, min);
        return veil_error_set(err, 0, "\"%s\" requires a minimum of %d argument(s)", cmd->name,
                              min);
    }
    if (max >= 0 && npos > max) {
        if (min == max)
            return veil_error_set(err, 0, "\"%s\" requires exactly %d argument(s)", cmd->name, min);
        return veil_error_set(err, 0, "\"%s\" requires a maximum of %d argument(s)", cmd->name,
                              max);
    }
    return 0;
}

void cli_print_help(const cli_command *cmd, const cli_opt *opts)
{
    printf("NAME:\n   veil %s - %s\n\nUSAGE:\n   veil %s %s\n", cmd->name, cmd->summary, cmd->name,
           cmd->args_usage ? cmd->args_usage : "[command options]");
    if (cmd->description)
        printf("\nDESCRIPTION:\n%s\n", cmd->description);
    bool any = false;
    for (const cli_opt *o = opts; o && o->name; o++) {
        if (o->help == NULL)
            continue;
        if (!any)
            printf("\nOPTIONS:\n");
        any = true;
        char left[96];
        if (o->short_name)
            snprintf(left, sizeof(left), "--%s%s%s, -%c", o->name, takes_value(o) ? " " : "",
                     takes_value(o) ? (o->arg_name ? o->arg_name : "value") : "", o->short_name);
        else
            snprintf(left, sizeof(left), "--%s%s%s", o->name, takes_value(o) ? " " : "",
                     takes_value(o) ? (o->arg_name ? o->arg_name : "value") : "");
        printf("   %-32s %s\n", left, o->help);
    }
    printf("   %-32s %s\n", "--help, -h", "show help");
}

/* --name, -name, --name=V, -name=V: true with *value NULL or the text after '='. */
static bool global_flag(const char *arg, const char *name, const char **value)
{
    const char *p = arg + 1 + (arg[1] == '-');
    size_t n = strlen(name);
    if (strncmp(p, name, n) != 0 || (p[n] != '\0' && p[n] != '='))
        return false;
    *value = p[n] == '=' ? p + n + 1 : NULL;
    return true;
}

static int global_bool(const char *v, const char *flag, bool *out, veil_error **err)
{
    if (v == NULL || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = false;
    else
        return veil_error_set(err, 0, "invalid boolean value \"%s\" for flag %s", v, flag);
    return 0;
}

int cli_parse_globals(int argc, char **argv, cli_globals *g, veil_error **err)
{
    static const char *const with_value[] = {"root", "log", "log-format", "log-level",
                                             "rootless", "cgroup-manager", "criu", NULL};
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--") == 0)
            return i + 1;
        if (strcmp(a, "-v") == 0 || global_flag(a, "version", &v)) {
            g->version = true;
            return i;
        }
        if (strcmp(a, "-h") == 0 || global_flag(a, "help", &v)) {
            g->help = true;
            return i;
        }
        const char *name = NULL;
        for (const char *const *w = with_value; *w; w++)
            if (global_flag(a, *w, &v)) {
                name = *w;
                break;
            }
        if (name) {
            if (v == NULL) {
                if (i + 1 >= argc)
                    return veil_error_set(err, 0, "flag needs an argument: %s", a);
                v = argv[++i];
            }
            if (strcmp(name, "root") == 0) {
                g->root = v;
            } else if (strcmp(name, "log") == 0) {
                g->log_path = v;
            } else if (strcmp(name, "log-format") == 0) {
                g->log_format = v;
            } else if (strcmp(name, "log-level") == 0) {
                if (strcmp(v, "debug") == 0)
                    g->debug = true;
            } else if (strcmp(name, "rootless") == 0) {
                if (strcmp(v, "auto") == 0)
                    g->rootless = geteuid() != 0;
                else if (global_bool(v, a, &g->rootless, err) < 0)
                    return -1;
            } else if (strcmp(name, "cgroup-manager") == 0) {
                if (strcmp(v, "systemd") == 0) {
                    g->systemd_cgroup = true;
                } else if (strcmp(v, "disabled") == 0) {
                    g->no_cgroups = true;
                } else if (strcmp(v, "cgroupfs") != 0) {
                    return veil_error_set(err, 0,
                                          "unknown cgroup manager \"%s\" (use cgroupfs, systemd "
                                          "or disabled)",
                                          v);
                }
            }
            /* criu: checkpoint/restore is not supported; the flag is harmless */
            continue;
        }
        if (global_flag(a, "debug", &v)) {
            if (global_bool(v, a, &g->debug, err) < 0)
                return -1;
        } else if (global_flag(a, "systemd-cgroup", &v)) {
            if (global_bool(v, a, &g->systemd_cgroup, err) < 0)
                return -1;
        } else {
            const char *n = a + 1 + (a[1] == '-');
            return veil_error_set(err, 0, "flag provided but not defined: -%.*s",
                                  (int)strcspn(n, "="), n);
        }
    }
    return i;
}

int cli_parse_args(const cli_command *cmd, const cli_opt *opts, int argc, char **argv, int min,
                   int max, char ***pos, int *npos, veil_error **err)
{
    int r = cli_parse(cmd, opts, argc, argv, pos, npos, err);
    if (r == 0 && cli_check_args(cmd, *npos, min, max, err) < 0)
        r = -1;
    return r;
}
