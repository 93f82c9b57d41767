#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# exec: a new process in a running container, runc's semantics.
. "$(dirname "$0")/lib.sh"

TOOLS=${VEIL_TOOLS:?set VEIL_TOOLS to the directory of the test tools}
# (a function: not for background jobs, whose $! would be a subshell)
veil() { "$VEIL" --root "$ROOT" "$@"; }
# field NAME: the value of "NAME:" in the given /proc/<pid>/status text
field() { sed -n "s/^$1:[[:space:]]*//p"; }

bundle b sleep 1000
cfg b 'c["root"]["readonly"] = False'
cid=$(id c1)
veil_ok "run --detach the container" run --detach --bundle "$T/b" "$cid"
init=$(pid_of "$cid")

# ---- the process, its status and output ------------------------------------------
run_veil exec "$cid" sh -c 'echo out; echo err >&2; exit 7'
is "$rc" 7 "exec exits with the process's status"
is "$out" out "the process's stdout is exec's"
is "$err" err "the process's stderr is exec's"
run_veil exec "$cid" sh -c 'kill -TERM $$'
is "$rc" 143 "a process killed by a signal gives 128 + the signal"
run_veil exec "$cid" true
is "$rc" 0 "exec true"
run_veil exec "$cid" sh -c 'echo $$'
isnt "$out" 1 "the process is not init"
run_veil exec "$cid" ls -l /bin/true
has "$out" "/bin/true -> busybox" "flags after the command are the command's (ls -l)"

# ---- namespaces and cgroups: those of init -----------------------------------------------
run_veil exec "$cid" sh -c 'for n in cgroup ipc mnt net pid time user uts; do echo "$n $(readlink /proc/self/ns/$n) $(readlink /proc/1/ns/$n)"; done'
bad=$(echo "$out" | awk '$2 != $3 || $2 == ""')
is "$bad" "" "inside: every namespace link of the process equals init's (pid 1)"
is "$(echo "$out" | wc -l)" 8 "inside: eight namespaces compared"

veil_ok "exec --detach --pid-file" exec --detach --pid-file "$T/e.pid" "$cid" sleep 1000
epid=$(cat "$T/e.pid")
is "$(tail -c1 "$T/e.pid" | od -An -tx1 | tr -d ' ')" "$(printf %s "$epid" | tail -c1 | od -An -tx1 | tr -d ' ')" \
	"the pid file holds the pid without a newline"
[ -d "/proc/$epid" ] && [ "$(awk '{print $3}' "/proc/$epid/stat")" != Z ]
ok $? "detached: the process runs after exec returned (pid $epid)"
diffs=""
for ns in cgroup ipc mnt net pid time user uts; do
	a=$(readlink "/proc/$epid/ns/$ns") b=$(readlink "/proc/$init/ns/$ns")
	[ "$a" = "$b" ] || diffs="$diffs $ns($a/$b)"
done
is "$diffs" "" "host view: every namespace of the exec'd process is init's"
is "$(cat "/proc/$epid/cgroup")" "$(cat "/proc/$init/cgroup")" \
	"host view: its cgroups in every hierarchy (v1 and unified) are init's"
has "$(cat "/proc/$epid/cgroup")" "0::/" "the unified hierarchy is listed and compared"
is "$(tr '\0' ' ' <"/proc/$epid/cmdline")" "sleep 1000 " "the pid file names the exec'd process"
is "$(field Seccomp <"/proc/$epid/status")" 0 "no seccomp without a profile"
kill -KILL "$epid"

# ---- identity, environment, cwd ---------------------------------------------------------
run_veil exec "$cid" id
is "$out" "uid=0(root) gid=0(root)" "by default the config's user (root), no extra groups"
run_veil exec --user 1 "$cid" id -u
is "$out" 1 "--user 1 is uid 1 (not 0)"
run_veil exec -u 1000:1001 --additional-gids 5 -g 6 "$cid" id
is "$out" "uid=1000 gid=1001 groups=5,6" "--user UID:GID and --additional-gids"
veil_fails "--user with a name is refused" 'invalid --user "root"' exec -u root "$cid" true
is "$rc" 255 "a failed exec exits 255 (runc)"
veil_fails "--user 1: (no gid) is refused" 'invalid --user "1:"' exec -u 1: "$cid" true
veil_fails "--user -1 is refused" 'invalid --user "-1"' exec -u -1 "$cid" true
veil_fails "--user 4294967295 is refused" 'invalid --user' exec -u 4294967295 "$cid" true
veil_fails "--additional-gids x is refused" 'invalid --additional-gids "x"' exec -g x "$cid" true

run_veil exec -e FOO=bar -e PATH=/bin:/usr/bin "$cid" sh -c 'echo "$FOO $PATH $TERM"; env | grep -c "^PATH="'
is "$out" "bar /bin:/usr/bin xterm
1" "-e adds a variable and replaces the config's (PATH), the rest stays (TERM)"
run_veil exec "$cid" sh -c 'echo $HOME'
is "$out" /root "HOME from the container's /etc/passwd, as for init (runc)"
run_veil exec -u 65534 "$cid" sh -c 'echo $HOME'
is "$out" / "...for the user the process runs as"
run_veil exec -e HOME=/srv "$cid" sh -c 'echo $HOME'
is "$out" /srv "...unless it is set"
run_veil exec --cwd /tmp "$cid" pwd
is "$out" /tmp "--cwd"
run_veil exec "$cid" pwd
is "$out" / "the config's cwd by default"
veil_fails "a relative --cwd is refused" "must be an absolute path" exec --cwd tmp "$cid" pwd
run_veil exec --cwd /../../../tmp "$cid" pwd
is "$out" /tmp "--cwd cannot climb out of the root with .."
mkdir -p "$T/hostdir"
veil_fails "--cwd on a host directory passed as an fd is refused (CVE-2024-21626)" \
	"outside the container root" exec --preserve-fds 1 --cwd /proc/self/fd/3 "$cid" pwd 3<"$T/hostdir"
veil_fails "--cwd that does not exist" "No such file or directory" exec --cwd /nonexistent "$cid" pwd

# ---- capabilities and no_new_privs -------------------------------------------------------
# veil spec's set: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE
run_veil exec "$cid" cat /proc/self/status
is "$(echo "$out" | field CapEff)" 0000000020000420 "the config's effective capabilities"
is "$(echo "$out" | field CapBnd)" 0000000020000420 "the config's bounding set"
is "$(echo "$out" | field CapInh)" 0000000000000000 "no inheritable capabilities"
is "$(echo "$out" | field NoNewPrivs)" 1 "the config's noNewPrivileges"
run_veil exec --cap CAP_SYS_ADMIN -c CAP_CHOWN "$cid" cat /proc/self/status
is "$(echo "$out" | field CapEff)" 0000000020200421 "--cap adds to the effective set"
is "$(echo "$out" | field CapPrm)" 0000000020200421 "--cap adds to the permitted set"
is "$(echo "$out" | field CapBnd)" 0000000020200421 "--cap adds to the bounding set"
is "$(echo "$out" | field CapInh)" 0000000000000000 "--cap never makes a capability inheritable"
is "$(echo "$out" | field CapAmb)" 0000000000000000 "--cap raises no ambient capability"
# a capability veil itself lacks is dropped with a warning, as at create
out=$(capsh --drop=cap_sys_module -- -c "$VEIL --root $ROOT exec --cap CAP_SYS_MODULE $cid cat /proc/self/status" 2>"$T/clamp.err")
ok $? "exec --cap of a capability veil lacks still runs the process" "$(cat "$T/clamp.err")"
has "$(cat "$T/clamp.err")" "CAP_SYS_MODULE is not available to veil" "...with a warning"
is "$(echo "$out" | field CapEff)" 0000000020000420 "...without that capability"
run_veil exec --no-new-privs=false "$cid" cat /proc/self/status
is "$(echo "$out" | field NoNewPrivs)" 0 "--no-new-privs=false"
run_veil exec --user 1000 "$cid" cat /proc/self/status
is "$(echo "$out" | field CapEff)" 0000000000000000 "a non-root user has no effective capabilities"

# ---- no fd of veil's reaches the process ---------------------------------------------------
run_veil exec "$cid" ls /proc/self/fd
is "$(echo $out)" "0 1 2 3" "only stdio (and ls's own directory) are open in the process"
echo "preserved" >"$T/pfile"
run_veil exec --preserve-fds 2 "$cid" sh -c 'ls /proc/self/fd; cat <&3; cat <&4' 3<"$T/pfile" 4<"$T/pfile"
is "$(echo $out)" "0 1 2 3 4 5 preserved preserved" "--preserve-fds 2 passes fds 3 and 4, nothing more"
veil_fails "--preserve-fds beyond what was passed" "was not passed to veil" exec --preserve-fds 3 "$cid" true

# ---- errors ------------------------------------------------------------------------------
veil_fails "a command that does not exist" 'exec: "nosuchcmd": executable file not found in $PATH' \
	exec "$cid" nosuchcmd
is "$rc" 255 "...exits 255"
veil_fails "a path that does not exist: libc's text" "/bin/nosuch: No such file or directory" \
	exec "$cid" /bin/nosuch
veil_fails "no command" "exec args cannot be empty" exec "$cid"
veil_fails "an unknown container" "does not exist" exec "$(id nope)" true
is "$rc" 255 "an unknown container exits 255"
veil_fails "--console-socket without --tty" "no terminal" exec --console-socket "$T/x.sock" "$cid" true
veil_fails "--tty --detach without a console socket" "without --console-socket" exec -t -d "$cid" true
veil_fails "--cgroup with ..: refused" '".." components are not allowed' exec --cgroup ../x "$cid" true
veil_fails "--cgroup that does not exist" "No such file or directory" exec --cgroup nosub "$cid" true


# ---- foreground: signals, terminal; detached: console socket ------------------------------
"$VEIL" --root "$ROOT" exec "$cid" sh -c 'trap "echo got USR1; exit 9" USR1; echo up; while :; do sleep 0.05; done' \
	>"$T/sig.out" 2>&1 &
vpid=$!
for i in $(seq 200); do grep -q up "$T/sig.out" 2>/dev/null && break; sleep 0.02; done
kill -USR1 $vpid
wait $vpid
is "$?" 9 "a signal to exec reaches the process; exec exits with its status"
has "$(cat "$T/sig.out")" "got USR1" "the process saw the forwarded signal"

script -qec "$VEIL --root $ROOT exec -t $cid sh -c 'tty; exit 4'" /dev/null >"$T/tty.out" 2>&1
is "$?" 4 "--tty in the foreground: the status comes through"
has "$(cat "$T/tty.out")" "/dev/pts/" "--tty: the process has a terminal of the container's devpts"
run_veil exec "$cid" sh -c 'tty'
is "$out" "not a tty" "without --tty no terminal (the config's terminal is not used)"

"$TOOLS/console-receiver" "$T/cs.sock" "$T/cs.out" >"$T/cs.ready" &
rpid=$!
for i in $(seq 200); do grep -q ready "$T/cs.ready" 2>/dev/null && break; sleep 0.01; done
veil_ok "--tty --detach --console-socket" exec -t -d --console-socket "$T/cs.sock" "$cid" \
	sh -c 'echo console; tty; sleep 0.2'
wait $rpid
ok $? "the console receiver got exactly one pty master fd (runc's wire format)"
has "$(cat "$T/cs.out")" "console" "the process writes to the pty sent over the console socket"
has "$(cat "$T/cs.out")" "/dev/pts/" "the process's stdio is that pty"

# ---- --process FILE: what containerd's shim and conmon pass ---------------------------------
cat >"$T/process.json" <<'JSON'
{"args": ["sh", "-c", "echo from-file $FOO; pwd; id -u; id -g; grep NoNewPrivs /proc/self/status"],
 "env": ["PATH=/bin", "FOO=bar"], "cwd": "/tmp", "user": {"uid": 7, "gid": 8},
 "terminal": false, "noNewPrivileges": true}
JSON
run_veil exec --process "$T/process.json" "$cid"
is "$(echo $out)" "from-file bar /tmp 7 8 NoNewPrivs: 1" "--process: args, env, cwd, user, noNewPrivileges"
veil exec --process "$T/process.json" --detach --pid-file "$T/p.pid" "$cid" >"$T/p.out" 2>&1
ok $? "exec --process F --detach --pid-file P ID (the shim's argv)"
ppid=$(cat "$T/p.pid")
for i in $(seq 300); do [ -d "/proc/$ppid" ] || break; sleep 0.01; done
is "$(echo $(cat "$T/p.out"))" "from-file bar /tmp 7 8 NoNewPrivs: 1" \
	"detached, the process writes to the stdio veil was given"
cat >"$T/limits.json" <<'JSON'
{"args": ["sh", "-c", "ulimit -n; cat /proc/self/oom_score_adj; umask"], "cwd": "/", "env": ["PATH=/bin"],
 "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 333, "hard": 444}], "oomScoreAdj": 200,
 "user": {"uid": 0, "gid": 0, "umask": 63}}
JSON
run_veil exec -p "$T/limits.json" "$cid"
is "$(echo $out)" "333 200 0077" "--process: rlimits, oomScoreAdj and umask are applied"
out=$(ulimit -n 4000; "$VEIL" --root "$ROOT" exec "$cid" sh -c 'ulimit -n; ulimit -Hn')
is "$(echo $out)" "1024 1024" "the config's rlimits, not veil's own"
echo '{"args": [], "cwd": "/"}' >"$T/bad.json"
veil_fails "--process with empty args" "args: must have at least one element" exec --process "$T/bad.json" "$cid"
veil_fails "--process that does not exist" "No such file or directory" exec -p "$T/nope.json" "$cid"

# ---- no leak: many execs leave nothing behind ---------------------------------------------
procs_file=$(sed -n 's|^[0-9]*:pids:\(.*\)|/sys/fs/cgroup/pids\1/cgroup.procs|p' "/proc/$init/cgroup")
[ -f "$procs_file" ] || procs_file=/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$init/cgroup")/cgroup.procs
before=$(wc -l <"$procs_file")
fails=0
for i in $(seq 50); do veil exec "$cid" true || fails=$((fails + 1)); done
for i in $(seq 20); do veil exec -d "$cid" true || fails=$((fails + 1)); done
sleep 0.2
is "$fails" 0 "70 execs (50 in the foreground, 20 detached) succeed"
is "$(wc -l <"$procs_file")" "$before" "the container's cgroup holds as many processes as before"
is "$(pgrep -f -- "--root $ROOT " | wc -l)" 0 "no veil process of this test is left running"
is "$(ls "$ROOT/$cid" | sort | tr '\n' ' ')" "config.json state.json " "exec adds nothing to the state directory"

# ---- sub-cgroups (--cgroup) --------------------------------------------------------------
# the directory of a /proc/<pid>/cgroup line's hierarchy
cg_dir() {
	local ctrls=${1#*:} path
	path=${ctrls#*:}
	ctrls=${ctrls%%:*}
	case "$ctrls" in
	"") [ -d /sys/fs/cgroup/unified ] && echo "/sys/fs/cgroup/unified$path" || echo "/sys/fs/cgroup$path" ;;
	name=systemd) echo "/sys/fs/cgroup/systemd$path" ;;
	*) [ -d "/sys/fs/cgroup/$ctrls" ] && echo "/sys/fs/cgroup/$ctrls$path" || echo "/sys/fs/cgroup/${ctrls%%,*}$path" ;;
	esac
}
while read -r line; do
	d=$(cg_dir "$line")
	[ -d "$d" ] || continue
	mkdir -p "$d/sub"
	# a new v1 cpuset has no cpus or mems: give it its parent's
	if [ -f "$d/sub/cpuset.cpus" ]; then
		cat "$d/cpuset.cpus" >"$d/sub/cpuset.cpus"
		cat "$d/cpuset.mems" >"$d/sub/cpuset.mems"
	fi
done <"/proc/$init/cgroup"
veil_ok "exec --cgroup sub" exec -d --pid-file "$T/s.pid" --cgroup sub "$cid" sleep 1000
spid=$(cat "$T/s.pid")
want=$(sed 's|$|/sub|' "/proc/$init/cgroup")
is "$(cat "/proc/$spid/cgroup")" "$want" "--cgroup sub: the process is in the sub-cgroup of every hierarchy"
kill -KILL "$spid"
if grep -q ':memory:' "/proc/$init/cgroup"; then
	veil_ok "exec --cgroup memory:sub" exec -d --pid-file "$T/s.pid" --cgroup memory:sub "$cid" sleep 1000
	spid=$(cat "$T/s.pid")
	want=$(sed '/:memory:/s|$|/sub|' "/proc/$init/cgroup")
	is "$(cat "/proc/$spid/cgroup")" "$want" "--cgroup memory:sub: only the memory hierarchy changes"
	kill -KILL "$spid"
	veil_fails "--cgroup with an unknown controller" 'unknown controller "nosuch"' \
		exec --cgroup nosuch:sub "$cid" true
fi

# ---- stopped and paused ------------------------------------------------------------------
freezer=$(sed -n 's|^[0-9]*:freezer:\(.*\)|/sys/fs/cgroup/freezer\1|p' "/proc/$init/cgroup")
v2dir=/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$init/cgroup")
if [ -n "$freezer" ] && [ -f "$freezer/freezer.state" ]; then
	freeze() { echo FROZEN >"$freezer/freezer.state"; }
	thaw() { echo THAWED >"$freezer/freezer.state"; }
elif [ -f "$v2dir/cgroup.freeze" ]; then
	freeze() { echo 1 >"$v2dir/cgroup.freeze"; }
	thaw() { echo 0 >"$v2dir/cgroup.freeze"; }
else
	echo "Bail out! no freezer for the container's cgroup"
	exit 1
fi
freeze
wait_status "$cid" paused
veil_fails "exec into a paused container" "cannot exec in a paused container" exec "$cid" true
is "$rc" 255 "...exits 255"
"$VEIL" --root "$ROOT" exec --ignore-paused "$cid" echo resumed >"$T/paused.out" 2>&1 &
vpid=$!
sleep 0.3
[ -d "/proc/$vpid" ]
ok $? "exec --ignore-paused waits while the container is frozen"
thaw
wait $vpid
is "$?" 0 "exec --ignore-paused runs once the container is resumed"
is "$(cat "$T/paused.out")" resumed "...and the process ran"

bundle cr sleep 1000
crid=$(id created)
veil_ok "create a container (not started)" create --bundle "$T/cr" "$crid"
run_veil exec "$crid" echo in-created
is "$out" in-created "exec into a created container works (runc allows it)"
veil_ok "exec --detach into it" exec -d --pid-file "$T/cr.pid" "$crid" sleep 1000
crinit=$(pid_of "$crid")
is "$(readlink "/proc/$(cat "$T/cr.pid")/ns/mnt") $(readlink "/proc/$(cat "$T/cr.pid")/ns/pid")" \
	"$(readlink "/proc/$crinit/ns/mnt") $(readlink "/proc/$crinit/ns/pid")" "...in the namespaces of its waiting init"
run_veil exec "$crid" sh -c 'readlink /proc/1/exe || echo denied'
is "$out" denied "the waiting init is veil's image: not dumpable, its exe out of the container's reach"
is "$(status_of "$crid")" created "...and leaves it created"
veil_ok "delete the created container" delete --force "$crid"

bundle s true
sid=$(id stopped)
veil_ok "run --keep a container that exits" run --keep --bundle "$T/s" "$sid"
veil_fails "exec into a stopped container" "cannot exec in a stopped container" exec "$sid" true
is "$rc" 255 "...exits 255"
veil_ok "delete the stopped container" delete "$sid"

# ---- execCPUAffinity, and the runtime's own affinity -------------------------------------
if [ "$(nproc)" -ge 2 ]; then
	run_veil exec "$cid" grep Cpus_allowed_list /proc/self/status
	all=$(echo "$out" | field Cpus_allowed_list)
	out=$(taskset -c 1 "$VEIL" --root "$ROOT" exec "$cid" grep Cpus_allowed_list /proc/self/status)
	is "$(echo "$out" | field Cpus_allowed_list)" "$all" \
		"without execCPUAffinity the process does not keep veil's affinity (runc 1.4)"
	cat >"$T/aff.json" <<'JSON'
{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "env": ["PATH=/bin"],
 "execCPUAffinity": {"initial": "1", "final": "0"}}
JSON
	run_veil exec -p "$T/aff.json" "$cid"
	is "$(echo "$out" | field Cpus_allowed_list)" 0 "execCPUAffinity.final is the process's affinity"
else
	diag "one CPU: the affinity tests are skipped"
fi

veil_ok "delete the container" delete --force "$cid"

# ---- the container's seccomp profile applies; exec's compile is a cache hit -------------------
bundle sc sleep 1000
cfg sc 'c["root"]["readonly"] = False; c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
scid=$(id sc)
veil_ok "run a container with a seccomp profile" run -d --bundle "$T/sc" "$scid"
run_veil --debug exec "$scid" sh -c 'mkdir /tmp/x 2>&1; grep -E "^Seccomp(_filters)?:" /proc/self/status'
has "$out" "Operation not permitted" "the profile denies mkdir to the exec'd process"
has "$out" "Seccomp:	2" "the exec'd process runs in seccomp filter mode"
has "$out" "Seccomp_filters:	1" "...with exactly one filter, the container's"
has "$err" "seccomp: cache hit" "exec takes the compiled profile from the cache"
hasnt "$err" "seccomp: compiled" "exec compiles nothing"
cfg sc 'c["process"]["noNewPrivileges"] = False'
veil_ok "delete it" delete --force "$scid"
veil_ok "run it again without no_new_privs (the filter goes in before the capability drop)" \
	run -d --bundle "$T/sc" "$scid"
run_veil exec --user 1000 "$scid" sh -c 'mkdir /tmp/y 2>&1; grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
has "$out" "Operation not permitted" "without no_new_privs, as a user: the profile applies"
has "$out" "NoNewPrivs:	0" "...and no_new_privs stays off"
veil_ok "delete the seccomp container" delete --force "$scid"

# ---- user, cgroup and time namespaces --------------------------------------------------------
bundle un sleep 1000
cfg un 'have = [n["type"] for n in c["linux"]["namespaces"]]
c["linux"]["namespaces"] += [{"type": t} for t in ("user", "cgroup", "time") if t not in have]
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["timeOffsets"] = {"monotonic": {"secs": 864000}, "boottime": {"secs": 864000}}
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/sys/fs/cgroup"]
for m in c["mounts"]:
    if m["destination"] == "/sys":
        m.update({"type": "bind", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]})
    m["options"] = [o for o in m.get("options", []) if not o.startswith("gid=")]'
uid=$(id userns)
chmod 755 "$T" # the mapped root (100000) must reach the rootfs
veil_ok "run a container with user, cgroup and time namespaces" run -d --bundle "$T/un" "$uid"
uinit=$(pid_of "$uid")
veil_ok "exec into it (--detach --pid-file)" exec -d --pid-file "$T/u.pid" "$uid" sleep 1000
upid=$(cat "$T/u.pid")
diffs=""
for ns in cgroup ipc mnt net pid time user uts; do
	a=$(readlink "/proc/$upid/ns/$ns") b=$(readlink "/proc/$uinit/ns/$ns")
	[ "$a" = "$b" ] || diffs="$diffs $ns($a/$b)"
done
is "$diffs" "" "every namespace, user/cgroup/time included, is init's"
isnt "$(readlink "/proc/$upid/ns/user")" "$(readlink /proc/self/ns/user)" "...and the user namespace is not the host's"
is "$(cat "/proc/$upid/cgroup")" "$(cat "/proc/$uinit/cgroup")" "its cgroups are init's"
is "$(sed -n 's/^Uid:[[:space:]]*//p' "/proc/$upid/status")" \
	"100000	100000	100000	100000" "on the host it runs as the mapped root (100000)"
kill -KILL "$upid"
run_veil exec "$uid" sh -c 'id -u; cat /proc/self/uid_map; cat /proc/self/cgroup; cut -d. -f1 /proc/uptime'
set -- $out none none none none
is "$1 $2 $3 $4" "0 0 100000 65536" "inside: root, with the container's uid map"
has "$out" "0::/" "inside: the cgroup namespace shows the container's cgroup as its root"
uptime=$(echo "$out" | tail -n1)
[ "$uptime" -ge 864000 ] 2>/dev/null
ok $? "inside: the boot clock has the container's offset (uptime $uptime s)"
veil_ok "delete the user namespace container" delete --force "$uid"

# ---- veil's binary is out of reach while its code runs in the container -------------------------
# The exec'd process is stopped at its execve by a seccomp agent (SCMP_ACT_NOTIFY
# on execve, held for exec'd processes only).  Until then it is veil's image
# (/proc/<pid>/exe is the veil binary of the host) inside every namespace of the
# container.  Init, a process of the container with the same uid and
# capabilities, then tries to reach it through /proc.
bundle px sh -c 'while [ ! -e /tmp/go ]; do sleep 0.02; done
for p in /proc/[0-9]*; do
	[ "$(cat $p/comm 2>/dev/null)" = veil ] || continue
	echo "found ${p#/proc/}"
	readlink $p/exe >/dev/null 2>&1 && echo "readlink exe: allowed"
	cat $p/exe >/dev/null 2>&1 && echo "open exe: allowed"
	readlink $p/fd/0 >/dev/null 2>&1 && echo "readlink fd: allowed"
	readlink $p/cwd >/dev/null 2>&1 && echo "readlink cwd: allowed"
	readlink $p/root >/dev/null 2>&1 && echo "readlink root: allowed"
	cat $p/environ >/dev/null 2>&1 && echo "read environ: allowed"
	cat $p/mem >/dev/null 2>&1 && echo "read mem: allowed"
done >/tmp/result
echo "control: $(readlink /proc/1/exe)" >>/tmp/result
touch /tmp/done
exec sleep 1000'
cfg px 'c["root"]["readonly"] = False; c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$T"'/hold.sock", "syscalls": [{"names": ["execve"], "action": "SCMP_ACT_NOTIFY"}]}'
"$TOOLS/seccomp-hold" "$T/hold.sock" "$T/release" >"$T/hold.out" 2>&1 &
hpid=$!
for i in $(seq 200); do grep -q ready "$T/hold.out" 2>/dev/null && break; sleep 0.01; done
pxid=$(id px)
veil_ok "run a container whose execve goes through a seccomp agent" run -d --bundle "$T/px" "$pxid"
timeout 30 "$VEIL" --root "$ROOT" exec -d --pid-file "$T/px.pid" "$pxid" sleep 1000 >"$T/px.out" 2>&1 &
vpid=$!
for i in $(seq 500); do grep -q held "$T/hold.out" 2>/dev/null && break; sleep 0.01; done
has "$(cat "$T/hold.out")" "held" "the exec'd process is stopped at its execve"
touch "$T/px/rootfs/tmp/go"
for i in $(seq 500); do [ -e "$T/px/rootfs/tmp/done" ] && break; sleep 0.01; done
result=$(cat "$T/px/rootfs/tmp/result" 2>/dev/null)
has "$result" "found" "a process of the container sees the exec'd process in /proc"
hasnt "$result" "allowed" "...and can reach nothing of it: not exe, fds, cwd, root, environ or mem"
has "$result" "control: /bin/busybox" "(the same probe reads a dumpable process's exe)"
touch "$T/release"
wait $vpid
is "$?" 0 "released, the exec completes"
expid=$(cat "$T/px.pid")
is "$(sed -n 's/^NSpid:[[:space:]]*[0-9]*[[:space:]]*//p' "/proc/$expid/status")" \
	"$(echo "$result" | sed -n 's/^found //p')" "the process probed was the exec'd one"
is "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$expid/status")" S "it runs its program now"
veil_ok "delete the seccomp agent's container" delete --force "$pxid"
kill "$hpid"
wait "$hpid" 2>/dev/null


# ---- "#!/proc/self/exe": veil's binary run again inside the container cannot be written -------
# A container program whose interpreter is /proc/self/exe makes the kernel run
# veil's own binary as a (dumpable) process of the container.  A process of the
# container takes its /proc/<pid>/exe and, once it has exited, opens it for
# writing.  veil runs from a read-only view of its binary, so that must fail.
# The attack is aimed at a copy of veil, never at the binary under test.
cp "$VEIL" "$T/veil-copy"
sum=$(md5sum <"$T/veil-copy")
bundle ev sh -c 'while :; do
	for p in /proc/[0-9]*; do
		[ "$(cat $p/comm 2>/dev/null)" = evil ] || continue
		exec 3<$p/exe && echo "got exe"
		cat /tmp/fifo >/dev/null &
		while [ -e $p/exe ]; do sleep 0.01; done
		( exec 4>>/proc/self/fd/3 ) 2>&1 && echo "WRITE OPEN"
		echo finished
		exec sleep 1000
	done
	sleep 0.01
done >/tmp/attack.log 2>&1'
cfg ev 'c["root"]["readonly"] = False'
for lib in $(ldd "$VEIL" | grep -o '/[^ ]*'); do
	mkdir -p "$T/ev/rootfs$(dirname "$lib")"
	cp -L "$lib" "$T/ev/rootfs$lib"
done
# the veil process blocks opening its log (a fifo) until the attacker holds its exe
printf '#!/proc/self/exe --log=/tmp/fifo\n' >"$T/ev/rootfs/evil"
chmod 755 "$T/ev/rootfs/evil"
mkfifo "$T/ev/rootfs/tmp/fifo"
evid=$(id evil)
"$T/veil-copy" --root "$ROOT" run -d --bundle "$T/ev" "$evid"
ok $? "run a container from a copy of veil"
timeout 20 "$T/veil-copy" --root "$ROOT" exec "$evid" /evil >"$T/evil.out" 2>&1
has "$(cat "$T/evil.out")" 'unknown command "/evil"' "the container's /evil ran veil's binary again, in the container"
for i in $(seq 300); do grep -q finished "$T/ev/rootfs/tmp/attack.log" 2>/dev/null && break; sleep 0.01; done
log=$(cat "$T/ev/rootfs/tmp/attack.log")
has "$log" "got exe" "a process of the container got hold of that process's exe"
hasnt "$log" "WRITE OPEN" "...but cannot open it for writing"
has "$log" "Read-only file system" "...because it is a read-only view of the binary"
is "$(md5sum <"$T/veil-copy")" "$sum" "the copy of veil is unchanged"
"$T/veil-copy" --root "$ROOT" delete --force "$evid"
ok $? "delete it"

# the runtime processes themselves, seen from the host (while they run, the
# kernel refuses writes with ETXTBSY anyway: what matters is the mount)
ro_exe() {
	python3 -c 'import os, sys; print("ro" if os.statvfs(sys.argv[1]).f_flag & os.ST_RDONLY else "rw")' \
		"/proc/$1/exe" 2>&1
}
"$VEIL" --root "$ROOT" run --bundle "$T/b" "$(id ro)" >/dev/null 2>&1 &
rpid=$!
wait_status "$(id ro)" running
is "$(ro_exe $rpid)" ro "run in the foreground runs from a read-only view of veil's binary"
"$VEIL" --root "$ROOT" exec "$(id ro)" sleep 1000 &
epid=$!
for i in $(seq 200); do [ "$(readlink "/proc/$epid/exe")" = / ] && break; sleep 0.01; done
is "$(ro_exe $epid)" ro "exec in the foreground too"
is "$(ro_exe $$)" rw "(the test's own shell does not)"
veil_ok "delete it" delete --force "$(id ro)"
wait $rpid $epid 2>/dev/null

done_testing
