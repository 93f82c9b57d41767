#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make-bundle.sh DIR [ARGS...]: an OCI bundle with a busybox-static rootfs and
# the config.json of `veil spec`, running ARGS (default: sh) without a terminal.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 DIR [ARGS...]" >&2; exit 2; }
dir=$1; shift
[ $# -gt 0 ] || set -- sh
veil=$(readlink -f "${VEIL:-$(dirname "$0")/../build/cmd/veil/veil}")
bb=/bin/busybox
if [ ! -x "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
	echo "a static busybox is needed: apt-get install -y busybox-static" >&2
	exit 1
fi
mkdir -p "$dir"/rootfs/{bin,proc,sys,dev,tmp,etc,root}
chmod 1777 "$dir/rootfs/tmp"
cp "$bb" "$dir/rootfs/bin/busybox"
for a in $("$dir/rootfs/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/rootfs/etc/passwd"
echo 'root:x:0:' >"$dir/rootfs/etc/group"
rm -f "$dir/config.json"
(cd "$dir" && "$veil" spec)
args=""
for a in "$@"; do
	esc=$(printf '%s' "$a" | sed 's/\\/\\\\/g; s/"/\\"/g')
	args="$args${args:+, }\"$esc\""
done
# `veil spec` writes one key per line: swap the args block, turn the terminal off
ARGS="$args" awk '
	/^    "args": \[/ { print "    \"args\": [" ENVIRON["ARGS"] "],"; skip = 1; next }
	skip && /^    \],/ { skip = 0; next }
	skip { next }
	{ sub(/"terminal": true/, "\"terminal\": false"); print }
' "$dir/config.json" >"$dir/config.json.new"
mv "$dir/config.json.new" "$dir/config.json"
