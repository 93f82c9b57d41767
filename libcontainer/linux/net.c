/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network: bring up lo in a new network namespace with one RTM_NEWLINK
 * request over rtnetlink.  The request and its acknowledgement are a few
 * dozen bytes, written here directly (no netlink library: one less shared
 * object to load in every veil command, and the binary can be static).
 */
#include <errno.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linux/linux.h"
#include "util/cleanup.h"

int veil_net_loopback_up(veil_error **err)
{
    _cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return veil_error_set(err, errno, "open a netlink socket");
    struct {
        struct nlmsghdr nh;
        struct ifinfomsg ifm;
    } req = {
        .nh = {.nlmsg_len = sizeof(req), .nlmsg_type = RTM_NEWLINK,
               .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1},
        /* lo is always index 1 in a new namespace */
        .ifm = {.ifi_family = AF_UNSPEC, .ifi_index = 1, .ifi_flags = IFF_UP,
                .ifi_change = IFF_UP},
    };
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
        return veil_error_set(err, errno, "bring up lo");
    /* the ack: an NLMSG_ERROR carrying 0, or the errno of the refusal */
    union {
        struct nlmsghdr nh;
        char buf[512];
    } ack;
    for (;;) {
        ssize_t n = recv(fd, &ack, sizeof(ack), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return veil_error_set(err, errno, "bring up lo");
        if ((size_t)n < sizeof(struct nlmsghdr) || ack.nh.nlmsg_len > (size_t)n)
            return veil_error_set(err, EBADMSG, "bring up lo: short netlink reply");
        if (ack.nh.nlmsg_seq != req.nh.nlmsg_seq)
            continue;
        if (ack.nh.nlmsg_type != NLMSG_ERROR ||
            ack.nh.nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
            return veil_error_set(err, EBADMSG, "bring up lo: unexpected netlink reply %u",
                                  (unsigned)ack.nh.nlmsg_type);
        const struct nlmsgerr *e = NLMSG_DATA(&ack.nh);
        if (e->error != 0)
            return veil_error_set(err, -e->error, "bring up lo");
        return 0;
    }
}
