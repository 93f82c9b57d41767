#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Terminals: the pty master over --console-socket (runc's wire format), the
# console size, /dev/console, the terminal rules, and `run` relaying a pty.
. "$(dirname "$0")/lib.sh"
RECV=${VEIL_TOOLS:?}/console-receiver

bundle b sh -c 'tty; stty size; ls -l /dev/console | cut -c1; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; ps -o pid,tty | tail -1 | tr -s " "'
cfg b 'c["process"]["terminal"] = True; c["process"]["consoleSize"] = {"height": 33, "width": 101}'
sock=$T/console.sock
"$RECV" "$sock" "$T/tty.out" >"$T/recv.ready" 2>"$T/recv.err" &
rpid=$!
for i in $(seq 100); do [ -s "$T/recv.ready" ] && break; sleep 0.02; done
cid=$(id tty1)
veil_ok "create with a console socket" create --bundle "$T/b" --console-socket "$sock" "$cid"
veil_ok "start" start "$cid"
wait $rpid
ok $? "the receiver got exactly one fd, a terminal, in one SCM_RIGHTS message" "$(cat "$T/recv.err")"
out=$(tr -d '\r' <"$T/tty.out")
has "$out" "/dev/pts/0" "the process's terminal is a pty of the container's devpts"
has "$out" "33 101" "process.consoleSize is applied"
has "$out" "c" "/dev/console is the pty (a character device)"
has "$out" "all-tty" "stdin, stdout and stderr are the terminal"
wait_status "$cid" stopped
veil_ok "delete" delete "$cid"

# runc's terminal rules
veil_fails "terminal without --console-socket when detached" "console-socket" create --bundle "$T/b" "$(id tty2)"
bundle nt true
veil_fails "--console-socket without terminal" "process.terminal is false" create --bundle "$T/nt" --console-socket "$sock" "$(id tty3)"
is "$(ls "$ROOT")" "" "nothing left by the refused creates"

# a console socket nobody listens on
cid=$(id tty4)
veil_fails "a console socket that refuses" "console socket" create --bundle "$T/b" --console-socket "$T/nobody.sock" "$cid"

# a very long console socket path (> 108 bytes) works
long=$T/$(printf 'd%.0s' $(seq 120))
mkdir -p "$long"
"$RECV" "$long/c.sock" "$T/tty2.out" >"$T/recv2.ready" 2>"$T/recv2.err" &
rpid=$!
sleep 0.2
cid=$(id tty5)
run_veil run --detach --bundle "$T/b" --console-socket "$long/c.sock" "$cid"
ok $rc "a console socket path longer than sun_path" "$err"
wait $rpid
has "$(cat "$T/tty2.out")" "/dev/pts/0" "the pty arrived through the long path"
wait_status "$cid" stopped
veil_ok "delete" delete "$cid"

# run in the foreground relays the terminal (driven by script(1) as the user's tty)
if command -v script >/dev/null; then
	cfg b 'c["process"]["args"] = ["sh", "-c", "read x; echo got:$x; tty"]'
	printf 'hello\n' | script -qec "$VEIL --root $ROOT run --bundle $T/b $(id tty6)" /dev/null >"$T/fg.out" 2>&1
	out=$(tr -d '\r' <"$T/fg.out")
	has "$out" "got:hello" "run relays input to the container's terminal"
	has "$out" "/dev/pts/0" "run gives the container a terminal of its own"
else
	fail "script(1) is needed (apt-get install -y bsdutils)"
fi

done_testing
