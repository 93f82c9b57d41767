#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OCI hooks: all six kinds, their order, the state on stdin, the namespace
# each runs in, args/env, timeouts and failures.
. "$(dirname "$0")/lib.sh"

log=$T/hooks.log
# a hook program on the host: records its kind, the status and pid it got on
# stdin, its mount namespace and its args/env
cat >"$T/hook.sh" <<HOOK
#!/bin/sh
state=\$(cat)
status=\$(echo "\$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
pid=\$(echo "\$state" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
echo "\$1 status=\$status pid=\$pid mnt=\$(readlink /proc/self/ns/mnt) env=\$HOOKENV" >>$log
HOOK
chmod +x "$T/hook.sh"

bundle b sh -c 'echo main >>/hooklog-inside; sleep 0.2'
cfg b "
def h(kind, **kw):
    d = {'path': '$T/hook.sh', 'args': ['hook.sh', kind], 'env': ['HOOKENV=' + kind]}
    d.update(kw)
    return d
c['hooks'] = {
    'prestart': [h('prestart')],
    'createRuntime': [h('createRuntime1'), h('createRuntime2')],
    'createContainer': [h('createContainer')],
    'startContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat >/start-state; echo startContainer >>/hooklog-inside']}],
    'poststart': [h('poststart')],
    'poststop': [h('poststop')],
}
c['root']['readonly'] = False
"
cid=$(id h1)
veil_ok "create with every kind of hook" create --bundle "$T/b" "$cid"
initpid=$(pid_of "$cid")
is "$(cut -d' ' -f1 "$log" | tr '\n' ' ')" "prestart createRuntime1 createRuntime2 createContainer " \
	"create runs prestart, createRuntime (in order) and createContainer"
is "$(grep -c "status=created pid=$initpid" "$log")" 4 "create-time hooks get status created and the init pid on stdin"
is "$(grep prestart "$log" | sed 's/.*mnt=\([^ ]*\).*/\1/')" "$(readlink /proc/self/ns/mnt)" "prestart runs in the runtime's mount namespace"
is "$(grep createRuntime1 "$log" | sed 's/.*mnt=\([^ ]*\).*/\1/')" "$(readlink /proc/self/ns/mnt)" "createRuntime runs in the runtime's mount namespace"
is "$(grep createContainer "$log" | sed 's/.*mnt=\([^ ]*\).*/\1/')" "$(readlink /proc/$initpid/ns/mnt)" "createContainer runs in the container's mount namespace"
has "$(grep createRuntime2 "$log")" "env=createRuntime2" "a hook gets its own env and args"
veil_ok "start" start "$cid"
is "$(sed -n 5p "$log" | cut -d' ' -f1,2)" "poststart status=running" "poststart runs after start with status running"
wait_status "$cid" stopped
is "$(cat "$T/b/rootfs/hooklog-inside" | tr '\n' ' ')" "startContainer main " "startContainer runs inside the container before the process"
has "$(cat "$T/b/rootfs/start-state")" "\"id\":\"$cid\"" "startContainer gets the state on stdin"
veil_ok "delete" delete "$cid"
is "$(tail -1 "$log" | cut -d' ' -f1,2)" "poststop status=stopped" "poststop runs at delete with status stopped"

# a failing hook fails create, names the hook, leaves nothing behind
: >"$log"
cfg b "c['hooks'] = {'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 3']}]}"
veil_fails "a failing createRuntime hook fails create" "createRuntime hook /bin/sh exited with status 3" create --bundle "$T/b" "$(id fail1)"
is "$(ls "$ROOT")" "" "no state left after a failed hook"
cfg b "c['hooks'] = {'prestart': [{'path': '$T/no-such-hook'}]}"
veil_fails "a missing hook binary fails create" "prestart hook $T/no-such-hook" create --bundle "$T/b" "$(id fail2)"
cfg b "c['hooks'] = {'createContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'sleep 10'], 'timeout': 1}]}"
start=$(date +%s)
veil_fails "a hook over its timeout fails create" "timed out after 1 s" create --bundle "$T/b" "$(id fail3)"
[ $(($(date +%s) - start)) -lt 5 ]
ok $? "the timeout is enforced (the hook was killed)"

# poststart failure stops the container (runtime-spec 1.3); poststop failure is a warning
cfg b "c['hooks'] = {'poststart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 4']}]}; c['process']['args'] = ['sleep', '100']"
cid=$(id pst)
veil_ok "create for the poststart failure" create --bundle "$T/b" "$cid"
veil_fails "a failing poststart hook fails start" "poststart hook /bin/sh exited with status 4" start "$cid"
wait_status "$cid" stopped
ok $? "a failing poststart hook stops the container"
veil_ok "delete it" delete "$cid"
cfg b "c['hooks'] = {'poststop': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 5']}]}; c['process']['args'] = ['true']"
run_veil run --bundle "$T/b" "$(id pstop)"
is "$rc" 0 "a failing poststop hook does not fail delete"
has "$err" "poststop hook /bin/sh exited with status 5" "a failing poststop hook is reported as a warning"

done_testing
