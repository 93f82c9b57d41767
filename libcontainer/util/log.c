/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <veil/context.h>

void veil_log(const veil_context *ctx, veil_log_level level, const char *fmt, ...)
{
    if (ctx == NULL || ctx->log == NULL)
        return;
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (r < 0)
        return;
    ctx->log(ctx->log_data, level, msg);
    free(msg);
}
