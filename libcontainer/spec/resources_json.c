/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources back to JSON, optionally with an update merged in: the
 * container state keeps the resources in effect this way, so that `veil
 * update` can complete partial values (a quota without its period) and the
 * limits a container runs with can be read back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <veil/spec.h>

#include "spec/json.h"

/* "over if it has the field, else base" for each kind of optional value */
static void w_i64(vj_writer *w, const char *key, const veil_opt_i64 *b, const veil_opt_i64 *o)
{
    const veil_opt_i64 *v = o && o->set ? o : b;
    if (v && v->set)
        vj_w_ki64(w, key, v->value);
}

static void w_u64(vj_writer *w, const char *key, const veil_opt_u64 *b, const veil_opt_u64 *o)
{
    const veil_opt_u64 *v = o && o->set ? o : b;
    if (v && v->set)
        vj_w_ku64(w, key, v->value);
}

static void w_bool(vj_writer *w, const char *key, const veil_opt_bool *b, const veil_opt_bool *o)
{
    const veil_opt_bool *v = o && o->set ? o : b;
    if (v && v->set)
        vj_w_kbool(w, key, v->value);
}

static void w_str(vj_writer *w, const char *key, const char *b, const char *o)
{
    const char *v = o ? o : b;
    if (v)
        vj_w_kstr(w, key, v);
}

/* Device rules are written as they are: an update does not change them. */
static void w_devices(vj_writer *w, const veil_spec_resources *r)
{
    if (r == NULL || r->devices == NULL)
        return;
    vj_w_key(w, "devices");
    vj_w_array_open(w);
    for (size_t i = 0; i < r->n_devices; i++) {
        const veil_spec_device_rule *d = &r->devices[i];
        vj_w_object_open(w);
        vj_w_kbool(w, "allow", d->allow);
        if (d->type) {
            char t[2] = {d->type, '\0'};
            vj_w_kstr(w, "type", t);
        }
        w_i64(w, "major", &d->major, NULL);
        w_i64(w, "minor", &d->minor, NULL);
        w_str(w, "access", d->access, NULL);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
}

static void w_memory(vj_writer *w, const veil_spec_memory *b, const veil_spec_memory *o)
{
    if (b == NULL && o == NULL)
        return;
    static const veil_spec_memory none;
    if (b == NULL)
        b = &none;
    vj_w_key(w, "memory");
    vj_w_object_open(w);
    w_i64(w, "limit", &b->limit, o ? &o->limit : NULL);
    w_i64(w, "reservation", &b->reservation, o ? &o->reservation : NULL);
    w_i64(w, "swap", &b->swap, o ? &o->swap : NULL);
    w_i64(w, "kernel", &b->kernel, o ? &o->kernel : NULL);
    w_i64(w, "kernelTCP", &b->kernel_tcp, o ? &o->kernel_tcp : NULL);
    w_u64(w, "swappiness", &b->swappiness, o ? &o->swappiness : NULL);
    w_bool(w, "disableOOMKiller", &b->disable_oom_killer, o ? &o->disable_oom_killer : NULL);
    w_bool(w, "useHierarchy", &b->use_hierarchy, o ? &o->use_hierarchy : NULL);
    w_bool(w, "checkBeforeUpdate", &b->check_before_update, o ? &o->check_before_update : NULL);
    vj_w_object_close(w);
}

static void w_cpu(vj_writer *w, const veil_spec_cpu *b, const veil_spec_cpu *o)
{
    if (b == NULL && o == NULL)
        return;
    static const veil_spec_cpu none;
    if (b == NULL)
        b = &none;
    vj_w_key(w, "cpu");
    vj_w_object_open(w);
    w_u64(w, "shares", &b->shares, o ? &o->shares : NULL);
    w_i64(w, "quota", &b->quota, o ? &o->quota : NULL);
    w_u64(w, "burst", &b->burst, o ? &o->burst : NULL);
    w_u64(w, "period", &b->period, o ? &o->period : NULL);
    w_i64(w, "realtimeRuntime", &b->realtime_runtime, o ? &o->realtime_runtime : NULL);
    w_u64(w, "realtimePeriod", &b->realtime_period, o ? &o->realtime_period : NULL);
    w_str(w, "cpus", b->cpus, o ? o->cpus : NULL);
    w_str(w, "mems", b->mems, o ? o->mems : NULL);
    w_i64(w, "idle", &b->idle, o ? &o->idle : NULL);
    vj_w_object_close(w);
}

static bool same_dev(int64_t ma1, int64_t mi1, int64_t ma2, int64_t mi2)
{
    return ma1 == ma2 && mi1 == mi2;
}

static void w_weight_dev(vj_writer *w, const veil_spec_weight_device *d)
{
    vj_w_object_open(w);
    vj_w_ki64(w, "major", d->major);
    vj_w_ki64(w, "minor", d->minor);
    w_u64(w, "weight", &d->weight, NULL);
    w_u64(w, "leafWeight", &d->leaf_weight, NULL);
    vj_w_object_close(w);
}

/* Per-device lists: base's entries for devices the update does not name,
 * then the update's. */
static void w_weight_devs(vj_writer *w, const veil_spec_blockio *b, const veil_spec_blockio *o)
{
    size_t nb = b ? b->n_weight_devices : 0, no = o ? o->n_weight_devices : 0;
    if (nb + no == 0)
        return;
    vj_w_key(w, "weightDevice");
    vj_w_array_open(w);
    for (size_t i = 0; i < nb; i++) {
        const veil_spec_weight_device *d = &b->weight_devices[i];
        bool replaced = false;
        for (size_t j = 0; j < no && !replaced; j++)
            replaced = same_dev(d->major, d->minor, o->weight_devices[j].major,
                                o->weight_devices[j].minor);
        if (!replaced)
            w_weight_dev(w, d);
    }
    for (size_t j = 0; j < no; j++)
        w_weight_dev(w, &o->weight_devices[j]);
    vj_w_array_close(w);
}

static void w_throttle(vj_writer *w, const char *key, const veil_spec_throttle_list *b,
                       const veil_spec_throttle_list *o)
{
    size_t nb = b ? b->n : 0, no = o ? o->n : 0;
    if (nb + no == 0)
        return;
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (size_t i = 0; i < nb + no; i++) {
        const veil_spec_throttle_device *d = i < nb ? &b->items[i] : &o->items[i - nb];
        bool replaced = false;
        for (size_t j = 0; i < nb && j < no && !replaced; j++)
            replaced = same_dev(d->major, d->minor, o->items[j].major, o->items[j].minor);
        if (replaced)
            continue;
        vj_w_object_open(w);
        vj_w_ki64(w, "major", d->major);
        vj_w_ki64(w, "minor", d->minor);
        vj_w_ku64(w, "rate", d->rate);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
}

static void w_blockio(vj_writer *w, const veil_spec_blockio *b, const veil_spec_blockio *o)
{
    if (b == NULL && o == NULL)
        return;
    vj_w_key(w, "blockIO");
    vj_w_object_open(w);
    w_u64(w, "weight", b ? &b->weight : NULL, o ? &o->weight : NULL);
    w_u64(w, "leafWeight", b ? &b->leaf_weight : NULL, o ? &o->leaf_weight : NULL);
    w_weight_devs(w, b, o);
    w_throttle(w, "throttleReadBpsDevice", b ? &b->throttle_read_bps : NULL,
               o ? &o->throttle_read_bps : NULL);
    w_throttle(w, "throttleWriteBpsDevice", b ? &b->throttle_write_bps : NULL,
               o ? &o->throttle_write_bps : NULL);
    w_throttle(w, "throttleReadIOPSDevice", b ? &b->throttle_read_iops : NULL,
               o ? &o->throttle_read_iops : NULL);
    w_throttle(w, "throttleWriteIOPSDevice", b ? &b->throttle_write_iops : NULL,
               o ? &o->throttle_write_iops : NULL);
    vj_w_object_close(w);
}

static void w_hugepages(vj_writer *w, const veil_spec_resources *b, const veil_spec_resources *o)
{
    size_t nb = b ? b->n_hugepage_limits : 0, no = o ? o->n_hugepage_limits : 0;
    if (nb + no == 0)
        return;
    vj_w_key(w, "hugepageLimits");
    vj_w_array_open(w);
    for (size_t i = 0; i < nb + no; i++) {
        const veil_spec_hugepage_limit *h =
            i < nb ? &b->hugepage_limits[i] : &o->hugepage_limits[i - nb];
        bool replaced = false;
        for (size_t j = 0; i < nb && j < no && !replaced; j++)
            replaced = strcmp(h->page_size, o->hugepage_limits[j].page_size) == 0;
        if (replaced)
            continue;
        vj_w_object_open(w);
        vj_w_kstr(w, "pageSize", h->page_size);
        vj_w_ku64(w, "limit", h->limit);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
}

static void w_network(vj_writer *w, const veil_spec_network *b, const veil_spec_network *o)
{
    if (b == NULL && o == NULL)
        return;
    vj_w_key(w, "network");
    vj_w_object_open(w);
    w_u64(w, "classID", b ? &b->class_id : NULL, o ? &o->class_id : NULL);
    size_t nb = b ? b->n_priorities : 0, no = o ? o->n_priorities : 0;
    if (nb + no > 0) {
        vj_w_key(w, "priorities");
        vj_w_array_open(w);
        for (size_t i = 0; i < nb + no; i++) {
            const veil_spec_net_priority *p = i < nb ? &b->priorities[i] : &o->priorities[i - nb];
            bool replaced = false;
            for (size_t j = 0; i < nb && j < no && !replaced; j++)
                replaced = strcmp(p->name, o->priorities[j].name) == 0;
            if (replaced)
                continue;
            vj_w_object_open(w);
            vj_w_kstr(w, "name", p->name);
            vj_w_ku64(w, "priority", p->priority);
            vj_w_object_close(w);
        }
        vj_w_array_close(w);
    }
    vj_w_object_close(w);
}

static void w_pids(vj_writer *w, const veil_spec_resources *b, const veil_spec_resources *o)
{
    const veil_spec_resources *v = o && o->has_pids ? o : b && b->has_pids ? b : NULL;
    if (v == NULL)
        return;
    vj_w_key(w, "pids");
    vj_w_object_open(w);
    vj_w_ki64(w, "limit", v->pids_limit);
    vj_w_object_close(w);
}

static void w_rdma(vj_writer *w, const veil_spec_resources *b, const veil_spec_resources *o)
{
    size_t nb = b ? b->n_rdma : 0, no = o ? o->n_rdma : 0;
    if (nb + no == 0)
        return;
    vj_w_key(w, "rdma");
    vj_w_object_open(w);
    for (size_t i = 0; i < nb + no; i++) {
        const veil_spec_rdma *d = i < nb ? &b->rdma[i] : &o->rdma[i - nb];
        bool replaced = false;
        for (size_t j = 0; i < nb && j < no && !replaced; j++)
            replaced = strcmp(d->device, o->rdma[j].device) == 0;
        if (replaced)
            continue;
        vj_w_key(w, d->device);
        vj_w_object_open(w);
        w_u64(w, "hcaHandles", &d->hca_handles, NULL);
        w_u64(w, "hcaObjects", &d->hca_objects, NULL);
        vj_w_object_close(w);
    }
    vj_w_object_close(w);
}

static void w_unified(vj_writer *w, const veil_spec_resources *b, const veil_spec_resources *o)
{
    size_t nb = b ? b->unified.n : 0, no = o ? o->unified.n : 0;
    if (nb + no == 0)
        return;
    vj_w_key(w, "unified");
    vj_w_object_open(w);
    for (size_t i = 0; i < nb + no; i++) {
        const veil_kv *kv = i < nb ? &b->unified.items[i] : &o->unified.items[i - nb];
        bool replaced = false;
        for (size_t j = 0; i < nb && j < no && !replaced; j++)
            replaced = strcmp(kv->key, o->unified.items[j].key) == 0;
        if (!replaced)
            vj_w_kstr(w, kv->key, kv->value ? kv->value : "");
    }
    vj_w_object_close(w);
}

char *veil_spec_resources_to_json(const veil_spec_resources *base,
                                  const veil_spec_resources *over, veil_error **err)
{
    vj_writer *w = vj_writer_new(false);
    if (w == NULL) {
        veil_error_set(err, ENOMEM, "resources");
        return NULL;
    }
    vj_w_object_open(w);
    w_devices(w, base);
    w_memory(w, base ? base->memory : NULL, over ? over->memory : NULL);
    w_cpu(w, base ? base->cpu : NULL, over ? over->cpu : NULL);
    w_blockio(w, base ? base->block_io : NULL, over ? over->block_io : NULL);
    w_hugepages(w, base, over);
    w_network(w, base ? base->network : NULL, over ? over->network : NULL);
    w_pids(w, base, over);
    w_rdma(w, base, over);
    w_unified(w, base, over);
    vj_w_object_close(w);
    char *out = vj_writer_finish(w, false, NULL);
    if (out == NULL)
        veil_error_set(err, EINVAL, "cannot encode the resources as JSON");
    return out;
}
