/* SPDX-License-Identifier: Apache-2.0 */
/* Releasing a spec: every pointer in spec.h is owned by its parent; partial
 * trees left by a failed parse are freed by the same functions. */
#include <stdlib.h>

#include "spec/internal.h"

static void strv_clear(veil_strv *s)
{
    if (s->v) {
        for (char **p = s->v; *p; p++)
            free(*p);
        free(s->v);
    }
    s->v = NULL;
    s->n = 0;
}

static void kv_clear(veil_kv_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void spec_process_clear(veil_spec_process *p)
{
    free(p->user.additional_gids);
    free(p->user.username);
    strv_clear(&p->args);
    free(p->command_line);
    strv_clear(&p->env);
    free(p->cwd);
    if (p->capabilities) {
        strv_clear(&p->capabilities->bounding);
        strv_clear(&p->capabilities->effective);
        strv_clear(&p->capabilities->inheritable);
        strv_clear(&p->capabilities->permitted);
        strv_clear(&p->capabilities->ambient);
        free(p->capabilities);
    }
    for (size_t i = 0; i < p->n_rlimits; i++)
        free(p->rlimits[i].type);
    free(p->rlimits);
    free(p->apparmor_profile);
    if (p->scheduler) {
        free(p->scheduler->policy);
        strv_clear(&p->scheduler->flags);
        free(p->scheduler);
    }
    free(p->selinux_label);
    if (p->io_priority) {
        free(p->io_priority->class);
        free(p->io_priority);
    }
    free(p->exec_cpu_affinity_initial);
    free(p->exec_cpu_affinity_final);
}

void veil_spec_process_free(veil_spec_process *p)
{
    if (p == NULL)
        return;
    spec_process_clear(p);
    free(p);
}

static void hook_list_clear(veil_spec_hook_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].path);
        strv_clear(&l->items[i].args);
        strv_clear(&l->items[i].env);
    }
    free(l->items);
}

static void throttle_clear(veil_spec_throttle_list *l)
{
    free(l->items);
}

void spec_resources_clear(veil_spec_resources *res)
{
    for (size_t i = 0; i < res->n_devices; i++)
        free(res->devices[i].access);
    free(res->devices);
    free(res->memory);
    if (res->cpu) {
        free(res->cpu->cpus);
        free(res->cpu->mems);
        free(res->cpu);
    }
    if (res->block_io) {
        free(res->block_io->weight_devices);
        throttle_clear(&res->block_io->throttle_read_bps);
        throttle_clear(&res->block_io->throttle_write_bps);
        throttle_clear(&res->block_io->throttle_read_iops);
        throttle_clear(&res->block_io->throttle_write_iops);
        free(res->block_io);
    }
    for (size_t i = 0; i < res->n_hugepage_limits; i++)
        free(res->hugepage_limits[i].page_size);
    free(res->hugepage_limits);
    if (res->network) {
        for (size_t i = 0; i < res->network->n_priorities; i++)
            free(res->network->priorities[i].name);
        free(res->network->priorities);
        free(res->network);
    }
    for (size_t i = 0; i < res->n_rdma; i++)
        free(res->rdma[i].device);
    free(res->rdma);
    kv_clear(&res->unified);
}

void veil_spec_resources_free(veil_spec_resources *res)
{
    if (res == NULL)
        return;
    spec_resources_clear(res);
    free(res);
}

void spec_seccomp_clear(veil_spec_seccomp *sc)
{
    free(sc->default_action);
    strv_clear(&sc->architectures);
    strv_clear(&sc->flags);
    free(sc->listener_path);
    free(sc->listener_metadata);
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        veil_spec_syscall *s = &sc->syscalls[i];
        strv_clear(&s->names);
        free(s->action);
        for (size_t j = 0; j < s->n_args; j++)
            free(s->args[j].op);
        free(s->args);
    }
    free(sc->syscalls);
}

void spec_linux_clear(veil_spec_linux *l)
{
    for (size_t i = 0; i < l->n_namespaces; i++)
        free(l->namespaces[i].path);
    free(l->namespaces);
    free(l->uid_mappings);
    free(l->gid_mappings);
    for (size_t i = 0; i < l->n_devices; i++)
        free(l->devices[i].path);
    free(l->devices);
    free(l->cgroups_path);
    if (l->resources) {
        spec_resources_clear(l->resources);
        free(l->resources);
    }
    if (l->intel_rdt) {
        free(l->intel_rdt->clos_id);
        free(l->intel_rdt->l3_cache_schema);
        free(l->intel_rdt->mem_bw_schema);
        strv_clear(&l->intel_rdt->schemata);
        free(l->intel_rdt);
    }
    kv_clear(&l->sysctl);
    if (l->seccomp) {
        spec_seccomp_clear(l->seccomp);
        free(l->seccomp);
    }
    free(l->rootfs_propagation);
    strv_clear(&l->masked_paths);
    strv_clear(&l->readonly_paths);
    free(l->mount_label);
    if (l->personality) {
        free(l->personality->domain);
        strv_clear(&l->personality->flags);
        free(l->personality);
    }
    for (size_t i = 0; i < l->n_net_devices; i++) {
        free(l->net_devices[i].host_name);
        free(l->net_devices[i].name);
    }
    free(l->net_devices);
    if (l->memory_policy) {
        free(l->memory_policy->mode);
        free(l->memory_policy->nodes);
        strv_clear(&l->memory_policy->flags);
        free(l->memory_policy);
    }
}

void veil_spec_free(veil_spec *spec)
{
    if (spec == NULL)
        return;
    free(spec->oci_version);
    free(spec->root_path);
    veil_spec_process_free(spec->process);
    free(spec->hostname);
    free(spec->domainname);
    for (size_t i = 0; i < spec->n_mounts; i++) {
        veil_spec_mount *m = &spec->mounts[i];
        free(m->destination);
        free(m->type);
        free(m->source);
        strv_clear(&m->options);
        free(m->uid_mappings);
        free(m->gid_mappings);
    }
    free(spec->mounts);
    hook_list_clear(&spec->hooks.prestart);
    hook_list_clear(&spec->hooks.create_runtime);
    hook_list_clear(&spec->hooks.create_container);
    hook_list_clear(&spec->hooks.start_container);
    hook_list_clear(&spec->hooks.poststart);
    hook_list_clear(&spec->hooks.poststop);
    kv_clear(&spec->annotations);
    if (spec->linux_) {
        spec_linux_clear(spec->linux_);
        free(spec->linux_);
    }
    free(spec);
}
