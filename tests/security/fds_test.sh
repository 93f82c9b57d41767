#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# File descriptors and the cwd (CVE-2016-9962, CVE-2024-21626 "Leaky
# Vessels"), and capabilities (CVE-2022-29162 class): nothing of veil's or of
# its caller's crosses into the container but stdio and --preserve-fds; a cwd
# cannot be a host directory; inheritable capabilities only when listed and
# the bounding set is what the config says.
. "$(dirname "$0")/sec_lib.sh"

# ---- only 0,1,2 (+ preserved) reach the container process ---------------------------
bundle f sh -c 'ls /proc/$$/fd | tr "\n" " "'
run_veil run --bundle "$T/f" "$(id f1)" 5</etc/hostname 7<"$T" 9>"$T/x"
is "$out" "0 1 2 " "with fds 5, 7 (a host directory), 9 open in the caller, the container has 0 1 2"
run_veil run --preserve-fds 2 --bundle "$T/f" "$(id f2)" 3</etc/hostname 4<"$T" 9>"$T/x"
is "$out" "0 1 2 3 4 " "--preserve-fds 2 passes 3 and 4, nothing else"
cfg f "c['process']['args'] = ['sh', '-c', 'readlink /proc/\$\$/fd/3']"
run_veil run --preserve-fds 1 --bundle "$T/f" "$(id f3)" 3<"$T/x"
is "$out" "$T/x" "the preserved fd is the caller's file"

# init itself, while created: its fds are the exec fifo only (and nothing of the host state dir)
cfg f "c['process']['args'] = ['true']"
veil_ok "create" create --bundle "$T/f" "$(id f4)" 7<"$T"
p=$(pid_of "$(id f4)")
fds=$(ls /proc/"$p"/fd | tr '\n' ' ')
links=$(for f in /proc/"$p"/fd/*; do readlink "$f"; done | tr '\n' ' ')
is "$(echo "$fds" | wc -w)" 4 "a created init holds 4 fds ($fds: $links)"
hasnt "$links" "$T " "none of them is the caller's directory"
for f in /proc/"$p"/fd/*; do [ -d "$f" ] && echo "$f"; done >"$T/dirfds"
is "$(cat "$T/dirfds")" "" "none of them is a directory (the state directory included)"
is "$(stat -c %u /proc/"$p"/fd)" 0 "init's /proc entries are root's (non-dumpable)"
veil_ok "delete" delete --force "$(id f4)"

# ---- cwd: /proc/self/fd/N must never give a host directory (Leaky Vessels) -----------
cfg f "c['process']['args'] = ['sh', '-c', 'pwd; ls']"
for nfd in 3 4 5 6 7 8; do
	cfg f "c['process']['cwd'] = '/proc/self/fd/$nfd'"
	run_veil run --bundle "$T/f" "$(id "cwd$nfd")" 7<"$T" 8<"$HOST"
	if [ "$rc" = 0 ]; then
		fail "cwd /proc/self/fd/$nfd (host dirs open as 7 and 8) is refused" "it ran in: $out"
	else
		has "$err" "cwd" "cwd /proc/self/fd/$nfd (host dirs open as 7 and 8) is refused ($err)"
	fi
done
cfg f "c['process']['cwd'] = '/proc/self/fd/3'"
run_veil run --preserve-fds 1 --bundle "$T/f" "$(id cwdp)" 3<"$T"
isnt "$rc" 0 "cwd on a deliberately preserved host directory fd is refused"
has "$err" "outside the container root" "... because it is outside the root ($err)"
hasnt "$out" "rootfs" "the container never listed the host directory"
cfg f "c['process']['cwd'] = '/proc/1/cwd/../../..'"
run_veil run --bundle "$T/f" "$(id cwd1)"
case "$out" in /*) pass "cwd /proc/1/cwd/../../.. stays inside the root ($(echo "$out" | head -1))" ;; *) has "$err" cwd "cwd via /proc/1/cwd is refused" ;; esac
hasnt "$out" "veil-itest" "... and shows no host path"

# ---- capabilities ------------------------------------------------------------------
mkdir -p "$T/f/rootfs/opt" && cp "$BUSYBOX" "$T/f/rootfs/opt/grep"	# busybox picks the applet by name
setcap cap_net_raw+ei "$T/f/rootfs/opt/grep"
cfg f "c['process']['cwd'] = '/'
c['process']['noNewPrivileges'] = False
c['process']['user'] = {'uid': 1000, 'gid': 1000}
c['process']['args'] = ['/opt/grep', '^Cap', '/proc/self/status']
caps = ['CAP_KILL', 'CAP_NET_RAW', 'CAP_AUDIT_WRITE']
c['process']['capabilities'] = {'bounding': caps, 'effective': [], 'permitted': [], 'ambient': []}"
run_veil run --bundle "$T/f" "$(id cap1)"
is "$rc" 0 "a non-root process execs a cap_net_raw+ei file" "$err"
has "$out" "CapInh:	0000000000000000" "no inheritable capabilities unless listed"
has "$out" "CapEff:	0000000000000000" "so the file's inheritable cap_net_raw is not gained"
has "$out" "CapBnd:	0000000020002020" "the bounding set is exactly the listed one"
cfg f "c['process']['capabilities']['inheritable'] = ['CAP_NET_RAW']"
run_veil run --bundle "$T/f" "$(id cap2)"
has "$out" "CapEff:	0000000000002000" "control: with CAP_NET_RAW listed as inheritable the file gets it"

done_testing
