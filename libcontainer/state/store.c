/* SPDX-License-Identifier: Apache-2.0 */
/* state.json: the record of one container, read and written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/json.h"
#include "state/state.h"
#include "util/cleanup.h"
#include "util/fs.h"

static int lock_dir(int fd, const char *id, veil_error **err)
{
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR)
            return veil_error_set(err, errno, "lock the state of container %s", id);
    }
    return 0;
}

int veil_state_dir_create(const char *root, const char *id, int *dirfd, veil_error **err)
{
    /* the shim passes --root <dir>/<namespace> and expects its parents
     * made; made only when the root is missing (one open otherwise) */
    _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0 && errno == ENOENT) {
        if (veil_fs_mkdir_p(root, 0700, err) < 0)
            return veil_error_prefix(err, "create the state root %s", root);
        rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    if (rootfd < 0)
        return veil_error_set(err, errno, "open the state root %s", root);
    if (mkdirat(rootfd, id, 0711) < 0) {
        if (errno == EEXIST)
            return veil_error_set(err, 0, "container with id %s already exists", id);
        return veil_error_set(err, errno, "create the state directory %s/%s", root, id);
    }
    int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int e = errno;
        unlinkat(rootfd, id, AT_REMOVEDIR);
        return veil_error_set(err, e, "open the state directory %s/%s", root, id);
    }
    if (lock_dir(fd, id, err) < 0) {
        close(fd);
        unlinkat(rootfd, id, AT_REMOVEDIR);
        return -1;
    }
    *dirfd = fd;
    return 0;
}

int veil_state_dir_open(const char *root, const char *id, bool lock, int *dirfd,
                        veil_error **err)
{
    _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        if (errno == ENOENT)
            return veil_error_set(err, 0, "container %s does not exist", id);
        return veil_error_set(err, errno, "open the state root %s", root);
    }
    int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
            return veil_error_set(err, 0, "container %s does not exist", id);
        return veil_error_set(err, errno, "open the state of container %s", id);
    }
    if (lock && lock_dir(fd, id, err) < 0) {
        close(fd);
        return -1;
    }
    *dirfd = fd;
    return 0;
}

int veil_state_dir_remove(const char *root, const char *id, int dirfd, veil_error **err)
{
    if (veil_fs_remove_contents(dirfd, err) < 0)
        return veil_error_prefix(err, "remove the state of container %s", id);
    _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0 || unlinkat(rootfd, id, AT_REMOVEDIR) < 0) {
        if (errno == ENOENT)
            return 0;
        return veil_error_set(err, errno, "remove the state directory %s/%s", root, id);
    }
    return 0;
}

/* ---- serialization ------------------------------------------------------- */

static void write_hooks(vj_writer *w, const char *key, const veil_plan_hook_list *l)
{
    vj_w_key(w, key);
    vj_w_array_open(w);
    for (size_t i = 0; i < l->n; i++) {
        const veil_plan_hook *h = &l->items[i];
        vj_w_object_open(w);
        vj_w_kstr(w, "path", h->path);
        if (h->args) {
            vj_w_key(w, "args");
            vj_w_array_open(w);
            for (char **a = h->args; *a; a++)
                vj_w_string(w, *a);
            vj_w_array_close(w);
        }
        if (h->env) {
            vj_w_key(w, "env");
            vj_w_array_open(w);
            for (char **a = h->env; *a; a++)
                vj_w_string(w, *a);
            vj_w_array_close(w);
        }
        if (h->timeout > 0)
            vj_w_ki64(w, "timeout", h->timeout);
        vj_w_object_close(w);
    }
    vj_w_array_close(w);
}

int veil_state_write(int dirfd, const veil_state_record *rec, veil_error **err)
{
    vj_writer *w = vj_writer_new(false);
    if (w == NULL)
        return veil_error_set(err, ENOMEM, "write state");
    vj_w_object_open(w);
    vj_w_kstr(w, "ociVersion", rec->oci_version);
    vj_w_kstr(w, "id", rec->id);
    vj_w_ki64(w, "pid", rec->pid);
    vj_w_ku64(w, "pidStartTime", rec->pid_start_time);
    vj_w_kstr(w, "bundle", rec->bundle);
    vj_w_kstr(w, "rootfs", rec->rootfs);
    vj_w_kstr(w, "created", rec->created);
    vj_w_kstr(w, "owner", rec->owner ? rec->owner : "");
    vj_w_key(w, "annotations");
    vj_w_object_open(w);
    for (size_t i = 0; i < rec->annotations.n; i++)
        vj_w_kstr(w, rec->annotations.items[i].key, rec->annotations.items[i].value);
    vj_w_object_close(w);
    if (rec->cgroup)
        vj_w_kstr(w, "cgroup", rec->cgroup);
    if (rec->resources) {
        /* kept as an object, readable like config.json's */
        vj_node *res = vj_parse(rec->resources, strlen(rec->resources), NULL, NULL);
        if (res == NULL) {
            vj_writer_free(w);
            return veil_error_set(err, EINVAL, "write state: the resources are not valid JSON");
        }
        vj_w_key(w, "resources");
        vj_w_node(w, res);
        vj_free(res);
    }
    vj_w_kbool(w, "pidnsPrivate", rec->pidns_private);
    vj_w_kbool(w, "started", rec->started);
    if (rec->no_process)
        vj_w_kbool(w, "noProcess", true);
    if (rec->no_new_keyring)
        vj_w_kbool(w, "noNewKeyring", true);
    write_hooks(w, "poststart", &rec->poststart);
    write_hooks(w, "poststop", &rec->poststop);
    vj_w_object_close(w);
    const char *buf;
    size_t len;
    if (!vj_writer_result(w, &buf, &len)) {
        vj_writer_free(w);
        return veil_error_set(err, EINVAL, "write state: cannot encode the state as JSON");
    }
    int r = veil_fs_write_atomic(dirfd, VEIL_STATE_FILE, buf, len, 0600, err);
    vj_writer_free(w);
    return r;
}

int veil_state_save_config(int dirfd, const char *buf, size_t len, veil_error **err)
{
    /* a new file in a directory this process just made: no temporary needed */
    _cleanup_close_ int fd = openat(dirfd, VEIL_CONFIG_COPY,
                                    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || veil_write_all(fd, buf, len) < 0)
        return veil_error_set(err, errno, "save a copy of the config in the state directory");
    return 0;
}

char *veil_state_load_config(int dirfd, size_t *len, veil_error **err)
{
    /* the parser's own limit: create never saved more */
    char *buf = veil_fs_read_at(dirfd, VEIL_CONFIG_COPY, vj_default_limits.max_bytes, len, err);
    if (buf == NULL)
        veil_error_prefix(err, "the saved config of the container");
    return buf;
}

static char *dup_str(const vj_node *n)
{
    return n && n->type == VJ_STRING ? strdup(n->u.string.ptr) : NULL;
}

/* An object member as compact JSON text. */
static char *node_text(const vj_node *n)
{
    if (n == NULL || n->type != VJ_OBJECT)
        return NULL;
    vj_writer *w = vj_writer_new(false);
    if (w == NULL)
        return NULL;
    vj_w_node(w, n);
    return vj_writer_finish(w, false, NULL);
}

static char **dup_strv(const vj_node *n)
{
    if (n == NULL || n->type != VJ_ARRAY)
        return NULL;
    char **v = calloc(n->u.array.len + 1, sizeof(*v));
    if (v == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n->u.array.len; i++)
        if (n->u.array.items[i]->type == VJ_STRING)
            v[k++] = strdup(n->u.array.items[i]->u.string.ptr);
    return v;
}

static void read_hooks(const vj_node *arr, veil_plan_hook_list *l)
{
    if (arr == NULL || arr->type != VJ_ARRAY || arr->u.array.len == 0)
        return;
    l->items = calloc(arr->u.array.len, sizeof(*l->items));
    if (l->items == NULL)
        return;
    for (size_t i = 0; i < arr->u.array.len; i++) {
        const vj_node *h = arr->u.array.items[i];
        veil_plan_hook *out = &l->items[l->n];
        out->path = dup_str(vj_get(h, "path"));
        if (out->path == NULL)
            continue;
        out->args = dup_strv(vj_get(h, "args"));
        out->env = dup_strv(vj_get(h, "env"));
        int64_t t = 0;
        if (vj_number_i64(vj_get(h, "timeout"), &t))
            out->timeout = (int)t;
        l->n++;
    }
}

int veil_state_read(int dirfd, veil_state_record **out, veil_error **err)
{
    _cleanup_close_ int fd = openat(dirfd, VEIL_STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return veil_error_set(err, errno, "read %s", VEIL_STATE_FILE);
    vj_node *doc = vj_parse_fd(fd, NULL, err);
    if (doc == NULL)
        return veil_error_prefix(err, "read %s", VEIL_STATE_FILE);
    veil_state_record *rec = calloc(1, sizeof(*rec));
    if (rec == NULL) {
        vj_free(doc);
        return veil_error_set(err, ENOMEM, "read state");
    }
    rec->oci_version = dup_str(vj_get(doc, "ociVersion"));
    rec->id = dup_str(vj_get(doc, "id"));
    rec->bundle = dup_str(vj_get(doc, "bundle"));
    rec->rootfs = dup_str(vj_get(doc, "rootfs"));
    rec->created = dup_str(vj_get(doc, "created"));
    rec->owner = dup_str(vj_get(doc, "owner"));
    rec->cgroup = dup_str(vj_get(doc, "cgroup"));
    rec->resources = node_text(vj_get(doc, "resources"));
    int64_t pid = 0;
    vj_number_i64(vj_get(doc, "pid"), &pid);
    rec->pid = (pid_t)pid;
    uint64_t st = 0;
    vj_number_u64(vj_get(doc, "pidStartTime"), &st);
    rec->pid_start_time = st;
    const vj_node *b = vj_get(doc, "pidnsPrivate");
    rec->pidns_private = b && b->type == VJ_BOOL && b->u.boolean;
    b = vj_get(doc, "started");
    rec->started = b && b->type == VJ_BOOL && b->u.boolean;
    b = vj_get(doc, "noProcess");
    rec->no_process = b && b->type == VJ_BOOL && b->u.boolean;
    b = vj_get(doc, "noNewKeyring");
    rec->no_new_keyring = b && b->type == VJ_BOOL && b->u.boolean;
    const vj_node *ann = vj_get(doc, "annotations");
    if (ann && ann->type == VJ_OBJECT && ann->u.object.len > 0) {
        rec->annotations.items = calloc(ann->u.object.len, sizeof(veil_kv));
        for (size_t i = 0; rec->annotations.items && i < ann->u.object.len; i++) {
            const vj_node *v = ann->u.object.values[i];
            if (v->type != VJ_STRING)
                continue;
            veil_kv *kv = &rec->annotations.items[rec->annotations.n++];
            kv->key = strdup(ann->u.object.keys[i]);
            kv->value = strdup(v->u.string.ptr);
        }
    }
    read_hooks(vj_get(doc, "poststart"), &rec->poststart);
    read_hooks(vj_get(doc, "poststop"), &rec->poststop);
    vj_free(doc);
    if (rec->id == NULL || rec->bundle == NULL) {
        veil_state_record_free(rec);
        return veil_error_set(err, EINVAL, "read %s: the state file is incomplete", VEIL_STATE_FILE);
    }
    *out = rec;
    return 0;
}

static void hook_list_free(veil_plan_hook_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].path);
        for (char **a = l->items[i].args; a && *a; a++)
            free(*a);
        free(l->items[i].args);
        for (char **a = l->items[i].env; a && *a; a++)
            free(*a);
        free(l->items[i].env);
    }
    free(l->items);
}

void veil_state_record_free(veil_state_record *rec)
{
    if (rec == NULL)
        return;
    free(rec->oci_version);
    free(rec->id);
    free(rec->bundle);
    free(rec->rootfs);
    free(rec->created);
    free(rec->owner);
    free(rec->cgroup);
    free(rec->resources);
    for (size_t i = 0; i < rec->annotations.n; i++) {
        free(rec->annotations.items[i].key);
        free(rec->annotations.items[i].value);
    }
    free(rec->annotations.items);
    hook_list_free(&rec->poststart);
    hook_list_free(&rec->poststop);
    free(rec);
}
