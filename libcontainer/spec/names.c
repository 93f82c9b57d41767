/* SPDX-License-Identifier: Apache-2.0 */
/* Names of spec enums, as written in config.json. */
#include <string.h>

#include "spec/internal.h"

const char *const spec_ns_names[VEIL_NS__COUNT] = {
    [VEIL_NS_PID] = "pid",   [VEIL_NS_NETWORK] = "network", [VEIL_NS_MOUNT] = "mount",
    [VEIL_NS_IPC] = "ipc",   [VEIL_NS_UTS] = "uts",         [VEIL_NS_USER] = "user",
    [VEIL_NS_CGROUP] = "cgroup", [VEIL_NS_TIME] = "time",
};

const char *veil_ns_type_name(veil_ns_type t)
{
    return (unsigned)t < VEIL_NS__COUNT ? spec_ns_names[t] : "?";
}

int veil_ns_type_from_name(const char *name, veil_ns_type *out)
{
    for (int i = 0; i < VEIL_NS__COUNT; i++)
        if (name && strcmp(name, spec_ns_names[i]) == 0) {
            *out = (veil_ns_type)i;
            return 0;
        }
    return -1;
}
