#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Why pivot_root is the default: a root process inside tries to leave its
# root, against a pivot_root container and a --no-pivot one (MS_MOVE of the
# rootfs over "/" + chroot).  The helper (tests/tools/chroot-escape.c)
# reports whether a file that exists only on the host is reachable after the
# attempt.
#  - climb (CAP_SYS_CHROOT): the classic chroot escape.  veil's --no-pivot
#    stacks the rootfs on the namespace's root, so ".." out of it lands on the
#    mount below and the kernel walks straight back into the rootfs: it fails
#    in both modes (a plain chroot into the rootfs path would not hold).
#  - setns (CAP_SYS_ADMIN + CAP_SYS_CHROOT): the host's root is still in a
#    --no-pivot container's mount namespace, under the rootfs: detaching "/"
#    and re-entering the namespace reaches it.  With pivot_root the old root
#    is gone from the namespace: nothing to reach.
. "$(dirname "$0")/sec_lib.sh"

MARKER=$HOST/only-on-the-host
touch "$MARKER"

bundle e /chroot-escape climb "$MARKER"
cp "$VEIL_TOOLS/chroot-escape" "$T/e/rootfs/chroot-escape"
cfg e "c['root']['readonly'] = False
c['process']['capabilities'] = {k: ['CAP_SYS_CHROOT'] for k in ('bounding', 'effective', 'permitted')}"

run_veil run --bundle "$T/e" "$(id e1)"
is "$out" "CONFINED: $MARKER: No such file or directory" "climb: confined by pivot_root" "$err"
run_veil run --no-pivot --bundle "$T/e" "$(id e2)"
is "$out" "CONFINED: $MARKER: No such file or directory" "climb: confined with --no-pivot too (the rootfs is stacked on the namespace root)" "$err"

cfg e "c['process']['args'] = ['/chroot-escape', 'setns', '$MARKER']
c['process']['capabilities'] = {k: ['CAP_SYS_CHROOT', 'CAP_SYS_ADMIN'] for k in ('bounding', 'effective', 'permitted')}"
run_veil run --no-pivot --bundle "$T/e" "$(id e3)"
is "$out" "ESCAPED" "setns: a --no-pivot container reaches the host's root (why pivot_root is the default)" "$err"
run_veil run --bundle "$T/e" "$(id e4)"
is "$(echo "$out" | tail -1)" "CONFINED: $MARKER: No such file or directory" "setns: confined by pivot_root (the old root is gone)" "$err"

# the classic escape does work against a plain chroot: the helper is sound
mkdir -p "$T/plain"
cp "$VEIL_TOOLS/chroot-escape" "$T/plain/"
out=$(chroot "$T/plain" /chroot-escape climb "$MARKER")
is "$out" "ESCAPED" "control: climb escapes a plain chroot(2)"

done_testing
