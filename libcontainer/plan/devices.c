/* SPDX-License-Identifier: Apache-2.0 */
/* /dev: whether veil sets it up, the default devices and linux.devices. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan/internal.h"
#include "util/path.h"

/* config-linux.md "Default Devices": char devices, 0666, root:root. */
static const struct {
    const char *path;
    int64_t major, minor;
} default_devices[] = {
    {"/dev/null", 1, 3},    {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

#define DEFAULT_MODE 0666 /* runc's default when fileMode is absent */

/* A container whose /dev is a bind mount gets that /dev as it is: no
 * device nodes, no symlinks (runc's needsSetupDev). */
static bool needs_setup_dev(const veil_plan *plan)
{
    for (size_t i = 0; i < plan->n_mounts; i++)
        if (plan->mounts[i].kind == VEIL_MOUNT_BIND &&
            strcmp(plan->mounts[i].destination, "/dev") == 0)
            return false;
    return true;
}

int veil_plan_devices(const veil_spec *spec, veil_plan *plan, veil_error **err)
{
    plan->setup_dev = needs_setup_dev(plan);
    size_t n_spec = spec->linux_ ? spec->linux_->n_devices : 0;
    const veil_spec_device *sd = n_spec ? spec->linux_->devices : NULL;

    /* cleaned spec paths first: they decide which defaults are replaced */
    _cleanup_strv_ char **paths = calloc(n_spec + 1, sizeof(*paths));
    if (paths == NULL)
        return veil_error_set(err, ENOMEM, "plan devices");
    for (size_t i = 0; i < n_spec; i++) {
        const char *p = sd[i].path;
        if (p == NULL || p[0] != '/')
            return veil_plan_invalid(err, "linux.devices[%zu]: path must be absolute, got \"%s\"",
                                     i, p ? p : "");
        if ((paths[i] = veil_path_clean(p)) == NULL)
            return veil_error_set(err, ENOMEM, "plan devices");
        if (strcmp(paths[i], "/") == 0)
            return veil_plan_invalid(err, "linux.devices[%zu]: invalid path \"%s\"", i, p);
        for (size_t j = 0; j < i; j++)
            if (strcmp(paths[i], paths[j]) == 0)
                return veil_plan_invalid(err,
                                         "linux.devices[%zu] (%s): the path is already used by "
                                         "linux.devices[%zu]",
                                         i, p, j);
    }

    plan->devices = calloc(ARRAY_SIZE(default_devices) + n_spec, sizeof(*plan->devices));
    if (plan->devices == NULL)
        return veil_error_set(err, ENOMEM, "plan devices");

    /* the defaults, unless the config has a device at the same path */
    for (size_t k = 0; k < ARRAY_SIZE(default_devices); k++) {
        bool replaced = false;
        for (size_t i = 0; i < n_spec && !replaced; i++)
            replaced = strcmp(paths[i], default_devices[k].path) == 0;
        if (replaced)
            continue;
        veil_device_node *d = &plan->devices[plan->n_devices++];
        if ((d->path = strdup(default_devices[k].path)) == NULL)
            return veil_error_set(err, ENOMEM, "plan devices");
        d->type = 'c';
        d->major = default_devices[k].major;
        d->minor = default_devices[k].minor;
        d->mode = DEFAULT_MODE;
    }

    for (size_t i = 0; i < n_spec; i++) {
        const veil_spec_device *s = &sd[i];
        char type = s->type == 'u' ? 'c' : s->type; /* unbuffered char = char */
        if (type != 'c' && type != 'b' && type != 'p')
            return veil_plan_invalid(err, "linux.devices[%zu] (%s): invalid type '%c'", i, s->path,
                                     s->type ? s->type : '?');
        if (type != 'p' && (!s->major.set || !s->minor.set))
            return veil_plan_invalid(
                err,
                "linux.devices[%zu] (%s): major and minor are required for type "
                "'%c'",
                i, s->path, s->type);
        if (s->major.set && (s->major.value < 0 || s->major.value > 0xfff))
            return veil_plan_invalid(err, "linux.devices[%zu] (%s): invalid major %lld", i, s->path,
                                     (long long)s->major.value);
        if (s->minor.set && (s->minor.value < 0 || s->minor.value > 0xfffff))
            return veil_plan_invalid(err, "linux.devices[%zu] (%s): invalid minor %lld", i, s->path,
                                     (long long)s->minor.value);
        uint64_t mode = DEFAULT_MODE;
        if (s->file_mode.set) {
            /* the file type bits may be given (runc drops them) */
            mode = s->file_mode.value & ~(uint64_t)S_IFMT;
            if (mode > 07777)
                return veil_plan_invalid(err, "linux.devices[%zu] (%s): invalid fileMode %llo", i,
                                         s->path, (unsigned long long)s->file_mode.value);
        }
        if ((s->uid.set && s->uid.value > UINT32_MAX) || (s->gid.set && s->gid.value > UINT32_MAX))
            return veil_plan_invalid(err, "linux.devices[%zu] (%s): invalid uid or gid", i,
                                     s->path);
        veil_device_node *d = &plan->devices[plan->n_devices++];
        if ((d->path = strdup(paths[i])) == NULL)
            return veil_error_set(err, ENOMEM, "plan devices");
        d->type = type;
        d->major = type == 'p' ? 0 : s->major.value;
        d->minor = type == 'p' ? 0 : s->minor.value;
        d->mode = (uint32_t)mode;
        d->uid = s->uid.set ? (uint32_t)s->uid.value : 0;
        d->gid = s->gid.set ? (uint32_t)s->gid.value : 0;
    }
    return 0;
}
