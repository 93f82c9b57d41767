#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# linux.seccomp in real containers: errno actions, argument rules, KILL, LOG,
# notify listeners, and the compiled-filter cache under the state root.
. "$(dirname "$0")/lib.sh"
LISTENER=${VEIL_TOOLS:?}/seccomp-listener

bundle b sh -c 'mkdir /tmp/x 2>&1; echo "mkdir=$?"; grep Seccomp: /proc/self/status'
cfg b '
c["root"]["readonly"] = False
c["linux"]["seccomp"] = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}],
}'
run_veil run --bundle "$T/b" "$(id deny)"
has "$out" "Permission denied" "a denied syscall fails with the configured errno (13: EACCES)"
has "$out" "mkdir=1" "the program sees the failure"
has "$out" "Seccomp:	2" "the process runs in seccomp filter mode"

cfg b 'del c["linux"]["seccomp"]["syscalls"][0]["errnoRet"]'
run_veil run --bundle "$T/b" "$(id eperm)"
has "$out" "Operation not permitted" "SCMP_ACT_ERRNO without errnoRet is EPERM"

# argument rules: personality(PER_LINUX32) denied, personality(0xffffffff) (a query) allowed
cfg b '
c["linux"]["seccomp"]["syscalls"] = [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
    "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]
c["process"]["args"] = ["sh", "-c", "setarch linux32 true 2>&1; echo linux32=$?; uname -m; echo done"]'
run_veil run --bundle "$T/b" "$(id args)"
has "$out" "linux32=1" "an argument rule that matches applies its action"
has "$out" "done" "other values of the argument pass"

# masked equality: deny socket(AF_INET6, ...) only
cfg b '
c["linux"]["seccomp"]["syscalls"] = [{"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97,
    "args": [{"index": 0, "value": 10, "valueTwo": 10, "op": "SCMP_CMP_MASKED_EQ"}]}]
c["process"]["args"] = ["sh", "-c", "ping6 -c1 -W1 ::1 2>&1; echo ping6=$?"]'
run_veil run --bundle "$T/b" "$(id masked)"
has "$out" "Address family not supported" "SCMP_CMP_MASKED_EQ matches (AF_INET6 sockets refused)"

# KILL kills, the default action applies to the rest
cfg b '
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["sync"], "action": "SCMP_ACT_KILL_PROCESS"}]}
c["process"]["args"] = ["sh", "-c", "echo before; exec sync"]'
run_veil run --bundle "$T/b" "$(id kill)"
is "$rc" 159 "SCMP_ACT_KILL_PROCESS kills the process with SIGSYS (128+31)"
has "$out" "before" "the process ran until the killed syscall"

# LOG lets the syscall through
cfg b '
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]}
c["process"]["args"] = ["sh", "-c", "mkdir /tmp/logged && echo made"]'
run_veil run --bundle "$T/b" "$(id log)"
has "$out" "made" "SCMP_ACT_LOG allows the syscall"

# a profile that denies what veil itself uses does not break veil's setup
cfg b '
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["getcwd", "mount", "pivot_root", "openat2"], "action": "SCMP_ACT_ERRNO"}]}
c["process"]["args"] = ["sh", "-c", "echo ok-after-setup"]'
run_veil run --bundle "$T/b" "$(id late)"
has "$out" "ok-after-setup" "the filter is loaded after veil's own setup"

# notify: the listener gets the state and the fd, and answers mkdir with 42
sock=$T/agent.sock
"$LISTENER" "$sock" "$T/agent.state" 42 >"$T/agent.out" 2>"$T/agent.err" &
apid=$!
for i in $(seq 100); do grep -q ready "$T/agent.out" 2>/dev/null && break; sleep 0.02; done
cfg b "
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '$sock',
    'listenerMetadata': 'meta-1',
    'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_NOTIFY'}]}
c['process']['args'] = ['sh', '-c', 'mkdir /tmp/n; echo mkdir=\$?']"
run_veil run --bundle "$T/b" "$(id notify)"
ok $rc "a container with SCMP_ACT_NOTIFY runs" "$err"
wait $apid
ok $? "the listener answered" "$(cat "$T/agent.err")"
state=$(cat "$T/agent.state")
has "$state" '"metadata":"meta-1"' "the listener gets listenerMetadata"
has "$state" '"fds":["seccompFd"]' "the listener gets the fd names"
has "$state" "\"id\":\"$(id notify)\"" "the listener gets the container state"
[ -d "$T/b/rootfs/tmp/n" ]
isnt "$?" 0 "the notified mkdir did not run"

# the cache: a second container with the same profile is a cache hit
cfg b '
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"names": ["read", "write", "close", "exit_group", "execve", "mmap", "brk", "openat", "fstat", "newfstatat", "arch_prctl", "set_tid_address", "rt_sigaction", "rt_sigprocmask", "getpid", "getppid", "ioctl", "uname", "getuid", "geteuid", "prlimit64", "access", "mprotect", "munmap", "stat", "lseek", "fcntl", "dup2", "wait4", "clone", "fork", "vfork", "exit", "getcwd", "rseq", "set_robust_list", "poll", "writev", "getrandom", "sigaltstack", "gettid", "lstat", "statx", "readlink"], "action": "SCMP_ACT_ALLOW"}]}
c["process"]["args"] = ["echo", "cached"]'
rm -rf "$ROOT/.cache"
run_veil --debug run --bundle "$T/b" "$(id c1)"
has "$out" "cached" "a default-deny profile runs"
has "$err" "seccomp: compiled" "the first container compiles the profile"
run_veil --debug run --bundle "$T/b" "$(id c2)"
has "$err" "seccomp: cache hit" "the second container takes it from the cache"
entry=$(find "$ROOT/.cache/seccomp" -type f | head -1)
truncate -s 100 "$entry"
run_veil --debug run --bundle "$T/b" "$(id c3)"
has "$out" "cached" "a truncated cache entry does not break the container"
has "$err" "seccomp: compiled" "a truncated cache entry is recompiled"
run_veil --debug run --bundle "$T/b" "$(id c4)"
has "$err" "seccomp: cache hit" "and rewritten"
rm -rf "$ROOT/.cache"

done_testing
