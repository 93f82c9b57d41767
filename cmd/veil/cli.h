/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* The veil CLI: flags, logging and the command table.  No container logic. */
#include <stdbool.h>
#include <stddef.h>

#include <veil/veil.h>

typedef struct cli {
    veil_context ctx;
    const char *root;       /* --root, or the default */
    const char *log_path;   /* --log */
    bool log_json;          /* --log-format json */
    int log_fd;             /* -1: stderr */
    char **log_pending;     /* warnings held back from the log file (log.c) */
    size_t log_pending_len;
    const char *argv0;
} cli;

/* ---- flags (args.c) ---------------------------------------------------- */

typedef enum cli_opt_type {
    OPT_BOOL,    /* bool *; --x, --x=true|false */
    OPT_STRING,  /* const char **; --x V, --x=V, -x V */
    OPT_UINT,    /* unsigned *; decimal */
    OPT_STRINGS, /* cli_strlist *; repeatable */
    OPT_TRIBOOL, /* int *; like OPT_BOOL, but the caller's -1 stays when absent */
    OPT_IGNORED_BOOL,   /* accepted and ignored (runc compatibility) */
    OPT_IGNORED_STRING, /* accepted with a value and ignored */
} cli_opt_type;

typedef struct cli_strlist {
    const char **v;
    size_t n;
} cli_strlist;

typedef struct cli_opt {
    const char *name;  /* long name without dashes */
    char short_name;   /* 0 if none */
    cli_opt_type type;
    void *target;
    const char *arg_name; /* "PATH" in the help */
    const char *help;     /* NULL: hidden from the help */
} cli_opt;

typedef struct cli_command {
    const char *name;
    const char *args_usage; /* "[command options] <container-id>" */
    const char *summary;
    const char *description; /* may be NULL */
    /* true: flags end at the first positional argument (exec, ps) */
    bool stop_at_positional;
} cli_command;

/* Parses argv[1..] (argv[0] is the command name) against opts.  The
 * remaining positional arguments are returned in *pos / *npos (pointers into
 * argv).  Returns 0, 1 when help was printed (the caller exits 0), or -1 with
 * *err set ("flag provided but not defined: -x"). */
int cli_parse(const cli_command *cmd, const cli_opt *opts, int argc, char **argv, char ***pos,
              int *npos, veil_error **err);
void cli_print_help(const cli_command *cmd, const cli_opt *opts);
void cli_strlist_free(cli_strlist *l);
/* cli_parse, then the positional count check: 0, 1 (help printed) or -1. */
int cli_parse_args(const cli_command *cmd, const cli_opt *opts, int argc, char **argv, int min,
                   int max, char ***pos, int *npos, veil_error **err);
/* The command's exit status for r (< 0: failed, err reported and freed). */
int cli_exit(cli *c, int r, veil_error *err);
/* The whole of a command that takes one container id and no flag. */
int cli_id_command(cli *c, const cli_command *cmd, int argc, char **argv,
                   int (*fn)(const veil_context *ctx, const char *id, veil_error **err));
/* Checks the count of positional arguments; error in runc's words. */
int cli_check_args(const cli_command *cmd, int npos, int min, int max, veil_error **err);

/* The global flags, before the subcommand (runc's and crun's). */
typedef struct cli_globals {
    const char *root;       /* NULL: the default */
    const char *log_path;
    const char *log_format;
    bool debug;
    bool systemd_cgroup;
    bool no_cgroups;        /* --cgroup-manager disabled */
    bool rootless;
    bool version;           /* --version / -v: print it and exit */
    bool help;              /* --help / -h */
} cli_globals;

/* Parses the global flags of argv[1..]: the same syntax as command flags;
 * --criu is accepted and ignored (no checkpoint/restore).  Returns the index
 * of the subcommand (argc when there is none; earlier when --version or
 * --help stopped the parse), or -1 with *err set. */
int cli_parse_globals(int argc, char **argv, cli_globals *g, veil_error **err);

/* ---- logging (log.c) --------------------------------------------------- */

int cli_log_setup(cli *c, const char *path, const char *format, veil_error **err);
/* Reports a failure: the log (json or text) and, plainly, stderr.  A failed
 * command writes exactly ONE line to a log file (podman decodes the whole
 * file as one JSON object): warnings held back so far go to stderr instead. */
void cli_report_error(cli *c, const veil_error *err);
/* End of a command that did not fail: writes the held-back warnings to the
 * log file, closes it. */
void cli_log_finish(cli *c);
void cli_log_callback(void *data, veil_log_level level, const char *msg);

/* ---- commands ------------------------------------------------------------ */

typedef int (*cli_command_fn)(cli *c, int argc, char **argv);

typedef struct cli_command_entry {
    const char *name;
    cli_command_fn run;
    const char *summary;
    bool starts_processes; /* runs veil's image in a container: veil_exe_guard first */
} cli_command_entry;

/* One function per command, each in its own file: <name>.c.  They return
 * the process exit status and report errors through cli_report_error. */
int cmd_spec(cli *c, int argc, char **argv);
int cmd_features(cli *c, int argc, char **argv);
int cmd_plan(cli *c, int argc, char **argv);
int cmd_create(cli *c, int argc, char **argv);
int cmd_start(cli *c, int argc, char **argv);
int cmd_run(cli *c, int argc, char **argv);
int cmd_exec(cli *c, int argc, char **argv);
int cmd_state(cli *c, int argc, char **argv);
int cmd_kill(cli *c, int argc, char **argv);
int cmd_delete(cli *c, int argc, char **argv);
int cmd_list(cli *c, int argc, char **argv);
int cmd_pause(cli *c, int argc, char **argv);
int cmd_resume(cli *c, int argc, char **argv);
int cmd_update(cli *c, int argc, char **argv);
int cmd_ps(cli *c, int argc, char **argv);
int cmd_events(cli *c, int argc, char **argv);

/* Prints the --version text. */
void cli_print_version(void);
