#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs a real-container test script (TAP, see lib.sh) on a pure cgroup v2
# kernel, in the test VM.  Usage: in_vm.sh SCRIPT [ARGS...]
#
# The VM sees the host's root file system and shares the source tree and the
# build tree (the directories of SCRIPT and of $VEIL) at the same paths, so
# the binaries built on the host run there as they are; nothing is built in
# the VM.  VEIL and VEIL_TOOLS are passed on.  VEIL_VM_RUN names the VM
# script (default: ../shared/vm/vm-run.sh next to the source tree); a
# missing script is a failure, not a skip: this lane is the only proof of
# the cgroup v2 code.
set -u

script=$(readlink -f "${1:?usage: in_vm.sh SCRIPT [ARGS...]}")
shift
src=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
src=$(readlink -f "$src")
vm=${VEIL_VM_RUN:-$src/../shared/vm/vm-run.sh}
veil=$(readlink -f "${VEIL:?set VEIL to the veil binary}")

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
for d in "$(dirname "$veil")" ${VEIL_TOOLS:+"$VEIL_TOOLS"}; do
	case "$d/" in
	"$src"/*) ;;
	*) shares+=(--share "$d") ;;
	esac
done
envs=(--env "VEIL=$veil")
[ -n "${VEIL_TOOLS:-}" ] && envs+=(--env "VEIL_TOOLS=$VEIL_TOOLS")

start=$(date +%s)
"$vm" --quiet --timeout "${VEIL_VM_TIMEOUT:-600}" --mem 2G "${shares[@]}" "${envs[@]}" -- \
	bash "$script" "$@"
rc=$?
echo "# in the VM: $(basename "$script") took $(($(date +%s) - start)) s (boot included)"
exit $rc
