/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process environment as runc hands it to execve: entries must be
 * NAME=VALUE, duplicates keep their last value, and HOME is added from the
 * container's /etc/passwd (or "/") when the config does not set it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/linux.h"
#include "util/cleanup.h"
#include "util/passwd.h"

/* The home directory of uid in the container's /etc/passwd (we are pivoted). */
static char *home_of(uint32_t uid)
{
    char *home = veil_passwd_field("/etc/passwd", uid, VEIL_PASSWD_HOME);
    if (home && home[0] == '/')
        return home;
    free(home);
    return strdup("/");
}

char **veil_process_env(const veil_plan_process *p, veil_error **err)
{
    size_t n = 0;
    while (p->env && p->env[n])
        n++;
    char **out = calloc(n + 2, sizeof(*out));
    if (out == NULL) {
        veil_error_set(err, ENOMEM, "environment");
        return NULL;
    }
    size_t k = 0;
    bool home = false;
    for (size_t i = 0; i < n; i++) {
        const char *kv = p->env[i];
        const char *eq = strchr(kv, '=');
        if (eq == NULL || eq == kv) {
            veil_error_set(err, 0, "invalid environment variable \"%s\": %s", kv,
                           eq ? "the name is empty" : "missing '='");
            free(out);
            return NULL;
        }
        size_t klen = (size_t)(eq - kv) + 1;
        bool later = false; /* the last occurrence wins */
        for (size_t j = i + 1; j < n && !later; j++)
            later = strncmp(p->env[j], kv, klen) == 0;
        if (later)
            continue;
        if (klen == 5 && strncmp(kv, "HOME=", 5) == 0) {
            if (eq[1] == '\0')
                continue; /* empty HOME: replaced below */
            home = true;
        }
        out[k++] = (char *)kv;
    }
    if (!home) {
        char *dir = home_of(p->uid);
        if (dir == NULL || asprintf(&out[k], "HOME=%s", dir) < 0) {
            free(dir);
            free(out);
            veil_error_set(err, ENOMEM, "environment");
            return NULL;
        }
        free(dir);
        k++;
    }
    out[k] = NULL;
    return out;
}
