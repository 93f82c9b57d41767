#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Bad input: a clear error that names what is wrong, a non-zero exit, and
# nothing left behind (no state, mount, cgroup or process).
. "$(dirname "$0")/lib.sh"

bundle b true
veil_fails "a missing bundle" "No such file or directory" create --bundle "$T/nope" "$(id e1)"
has "$err" "$T/nope" "the error names the bundle path"
mkdir -p "$T/empty"
veil_fails "a bundle without config.json" "config.json" create --bundle "$T/empty" "$(id e2)"
mv "$T/b/rootfs" "$T/b/rootfs.away"
veil_fails "a missing rootfs" "rootfs" create --bundle "$T/b" "$(id e3)"
mv "$T/b/rootfs.away" "$T/b/rootfs"
cp "$T/b/config.json" "$T/b/config.good"
echo '{"ociVersion": "1.0.0", "process": {"cwd": "/", "args": ["true"]}, "root": {"path": "rootfs"}, "linux": {"resources": {"memory": {"limit": "64M"}}}}' >"$T/b/config.json"
veil_fails "a wrong type is named by its JSON path" 'linux.resources.memory.limit: expected an integer, got "64M"' create --bundle "$T/b" "$(id e4)"
printf '{"ociVersion": "1.0.0", "process": ' >"$T/b/config.json"
veil_fails "truncated JSON" "config.json: invalid JSON" create --bundle "$T/b" "$(id e5)"
: >"$T/b/config.json"
veil_fails "an empty config" "config.json" create --bundle "$T/b" "$(id e6)"
cp "$T/b/config.good" "$T/b/config.json"
cfg b 'c["process"]["cwd"] = "relative/dir"'
veil_fails "a relative cwd" "process.cwd" create --bundle "$T/b" "$(id e7)"
cp "$T/b/config.good" "$T/b/config.json"
cfg b 'c["linux"]["namespaces"].append({"type": "pid"})'
veil_fails "a duplicate namespace" "duplicate namespace type" create --bundle "$T/b" "$(id e8)"
cp "$T/b/config.good" "$T/b/config.json"
cfg b 'c["mounts"].append({"destination": "/data", "type": "bind", "source": "/does/not/exist", "options": ["bind"]})'
veil_fails "a bind mount of a missing source names the mount" "/does/not/exist" create --bundle "$T/b" "$(id e9)"
has "$err" "/data" "the error names the mount destination"
cp "$T/b/config.good" "$T/b/config.json"
cfg b 'c["mounts"].append({"destination": "/x", "type": "nosuchfs", "source": "none"})'
veil_fails "an unknown filesystem type" "nosuchfs" create --bundle "$T/b" "$(id e10)"
cp "$T/b/config.good" "$T/b/config.json"
cfg b 'c["process"]["args"] = ["/bin/nope"]'
veil_fails "a missing executable" "No such file or directory" create --bundle "$T/b" "$(id e11)"
cp "$T/b/config.good" "$T/b/config.json"
cfg b 'c["linux"]["resources"] = {"memory": {"limit": 4096}}'
veil_fails "a memory limit too small for init" "memory.limit" create --bundle "$T/b" "$(id e12)"
cp "$T/b/config.good" "$T/b/config.json"
# v1 hierarchies are made while init mounts: a write there that fails still
# fails create and leaves nothing (done_testing looks for cgroups)
cfg b 'c["linux"]["resources"] = {"cpu": {"cpus": "4000-4001"}}'
veil_fails "a cpuset of CPUs the host lacks names the file" "cpuset.cpus" create --bundle "$T/b" "$(id e17)"
has "$err" "4000-4001" "the error names the value"
cp "$T/b/config.good" "$T/b/config.json"
cfg b 'c["ociVersion"] = "2.0.0"'
veil_fails "an ociVersion veil cannot handle" "ociVersion" create --bundle "$T/b" "$(id e13)"
cp "$T/b/config.good" "$T/b/config.json"

cfg b 'c["linux"]["intelRdt"] = {"closID": "c1", "l3CacheSchema": "L3:0=f"}'
veil_fails "intelRdt, which veil cannot apply, fails create" "linux.intelRdt: Intel RDT (resctrl) is not supported" create --bundle "$T/b" "$(id e16)"
cp "$T/b/config.good" "$T/b/config.json"

# unknown command and flags
veil_fails "an unknown command" 'unknown command "frobnicate"' frobnicate
veil_fails "an unknown flag" "flag provided but not defined: -frob" create --frob "$(id e14)"
veil_fails "a missing argument" '"start" requires exactly 1 argument(s)' start
is "$(ls "$ROOT" 2>/dev/null)" "" "no state directory left by any failure"

# --log json gets exactly one error line per failed command (podman reads it whole)
run_veil --log "$T/one.json" --log-format json create --bundle "$T/nope" "$(id e15)"
is "$(wc -l <"$T/one.json")" 1 "one failed command writes one line to the JSON log"

done_testing
