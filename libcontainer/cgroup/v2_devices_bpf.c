/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device access on cgroup v2: the allow/deny list becomes a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, assembled here instruction by
 * instruction and attached with bpf(2).
 *
 * The list is first reduced to what a v1 devices cgroup would hold after the
 * same rules were written to it in order (a default plus exceptions; an "a"
 * rule resets both), so a config means the same on v1 and v2.  The program
 * then tests the exceptions; none of them overlaps the default's verdict.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

#define ACC_ALL (VEIL_DEVCG_ACC_MKNOD | VEIL_DEVCG_ACC_READ | VEIL_DEVCG_ACC_WRITE)

static unsigned access_bits(const char *s)
{
    unsigned a = 0;
    for (s = s ? s : "rwm"; *s; s++)
        a |= *s == 'r' ? VEIL_DEVCG_ACC_READ : *s == 'w' ? VEIL_DEVCG_ACC_WRITE
                                             : *s == 'm' ? VEIL_DEVCG_ACC_MKNOD : 0;
    return a;
}

void veil_devcg_state_clear(veil_devcg_state *st)
{
    free(st->ex);
    st->ex = NULL;
    st->n = 0;
}

static veil_devcg_exception *find(veil_devcg_state *st, char type, int64_t major, int64_t minor)
{
    for (size_t i = 0; i < st->n; i++)
        if (st->ex[i].type == type && st->ex[i].major == major && st->ex[i].minor == minor)
            return &st->ex[i];
    return NULL;
}

int veil_devcg_emulate(const veil_spec_device_rule *rules, size_t n, veil_devcg_state *st,
                       veil_error **err)
{
    /* a new cgroup starts as its parent; below the root that is "allow all" */
    *st = (veil_devcg_state){.default_allow = true};
    for (size_t i = 0; i < n; i++) {
        const veil_spec_device_rule *r = &rules[i];
        char type = r->type ? r->type : 'a';
        unsigned acc = access_bits(r->access);
        if (type == 'a') {
            veil_devcg_state_clear(st);
            st->default_allow = r->allow;
            continue;
        }
        if (type != 'b' && type != 'c') {
            veil_devcg_state_clear(st);
            return veil_error_set(err, 0, "device rule %zu: invalid type '%c'", i, type);
        }
        int64_t major = r->major.set && r->major.value >= 0 ? r->major.value : -1;
        int64_t minor = r->minor.set && r->minor.value >= 0 ? r->minor.value : -1;
        veil_devcg_exception *ex = find(st, type, major, minor);
        if (r->allow == st->default_allow) {
            /* agrees with the default: takes access away from an exception */
            if (ex) {
                ex->access &= ~acc;
                if (ex->access == 0)
                    *ex = st->ex[--st->n];
            }
            continue;
        }
        if (ex) {
            ex->access |= acc;
            continue;
        }
        veil_devcg_exception *v = realloc(st->ex, (st->n + 1) * sizeof(*v));
        if (v == NULL) {
            veil_devcg_state_clear(st);
            return veil_error_set(err, ENOMEM, "device rules");
        }
        st->ex = v;
        v[st->n++] = (veil_devcg_exception){
            .type = type, .major = major, .minor = minor, .access = acc};
    }
    return 0;
}

static bool matches(const veil_devcg_exception *ex, char type, uint32_t major, uint32_t minor)
{
    return ex->type == type && (ex->major < 0 || ex->major == major) &&
           (ex->minor < 0 || ex->minor == minor);
}

bool veil_devcg_allows(const veil_devcg_state *st, char type, uint32_t major, uint32_t minor,
                       unsigned access)
{
    for (size_t i = 0; i < st->n; i++) {
        const veil_devcg_exception *ex = &st->ex[i];
        if (!matches(ex, type, major, minor))
            continue;
        /* allow-list entries must cover the whole request; a deny entry
         * refuses a request that shares any access bit with it */
        if (!st->default_allow && (access & ~ex->access) == 0)
            return true;
        if (st->default_allow && (access & ex->access))
            return false;
    }
    return st->default_allow;
}

/* ---- the program ----------------------------------------------------------- */

static struct bpf_insn ins(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/* Instructions in one exception's block (see emit_block). */
static size_t block_len(const veil_devcg_exception *ex)
{
    return 1 + (ex->access != ACC_ALL ? 3 : 0) + (ex->major >= 0) + (ex->minor >= 0) + 2;
}

/*
 * Registers after the prologue: w2 = device type, w3 = requested access,
 * w4 = major, w5 = minor (struct bpf_cgroup_dev_ctx).  Each block jumps to
 * the next one on a mismatch and returns the exception's verdict otherwise.
 */
static size_t emit_block(struct bpf_insn *p, const veil_devcg_exception *ex, bool default_allow)
{
    size_t len = block_len(ex), i = 0;
#define TO_NEXT ((int16_t)(len - i - 1))
    int32_t type = ex->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
    p[i] = ins(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_2, 0, TO_NEXT, type);
    i++;
    if (ex->access != ACC_ALL) {
        p[i++] = ins(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
        p[i++] = ins(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)ex->access);
        if (default_allow) /* deny entry: no shared bit, no match */
            p[i] = ins(BPF_JMP32 | BPF_JEQ | BPF_K, BPF_REG_1, 0, TO_NEXT, 0);
        else /* allow entry: the request must be a subset */
            p[i] = ins(BPF_JMP32 | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, TO_NEXT, 0);
        i++;
    }
    if (ex->major >= 0) {
        p[i] = ins(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_4, 0, TO_NEXT, (int32_t)(uint32_t)ex->major);
        i++;
    }
    if (ex->minor >= 0) {
        p[i] = ins(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_5, 0, TO_NEXT, (int32_t)(uint32_t)ex->minor);
        i++;
    }
#undef TO_NEXT
    p[i++] = ins(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, default_allow ? 0 : 1);
    p[i++] = ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    return i;
}

int veil_devcg_compile(const veil_spec_device_rule *rules, size_t n, struct bpf_insn **insns,
                       size_t *n_insns, veil_error **err)
{
    veil_devcg_state st;
    if (veil_devcg_emulate(rules, n, &st, err) < 0)
        return -1;
    size_t total = 6 + 2;
    for (size_t i = 0; i < st.n; i++)
        total += block_len(&st.ex[i]);
    if (total > 4096) {
        veil_devcg_state_clear(&st);
        return veil_error_set(err, E2BIG, "device rules: %zu exceptions make too big a program",
                              st.n);
    }
    struct bpf_insn *p = calloc(total, sizeof(*p));
    if (p == NULL) {
        veil_devcg_state_clear(&st);
        return veil_error_set(err, ENOMEM, "device rules");
    }
    size_t k = 0;
    /* prologue: type = access_type & 0xffff, access = access_type >> 16 */
    p[k++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
    p[k++] = ins(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
    p[k++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
    p[k++] = ins(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
    p[k++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
    p[k++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
    for (size_t i = 0; i < st.n; i++)
        k += emit_block(p + k, &st.ex[i], st.default_allow);
    p[k++] = ins(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, st.default_allow ? 1 : 0);
    p[k++] = ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    veil_devcg_state_clear(&st);
    *insns = p;
    *n_insns = k;
    return 0;
}

/* ---- bpf(2) ------------------------------------------------------------------ */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
    return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int load(const struct bpf_insn *insns, size_t n, char *log, size_t log_len)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = (uint32_t)n;
    attr.license = (uint64_t)(uintptr_t) "Apache-2.0";
    snprintf(attr.prog_name, sizeof(attr.prog_name), "veil_devices");
    if (log) {
        attr.log_level = 1;
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = (uint32_t)log_len;
    }
    return sys_bpf(BPF_PROG_LOAD, &attr);
}

int veil_devcg_attach(int cgroup_fd, const struct bpf_insn *insns, size_t n, veil_error **err)
{
    _cleanup_close_ int prog = load(insns, n, NULL, 0);
    if (prog < 0) {
        int e = errno;
        if (e == EPERM || e == EACCES)
            return veil_error_set(err, e, "load the device program (needs CAP_SYS_ADMIN, or "
                                          "CAP_BPF with CAP_NET_ADMIN)");
        /* again with the verifier's log, for the report */
        size_t log_len = 16384;
        _cleanup_free_ char *log = calloc(1, log_len);
        if (log && load(insns, n, log, log_len) < 0) {
            size_t len = strlen(log);
            while (len && log[len - 1] == '\n')
                log[--len] = '\0';
            const char *tail = len > 300 ? log + len - 300 : log;
            return veil_error_set(err, e, "load the device program (verifier: %s)", tail);
        }
        return veil_error_set(err, e, "load the device program");
    }
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)cgroup_fd;
    attr.attach_bpf_fd = (uint32_t)prog;
    attr.attach_type = BPF_CGROUP_DEVICE;
    /* alongside programs of the parents (e.g. systemd's): all must allow */
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
        return veil_error_set(err, errno, "attach the device program");
    return 0; /* the attachment keeps the program; our fd goes */
}

int veil_devcg_query(int cgroup_fd, uint32_t *ids, uint32_t max, uint32_t *n, veil_error **err)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.query.target_fd = (uint32_t)cgroup_fd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
    attr.query.prog_cnt = max;
    if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
        return veil_error_set(err, errno, "query the device programs");
    *n = attr.query.prog_cnt;
    return 0;
}
