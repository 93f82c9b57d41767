/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Lexical path helpers: string work only, the file system is never asked. */
#include <stdbool.h>

/* The shortest path equivalent to `path` by pure lexical processing: repeated
 * slashes and "." elements go, ".." eats the element before it, ".." at the
 * start of an absolute path is dropped.  "" becomes ".".  malloc'd; NULL only
 * when out of memory. */
char *veil_path_clean(const char *path);

/* Whether `path` has a ".." element. */
bool veil_path_has_dotdot(const char *path);

/* `path` made absolute against `base` (when it is relative) and cleaned. */
char *veil_path_join(const char *base, const char *path);

/* `path` cleaned as if it were relative to "/": "a/../../b" becomes "/b".
 * Used for paths inside the container, which can never leave its root. */
char *veil_path_clean_abs(const char *path);

static inline bool veil_path_is_abs(const char *path)
{
    return path != NULL && path[0] == '/';
}
