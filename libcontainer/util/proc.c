/* SPDX-License-Identifier: Apache-2.0 */
/* Process identity from /proc/<pid>/stat, to tell a container's init from a
 * recycled pid. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state/state.h"

int veil_proc_stat(pid_t pid, unsigned long long *start_time, char *state)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* the command name may hold spaces and parentheses: skip to the last ')' */
    char *p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ')
        return -1;
    p += 2;
    if (state)
        *state = *p;
    /* field 3 is the state; start time is field 22 */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (p == NULL)
            return -1;
        p++;
    }
    if (start_time)
        *start_time = strtoull(p, NULL, 10);
    return 0;
}

bool veil_proc_is_alive(pid_t pid, unsigned long long start_time)
{
    if (pid <= 0)
        return false;
    unsigned long long st = 0;
    char state = 0;
    if (veil_proc_stat(pid, &st, &state) < 0)
        return false;
    if (state == 'Z' || state == 'X' || state == 'x')
        return false;
    return start_time == 0 || st == start_time;
}
