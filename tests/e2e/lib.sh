#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Shared helpers for the engine tests (TAP): veil under containerd and podman,
# each started by the test itself with private state under $T.  Builds on the
# integration library (TAP helpers, $T, leak checks):
#
#   . "$(dirname "$0")/lib.sh"
#   need containerd ctr
#   e2e_image                      # $IMAGE_TAR: OCI archive of a busybox image
#   ctd_start                      # containerd (containerd_test.sh)
#   pm_setup                       # podman (podman_test.sh)
#   ...
#   e2e_done                       # stops what was started, checks for leaks
#
# Whatever happens (a failed check, a Bail out, ^C), the EXIT trap stops the
# daemons, unmounts what is left under $T and removes what the engines made
# outside it.
set -u
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(cd "$E2E_DIR/../.." && pwd)
# shellcheck source=../integration/lib.sh
. "$E2E_DIR/../integration/lib.sh"

IMAGE=localhost/veil-busybox:e2e
IMAGE_TAR=$T/busybox-oci.tar

need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			{ echo "Bail out! $c is missing (contrib/deps.sh test installs it)"; exit 1; }
	done
}
need python3 script timeout

# Directories the engines create outside $T whatever they are told; removed
# at the end when they did not exist before.
_host_paths="/run/containerd /var/lib/containers /run/libpod /run/containers /run/netns /var/lib/cni /run/runc"
_host_new=""
for _p in $_host_paths; do [ -e "$_p" ] || _host_new="$_host_new $_p"; done
unset _p

# ---- teardown ------------------------------------------------------------------------
_teardown=()
# at_teardown CMD: run CMD (a function name) at the end, last registered first.
at_teardown() { _teardown=("$1" "${_teardown[@]}"); }
_torn_down=0
e2e_teardown() {
	[ "$_torn_down" = 1 ] && return
	_torn_down=1
	local f
	for f in "${_teardown[@]}"; do "$f" || true; done
	# mounts the engines left under $T (checked on the normal path), deepest first
	local m left
	left=$(awk -v t="$T" 'index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	[ "${_checking:-0}" = 1 ] && is "$left" "" "the engines left no mount behind"
	for m in $left; do
		umount -l "$m" 2>/dev/null
	done
	local p
	for p in $_host_new; do
		[ -e "$p" ] && rm -rf "$p"
	done
}
trap 'e2e_teardown; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# e2e_done: stops the engines, then the integration library's leak checks.
e2e_done() {
	_checking=1
	e2e_teardown
	done_testing
}

# kill_pids PID...: SIGKILL the given processes (ours, by pid) and wait.
kill_pids() {
	local p
	for p in "$@"; do kill -KILL "$p" 2>/dev/null; done
	for p in "$@"; do
		while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
	done
}

# cgroup_parent_check NAME: after the engine removed its containers, the
# engine's parent cgroup NAME (a top-level directory in every hierarchy) must
# have no container left below it except the engine's own (conmon); then it
# is removed, as the engine leaves it.
cgroup_parent_check() {
	local name=$1 d left=""
	for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
		[ -d "$d" ] || continue
		left="$left$(find "$d" -mindepth 1 -maxdepth 1 -type d ! -name conmon)"
	done
	is "$left" "" "no container cgroup left below /$name"
	# whatever still runs there (an engine that died before it could clean
	# up leaves its containers behind) is this test's: kill it, then rmdir
	local pids
	# shellcheck disable=SC2046
	pids=$(cat $(find /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name" -name cgroup.procs 2>/dev/null) 2>/dev/null | sort -u)
	if [ -n "$pids" ]; then
		diag "killing what was left in /$name: $(echo $pids)"
		# shellcheck disable=SC2086
		kill_pids $pids
	fi
	for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
}

# ---- the image -----------------------------------------------------------------------
e2e_image() {
	python3 "$E2E_DIR/mkimage.py" "$BUSYBOX" "$IMAGE_TAR" "$IMAGE" ||
		{ echo "Bail out! cannot build the busybox image"; exit 1; }
}

# ---- timing --------------------------------------------------------------------------
now_ms() { date +%s%3N; }
# timed VAR CMD...: runs CMD, its duration in ms in VAR; status of CMD.
timed() {
	local __v=$1 __t0 __r
	shift
	__t0=$(now_ms)
	"$@"
	__r=$?
	printf -v "$__v" '%s' $(($(now_ms) - __t0))
	return $__r
}

# capture CMD...: stdout in $out, stderr in $err, status in $rc (stdin /dev/null).
capture() {
	"$@" >"$T/.out" 2>"$T/.err" </dev/null
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
	return $rc
}

# in_tty SECONDS CMD...: runs CMD with a pseudo-terminal as its stdio (script(1)),
# killed after SECONDS; output in $out, status in $rc (124 on timeout).
# CMD must stay in the terminal's foreground process group, or its first
# tcsetattr stops it with SIGTTOU: timeout runs with --foreground and is exec'd
# by the shell script(1) starts. That shell is set to bash (script runs $SHELL,
# unset in some environments), which also reads the printf %q quoting.
in_tty() {
	local limit=$1 cmd
	shift
	printf -v cmd '%q ' "$@"
	SHELL=/bin/bash script -qefc "exec timeout --foreground -k 10 $limit $cmd" /dev/null \
		</dev/null >"$T/.out" 2>&1
	rc=$?
	out=$(tr -d '\r\0' <"$T/.out")
	return $rc
}

# wait_for SECONDS CMD...: polls CMD every 50 ms until it succeeds.
wait_for() {
	local limit=$(($1 * 20)) i=0
	shift
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.05
	done
}
