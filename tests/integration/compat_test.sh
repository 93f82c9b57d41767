#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The caller contract, command by command, in the exact argv forms that
# containerd's runc shim (go-runc) and conmon/podman produce: the JSON log
# they read back, the console socket, the pid file, the texts they grep,
# --version, and the forgiving cases (delete --force of half-made containers).
. "$(dirname "$0")/lib.sh"
RECEIVER=${VEIL_TOOLS:?}/console-receiver

json_lines() { # FILE: number of lines, each checked to be a JSON object with level/msg/time
	python3 - "$1" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert set(o) == {"level", "msg", "time"}, o
    n += 1
print(n)
EOF
}
json_field() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[int(sys.argv[2])])[sys.argv[3]])' "$@"; }

# ---- --version: the lines go-runc and podman parse -------------------------------------------
run_veil --version
is "$(echo "$out" | sed -n 1p | cut -d' ' -f1-2)" "veil version" "--version: first line 'veil version X'"
has "$out" "$(printf '\ncommit: ')" "--version: a 'commit: ' line"
has "$out" "$(printf '\nspec: 1.')" "--version: a 'spec: 1.x' line"

# ---- containerd's shim: create/start/kill/delete with its global flags -------------------------
bundle b sh -c 'echo started; exec sleep 100'
NSROOT=$ROOT/k8s.io # the shim's --root <root>/<namespace>: the parents do not exist yet
LOG=$T/b/log.json
cid=$(id shim)
shim() { "$VEIL" --root "$NSROOT" --log "$LOG" --log-format json "$@"; }
shim create --bundle "$T/b" --pid-file "$T/b/init.pid" "$cid" >"$T/create.out" 2>"$T/create.err" </dev/null
ok $? "shim create (go-runc argv, no --detach; the state root's parents are made)" "$(cat "$T/create.err")"
is "$(cat "$T/create.out")" "" "create prints nothing on stdout (the container's stdout is its own)"
pid=$(cat "$T/b/init.pid" 2>/dev/null)
is "$(wc -l <"$LOG")" 0 "a successful create writes nothing to log.json"
has "$(cat "/proc/$pid/cgroup" 2>/dev/null)" ":pids:/" "create returns with init in its cgroups (the shim reads them at once)"
# init itself still shows veil's argv: it execs the container's process at start
is "$(pgrep -f -- "$cid" | grep -vx "$pid")" "" "create leaves no helper process behind (the shim reaps what is left)"
isnt "$(cat "/proc/$(awk '/^PPid/ {print $2}' "/proc/$pid/status")/comm" 2>/dev/null)" veil "init's parent is not a veil process"
shim start "$cid"
ok $? "shim start"
wait_for() { local i; for i in $(seq 250); do "$@" && return 0; sleep 0.02; done; return 1; }
stopped() { "$VEIL" --root "$NSROOT" state "$cid" 2>/dev/null | grep -q '"stopped"'; }
wait_for grep -q started "$T/create.out"
has "$(cat "$T/create.out")" started "the container's stdout is the one create was given"
shim kill --all "$cid" 9
ok $? "shim kill --all <id> 9"
wait_for stopped
shim delete "$cid"
ok $? "shim delete"
shim delete --force "$cid"
ok $? "shim delete --force of a container that is gone: exit 0"
shim kill "$cid" 15 2>"$T/kill.err"
is "$?" 1 "kill of an unknown container: exit 1"
has "$(cat "$T/kill.err")" "does not exist" "... stderr says 'does not exist' (the shim maps it to NotFound)"
is "$(json_lines "$LOG")" 1 "... and log.json got exactly one JSON line"
is "$(json_field "$LOG" 0 level)" error "... with level error"
has "$(json_field "$LOG" 0 msg)" "does not exist" "... and the message"
rmdir "$NSROOT"

# ---- the cgroup commands in the shim's and podman's forms ---------------------------------------
if "$VEIL" pause --help >/dev/null 2>&1; then
	bundle cg sleep 100
	cid=$(id cg)
	veil_ok "create + start" create --bundle "$T/cg" --pid-file "$T/cg.pid" "$cid"
	veil_ok "start" start "$cid"
	pid=$(cat "$T/cg.pid")
	run_veil ps --format json "$cid"
	is "$out" "[$pid]" "ps --format json <id>: a JSON array of host pids (the shim's Pids)"
	run_veil ps --format table "$cid" -o pid,args
	has "$out" "$pid sleep 100" "ps --format table <id> <psargs> (the shim's Top)"
	memcg=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' "/proc/$pid/cgroup")
	IN=<(echo '{"memory":{"limit":50331648}}') run_veil update --resources - "$cid"
	ok $rc "update --resources - <id> with LinuxResources on stdin (the shim)" "$err"
	is "$(cat "$memcg/memory.limit_in_bytes")" 50331648 "... the limit reached the cgroup"
	echo '{"memory":{"limit":67108864}}' >"$T/res.json"
	run_veil update --resources="$T/res.json" "$cid"
	ok $rc "update --resources=FILE <id> (podman)" "$err"
	is "$(cat "$memcg/memory.limit_in_bytes")" 67108864 "... the limit reached the cgroup"
	run_veil events --stats "$cid"
	is "$(echo "$out" | python3 -c 'import json,sys; o=json.loads(sys.stdin.readline()); print(o["type"], o["id"])' 2>&1)" \
		"stats $cid" "events --stats <id>: one JSON stats object"
	veil_ok "pause <id>" pause "$cid"
	is "$(status_of "$cid")" paused "state: paused"
	veil_ok "resume <id>" resume "$cid"
	is "$(status_of "$cid")" running "state: running"
	veil_ok "delete --force" delete --force "$cid"
else
	pass "# SKIP the cgroup commands: not in this veil yet"
fi

# ---- a failing create: exactly one line, even with warnings ---------------------------------------
bundle bad nonexistent-cmd
cfg bad 'c["process"]["capabilities"]["bounding"].append("CAP_BOGUS")'
rm -f "$T/bad.log"
"$VEIL" --root "$ROOT" --log-format=json --log "$T/bad.log" create --bundle "$T/bad" --pid-file "$T/bad/pidfile" "$(id bad)" \
	>/dev/null 2>"$T/bad.err" </dev/null
is "$?" 1 "podman's argv (--log-format=json --log F create): a failing create exits 1"
is "$(json_lines "$T/bad.log")" 1 "the oci-log holds exactly ONE JSON object (podman decodes the whole file)"
has "$(json_field "$T/bad.log" 0 msg)" 'exec: "nonexistent-cmd": executable file not found in $PATH' \
	"... the error, in the words podman classifies (exit 127)"
has "$(cat "$T/bad.err")" 'exec: "nonexistent-cmd": executable file not found in $PATH' "the error is on stderr too (conmon forwards it)"
has "$(cat "$T/bad.err")" "CAP_BOGUS" "the plan's warning went to stderr, not into the log"
is "$(ls "$ROOT" | grep -c bad)" 0 "the failed create left no state"
# the same warning on a create that succeeds lands in the log
cfg bad 'c["process"]["args"] = ["true"]'
rm -f "$T/bad.log"
"$VEIL" --root "$ROOT" --log-format=json --log "$T/bad.log" create --bundle "$T/bad" "$(id warn)" >/dev/null 2>&1 </dev/null
ok $? "create with a warning"
is "$(json_field "$T/bad.log" 0 level 2>/dev/null)" warning "a successful command writes its warnings to the log"
"$VEIL" --root "$ROOT" delete --force "$(id warn)"

# ---- errno texts the libc way -----------------------------------------------------------------------
bundle noexec /etc/passwd
run_veil --log-format json --log "$T/noexec.log" create --bundle "$T/noexec" "$(id noexec)"
has "$err" "Permission denied" "a file that is not executable: EACCES in libc's words (podman: exit 126)"
bundle nofile /no/such/file
run_veil create --bundle "$T/nofile" "$(id nofile)"
has "$err" "stat /no/such/file: No such file or directory" "a missing path: ENOENT in libc's words (podman: exit 127)"

# ---- console socket: one fd, a long path -------------------------------------------------------------
bundle tty sh -c 'tty; [ -t 0 ] && echo is-a-tty'
cfg tty 'c["process"]["terminal"] = True'
long=$T/$(printf 'd%.0s' $(seq 60))/$(printf 'e%.0s' $(seq 60))
mkdir -p "$long"
sock=$long/pty.sock
diag "console socket path: ${#sock} bytes (sun_path holds 108)"
(cd "$long" && exec "$RECEIVER" pty.sock "$T/tty.out") >"$T/recv.out" 2>"$T/recv.err" &
rpid=$!
wait_for grep -q ready "$T/recv.out"
cid=$(id tty)
run_veil create --bundle "$T/tty" --console-socket "$sock" --pid-file "$T/tty.pid" "$cid"
ok $rc "create --console-socket with a ${#sock}-byte path" "$err"
veil_ok "start" start "$cid"
wait $rpid
ok $? "the receiver got exactly one fd in one SCM_RIGHTS message, a terminal" "$(cat "$T/recv.err")"
has "$(tr -d '\r' <"$T/tty.out")" "/dev/pts/0" "the container's stdio is the pty whose master was sent"
has "$(cat "$T/tty.out")" "is-a-tty" "stdin is the terminal"
wait_status "$cid" stopped
veil_ok "delete" delete "$cid"
bundle tty2 true
veil_fails "--console-socket with terminal false is refused" "process.terminal is false" \
	create --bundle "$T/tty2" --console-socket "$sock" "$(id tty2)"
cfg tty2 'c["process"]["terminal"] = True'
veil_fails "terminal true without --console-socket is refused for create" "console-socket" \
	create --bundle "$T/tty2" "$(id tty2)"

# ---- podman: `state` without --root, --cgroup-manager disabled ----------------------------------------
cid=$(id defroot)
bundle dr sleep 100
"$VEIL" create --bundle "$T/dr" "$cid" </dev/null >/dev/null 2>"$T/dr.err"
ok $? "create with the default root" "$(cat "$T/dr.err")"
st=$("$VEIL" state "$cid" 2>&1)
has "$st" '"status": "created"' "state without --root finds it (podman calls state with no runtime flags)"
XDG_RUNTIME_DIR=$T/xdg "$VEIL" state "$cid" >/dev/null 2>&1
ok $? "... whatever XDG_RUNTIME_DIR podman sets, as root"
"$VEIL" delete --force "$cid"
ok $? "delete --force (podman's delete) of a created container"
st=$("$VEIL" state "$cid" 2>&1)
has "$st" "does not exist" "state of a deleted container: 'does not exist' (podman greps it)"

cid=$(id nocg)
bundle nocg sh -c 'cat /proc/self/cgroup'
run_veil --cgroup-manager disabled run --bundle "$T/nocg" "$cid"
ok $rc "--cgroup-manager disabled run (podman --cgroups=disabled)" "$err"
hasnt "$out" "$cid" "no cgroup was made for the container"

# ---- flags callers pass that veil accepts and ignores -----------------------------------------------
cid=$(id flags)
bundle fl true
run_veil --criu /usr/sbin/criu --log-level=warning -debug=false run -no-subreaper --bundle "$T/fl" "$cid"
ok $rc "--criu P, --log-level, single-dash -debug=false, run -no-subreaper" "$err"
run_veil --bogus list
is "$rc" 1 "an unknown global flag fails"
has "$err" "flag provided but not defined: -bogus" "... in urfave/cli's words"

# ---- delete --force tolerates half-made containers -------------------------------------------------
cid=$(id half)
mkdir -p "$ROOT/$cid"
veil_ok "delete --force of a state directory without state.json (a create that died)" delete --force "$cid"
is "$(ls -d "$ROOT/$cid" 2>/dev/null)" "" "... removes it"
cid=$(id dead)
bundle dead sleep 100
veil_ok "create" create --bundle "$T/dead" --pid-file "$T/dead.pid" "$cid"
kill -9 "$(cat "$T/dead.pid")"
wait_status "$cid" stopped
veil_ok "delete --force of a created container whose init was killed" delete --force "$cid"
is "$(find /sys/fs/cgroup -maxdepth 3 -name "$cid" 2>/dev/null)" "" "... removes its cgroups"

done_testing
