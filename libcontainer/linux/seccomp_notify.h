/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* The listener side of SCMP_ACT_NOTIFY, for linux/seccomp.c. */
#include <stddef.h>

/* Sends state_json with notify_fd as SCM_RIGHTS over sock (the fd with the
 * first piece only, as the spec asks).  Returns 0 or an errno value; makes no
 * allocation, as it runs under the freshly loaded filter. */
int veil_seccomp_send_notify_fd(int sock, int notify_fd, const char *state_json);
/* The message for a failed send, into buf, without allocating. */
void veil_seccomp_format_send_error(char *buf, size_t size, int errnum);
