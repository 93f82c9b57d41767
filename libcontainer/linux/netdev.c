/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.netDevices: host network interfaces moved into the container's
 * network namespace (renamed if asked), with their addresses, and brought
 * up.  The kernel drops addresses when a device changes namespace, so they
 * are read first and added again on the other side.  Runs in the runtime,
 * once init's namespaces exist and before the createRuntime hooks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/linux.h"
#include "linux/netlink.h"
#include "util/cleanup.h"

typedef struct nl_addr {
    unsigned char family, prefixlen, flags, scope;
    unsigned char addr[16];
} nl_addr;

typedef struct addr_list {
    int ifindex;
    nl_addr items[64];
    size_t n;
} addr_list;

static void collect_addr(const struct nlmsghdr *nh, void *data)
{
    addr_list *l = data;
    if (nh->nlmsg_type != RTM_NEWADDR || nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
        return;
    const struct ifaddrmsg *ifa = NLMSG_DATA(nh);
    if ((int)ifa->ifa_index != l->ifindex || l->n == sizeof(l->items) / sizeof(l->items[0]))
        return;
    /* link-local IPv6 addresses are made again by the kernel */
    if (ifa->ifa_family == AF_INET6 && ifa->ifa_scope == RT_SCOPE_LINK)
        return;
    size_t len = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;
    if (len == 0)
        return;
    const void *local = NULL, *address = NULL;
    int left = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa)));
    for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
        if (RTA_PAYLOAD(a) != len)
            continue;
        if (a->rta_type == IFA_LOCAL)
            local = RTA_DATA(a);
        else if (a->rta_type == IFA_ADDRESS)
            address = RTA_DATA(a);
    }
    /* IFA_LOCAL is the interface's own address on point-to-point links */
    const void *addr = local ? local : address;
    if (addr == NULL)
        return;
    nl_addr *o = &l->items[l->n++];
    o->family = ifa->ifa_family;
    o->prefixlen = ifa->ifa_prefixlen;
    o->flags = ifa->ifa_flags;
    o->scope = ifa->ifa_scope;
    memcpy(o->addr, addr, len);
}

static int read_addrs(int nl, addr_list *l, veil_error **err)
{
    veil_nlmsg m;
    struct ifaddrmsg *ifa = veil_nl_start(&m, RTM_GETADDR, 0, sizeof(*ifa));
    ifa->ifa_family = AF_UNSPEC;
    if (veil_nl_dump(nl, &m, collect_addr, l) < 0)
        return veil_error_set(err, errno, "read the addresses");
    return 0;
}

static int move_link(int nl, int ifindex, int nsfd, const char *name, veil_error **err)
{
    veil_nlmsg m;
    struct ifinfomsg *ifm = veil_nl_start(&m, RTM_NEWLINK, 0, sizeof(*ifm));
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = ifindex;
    uint32_t fd = (uint32_t)nsfd;
    /* the new name is applied as the device enters the namespace */
    if (veil_nl_attr(&m, IFLA_NET_NS_FD, &fd, sizeof(fd)) < 0 ||
        veil_nl_attr(&m, IFLA_IFNAME, name, strlen(name) + 1) < 0 || veil_nl_call(nl, &m) < 0)
        return veil_error_set(err, errno, "move it into the container's network namespace as %s",
                              name);
    return 0;
}

static int add_addr(int nl, int ifindex, const nl_addr *a, veil_error **err)
{
    veil_nlmsg m;
    struct ifaddrmsg *ifa =
        veil_nl_start(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
    ifa->ifa_family = a->family;
    ifa->ifa_prefixlen = a->prefixlen;
    ifa->ifa_flags = a->flags & IFA_F_PERMANENT;
    ifa->ifa_scope = a->scope;
    ifa->ifa_index = (unsigned)ifindex;
    size_t len = a->family == AF_INET ? 4 : 16;
    if (veil_nl_attr(&m, IFA_LOCAL, a->addr, len) < 0 ||
        veil_nl_attr(&m, IFA_ADDRESS, a->addr, len) < 0 ||
        (veil_nl_call(nl, &m) < 0 && errno != EEXIST)) {
        char text[INET6_ADDRSTRLEN] = "?";
        inet_ntop(a->family, a->addr, text, sizeof(text));
        return veil_error_set(err, errno, "add the address %s/%u", text, a->prefixlen);
    }
    return 0;
}

static int link_up(int nl, int ifindex, veil_error **err)
{
    veil_nlmsg m;
    struct ifinfomsg *ifm = veil_nl_start(&m, RTM_NEWLINK, 0, sizeof(*ifm));
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = ifindex;
    ifm->ifi_flags = IFF_UP;
    ifm->ifi_change = IFF_UP;
    if (veil_nl_call(nl, &m) < 0)
        return veil_error_set(err, errno, "bring it up");
    return 0;
}

/* Runs in the container's network namespace, entered by this
 * single-threaded runtime for the moment: a netlink socket there and the
 * interface's index there.  We always come back. */
static int visit(int nsfd, const char *name, int *sock, int *index, veil_error **err)
{
    _cleanup_close_ int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0)
        return veil_error_set(err, errno, "open /proc/self/ns/net");
    if (setns(nsfd, CLONE_NEWNET) < 0)
        return veil_error_set(err, errno, "enter the container's network namespace");
    int r = 0;
    if (sock && (*sock = veil_nl_open(err)) < 0)
        r = -1;
    if (r == 0 && index && (*index = (int)if_nametoindex(name)) == 0)
        r = veil_error_set(err, ENODEV, "find %s in the container", name);
    if (setns(home, CLONE_NEWNET) < 0)
        abort(); /* we were just there: never run on in the wrong namespace */
    return r;
}

int veil_netdev_move(const veil_plan *plan, pid_t pid, veil_error **err)
{
    if (plan->n_net_devices == 0)
        return 0;
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
    _cleanup_close_ int nsfd = open(path, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0)
        return veil_error_set(err, errno, "open %s", path);
    _cleanup_close_ int host = veil_nl_open(err);
    if (host < 0)
        return -1;
    _cleanup_close_ int inside = -1;
    if (visit(nsfd, NULL, &inside, NULL, err) < 0)
        return -1;
    int r = 0;
    for (size_t i = 0; i < plan->n_net_devices && r == 0; i++) {
        const veil_spec_net_device *d = &plan->net_devices[i];
        const char *name = d->name && *d->name ? d->name : d->host_name;
        _cleanup_free_ addr_list *addrs = calloc(1, sizeof(*addrs));
        int idx = (int)if_nametoindex(d->host_name), inner = 0;
        if (addrs == NULL)
            r = veil_error_set(err, ENOMEM, "netDevices");
        else if (idx == 0)
            r = veil_error_set(err, errno, "no network interface %s on the host", d->host_name);
        else {
            addrs->ifindex = idx;
            if (read_addrs(host, addrs, err) < 0 || move_link(host, idx, nsfd, name, err) < 0 ||
                visit(nsfd, name, NULL, &inner, err) < 0)
                r = -1;
        }
        for (size_t k = 0; r == 0 && k < addrs->n; k++)
            r = add_addr(inside, inner, &addrs->items[k], err);
        if (r == 0)
            r = link_up(inside, inner, err);
        if (r < 0)
            veil_error_prefix(err, "linux.netDevices[\"%s\"]", d->host_name);
    }
    return r;
}
