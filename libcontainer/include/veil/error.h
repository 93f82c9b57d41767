/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * veil_error: how every libveil function reports failure.
 *
 * Functions return 0 (or a valid pointer) on success and a negative value
 * (or NULL) on failure, with *err set.  The message keeps libc's errno text
 * ("No such file or directory") because engines match on it; context is
 * prepended as the error travels up ("mount /proc: <cause>").
 */
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct veil_error {
    int errnum; /* errno value of the root cause, 0 if none */
    char *msg;  /* full text, with context */
} veil_error;

/* Sets *err (if err != NULL) and returns -1.  When errnum != 0 the text of
 * strerror(errnum) is appended as ": <text>". */
int veil_error_set(veil_error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int veil_error_setv(veil_error **err, int errnum, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Prepends "<context>: " to an existing error; returns -1. */
int veil_error_prefix(veil_error **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void veil_error_free(veil_error *err);

#ifdef __cplusplus
}
#endif
