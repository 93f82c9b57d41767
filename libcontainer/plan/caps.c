/* SPDX-License-Identifier: Apache-2.0 */
/* Capability names and process.capabilities -> bit masks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan/internal.h"

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_names[] = {
    "CAP_CHOWN",            "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",           "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",          "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",        "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",       "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",        "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",     "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",            "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",     "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",    "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

int veil_cap_last(void)
{
    return (int)ARRAY_SIZE(cap_names) - 1;
}

const char *veil_cap_name(int cap)
{
    if (cap < 0 || cap > veil_cap_last())
        return NULL;
    return cap_names[cap];
}

int veil_cap_from_name(const char *name)
{
    if (name == NULL)
        return -1;
    /* exact names only, as runc: "cap_chown" or "CHOWN" are unknown */
    for (int i = 0; i <= veil_cap_last(); i++)
        if (strcmp(cap_names[i], name) == 0)
            return i;
    return -1;
}

/* Names in `list` as a mask; unknown names are left out with a warning in
 * the plan (the spec says runtimes SHOULD NOT fail on them). */
static int cap_mask(veil_plan *plan, const char *set, const veil_strv *list, uint64_t *out,
                    veil_error **err)
{
    uint64_t mask = 0;
    for (size_t i = 0; i < list->n; i++) {
        int c = veil_cap_from_name(list->v[i]);
        if (c >= 0) {
            mask |= UINT64_C(1) << c;
            continue;
        }
        if (veil_plan_warn(plan, "process.capabilities.%s: unknown capability \"%s\", ignored",
                           set, list->v[i]) < 0)
            return veil_error_set(err, ENOMEM, "plan capabilities");
    }
    *out = mask;
    return 0;
}

int veil_plan_build_caps(const veil_spec_capabilities *sc, veil_plan *plan, veil_plan_caps *out,
                   veil_error **err)
{
    memset(out, 0, sizeof(*out));
    if (sc == NULL)
        return 0; /* absent: the process gets no capabilities at all */
    out->set = true;
    if (cap_mask(plan, "bounding", &sc->bounding, &out->bounding, err) < 0 ||
        cap_mask(plan, "effective", &sc->effective, &out->effective, err) < 0 ||
        cap_mask(plan, "inheritable", &sc->inheritable, &out->inheritable, err) < 0 ||
        cap_mask(plan, "permitted", &sc->permitted, &out->permitted, err) < 0 ||
        cap_mask(plan, "ambient", &sc->ambient, &out->ambient, err) < 0)
        return -1;
    /* The kernel refuses to raise an ambient capability that is not both
     * permitted and inheritable: drop it here, silently as runc does (the
     * `runc spec` templates since the inheritable fix all hit this), so the
     * applier never meets that failure.  Nothing is ever added to a set. */
    uint64_t stray = out->ambient & ~(out->permitted & out->inheritable);
    out->ambient &= ~stray;
    return 0;
}
