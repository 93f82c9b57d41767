/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: config.json, `exec --process` and `update --resources`
 * documents.  Besides crashes, leaks and UB (the sanitizers), it checks what
 * the parser promises: errors carry the document name, and an accepted
 * config holds the invariants the plan builder relies on. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <veil/spec.h>

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "invariant broken: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                 \
            abort();                                                           \
        }                                                                      \
    } while (0)

static void check_error(veil_error *err, const char *name)
{
    CHECK(err != NULL && err->msg != NULL);
    size_t n = strlen(name);
    CHECK(strncmp(err->msg, name, n) == 0 && strncmp(err->msg + n, ": ", 2) == 0);
    CHECK(err->errnum != 0);
    veil_error_free(err);
}

static void check_strv(const veil_strv *s)
{
    if (s->v == NULL) {
        CHECK(s->n == 0);
        return;
    }
    for (size_t i = 0; i < s->n; i++)
        CHECK(s->v[i] != NULL);
    CHECK(s->v[s->n] == NULL);
}

static void check_process(const veil_spec_process *p)
{
    check_strv(&p->args);
    CHECK(p->args.n >= 1);
    CHECK(p->cwd && p->cwd[0] == '/');
    check_strv(&p->env);
    for (size_t i = 0; i < p->n_rlimits; i++) {
        CHECK(p->rlimits[i].soft <= p->rlimits[i].hard);
        for (size_t j = 0; j < i; j++)
            CHECK(p->rlimits[i].resource != p->rlimits[j].resource);
    }
    if (p->oom_score_adj.set)
        CHECK(p->oom_score_adj.value >= -1000 && p->oom_score_adj.value <= 1000);
    if (p->io_priority)
        CHECK(p->io_priority->priority >= 0 && p->io_priority->priority <= 7);
}

static void check_spec(const veil_spec *s)
{
    CHECK(s->oci_version && strncmp(s->oci_version, "1.", 2) == 0);
    CHECK(!s->has_root || (s->root_path && s->root_path[0]));
    if (s->process)
        check_process(s->process);
    for (size_t i = 0; i < s->n_mounts; i++)
        CHECK(s->mounts[i].destination && s->mounts[i].destination[0]);
    const veil_spec_linux *l = s->linux_;
    if (l == NULL)
        return;
    unsigned seen = 0;
    for (size_t i = 0; i < l->n_namespaces; i++) {
        unsigned bit = 1u << l->namespaces[i].type;
        CHECK(l->namespaces[i].type < VEIL_NS__COUNT && !(seen & bit));
        seen |= bit;
        CHECK(!l->namespaces[i].path || l->namespaces[i].path[0] == '/');
    }
    for (size_t i = 0; i < l->masked_paths.n; i++)
        CHECK(l->masked_paths.v[i][0] == '/');
    for (size_t i = 0; i < l->n_devices; i++)
        CHECK(l->devices[i].path[0] == '/' && strchr("cbup", l->devices[i].type));
    if (l->resources)
        for (size_t i = 0; i < l->resources->unified.n; i++)
            CHECK(strchr(l->resources->unified.items[i].key, '/') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    veil_error *err = NULL;
    veil_spec *spec = veil_spec_parse(buf, size, "config.json", &err);
    if (spec)
        check_spec(spec);
    else
        check_error(err, "config.json");
    veil_spec_free(spec);

    err = NULL;
    veil_spec_process *p = veil_spec_parse_process(buf, size, "process.json", &err);
    if (p)
        check_process(p);
    else
        check_error(err, "process.json");
    veil_spec_process_free(p);

    err = NULL;
    veil_spec_resources *r = veil_spec_parse_resources(buf, size, "resources.json", &err);
    if (r == NULL)
        check_error(err, "resources.json");
    veil_spec_resources_free(r);
    return 0;
}
