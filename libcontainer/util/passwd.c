/* SPDX-License-Identifier: Apache-2.0 */
/* name:pw:uid:gid:gecos:home:shell, one entry a line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/passwd.h"

char *veil_passwd_field(const char *path, uint32_t uid, int field)
{
    if (field < 0 || field > 6)
        return NULL;
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    char line[1024];
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *fields[7] = {0};
        char *p = line;
        int n = 0;
        for (; n < 7 && p; n++) {
            fields[n] = p;
            p = strchr(p, ':');
            if (p)
                *p++ = '\0';
        }
        if (n <= field || n < 3 || fields[0][0] == '\0')
            continue;
        char *end = NULL;
        unsigned long u = strtoul(fields[2], &end, 10);
        if (end != fields[2] && *end == '\0' && u == uid)
            return strdup(fields[field]);
    }
    return NULL;
}
