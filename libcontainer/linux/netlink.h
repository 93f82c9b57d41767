/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * A few rtnetlink requests, written directly (no netlink library: veil is a
 * static binary, and these messages are a few dozen bytes).  A request is
 * built in a veil_nlmsg buffer, sent, and answered by an ACK (or, for
 * dumps, a series of messages ending with NLMSG_DONE).
 */
#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

#include <veil/error.h>

typedef struct veil_nlmsg {
    union {
        struct nlmsghdr nh;
        char buf[1024];
    } u;
} veil_nlmsg;

/* Starts a request of type with a fixed header of hdrlen bytes (zeroed);
 * returns a pointer to that header. */
void *veil_nl_start(veil_nlmsg *m, uint16_t type, uint16_t flags, size_t hdrlen);
/* Appends an attribute; false when it does not fit. */
int veil_nl_attr(veil_nlmsg *m, uint16_t type, const void *data, size_t len);

/* A NETLINK_ROUTE socket in the current network namespace (CLOEXEC). */
int veil_nl_open(veil_error **err);
/* Sends m and waits for its ACK; a kernel refusal returns -1 with errno set. */
int veil_nl_call(int fd, veil_nlmsg *m);
/* Sends a dump request and calls cb for every reply message until DONE. */
int veil_nl_dump(int fd, veil_nlmsg *m, void (*cb)(const struct nlmsghdr *nh, void *data),
                 void *data);
