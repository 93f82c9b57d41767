#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Shared by tests/security/*_test.sh: the container test library plus a
# snapshot of the host state a hostile bundle must not change.
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

mkdir -p "$ROOT" "$T/host"
# What lies outside every rootfs: attacks aim their symlinks here.
HOST=$T/host

# snapshot ROOTFS: host mounts (those of other tests running at the same time
# under /tmp left out: veil itself never mounts in the host namespace),
# the state root, the rootfs and $HOST, with types, modes and owners.
snapshot() {
	awk -v t="$T" '$5 ~ /^\/tmp\// && index($5, t) != 1 {next} {print $4, $5, $6, $(NF-2), $(NF-1)}' \
		/proc/self/mountinfo | sort
	echo "-- state"
	find "$ROOT" -printf '%P %y %m\n' | sort
	echo "-- rootfs"
	find "$1" -printf '%P %y %m %u:%g %s %l\n' | sort
	echo "-- host"
	find "$HOST" -printf '%P %y %m %u:%g %s %l\n' | sort
}

# hostile NAME DESC ERRTEXT [veil args]: `run` of bundle NAME must fail with
# ERRTEXT in its error, and leave mounts, state root, rootfs and $HOST as
# they were.
hostile() {
	local name=$1 desc=$2 want=$3; shift 3
	local before after
	before=$(snapshot "$T/$name/rootfs")
	run_veil run "$@" --bundle "$T/$name" "$(id "$name")"
	after=$(snapshot "$T/$name/rootfs")
	if [ "$rc" = 0 ]; then
		fail "$desc: refused" "it ran: $out"
	else
		has "$err" "$want" "$desc: refused ($(echo "$err" | tail -1))"
	fi
	if [ "$before" = "$after" ]; then
		pass "$desc: host, state root and rootfs unchanged"
	else
		fail "$desc: host, state root and rootfs unchanged" "$(diff <(echo "$before") <(echo "$after"))"
	fi
}
