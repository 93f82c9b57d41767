/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: root, mounts and hooks. */
#include <stdlib.h>

#include "spec/internal.h"

static int parse_root(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec *spec = out;
    veil_opt_bool ro = {0};
    if (sr_string(r, o, "path", SR_REQUIRED, &spec->root_path) < 0)
        return -1;
    if (spec->root_path[0] == '\0') {
        size_t m = sr_enter(r, "path");
        sr_fail(r, "must not be empty");
        sr_leave(r, m);
        return -1;
    }
    if (sr_bool(r, o, "readonly", SR_OPTIONAL, &ro) < 0)
        return -1;
    spec->root_readonly = ro.value;
    spec->has_root = true;
    return 0;
}

int spec_parse_root(spec_reader *r, const vj_node *doc, veil_spec *spec)
{
    return sr_object(r, doc, "root", SR_OPTIONAL, parse_root, spec);
}

static int parse_mount(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_mount *mnt = item;
    /* relative destinations are deprecated but allowed: the plan anchors them at "/" */
    if (sr_string(r, o, "destination", SR_REQUIRED, &mnt->destination) < 0)
        return -1;
    if (mnt->destination[0] == '\0') {
        size_t m = sr_enter(r, "destination");
        sr_fail(r, "must not be empty");
        sr_leave(r, m);
        return -1;
    }
    if (sr_string(r, o, "type", SR_OPTIONAL, &mnt->type) < 0 ||
        sr_string(r, o, "source", SR_OPTIONAL, &mnt->source) < 0 ||
        sr_strv(r, o, "options", SR_OPTIONAL, &mnt->options) < 0 ||
        sr_idmaps(r, o, "uidMappings", &mnt->uid_mappings, &mnt->n_uid_mappings) < 0 ||
        sr_idmaps(r, o, "gidMappings", &mnt->gid_mappings, &mnt->n_gid_mappings) < 0)
        return -1;
    bool has_uid = vj_get(o, "uidMappings") != NULL, has_gid = vj_get(o, "gidMappings") != NULL;
    if (has_uid != has_gid)
        return sr_fail(r, "%s without %s", has_uid ? "uidMappings" : "gidMappings",
                       has_uid ? "gidMappings" : "uidMappings");
    return 0;
}

int spec_parse_mounts(spec_reader *r, const vj_node *doc, veil_spec *spec)
{
    return sr_array_of(r, doc, "mounts", SR_OPTIONAL, sizeof(*spec->mounts), parse_mount,
                       (void **)&spec->mounts, &spec->n_mounts);
}

static int parse_hook(spec_reader *r, const vj_node *o, void *item)
{
    veil_spec_hook *h = item;
    if (sr_abs_path(r, o, "path", SR_REQUIRED, &h->path) < 0 ||
        sr_strv(r, o, "args", SR_OPTIONAL, &h->args) < 0 ||
        sr_strv(r, o, "env", SR_OPTIONAL, &h->env) < 0 ||
        sr_i64(r, o, "timeout", SR_OPTIONAL, 1, INT32_MAX, &h->timeout) < 0)
        return -1;
    return 0;
}

static int hook_list(spec_reader *r, const vj_node *o, const char *key, veil_spec_hook_list *l)
{
    return sr_array_of(r, o, key, SR_OPTIONAL, sizeof(*l->items), parse_hook, (void **)&l->items,
                       &l->n);
}

static int parse_hooks(spec_reader *r, const vj_node *o, void *out)
{
    veil_spec_hooks *h = out;
    if (hook_list(r, o, "prestart", &h->prestart) < 0 ||
        hook_list(r, o, "createRuntime", &h->create_runtime) < 0 ||
        hook_list(r, o, "createContainer", &h->create_container) < 0 ||
        hook_list(r, o, "startContainer", &h->start_container) < 0 ||
        hook_list(r, o, "poststart", &h->poststart) < 0 ||
        hook_list(r, o, "poststop", &h->poststop) < 0)
        return -1;
    return 0;
}

int spec_parse_hooks(spec_reader *r, const vj_node *doc, veil_spec_hooks *hooks)
{
    return sr_object(r, doc, "hooks", SR_OPTIONAL, parse_hooks, hooks);
}
