/* SPDX-License-Identifier: Apache-2.0 */
/* start, state, kill, delete, list: one state directory at a time. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container/internal.h"
#include "linux/linux.h"
#include "util/cleanup.h"
#include "util/passwd.h"

int veil_open_init(const veil_state_record *rec)
{
    if (rec->pid <= 0)
        return -1;
    int fd = (int)syscall(SYS_pidfd_open, rec->pid, 0);
    if (fd < 0)
        return -1;
    /* the pidfd pins the process: checking identity now is race-free */
    if (!veil_proc_is_alive(rec->pid, rec->pid_start_time)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int wait_exit(int pidfd, int timeout_ms)
{
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    return r > 0 ? 0 : -1;
}

veil_status veil_container_status(const veil_context *ctx, int dirfd, const veil_state_record *rec)
{
    veil_status st = VEIL_STATUS_STOPPED;
    veil_state_status(dirfd, rec, &st);
    /* like runc, a frozen container is "paused" whether it was started or not */
    if ((st == VEIL_STATUS_RUNNING || st == VEIL_STATUS_CREATED) && rec->cgroup) {
        veil_cgroup *cg = NULL;
        veil_error *e = NULL;
        bool frozen = false;
        if (veil_cgroup_open(ctx, rec->cgroup, &cg, &e) == 0 &&
            veil_cgroup_is_frozen(cg, &frozen, &e) == 0 && frozen)
            st = VEIL_STATUS_PAUSED;
        veil_error_free(e);
        veil_cgroup_free(cg);
    }
    return st;
}

int veil_container_open_record(const veil_context *ctx, const char *id, bool lock, int *dirfd,
                               veil_state_record **rec, veil_error **err)
{
    if (veil_validate_id(id, err) < 0)
        return -1;
    if (veil_state_dir_open(ctx->state_root, id, lock, dirfd, err) < 0)
        return -1;
    if (veil_state_read(*dirfd, rec, err) < 0) {
        close(*dirfd);
        *dirfd = -1;
        return veil_error_prefix(err, "container %s", id);
    }
    return 0;
}

static int run_poststart(const veil_context *ctx, veil_state_record *rec, veil_error **err)
{
    if (rec->poststart.n == 0)
        return 0;
    _cleanup_free_ char *state = veil_state_hook_json(rec, VEIL_STATUS_RUNNING);
    if (veil_hooks_run(ctx, &rec->poststart, "poststart", state, err) < 0) {
        /* runtime-spec 1.3: a failed poststart hook stops the container */
        kill(rec->pid, SIGKILL);
        return -1;
    }
    return 0;
}

int veil_container_start_created(const veil_context *ctx, veil_created *c, veil_error **err)
{
    if (c->sync_fd < 0)
        return veil_container_do_start(ctx, c->dirfd, c->rec, err);
    int fd = c->sync_fd;
    c->sync_fd = -1;
    if (c->rec->no_process) {
        close(fd);
        kill(c->pid, SIGKILL);
        return veil_error_set(err, 0, "container %s: config.json has no process to start",
                              c->rec->id);
    }
    if (veil_spawn_start(fd, err) < 0)
        return -1;
    veil_debug(ctx, "container %s started", c->rec->id);
    return run_poststart(ctx, c->rec, err);
}

int veil_container_do_start(const veil_context *ctx, int dirfd, veil_state_record *rec,
                            veil_error **err)
{
    if (rec->no_process) {
        /* runtime-spec: start MUST fail without process; init has nothing to run */
        _cleanup_close_ int pidfd = veil_open_init(rec);
        if (pidfd >= 0)
            syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        return veil_error_set(err, 0, "container %s: config.json has no process to start", rec->id);
    }
    int r = veil_start_trigger(dirfd, rec->id, err);
    /* without the socket the container counts as started (state/status.c):
     * state.json is rewritten only if it stays */
    if (unlinkat(dirfd, VEIL_EXEC_SOCK, 0) < 0 && errno != ENOENT) {
        rec->started = true;
        if (veil_state_write(dirfd, rec, r < 0 ? NULL : err) < 0 && r == 0)
            return -1;
    }
    if (r < 0)
        return -1;
    veil_debug(ctx, "container %s started", rec->id);
    return run_poststart(ctx, rec, err);
}

int veil_container_start(const veil_context *ctx, const char *id, veil_error **err)
{
    int dirfd = -1;
    veil_state_record *rec = NULL;
    if (veil_container_open_record(ctx, id, true, &dirfd, &rec, err) < 0)
        return -1;
    veil_status st = veil_container_status(ctx, dirfd, rec);
    int r;
    if (st == VEIL_STATUS_CREATED)
        r = veil_container_do_start(ctx, dirfd, rec, err);
    else if (st == VEIL_STATUS_STOPPED)
        r = veil_error_set(err, 0, "cannot start a container that has stopped");
    else
        r = veil_error_set(err, 0, "cannot start an already %s container", veil_status_name(st));
    veil_state_record_free(rec);
    close(dirfd);
    return r;
}

int veil_container_get_state(const veil_context *ctx, const char *id, veil_container_state **out,
                         veil_error **err)
{
    int dirfd = -1;
    veil_state_record *rec = NULL;
    if (veil_container_open_record(ctx, id, false, &dirfd, &rec, err) < 0)
        return -1;
    veil_status st = veil_container_status(ctx, dirfd, rec);
    *out = veil_state_public(rec, st);
    veil_state_record_free(rec);
    close(dirfd);
    return *out ? 0 : veil_error_set(err, ENOMEM, "state");
}

static int signal_all(const veil_context *ctx, const veil_state_record *rec, int sig,
                      veil_error **err)
{
    if (rec->cgroup == NULL)
        return 0;
    veil_cgroup *cg = NULL;
    if (veil_cgroup_open(ctx, rec->cgroup, &cg, err) < 0)
        return -1;
    int r = veil_cgroup_kill_all(cg, sig, err);
    veil_cgroup_free(cg);
    return r;
}

/* Signals what is left in the cgroup of a stopped container; returns how
 * many processes there were. */
static size_t signal_leftovers(const veil_context *ctx, const veil_state_record *rec, int sig)
{
    veil_cgroup *cg = NULL;
    veil_error *e = NULL;
    pid_t *pids = NULL;
    size_t n = 0;
    if (rec->cgroup && veil_cgroup_open(ctx, rec->cgroup, &cg, &e) == 0 &&
        veil_cgroup_pids(cg, &pids, &n, &e) == 0 && n > 0 && veil_cgroup_kill_all(cg, sig, &e) < 0)
        veil_log(ctx, VEIL_LOG_WARNING, "kill %s: %s", rec->id, e->msg);
    veil_error_free(e);
    free(pids);
    veil_cgroup_free(cg);
    return n;
}

static int signal_init(const veil_state_record *rec, int sig, veil_error **err)
{
    _cleanup_close_ int pidfd = veil_open_init(rec);
    if (pidfd < 0)
        return veil_error_set(err, 0, "container not running");
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
        if (errno == ESRCH)
            return veil_error_set(err, 0, "container not running");
        return veil_error_set(err, errno, "signal %d to the container init", sig);
    }
    return 0;
}

/* A SIGKILL queued in a frozen v1 cgroup waits for the thaw (runc thaws too). */
static void thaw_after_kill(const veil_context *ctx, const veil_state_record *rec)
{
    veil_cgroup *cg = NULL;
    veil_error *e = NULL;
    if (rec->cgroup && veil_cgroup_open(ctx, rec->cgroup, &cg, &e) == 0)
        veil_cgroup_freeze(cg, false, &e);
    veil_error_free(e);
    veil_cgroup_free(cg);
}

int veil_container_kill(const veil_context *ctx, const char *id, int sig, bool all,
                        veil_error **err)
{
    int dirfd = -1;
    veil_state_record *rec = NULL;
    if (veil_container_open_record(ctx, id, true, &dirfd, &rec, err) < 0)
        return -1;
    veil_status st = veil_container_status(ctx, dirfd, rec);
    bool via_cgroup = all || (sig == SIGKILL && !rec->pidns_private);
    int r = 0;
    if (st == VEIL_STATUS_STOPPED) {
        /* init is gone, but without a pid namespace of its own its
         * children may live on in the cgroup: those are signalled (runc) */
        size_t left = 0;
        if (via_cgroup)
            left = signal_leftovers(ctx, rec, sig);
        if (left == 0 && !all)
            r = veil_error_set(err, 0, "container not running");
    } else if (via_cgroup) {
        /* everything in the cgroup; init first so a private pid ns dies whole */
        veil_error *ignored = NULL;
        signal_init(rec, sig, &ignored);
        veil_error_free(ignored);
        r = signal_all(ctx, rec, sig, err);
    } else {
        r = signal_init(rec, sig, err);
    }
    if (r == 0 && sig == SIGKILL && st == VEIL_STATUS_PAUSED)
        thaw_after_kill(ctx, rec);
    veil_state_record_free(rec);
    close(dirfd);
    return r;
}

/* Kills what is left, runs poststop hooks, removes cgroup and state. */
int veil_container_do_destroy(const veil_context *ctx, int dirfd, veil_state_record *rec,
                              veil_status status, veil_error **err)
{
    veil_cgroup *cg = NULL;
    if (rec->cgroup && veil_cgroup_open(ctx, rec->cgroup, &cg, err) < 0) {
        veil_log(ctx, VEIL_LOG_WARNING, "delete %s: %s", rec->id, (*err)->msg);
        veil_error_free(*err);
        *err = NULL;
    }
    if (status != VEIL_STATUS_STOPPED) {
        _cleanup_close_ int pidfd = veil_open_init(rec);
        if (pidfd >= 0)
            syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        if (cg) {
            veil_error *e = NULL;
            if (veil_cgroup_kill_all(cg, SIGKILL, &e) < 0)
                veil_debug(ctx, "delete %s: %s", rec->id, e->msg);
            veil_error_free(e);
        }
        if (pidfd >= 0 && wait_exit(pidfd, 10000) < 0) {
            veil_cgroup_free(cg);
            return veil_error_set(err, ETIMEDOUT, "container %s: init did not exit after SIGKILL",
                                  rec->id);
        }
    } else if (cg && !rec->pidns_private) {
        /* init's children outlive it without a pid namespace of their own;
         * delete removes everything (runc kills them here too) */
        veil_error *e = NULL;
        if (veil_cgroup_kill_all(cg, SIGKILL, &e) < 0)
            veil_debug(ctx, "delete %s: %s", rec->id, e->msg);
        veil_error_free(e);
    }
    if (rec->poststop.n) {
        _cleanup_free_ char *state = veil_state_hook_json(rec, VEIL_STATUS_STOPPED);
        veil_error *e = NULL;
        /* poststop failures are warnings: the container is gone either way */
        if (veil_hooks_run(ctx, &rec->poststop, "poststop", state, &e) < 0)
            veil_log(ctx, VEIL_LOG_WARNING, "%s", e->msg);
        veil_error_free(e);
    }
    if (cg) {
        int r = veil_cgroup_destroy(cg, err);
        veil_cgroup_free(cg);
        if (r < 0)
            return veil_error_prefix(err, "delete %s", rec->id);
    }
    return veil_state_dir_remove(ctx->state_root, rec->id, dirfd, err);
}

int veil_container_delete(const veil_context *ctx, const char *id, bool force, veil_error **err)
{
    if (veil_validate_id(id, err) < 0)
        return -1;
    int dirfd = -1;
    if (veil_state_dir_open(ctx->state_root, id, true, &dirfd, err) < 0) {
        if (force && strstr((*err)->msg, "does not exist")) {
            veil_error_free(*err);
            *err = NULL;
            return 0;
        }
        return -1;
    }
    veil_state_record *rec = NULL;
    if (veil_state_read(dirfd, &rec, err) < 0) {
        /* a half-created container (no state.json yet): force removes it */
        int r = -1;
        if (force) {
            veil_error_free(*err);
            *err = NULL;
            r = veil_state_dir_remove(ctx->state_root, id, dirfd, err);
        }
        close(dirfd);
        return r;
    }
    veil_status st = veil_container_status(ctx, dirfd, rec);
    int r;
    if ((st == VEIL_STATUS_RUNNING || st == VEIL_STATUS_PAUSED) && !force) {
        r = veil_error_set(err, 0, "cannot delete container %s that is not stopped: %s", id,
                           veil_status_name(st));
    } else {
        if (st == VEIL_STATUS_PAUSED && rec->cgroup) {
            veil_cgroup *cg = NULL;
            veil_error *e = NULL;
            /* a frozen process cannot die: thaw after the kill is queued */
            if (veil_cgroup_open(ctx, rec->cgroup, &cg, &e) == 0) {
                veil_cgroup_kill_all(cg, SIGKILL, &e);
                veil_cgroup_freeze(cg, false, &e);
            }
            veil_error_free(e);
            veil_cgroup_free(cg);
        }
        r = veil_container_do_destroy(ctx, dirfd, rec, st, err);
    }
    veil_state_record_free(rec);
    close(dirfd);
    return r;
}

/* The owner column: the name of the state directory's owner, as runc finds
 * it (the host's /etc/passwd as a file), remembered for the next
 * container, which nearly always has the same owner. */
typedef struct owner_cache {
    uid_t uid;
    char *name;
} owner_cache;

static char *owner_of(int fd, owner_cache *c)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return strdup("");
    if (c->name == NULL || c->uid != st.st_uid) {
        free(c->name);
        c->uid = st.st_uid;
        c->name = veil_passwd_field("/etc/passwd", st.st_uid, VEIL_PASSWD_NAME);
        if (c->name == NULL && asprintf(&c->name, "#%u", (unsigned)st.st_uid) < 0)
            c->name = NULL;
    }
    return strdup(c->name ? c->name : "");
}

int veil_container_list(const veil_context *ctx, veil_container_state ***out, size_t *n,
                        veil_error **err)
{
    *out = NULL;
    *n = 0;
    int rootfd = open(ctx->state_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        if (errno == ENOENT)
            return 0;
        return veil_error_set(err, errno, "open %s", ctx->state_root);
    }
    DIR *d = fdopendir(rootfd);
    if (d == NULL) {
        close(rootfd);
        return veil_error_set(err, errno, "open %s", ctx->state_root);
    }
    size_t cap = 0;
    struct dirent *de;
    owner_cache owners = {0};
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || de->d_type != DT_DIR)
            continue;
        int sfd = openat(rootfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (sfd < 0)
            continue;
        veil_state_record *rec = NULL;
        veil_error *e = NULL;
        if (veil_state_read(sfd, &rec, &e) < 0) {
            veil_error_free(e);
            close(sfd);
            continue; /* being created or removed */
        }
        veil_container_state *s = veil_state_public(rec, veil_container_status(ctx, sfd, rec));
        if (s) {
            free(s->owner);
            s->owner = owner_of(sfd, &owners);
        }
        veil_state_record_free(rec);
        close(sfd);
        if (s == NULL)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            veil_container_state **nv = realloc(*out, cap * sizeof(*nv));
            if (nv == NULL) {
                veil_container_state_free(s);
                closedir(d);
                free(owners.name);
                return veil_error_set(err, ENOMEM, "list");
            }
            *out = nv;
        }
        (*out)[(*n)++] = s;
    }
    closedir(d);
    free(owners.name);
    return 0;
}

int veil_parse_signal(const char *s, int *sig, veil_error **err)
{
    static const struct {
        const char *name;
        int sig;
    } names[] = {
        {"HUP", SIGHUP},       {"INT", SIGINT},     {"QUIT", SIGQUIT},   {"ILL", SIGILL},
        {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},   {"IOT", SIGIOT},     {"BUS", SIGBUS},
        {"FPE", SIGFPE},       {"KILL", SIGKILL},   {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
        {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},   {"TERM", SIGTERM},
        {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CONT", SIGCONT},   {"STOP", SIGSTOP},
        {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},   {"URG", SIGURG},
        {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
        {"WINCH", SIGWINCH},   {"IO", SIGIO},       {"POLL", SIGPOLL},   {"PWR", SIGPWR},
        {"SYS", SIGSYS},
    };
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s && end && *end == '\0' && errno == 0) {
        if (v <= 0 || v >= NSIG)
            return veil_error_set(err, 0, "invalid signal number %s", s);
        *sig = (int)v;
        return 0;
    }
    const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *sig = names[i].sig;
            return 0;
        }
    if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
        bool min = strncasecmp(name, "RTMIN", 5) == 0;
        long off = 0;
        if (name[5] != '\0') {
            off = strtol(name + 5, &end, 10);
            if (*end != '\0')
                return veil_error_set(err, 0, "unknown signal \"%s\"", s);
        }
        /* the numbers runc and crun use (glibc's SIGRTMIN is 34; musl
         * reserves one more for itself, but the container's libc is not ours) */
        enum { RTMIN = 34, RTMAX = 64 };
        int r = min ? RTMIN + (int)off : RTMAX + (int)off;
        if (r < RTMIN || r > RTMAX)
            return veil_error_set(err, 0, "unknown signal \"%s\"", s);
        *sig = r;
        return 0;
    }
    return veil_error_set(err, 0, "unknown signal \"%s\"", s);
}
