/* SPDX-License-Identifier: Apache-2.0 */
/*
 * create: config -> plan -> state directory, cgroup, seccomp program, exec
 * socket -> init cloned and driven to READY -> state.json and pid file.  Any
 * failure undoes what was made: no state directory, cgroup or process is
 * left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <veil/container.h>
#include <veil/plan.h>
#include <veil/spec.h>

#include "container/internal.h"
#include "linux/linux.h"
#include "linux/seccomp.h"
#include "util/cleanup.h"
#include "util/fs.h"

int veil_validate_id(const char *id, veil_error **err)
{
    if (id == NULL || *id == '\0')
        return veil_error_set(err, 0, "container id cannot be empty");
    size_t len = strlen(id);
    if (len > 1024)
        return veil_error_set(err, 0, "invalid container id: longer than 1024 bytes");
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return veil_error_set(err, 0, "invalid container id \"%s\"", id);
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '+' || c == '-' || (c == '.' && i > 0);
        if (!ok)
            return veil_error_set(err, 0,
                                  "invalid container id \"%s\": only [A-Za-z0-9_+-] and, after "
                                  "the first character, \".\" are allowed",
                                  id);
    }
    return 0;
}

/* UTC from the day count (days since 1970-01-01), computed here: glibc's
 * gmtime_r loads the time zone (/etc/localtime) on first use, which UTC
 * does not need. */
static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
    z += 719468; /* days from 0000-03-01 */
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);                       /* [0, 146096] */
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);             /* [0, 365] */
    unsigned mp = (5 * doy + 2) / 153;                                  /* March = 0 */
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long long)yoe + era * 400 + (*m <= 2);
}

void veil_format_created(char *buf, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    veil_format_time(&ts, buf, len);
}

void veil_format_time(const struct timespec *t, char *buf, size_t len)
{
    struct timespec ts = *t;
    long long days = ts.tv_sec / 86400, secs = ts.tv_sec % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    long long y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, len, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09ldZ", y, m, d, secs / 3600,
             secs / 60 % 60, secs % 60, ts.tv_nsec);
}

/* The state document for hooks during create.  runtime-spec: the status is
 * "created" once the environment exists (after lifecycle step 2), which is
 * when prestart, createRuntime, createContainer and startContainer run;
 * crun does the same (runc says "creating"). */
struct hook_state_ctx {
    veil_state_record *rec;
    char *json;
};

static const char *hook_state_cb(void *data, pid_t pid)
{
    struct hook_state_ctx *h = data;
    h->rec->pid = pid;
    free(h->json);
    h->json = veil_state_hook_json(h->rec, VEIL_STATUS_CREATED);
    return h->json;
}

int veil_connect_console(const char *path, veil_error **err)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return veil_error_set(err, errno, "console socket");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    /* long paths: connect through the parent directory's fd */
    _cleanup_close_ int dirfd = -1;
    const char *name = path;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        const char *slash = strrchr(path, '/');
        _cleanup_free_ char *dir = slash ? strndup(path, (size_t)(slash - path)) : NULL;
        dirfd = dir ? open(*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
        if (dirfd < 0 || strlen(slash + 1) + 32 >= sizeof(sa.sun_path)) {
            close(fd);
            return veil_error_set(err, ENAMETOOLONG, "connect to the console socket %s", path);
        }
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dirfd, slash + 1);
    } else {
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", name);
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        return veil_error_set(err, e, "connect to the console socket %s", path);
    }
    return fd;
}

int veil_write_pid_file(const char *path, pid_t pid, veil_error **err)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
    _cleanup_free_ char *dup = strdup(path);
    if (dup == NULL)
        return veil_error_set(err, ENOMEM, "pid file");
    char *slash = strrchr(dup, '/');
    const char *dir = ".", *name = dup;
    if (slash) {
        *slash = '\0';
        dir = *dup ? dup : "/";
        name = slash + 1;
    }
    _cleanup_close_ int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return veil_error_set(err, errno, "open the directory of the pid file %s", path);
    if (veil_fs_write_atomic(dirfd, name, buf, (size_t)n, 0644, err) < 0)
        return veil_error_prefix(err, "write the pid file %s", path);
    return 0;
}

static char *absolute_bundle(const char *bundle, veil_error **err)
{
    char *abs = realpath(bundle ? bundle : ".", NULL);
    if (abs == NULL)
        veil_error_set(err, errno, "bundle %s", bundle ? bundle : ".");
    return abs;
}

static int copy_hooks(veil_plan_hook_list *dst, const veil_plan_hook_list *src)
{
    if (src->n == 0)
        return 0;
    dst->items = calloc(src->n, sizeof(*dst->items));
    if (dst->items == NULL)
        return -1;
    for (size_t i = 0; i < src->n; i++) {
        veil_plan_hook *d = &dst->items[i];
        const veil_plan_hook *s = &src->items[i];
        d->path = strdup(s->path);
        d->timeout = s->timeout;
        for (int k = 0; k < 2; k++) {
            char **from = k ? s->env : s->args;
            if (from == NULL)
                continue;
            size_t n = 0;
            while (from[n])
                n++;
            char **to = calloc(n + 1, sizeof(*to));
            if (to == NULL)
                return -1;
            for (size_t j = 0; j < n; j++)
                to[j] = strdup(from[j]);
            if (k)
                d->env = to;
            else
                d->args = to;
        }
        dst->n++;
    }
    return 0;
}

static veil_state_record *new_record(const veil_plan *plan, const char *bundle)
{
    veil_state_record *rec = calloc(1, sizeof(*rec));
    if (rec == NULL)
        return NULL;
    char created[64];
    veil_format_created(created, sizeof(created));
    rec->oci_version = strdup(plan->oci_version ? plan->oci_version : "1.3.0");
    rec->id = strdup(plan->id);
    rec->bundle = strdup(bundle);
    rec->rootfs = strdup(plan->rootfs);
    rec->created = strdup(created);
    rec->owner = strdup("");
    if (plan->annotations.n) {
        rec->annotations.items = calloc(plan->annotations.n, sizeof(veil_kv));
        for (size_t i = 0; rec->annotations.items && i < plan->annotations.n; i++) {
            rec->annotations.items[i].key = strdup(plan->annotations.items[i].key);
            rec->annotations.items[i].value = strdup(plan->annotations.items[i].value);
            rec->annotations.n++;
        }
    }
    rec->no_process = plan->process == NULL;
    rec->no_new_keyring = plan->no_new_keyring;
    rec->pidns_private = false;
    for (size_t i = 0; i < plan->n_namespaces; i++)
        if (plan->namespaces[i].type == VEIL_NS_PID && plan->namespaces[i].path == NULL)
            rec->pidns_private = true;
    if (copy_hooks(&rec->poststart, &plan->hooks[VEIL_HOOK_POSTSTART]) < 0 ||
        copy_hooks(&rec->poststop, &plan->hooks[VEIL_HOOK_POSTSTOP]) < 0) {
        veil_state_record_free(rec);
        return NULL;
    }
    return rec;
}

void veil_clamp_caps(const veil_context *ctx, veil_plan *plan)
{
    if (plan->process == NULL)
        return;
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) < 0)
        return;
    uint64_t have = (uint64_t)data[0].permitted | ((uint64_t)data[1].permitted << 32);
    veil_plan_caps *c = &plan->process->caps;
    uint64_t want = c->bounding | c->effective | c->permitted | c->inheritable | c->ambient;
    uint64_t missing = want & ~have;
    for (int cap = 0; cap < 64; cap++)
        if (missing & (1ULL << cap))
            veil_log(ctx, VEIL_LOG_WARNING, "capability %s is not available to veil, not granted",
                     veil_cap_name(cap) ? veil_cap_name(cap) : "?");
    c->bounding &= have;
    c->effective &= have;
    c->permitted &= have;
    c->inheritable &= have;
    c->ambient &= have;
}

/* The plan, the config bytes it came from (saved for exec), and
 * linux.resources as JSON for the state (`update` merges into it). */
static int load_plan(const veil_context *ctx, const veil_create_options *opts, const char *bundle,
                     const veil_cgroup_host *host, veil_plan **plan, char **raw, size_t *raw_len,
                     char **resources, veil_error **err)
{
    _cleanup_free_ char *config = NULL;
    if (asprintf(&config, "%s/config.json", bundle) < 0)
        return veil_error_set(err, ENOMEM, "config");
    veil_spec *spec = veil_spec_load_raw(config, raw, raw_len, err);
    if (spec == NULL)
        return -1;
    veil_plan_options po = {
        .id = opts->id,
        .bundle = bundle,
        .systemd_cgroup = ctx->systemd_cgroup,
        .rootless = ctx->rootless,
        .no_pivot = opts->no_pivot,
        .no_new_keyring = opts->no_new_keyring,
        .preserve_fds = opts->preserve_fds,
    };
    if (!ctx->no_cgroups) {
        po.cgroup_layout = host->layout;
        po.v1_controllers = host->v1;
        po.v2_controllers = host->v2;
    }
    int r = veil_plan_build(spec, &po, plan, err);
    if (r == 0 && spec->linux_ && spec->linux_->resources &&
        (*resources = veil_spec_resources_to_json(spec->linux_->resources, NULL, err)) == NULL) {
        veil_plan_free(*plan);
        *plan = NULL;
        r = -1;
    }
    veil_spec_free(spec);
    if (r < 0)
        return -1;
    for (size_t i = 0; i < (*plan)->n_warnings; i++)
        veil_log(ctx, VEIL_LOG_WARNING, "%s", (*plan)->warnings[i]);
    veil_clamp_caps(ctx, *plan);
    /* A field veil cannot apply must fail create (runtime-spec), never be
     * dropped: resctrl (Intel RDT) is not implemented. */
    if ((*plan)->intel_rdt) {
        veil_plan_free(*plan);
        *plan = NULL;
        return veil_error_set(err, 0, "linux.intelRdt: Intel RDT (resctrl) is not supported by veil");
    }
    return 0;
}

void veil_created_close(veil_created *c)
{
    if (c->dirfd >= 0)
        close(c->dirfd);
    if (c->pidfd >= 0)
        close(c->pidfd);
    if (c->pty_master >= 0)
        close(c->pty_master);
    if (c->sync_fd >= 0)
        close(c->sync_fd);
    c->sync_fd = -1;
    veil_cgroup_free(c->cgroup);
    veil_state_record_free(c->rec);
    c->dirfd = c->pidfd = c->pty_master = -1;
    c->cgroup = NULL;
    c->rec = NULL;
}

/* Resources held during create, released (and undone on failure) at the end. */
typedef struct create_job {
    const veil_context *ctx;
    const char *id;
    int dirfd;
    bool made_state;
    veil_cgroup *cgroup;
    veil_cgroup_host host; /* detected once, for the plan and the cgroup */
    veil_seccomp_prog *seccomp;
    int console_fd, start_fd, listener_fd;
} create_job;

static void job_undo(create_job *j)
{
    veil_error *e = NULL;
    if (j->cgroup && veil_cgroup_destroy(j->cgroup, &e) < 0) {
        veil_log(j->ctx, VEIL_LOG_WARNING, "cleanup: %s", e->msg);
        veil_error_free(e);
        e = NULL;
    }
    if (j->made_state && veil_state_dir_remove(j->ctx->state_root, j->id, j->dirfd, &e) < 0) {
        veil_log(j->ctx, VEIL_LOG_WARNING, "cleanup: %s", e->msg);
        veil_error_free(e);
    }
}

static void job_close(create_job *j)
{
    if (j->console_fd >= 0)
        close(j->console_fd);
    if (j->start_fd >= 0)
        close(j->start_fd);
    if (j->listener_fd >= 0)
        close(j->listener_fd);
    veil_seccomp_prog_free(j->seccomp);
    j->console_fd = j->start_fd = j->listener_fd = -1;
    j->seccomp = NULL;
}

static int prepare_job(create_job *j, const veil_plan *plan, const veil_create_options *opts,
                       bool keep_pty, bool direct_start, veil_error **err)
{
    const veil_context *ctx = j->ctx;
    const veil_plan_process *p = plan->process;
    if (p && p->terminal && !opts->console_socket && !keep_pty)
        return veil_error_set(err, 0,
                              "cannot allocate a terminal without --console-socket when the "
                              "container is detached (process.terminal is true)");
    if (opts->console_socket && !(p && p->terminal))
        return veil_error_set(err, 0,
                              "--console-socket is set but process.terminal is false in "
                              "config.json");
    if (veil_state_dir_create(ctx->state_root, opts->id, &j->dirfd, err) < 0)
        return -1;
    j->made_state = true;
    if (opts->console_socket &&
        (j->console_fd = veil_connect_console(opts->console_socket, err)) < 0)
        return -1;
    if (plan->seccomp) {
        if (veil_seccomp_prepare(ctx, plan->seccomp, &j->seccomp, err) < 0)
            return -1;
        if (plan->seccomp->listener_path &&
            (j->listener_fd = veil_seccomp_connect_listener(plan->seccomp, err)) < 0)
            return -1;
    }
    /* v1 hierarchies: made while init mounts, where init can join them late */
    bool defer_v1 = veil_spawn_may_defer_cgroup(plan);
    if (!ctx->no_cgroups && veil_cgroup_create_on(ctx, &plan->cgroup, j->host.layout, &j->host,
                                                  defer_v1, &j->cgroup, err) < 0)
        return -1;
    if (direct_start)
        return 0;
    j->start_fd = veil_start_listen(j->dirfd, err);
    return j->start_fd < 0 ? -1 : 0;
}

int veil_container_do_create(const veil_context *ctx, const veil_create_options *opts,
                             bool keep_pty, bool direct_start, veil_created *out,
                             veil_error **err)
{
    out->dirfd = out->pidfd = out->pty_master = out->sync_fd = -1;
    out->rec = NULL;
    out->cgroup = NULL;
    if (veil_validate_id(opts->id, err) < 0)
        return -1;
    _cleanup_free_ char *bundle = absolute_bundle(opts->bundle, err);
    if (bundle == NULL)
        return -1;
    veil_plan *plan = NULL;
    _cleanup_free_ char *raw = NULL;
    size_t raw_len = 0;
    _cleanup_free_ char *resources = NULL;
    create_job j = {.ctx = ctx, .id = opts->id, .dirfd = -1, .console_fd = -1, .start_fd = -1,
                    .listener_fd = -1};
    if (!ctx->no_cgroups)
        veil_cgroup_detect_host(&j.host);
    if (load_plan(ctx, opts, bundle, &j.host, &plan, &raw, &raw_len, &resources, err) < 0)
        return -1;
    veil_state_record *rec = NULL;
    struct hook_state_ctx hs = {0};
    veil_spawn_result res = {.pid = -1, .pidfd = -1, .pty_master = -1, .sync_fd = -1};
    int r = prepare_job(&j, plan, opts, keep_pty, direct_start, err);
    if (r == 0)
        r = veil_state_save_config(j.dirfd, raw, raw_len, err);
    if (r == 0 && (rec = new_record(plan, bundle)) == NULL)
        r = veil_error_set(err, ENOMEM, "create");
    if (r == 0)
        rec->resources = steal_pointer(&resources);
    if (r == 0) {
        hs.rec = rec;
        veil_spawn_options so = {
            .id = opts->id,
            .cgroup = j.cgroup,
            .seccomp = j.seccomp,
            .start_fd = j.start_fd,
            .console_fd = j.console_fd,
            .keep_pty = keep_pty && !opts->console_socket,
            .seccomp_listener_fd = j.listener_fd,
            .cgroup_path = j.cgroup ? veil_cgroup_path(j.cgroup) : NULL,
            .hook_state = hook_state_cb,
            .hook_state_data = &hs,
        };
        r = veil_spawn(ctx, plan, &so, &res, err);
    }
    free(hs.json);
    if (r == 0) {
        rec->pid = res.pid;
        /* after the spawn: which directories veil made is known once the
         * deferred hierarchies exist */
        if (j.cgroup && (rec->cgroup = veil_cgroup_serialize(j.cgroup)) == NULL)
            r = veil_error_set(err, ENOMEM, "create");
        else if (veil_proc_stat(res.pid, &rec->pid_start_time, NULL) < 0)
            r = veil_error_set(err, errno, "read the start time of init %d", (int)res.pid);
        else if (veil_state_write(j.dirfd, rec, err) < 0)
            r = -1;
        else if (opts->pid_file && veil_write_pid_file(opts->pid_file, res.pid, err) < 0)
            r = -1;
        if (r < 0) {
            kill(res.pid, SIGKILL);
            waitpid(res.pid, NULL, 0);
        }
    }
    job_close(&j);
    veil_plan_free(plan);
    if (r < 0) {
        if (res.pidfd >= 0)
            close(res.pidfd);
        if (res.pty_master >= 0)
            close(res.pty_master);
        if (res.sync_fd >= 0)
            close(res.sync_fd);
        job_undo(&j);
        if (j.dirfd >= 0)
            close(j.dirfd);
        veil_cgroup_free(j.cgroup);
        veil_state_record_free(rec);
        return -1;
    }
    veil_debug(ctx, "container %s created, init %d", opts->id, (int)res.pid);
    out->dirfd = j.dirfd;
    out->rec = rec;
    out->cgroup = j.cgroup;
    out->pid = res.pid;
    out->pidfd = res.pidfd;
    out->pty_master = res.pty_master;
    out->sync_fd = res.sync_fd;
    return 0;
}

int veil_container_create(const veil_context *ctx, const veil_create_options *opts, pid_t *pid,
                          veil_error **err)
{
    veil_created c;
    if (veil_container_do_create(ctx, opts, false, false, &c, err) < 0)
        return -1;
    if (pid)
        *pid = c.pid;
    veil_created_close(&c);
    return 0;
}
