#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Namespaces: new ones differ from the host's, joined ones are the same, user
# namespace id maps, time offsets, hostname/domainname, lo up, pivot_root.
. "$(dirname "$0")/lib.sh"

bundle b sh -c 'for n in pid net mnt ipc uts cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
cfg b 'c["linux"]["namespaces"].append({"type": "cgroup"})'
veil_ok "run with pid, net, mnt, ipc, uts, cgroup namespaces" run --bundle "$T/b" "$(id ns1)"
for n in pid net mnt ipc uts cgroup; do
	inside=$(echo "$out" | awk -v n=$n '$1 == n {print $2}')
	isnt "$inside" "$(readlink /proc/self/ns/$n)" "the $n namespace differs from the host's"
done

# hostname and domainname
cfg b 'c["hostname"] = "box1"; c["domainname"] = "example.org"; c["process"]["args"] = ["sh", "-c", "hostname; cat /proc/sys/kernel/domainname"]'
run_veil run --bundle "$T/b" "$(id uts)"
is "$out" "box1
example.org" "hostname and domainname are set"
isnt "$(hostname)" box1 "the host's hostname is untouched"
cfg b 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"]'
veil_fails "a hostname without a UTS namespace is refused" "UTS namespace" run --bundle "$T/b" "$(id uts2)"

# loopback is up in a new network namespace
bundle n sh -c 'ip link show lo'
run_veil run --bundle "$T/n" "$(id lo)"
has "$out" "UP" "lo is up in the new network namespace"

# the rootfs only: the host root is not reachable after pivot_root
bundle r sh -c 'ls /; ls /proc/1/root/ | wc -l; cat /proc/self/mountinfo | grep -c " / / "'
touch "$T/r/host-only-marker"
run_veil run --bundle "$T/r" "$(id pivot)"
hasnt "$out" "host-only-marker" "files next to the rootfs are not visible"
has "$out" "bin" "/ is the bundle's rootfs"
hasnt "$out" "$(basename "$T")" "the host's /tmp is not visible"
cfg r 'c["process"]["args"] = ["sh", "-c", "grep -c . /proc/self/mountinfo; awk \"\\$5 == \\\"/\\\"\" /proc/self/mountinfo | wc -l"]'
run_veil run --bundle "$T/r" "$(id pivot2)"
is "$(echo "$out" | tail -1)" 1 "exactly one mount at / (the old root is detached)"

# join namespaces by path: a first container's net and ipc namespaces
bundle holder sleep 100
veil_ok "create a namespace holder" run --detach --bundle "$T/holder" "$(id holder)"
hp=$(pid_of "$(id holder)")
bundle j sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts'
cfg j "
for ns in c['linux']['namespaces']:
    if ns['type'] in ('network', 'ipc'):
        ns['path'] = '/proc/$hp/ns/' + ('net' if ns['type'] == 'network' else 'ipc')
"
run_veil run --bundle "$T/j" "$(id join)"
is "$(echo "$out" | sed -n 1p)" "$(readlink /proc/$hp/ns/net)" "a network namespace joined by path is the holder's"
is "$(echo "$out" | sed -n 2p)" "$(readlink /proc/$hp/ns/ipc)" "an ipc namespace joined by path is the holder's"
isnt "$(echo "$out" | sed -n 3p)" "$(readlink /proc/$hp/ns/uts)" "a new uts namespace is still new"
cfg j "
for ns in c['linux']['namespaces']:
    if ns['type'] == 'network':
        ns['path'] = '/proc/$hp/ns/ipc'
"
veil_fails "a namespace path of the wrong type is refused" "is not a network namespace" run --bundle "$T/j" "$(id wrongtype)"
cfg j "
for ns in c['linux']['namespaces']:
    if ns['type'] == 'network':
        ns['path'] = '/proc/999999999/ns/net'
"
veil_fails "a namespace path that does not exist is refused" "No such file or directory" run --bundle "$T/j" "$(id nopath)"
# the pid namespace of the holder, joined: the process is not pid 1 there
cfg j "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network']
for ns in c['linux']['namespaces']:
    if ns['type'] == 'pid':
        ns['path'] = '/proc/$hp/ns/pid'
    if ns['type'] == 'ipc':
        ns.pop('path', None)
c['process']['args'] = ['sh', '-c', 'echo \$\$; readlink /proc/self/ns/pid']
"
run_veil run --bundle "$T/j" "$(id joinpid)"
isnt "$(echo "$out" | sed -n 1p)" 1 "in a joined pid namespace the process is not pid 1"
is "$(readlink /proc/$hp/ns/pid)" "$(readlink /proc/$hp/ns/pid)" "(holder still alive)"
veil_ok "delete the holder" delete --force "$(id holder)"

# user namespace with id maps
bundle u sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /bin/busybox'
chown -R 100000:100000 "$T/u/rootfs"
cfg u '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/sys", "/sys/fs/cgroup")]
'
run_veil run --bundle "$T/u" "$(id userns)"
ok $rc "run with a user namespace" "$err"
has "$out" "0     100000      65536" "the uid map is written"
is "$(echo "$out" | tail -2 | head -1)" 0 "the process is root inside the user namespace"
is "$(echo "$out" | tail -1)" 0 "files owned by host uid 100000 appear as 0"
run_veil run --bundle "$T/u" "$(id userns2)"
run_veil --debug run --bundle "$T/u" "$(id userns3)"

# a new user namespace that owns new namespaces, next to a network namespace
# joined by path (the pod case): init joins first, then creates the rest
bundle holder2 sleep 100
veil_ok "create a network namespace holder" run --detach --bundle "$T/holder2" "$(id holder2)"
hp=$(pid_of "$(id holder2)")
cp "$T/u/config.json" "$T/u/config.json.orig"
cfg u "
for ns in c['linux']['namespaces']:
    if ns['type'] == 'network':
        ns['path'] = '/proc/$hp/ns/net'
c['process']['args'] = ['sh', '-c', 'echo \$\$; readlink /proc/self/ns/net; id -u; cat /proc/self/uid_map']
"
run_veil run --bundle "$T/u" "$(id userns-join)"
ok $rc "new user namespace + network namespace joined by path" "$err"
is "$(echo "$out" | sed -n 1p)" 1 "the process is pid 1 of a new pid namespace"
is "$(echo "$out" | sed -n 2p)" "$(readlink /proc/$hp/ns/net)" "the network namespace is the joined one"
is "$(echo "$out" | sed -n 3p)" 0 "root in the new user namespace"
has "$(echo "$out" | sed -n 4p)" "100000" "the new user namespace has the configured map"
veil_ok "delete the holder" delete --force "$(id holder2)"
cp "$T/u/config.json.orig" "$T/u/config.json"

# time namespace offsets
bundle t sh -c 'cat /proc/uptime'
cfg t 'c["linux"]["namespaces"].append({"type": "time"}); c["linux"]["timeOffsets"] = {"boottime": {"secs": 86400, "nanosecs": 0}, "monotonic": {"secs": 3600}}'
run_veil run --bundle "$T/t" "$(id time)"
ok $rc "run with a time namespace" "$err"
in_up=$(echo "$out" | cut -d. -f1)
host_up=$(cut -d. -f1 /proc/uptime)
[ "$((in_up - host_up))" -ge 86000 ] && [ "$((in_up - host_up))" -le 86800 ]
ok $? "the boottime offset shows in /proc/uptime ($in_up vs $host_up)"

# --no-pivot works (MS_MOVE + chroot)
bundle np sh -c 'ls / | wc -l'
veil_ok "run --no-pivot" run --no-pivot --bundle "$T/np" "$(id nopivot)"

done_testing
