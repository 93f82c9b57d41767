#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Writes to /proc go through a verified procfs (CVE-2019-16884,
# CVE-2019-19921, CVE-2025-52881), and masking uses a verified /dev/null
# (CVE-2025-31133).  The attacker here is a createContainer hook: it runs in
# the container's mount namespace after veil mounted /proc and before the
# sysctls and masks are applied, which is exactly the window a racing shared
# mount or a second container would use.
. "$(dirname "$0")/sec_lib.sh"

R() { echo "$T/$1/rootfs"; }
hook() { # NAME SCRIPT: a createContainer hook running SCRIPT with sh
	cfg "$1" "c.setdefault('hooks', {})['createContainer'] = [{'path': '/bin/sh', 'args': ['sh', '-c', '''$2''']}]"
}

bundle h sh -c 'cat /proc/sys/net/ipv4/ip_forward'
cfg h "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}"
run_veil run --bundle "$T/h" "$(id h0)"
is "$out" 1 "control: the sysctl is written when nothing interferes" "$err"

echo 0 >"$T/fake"
hook h "mount --bind $T/fake $(R h)/proc/sys/net/ipv4/ip_forward"
run_veil run --bundle "$T/h" "$(id h1)"
isnt "$rc" 0 "a file bound over /proc/sys/net/ipv4/ip_forward: the sysctl write is refused"
has "$err" "/proc/sys/net/ipv4/ip_forward: something is mounted over the path" "... saying why ($err)"
is "$(cat "$T/fake")" 0 "... and the write did not land in the file bound there"

mkdir -p "$T/fakeproc/sys/net/ipv4" && echo 0 >"$T/fakeproc/sys/net/ipv4/ip_forward"
hook h "mount --bind $T/fakeproc $(R h)/proc"
run_veil run --bundle "$T/h" "$(id h2)"
has "$err" "sysctl: /proc is not a procfs" "a directory bound over the whole /proc is refused ($err)"
is "$(cat "$T/fakeproc/sys/net/ipv4/ip_forward")" 0 "... nothing was written to it"

hook h "mount --bind $(R h)/proc/sys $(R h)/proc"
run_veil run --bundle "$T/h" "$(id h3)"
has "$err" "/proc is not the root of a procfs mount" "a procfs subdirectory bound over /proc is refused ($err)"

hook h "mount -t tmpfs tmpfs $(R h)/proc/sys/net"
run_veil run --bundle "$T/h" "$(id h4)"
has "$err" "something is mounted over the path" "a tmpfs over /proc/sys/net is refused ($err)"

# masking: /dev/null swapped after veil made it
core=$(cat /proc/sys/kernel/core_pattern)
bundle n true
hook n "rm $(R n)/dev/null && ln -s /proc/sys/kernel/core_pattern $(R n)/dev/null"
hostile n "/dev/null swapped for a symlink to core_pattern before masking" "/dev/null in the container is not the null device (1:3)"
is "$(cat /proc/sys/kernel/core_pattern)" "$core" "core_pattern is untouched"
hook n "rm $(R n)/dev/null && mknod $(R n)/dev/null c 1 5"
hostile n "/dev/null swapped for /dev/zero's node before masking" "/dev/null in the container is not the null device (1:3)"
hook n "rm $(R n)/dev/null && touch $(R n)/dev/null"
hostile n "/dev/null swapped for a regular file before masking" "/dev/null in the container is not the null device (1:3)"

# the allow-list: lxcfs-style binds over a few /proc files are fine
bundle s true
cfg s "c['mounts'].insert(1, {'destination': '/proc/cpuinfo', 'type': 'bind', 'source': '/proc/cpuinfo', 'options': ['bind']})"
run_veil run --bundle "$T/s" "$(id s0)"
is "$rc" 0 "control: an allow-listed bind over /proc/cpuinfo works" "$err"

done_testing
