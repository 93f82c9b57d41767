#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/compare.sh: veil next to crun and runc on this machine, side by side
# in one run (see bench/README.md).  Root; leaves nothing behind.
#
#   bench/compare.sh [options]
#     --veil PATH        the veil binary (default: build/cmd/veil/veil, then $PATH)
#     --runtimes "A B"   others to compare (default: "crun runc", those installed)
#     --variants "V..."  plain seccomp cgroup (default: all three; "none": no lifecycles)
#     --n N              lifecycles per runtime, mode and variant (default 100)
#     --rounds R         interleaved rounds (default 5)
#     --k K              parallel workers (default 4)
#     --exec-n N         execs per runtime (default 200)
#     --list-n N         containers for the list test (default 1000)
#     --scale-n N        running containers for the create-at-scale test (default 500)
#     --scale-all        run the list and scale tests for every runtime (default: veil only)
#     --no-exec --no-parallel --no-scale   skip those parts
#     --no-hybrid-fix    see README.md, "cgroup v1/hybrid hosts and crun"
#     --disk             state roots and bundles in a directory of /tmp's file system
#                        (default: on a tmpfs of their own, as /run usually is; README.md)
#     --smoke            a few lifecycles of veil alone: checks the script works
#     --keep DIR         keep bundles and raw samples in DIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
VEIL="" RUNTIMES="crun runc" VARIANTS="plain seccomp cgroup" N=100 ROUNDS=5 K=4
EXEC_N=200 LIST_N=1000 SCALE_N=500 SCALE_ALL=0 DO_EXEC=1 DO_PAR=1 DO_SCALE=1
HYBRID_FIX=1 SMOKE=0 KEEP="" IN_NS=0 DISK=0
ARGS=("$@")
while [ $# -gt 0 ]; do
	case "$1" in
	--veil) VEIL=$2; shift ;;
	--runtimes) RUNTIMES=$2; shift ;;
	--variants) VARIANTS=$2; shift ;;
	--n) N=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--k) K=$2; shift ;;
	--exec-n) EXEC_N=$2; shift ;;
	--list-n) LIST_N=$2; shift ;;
	--scale-n) SCALE_N=$2; shift ;;
	--scale-all) SCALE_ALL=1 ;;
	--no-exec) DO_EXEC=0 ;;
	--no-parallel) DO_PAR=0 ;;
	--no-scale) DO_SCALE=0 ;;
	--no-hybrid-fix) HYBRID_FIX=0 ;;
	--disk) DISK=1 ;;
	--smoke) SMOKE=1 ;;
	--keep) KEEP=$2; shift ;;
	--in-ns) IN_NS=1 ;;
	-h | --help) sed -n '3,25p' "$0"; exit 0 ;;
	*) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
note() { echo "compare.sh: $*" >&2; }
die() { note "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"

[ "$VARIANTS" = none ] && VARIANTS=""
if [ "$SMOKE" = 1 ]; then
	RUNTIMES="" VARIANTS="plain" N=4 ROUNDS=2 K=2 EXEC_N=3 LIST_N=20 SCALE_N=10
fi
if [ -z "$VEIL" ]; then
	if [ -x "$SRC/build/cmd/veil/veil" ]; then VEIL=$SRC/build/cmd/veil/veil; else VEIL=$(command -v veil || true); fi
fi
[ -n "$VEIL" ] && [ -x "$VEIL" ] || die "no veil binary (build it, or pass --veil)"
VEIL=$(readlink -f "$VEIL")

# ---- cgroup v1/hybrid hosts and crun ------------------------------------------
# crun 1.8 refuses to run anything when the cgroup2 tree of a hybrid host has
# controllers ("cgroups in hybrid mode not supported").  So that every runtime
# can run the same containers, the whole comparison then runs in a private
# mount namespace where an empty file hides that cgroup.controllers.  The
# host is untouched; veil and runc behave the same with or without it.
CTRLS=/sys/fs/cgroup/unified/cgroup.controllers
HYBRID_NOTE="" FS_NOTE=""
NEED_FIX=0
if [ "$HYBRID_FIX" = 1 ] && grep -q . "$CTRLS" 2>/dev/null && [[ " $RUNTIMES " == *" crun "* ]]; then
	NEED_FIX=1
fi
# ---- where the state lives ------------------------------------------------------
# Every runtime writes a few files per container into its state root.  On a
# disk file system the cost of that can depend on the file system more than
# on the runtime: ext4 without a journal, for one, skips every inode freed in
# the last minutes when it allocates a new one, so each new file costs more
# the more containers were deleted recently (README.md).  By default the
# temporary directory (bundles and state roots) is a tmpfs of its own, as
# /run usually is, mounted in the private mount namespace; --disk keeps it
# on /tmp's file system.
if [ "$IN_NS" = 0 ] && { [ "$NEED_FIX" = 1 ] || [ "$DISK" = 0 ]; }; then
	command -v unshare >/dev/null || die "a private mount namespace needs unshare (util-linux); or --disk --no-hybrid-fix"
	exec unshare --mount --propagation private -- "$BASH" "$0" "${ARGS[@]}" --in-ns
fi

T=$(mktemp -d /tmp/veil-compare.XXXXXX)
if [ "$IN_NS" = 1 ] && [ "$DISK" = 0 ]; then
	mount -t tmpfs -o mode=0700 veil-compare "$T"
	FS_NOTE="state roots and bundles on a tmpfs (--disk: on /tmp's $(stat -f -c %T /tmp) file system)"
elif [ "$DISK" = 1 ]; then
	FS_NOTE="state roots and bundles on /tmp ($(stat -f -c %T /tmp))"
fi
if [ "$IN_NS" = 1 ] && [ "$NEED_FIX" = 1 ]; then
	: >"$T/empty"
	mount --bind "$T/empty" "$CTRLS"
	HYBRID_NOTE="hybrid cgroup host: cgroup.controllers of the cgroup2 tree hidden in a private mount namespace (crun needs it)"
fi
declare -A RT       # name -> binary
declare -A ROOTS    # name -> state root
NAMES=(veil)
RT[veil]=$VEIL
for r in $RUNTIMES; do
	b=$(command -v "$r" || true)
	if [ -z "$b" ]; then note "$r is not installed: left out"; continue; fi
	NAMES+=("$r")
	RT[$r]=$b
done
for n in "${NAMES[@]}"; do ROOTS[$n]=$T/root-$n; mkdir -p "${ROOTS[$n]}"; done

cleanup() {
	set +e
	for n in "${NAMES[@]}"; do
		for id in $("${RT[$n]}" --root "${ROOTS[$n]}" list -q 2>/dev/null); do
			"${RT[$n]}" --root "${ROOTS[$n]}" delete --force "$id" >/dev/null 2>&1
		done
	done
	for d in /sys/fs/cgroup/*/vcmp-$$ /sys/fs/cgroup/vcmp-$$; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	[ -n "$HYBRID_NOTE" ] && umount "$CTRLS" 2>/dev/null
	if [ -n "$KEEP" ]; then mkdir -p "$KEEP" && cp -r "$T"/. "$KEEP"/; fi
	rm -rf "$T"/* 2>/dev/null
	mountpoint -q "$T" && umount "$T"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -o "$T/driver" "$HERE/driver.c" || die "cannot compile bench/driver.c (needs a C compiler)"
DRIVER=$T/driver

# ---- bundles ---------------------------------------------------------------------
bb=""
for c in /bin/busybox /usr/bin/busybox; do
	if [ -x "$c" ] && ! ldd "$c" >/dev/null 2>&1; then bb=$c; break; fi
done
[ -n "$bb" ] || die "a static busybox is needed (apt-get install busybox-static)"
command -v jq >/dev/null || die "jq is needed"
R=$T/rootfs
mkdir -p "$R"/{bin,proc,sys,dev,tmp,etc,root}
chmod 1777 "$R/tmp"
cp "$bb" "$R/bin/busybox"
for a in $("$bb" --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"
echo 'root:x:0:' >"$R/etc/group"
(cd "$T" && "$VEIL" spec && mv config.json spec.json)

# A Docker-like default profile: errno for everything but ~280 syscalls,
# argument filters for personality, clone and socket, clone3 refused with
# ENOSYS so that libcs fall back to clone.
ALLOW="accept accept4 access alarm arch_prctl bind brk capget capset chdir chmod chown chroot
clock_getres clock_gettime clock_nanosleep close close_range connect copy_file_range creat dup dup2
dup3 epoll_create epoll_create1 epoll_ctl epoll_pwait epoll_pwait2 epoll_wait eventfd eventfd2 execve
execveat exit exit_group faccessat faccessat2 fadvise64 fallocate fanotify_mark fchdir fchmod fchmodat
fchown fchownat fcntl fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat fstatfs
fsync ftruncate futex futimesat get_robust_list getcpu getcwd getdents getdents64 getegid geteuid
getgid getgroups getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid
getresuid getrlimit getrusage getsid getsockname getsockopt gettid gettimeofday getuid getxattr
inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel io_destroy io_getevents
io_pgetevents io_setup io_submit io_uring_enter io_uring_register io_uring_setup ioctl ioprio_get
ioprio_set kill lchown lgetxattr link linkat listen listxattr llistxattr lremovexattr lseek lsetxattr
lstat madvise membarrier memfd_create mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap
modify_ldt mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedsend mq_unlink mremap
msgctl msgget msgrcv msgsnd msync munlock munlockall munmap nanosleep newfstatat open openat openat2
pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll prctl
pread64 preadv preadv2 prlimit64 pselect6 pwrite64 pwritev pwritev2 read readahead readlink readlinkat
readv recvfrom recvmmsg recvmsg remap_file_pages removexattr rename renameat renameat2 restart_syscall
rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend
rt_sigtimedwait rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min sched_getaffinity
sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval sched_setaffinity sched_setattr
sched_setparam sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop sendfile
sendmmsg sendmsg sendto set_robust_list set_tid_address setdomainname setfsgid setfsuid setgid
setgroups sethostname setitimer setpgid setpriority setregid setresgid setresuid setreuid setrlimit
setsid setsockopt setuid setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4
socketpair splice stat statfs statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill
time timer_create timer_delete timer_getoverrun timer_gettime timer_settime timerfd_create
timerfd_gettime timerfd_settime times tkill truncate umask uname unlink unlinkat utime utimensat
utimes vfork vmsplice wait4 waitid write writev"
# shellcheck disable=SC2086
jq -n --arg names "$(echo $ALLOW)" '{
  defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
  architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  syscalls: [
    {names: ($names | split(" ")), action: "SCMP_ACT_ALLOW"},
    {names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{index: 0, value: 0, op: "SCMP_CMP_EQ"}]},
    {names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{index: 0, value: 8, op: "SCMP_CMP_EQ"}]},
    {names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{index: 0, value: 4294967295, op: "SCMP_CMP_EQ"}]},
    {names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ"}]},
    {names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38},
    {names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{index: 0, value: 40, op: "SCMP_CMP_NE"}]}
  ]}' >"$T/seccomp.json"

# make_bundle DIR VARIANT [CGROUP-PATH] [ARGS-JSON]: the `veil spec` defaults
# (capabilities, masked and read-only paths, read-only root...) running
# /bin/true, without the /sys/fs/cgroup mount (an expensive and not
# comparable mount on cgroup v1), ociVersion 1.0.2 for older runtimes.
make_bundle() {
	local dir=$1 variant=$2 cgpath=${3:-} args=${4:-'["/bin/true"]'}
	mkdir -p "$dir"
	jq --arg root "$R" --argjson args "$args" --arg v "$variant" --arg cg "$cgpath" \
		--slurpfile sc "$T/seccomp.json" '
		.ociVersion = "1.0.2" | .root = {path: $root, readonly: true}
		| .process.terminal = false | .process.args = $args
		| .mounts |= map(select(.destination != "/sys/fs/cgroup"))
		| if $v == "seccomp" then .linux.seccomp = $sc[0] else . end
		| if $v == "cgroup" then .linux.cgroupsPath = $cg
		  | .linux.resources.memory = {limit: 268435456} | .linux.resources.pids = {limit: 128}
		  else . end' "$T/spec.json" >"$dir/config.json"
}

for v in $VARIANTS; do
	for n in "${NAMES[@]}"; do
		make_bundle "$T/b-$v-$n" "$v" "/vcmp-$$/$n"
		for w in $(seq 0 $((K - 1))); do
			make_bundle "$T/b-$v-$n-par$w" "$v" "/vcmp-$$/$n-w$w"
		done
	done
done
make_bundle "$T/b-sleep" plain "" '["sleep", "1000000"]'
make_bundle "$T/b-scale" plain ""

# ---- measuring ---------------------------------------------------------------------
median() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.2f", a[int((NR+1)/2)]/1000; else printf "-"}'; }
maxcol() { awk -v c="$1" 'BEGIN {m=0} $c > m {m=$c} END {print m}'; }
SAMPLES=$T/samples
mkdir -p "$SAMPLES"

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
note "veil: $VEIL ($("$VEIL" --version | head -1))"
for n in "${NAMES[@]:1}"; do note "$n: ${RT[$n]} ($("${RT[$n]}" --version | head -1))"; done
[ -n "$HYBRID_NOTE" ] && note "$HYBRID_NOTE"
[ -n "$FS_NOTE" ] && note "$FS_NOTE"
LOAD_BEFORE=$(load_avg)

per_round=$(((N + ROUNDS - 1) / ROUNDS))
for v in $VARIANTS; do
	# warm-up, then R rounds, the runtime order reversed every other round
	for n in "${NAMES[@]}"; do
		for m in run cs; do
			"$DRIVER" "$m" "${RT[$n]}" "${ROOTS[$n]}" "$T/b-$v-$n" "w$$" 2 >/dev/null ||
				die "$n cannot run the $v bundle ($m); rerun with --keep DIR and look at the bundle"
		done
	done
	for r in $(seq "$ROUNDS"); do
		order=("${NAMES[@]}")
		if [ $((r % 2)) = 0 ]; then mapfile -t order < <(printf '%s\n' "${NAMES[@]}" | tac); fi
		note "$v: round $r/$ROUNDS (load $(load_avg))"
		for n in "${order[@]}"; do
			for m in run cs; do
				"$DRIVER" "$m" "${RT[$n]}" "${ROOTS[$n]}" "$T/b-$v-$n" "r$r$m" "$per_round" \
					>>"$SAMPLES/$v-$n-$m"
			done
		done
	done
	if [ "$DO_PAR" = 1 ]; then
		for r in 1 2 3; do
			for n in "${NAMES[@]}"; do
				"$DRIVER" parallel "${RT[$n]}" "${ROOTS[$n]}" "$T/b-$v-$n-par%d" "p$r" \
					"$((per_round * K))" "$K" >>"$SAMPLES/$v-$n-par"
			done
		done
	fi
done

if [ "$DO_EXEC" = 1 ]; then
	for n in "${NAMES[@]}"; do
		"${RT[$n]}" --root "${ROOTS[$n]}" run -d --bundle "$T/b-sleep" "exec-$n" </dev/null >/dev/null 2>&1 ||
			{ note "$n cannot run a detached container: no exec figures"; continue; }
		"$DRIVER" exec "${RT[$n]}" "${ROOTS[$n]}" "exec-$n" 5 >/dev/null
		"$DRIVER" exec "${RT[$n]}" "${ROOTS[$n]}" "exec-$n" "$EXEC_N" >"$SAMPLES/exec-$n"
		"${RT[$n]}" --root "${ROOTS[$n]}" delete --force "exec-$n" >/dev/null 2>&1
	done
fi

if [ "$DO_SCALE" = 1 ]; then
	scale_names=(veil)
	[ "$SCALE_ALL" = 1 ] && scale_names=("${NAMES[@]}")
	for n in "${scale_names[@]}"; do
		rt=${RT[$n]} root=$T/scale-$n
		# create latency with no container, then with SCALE_N running ones,
		# then with none again (after they are gone): the two empty-host
		# series bracket the loaded one, so a drift of the machine over the
		# test is not read as growth with the number of containers.  Each
		# series comes after a pause, so that the kernel's deferred work of
		# what came before (cgroups being freed, network namespaces torn
		# down) is not measured as part of it.
		settle=$([ "$SMOKE" = 1 ] && echo 0 || echo 10)
		sleep "$settle"
		"$DRIVER" create "$rt" "$root" "$T/b-scale" "c0" 60 >"$SAMPLES/scale0-$n"
		for i in $(seq "$SCALE_N"); do
			"$rt" --root "$root" run -d --bundle "$T/b-sleep" "bg$i" </dev/null >/dev/null 2>&1 ||
				die "$n: background container $i failed"
		done
		sleep "$settle"
		"$DRIVER" create "$rt" "$root" "$T/b-scale" "c1" 60 >"$SAMPLES/scale1-$n"
		# list with LIST_N containers (the running ones, topped up with created ones)
		for i in $(seq $((SCALE_N + 1)) "$LIST_N"); do
			"$rt" --root "$root" create --bundle "$T/b-scale" "bg$i" </dev/null >/dev/null 2>&1 ||
				die "$n: container $i for the list test failed"
		done
		"$DRIVER" list "$rt" "$root" 20 >"$SAMPLES/list-$n"
		note "$n: removing $LIST_N containers, then the empty-host series again"
		for id in $("$rt" --root "$root" list -q); do "$rt" --root "$root" delete --force "$id" >/dev/null 2>&1; done
		sleep "$settle"
		"$DRIVER" create "$rt" "$root" "$T/b-scale" "c2" 60 >>"$SAMPLES/scale0-$n"
	done
fi
LOAD_AFTER=$(load_avg)

# ---- report ------------------------------------------------------------------------
REF=""
[[ " ${NAMES[*]} " == *" crun "* ]] && REF=crun
ratio() { # value ref
	if [ -z "$2" ] || [ "$2" = - ] || [ "$1" = - ]; then printf -- "-"; else awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; fi
}
echo "== veil compare: $(uname -sr), $(nproc) CPUs, load before $LOAD_BEFORE, after $LOAD_AFTER"
[ -n "$HYBRID_NOTE" ] && echo "note: $HYBRID_NOTE"
[ -n "$FS_NOTE" ] && echo "note: $FS_NOTE"
echo "medians over $N lifecycles per runtime, mode and variant; ratios are to ${REF:-(no crun: none)}"
for v in $VARIANTS; do
	echo
	echo "[$v]         run wall  cpu ms | c/s/d wall  cpu ms | x$REF run wall cpu | c/s/d wall cpu | par c/s  x | peak RSS KiB"
	for n in "${NAMES[@]}"; do
		for m in run cs; do
			eval "${m}_w=\$(awk '{print \$2}' \"$SAMPLES/$v-$n-$m\" | median)"
			eval "${m}_c=\$(awk '{print \$3}' \"$SAMPLES/$v-$n-$m\" | median)"
			if [ -n "$REF" ]; then
				eval "${m}_rw=\$(awk '{print \$2}' \"$SAMPLES/$v-$REF-$m\" | median)"
				eval "${m}_rc=\$(awk '{print \$3}' \"$SAMPLES/$v-$REF-$m\" | median)"
			fi
		done
		rss=$(cat "$SAMPLES/$v-$n-run" "$SAMPLES/$v-$n-cs" | maxcol 4)
		par=- parx=-
		if [ -f "$SAMPLES/$v-$n-par" ]; then
			par=$(awk '{t += $6 / ($2 / 1e6)} END {printf "%.1f", t / NR}' "$SAMPLES/$v-$n-par")
			if [ -n "$REF" ]; then
				rpar=$(awk '{t += $6 / ($2 / 1e6)} END {printf "%.1f", t / NR}' "$SAMPLES/$v-$REF-par")
				parx=$(ratio "$par" "$rpar")
			fi
		fi
		# shellcheck disable=SC2154
		printf "%-10s %9s %7s | %10s %7s | %8s %8s | %10s %4s | %6s %5s | %s\n" "$n" "$run_w" "$run_c" \
			"$cs_w" "$cs_c" "$(ratio "$run_w" "${run_rw:-}")" "$(ratio "$run_c" "${run_rc:-}")" \
			"$(ratio "$cs_w" "${cs_rw:-}")" "$(ratio "$cs_c" "${cs_rc:-}")" "$par" "$parx" "$rss"
	done
done
if [ "$DO_EXEC" = 1 ]; then
	echo
	echo "[exec true]  wall ms  cpu ms  x$REF wall cpu  peak RSS KiB"
	for n in "${NAMES[@]}"; do
		[ -f "$SAMPLES/exec-$n" ] || continue
		w=$(awk '{print $2}' "$SAMPLES/exec-$n" | median)
		c=$(awk '{print $3}' "$SAMPLES/exec-$n" | median)
		rw=- rc=-
		if [ -n "$REF" ] && [ -f "$SAMPLES/exec-$REF" ]; then
			rw=$(awk '{print $2}' "$SAMPLES/exec-$REF" | median)
			rc=$(awk '{print $3}' "$SAMPLES/exec-$REF" | median)
		fi
		printf "%-10s %8s %7s %9s %4s  %s\n" "$n" "$w" "$c" "$(ratio "$w" "$rw")" "$(ratio "$c" "$rc")" \
			"$(maxcol 4 <"$SAMPLES/exec-$n")"
	done
fi
if [ "$DO_SCALE" = 1 ]; then
	echo
	echo "[scale]      create ms (0 running, before+after)  create ms ($SCALE_N running)  ratio  list of $LIST_N ms"
	for n in "${scale_names[@]}"; do
		c0=$(awk '{print $2}' "$SAMPLES/scale0-$n" | median)
		c1=$(awk '{print $2}' "$SAMPLES/scale1-$n" | median)
		l=$(awk '{print $2}' "$SAMPLES/list-$n" | median)
		printf "%-10s %35s %25s %6s %16s\n" "$n" "$c0" "$c1" "$(ratio "$c1" "$c0")" "$l"
	done
fi
