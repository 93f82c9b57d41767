/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * veil_context: what the caller tells the library about the run: where the
 * state lives, how to log, which cgroup manager to use.  The library keeps no
 * global mutable state; everything it needs comes through here.
 */
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum veil_log_level {
    VEIL_LOG_ERROR,
    VEIL_LOG_WARNING,
    VEIL_LOG_INFO,
    VEIL_LOG_DEBUG,
} veil_log_level;

typedef void (*veil_log_fn)(void *data, veil_log_level level, const char *msg);

typedef struct veil_context {
    const char *state_root; /* e.g. /run/veil */
    veil_log_fn log;        /* may be NULL */
    void *log_data;
    bool debug;
    bool systemd_cgroup;
    bool no_cgroups; /* --cgroup-manager disabled */
    bool rootless;
} veil_context;

/* Logs through the context's callback (no-op without one). */
void veil_log(const veil_context *ctx, veil_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define veil_debug(ctx, ...)                                                   \
    do {                                                                       \
        if ((ctx) && (ctx)->debug)                                             \
            veil_log((ctx), VEIL_LOG_DEBUG, __VA_ARGS__);                      \
    } while (0)

#ifdef __cplusplus
}
#endif
