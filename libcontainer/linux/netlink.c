/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linux/netlink.h"

void *veil_nl_start(veil_nlmsg *m, uint16_t type, uint16_t flags, size_t hdrlen)
{
    memset(m, 0, sizeof(*m));
    m->u.nh.nlmsg_type = type;
    m->u.nh.nlmsg_flags = flags;
    m->u.nh.nlmsg_len = (uint32_t)NLMSG_LENGTH(hdrlen);
    return NLMSG_DATA(&m->u.nh);
}

int veil_nl_attr(veil_nlmsg *m, uint16_t type, const void *data, size_t len)
{
    size_t off = NLMSG_ALIGN(m->u.nh.nlmsg_len);
    size_t alen = NLA_HDRLEN + len;
    if (off + NLA_ALIGN(alen) > sizeof(m->u.buf)) {
        errno = EMSGSIZE;
        return -1;
    }
    struct nlattr *a = (struct nlattr *)(m->u.buf + off);
    a->nla_type = type;
    a->nla_len = (uint16_t)alen;
    memcpy((char *)a + NLA_HDRLEN, data, len);
    m->u.nh.nlmsg_len = (uint32_t)(off + NLA_ALIGN(alen));
    return 0;
}

int veil_nl_open(veil_error **err)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return veil_error_set(err, errno, "open a netlink socket");
    return fd;
}

static int send_req(int fd, veil_nlmsg *m)
{
    static const struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    m->u.nh.nlmsg_seq = (uint32_t)m->u.nh.nlmsg_seq + 1;
    ssize_t n;
    do
        n = sendto(fd, m->u.buf, m->u.nh.nlmsg_len, 0, (const struct sockaddr *)&kernel,
                   sizeof(kernel));
    while (n < 0 && errno == EINTR);
    return n < 0 ? -1 : 0;
}

/* Reads replies to seq; cb gets data messages; returns at ACK/DONE. */
static int read_replies(int fd, uint32_t seq, void (*cb)(const struct nlmsghdr *, void *),
                        void *data)
{
    char buf[32768];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        size_t left = (size_t)n;
        for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, left);
             nh = NLMSG_NEXT(nh, left)) {
            if (nh->nlmsg_seq != seq)
                continue;
            if (nh->nlmsg_type == NLMSG_DONE)
                return 0;
            if (nh->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(nh);
                if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
                    errno = EBADMSG;
                    return -1;
                }
                if (e->error == 0)
                    return 0;
                errno = -e->error;
                return -1;
            }
            if (cb)
                cb(nh, data);
        }
    }
}

int veil_nl_call(int fd, veil_nlmsg *m)
{
    m->u.nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (send_req(fd, m) < 0)
        return -1;
    return read_replies(fd, m->u.nh.nlmsg_seq, NULL, NULL);
}

int veil_nl_dump(int fd, veil_nlmsg *m, void (*cb)(const struct nlmsghdr *nh, void *data),
                 void *data)
{
    m->u.nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
    if (send_req(fd, m) < 0)
        return -1;
    return read_replies(fd, m->u.nh.nlmsg_seq, cb, data);
}
