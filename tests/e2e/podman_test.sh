#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# veil as the runtime of podman (through conmon): private storage and run
# directories under $T, cgroupfs manager, no network, a containers.conf made
# from contrib/podman/veil.conf, on a busybox image built here.
#
# veil runs with its default --root (/run/veil), as under a real podman:
# podman calls `veil state` without its runtime flags, so a private root would
# not be seen.  The test checks that none of its containers is left there.
. "$(dirname "$0")/lib.sh"
need podman conmon

PM=$T/pm
CG_PARENT=$ID_PREFIX-pm # cgroup parent of the containers (and conmon)
ROOT=$PM/unused         # done_testing's state check: see the note above
mkdir -p "$PM" "$ROOT"
export CONTAINERS_CONF=$PM/containers.conf CONTAINERS_STORAGE_CONF=$PM/storage.conf
export CONTAINERS_REGISTRIES_CONF=$PM/registries.conf

has_cmd() { "$VEIL" "$1" --help >/dev/null 2>&1; }
# every engine call has a time limit: a hung call must not outlive ctest's
CALL_LIMIT=120
pm() { timeout --foreground "$CALL_LIMIT" podman --root "$PM/graph" --runroot "$PM/run" --cgroup-manager cgroupfs "$@"; }
# pmrun [RUN OPTIONS...]: podman run with no network, in our cgroup parent
pmrun() { pm run --network none --cgroup-parent "/$CG_PARENT" "$@"; }
pm_state() { pm inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }

# containers.conf: the contrib snippet (veil's path put in) plus this test's
# private directories.  The nofile/nproc defaults keep podman from asking
# for limits above the host's hard ones, which needs CAP_SYS_RESOURCE (runc
# and crun fail the same way without it).
python3 - "$SRC_DIR/contrib/podman/veil.conf" "$VEIL" "$PM" >"$PM/containers.conf" <<'EOF' ||
import sys, tomllib
snippet, veil, pm = sys.argv[1:4]
with open(snippet, "rb") as f:
    conf = tomllib.load(f)
conf["engine"]["runtimes"]["veil"] = [veil]
conf.setdefault("containers", {}).update({
    "default_ulimits": ["nofile=1024:1024", "nproc=4096:4096"],
    "log_driver": "k8s-file",
})
conf["engine"].update({
    "cgroup_manager": "cgroupfs",
    "events_logger": "file",
    "events_logfile_path": pm + "/events.log",
    "tmp_dir": pm + "/tmp",
    "volume_path": pm + "/volumes",
    "static_dir": pm + "/static",
})
conf["network"] = {"network_config_dir": pm + "/net"}

def value(v):
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

def table(name, d):
    print("[%s]" % name)
    for k, v in d.items():
        if not isinstance(v, dict):
            print("%s = %s" % (k, value(v)))
    for k, v in d.items():
        if isinstance(v, dict):
            table(name + "." + k, v)

for name, d in conf.items():
    table(name, d)
EOF
	{ echo "Bail out! cannot write containers.conf"; exit 1; }
printf '[storage]\ndriver = "overlay"\ngraphroot = "%s"\nrunroot = "%s"\n' "$PM/graph" "$PM/run" >"$PM/storage.conf"
: >"$PM/registries.conf"

# every container id podman created in this test (from its events log)
pm_ids() {
	python3 -c '
import json, sys
ids = set()
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("Type") == "container" and e.get("ID"):
        ids.add(e["ID"])
print("\n".join(sorted(ids)))' "$PM/events.log" 2>/dev/null
}

pm_stop() {
	pm rm -af -t 0 >/dev/null 2>&1
	pm rmi -af >/dev/null 2>&1
	# conmon of this test's containers, should one outlive them
	# shellcheck disable=SC2046
	kill_pids $(pgrep -f -- "conmon .*$PM/" 2>/dev/null)
	local id left=""
	for id in $(pm_ids); do
		[ -e "/run/veil/$id" ] && left="$left $id" && "$VEIL" delete --force "$id" >/dev/null 2>&1
	done
	is "$left" "" "no state of this test's containers left in veil's default root"
	cgroup_parent_check "$CG_PARENT"
}
at_teardown pm_stop

diag "$(podman --version); $(conmon --version | head -1)"
capture pm info --format '{{.Host.OCIRuntime.Name}}|{{.Host.OCIRuntime.Path}}|{{.Host.OCIRuntime.Version}}'
is "${out%%|*}" veil "podman info: the default runtime is veil (contrib/podman/veil.conf)"
has "$out" "|$VEIL|" "podman info: veil's path from [engine.runtimes]"
has "$out" "veil version" "podman info shows veil --version"

# ---- image ---------------------------------------------------------------------------
e2e_image
capture pm load -i "$IMAGE_TAR"
ok $rc "podman load of the locally built OCI archive" "$err"
has "$out" "$IMAGE" "the image has its name"

# ---- stdout, stderr, exit codes -----------------------------------------------------------
capture pmrun --rm "$IMAGE" sh -c 'echo hello; echo oops >&2; exit 5'
is "$rc" 5 "podman run --rm: the exit code of the container"
is "$out" hello "podman run: stdout is captured"
has "$err" oops "podman run: stderr is captured"
capture pmrun --rm "$IMAGE" true
is "$rc" 0 "podman run: exit 0"

# ---- env, cwd, user, read-only rootfs, volumes ------------------------------------------------
mkdir -p "$T/vol"
echo from-host >"$T/vol/in"
chmod 777 "$T/vol"
capture pmrun --rm -e FOO=bar -w /tmp --user 1000:1000 --group-add 2000 --read-only \
	-v "$T/vol:/data" -v "$T/vol:/ro:ro" "$IMAGE" \
	sh -c 'echo "FOO=$FOO"; pwd; id; cat /data/in; echo from-pm >/data/out;
		touch /x 2>&1; touch /ro/y 2>&1; touch /tmp/ok && echo tmp-writable; exit 0'
is "$rc" 0 "podman run with env, cwd, user, read-only rootfs and volumes"
has "$out" "FOO=bar" "env reaches the process"
has "$out" "$(printf 'FOO=bar\n/tmp')" "cwd is the one asked for"
has "$out" "uid=1000(user) gid=1000(user)" "--user 1000:1000"
has "$out" "2000(extra)" "--group-add 2000: an additional group"
has "$out" from-host "a volume shows the host's file"
is "$(cat "$T/vol/out" 2>/dev/null)" from-pm "a write into a rw volume reaches the host"
is "$(stat -c %u "$T/vol/out" 2>/dev/null)" 1000 "... as the container's user"
has "$out" "touch: /x: Read-only file system" "--read-only: the rootfs is read-only"
has "$out" "touch: /ro/y: Read-only file system" "a :ro volume is read-only"
has "$out" tmp-writable "--read-only keeps a writable /tmp (podman's tmpfs)"

# ---- extra fds (conmon passes --preserve-fds) ---------------------------------------------------
out=$(pmrun --rm --preserve-fds 1 "$IMAGE" sh -c 'cat <&3' 3<"$T/vol/in" 2>"$T/.err")
is "$out" from-host "podman run --preserve-fds 1: fd 3 reaches the container (veil create --preserve-fds)" "$(cat "$T/.err")"

# ---- memory and pids limits ----------------------------------------------------------------
capture pmrun --rm -m 32m --pids-limit 20 "$IMAGE" sh -c '
	cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
	dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo dd=$?
	(i=0; while [ $i -lt 30 ]; do sleep 5 & i=$((i + 1)); done) 2>/dev/null
	read n </sys/fs/cgroup/pids/pids.current; echo current=$n
	while read k v; do echo "events:$k=$v"; done </sys/fs/cgroup/pids/pids.events'
is "$(echo "$out" | sed -n 1p)" 33554432 "-m 32m is visible inside (memory.limit_in_bytes)"
is "$(echo "$out" | sed -n 2p)" 20 "--pids-limit 20 is visible inside (pids.max)"
has "$out" "dd=137" "allocating past the memory limit gets the process OOM-killed"
# the forking subshell dies at the first refused fork (ash), its sleeps stay
n=$(echo "$out" | sed -n 's/^current=//p')
if [ -n "$n" ] && [ "$n" -ge 18 ] && [ "$n" -le 20 ]; then pass "30 forks: the container holds at most 20 tasks ($n)"
else fail "30 forks: the container holds at most 20 tasks" "$out" "$err"; fi
isnt "$(echo "$out" | sed -n 's/^events:max=//p')" "" "the pids controller counted refused forks (pids.events)"

# ---- cgroups disabled (runtime_supports_nocgroups) -------------------------------------------
capture pm run --rm --network none --cgroups=disabled "$IMAGE" sh -c 'echo no-cgroups'
is "$out" no-cgroups "--cgroups=disabled (veil --cgroup-manager disabled)" "$err"

# ---- tty ------------------------------------------------------------------------------------
# The process lingers a little after writing: podman 4.3 may miss the output
# of a process that exits at once in its attach stream (runc too); conmon's
# log has it all the same (checked below).
in_tty "$CALL_LIMIT" podman --root "$PM/graph" --runroot "$PM/run" --cgroup-manager cgroupfs run --rm -it \
	--network none --cgroup-parent "/$CG_PARENT" "$IMAGE" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-tty; sleep 0.5; exit 6'
is "$rc" 6 "podman run -it: exit code through the terminal"
has "$out" /dev/pts/0 "podman run -it: a pty of its own (conmon's console socket)"
has "$out" both-tty "podman run -it: stdin and stdout are the terminal"
in_tty "$CALL_LIMIT" podman --root "$PM/graph" --runroot "$PM/run" --cgroup-manager cgroupfs run -t --name t1 \
	--network none --cgroup-parent "/$CG_PARENT" "$IMAGE" sh -c 'tty; exit 3'
is "$rc" 3 "podman run -t: exit code"
has "$(pm logs t1 2>&1)" /dev/pts/0 "podman run -t: the output went through the pty to conmon"
pm rm t1 >/dev/null

# ---- a long-running container -----------------------------------------------------------------
capture pmrun -d --name c1 "$IMAGE" sh -c 'trap "" TERM; echo up; while :; do sleep 0.05; done'
ok $rc "podman run -d" "$err"
cid=$(pm inspect -f '{{.Id}}' c1)
wait_for 10 test "$(pm_state c1)" = running
capture pm ps --sync --format '{{.Names}} {{.Status}}'
has "$out" "c1 Up" "podman ps --sync (veil state, no runtime flags) sees it running"
pid=$(pm inspect -f '{{.State.Pid}}' c1)
is "$("$VEIL" state "$cid" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')" \
	"$pid" "veil state under the default root: the pid podman knows"
has "$(cat "/proc/$pid/cgroup" 2>/dev/null)" ":memory:/$CG_PARENT/libpod-$cid" "init is in the container's cgroup"
capture pm logs c1
is "$out" up "podman logs: conmon captured the output"

if has_cmd exec; then
	capture pm exec c1 sh -c 'echo in-exec; exit 4'
	is "$rc" 4 "podman exec: exit code"
	is "$out" in-exec "podman exec: stdout"
	capture pm exec --user 1000 -w /home -e X=y c1 sh -c 'id -u; pwd; echo $X'
	is "$out" "$(printf '1000\n/home\ny')" "podman exec --user -w -e"
	in_tty "$CALL_LIMIT" podman --root "$PM/graph" --runroot "$PM/run" --cgroup-manager cgroupfs exec -it c1 sh -c 'tty; exit 3'
	is "$rc" 3 "podman exec -it: exit code"
	has "$out" /dev/pts/ "podman exec -it: a terminal"
	capture pm exec c1 nonexistent-cmd
	is "$rc" 127 "podman exec of a missing executable: 127"
	has "$err" "executable file not found" "podman exec: veil's error reaches the user"
	capture pm exec -d c1 sleep 1000
	ok $rc "podman exec -d" "$err"
else
	pass "# SKIP podman exec: veil has no exec command yet"
fi
if has_cmd pause; then
	capture pm pause c1
	ok $rc "podman pause" "$err"
	is "$(pm_state c1)" paused "podman inspect: paused"
	is "$("$VEIL" state "$cid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" paused "veil state: paused"
	capture pm unpause c1
	ok $rc "podman unpause" "$err"
	is "$(pm_state c1)" running "podman inspect: running after unpause"
else
	pass "# SKIP podman pause/unpause: veil has no pause command yet"
fi

if has_cmd update; then
	capture pm update --memory 48m c1
	ok $rc "podman update --memory (veil update --resources FILE)" "$err"
	is "$(cat "/sys/fs/cgroup/memory/$CG_PARENT/libpod-$cid/memory.limit_in_bytes" 2>/dev/null)" 50331648 \
		"the new limit is in the container's cgroup"
else
	pass "# SKIP podman update: veil has no update command yet"
fi

# stop timeout: SIGTERM is ignored, SIGKILL after 1 s
timed ms pm stop -t 1 c1 >/dev/null 2>&1
is "$(pm_state c1)" exited "podman stop -t 1 of a container that ignores SIGTERM"
if [ "$ms" -ge 1000 ] && [ "$ms" -lt 5000 ]; then pass "it waited the timeout, then killed (${ms} ms)"
else fail "it waited the timeout, then killed" "took ${ms} ms"; fi
is "$(pm inspect -f '{{.State.ExitCode}}' c1)" 137 "exit code 137 (SIGKILL)"
capture pm start c1
ok $rc "podman start of the stopped container (a new create)" "$err"
wait_for 10 test "$(pm_state c1)" = running
capture pm kill c1
ok $rc "podman kill (SIGKILL)" "$err"
wait_for 10 test "$(pm_state c1)" = exited
is "$(pm_state c1)" exited "podman kill stops it"
capture pm rm c1
ok $rc "podman rm" "$err"
is "$(ls -d "/run/veil/$cid" 2>/dev/null)" "" "veil's state of the container is gone"
is "$(ls -d /sys/fs/cgroup/*/"$CG_PARENT/libpod-$cid" 2>/dev/null)" "" "its cgroups are gone"
is "$(grep -c "$cid" /proc/self/mountinfo)" 0 "no mount of the container is left"

# a paused container removed by force (veil delete --force thaws and kills)
if has_cmd pause; then
	pmrun -d --name c3 "$IMAGE" sleep 1000 >/dev/null
	c3=$(pm inspect -f '{{.Id}}' c3)
	pm pause c3 >/dev/null
	capture pm rm -f -t 0 c3
	ok $rc "podman rm -f of a paused container" "$err"
	is "$(ls -d "/run/veil/$c3" /sys/fs/cgroup/*/"$CG_PARENT/libpod-$c3" 2>/dev/null)" "" "... leaves no state and no cgroup"
else
	pass "# SKIP podman rm -f of a paused container: veil has no pause command yet"
fi

# SIGTERM handled by the container: quick stop, the handler's exit code
pmrun -d --name c2 "$IMAGE" sh -c 'trap "exit 7" TERM; echo up; while :; do sleep 0.05; done' >/dev/null
wait_for 10 test "$(pm logs c2 2>/dev/null)" = up
timed ms pm stop -t 10 c2 >/dev/null 2>&1
is "$(pm inspect -f '{{.State.ExitCode}}' c2)" 7 "podman stop: SIGTERM ran the container's handler (exit 7)"
if [ "$ms" -lt 3000 ]; then pass "and did not wait for the timeout (${ms} ms)"; else fail "and did not wait for the timeout" "took ${ms} ms"; fi
pm rm c2 >/dev/null

# ---- errors reach the user ---------------------------------------------------------------------
capture pmrun --rm "$IMAGE" nonexistent-cmd
is "$rc" 127 "podman run of a missing executable: exit 127"
has "$err" 'exec: "nonexistent-cmd": executable file not found in $PATH' "podman shows veil's message intact"
capture pmrun --rm "$IMAGE" /no/such/file
is "$rc" 127 "podman run of a missing absolute path: exit 127"
has "$err" "stat /no/such/file: No such file or directory" "... with the errno text"
capture pmrun --rm "$IMAGE" /etc/passwd
is "$rc" 126 "podman run of a file that is not executable: exit 126"
has "$err" "ermission denied" "... permission denied"
# the oci-log podman reads on failure: exactly one JSON object
pm create --network none --cgroup-parent "/$CG_PARENT" --name bad "$IMAGE" nonexistent-cmd >/dev/null
bid=$(pm inspect -f '{{.Id}}' bad)
capture pm start bad
isnt "$rc" 0 "podman start of a container with a missing executable fails"
log=$PM/run/overlay-containers/$bid/userdata/oci-log
python3 -c '
import json, sys
text = open(sys.argv[1]).read()
assert text.count("\n") == 1, text
o = json.loads(text)
assert o["level"] == "error" and "executable file not found" in o["msg"], o
' "$log" 2>"$T/log.err"
ok $? "the failed create wrote exactly one JSON line (level error) to podman's oci-log" "$(cat "$T/log.err")"
pm rm -f bad >/dev/null

# ---- timing ----------------------------------------------------------------------------
total=0
for i in 1 2 3 4 5; do
	timed ms pmrun --rm "$IMAGE" true >/dev/null 2>&1
	total=$((total + ms))
done
diag "podman run --rm true with veil: $((total / 5)) ms on average (5 runs)"
if runc_bin=$(command -v runc || ls /usr/sbin/runc 2>/dev/null); then
	total=0
	for i in 1 2 3 4 5; do
		timed ms pm --runtime "$runc_bin" run --network none --cgroup-parent "/$CG_PARENT" --rm "$IMAGE" true >/dev/null 2>&1
		total=$((total + ms))
	done
	diag "podman run --rm true with runc: $((total / 5)) ms on average (5 runs)"
fi

e2e_done
