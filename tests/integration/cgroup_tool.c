/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup_tool: drives the cgroup library for tests/integration/cgroup.sh.
 * Each command does one library call; the script checks the kernel's view.
 *
 *   detect                         layout and controller masks
 *   plan RES.json                  the planned writes (and device rules)
 *   create [--relative] PATH RES.json   prints the saved state
 *   add STATE PID | pids STATE | dir STATE CTRL
 *   freeze STATE | thaw STATE | state STATE
 *   kill STATE SIGNAL | update STATE RES.json | destroy STATE | stats STATE
 *   run STATE CMD...               runs CMD inside the cgroup (clone3 into it on v2)
 *   bpf STATE                      device programs attached to the unified directory
 *   marker DIR                     controllers veil marked as switched on by it in DIR
 *
 * RES.json is shaped like linux.resources of config.json.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "plan/cgroup_internal.h"
#include "plan/internal.h"
#include "spec/json.h"

/* ---- allocations live until exit --------------------------------------------------- */

static void **kept;
static size_t n_kept;
static veil_cgroup *opened;

static void *keep(void *p)
{
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    kept = realloc(kept, (n_kept + 1) * sizeof(*kept));
    kept[n_kept++] = p;
    return p;
}

static void release(void)
{
    veil_cgroup_free(opened);
    for (size_t i = 0; i < n_kept; i++)
        free(kept[i]);
    free(kept);
}

static void *zalloc(size_t n, size_t size)
{
    return keep(calloc(n ? n : 1, size));
}

__attribute__((noreturn)) static void die(veil_error *err)
{
    fprintf(stderr, "error: %s\n", err ? err->msg : "?");
    veil_error_free(err);
    exit(1);
}

/* ---- linux.resources from JSON ---------------------------------------------------------- */

static veil_opt_i64 i64(const vj_node *o, const char *k)
{
    const vj_node *n = vj_get(o, k);
    veil_opt_i64 v = {0};
    if (n && n->type == VJ_NUMBER)
        v.set = vj_number_i64(n, &v.value);
    return v;
}

static veil_opt_u64 u64(const vj_node *o, const char *k)
{
    const vj_node *n = vj_get(o, k);
    veil_opt_u64 v = {0};
    if (n && n->type == VJ_NUMBER) {
        int64_t s;
        if (!(v.set = vj_number_u64(n, &v.value)) && vj_number_i64(n, &s) && s == -1)
            v = (veil_opt_u64){.set = true, .value = UINT64_MAX};
    }
    return v;
}

static veil_opt_bool boolean(const vj_node *o, const char *k)
{
    const vj_node *n = vj_get(o, k);
    return n && n->type == VJ_BOOL ? (veil_opt_bool){true, n->u.boolean} : (veil_opt_bool){0};
}

static char *str(const vj_node *o, const char *k)
{
    const vj_node *n = vj_get(o, k);
    return n && n->type == VJ_STRING ? keep(strdup(n->u.string.ptr)) : NULL;
}

static veil_spec_throttle_list throttles(const vj_node *o, const char *k)
{
    const vj_node *a = vj_get(o, k);
    veil_spec_throttle_list l = {0};
    if (a == NULL || a->type != VJ_ARRAY)
        return l;
    l.items = zalloc(a->u.array.len, sizeof(*l.items));
    for (size_t i = 0; i < a->u.array.len; i++) {
        const vj_node *d = a->u.array.items[i];
        l.items[l.n++] = (veil_spec_throttle_device){
            i64(d, "major").value, i64(d, "minor").value, u64(d, "rate").value};
    }
    return l;
}

static veil_spec_resources *parse_resources(const char *file)
{
    veil_error *err = NULL;
    vj_node *doc = vj_parse_file(file, &vj_default_limits, &err);
    if (doc == NULL)
        die(err);
    veil_spec_resources *r = zalloc(1, sizeof(*r));
    const vj_node *n;
    if ((n = vj_get(doc, "devices")) && n->type == VJ_ARRAY) {
        r->devices = zalloc(n->u.array.len, sizeof(*r->devices));
        for (size_t i = 0; i < n->u.array.len; i++) {
            const vj_node *d = n->u.array.items[i];
            char *type = str(d, "type");
            r->devices[r->n_devices++] = (veil_spec_device_rule){
                .allow = boolean(d, "allow").value, .type = type ? type[0] : 0,
                .major = i64(d, "major"), .minor = i64(d, "minor"), .access = str(d, "access")};
        }
    }
    if ((n = vj_get(doc, "memory"))) {
        veil_spec_memory *m = r->memory = zalloc(1, sizeof(*m));
        m->limit = i64(n, "limit");
        m->reservation = i64(n, "reservation");
        m->swap = i64(n, "swap");
        m->kernel = i64(n, "kernel");
        m->kernel_tcp = i64(n, "kernelTCP");
        m->swappiness = u64(n, "swappiness");
        m->disable_oom_killer = boolean(n, "disableOOMKiller");
        m->use_hierarchy = boolean(n, "useHierarchy");
        m->check_before_update = boolean(n, "checkBeforeUpdate");
    }
    if ((n = vj_get(doc, "cpu"))) {
        veil_spec_cpu *c = r->cpu = zalloc(1, sizeof(*c));
        c->shares = u64(n, "shares");
        c->quota = i64(n, "quota");
        c->burst = u64(n, "burst");
        c->period = u64(n, "period");
        c->realtime_runtime = i64(n, "realtimeRuntime");
        c->realtime_period = u64(n, "realtimePeriod");
        c->cpus = str(n, "cpus");
        c->mems = str(n, "mems");
        c->idle = i64(n, "idle");
    }
    if ((n = vj_get(doc, "blockIO"))) {
        veil_spec_blockio *b = r->block_io = zalloc(1, sizeof(*b));
        b->weight = u64(n, "weight");
        b->leaf_weight = u64(n, "leafWeight");
        const vj_node *wd = vj_get(n, "weightDevice");
        if (wd && wd->type == VJ_ARRAY) {
            b->weight_devices = zalloc(wd->u.array.len, sizeof(*b->weight_devices));
            for (size_t i = 0; i < wd->u.array.len; i++) {
                const vj_node *d = wd->u.array.items[i];
                b->weight_devices[b->n_weight_devices++] = (veil_spec_weight_device){
                    i64(d, "major").value, i64(d, "minor").value, u64(d, "weight"),
                    u64(d, "leafWeight")};
            }
        }
        b->throttle_read_bps = throttles(n, "throttleReadBpsDevice");
        b->throttle_write_bps = throttles(n, "throttleWriteBpsDevice");
        b->throttle_read_iops = throttles(n, "throttleReadIOPSDevice");
        b->throttle_write_iops = throttles(n, "throttleWriteIOPSDevice");
    }
    if ((n = vj_get(doc, "hugepageLimits")) && n->type == VJ_ARRAY) {
        r->hugepage_limits = zalloc(n->u.array.len, sizeof(*r->hugepage_limits));
        for (size_t i = 0; i < n->u.array.len; i++) {
            const vj_node *h = n->u.array.items[i];
            r->hugepage_limits[r->n_hugepage_limits++] =
                (veil_spec_hugepage_limit){str(h, "pageSize"), u64(h, "limit").value};
        }
    }
    if ((n = vj_get(doc, "network"))) {
        veil_spec_network *net = r->network = zalloc(1, sizeof(*net));
        net->class_id = u64(n, "classID");
        const vj_node *p = vj_get(n, "priorities");
        if (p && p->type == VJ_ARRAY) {
            net->priorities = zalloc(p->u.array.len, sizeof(*net->priorities));
            for (size_t i = 0; i < p->u.array.len; i++) {
                const vj_node *e = p->u.array.items[i];
                net->priorities[net->n_priorities++] = (veil_spec_net_priority){
                    str(e, "name"), (uint32_t)u64(e, "priority").value};
            }
        }
    }
    if ((n = vj_get(doc, "pids"))) {
        r->has_pids = true;
        r->pids_limit = i64(n, "limit").value;
    }
    if ((n = vj_get(doc, "rdma")) && n->type == VJ_OBJECT) {
        r->rdma = zalloc(n->u.object.len, sizeof(*r->rdma));
        for (size_t i = 0; i < n->u.object.len; i++)
            r->rdma[r->n_rdma++] = (veil_spec_rdma){keep(strdup(n->u.object.keys[i])),
                                                     u64(n->u.object.values[i], "hcaHandles"),
                                                     u64(n->u.object.values[i], "hcaObjects")};
    }
    if ((n = vj_get(doc, "unified")) && n->type == VJ_OBJECT) {
        r->unified.items = zalloc(n->u.object.len, sizeof(veil_kv));
        for (size_t i = 0; i < n->u.object.len; i++)
            r->unified.items[r->unified.n++] = (veil_kv){
                keep(strdup(n->u.object.keys[i])),
                keep(strdup(n->u.object.values[i]->type == VJ_STRING
                                ? n->u.object.values[i]->u.string.ptr
                                : ""))};
    }
    vj_free(doc);
    return r;
}

/* ---- commands ------------------------------------------------------------------------------ */

static void print_mask(const char *label, uint32_t m)
{
    printf(" %s=", label);
    const char *sep = "";
    for (int c = 0; c < VEIL_CG__COUNT; c++)
        if (m & (1u << c)) {
            printf("%s%s", sep, veil_cgroup_ctrl_name((veil_cgroup_ctrl)c));
            sep = ",";
        }
}

static veil_cgroup_plan make_plan(const char *path, bool relative, const char *resfile)
{
    veil_plan_options o = {0};
    o.cgroup_layout = veil_cgroup_detect(&o.v1_controllers, &o.v2_controllers);
    veil_cgroup_plan p = {0};
    veil_error *err = NULL;
    if (veil_plan_cgroup_resources(parse_resources(resfile), &o, &p, &err) < 0)
        die(err);
    p.path = path ? strdup(path) : NULL;
    p.path_relative = relative;
    for (size_t i = 0; i < p.n_warnings; i++)
        fprintf(stderr, "warning: %s\n", p.warnings[i]);
    return p;
}

static veil_cgroup *open_state(const char *saved)
{
    veil_cgroup *cg = NULL;
    veil_error *err = NULL;
    if (veil_cgroup_open(NULL, saved, &cg, &err) < 0)
        die(err);
    return cg;
}

static int cmd_run(veil_cgroup *cg, char **argv)
{
    veil_error *err = NULL;
    pid_t pid;
    int fd = veil_cgroup_v2_fd(cg);
    if (fd >= 0) {
        /* pure v2: born in the cgroup, as the runtime's init will be */
        struct clone_args args = {.flags = CLONE_INTO_CGROUP,
                                  .exit_signal = SIGCHLD,
                                  .cgroup = (uint64_t)fd};
        pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0) {
            perror("clone3");
            return 2;
        }
    } else {
        pid = fork();
        if (pid == 0 && veil_cgroup_add_pid(cg, getpid(), &err) < 0)
            die(err);
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return 2;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmd_stats(veil_cgroup *cg)
{
    veil_cgroup_stats st;
    veil_error *err = NULL;
    if (veil_cgroup_stats_get(cg, &st, &err) < 0)
        die(err);
    printf("cpu.total=%" PRIu64 "\ncpu.user=%" PRIu64 "\ncpu.kernel=%" PRIu64
           "\ncpu.percpu=%zu\n",
           st.cpu.total, st.cpu.user, st.cpu.kernel, st.cpu.n_percpu);
    printf("memory.usage=%" PRIu64 "\nmemory.limit=%" PRIu64 "\nmemory.max_usage=%" PRIu64
           "\nmemory.swap.limit=%" PRIu64 "\nmemory.raw=%zu\n",
           st.memory.usage.usage, st.memory.usage.limit, st.memory.usage.max_usage,
           st.memory.swap.limit, st.memory.raw.n);
    printf("pids.current=%" PRIu64 "\npids.limit=%" PRIu64 "\n", st.pids.current, st.pids.limit);
    for (size_t i = 0; i < st.n_hugetlb; i++)
        printf("hugetlb.%s.usage=%" PRIu64 "\n", st.hugetlb[i].page_size, st.hugetlb[i].usage);
    printf("blkio.entries=%zu\n", st.blkio.n_service_bytes);
    veil_cgroup_stats_clear(&st);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: cgroup_tool detect|plan|create|add|pids|dir|freeze|thaw|state|kill|"
                    "update|destroy|stats|run|bpf ...\n");
    return 2;
}

static int dispatch(int argc, char **argv)
{
    veil_error *err = NULL;
    const char *cmd = argv[1];
    if (strcmp(cmd, "detect") == 0) {
        uint32_t v1 = 0, v2 = 0;
        veil_cgroup_layout l = veil_cgroup_detect(&v1, &v2);
        printf("layout=%s", veil_cgroup_layout_name(l));
        print_mask("v1", v1);
        print_mask("v2", v2);
        printf("\n");
        return 0;
    }
    if (strcmp(cmd, "plan") == 0 && argc == 3) {
        veil_cgroup_plan p = make_plan(NULL, false, argv[2]);
        for (size_t i = 0; i < p.n_writes; i++)
            printf("%s\t%s\t%s\n", veil_cgroup_ctrl_name(p.writes[i].ctrl), p.writes[i].file,
                   p.writes[i].value);
        for (size_t i = 0; i < p.n_device_rules; i++) {
            char line[64];
            veil_cgroup_device_rule_string(&p.device_rules[i], line, sizeof(line));
            printf("rule\t%s\t%s\n", p.device_rules[i].allow ? "allow" : "deny", line);
        }
        veil_cgroup_plan_clear(&p);
        return 0;
    }
    if (strcmp(cmd, "create") == 0 && argc >= 4) {
        bool rel = strcmp(argv[2], "--relative") == 0;
        if (argc != 4 + rel)
            return usage();
        veil_cgroup_plan p = make_plan(argv[2 + rel], rel, argv[3 + rel]);
        veil_cgroup_layout layout = veil_cgroup_detect(NULL, NULL);
        veil_cgroup *cg = NULL;
        if (veil_cgroup_create(NULL, &p, layout, &cg, &err) < 0) {
            veil_cgroup_plan_clear(&p);
            die(err);
        }
        char *s = veil_cgroup_serialize(cg);
        printf("%s\n", s);
        free(s);
        veil_cgroup_free(cg);
        veil_cgroup_plan_clear(&p);
        return 0;
    }
    if (argc < 3)
        return usage();
    if (strcmp(cmd, "marker") == 0) {
        char buf[256];
        ssize_t n = getxattr(argv[2], "trusted.veil.controllers", buf, sizeof(buf) - 1);
        if (n >= 0)
            printf("%.*s\n", (int)n, buf);
        return n >= 0 || errno == ENODATA ? 0 : 1;
    }
    veil_cgroup *cg = opened = open_state(argv[2]);
    int r = 0;
    if (strcmp(cmd, "add") == 0 && argc == 4) {
        r = veil_cgroup_add_pid(cg, (pid_t)atoi(argv[3]), &err);
    } else if (strcmp(cmd, "pids") == 0) {
        pid_t *pids;
        size_t n;
        r = veil_cgroup_pids(cg, &pids, &n, &err);
        for (size_t i = 0; r == 0 && i < n; i++)
            printf("%d\n", (int)pids[i]);
        if (r == 0)
            free(pids);
    } else if (strcmp(cmd, "dir") == 0 && argc == 4) {
        for (int c = 0; c < VEIL_CG__COUNT; c++)
            if (strcmp(veil_cgroup_ctrl_name((veil_cgroup_ctrl)c), argv[3]) == 0) {
                const char *d = veil_cgroup_dir(cg, (veil_cgroup_ctrl)c);
                printf("%s\n", d ? d : "");
            }
    } else if (strcmp(cmd, "freeze") == 0 || strcmp(cmd, "thaw") == 0) {
        r = veil_cgroup_freeze(cg, cmd[0] == 'f', &err);
    } else if (strcmp(cmd, "state") == 0) {
        bool frozen;
        r = veil_cgroup_is_frozen(cg, &frozen, &err);
        if (r == 0)
            printf("%s\n", frozen ? "frozen" : "thawed");
    } else if (strcmp(cmd, "kill") == 0 && argc == 4) {
        r = veil_cgroup_kill_all(cg, atoi(argv[3]), &err);
    } else if (strcmp(cmd, "update") == 0 && argc == 4) {
        veil_cgroup_plan p = make_plan(NULL, false, argv[3]);
        r = veil_cgroup_update(NULL, cg, &p, &err);
        veil_cgroup_plan_clear(&p);
        if (r == 0) {
            char *s = veil_cgroup_serialize(cg);
            printf("%s\n", s);
            free(s);
        }
    } else if (strcmp(cmd, "destroy") == 0) {
        r = veil_cgroup_destroy(cg, &err);
    } else if (strcmp(cmd, "stats") == 0) {
        return cmd_stats(cg);
    } else if (strcmp(cmd, "run") == 0 && argc >= 4) {
        return cmd_run(cg, argv + 3);
    } else if (strcmp(cmd, "bpf") == 0) {
        const char *d = veil_cgroup_dir(cg, VEIL_CG_UNIFIED);
        int fd = d ? open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        uint32_t ids[16], n = 0;
        if (fd < 0 || veil_devcg_query(fd, ids, 16, &n, &err) < 0)
            die(err);
        close(fd);
        printf("%u\n", n);
    } else {
        return usage();
    }
    if (r < 0)
        die(err);
    return 0;
}

int main(int argc, char **argv)
{
    atexit(release);
    if (argc < 2)
        return usage();
    int r = dispatch(argc, argv);
    fflush(stdout);
    return r;
}
