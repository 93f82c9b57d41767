#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# create / start / state / kill / delete / list / run: runc's semantics.
. "$(dirname "$0")/lib.sh"

# ---- run in the foreground ---------------------------------------------------------
bundle b sh -c 'echo hello; exit 3'
run_veil run --bundle "$T/b" "$(id run1)"
is "$rc" 3 "run propagates the exit status"
is "$out" "hello" "the container writes to run's stdout"
is "$(ls "$ROOT")" "" "run removes the container afterwards"

cfg b 'c["process"]["args"] = ["sleep", "100"]'
"$VEIL" --root "$ROOT" run --bundle "$T/b" "$(id run2)" &
vpid=$!
wait_status "$(id run2)" running
"$VEIL" --root "$ROOT" kill "$(id run2)" KILL
wait $vpid
is "$?" 137 "a container killed by SIGKILL gives 128+9"

cfg b 'c["process"]["args"] = ["sh", "-c", "echo $$"]'
run_veil run --bundle "$T/b" "$(id run3)"
is "$out" 1 "the process is PID 1 in its pid namespace"

# --keep leaves a stopped container behind
cfg b 'c["process"]["args"] = ["true"]'
veil_ok "run --keep" run --keep --bundle "$T/b" "$(id keep)"
is "$(status_of "$(id keep)")" stopped "a kept container is stopped"
veil_ok "delete a stopped container" delete "$(id keep)"

# signals reach the container
cfg b 'c["process"]["args"] = ["sh", "-c", "trap \"echo got USR1; exit 7\" USR1; echo up; while :; do sleep 0.05; done"]'
"$VEIL" --root "$ROOT" run --bundle "$T/b" "$(id sig)" >"$T/sig.out" 2>&1 &
vpid=$!
for i in $(seq 200); do grep -q up "$T/sig.out" 2>/dev/null && break; sleep 0.02; done
kill -USR1 $vpid
wait $vpid
is "$?" 7 "run forwards a signal to the container and exits with its status"
has "$(cat "$T/sig.out")" "got USR1" "the container saw the forwarded signal"

# ---- create / start / state / kill / delete ------------------------------------------
cfg b 'c["process"]["args"] = ["sh", "-c", "echo started; sleep 100"]'
cid=$(id c1)
veil_ok "create" create --bundle "$T/b" --pid-file "$T/c1.pid" "$cid"
pidf=$(cat "$T/c1.pid")
is "$(status_of "$cid")" created "state: created after create"
is "$(pid_of "$cid")" "$pidf" "the pid file holds the init pid (no newline, host pid)"
is "$(tail -c1 "$T/c1.pid" | od -An -c | tr -d ' ')" "$(tail -c1 "$T/c1.pid" | od -An -c | tr -d ' ' | grep -v '\\n')" "the pid file has no trailing newline"
run_veil state "$cid"
for f in '"ociVersion"' '"id": "'"$cid"'"' '"bundle": "'"$T/b"'"' '"rootfs": "'"$T/b/rootfs"'"' '"created": "' '"owner": ""'; do
	has "$out" "$f" "state has $f"
done
python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out"
ok $? "state prints valid JSON"
veil_fails "a duplicate id fails" "already exists" create --bundle "$T/b" "$cid"
is "$(status_of "$cid")" created "the existing container is untouched by the duplicate"
veil_fails "delete without --force refuses nothing for created: it deletes" "" kill "$cid" 0 2>/dev/null || true
veil_ok "start" start "$cid"
wait_status "$cid" running
is "$(status_of "$cid")" running "state: running after start"
veil_fails "start twice fails" "cannot start" start "$cid"
veil_fails "delete of a running container needs --force" "is not stopped" delete "$cid"
run_veil list
has "$out" "$cid" "list shows the container"
run_veil list -f json
python3 -c 'import json,sys; a=json.loads(sys.argv[1]); assert a[0]["status"]=="running"' "$out"
ok $? "list -f json is a JSON array with the status"
run_veil list -q
is "$out" "$cid" "list -q prints the ids"
veil_ok "kill with a signal name without SIG" kill "$cid" KILL
wait_status "$cid" stopped
is "$(status_of "$cid")" stopped "state: stopped after SIGKILL"
is "$(pid_of "$cid")" 0 "a stopped container reports pid 0"
veil_fails "kill of a stopped container" "container not running" kill "$cid"
veil_ok "kill --all of a stopped container is not an error" kill --all "$cid" KILL
veil_ok "delete a stopped container" delete "$cid"
veil_fails "state of an unknown container" "does not exist" state "$cid"
veil_fails "kill of an unknown container" "does not exist" kill "$cid"
veil_ok "delete --force of an unknown container exits 0" delete --force "$cid"

# delete of a created container kills it
cid=$(id c2)
veil_ok "create c2" create --bundle "$T/b" "$cid"
p=$(pid_of "$cid")
veil_ok "delete a created container" delete "$cid"
sleep 0.1
[ -d /proc/$p ] && [ "$(awk '{print $3}' /proc/$p/stat)" != Z ] && r=1 || r=0
ok $r "deleting a created container kills its init"

# delete --force of a running one
cid=$(id c3)
veil_ok "create c3" create --bundle "$T/b" "$cid"
veil_ok "start c3" start "$cid"
veil_ok "delete --force of a running container" delete --force "$cid"
veil_fails "it is gone" "does not exist" state "$cid"

# numeric signals and SIG names
cfg b 'c["process"]["args"] = ["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.05; done"]'
cid=$(id c4)
veil_ok "create c4" create --bundle "$T/b" "$cid"
veil_ok "start c4" start "$cid"
veil_ok "kill with the default signal (SIGTERM)" kill "$cid"
wait_status "$cid" stopped; ok $? "SIGTERM stopped the container"
veil_ok "delete c4" delete "$cid"
cid=$(id c5)
veil_ok "create c5" create --bundle "$T/b" "$cid"
veil_ok "start c5" start "$cid"
veil_ok "kill with a number" kill "$cid" 9
wait_status "$cid" stopped; ok $? "signal 9 stopped the container"
veil_ok "kill with SIGKILL name" kill --all "$cid" SIGKILL
veil_fails "an unknown signal name" "unknown signal" kill "$cid" SIGFOO
veil_ok "delete c5" delete "$cid"

# run --detach behaves like create + start
cfg b 'c["process"]["args"] = ["sleep", "100"]'
cid=$(id d1)
veil_ok "run --detach" run --detach --bundle "$T/b" "$cid"
is "$(status_of "$cid")" running "run --detach returns with the container running"
veil_ok "delete --force d1" delete --force "$cid"

# invalid ids
veil_fails "an id with a slash is refused" "invalid container id" create --bundle "$T/b" "a/b"
veil_fails "the id .. is refused" "invalid container id" create --bundle "$T/b" ".."

# --log FILE --log-format json: one JSON object per line, errors also on stderr
run_veil --log "$T/log.json" --log-format json state "$(id nope)"
isnt "$rc" 0 "a failing command exits non-zero"
has "$err" "does not exist" "the error is also on stderr"
python3 - "$T/log.json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
last = objs[-1]
assert last["level"] == "error" and "does not exist" in last["msg"] and "time" in last, last
PY
ok $? "the log file holds a JSON error line {level,msg,time}"

done_testing
