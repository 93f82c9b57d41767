/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Scope-bound cleanup, so that every failure path is a plain `return`. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <veil/error.h>

static inline void cleanup_freep(void *p)
{
    free(*(void **)p);
}
static inline void cleanup_closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
}
static inline void cleanup_fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}
static inline void cleanup_closedirp(DIR **d)
{
    if (*d)
        closedir(*d);
}
static inline void cleanup_errorp(veil_error **e)
{
    veil_error_free(*e);
}
/* A NULL-terminated array of strings. */
static inline void cleanup_strvp(char ***v)
{
    if (*v) {
        for (char **p = *v; *p; p++)
            free(*p);
        free(*v);
    }
}

#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(cleanup_closedirp)))
#define _cleanup_error_ __attribute__((cleanup(cleanup_errorp)))
#define _cleanup_strv_ __attribute__((cleanup(cleanup_strvp)))

/* Hand ownership over: returns the value and leaves NULL / -1 behind. */
#define steal_pointer(pp)                                                      \
    ({                                                                         \
        __typeof__(*(pp)) _v = *(pp);                                          \
        *(pp) = NULL;                                                          \
        _v;                                                                    \
    })
static inline int steal_fd(int *fd)
{
    int v = *fd;
    *fd = -1;
    return v;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
