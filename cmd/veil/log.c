/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime's log: --log FILE (appended to, as runc does) in text or json
 * format.  JSON lines are {"level":..,"msg":..,"time":..}, the shape that
 * containerd's shim and podman read back.  Errors are also printed, plainly,
 * on stderr.
 *
 * Warnings meant for a log file are held until the command ends: podman reads
 * the log of a failed create as ONE JSON object, so a failing command must
 * leave exactly one line (its error) there; its warnings go to stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spec/json.h"

static const char *level_name(veil_log_level l)
{
    switch (l) {
    case VEIL_LOG_ERROR:
        return "error";
    case VEIL_LOG_WARNING:
        return "warning";
    case VEIL_LOG_INFO:
        return "info";
    case VEIL_LOG_DEBUG:
        return "debug";
    }
    return "info";
}

int cli_log_setup(cli *c, const char *path, const char *format, veil_error **err)
{
    c->log_fd = -1;
    c->log_json = false;
    if (format) {
        if (strcmp(format, "json") == 0)
            c->log_json = true;
        else if (strcmp(format, "text") != 0)
            return veil_error_set(err, 0, "invalid log format \"%s\" (use text or json)", format);
    }
    if (path && *path) {
        /* crun accepts "file:PATH" too */
        if (strncmp(path, "file:", 5) == 0)
            path += 5;
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
            return veil_error_set(err, errno, "open log file %s", path);
        c->log_fd = fd;
        c->log_path = path;
    }
    return 0;
}

static void format_time(char *buf, size_t len)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%06ldZ", base, (long)tv.tv_usec);
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        buf += w;
        len -= (size_t)w;
    }
}

/* One log line in the configured format (malloc'd, with its newline). */
static char *format_line(bool json, veil_log_level level, const char *msg, size_t *len)
{
    char when[64];
    format_time(when, sizeof(when));
    char *line = NULL;
    if (json) {
        vj_writer *w = vj_writer_new(false);
        if (w == NULL)
            return NULL;
        vj_w_object_open(w);
        vj_w_kstr(w, "level", level_name(level));
        vj_w_kstr(w, "msg", msg);
        vj_w_kstr(w, "time", when);
        vj_w_object_close(w);
        return vj_writer_finish(w, true, len);
    }
    int n = asprintf(&line, "time=\"%s\" level=%s msg=\"%s\"\n", when, level_name(level), msg);
    if (n < 0)
        return NULL;
    *len = (size_t)n;
    return line;
}

static void log_line(cli *c, int fd, veil_log_level level, const char *msg)
{
    size_t len = 0;
    char *line = format_line(c->log_json && fd == c->log_fd, level, msg, &len);
    if (line)
        write_all(fd, line, len);
    free(line);
}

static void hold(cli *c, const char *msg)
{
    char **p = realloc(c->log_pending, (c->log_pending_len + 1) * sizeof(*p));
    if (p == NULL)
        return;
    c->log_pending = p;
    if ((p[c->log_pending_len] = strdup(msg)) != NULL)
        c->log_pending_len++;
}

/* Writes the held-back warnings to fd (the log file, or stderr as text). */
static void release(cli *c, int fd)
{
    for (size_t i = 0; i < c->log_pending_len; i++) {
        if (fd >= 0)
            log_line(c, fd, VEIL_LOG_WARNING, c->log_pending[i]);
        free(c->log_pending[i]);
    }
    free(c->log_pending);
    c->log_pending = NULL;
    c->log_pending_len = 0;
}

void cli_log_callback(void *data, veil_log_level level, const char *msg)
{
    cli *c = data;
    if (level == VEIL_LOG_DEBUG && !c->ctx.debug)
        return;
    if (level == VEIL_LOG_INFO && !c->ctx.debug)
        return;
    if (c->log_fd < 0) {
        log_line(c, STDERR_FILENO, level, msg);
        return;
    }
    /* debug output is asked for and wanted as it happens; warnings wait */
    if (level == VEIL_LOG_WARNING)
        hold(c, msg);
    else
        log_line(c, c->log_fd, level, msg);
}

void cli_report_error(cli *c, const veil_error *err)
{
    const char *msg = err && err->msg ? err->msg : "unknown error";
    if (c->log_fd >= 0) {
        release(c, STDERR_FILENO);
        log_line(c, c->log_fd, VEIL_LOG_ERROR, msg);
    }
    char *line = NULL;
    int n = asprintf(&line, "%s\n", msg);
    if (n > 0)
        write_all(STDERR_FILENO, line, (size_t)n);
    free(line);
}

void cli_log_finish(cli *c)
{
    release(c, c->log_fd);
    if (c->log_fd >= 0)
        close(c->log_fd);
    c->log_fd = -1;
}

int cli_exit(cli *c, int r, veil_error *err)
{
    if (r >= 0)
        return 0;
    cli_report_error(c, err);
    veil_error_free(err);
    return 1;
}

int cli_id_command(cli *c, const cli_command *cmd, int argc, char **argv,
                   int (*fn)(const veil_context *ctx, const char *id, veil_error **err))
{
    const cli_opt opts[] = {{NULL, 0, 0, NULL, NULL, NULL}};
    char **pos = NULL;
    int npos = 0;
    veil_error *err = NULL;
    int r = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos, &npos, &err);
    if (r == 0)
        r = fn(&c->ctx, pos[0], &err);
    free(pos);
    return r == 1 ? 0 : cli_exit(c, r, err);
}
