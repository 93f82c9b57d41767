/* SPDX-License-Identifier: Apache-2.0 */
/* hooks: the six kinds, each an ordered list of commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan/internal.h"

static int plan_hook_list(const veil_spec_hook_list *in, veil_hook_kind kind, veil_plan *plan,
                          veil_error **err)
{
    const char *name = veil_hook_kind_name(kind);
    veil_plan_hook_list *out = &plan->hooks[kind];
    if (in->n == 0)
        return 0;
    out->items = calloc(in->n, sizeof(*out->items));
    if (out->items == NULL)
        return veil_error_set(err, ENOMEM, "plan hooks");
    for (size_t i = 0; i < in->n; i++) {
        const veil_spec_hook *h = &in->items[i];
        /* config.md: "path ... MUST be absolute"; a hook is never searched
         * for in $PATH */
        if (h->path == NULL || h->path[0] != '/')
            return veil_plan_invalid(err, "hooks.%s[%zu]: path must be absolute, got \"%s\"", name,
                                     i, h->path ? h->path : "");
        if (h->timeout.set && (h->timeout.value <= 0 || h->timeout.value > INT32_MAX))
            return veil_plan_invalid(err,
                                     "hooks.%s[%zu]: timeout must be a positive number of seconds, "
                                     "got %lld",
                                     name, i, (long long)h->timeout.value);
        veil_plan_hook *o = &out->items[i];
        out->n = i + 1;
        bool ok_args, ok_env;
        o->path = strdup(h->path);
        o->args = veil_plan_strv_dup(h->args.v, &ok_args);
        o->env = veil_plan_strv_dup(h->env.v, &ok_env);
        o->timeout = h->timeout.set ? (int)h->timeout.value : 0;
        if (o->path == NULL || !ok_args || !ok_env)
            return veil_error_set(err, ENOMEM, "plan hooks");
    }
    return 0;
}

int veil_plan_hooks(const veil_spec_hooks *hooks, veil_plan *plan, veil_error **err)
{
    const veil_spec_hook_list *lists[VEIL_HOOK__COUNT] = {
        [VEIL_HOOK_PRESTART] = &hooks->prestart,
        [VEIL_HOOK_CREATE_RUNTIME] = &hooks->create_runtime,
        [VEIL_HOOK_CREATE_CONTAINER] = &hooks->create_container,
        [VEIL_HOOK_START_CONTAINER] = &hooks->start_container,
        [VEIL_HOOK_POSTSTART] = &hooks->poststart,
        [VEIL_HOOK_POSTSTOP] = &hooks->poststop,
    };
    for (int k = 0; k < VEIL_HOOK__COUNT; k++)
        if (plan_hook_list(lists[k], (veil_hook_kind)k, plan, err) < 0)
            return -1;
    return 0;
}
