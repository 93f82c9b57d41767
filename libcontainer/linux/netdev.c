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
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "linux/linux.h"
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

typedef struct nl {
    struct mnl_socket *sock;
    unsigned seq;
} nl;

static int nl_open(nl *n, veil_error **err)
{
    n->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (n->sock == NULL)
        return veil_error_set(err, errno, "open a netlink socket");
    if (mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;
        mnl_socket_close(n->sock);
        n->sock = NULL;
        return veil_error_set(err, e, "bind a netlink socket");
    }
    n->seq = (unsigned)time(NULL);
    return 0;
}

static void nl_close(nl *n)
{
    if (n->sock)
        mnl_socket_close(n->sock);
    n->sock = NULL;
}

/* Sends one request and runs cb on every reply until the ACK or DONE. */
static int nl_talk(nl *n, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
    req->nlmsg_seq = ++n->seq;
    if (mnl_socket_sendto(n->sock, req, req->nlmsg_len) < 0)
        return -1;
    char buf[MNL_SOCKET_BUFFER_SIZE];
    for (;;) {
        ssize_t r = mnl_socket_recvfrom(n->sock, buf, sizeof(buf));
        if (r < 0)
            return -1;
        int c = mnl_cb_run(buf, (size_t)r, req->nlmsg_seq, mnl_socket_get_portid(n->sock), cb,
                           data);
        if (c <= MNL_CB_STOP)
            return c < 0 ? -1 : 0;
    }
}

static int addr_attr(const struct nlattr *attr, void *data)
{
    const struct nlattr **tb = data;
    int type = mnl_attr_get_type(attr);
    if (type <= IFA_MAX)
        tb[type] = attr;
    return MNL_CB_OK;
}

static int collect_addr(const struct nlmsghdr *nlh, void *data)
{
    addr_list *l = data;
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    if ((int)ifa->ifa_index != l->ifindex || l->n == sizeof(l->items) / sizeof(l->items[0]))
        return MNL_CB_OK;
    const struct nlattr *tb[IFA_MAX + 1] = {0};
    mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, tb);
    /* IFA_LOCAL is the interface's own address on point-to-point links */
    const struct nlattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    size_t len = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;
    if (a == NULL || len == 0 || mnl_attr_get_payload_len(a) != len)
        return MNL_CB_OK;
    /* link-local IPv6 addresses are made again by the kernel */
    if (ifa->ifa_family == AF_INET6 && ifa->ifa_scope == RT_SCOPE_LINK)
        return MNL_CB_OK;
    nl_addr *o = &l->items[l->n++];
    o->family = ifa->ifa_family;
    o->prefixlen = ifa->ifa_prefixlen;
    o->flags = ifa->ifa_flags;
    o->scope = ifa->ifa_scope;
    memcpy(o->addr, mnl_attr_get_payload(a), len);
    return MNL_CB_OK;
}

static int read_addrs(nl *n, addr_list *l, veil_error **err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
    ifa->ifa_family = AF_UNSPEC;
    if (nl_talk(n, nlh, collect_addr, l) < 0)
        return veil_error_set(err, errno, "read the addresses");
    return 0;
}

static int move_link(nl *n, int ifindex, int nsfd, const char *name, veil_error **err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = ifindex;
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
    /* the new name is applied as the device enters the namespace */
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    if (nl_talk(n, nlh, NULL, NULL) < 0)
        return veil_error_set(err, errno, "move it into the container's network namespace as %s",
                              name);
    return 0;
}

static int add_addr(nl *n, int ifindex, const nl_addr *a, veil_error **err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
    ifa->ifa_family = a->family;
    ifa->ifa_prefixlen = a->prefixlen;
    ifa->ifa_flags = a->flags & IFA_F_PERMANENT;
    ifa->ifa_scope = a->scope;
    ifa->ifa_index = (unsigned)ifindex;
    size_t len = a->family == AF_INET ? 4 : 16;
    mnl_attr_put(nlh, IFA_LOCAL, len, a->addr);
    mnl_attr_put(nlh, IFA_ADDRESS, len, a->addr);
    if (nl_talk(n, nlh, NULL, NULL) < 0 && errno != EEXIST) {
        char text[INET6_ADDRSTRLEN] = "?";
        inet_ntop(a->family, a->addr, text, sizeof(text));
        return veil_error_set(err, errno, "add the address %s/%u", text, a->prefixlen);
    }
    return 0;
}

static int link_up(nl *n, int ifindex, veil_error **err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = ifindex;
    ifm->ifi_flags = IFF_UP;
    ifm->ifi_change = IFF_UP;
    if (nl_talk(n, nlh, NULL, NULL) < 0)
        return veil_error_set(err, errno, "bring it up");
    return 0;
}

/* A netlink socket that lives in the namespace nsfd: made while this
 * (single-threaded) runtime visits it, then we come back. */
static int nl_open_in(nl *n, int nsfd, veil_error **err)
{
    _cleanup_close_ int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0)
        return veil_error_set(err, errno, "open /proc/self/ns/net");
    if (setns(nsfd, CLONE_NEWNET) < 0)
        return veil_error_set(err, errno, "enter the container's network namespace");
    int r = nl_open(n, err);
    if (setns(home, CLONE_NEWNET) < 0)
        abort(); /* cannot happen: we were just there; never run on in the wrong one */
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
    nl host = {0}, inside = {0};
    if (nl_open(&host, err) < 0)
        return -1;
    if (nl_open_in(&inside, nsfd, err) < 0) {
        nl_close(&host);
        return -1;
    }
    int r = 0;
    for (size_t i = 0; i < plan->n_net_devices && r == 0; i++) {
        const veil_spec_net_device *d = &plan->net_devices[i];
        const char *name = d->name && *d->name ? d->name : d->host_name;
        addr_list *addrs = calloc(1, sizeof(*addrs));
        int idx = (int)if_nametoindex(d->host_name);
        if (addrs == NULL)
            r = veil_error_set(err, ENOMEM, "netDevices");
        else if (idx == 0)
            r = veil_error_set(err, errno, "no network interface %s on the host", d->host_name);
        else {
            addrs->ifindex = idx;
            if (read_addrs(&host, addrs, err) < 0 || move_link(&host, idx, nsfd, name, err) < 0)
                r = -1;
        }
        int inner = 0;
        if (r == 0) {
            /* the index may change with the namespace: look it up there */
            _cleanup_close_ int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
            if (home >= 0 && setns(nsfd, CLONE_NEWNET) == 0) {
                inner = (int)if_nametoindex(name);
                if (setns(home, CLONE_NEWNET) < 0)
                    abort();
            }
            if (inner == 0)
                r = veil_error_set(err, ENODEV, "find %s in the container", name);
        }
        for (size_t k = 0; r == 0 && k < addrs->n; k++)
            r = add_addr(&inside, inner, &addrs->items[k], err);
        if (r == 0)
            r = link_up(&inside, inner, err);
        if (r < 0)
            veil_error_prefix(err, "linux.netDevices[\"%s\"]", d->host_name);
        free(addrs);
    }
    nl_close(&host);
    nl_close(&inside);
    return r;
}
