/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * Test support only: what a seccomp agent receives from veil on its listener
 * socket (the tools seccomp-listener and seccomp-hold).
 */
#include <stddef.h>

/* Reads the state document into data (NUL-terminated, at most cap - 1
 * bytes, its length in *len) and the notify fd passed with it (SCM_RIGHTS;
 * -1 when none came), until the sender closes.  0, or -1 with errno. */
int test_recv_state(int conn, char *data, size_t cap, size_t *len, int *fd);
