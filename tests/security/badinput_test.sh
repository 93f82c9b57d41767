#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hostile or broken bundles: each must fail with an error that names the
# offending mount or path and the reason, exit non-zero, and leave the host's
# mounts, the state root and the rootfs exactly as they were.
. "$(dirname "$0")/sec_lib.sh"

bundle x true
base=$(cat "$T/x/config.json")
reset() { echo "$base" >"$T/x/config.json"; }
add_mount() { reset; cfg x "c['mounts'].append($1)"; }

add_mount "{'destination': '/newdir', 'type': 'bind', 'source': '/nonexistent/src', 'options': ['bind']}"
hostile x "a bind of a missing source" "mounts[7] (/newdir): open the mount source /nonexistent/src: No such file or directory"
add_mount "{'destination': '/newdir', 'type': 'bind', 'source': 'missing-in-bundle', 'options': ['bind']}"
hostile x "a relative bind source missing in the bundle" "open the mount source $T/x/missing-in-bundle"
add_mount "{'destination': '/proc', 'type': 'tmpfs', 'source': 'tmpfs'}"
hostile x "a tmpfs over /proc" "mounts[7] (/proc): only a proc filesystem can be mounted on /proc, not tmpfs"
add_mount "{'destination': '/proc', 'type': 'bind', 'source': '$HOST', 'options': ['bind']}"
hostile x "a directory bound over /proc" "mounts[7] (/proc): $HOST cannot be bind mounted on /proc because it is not a procfs"
add_mount "{'destination': '/proc/sys/kernel', 'type': 'bind', 'source': '$HOST', 'options': ['bind']}"
hostile x "a bind inside /proc" "mounts[7] (/proc/sys/kernel): cannot be mounted because it is inside /proc"
add_mount "{'destination': '/proc/../proc/self/attr', 'type': 'tmpfs', 'source': 'tmpfs'}"
hostile x "a mount inside /proc spelled with .." "mounts[7] (/proc/../proc/self/attr): cannot be mounted because it is inside /proc"
add_mount "{'destination': '/data', 'source': 'tmpfs'}"
hostile x "a mount without a type" "mounts[7] (/data): type is required for a non-bind mount"
add_mount "{'destination': '', 'type': 'tmpfs', 'source': 'tmpfs'}"
hostile x "an empty destination" "config.json: mounts[7].destination: must not be empty"
add_mount "{'destination': '/data', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['idmap']}"
hostile x "idmap on a tmpfs" "mounts[7] (/data): id-mapped mounts are only supported for bind mounts"
add_mount "{'destination': '/data', 'type': 'bind', 'source': '$HOST', 'options': ['bind'], 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}"
hostile x "idmap with uid but no gid mappings" "config.json: mounts[7]: uidMappings without gidMappings"
add_mount "{'destination': '/data', 'type': 'bind', 'source': '$HOST', 'options': ['bind', 'idmap']}"
hostile x "idmap without mappings or a user namespace" "mounts[7] (/data): idmap requires uidMappings and gidMappings"
add_mount "{'destination': '/data', 'type': 'bind', 'source': '/proc/sys', 'options': ['bind', 'idmap'], 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}], 'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}"
hostile x "idmap of a filesystem that cannot be idmapped" "mounts[7] (/data): idmap the mount of /proc/sys: Invalid argument"
add_mount "{'destination': '/data', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['size=1k', 'nonsense=7']}"
hostile x "a filesystem option the kernel refuses" "mounts[7] (/data): mount tmpfs (tmpfs) on /data: Invalid argument"
add_mount "{'destination': '/data', 'type': 'nosuchfs', 'source': 'x'}"
hostile x "an unknown filesystem type" "mounts[7] (/data): mount x (nosuchfs) on /data: No such device"
mkdir -p "$T/x/lower"
add_mount "{'destination': '/data', 'type': 'overlay', 'source': 'overlay', 'options': ['lowerdir=lower:nope']}"
hostile x "an overlay with a missing layer" "mounts[7] (/data): overlay on /data: option lowerdir+=(layer 2 of 2) $T/x/nope: No such file or directory"
add_mount "{'destination': '/data', 'type': 'overlay', 'source': 'overlay', 'options': ['lowerdir=lower', 'upperdir=up']}"
hostile x "an overlay with upperdir but no workdir" "mounts[7] (/data): overlay upperdir and workdir go together"
add_mount "{'destination': '/data', 'type': 'overlay', 'source': 'overlay', 'options': ['lowerdir=lower', 'upperdir=lower', 'workdir=lower']}"
hostile x "an overlay whose workdir is its upperdir" "mounts[7] (/data): overlay on /data: create the filesystem: Invalid argument"
# a failure after earlier mounts succeeded: nothing of them reaches the host
reset; cfg x "c['mounts'] += [{'destination': '/created/a/b', 'type': 'tmpfs', 'source': 'tmpfs'},
 {'destination': '/created2', 'type': 'bind', 'source': '$HOST', 'options': ['rbind']},
 {'destination': '/var', 'type': 'bind', 'source': '/nonexistent', 'options': ['bind']}]"
hostile x "the third of three mounts fails (the first two on directories veil created)" "mounts[9] (/var): open the mount source /nonexistent"

# devices, paths, sysctls, process
reset; cfg x "c['linux']['devices'] = [{'path': '/dev/x', 'type': 'q', 'major': 1, 'minor': 1}]"
hostile x "a device of an unknown type" "config.json: linux.devices[0].type: unknown device type \"q\""
reset; cfg x "c['linux']['devices'] = [{'path': 'dev/x', 'type': 'c', 'major': 1, 'minor': 1}]"
hostile x "a relative device path" "config.json: linux.devices[0].path: must be an absolute path"
reset; cfg x "c['linux']['devices'] = [{'path': '/dev/x', 'type': 'c'}]"
hostile x "a char device without numbers" "config.json: linux.devices[0].major: required field is missing"
reset; cfg x "c['linux']['maskedPaths'] = ['']"
hostile x "an empty masked path" "config.json: linux.maskedPaths[0]: must be an absolute path"
reset; cfg x "c['linux']['sysctl'] = {'kernel.core_pattern': '|/tmp/evil'}"
hostile x "a host-wide sysctl" "linux.sysctl: \"kernel.core_pattern\" is not in a separate kernel namespace"
reset; cfg x "c['linux']['sysctl'] = {'net.ipv4.nonexistent': '1'}"
hostile x "a sysctl the kernel does not have" "sysctl net.ipv4.nonexistent = 1: open /proc/sys/net/ipv4/nonexistent: No such file or directory"
reset; cfg x "c['linux']['sysctl'] = {'net.ipv4.conf.all.forwarding': 'not-a-number'}"
hostile x "a sysctl value the kernel refuses" "sysctl net.ipv4.conf.all.forwarding = not-a-number: write /proc/sys/net/ipv4/conf/all/forwarding: Invalid argument"
reset; cfg x "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network'] + [{'type': 'network', 'path': '/proc/self/ns/net'}]"
hostile x "a net sysctl in the host's network namespace, joined by path" "linux.sysctl: \"net.ipv4.ip_forward\" is not allowed in the host's network namespace (/proc/self/ns/net)"
reset; cfg x "c['process']['cwd'] = '/proc/self/fd/0'"
hostile x "a cwd that is stdin" "chdir to cwd (\"/proc/self/fd/0\")"
reset; cfg x "c['root']['path'] = 'nonexistent-rootfs'"
hostile x "a missing rootfs" "bind mount the rootfs $T/x/nonexistent-rootfs: No such file or directory"
echo '{"ociVersion": "1.0.2", "process": {' >"$T/x/config.json"
hostile x "a truncated config.json" "config.json"
python3 -c 'import json; print(json.dumps({"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"args": ["x" * 8000] * 2000, "cwd": "/"}}))' >"$T/x/config.json"
hostile x "a 16 MB config.json (parsed, then refused)" "the container needs a mount namespace"
python3 -c 'import json; print(json.dumps({"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"args": ["x"] * 2000000, "cwd": "/"}}))' >"$T/x/config.json"
hostile x "two million values in config.json" "too many values in the document"
reset

done_testing
