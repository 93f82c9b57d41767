/* SPDX-License-Identifier: Apache-2.0 */
/* Network: bring up lo in a new network namespace, over rtnetlink (libmnl). */
#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "linux/linux.h"

int veil_net_loopback_up(veil_error **err)
{
    struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (nl == NULL)
        return veil_error_set(err, errno, "open a netlink socket");
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;
        mnl_socket_close(nl);
        return veil_error_set(err, e, "bind the netlink socket");
    }
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    unsigned seq = (unsigned)time(NULL);
    nlh->nlmsg_seq = seq;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = 1; /* lo is always index 1 in a new namespace */
    ifm->ifi_flags = IFF_UP;
    ifm->ifi_change = IFF_UP;
    int r = -1;
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
        veil_error_set(err, errno, "bring up lo");
    } else {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
        if (n < 0)
            veil_error_set(err, errno, "bring up lo");
        else if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0)
            veil_error_set(err, errno, "bring up lo");
        else
            r = 0;
    }
    mnl_socket_close(nl);
    return r;
}
