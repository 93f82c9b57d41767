#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# demo.sh: installs what veil needs, builds it, makes a busybox bundle in a
# temporary directory and runs a container from it.  Run as root on Debian 12.
set -eu
cd "$(dirname "$0")/.."
./contrib/deps.sh build
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)"
veil=$(pwd)/build/cmd/veil/veil
demo=$(mktemp -d /tmp/veil-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT
./contrib/make-bundle.sh "$demo/bundle" sh -c \
	'echo "hello from $(hostname): pid $$, $(ls / | wc -l) entries in /, uid $(id -u)"; ip link show lo | head -1'
cd "$demo/bundle"
echo "+ veil run demo"
"$veil" --root "$demo/state" run demo
