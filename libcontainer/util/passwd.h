/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* /etc/passwd read as a file (no NSS): the same answer in every process,
 * a static binary included, and inside a container's root. */
#include <stdint.h>

#define VEIL_PASSWD_NAME 0
#define VEIL_PASSWD_HOME 5

/* Field `field` (VEIL_PASSWD_*) of the first entry of uid in the passwd
 * file at path, malloc'd; NULL when there is none (or no memory). */
char *veil_passwd_field(const char *path, uint32_t uid, int field);
