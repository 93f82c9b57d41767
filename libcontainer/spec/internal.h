/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* The config sections, one parser per file; each fills a zeroed struct that
 * the caller owns and frees, also on error. */
#include <veil/spec.h>

#include "spec/read.h"

/* parse_process.c */
int spec_parse_process(spec_reader *r, const vj_node *o, veil_spec_process *p);
/* parse_mounts.c */
int spec_parse_root(spec_reader *r, const vj_node *o, veil_spec *spec);
int spec_parse_mounts(spec_reader *r, const vj_node *doc, veil_spec *spec);
int spec_parse_hooks(spec_reader *r, const vj_node *doc, veil_spec_hooks *hooks);
/* parse_linux.c */
int spec_parse_linux(spec_reader *r, const vj_node *o, veil_spec_linux *l);
/* parse_resources.c */
int spec_parse_resources(spec_reader *r, const vj_node *o, veil_spec_resources *res);
/* parse_seccomp.c */
int spec_parse_seccomp(spec_reader *r, const vj_node *o, veil_spec_seccomp *sc);

/* free.c: release the contents, not the struct */
void spec_process_clear(veil_spec_process *p);
void spec_linux_clear(veil_spec_linux *l);
void spec_resources_clear(veil_spec_resources *res);
void spec_seccomp_clear(veil_spec_seccomp *sc);

/* names.c: "pid", "network", ... indexed by veil_ns_type */
extern const char *const spec_ns_names[VEIL_NS__COUNT];
