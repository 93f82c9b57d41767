/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/path.h"

char *veil_path_clean(const char *path)
{
    if (path == NULL || *path == '\0')
        return strdup(".");
    size_t len = strlen(path);
    bool rooted = path[0] == '/';
    /* the result is never longer than the input (plus room for "." and NUL) */
    char *out = malloc(len + 2);
    if (out == NULL)
        return NULL;
    size_t w = 0;
    /* `floor` is where ".." can no longer back up: after the root slash, or
     * after leading ".." elements of a relative path */
    size_t floor = 0;
    if (rooted) {
        out[w++] = '/';
        floor = 1;
    }
    size_t r = 0;
    while (r < len) {
        if (path[r] == '/') {
            r++;
            continue;
        }
        size_t end = r;
        while (end < len && path[end] != '/')
            end++;
        size_t n = end - r;
        if (n == 1 && path[r] == '.') {
            /* nothing */
        } else if (n == 2 && path[r] == '.' && path[r + 1] == '.') {
            if (w > floor) {
                /* drop the last element */
                while (w > floor && out[w - 1] != '/')
                    w--;
                if (w > floor)
                    w--; /* its separator */
            } else if (!rooted) {
                if (w > 0)
                    out[w++] = '/';
                out[w++] = '.';
                out[w++] = '.';
                floor = w;
            }
        } else {
            if (w > 0 && out[w - 1] != '/')
                out[w++] = '/';
            memcpy(out + w, path + r, n);
            w += n;
        }
        r = end;
    }
    if (w == 0)
        out[w++] = '.';
    out[w] = '\0';
    return out;
}

char *veil_path_join(const char *base, const char *path)
{
    if (veil_path_is_abs(path) || base == NULL)
        return veil_path_clean(path);
    char *joined = NULL;
    if (asprintf(&joined, "%s/%s", base, path ? path : "") < 0)
        return NULL;
    char *clean = veil_path_clean(joined);
    free(joined);
    return clean;
}

bool veil_path_has_dotdot(const char *path)
{
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return true;
        p += n;
        p += strspn(p, "/");
    }
    return false;
}

char *veil_path_clean_abs(const char *path)
{
    return veil_path_join("/", path);
}
