#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs tests/integration/cgroup.sh on a pure cgroup v2 kernel, in the test VM.
# Usage: cgroup_vm.sh PATH/TO/cgroup_tool
#
# The VM shares the source and build trees at the same paths, so the tool
# built on the host runs there as is.  VEIL_VM_RUN names the VM script
# (default: ../shared/vm/vm-run.sh next to the source tree); a missing script
# is a failure, not a skip: this lane is the only proof of the v2 code.
set -u

tool=$(readlink -f "${1:?usage: cgroup_vm.sh PATH/TO/cgroup_tool}")
src=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
src=$(readlink -f "$src")
vm=${VEIL_VM_RUN:-$src/../shared/vm/vm-run.sh}

if [ ! -x "$vm" ]; then
	echo "not ok 1 - the cgroup v2 VM script was not found at $vm"
	echo "#   set VEIL_VM_RUN to the path of vm-run.sh"
	echo "1..1"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "not ok 1 - the cgroup v2 VM lane needs root (vm-run.sh uses 9p shares and /var/cache)"
	echo "1..1"
	exit 1
fi

shares=(--share "$src")
build=$(dirname "$tool")
case "$build/" in
"$src"/*) ;;
*) shares+=(--share "$build") ;;
esac

# TCG emulation is slow: a generous timeout, the test itself takes well under a minute
exec "$vm" --quiet --timeout "${VEIL_VM_TIMEOUT:-600}" "${shares[@]}" -- \
	bash "$src/tests/integration/cgroup.sh" "$tool"
