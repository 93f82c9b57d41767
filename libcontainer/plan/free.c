/* SPDX-License-Identifier: Apache-2.0 */
/* Releasing a plan: every pointer in plan.h is owned by the plan. */
#include <stdlib.h>

#include "plan/internal.h"

void veil_strv_free(char **v)
{
    if (v == NULL)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

static void kv_list_clear(veil_kv_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void veil_mount_step_clear(veil_mount_step *m)
{
    free(m->source);
    free(m->destination);
    free(m->type);
    free(m->data);
    free(m->uid_mappings.items);
    free(m->gid_mappings.items);
    for (size_t i = 0; i < m->n_overlay_lower; i++)
        free(m->overlay_lower[i]);
    free(m->overlay_lower);
    free(m->overlay_upper);
    free(m->overlay_work);
}

void veil_cgroup_plan_clear(veil_cgroup_plan *cg)
{
    free(cg->path);
    for (size_t i = 0; i < cg->n_writes; i++) {
        free(cg->writes[i].file);
        free(cg->writes[i].value);
        free(cg->writes[i].alt_file);
        free(cg->writes[i].alt_value);
    }
    free(cg->writes);
    for (size_t i = 0; i < cg->n_device_rules; i++)
        free(cg->device_rules[i].access);
    free(cg->device_rules);
    for (size_t i = 0; i < cg->n_warnings; i++)
        free(cg->warnings[i]);
    free(cg->warnings);
    cg->warnings = NULL;
    cg->n_warnings = 0;
    cg->path = NULL;
    cg->writes = NULL;
    cg->n_writes = 0;
    cg->device_rules = NULL;
    cg->n_device_rules = 0;
}

void veil_seccomp_plan_free(veil_seccomp_plan *sc)
{
    if (sc == NULL)
        return;
    free(sc->arches);
    for (size_t i = 0; i < sc->n_rules; i++) {
        veil_strv_free(sc->rules[i].names);
        free(sc->rules[i].args);
    }
    free(sc->rules);
    free(sc->listener_path);
    free(sc->listener_metadata);
    free(sc);
}

void veil_plan_process_free(veil_plan_process *p)
{
    if (p == NULL)
        return;
    veil_strv_free(p->args);
    veil_strv_free(p->env);
    free(p->cwd);
    free(p->additional_gids);
    free(p->rlimits);
    free(p->apparmor_profile);
    free(p->selinux_label);
    free(p->exec_cpu_affinity_initial);
    free(p->exec_cpu_affinity_final);
    free(p);
}

static void intel_rdt_free(veil_spec_intel_rdt *r)
{
    if (r == NULL)
        return;
    free(r->clos_id);
    free(r->l3_cache_schema);
    free(r->mem_bw_schema);
    veil_strv_free(r->schemata.v);
    free(r);
}

void veil_plan_free(veil_plan *plan)
{
    if (plan == NULL)
        return;
    free(plan->id);
    free(plan->bundle);
    free(plan->oci_version);
    kv_list_clear(&plan->annotations);
    for (size_t i = 0; i < plan->n_namespaces; i++)
        free(plan->namespaces[i].path);
    free(plan->namespaces);
    free(plan->uid_mappings.items);
    free(plan->gid_mappings.items);
    free(plan->hostname);
    free(plan->domainname);
    free(plan->rootfs);
    for (size_t i = 0; i < plan->n_mounts; i++)
        veil_mount_step_clear(&plan->mounts[i]);
    free(plan->mounts);
    for (size_t i = 0; i < plan->n_devices; i++)
        free(plan->devices[i].path);
    free(plan->devices);
    for (size_t i = 0; i < plan->n_masked_paths; i++)
        free(plan->masked_paths[i]);
    free(plan->masked_paths);
    for (size_t i = 0; i < plan->n_readonly_paths; i++)
        free(plan->readonly_paths[i]);
    free(plan->readonly_paths);
    kv_list_clear(&plan->sysctl);
    free(plan->mount_label);
    veil_plan_process_free(plan->process);
    veil_cgroup_plan_clear(&plan->cgroup);
    veil_seccomp_plan_free(plan->seccomp);
    for (int k = 0; k < VEIL_HOOK__COUNT; k++) {
        for (size_t i = 0; i < plan->hooks[k].n; i++) {
            free(plan->hooks[k].items[i].path);
            veil_strv_free(plan->hooks[k].items[i].args);
            veil_strv_free(plan->hooks[k].items[i].env);
        }
        free(plan->hooks[k].items);
    }
    for (size_t i = 0; i < plan->n_net_devices; i++) {
        free(plan->net_devices[i].host_name);
        free(plan->net_devices[i].name);
    }
    free(plan->net_devices);
    free(plan->memory_policy_nodes);
    intel_rdt_free(plan->intel_rdt);
    for (size_t i = 0; i < plan->n_warnings; i++)
        free(plan->warnings[i]);
    free(plan->warnings);
    free(plan);
}
