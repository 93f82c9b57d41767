/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CVE-2019-5736: veil clones container processes from its own image (no
 * re-exec to set a container up), so until their execve they run veil's
 * binary inside the container.  Non-dumpable keeps /proc/<pid>/exe closed
 * in that time; but a container program that is "#!/proc/self/exe" (or a
 * symlink to it) makes the kernel run veil's binary again, as a new,
 * dumpable process of the container, and through its /proc/<pid>/exe a
 * process of the container could open the host's binary for writing.
 *
 * So the commands that start container processes run from a read-only view
 * of the binary, once, at start: a detached read-only bind mount of it
 * (open_tree + mount_setattr, no copy), or else a sealed memfd copy.  A
 * binary already on a read-only mount, or sealed, is used as it is.
 *
 * Running from the view needs no new process image: the process maps its
 * own segments again from the view (the same inode, so the same bytes and
 * the same page cache; the written data segment is copied over) and makes
 * the view its /proc/self/exe (PR_SET_MM_EXE_FILE, which the kernel allows
 * only once no mapping of the old path is left).  The result is the state
 * a re-exec from the view gives, without the cost of an execve and a libc
 * start (0.5 ms of CPU here).  Where that is refused (no CAP_SYS_RESOURCE,
 * as rootless), veil re-executes from the view.
 */
#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <veil/container.h>

#include "util/cleanup.h"

extern char **environ;

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

#define GUARD_ENV "_VEIL_EXE_GUARDED"

/* Whether the binary this process runs from cannot be written through any
 * path to it: its mount is read-only, or it is a sealed memfd. */
static bool exe_is_safe(void)
{
    _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct statvfs sv;
    if (fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY))
        return true;
    int seals = fcntl(fd, F_GET_SEALS);
    return seals >= 0 && (seals & F_SEAL_WRITE);
}

/* A detached read-only bind mount of the binary: no copy, no page cache. */
static int ro_bind_of_exe(void)
{
    int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe",
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd < 0)
        return -1;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                          MOUNT_ATTR_NODEV};
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A sealed in-memory copy, where mounts are not ours to make. */
static int sealed_copy_of_exe(void)
{
    _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (src < 0 || fstat(src, &st) < 0)
        return -1;
    int fd = memfd_create("veil", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) /* before Linux 6.3 */
        fd = memfd_create("veil", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -1;
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = sendfile(fd, src, NULL, (size_t)(st.st_size - done));
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += n;
    }
    if (fcntl(fd, F_ADD_SEALS,
              F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE) <
        0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The main program's load bias and program headers. */
typedef struct self_image {
    uintptr_t bias;
    const ElfW(Phdr) *phdr;
    size_t phnum;
    bool found;
} self_image;

static int first_object(struct dl_phdr_info *info, size_t size, void *data)
{
    self_image *img = data;
    img->bias = info->dlpi_addr;
    img->phdr = info->dlpi_phdr;
    img->phnum = info->dlpi_phnum;
    img->found = true;
    return 1; /* the main program comes first */
}

static int prot_of(ElfW(Word) flags)
{
    return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
           ((flags & PF_X) ? PROT_EXEC : 0);
}

/* Maps the file-backed pages of every loaded segment again from fd.  Pages
 * never written (code, read-only data) are mapped straight from the file;
 * the writable segment (relocated and written data) is copied into a new
 * private mapping of the file first, which then moves in place in one
 * mremap.  Nothing between the copy and the move writes to that segment:
 * this process is single-threaded here and errno lives in the TLS block. */
static int remap_segments(int fd)
{
    self_image img = {0};
    dl_iterate_phdr(first_object, &img);
    uintptr_t page = (uintptr_t)getauxval(AT_PAGESZ);
    if (!img.found || page == 0)
        return -1;
    const ElfW(Phdr) *relro = NULL;
    for (size_t i = 0; i < img.phnum; i++)
        if (img.phdr[i].p_type == PT_GNU_RELRO)
            relro = &img.phdr[i];
    for (size_t i = 0; i < img.phnum; i++) {
        const ElfW(Phdr) *ph = &img.phdr[i];
        if (ph->p_type != PT_LOAD || ph->p_filesz == 0)
            continue;
        uintptr_t start = (img.bias + ph->p_vaddr) & ~(page - 1);
        uintptr_t end = (img.bias + ph->p_vaddr + ph->p_filesz + page - 1) & ~(page - 1);
        off_t off = (off_t)(ph->p_offset & ~(page - 1));
        size_t len = end - start;
        if (!(ph->p_flags & PF_W)) {
            void *p = mmap((void *)start, len, prot_of(ph->p_flags), MAP_PRIVATE | MAP_FIXED, fd,
                           off);
            if (p != (void *)start)
                return -1;
            continue;
        }
        void *copy = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, off);
        if (copy == MAP_FAILED)
            return -1;
        memcpy(copy, (void *)start, len);
        if (mremap(copy, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)start) !=
            (void *)start)
            return -1;
        if (relro) {
            uintptr_t rs = (img.bias + relro->p_vaddr) & ~(page - 1);
            uintptr_t re = (img.bias + relro->p_vaddr + relro->p_memsz) & ~(page - 1);
            if (re > rs && rs >= start && re <= end && mprotect((void *)rs, re - rs, PROT_READ) < 0)
                return -1;
        }
    }
    return 0;
}

/* PR_SET_MM_MAP with the kernel's current values and a new exe_fd: needs
 * CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN in our user namespace (what a
 * container runtime has, rootless included).  PR_SET_MM_EXE_FILE alone
 * needs CAP_SYS_RESOURCE in the initial one. */
static int set_exe_file(int fd)
{
    char buf[1024];
    _cleanup_close_ int st = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    ssize_t n = st >= 0 ? read(st, buf, sizeof(buf) - 1) : -1;
    char *p = n > 0 ? (buf[n] = '\0', strrchr(buf, ')')) : NULL;
    unsigned long long f[52] = {0};
    /* fields 3.. follow the command name; 26-28 and 45-51 are the layout */
    for (int i = 3; p && i <= 51; i++) {
        p = strchr(p, ' ');
        if (p == NULL)
            break;
        f[i] = strtoull(++p, NULL, 10);
    }
    long brk_now = syscall(SYS_brk, 0);
    if (p && f[26] && f[51] && brk_now > 0) {
        struct prctl_mm_map map = {
            .start_code = f[26], .end_code = f[27], .start_stack = f[28],
            .start_data = f[45], .end_data = f[46], .start_brk = f[47],
            .brk = (unsigned long)brk_now,
            .arg_start = f[48], .arg_end = f[49], .env_start = f[50], .env_end = f[51],
            .exe_fd = (uint32_t)fd,
        };
        if (prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&map, sizeof(map), 0) == 0)
            return 0;
    }
    return prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, (unsigned long)fd, 0, 0) < 0 ? -1 : 0;
}

/* Runs this process from the view (tree: the detached mount of the binary)
 * without an execve; 0 when /proc/self/exe is the view. */
static int adopt_view(int tree)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", tree);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    _cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct stat a, b;
    if (fd < 0 || self < 0 || fstat(fd, &a) < 0 || fstat(self, &b) < 0 || a.st_dev != b.st_dev ||
        a.st_ino != b.st_ino)
        return -1;
    if (remap_segments(fd) < 0)
        return -1;
    return set_exe_file(fd);
}

int veil_exe_guard(char **argv, veil_error **err)
{
    if (getenv(GUARD_ENV)) {
        /* re-executed by this function: not passed on to anything we run */
        unsetenv(GUARD_ENV);
        return exe_is_safe() ? 0
                             : veil_error_set(err, 0,
                                              "the binary is still writable after re-executing "
                                              "from a read-only view of it");
    }
    if (exe_is_safe())
        return 0;
    _cleanup_close_ int fd = ro_bind_of_exe();
    if (fd >= 0 && adopt_view(fd) == 0)
        return exe_is_safe() ? 0
                             : veil_error_set(err, 0,
                                              "the binary is still writable after moving to a "
                                              "read-only view of it");
    if (fd < 0)
        fd = sealed_copy_of_exe();
    if (fd < 0)
        return veil_error_set(err, errno, "make a read-only view of the veil binary");
    if (setenv(GUARD_ENV, "1", 1) < 0)
        return veil_error_set(err, errno, "setenv");
    syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
    int e = errno;
    unsetenv(GUARD_ENV);
    return veil_error_set(err, e, "re-execute from a read-only view of the veil binary");
}
