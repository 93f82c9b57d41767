#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs one real-container test script (tests/integration/*_test.sh) on a pure
# cgroup v2 kernel, in the test VM: container_vm.sh SCRIPT VEIL TOOLS_DIR.
#
# Like cgroup_vm.sh: the VM shares the source and build trees at the same
# paths; VEIL_VM_RUN names the VM script (default: ../shared/vm/vm-run.sh next
# to the source tree), and a missing script is a failure, not a skip.
set -u

script=$(readlink -f "${1:?usage: container_vm.sh SCRIPT VEIL TOOLS_DIR}")
veil=$(readlink -f "${2:?usage: container_vm.sh SCRIPT VEIL TOOLS_DIR}")
tools=$(readlink -f "${3:?usage: container_vm.sh SCRIPT VEIL TOOLS_DIR}")
src=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
src=$(readlink -f "$src")
vm=${VEIL_VM_RUN:-$src/../shared/vm/vm-run.sh}

if [ ! -x "$vm" ]; then
	echo "not ok 1 - the cgroup v2 VM script was not found at $vm"
	echo "#   set VEIL_VM_RUN to the path of vm-run.sh"
	echo "1..1"
	exit 1
fi

shares=(--share "$src")
for d in "$(dirname "$veil")" "$tools"; do
	case "$d/" in
	"$src"/*) ;;
	*) shares+=(--share "$d") ;;
	esac
done

# TCG emulation is slow: the exec test takes about five minutes there
exec "$vm" --quiet --timeout "${VEIL_VM_TIMEOUT:-1500}" "${shares[@]}" \
	--env "VEIL=$veil" --env "VEIL_TOOLS=$tools" -- bash "$script"
