/* SPDX-License-Identifier: Apache-2.0 */
/* veil spec: write a starter config.json, with runc's defaults. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cli.h"
#include "spec/json.h"
#include "util/cleanup.h"
#include "veil_version.h"

static const cli_command spec_command = {
    .name = "spec",
    .args_usage = "[command options]",
    .summary = "create a new specification file",
    .description =
        "   Writes a starter config.json into the bundle directory: it runs \"sh\" on a\n"
        "   terminal, with a read-only root at rootfs/, a few capabilities, and its own\n"
        "   pid, network, ipc, uts and mount namespaces.  Edit it to suit; \"veil plan\"\n"
        "   shows what veil will make of it.  With --rootless the config gets a user\n"
        "   namespace that maps the caller's uid and gid to root, and no network\n"
        "   namespace and no cgroup settings.  An existing config.json is never\n"
        "   overwritten.",
};

typedef struct spec_choice {
    bool rootless;
    bool cgroup_ns;
    unsigned uid, gid; /* rootless: the caller's ids, mapped to 0 */
} spec_choice;

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL",
                                           "CAP_NET_BIND_SERVICE", NULL};

static void w_list(vj_writer *w, const char *key, const char *const *v)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (; *v; v++)
        vj_w_string(w, *v);
    vj_w_array_close(w);
}

static void w_process(vj_writer *w)
{
    static const char *const args[] = {"sh", NULL};
    static const char *const env[] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};
    vj_w_key(w, "process");
    vj_w_object_open(w);
    vj_w_kbool(w, "terminal", true);
    vj_w_key(w, "user");
    vj_w_object_open(w);
    vj_w_ku64(w, "uid", 0);
    vj_w_ku64(w, "gid", 0);
    vj_w_object_close(w);
    w_list(w, "args", args);
    w_list(w, "env", env);
    vj_w_kstr(w, "cwd", "/");
    /* no inheritable (CVE-2022-29162) and no ambient set */
    vj_w_key(w, "capabilities");
    vj_w_object_open(w);
    w_list(w, "bounding", default_caps);
    w_list(w, "effective", default_caps);
    w_list(w, "permitted", default_caps);
    vj_w_object_close(w);
    vj_w_key(w, "rlimits");
    vj_w_array_open(w);
    vj_w_object_open(w);
    vj_w_kstr(w, "type", "RLIMIT_NOFILE");
    vj_w_ku64(w, "hard", 1024);
    vj_w_ku64(w, "soft", 1024);
    vj_w_object_close(w);
    vj_w_array_close(w);
    vj_w_kbool(w, "noNewPrivileges", true);
    vj_w_object_close(w);
}

static void w_mount(vj_writer *w, const char *dest, const char *type, const char *source,
                    const char *const *options)
{
    vj_w_object_open(w);
    vj_w_kstr(w, "destination", dest);
    vj_w_kstr(w, "type", type);
    vj_w_kstr(w, "source", source);
    if (options)
        w_list(w, "options", options);
    vj_w_object_close(w);
}

static void w_mounts(vj_writer *w, const spec_choice *c)
{
    static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
    /* gid=5 (tty) needs a mapped gid 5: left out when rootless */
    static const char *const pts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                      "mode=0620", "gid=5", NULL};
    static const char *const pts_rootless[] = {"nosuid",        "noexec",    "newinstance",
                                               "ptmxmode=0666", "mode=0620", NULL};
    static const char *const shm[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k",
                                      NULL};
    static const char *const mqueue[] = {"nosuid", "noexec", "nodev", NULL};
    static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
    /* a new sysfs needs a network namespace the user owns: bind the host's */
    static const char *const sys_rootless[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
    static const char *const cgroup[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};

    vj_w_key(w, "mounts");
    vj_w_array_open(w);
    w_mount(w, "/proc", "proc", "proc", NULL);
    w_mount(w, "/dev", "tmpfs", "tmpfs", dev);
    w_mount(w, "/dev/pts", "devpts", "devpts", c->rootless ? pts_rootless : pts);
    w_mount(w, "/dev/shm", "tmpfs", "shm", shm);
    w_mount(w, "/dev/mqueue", "mqueue", "mqueue", mqueue);
    if (c->rootless)
        w_mount(w, "/sys", "none", "/sys", sys_rootless);
    else
        w_mount(w, "/sys", "sysfs", "sysfs", sys);
    w_mount(w, "/sys/fs/cgroup", "cgroup", "cgroup", cgroup);
    vj_w_array_close(w);
}

static void w_idmap(vj_writer *w, const char *key, unsigned host_id)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    vj_w_object_open(w);
    vj_w_ku64(w, "containerID", 0);
    vj_w_ku64(w, "hostID", host_id);
    vj_w_ku64(w, "size", 1);
    vj_w_object_close(w);
    vj_w_array_close(w);
}

static void w_linux(vj_writer *w, const spec_choice *c)
{
    static const char *const masked[] = {
        "/proc/acpi",       "/proc/asound",        "/proc/kcore",      "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
        "/sys/firmware",    "/proc/scsi",          NULL};
    static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                           "/proc/sysrq-trigger", NULL};
    vj_w_key(w, "linux");
    vj_w_object_open(w);
    if (c->rootless) {
        w_idmap(w, "uidMappings", c->uid);
        w_idmap(w, "gidMappings", c->gid);
    } else {
        /* deny every device; the runtime adds its defaults after this */
        vj_w_key(w, "resources");
        vj_w_object_open(w);
        vj_w_key(w, "devices");
        vj_w_array_open(w);
        vj_w_object_open(w);
        vj_w_kbool(w, "allow", false);
        vj_w_kstr(w, "access", "rwm");
        vj_w_object_close(w);
        vj_w_array_close(w);
        vj_w_object_close(w);
    }
    vj_w_key(w, "namespaces");
    vj_w_array_open(w);
    const char *types[] = {"pid", c->rootless ? NULL : "network", "ipc", "uts", "mount",
                           c->cgroup_ns ? "cgroup" : NULL, c->rootless ? "user" : NULL};
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        if (types[i] == NULL)
            continue;
        vj_w_object_open(w);
        vj_w_kstr(w, "type", types[i]);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
    w_list(w, "maskedPaths", masked);
    w_list(w, "readonlyPaths", readonly);
    vj_w_object_close(w);
}

static char *example_config(const spec_choice *c, size_t *len)
{
    vj_writer *w = vj_writer_new(true);
    if (w == NULL)
        return NULL;
    vj_w_object_open(w);
    vj_w_kstr(w, "ociVersion", VEIL_SPEC_VERSION);
    w_process(w);
    vj_w_key(w, "root");
    vj_w_object_open(w);
    vj_w_kstr(w, "path", "rootfs");
    vj_w_kbool(w, "readonly", true);
    vj_w_object_close(w);
    vj_w_kstr(w, "hostname", "veil");
    w_mounts(w, c);
    w_linux(w, c);
    vj_w_object_close(w);
    /* the pretty writer ends the document with its newline */
    return vj_writer_finish(w, false, len);
}

/* runc adds a cgroup namespace on cgroup v2 hosts only.  (The cgroup code's
 * veil_cgroup_detect() is the general answer; one statfs is enough here.) */
static bool unified_cgroup_host(void)
{
    struct statfs st;
    return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int cmd_spec(cli *c, int argc, char **argv)
{
    const char *bundle = NULL;
    bool rootless = false;
    const cli_opt opts[] = {
        {"bundle", 'b', OPT_STRING, &bundle, "DIR", "path to the root of the bundle directory"},
        {"rootless", 0, OPT_BOOL, &rootless, NULL,
         "generate a configuration for a rootless container"},
        {0},
    };
    _cleanup_error_ veil_error *err = NULL;
    _cleanup_free_ char **pos = NULL;
    int npos = 0;
    int r = cli_parse(&spec_command, opts, argc, argv, &pos, &npos, &err);
    if (r == 1)
        return 0;
    if (r < 0 || cli_check_args(&spec_command, npos, 0, 0, &err) < 0) {
        cli_report_error(c, err);
        return 1;
    }

    spec_choice choice = {.rootless = rootless,
                          .cgroup_ns = unified_cgroup_host(),
                          .uid = (unsigned)geteuid(),
                          .gid = (unsigned)getegid()};
    size_t len = 0;
    _cleanup_free_ char *doc = example_config(&choice, &len);
    if (doc == NULL) {
        veil_error_set(&err, ENOMEM, "spec");
        cli_report_error(c, err);
        return 1;
    }

    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/config.json", bundle && *bundle ? bundle : ".") < 0) {
        path = NULL;
        veil_error_set(&err, ENOMEM, "spec");
        cli_report_error(c, err);
        return 1;
    }
    /* O_EXCL: never overwrite, even if the file appears meanwhile */
    _cleanup_close_ int fd =
        open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0666);
    if (fd < 0) {
        if (errno == EEXIST)
            veil_error_set(&err, 0, "File %s exists. Remove it first",
                           bundle && *bundle ? path : "config.json");
        else
            veil_error_set(&err, errno, "open %s", path);
        cli_report_error(c, err);
        return 1;
    }
    if (write_all(fd, doc, len) < 0 || close(steal_fd(&fd)) < 0) {
        veil_error_set(&err, errno, "write %s", path);
        unlink(path);
        cli_report_error(c, err);
        return 1;
    }
    return 0;
}
