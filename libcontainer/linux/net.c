/* SPDX-License-Identifier: Apache-2.0 */
/* Network: bring up lo in a new network namespace (one RTM_NEWLINK). */
#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <unistd.h>

#include "linux/linux.h"
#include "linux/netlink.h"
#include "util/cleanup.h"

int veil_net_loopback_up(veil_error **err)
{
    _cleanup_close_ int fd = veil_nl_open(err);
    if (fd < 0)
        return -1;
    veil_nlmsg m;
    struct ifinfomsg *ifm = veil_nl_start(&m, RTM_NEWLINK, 0, sizeof(*ifm));
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = 1; /* lo is always index 1 in a new namespace */
    ifm->ifi_flags = IFF_UP;
    ifm->ifi_change = IFF_UP;
    if (veil_nl_call(fd, &m) < 0)
        return veil_error_set(err, errno, "bring up lo");
    return 0;
}
