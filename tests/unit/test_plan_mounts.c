/* SPDX-License-Identifier: Apache-2.0 */
/* The plan builder's mounts and devices: every mount option, binds, overlay,
 * idmap, destinations, the default devices and /dev setup. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include <veil/plan.h>

#include "plan/internal.h"
#include "plan_fixture.h"
#include "tests/support/run_suite.h"

/* ---- mount options -------------------------------------------------------- */

/* What one option does to a tmpfs mount, written out by hand so that the
 * test does not repeat the builder's table. */
static const struct expect_opt {
    const char *name;
    unsigned long flags, clear, prop;
    uint64_t set, clr;
    bool tmpcopyup;
} expect_opts[] = {
    {"ro", MS_RDONLY, 0, 0, 0, 0, false},
    {"rw", 0, MS_RDONLY, 0, 0, 0, false},
    {"suid", 0, MS_NOSUID, 0, 0, 0, false},
    {"nosuid", MS_NOSUID, 0, 0, 0, 0, false},
    {"dev", 0, MS_NODEV, 0, 0, 0, false},
    {"nodev", MS_NODEV, 0, 0, 0, 0, false},
    {"exec", 0, MS_NOEXEC, 0, 0, 0, false},
    {"noexec", MS_NOEXEC, 0, 0, 0, 0, false},
    {"sync", MS_SYNCHRONOUS, 0, 0, 0, 0, false},
    {"async", 0, MS_SYNCHRONOUS, 0, 0, 0, false},
    {"dirsync", MS_DIRSYNC, 0, 0, 0, 0, false},
    {"remount", MS_REMOUNT, 0, 0, 0, 0, false},
    {"mand", MS_MANDLOCK, 0, 0, 0, 0, false},
    {"nomand", 0, MS_MANDLOCK, 0, 0, 0, false},
    {"atime", 0, MS_NOATIME, 0, 0, 0, false},
    {"noatime", MS_NOATIME, 0, 0, 0, 0, false},
    {"diratime", 0, MS_NODIRATIME, 0, 0, 0, false},
    {"nodiratime", MS_NODIRATIME, 0, 0, 0, 0, false},
    {"relatime", MS_RELATIME, 0, 0, 0, 0, false},
    {"norelatime", 0, MS_RELATIME, 0, 0, 0, false},
    {"strictatime", MS_STRICTATIME, 0, 0, 0, 0, false},
    {"nostrictatime", 0, MS_STRICTATIME, 0, 0, 0, false},
    {"nosymfollow", MS_NOSYMFOLLOW, 0, 0, 0, 0, false},
    {"symfollow", 0, MS_NOSYMFOLLOW, 0, 0, 0, false},
    {"iversion", MS_I_VERSION, 0, 0, 0, 0, false},
    {"noiversion", 0, MS_I_VERSION, 0, 0, 0, false},
    {"lazytime", MS_LAZYTIME, 0, 0, 0, 0, false},
    {"nolazytime", 0, MS_LAZYTIME, 0, 0, 0, false},
    {"silent", MS_SILENT, 0, 0, 0, 0, false},
    {"loud", 0, MS_SILENT, 0, 0, 0, false},
    {"defaults", 0, 0, 0, 0, 0, false},
    {"private", 0, 0, MS_PRIVATE, 0, 0, false},
    {"rprivate", 0, 0, MS_PRIVATE | MS_REC, 0, 0, false},
    {"shared", 0, 0, MS_SHARED, 0, 0, false},
    {"rshared", 0, 0, MS_SHARED | MS_REC, 0, 0, false},
    {"slave", 0, 0, MS_SLAVE, 0, 0, false},
    {"rslave", 0, 0, MS_SLAVE | MS_REC, 0, 0, false},
    {"unbindable", 0, 0, MS_UNBINDABLE, 0, 0, false},
    {"runbindable", 0, 0, MS_UNBINDABLE | MS_REC, 0, 0, false},
    {"rro", 0, 0, 0, MOUNT_ATTR_RDONLY, 0, false},
    {"rrw", 0, 0, 0, 0, MOUNT_ATTR_RDONLY, false},
    {"rnosuid", 0, 0, 0, MOUNT_ATTR_NOSUID, 0, false},
    {"rsuid", 0, 0, 0, 0, MOUNT_ATTR_NOSUID, false},
    {"rnodev", 0, 0, 0, MOUNT_ATTR_NODEV, 0, false},
    {"rdev", 0, 0, 0, 0, MOUNT_ATTR_NODEV, false},
    {"rnoexec", 0, 0, 0, MOUNT_ATTR_NOEXEC, 0, false},
    {"rexec", 0, 0, 0, 0, MOUNT_ATTR_NOEXEC, false},
    {"rnodiratime", 0, 0, 0, MOUNT_ATTR_NODIRATIME, 0, false},
    {"rdiratime", 0, 0, 0, 0, MOUNT_ATTR_NODIRATIME, false},
    /* the access-time settings always clear the whole field as well */
    {"rrelatime", 0, 0, 0, 0, MOUNT_ATTR__ATIME, false},
    {"rnorelatime", 0, 0, 0, 0, MOUNT_ATTR__ATIME, false},
    {"rnoatime", 0, 0, 0, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, false},
    {"ratime", 0, 0, 0, 0, MOUNT_ATTR_NOATIME | MOUNT_ATTR__ATIME, false},
    {"rstrictatime", 0, 0, 0, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, false},
    {"rnostrictatime", 0, 0, 0, 0, MOUNT_ATTR_STRICTATIME | MOUNT_ATTR__ATIME, false},
    {"rnosymfollow", 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0, false},
    {"rsymfollow", 0, 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, false},
    {"tmpcopyup", 0, 0, 0, 0, 0, true},
};

START_TEST(test_mount_option_each)
{
    for (size_t i = 0; i < sizeof(expect_opts) / sizeof(expect_opts[0]); i++) {
        const struct expect_opt *e = &expect_opts[i];
        fixture f;
        fixture_init(&f);
        veil_spec_mount m = {.destination = "/tmp", .type = "tmpfs", .source = "tmpfs"};
        char *opts[] = {(char *)e->name, NULL};
        m.options = (veil_strv){opts, 1};
        veil_plan *p = plan_one_mount(&f, &m);
        const veil_mount_step *s = &p->mounts[0];
        ck_assert_msg(s->kind == VEIL_MOUNT_FS, "%s: kind", e->name);
        ck_assert_msg(s->flags == e->flags, "%s: flags %#lx want %#lx", e->name, s->flags, e->flags);
        ck_assert_msg(s->clear_flags == e->clear, "%s: clear %#lx want %#lx", e->name,
                      s->clear_flags, e->clear);
        ck_assert_msg(s->propagation == e->prop, "%s: propagation %#lx", e->name, s->propagation);
        ck_assert_msg(s->attr_set == e->set, "%s: attr_set %#llx", e->name,
                      (unsigned long long)s->attr_set);
        ck_assert_msg(s->attr_clr == e->clr, "%s: attr_clr %#llx", e->name,
                      (unsigned long long)s->attr_clr);
        ck_assert_msg(s->tmpcopyup == e->tmpcopyup, "%s: tmpcopyup", e->name);
        ck_assert_msg(s->data == NULL, "%s: data \"%s\"", e->name, s->data);
        veil_plan_free(p);
    }
}
END_TEST

/* Every option the builder advertises (`veil features`) is checked above or
 * in the bind/idmap tests. */
START_TEST(test_mount_option_list_covered)
{
    static const char *const special[] = {"bind", "rbind", "idmap", "ridmap"};
    size_t n = 0;
    for (const char *name; (name = veil_mount_option_name(n)) != NULL; n++) {
        bool found = false;
        for (size_t i = 0; i < sizeof(expect_opts) / sizeof(expect_opts[0]) && !found; i++)
            found = strcmp(expect_opts[i].name, name) == 0;
        for (size_t i = 0; i < 4 && !found; i++)
            found = strcmp(special[i], name) == 0;
        ck_assert_msg(found, "option \"%s\" has no test", name);
        if (n > 0)
            ck_assert_msg(strcmp(veil_mount_option_name(n - 1), name) < 0, "list not sorted at %s",
                          name);
    }
    ck_assert_uint_eq(n, sizeof(expect_opts) / sizeof(expect_opts[0]) + 4);
}
END_TEST

START_TEST(test_mount_options_combined)
{
    fixture f;
    fixture_init(&f);
    /* runc's `spec` /dev mount: flags, then data in order */
    veil_spec_mount m = {.destination = "/dev", .type = "tmpfs", .source = "tmpfs",
                         .options = STRV("nosuid", "strictatime", "mode=755", "size=65536k")};
    veil_plan *p = plan_one_mount(&f, &m);
    ck_assert_uint_eq(p->mounts[0].flags, MS_NOSUID | MS_STRICTATIME);
    ck_assert_str_eq(p->mounts[0].data, "mode=755,size=65536k");
    ck_assert_str_eq(p->mounts[0].type, "tmpfs");
    ck_assert_str_eq(p->mounts[0].source, "tmpfs");
    veil_plan_free(p);

    /* later options win; clear_flags only keeps what is still cleared */
    veil_spec_mount m2 = {.destination = "/x", .type = "tmpfs", .source = "tmpfs",
                          .options = STRV("ro", "rw", "nosuid", "suid", "nosuid", "rshared",
                                          "private", "rro", "rrw", "rnoexec", "uid=5", "acl")};
    p = plan_one_mount(&f, &m2);
    const veil_mount_step *s = &p->mounts[0];
    ck_assert_uint_eq(s->flags, MS_NOSUID);
    ck_assert_uint_eq(s->clear_flags, MS_RDONLY);
    ck_assert_uint_eq(s->propagation, MS_PRIVATE);
    ck_assert_uint_eq(s->attr_set, MOUNT_ATTR_NOEXEC);
    ck_assert_uint_eq(s->attr_clr, MOUNT_ATTR_RDONLY);
    ck_assert_str_eq(s->data, "uid=5,acl");
    veil_plan_free(p);
}
END_TEST

START_TEST(test_mount_kinds_and_destinations)
{
    fixture f;
    fixture_init(&f);
    veil_spec_mount m[] = {
        {.destination = "/proc", .type = "proc", .source = "proc"},
        {.destination = "/sys/fs/cgroup", .type = "cgroup", .source = "cgroup",
         .options = STRV("nosuid", "noexec", "nodev", "relatime", "ro")},
        {.destination = "/sys/fs/cgroup2", .type = "cgroup2", .source = "cgroup2"},
        {.destination = "relative/dir/", .type = "tmpfs", .source = "tmpfs"},
        {.destination = "/a//b/../c/.", .type = "tmpfs", .source = "tmpfs"},
        {.destination = "../../escape", .type = "tmpfs", .source = "tmpfs"},
    };
    f.spec.mounts = m;
    f.spec.n_mounts = 6;
    veil_plan *p = build_ok(&f);
    ck_assert_int_eq(p->mounts[0].kind, VEIL_MOUNT_FS);
    ck_assert_int_eq(p->mounts[1].kind, VEIL_MOUNT_CGROUP);
    ck_assert_uint_eq(p->mounts[1].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);
    ck_assert_int_eq(p->mounts[2].kind, VEIL_MOUNT_CGROUP);
    ck_assert_str_eq(p->mounts[3].destination, "/relative/dir");
    ck_assert_str_eq(p->mounts[4].destination, "/a/c");
    ck_assert_str_eq(p->mounts[5].destination, "/escape");
    ck_assert(has_warning(p, "mounts[3] (relative/dir/): relative mount destinations are deprecated"));
    ck_assert(!has_warning(p, "mounts[4]"));
    veil_plan_free(p);

    veil_spec_mount bad = {.destination = "", .type = "tmpfs", .source = "tmpfs"};
    f.spec.mounts = &bad;
    f.spec.n_mounts = 1;
    ck_assert_err_contains(&f, "mounts[0]: destination must not be empty");
    veil_spec_mount notype = {.destination = "/x", .source = "none"};
    f.spec.mounts = &notype;
    ck_assert_err_contains(&f, "mounts[0] (/x): type is required");
}
END_TEST

START_TEST(test_bind_mounts)
{
    fixture f;
    fixture_init(&f);
    veil_spec_mount m[] = {
        /* type "bind" alone makes a (non-recursive) bind */
        {.destination = "/etc/hosts", .type = "bind", .source = "hosts"},
        /* rbind with some other type: the type is ignored */
        {.destination = "/data", .type = "none", .source = "/srv/data/",
         .options = STRV("rbind", "ro", "nosuid", "rprivate")},
        {.destination = "/cfg", .source = "./conf/../cfg", .options = STRV("bind")},
    };
    f.spec.mounts = m;
    f.spec.n_mounts = 3;
    veil_plan *p = build_ok(&f);
    ck_assert_int_eq(p->mounts[0].kind, VEIL_MOUNT_BIND);
    ck_assert_uint_eq(p->mounts[0].flags, MS_BIND);
    ck_assert_str_eq(p->mounts[0].type, "bind");
    ck_assert_str_eq(p->mounts[0].source, "/srv/bundle/hosts");
    ck_assert_int_eq(p->mounts[1].kind, VEIL_MOUNT_BIND);
    ck_assert_uint_eq(p->mounts[1].flags, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID);
    ck_assert_uint_eq(p->mounts[1].propagation, MS_PRIVATE | MS_REC);
    ck_assert_str_eq(p->mounts[1].type, "bind");
    ck_assert_str_eq(p->mounts[1].source, "/srv/data");
    ck_assert_int_eq(p->mounts[2].kind, VEIL_MOUNT_BIND);
    ck_assert_str_eq(p->mounts[2].source, "/srv/bundle/cfg");
    veil_plan_free(p);

    veil_spec_mount data = {.destination = "/d", .type = "bind", .source = "/x",
                            .options = STRV("rbind", "mode=755")};
    f.spec.mounts = &data;
    f.spec.n_mounts = 1;
    p = build_ok(&f);
    ck_assert_ptr_null(p->mounts[0].data); /* dropped: the kernel ignores it */
    bool warned = false;
    for (size_t i = 0; i < p->n_warnings; i++)
        warned |= strstr(p->warnings[i], "mounts[0] (/d): filesystem options \"mode=755\"") != NULL;
    ck_assert(warned);
    veil_plan_free(p);
    veil_spec_mount nosrc = {.destination = "/d", .type = "bind"};
    f.spec.mounts = &nosrc;
    ck_assert_err_contains(&f, "mounts[0] (/d): a bind mount needs a source");
}
END_TEST

START_TEST(test_overlay_mount)
{
    fixture f;
    fixture_init(&f);
    veil_spec_mount m = {
        .destination = "/merged",
        .type = "overlay",
        .source = "overlay",
        .options = STRV("lowerdir=layers/2:/abs/1:we\\:ird", "upperdir=up", "workdir=/w/wd/",
                        "userxattr", "index=off", "ro", "volatile", "lowerdir+=more"),
    };
    veil_plan *p = plan_one_mount(&f, &m);
    const veil_mount_step *s = &p->mounts[0];
    ck_assert_int_eq(s->kind, VEIL_MOUNT_OVERLAY);
    ck_assert_str_eq(s->type, "overlay");
    ck_assert_uint_eq(s->n_overlay_lower, 4);
    ck_assert_str_eq(s->overlay_lower[0], "/srv/bundle/layers/2");
    ck_assert_str_eq(s->overlay_lower[1], "/abs/1");
    ck_assert_str_eq(s->overlay_lower[2], "/srv/bundle/we:ird");
    ck_assert_str_eq(s->overlay_lower[3], "/srv/bundle/more");
    ck_assert_str_eq(s->overlay_upper, "/srv/bundle/up");
    ck_assert_str_eq(s->overlay_work, "/w/wd");
    ck_assert_str_eq(s->data, "userxattr,index=off,volatile");
    ck_assert_uint_eq(s->flags, MS_RDONLY);
    veil_plan_free(p);

    veil_spec_mount nolower = {.destination = "/m", .type = "overlay", .source = "overlay",
                               .options = STRV("upperdir=u", "workdir=w")};
    f.spec.mounts = &nolower;
    ck_assert_err_contains(&f, "mounts[0] (/m): overlay needs a lowerdir");
    veil_spec_mount noupper = {.destination = "/m", .type = "overlay", .source = "overlay",
                               .options = STRV("lowerdir=a", "workdir=w")};
    f.spec.mounts = &noupper;
    ck_assert_err_contains(&f, "upperdir and workdir go together");
    veil_spec_mount empty = {.destination = "/m", .type = "overlay", .source = "overlay",
                             .options = STRV("lowerdir=a::b")};
    f.spec.mounts = &empty;
    ck_assert_err_contains(&f, "empty lowerdir element");
}
END_TEST

START_TEST(test_idmap_mounts)
{
    fixture f;
    fixture_init(&f);
    veil_spec_idmap um[] = {{0, 100000, 65536}}, gm[] = {{0, 200000, 65536}};
    /* own mappings, no user namespace needed */
    veil_spec_mount m = {.destination = "/data", .type = "bind", .source = "/srv/d",
                         .options = STRV("rbind", "ridmap"), .uid_mappings = um,
                         .n_uid_mappings = 1, .gid_mappings = gm, .n_gid_mappings = 1};
    veil_plan *p = plan_one_mount(&f, &m);
    ck_assert(p->mounts[0].idmap);
    ck_assert(p->mounts[0].idmap_recursive);
    ck_assert_uint_eq(p->mounts[0].uid_mappings.n, 1);
    ck_assert_uint_eq(p->mounts[0].uid_mappings.items[0].host_id, 100000);
    ck_assert_uint_eq(p->mounts[0].gid_mappings.items[0].host_id, 200000);
    veil_plan_free(p);

    /* mappings alone imply a (non-recursive) idmap */
    veil_spec_mount implied = m;
    implied.options = STRV("bind");
    p = plan_one_mount(&f, &implied);
    ck_assert(p->mounts[0].idmap);
    ck_assert(!p->mounts[0].idmap_recursive);
    veil_plan_free(p);

    /* no mappings and no user namespace: refused, naming the mount */
    veil_spec_mount bare = {.destination = "/data", .type = "bind", .source = "/srv/d",
                            .options = STRV("bind", "idmap")};
    veil_spec_mount two[] = {{.destination = "/proc", .type = "proc", .source = "proc"}, bare};
    f.spec.mounts = two;
    f.spec.n_mounts = 2;
    ck_assert_err_contains(&f, "mounts[1] (/data): idmap requires uidMappings and gidMappings");

    /* with the container's user namespace: its maps are used (left empty) */
    add_ns(&f, VEIL_NS_USER, NULL);
    f.lx.uid_mappings = um;
    f.lx.n_uid_mappings = 1;
    f.lx.gid_mappings = gm;
    f.lx.n_gid_mappings = 1;
    p = build_ok(&f);
    ck_assert(p->mounts[1].idmap);
    ck_assert_uint_eq(p->mounts[1].uid_mappings.n, 0);
    veil_plan_free(p);

    /* only bind mounts, not rootless, both maps */
    veil_spec_mount fs = {.destination = "/t", .type = "tmpfs", .source = "tmpfs",
                          .options = STRV("idmap")};
    f.spec.mounts = &fs;
    f.spec.n_mounts = 1;
    ck_assert_err_contains(&f, "mounts[0] (/t): id-mapped mounts are only supported for bind");
    veil_spec_mount half = m;
    half.n_gid_mappings = 0;
    f.spec.mounts = &half;
    ck_assert_err_contains(&f, "must have both uid and gid mappings");
    f.spec.mounts = &m;
    f.opts.rootless = true;
    drop_ns(&f, VEIL_NS_NETWORK);
    ck_assert_err_contains(&f, "not supported for rootless containers");
}
END_TEST

START_TEST(test_tmpcopyup_only_tmpfs)
{
    fixture f;
    fixture_init(&f);
    veil_spec_mount m = {.destination = "/x", .type = "sysfs", .source = "sysfs",
                         .options = STRV("tmpcopyup")};
    veil_plan *p = plan_one_mount(&f, &m);
    ck_assert(!p->mounts[0].tmpcopyup);
    ck_assert(has_warning(p, "tmpcopyup only applies to tmpfs"));
    veil_plan_free(p);
}
END_TEST

/* Only proc on /proc (or a bind, whose source the applier checks), and
 * inside /proc only the allow-listed files (CVE-2019-16884). */
START_TEST(test_proc_destinations)
{
    static const struct {
        const char *dest, *type, *source;
        const char *err; /* NULL: accepted */
    } cases[] = {
        {"/proc", "proc", "proc", NULL},
        {"/proc", "bind", "/proc", NULL},
        {"/proc", "tmpfs", "tmpfs", "only a proc filesystem can be mounted on /proc, not tmpfs"},
        {"/proc/", "sysfs", "sysfs", "only a proc filesystem can be mounted on /proc, not sysfs"},
        {"/proc", "overlay", "overlay", "only a proc filesystem can be mounted on /proc"},
        {"/proc/cpuinfo", "bind", "/var/lib/lxcfs/proc/cpuinfo", NULL},
        {"/proc/meminfo", "bind", "/x", NULL},
        {"/proc/sys/kernel/ns_last_pid", "bind", "/x", NULL},
        {"/proc/sys", "bind", "/x", "cannot be mounted because it is inside /proc"},
        {"/proc/self/attr", "tmpfs", "tmpfs", "cannot be mounted because it is inside /proc"},
        {"/proc/../proc/1/attr/exec", "bind", "/x", "cannot be mounted because it is inside /proc"},
        {"/proc/cpuinfo/x", "bind", "/x", "cannot be mounted because it is inside /proc"},
        {"/procfs", "tmpfs", "tmpfs", NULL},
        {"/process/x", "tmpfs", "tmpfs", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture f;
        fixture_init(&f);
        veil_spec_mount m = {.destination = (char *)cases[i].dest, .type = (char *)cases[i].type,
                             .source = (char *)cases[i].source,
                             .options = strcmp(cases[i].type, "bind") == 0 ? STRV("bind")
                                        : strcmp(cases[i].type, "overlay") == 0
                                            ? STRV("lowerdir=/l")
                                            : STRV("nosuid")};
        f.spec.mounts = &m;
        f.spec.n_mounts = 1;
        if (cases[i].err == NULL) {
            veil_plan_free(build_ok(&f));
        } else {
            char *e = build_err(&f);
            ck_assert_msg(strstr(e, cases[i].err) != NULL, "%s: got \"%s\"", cases[i].dest, e);
            ck_assert_msg(strstr(e, "mounts[0]") != NULL, "%s: names the mount: %s",
                          cases[i].dest, e);
            free(e);
        }
    }
}
END_TEST

START_TEST(test_rootless_mount_ids)
{
    fixture f;
    fixture_init(&f);
    f.opts.rootless = true;
    drop_ns(&f, VEIL_NS_NETWORK);
    add_ns(&f, VEIL_NS_USER, NULL);
    veil_spec_idmap um[] = {{0, 1000, 1}}, gm[] = {{0, 1000, 1}};
    f.lx.uid_mappings = um;
    f.lx.n_uid_mappings = 1;
    f.lx.gid_mappings = gm;
    f.lx.n_gid_mappings = 1;
    veil_spec_mount m = {.destination = "/dev/pts", .type = "devpts", .source = "devpts",
                         .options = STRV("newinstance", "gid=5")};
    f.spec.mounts = &m;
    f.spec.n_mounts = 1;
    ck_assert_err_contains(&f, "cannot specify gid=5 mount option for rootless container");
    m.options = STRV("newinstance", "gid=0", "mode=0620");
    veil_plan *p = build_ok(&f);
    veil_plan_free(p);
}
END_TEST

/* ---- devices --------------------------------------------------------------- */

START_TEST(test_default_devices)
{
    fixture f;
    fixture_init(&f);
    veil_plan *p = build_ok(&f);
    ck_assert(p->setup_dev);
    static const struct {
        const char *path;
        int major, minor;
    } want[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
                {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
    ck_assert_uint_eq(p->n_devices, 6);
    for (size_t i = 0; i < 6; i++) {
        ck_assert_str_eq(p->devices[i].path, want[i].path);
        ck_assert_int_eq(p->devices[i].type, 'c');
        ck_assert_int_eq(p->devices[i].major, want[i].major);
        ck_assert_int_eq(p->devices[i].minor, want[i].minor);
        ck_assert_uint_eq(p->devices[i].mode, 0666);
        ck_assert_uint_eq(p->devices[i].uid, 0);
        ck_assert_uint_eq(p->devices[i].gid, 0);
    }
    veil_plan_free(p);
}
END_TEST

START_TEST(test_spec_devices_override)
{
    fixture f;
    fixture_init(&f);
    veil_spec_device d[] = {
        {.type = 'u', .path = "/dev/null", .major = {true, 1}, .minor = {true, 3},
         .file_mode = {true, 020600}, .uid = {true, 7}, .gid = {true, 8}},
        {.type = 'b', .path = "/dev/sda", .major = {true, 8}, .minor = {true, 0}},
        {.type = 'p', .path = "/dev/fifo"},
    };
    f.lx.devices = d;
    f.lx.n_devices = 3;
    veil_plan *p = build_ok(&f);
    ck_assert_uint_eq(p->n_devices, 5 + 3);
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_ne(p->devices[i].path, "/dev/null");
    const veil_device_node *n = &p->devices[5];
    ck_assert_str_eq(n->path, "/dev/null");
    ck_assert_int_eq(n->type, 'c'); /* 'u' stored as 'c' */
    ck_assert_uint_eq(n->mode, 0600); /* file type bits dropped */
    ck_assert_uint_eq(n->uid, 7);
    ck_assert_uint_eq(n->gid, 8);
    ck_assert_int_eq(p->devices[6].type, 'b');
    ck_assert_uint_eq(p->devices[6].mode, 0666);
    ck_assert_int_eq(p->devices[7].type, 'p');
    veil_plan_free(p);

    veil_spec_device nomajor = {.type = 'c', .path = "/dev/fuse"};
    f.lx.devices = &nomajor;
    f.lx.n_devices = 1;
    ck_assert_err_contains(&f, "linux.devices[0] (/dev/fuse): major and minor are required");
    veil_spec_device rel = {.type = 'c', .path = "dev/x", .major = {true, 1}, .minor = {true, 1}};
    f.lx.devices = &rel;
    ck_assert_err_contains(&f, "linux.devices[0]: path must be absolute");
}
END_TEST

START_TEST(test_setup_dev)
{
    fixture f;
    fixture_init(&f);
    veil_spec_mount tm = {.destination = "/dev", .type = "tmpfs", .source = "tmpfs"};
    veil_plan *p = plan_one_mount(&f, &tm);
    ck_assert(p->setup_dev);
    veil_plan_free(p);
    veil_spec_mount bm = {.destination = "/dev/", .type = "none", .source = "/dev",
                          .options = STRV("rbind")};
    p = plan_one_mount(&f, &bm);
    ck_assert(!p->setup_dev);
    veil_plan_free(p);
}
END_TEST

static Suite *plan_mounts_suite(void)
{
    Suite *s = suite_create("plan-mounts");
    TCase *t = tcase_create("mounts");
    tcase_add_test(t, test_mount_option_each);
    tcase_add_test(t, test_mount_option_list_covered);
    tcase_add_test(t, test_mount_options_combined);
    tcase_add_test(t, test_mount_kinds_and_destinations);
    tcase_add_test(t, test_bind_mounts);
    tcase_add_test(t, test_overlay_mount);
    tcase_add_test(t, test_idmap_mounts);
    tcase_add_test(t, test_tmpcopyup_only_tmpfs);
    tcase_add_test(t, test_rootless_mount_ids);
    tcase_add_test(t, test_proc_destinations);
    suite_add_tcase(s, t);

    t = tcase_create("devices");
    tcase_add_test(t, test_default_devices);
    tcase_add_test(t, test_spec_devices_override);
    tcase_add_test(t, test_setup_dev);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return test_run_suite(plan_mounts_suite());
}
