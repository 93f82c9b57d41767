/* SPDX-License-Identifier: Apache-2.0 */
/* A container's status and its OCI state document. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/json.h"
#include "state/state.h"

const char *veil_status_name(veil_status s)
{
    switch (s) {
    case VEIL_STATUS_CREATING:
        return "creating";
    case VEIL_STATUS_CREATED:
        return "created";
    case VEIL_STATUS_RUNNING:
        return "running";
    case VEIL_STATUS_PAUSED:
        return "paused";
    case VEIL_STATUS_STOPPED:
        return "stopped";
    }
    return "unknown";
}

/* created / running / stopped; "paused" needs the cgroup (container.c). */
int veil_state_status(int dirfd, const veil_state_record *rec, veil_status *status)
{
    if (!veil_proc_is_alive(rec->pid, rec->pid_start_time)) {
        *status = VEIL_STATUS_STOPPED;
        return 0;
    }
    if (!rec->started && veil_start_pending(dirfd))
        *status = VEIL_STATUS_CREATED;
    else
        *status = VEIL_STATUS_RUNNING;
    return 0;
}

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

veil_container_state *veil_state_public(const veil_state_record *rec, veil_status status)
{
    veil_container_state *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->oci_version = xstrdup(rec->oci_version);
    s->id = xstrdup(rec->id);
    s->pid = status == VEIL_STATUS_STOPPED ? 0 : rec->pid;
    s->status = status;
    s->bundle = xstrdup(rec->bundle);
    s->rootfs = xstrdup(rec->rootfs);
    s->created = xstrdup(rec->created);
    s->owner = xstrdup(rec->owner ? rec->owner : "");
    if (rec->annotations.n) {
        s->annotations.items = calloc(rec->annotations.n, sizeof(veil_kv));
        if (s->annotations.items) {
            for (size_t i = 0; i < rec->annotations.n; i++) {
                s->annotations.items[i].key = xstrdup(rec->annotations.items[i].key);
                s->annotations.items[i].value = xstrdup(rec->annotations.items[i].value);
            }
            s->annotations.n = rec->annotations.n;
        }
    }
    return s;
}

void veil_container_state_free(veil_container_state *s)
{
    if (s == NULL)
        return;
    free(s->oci_version);
    free(s->id);
    free(s->bundle);
    free(s->rootfs);
    free(s->created);
    free(s->owner);
    for (size_t i = 0; i < s->annotations.n; i++) {
        free(s->annotations.items[i].key);
        free(s->annotations.items[i].value);
    }
    free(s->annotations.items);
    free(s);
}

static void write_annotations(vj_writer *w, const veil_kv_list *a)
{
    if (a->n == 0)
        return;
    vj_w_key(w, "annotations");
    vj_w_object_open(w);
    for (size_t i = 0; i < a->n; i++)
        vj_w_kstr(w, a->items[i].key, a->items[i].value);
    vj_w_object_close(w);
}

static char *finish(vj_writer *w, veil_error **err)
{
    char *out = vj_writer_finish(w, false, NULL);
    if (out == NULL)
        veil_error_set(err, EINVAL, "cannot encode the state as JSON");
    return out;
}

char *veil_container_state_to_json(const veil_container_state *s, bool pretty, veil_error **err)
{
    vj_writer *w = vj_writer_new(pretty);
    if (w == NULL) {
        veil_error_set(err, ENOMEM, "state");
        return NULL;
    }
    vj_w_object_open(w);
    vj_w_kstr(w, "ociVersion", s->oci_version ? s->oci_version : "1.3.0");
    vj_w_kstr(w, "id", s->id);
    vj_w_ki64(w, "pid", s->pid);
    vj_w_kstr(w, "status", veil_status_name(s->status));
    vj_w_kstr(w, "bundle", s->bundle);
    vj_w_kstr(w, "rootfs", s->rootfs);
    vj_w_kstr(w, "created", s->created);
    vj_w_kstr(w, "owner", s->owner ? s->owner : "");
    write_annotations(w, &s->annotations);
    vj_w_object_close(w);
    return finish(w, err);
}

/* The state given to hooks on stdin: the runtime-spec state. */
char *veil_state_hook_json(const veil_state_record *rec, veil_status status)
{
    vj_writer *w = vj_writer_new(false);
    if (w == NULL)
        return NULL;
    vj_w_object_open(w);
    vj_w_kstr(w, "ociVersion", rec->oci_version ? rec->oci_version : "1.3.0");
    vj_w_kstr(w, "id", rec->id);
    vj_w_kstr(w, "status", veil_status_name(status));
    if (status != VEIL_STATUS_STOPPED || rec->pid > 0)
        vj_w_ki64(w, "pid", rec->pid);
    vj_w_kstr(w, "bundle", rec->bundle);
    write_annotations(w, &rec->annotations);
    vj_w_object_close(w);
    return finish(w, NULL);
}
