/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * linux/: applying a plan.  The runtime process (create, run) clones the
 * container's init directly with its namespaces (no re-exec of veil); the
 * two talk over a SOCK_SEQPACKET socketpair with typed, length-checked
 * messages (sync.c).  Init sets up the rootfs, pivots, reports ready, then
 * waits on the start socket (state/sync.c) until `start`.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <veil/context.h>
#include <veil/error.h>
#include <veil/plan.h>

struct veil_cgroup;
struct veil_seccomp_prog;

/* ---- sync.c: the parent <-> init protocol ----------------------------- */

typedef enum veil_sync_type {
    VEIL_SYNC_GO = 1,       /* parent -> init: id maps and cgroups are in place */
    VEIL_SYNC_HOOKS,        /* init -> parent: mounts done, run createRuntime hooks */
    VEIL_SYNC_HOOKS_DONE,   /* parent -> init */
    VEIL_SYNC_PTY,          /* init -> parent: the pty master (SCM_RIGHTS) */
    VEIL_SYNC_READY,        /* init -> parent: waiting for start */
    VEIL_SYNC_ERROR,        /* init -> parent: text of the failure */
    VEIL_SYNC_USERNS,       /* init -> parent: made its user namespace, write the maps */
    VEIL_SYNC_USERNS_DONE,  /* parent -> init */
    VEIL_SYNC_INIT_PID,     /* init -> parent: the real init (new pid ns), int32 host pid */
    VEIL_SYNC_MOUNTS_REQ,   /* init -> parent: send the idmapped mount trees */
    VEIL_SYNC_MOUNT_FD,     /* parent -> init, on request: a prepared mount tree for
                               mounts[index] (uint32 index + SCM_RIGHTS), one per
                               idmapped mount, in order */
    VEIL_SYNC_START,        /* parent -> init (run): start now; the socket then closes at
                               execve, or carries an ERROR */
    VEIL_SYNC_CGROUP,       /* parent -> init: the v1 hierarchies made after the clone,
                               their "tasks" files (uint8 hierarchy indexes + SCM_RIGHTS) */
} veil_sync_type;

#define VEIL_SYNC_MAX_PAYLOAD 8192
#define VEIL_SYNC_MAX_FDS 32

typedef struct veil_sync_go {
    int32_t host_pid;
} veil_sync_go;

int veil_sync_send(int fd, veil_sync_type type, const void *data, size_t len, int pass_fd);
/* The same with up to VEIL_SYNC_MAX_FDS fds in one message. */
int veil_sync_send_fds(int fd, veil_sync_type type, const void *data, size_t len,
                       const int *fds, size_t n_fds);
/* Receives one message; payload up to cap bytes (longer is an error); the
 * passed fd (if any) in *fd_out, else -1.  Returns 0, or -1 with errno
 * (EPIPE when the peer is gone). */
int veil_sync_recv(int fd, veil_sync_type *type, void *buf, size_t cap, size_t *len, int *fd_out);
/* The same with up to max_fds passed fds (more make the message bad). */
int veil_sync_recv_fds(int fd, veil_sync_type *type, void *buf, size_t cap, size_t *len,
                       int *fds, size_t max_fds, size_t *n_fds);
/* Receives and insists on one type; an ERROR message becomes *err. */
int veil_sync_expect(int fd, veil_sync_type want, void *buf, size_t cap, size_t *len,
                     int *fd_out, veil_error **err);
/* A received message the runtime has no use for at this point: an ERROR
 * becomes *err with the peer's text (buf holds n bytes and room for a NUL),
 * any other type a protocol error naming the peer (`from`).  A passed fd is
 * closed.  Returns -1. */
int veil_sync_unexpected(veil_sync_type type, char *buf, size_t n, int fd, const char *from,
                         veil_error **err);
/* A VEIL_SYNC_PTY master (fd, may be -1): sent on to console_fd when that is
 * >= 0, then kept in *keep when keep is not NULL and *keep is -1, else
 * closed. */
int veil_sync_take_pty(int fd, int console_fd, int *keep, const char *from, veil_error **err);

/* Whether init pauses once its mounts are done (VEIL_SYNC_HOOKS) for the
 * runtime's part: moving netDevices in, prestart and createRuntime hooks.
 * Both sides decide it from the plan; without such work, no round trip. */
static inline bool veil_sync_wants_hooks_pause(const veil_plan *plan)
{
    return plan->n_net_devices > 0 || plan->hooks[VEIL_HOOK_PRESTART].n > 0 ||
           plan->hooks[VEIL_HOOK_CREATE_RUNTIME].n > 0;
}

/* ---- spawn.c: the runtime side ---------------------------------------- */

typedef struct veil_spawn_options {
    const char *id;
    struct veil_cgroup *cgroup;           /* NULL: no cgroups */
    const struct veil_seccomp_prog *seccomp; /* NULL: none */
    int start_fd;                         /* listening start socket, kept by init; -1: init
                                             waits for VEIL_SYNC_START on the sync socket */
    int console_fd;                       /* connected --console-socket, or -1 */
    bool keep_pty;                        /* run: keep the master for proxying */
    int seccomp_listener_fd;              /* connected listenerPath socket, or -1 */
    const char *cgroup_path;              /* resolved container cgroup path, or NULL */
    /* The record used for hook state documents (pid filled in by spawn). */
    const char *(*hook_state)(void *data, pid_t pid);
    void *hook_state_data;
} veil_spawn_options;

typedef struct veil_spawn_result {
    pid_t pid;
    int pidfd;      /* CLONE_PIDFD, CLOEXEC */
    int pty_master; /* with keep_pty, else -1 */
    int sync_fd;    /* without a start socket: the channel for veil_spawn_start, else -1 */
} veil_spawn_result;

/* Clones init with the plan's namespaces and drives it until it is ready
 * (or failed: then it is killed and reaped, nothing left running). */
int veil_spawn(const veil_context *ctx, const veil_plan *plan, const veil_spawn_options *opts,
               veil_spawn_result *res, veil_error **err);
/* Starts an init spawned without a start socket (run: create and start in
 * one process, no socket file in the state directory); returns once init
 * called execve, or with its error.  Closes sync_fd. */
int veil_spawn_start(int sync_fd, veil_error **err);
/* Whether init can join the v1 cgroup hierarchies after its mounts, so
 * that the runtime makes them meanwhile (veil_cgroup_create_on's
 * defer_v1): not when init must be in its cgroups before it creates
 * namespaces itself, forks, asks for idmapped mounts, or roots a new
 * cgroup namespace. */
bool veil_spawn_may_defer_cgroup(const veil_plan *plan);

/* ---- exec.c: a process exec'd into a running container --------------- */

struct veil_cgroup_target;

typedef struct veil_exec_spawn_options {
    pid_t init_pid;
    int init_pidfd;                          /* verified init: its namespaces are joined */
    const struct veil_cgroup_target *cgroup; /* NULL: no cgroups */
    const struct veil_seccomp_prog *seccomp; /* the container's, NULL: none */
    int seccomp_listener_fd;                 /* connected listenerPath socket (taken over), or -1 */
    int console_fd;                          /* connected --console-socket, or -1 */
    bool keep_pty;                           /* foreground: the master back for relaying */
} veil_exec_spawn_options;

typedef struct veil_exec_spawn_result {
    pid_t pid;      /* host pid */
    int pidfd;      /* CLONE_PIDFD, CLOEXEC */
    int pty_master; /* with keep_pty and a terminal, else -1 */
} veil_exec_spawn_result;

/* Starts plan->process in the container of init and returns once it has
 * called execve (or failed: then it is killed and reaped).  Leaves the
 * calling process non-dumpable. */
int veil_exec_spawn(const veil_context *ctx, const veil_plan *plan,
                    const veil_exec_spawn_options *opts, veil_exec_spawn_result *res,
                    veil_error **err);

/* ---- child.c: init ----------------------------------------------------- */

typedef struct veil_child_args {
    const veil_context *ctx;
    const veil_plan *plan;
    const veil_spawn_options *opts;
    int sync_fd;
    int ns_fds[8];        /* namespaces joined by path, by veil_ns_type; -1 if none */
    bool in_userns;        /* init is in a user namespace (new or joined) */
    bool unshare_cgroupns; /* create the cgroup namespace after joining the cgroup */
    int unshare_flags;     /* namespaces init creates itself (after joining a user ns) */
    const char *cgroup_path; /* the container's cgroup, for the cgroup mount */
    struct veil_cgroup_entry *cgroup_entry; /* files init joins its cgroup through, or NULL */
    bool cgroup_cloned_into; /* the clone put init in its cgroup2 tree already */
    bool *cgroup_late;       /* true while the v1 hierarchies the runtime makes after the
                                clone are still to be joined (veil_child_join_late_cgroups) */
    pid_t host_pid;          /* init's pid on the host (from the GO message) */
} veil_child_args;

_Noreturn void veil_child_main(veil_child_args *a);
/* Init joins the v1 hierarchies the runtime made while init set up its
 * namespaces and mounts (VEIL_SYNC_CGROUP), once: before a cgroup mount,
 * before the idmapped mounts are asked for, at the latest when the mounts
 * are done.  Nothing to do without a late cgroup. */
int veil_child_join_late_cgroups(const veil_child_args *a, veil_error **err);

/* ---- pieces used by child.c ------------------------------------------- */

#define VEIL_HOST_CGROUP_ROOT "/sys/fs/cgroup"

/* rootfs.c: "/" propagation, the rootfs bind, the mounts in order, /dev. */
int veil_rootfs_prepare(const veil_child_args *a, int *rootfd, veil_error **err);
/* pivot.c: pivot_root (or MS_MOVE + chroot with no_pivot), old root gone. */
int veil_rootfs_pivot(const veil_plan *plan, int rootfd, veil_error **err);
/* paths.c: after the pivot: masked and read-only paths, sysctls, ro root,
 * final propagation of "/". */
int veil_rootfs_finalize(const veil_plan *plan, veil_error **err);
/* paths.c: refuses net.* sysctls when the network namespace joined by path
 * is the runtime's own (the plan cannot tell without a stat). */
int veil_sysctl_check_netns(const veil_plan *plan, veil_error **err);

/* dev.c */
int veil_dev_setup(int rootfd, const veil_plan *plan, bool in_userns, veil_error **err);

/* tty.c */
int veil_tty_setup(const veil_plan_process *p, int *master, veil_error **err);
/* A pty from the devpts of the current root: master and peer (TIOCGPTPEER). */
int veil_tty_open(const veil_plan_process *p, int *master, int *peer, veil_error **err);
/* setsid, the peer as controlling terminal and fds 0-2. */
int veil_tty_attach(int peer, veil_error **err);
int veil_tty_send_master(int console_fd, int master, veil_error **err);

/* netdev.c: linux.netDevices moved into init's network namespace. */
int veil_netdev_move(const veil_plan *plan, pid_t pid, veil_error **err);

/* net.c */
int veil_net_loopback_up(veil_error **err);

/* process.c */
int veil_process_lookup(const veil_plan_process *p, char **path, veil_error **err);
int veil_process_prepare(const veil_plan *plan, veil_error **err);
/* The same with the LSM attr directory given (an fd of /proc/thread-self/attr
 * on a trusted procfs; -1: the one under the current root). */
int veil_process_prepare_at(const veil_plan *plan, int attr_dir, veil_error **err);
int veil_process_set_identity(const veil_plan *plan, bool in_userns, veil_error **err);
int veil_process_set_caps(const veil_plan_process *p, veil_error **err);
int veil_process_set_rlimits(const veil_plan_process *p, veil_error **err);
int veil_process_set_oom_score_adj(const veil_plan_process *p, veil_error **err);
/* Joins (creating it if needed) the session keyring "_ses.<id>". */
int veil_process_join_keyring(const char *id, veil_error **err);

/* finish.c: the end of every container process, after its lookup and cwd:
 * default signals, fds from 3 + plan->preserve_fds marked close-on-exec,
 * seccomp (before the identity change without no_new_privs, else last),
 * identity and capabilities, umask, no_new_privs, execve.  Returns only on
 * failure (after execve failed, (*err)->errnum is its errno). */
typedef struct veil_finish {
    const veil_plan *plan; /* plan->process is the process */
    bool in_userns;
    const char *exe; /* args[0] resolved */
    const struct veil_seccomp_prog *seccomp; /* NULL: none */
    int seccomp_listener_fd;                 /* taken over by seccomp install, or -1 */
    const char *seccomp_state;               /* containerProcessState for the listener */
    char *const *envp;                       /* NULL: the process's env as it is */
} veil_finish;
int veil_process_finish(const veil_finish *f, veil_error **err);

/* env.c: the environment handed to execve (runc's rules: NAME=VALUE,
 * last duplicate wins, HOME from /etc/passwd).  The strings are borrowed
 * from p except the HOME entry added; free with free() (leaks that one
 * string in the exec'ing process only). */
char **veil_process_env(const veil_plan_process *p, veil_error **err);

/* idmap.c: writes /proc/<pid>/{uid_map,setgroups,gid_map} from the parent. */
int veil_idmap_write(pid_t pid, const veil_plan *plan, veil_error **err);

/* ns.c */
int veil_ns_clone_flag(veil_ns_type t);
int veil_ns_open_paths(const veil_plan *plan, int fds[8], veil_error **err);
int veil_ns_join(int fd, veil_ns_type t, veil_error **err);
/* The pid and time namespaces apply to children only: the runtime switches
 * them around a clone; these save (flags: CLONE_NEWPID/CLONE_NEWTIME) and
 * restore its own. */
typedef struct veil_ns_saved {
    int pid, time;
} veil_ns_saved;
int veil_ns_save_for_children(int flags, veil_ns_saved *s, veil_error **err);
void veil_ns_restore_for_children(veil_ns_saved *s);
/* clone3 with CLONE_PIDFD (the pidfd in *pidfd) and SIGCHLD, plus flags;
 * into the cgroup2 directory cgroup_fd when that is >= 0
 * (CLONE_INTO_CGROUP).  Returns as fork does. */
pid_t veil_clone3(uint64_t flags, int cgroup_fd, int *pidfd);

/* hooks.c: runs one hook kind, state on stdin, timeout enforced. */
int veil_hooks_run(const veil_context *ctx, const veil_plan_hook_list *hooks, const char *kind,
                   const char *state_json, veil_error **err);

/* procfs.c: /proc writes through a verified procfs root (see there). */
int veil_procfs_root(int dirfd, const char *path, veil_error **err);
int veil_procfs_open(int procfd, const char *rel, int flags, veil_error **err);
int veil_procfs_write(int procfd, const char *rel, const char *buf, size_t len, veil_error **err);

/* mount_idmap.c: the runtime prepares every idmapped mount tree (only it has
 * the host privileges the kernel asks for) and sends it to init after GO;
 * init receives them at the start of veil_rootfs_prepare. */
int veil_idmap_mounts_send(const veil_plan *plan, pid_t pid, int sync_fd, veil_error **err);
int veil_idmap_mounts_receive(const veil_plan *plan, int sync_fd, int *fds, veil_error **err);

/* safe_path.c */
int veil_open_in_root(int rootfd, const char *path, int flags, veil_error **err);
int veil_open_in_root_nosymlinks(int rootfd, const char *path, int flags, veil_error **err);
int veil_mkdir_in_root(int rootfd, const char *path, mode_t mode, veil_error **err);
int veil_mkfile_in_root(int rootfd, const char *path, mode_t mode, veil_error **err);
/* The same, telling where creation began: *created_at is the offset in path
 * of the first element veil made, SIZE_MAX when everything existed. */
int veil_mkdir_in_root_at(int rootfd, const char *path, mode_t mode, size_t *created_at,
                          veil_error **err);
int veil_mkfile_in_root_at(int rootfd, const char *path, mode_t mode, size_t *created_at,
                           veil_error **err);
