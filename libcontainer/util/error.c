/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <veil/error.h>

#include "util/errtext.h"

int veil_error_setv(veil_error **err, int errnum, const char *fmt, va_list ap)
{
    if (err == NULL)
        return -1;
    char *base = NULL;
    if (vasprintf(&base, fmt, ap) < 0)
        base = NULL;
    char *msg = NULL;
    if (base && errnum != 0) {
        if (asprintf(&msg, "%s: %s", base, veil_strerror(errnum)) < 0)
            msg = NULL;
        free(base);
    } else {
        msg = base;
    }
    veil_error *e = calloc(1, sizeof(*e));
    if (e == NULL) {
        free(msg);
        return -1;
    }
    e->errnum = errnum;
    e->msg = msg ? msg : strdup("out of memory");
    veil_error_free(*err); /* a second error replaces the first */
    *err = e;
    return -1;
}

int veil_error_set(veil_error **err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    veil_error_setv(err, errnum, fmt, ap);
    va_end(ap);
    return -1;
}

int veil_error_prefix(veil_error **err, const char *fmt, ...)
{
    if (err == NULL || *err == NULL)
        return -1;
    char *ctx = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&ctx, fmt, ap) < 0)
        ctx = NULL;
    va_end(ap);
    char *msg = NULL;
    if (ctx && asprintf(&msg, "%s: %s", ctx, (*err)->msg) >= 0) {
        free((*err)->msg);
        (*err)->msg = msg;
    }
    free(ctx);
    return -1;
}

void veil_error_free(veil_error *err)
{
    if (err == NULL)
        return;
    free(err->msg);
    free(err);
}
