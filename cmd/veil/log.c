/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime's log: --log FILE (appended to, as runc does) in text or json
 * format.  JSON lines are {"level":..,"msg":..,"time":..}, the shape that
 * containerd's shim and podman read back.  Errors are also printed, plainly,
 * on stderr.
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

static void log_line(cli *c, int fd, veil_log_level level, const char *msg)
{
    char when[64];
    format_time(when, sizeof(when));
    if (c->log_json) {
        vj_writer *w = vj_writer_new(false);
        if (w == NULL)
            return;
        vj_w_object_open(w);
        vj_w_kstr(w, "level", level_name(level));
        vj_w_kstr(w, "msg", msg);
        vj_w_kstr(w, "time", when);
        vj_w_object_close(w);
        const char *buf;
        size_t len;
        if (vj_writer_result(w, &buf, &len)) {
            char *line = malloc(len + 1);
            if (line) {
                memcpy(line, buf, len);
                line[len] = '\n';
                write_all(fd, line, len + 1);
                free(line);
            }
        }
        vj_writer_free(w);
        return;
    }
    char *line = NULL;
    int n = asprintf(&line, "time=\"%s\" level=%s msg=\"%s\"\n", when, level_name(level), msg);
    if (n > 0)
        write_all(fd, line, (size_t)n);
    free(line);
}

void cli_log_callback(void *data, veil_log_level level, const char *msg)
{
    cli *c = data;
    if (level == VEIL_LOG_DEBUG && !c->ctx.debug)
        return;
    if (level == VEIL_LOG_INFO && !c->ctx.debug)
        return;
    log_line(c, c->log_fd >= 0 ? c->log_fd : STDERR_FILENO, level, msg);
}

void cli_report_error(cli *c, const veil_error *err)
{
    const char *msg = err && err->msg ? err->msg : "unknown error";
    if (c->log_fd >= 0)
        log_line(c, c->log_fd, VEIL_LOG_ERROR, msg);
    char *line = NULL;
    int n = asprintf(&line, "%s\n", msg);
    if (n > 0)
        write_all(STDERR_FILENO, line, (size_t)n);
    free(line);
}
