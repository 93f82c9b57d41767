#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# deps.sh [build|test]: installs, from Debian's apt repositories, what veil
# needs to build (and, with "test", to run every test suite).  Run as root.
set -eu
# musl-tools: the veil binary is linked against musl where it is installed
# (glibc's start-up alone costs more CPU than a `veil delete`; cmd/veil/CMakeLists.txt)
want="build-essential cmake pkg-config libyajl-dev libseccomp-dev musl-tools busybox-static"
if [ "${1:-build}" = test ]; then
	want="$want check python3 python3-jsonschema jq clang iproute2 procps util-linux strace perl"
	# the engine tests (tests/e2e): containerd with its runc shim, podman and conmon;
	# script(1) from bsdutils gives them a terminal
	want="$want containerd podman conmon bsdutils"
fi
missing=""
for p in $want; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing || {
	apt-get update
	apt-get install -y --no-install-recommends $missing
}
