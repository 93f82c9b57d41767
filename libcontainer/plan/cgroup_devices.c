/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device access list of a container's cgroup.  Like runc, the
 * effective list starts by denying everything, then applies the config's
 * rules in order, then allows the devices every container needs (the null,
 * zero, random... nodes, ptys, tun, and mknod of any node: the mknod rule
 * alone does not grant access to the node it creates).  On v1 the list is
 * written line by line to devices.deny / devices.allow, where the kernel
 * applies it in order; on v2 the cgroup driver compiles the same list into
 * an eBPF program with the same semantics (cgroup/v2_devices_bpf.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/cgroup_internal.h"

#define WILD(x) {.set = false, .value = (x)}
#define NUM(x) {.set = true, .value = (x)}

static const veil_spec_device_rule default_rules[] = {
    {.allow = true, .type = 'c', .major = WILD(-1), .minor = WILD(-1), .access = "m"},
    {.allow = true, .type = 'b', .major = WILD(-1), .minor = WILD(-1), .access = "m"},
    {.allow = true, .type = 'c', .major = NUM(1), .minor = NUM(3), .access = "rwm"},   /* null */
    {.allow = true, .type = 'c', .major = NUM(1), .minor = NUM(8), .access = "rwm"},   /* random */
    {.allow = true, .type = 'c', .major = NUM(1), .minor = NUM(7), .access = "rwm"},   /* full */
    {.allow = true, .type = 'c', .major = NUM(5), .minor = NUM(0), .access = "rwm"},   /* tty */
    {.allow = true, .type = 'c', .major = NUM(1), .minor = NUM(5), .access = "rwm"},   /* zero */
    {.allow = true, .type = 'c', .major = NUM(1), .minor = NUM(9), .access = "rwm"},   /* urandom */
    {.allow = true, .type = 'c', .major = NUM(136), .minor = WILD(-1), .access = "rwm"}, /* pts */
    {.allow = true, .type = 'c', .major = NUM(5), .minor = NUM(2), .access = "rwm"},   /* ptmx */
    {.allow = true, .type = 'c', .major = NUM(10), .minor = NUM(200), .access = "rwm"}, /* tun */
};

static const veil_spec_device_rule deny_all = {
    .allow = false, .type = 'a', .major = WILD(-1), .minor = WILD(-1), .access = "rwm"};

void veil_cgroup_device_rule_string(const veil_spec_device_rule *r, char *buf, size_t len)
{
    char type = r->type ? r->type : 'a';
    if (type == 'a') {
        /* the kernel reads "a" as "every device, every access" whatever follows */
        snprintf(buf, len, "a *:* rwm");
        return;
    }
    char major[24] = "*", minor[24] = "*";
    if (r->major.set && r->major.value >= 0)
        snprintf(major, sizeof(major), "%" PRId64, r->major.value);
    if (r->minor.set && r->minor.value >= 0)
        snprintf(minor, sizeof(minor), "%" PRId64, r->minor.value);
    snprintf(buf, len, "%c %s:%s %s", type, major, minor, r->access ? r->access : "rwm");
}

/* A checked, normalised copy: wildcards unset, access in "rwm" order. */
static int rule_copy(veil_cgplan *b, const veil_spec_device_rule *in, size_t idx,
                     veil_spec_device_rule *out)
{
    char type = in->type ? in->type : 'a';
    if (type != 'a' && type != 'b' && type != 'c')
        return veil_error_set(b->err, 0,
                              "linux.resources.devices[%zu].type: invalid device type '%c' "
                              "(expected a, b or c)",
                              idx, in->type);
    const char *acc = in->access ? in->access : "rwm";
    if (*acc == '\0' || strspn(acc, "rwm") != strlen(acc))
        return veil_error_set(b->err, 0,
                              "linux.resources.devices[%zu].access: invalid access \"%s\" "
                              "(expected a non-empty combination of r, w and m)",
                              idx, acc);
    const veil_opt_i64 *nums[2] = {&in->major, &in->minor};
    for (int i = 0; i < 2; i++)
        if (nums[i]->set && (nums[i]->value < -1 || nums[i]->value > UINT32_MAX))
            return veil_error_set(b->err, 0,
                                  "linux.resources.devices[%zu].%s: %" PRId64 " is out of range",
                                  idx, i ? "minor" : "major", nums[i]->value);
    char norm[4];
    size_t n = 0;
    for (const char *p = "rwm"; *p; p++)
        if (strchr(acc, *p))
            norm[n++] = *p;
    norm[n] = '\0';
    *out = (veil_spec_device_rule){.allow = in->allow, .type = type};
    if (type != 'a') {
        if (in->major.set && in->major.value >= 0)
            out->major = (veil_opt_i64){.set = true, .value = in->major.value};
        if (in->minor.set && in->minor.value >= 0)
            out->minor = (veil_opt_i64){.set = true, .value = in->minor.value};
    }
    out->access = strdup(type == 'a' ? "rwm" : norm);
    return out->access ? 0 : veil_error_set(b->err, ENOMEM, "device rules");
}

static int append_rule(veil_cgplan *b, const veil_spec_device_rule *in, size_t idx)
{
    veil_cgroup_plan *o = b->out;
    veil_spec_device_rule *v = realloc(o->device_rules, (o->n_device_rules + 1) * sizeof(*v));
    if (v == NULL)
        return veil_error_set(b->err, ENOMEM, "device rules");
    o->device_rules = v;
    if (rule_copy(b, in, idx, &v[o->n_device_rules]) < 0)
        return -1;
    o->n_device_rules++;
    return 0;
}

int veil_cgplan_devices(veil_cgplan *b, const veil_spec_resources *res)
{
    veil_cgroup_plan *o = b->out;
    size_t first = o->n_device_rules;
    if (append_rule(b, &deny_all, 0) < 0)
        return -1;
    for (size_t i = 0; res && i < res->n_devices; i++)
        if (append_rule(b, &res->devices[i], i) < 0)
            return -1;
    for (size_t i = 0; i < sizeof(default_rules) / sizeof(default_rules[0]); i++)
        if (append_rule(b, &default_rules[i], i) < 0)
            return -1;

    switch (veil_cgplan_where(b, VEIL_CG_DEVICES)) {
    case VEIL_CGPLAN_V1:
        for (size_t i = first; i < o->n_device_rules; i++) {
            const veil_spec_device_rule *r = &o->device_rules[i];
            char line[64];
            veil_cgroup_device_rule_string(r, line, sizeof(line));
            if (veil_cgplan_add(b, VEIL_CG_DEVICES, 0, r->allow ? "devices.allow" : "devices.deny",
                                "%s", line) < 0)
                return -1;
        }
        return 0;
    case VEIL_CGPLAN_V2:
    case VEIL_CGPLAN_NONE:
        break;
    }
    /* No devices controller on a v1 host leaves every device open:
     * refused, as runc does. */
    if (b->opts->cgroup_layout == VEIL_CGROUP_V1)
        return veil_cgplan_missing(b, "linux.resources.devices", VEIL_CG_DEVICES);
    /* v2 and hybrid without a v1 devices hierarchy: the eBPF program on the
     * unified cgroup enforces o->device_rules. */
    return 0;
}
