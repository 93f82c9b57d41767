#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Symlinks planted in the image, for every kind of path veil touches (mount
# targets, mkdir, mknod, /dev setup, /dev/console, masked and read-only
# paths, cwd), aimed at "/", /etc, ../../.. and /proc: veil must never touch
# a host path through them (CVE-2018-15664 class, CVE-2019-18837,
# CVE-2021-30465, CVE-2024-45310, CVE-2025-31133, CVE-2025-52565,
# CVE-2026-41579).
. "$(dirname "$0")/sec_lib.sh"

UP=../../../../../../../../../..   # enough ".." to reach the host's / from any rootfs path
TAG=veil-itest-$$
echo secret >"$HOST/secret.txt"
mkdir -p "$HOST/dev" "$HOST/wd" "$HOST/rodir" && touch "$HOST/wd/hostonly"
host_before=$(snapshot "$HOST")

# ---- mount targets: climbing, absolute and /etc symlinks --------------------------
bundle t sh -c "ls -d /mnt/t /mnt/f /etc/$TAG-evil /etc/$TAG-x && cat /etc/$TAG-x"
echo bound >"$T/bindsrc"
ln -s "$UP$HOST" "$T/t/rootfs/mnt"
mkdir -p "$T/t/rootfs$HOST"	# the symlink's target, inside the rootfs
ln -s / "$T/t/rootfs/esc"
ln -s /etc "$T/t/rootfs/cfg"
cfg t "c['mounts'] += [
 {'destination': '/mnt/t', 'type': 'tmpfs', 'source': 'tmpfs'},
 {'destination': '/mnt/f', 'type': 'bind', 'source': '$T/bindsrc', 'options': ['bind']},
 {'destination': '/esc/etc/$TAG-evil', 'type': 'tmpfs', 'source': 'tmpfs'},
 {'destination': '/cfg/$TAG-x', 'type': 'bind', 'source': '$T/bindsrc', 'options': ['bind', 'ro']}]"
run_veil run --bundle "$T/t" "$(id t)"
is "$rc" 0 "mount targets behind symlinks are resolved inside the rootfs" "$err"
has "$out" bound "the bind through /cfg -> /etc landed on the container's /etc"
[ -d "$T/t/rootfs$HOST/t" ] && [ -f "$T/t/rootfs$HOST/f" ]; ok $? "../../.. symlink: targets were created inside the rootfs"
[ ! -e "/etc/$TAG-evil" ] && [ ! -e "/etc/$TAG-x" ]; ok $? "symlinks to / and /etc: nothing created in the host's /etc"
[ -d "$T/t/rootfs/etc/$TAG-evil" ] && [ -f "$T/t/rootfs/etc/$TAG-x" ]; ok $? "... they were created in the rootfs's /etc"
rm -rf "/etc/$TAG-evil" "/etc/$TAG-x"

# ---- symlinks into /proc: refused ------------------------------------------------
bundle p
ln -s /proc/sys/kernel "$T/p/rootfs/data"
cfg p "c['mounts'] += [{'destination': '/data', 'type': 'tmpfs', 'source': 'tmpfs'}]"
hostile p "a mount target that is a symlink into /proc" "mounts[7] (/data): the destination /data resolves into /proc"
rm "$T/p/rootfs/data"; ln -s ../proc/self "$T/p/rootfs/data"
cfg p "c['mounts'][7] = {'destination': '/data/attr', 'type': 'bind', 'source': '$T/bindsrc', 'options': ['bind']}"
hostile p "a bind target reached through a relative symlink into /proc/self" "resolves into /proc"
rm "$T/p/rootfs/data"
rmdir "$T/p/rootfs/proc"; ln -s "$UP$HOST" "$T/p/rootfs/proc"
cfg p "c['mounts'].pop()"
hostile p "/proc in the image is a symlink" "mounts[0] (/proc): the destination /proc is a symlink in the rootfs"
rm "$T/p/rootfs/proc"; mkdir "$T/p/rootfs/proc"
rmdir "$T/p/rootfs/sys"; ln -s / "$T/p/rootfs/sys"
hostile p "/sys in the image is a symlink to /" "the destination /sys is a symlink in the rootfs"
rm "$T/p/rootfs/sys"; mkdir "$T/p/rootfs/sys"
ln -s /proc/sys "$T/p/rootfs/sys/fs" 2>/dev/null || { mkdir -p "$T/p/rootfs/sys"; ln -s /proc/sys "$T/p/rootfs/sys/fs"; }
cfg p "c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/sys']"
hostile p "a path under /sys through a symlink (/sys/fs -> /proc/sys)" "mounts[5] (/sys/fs/cgroup): the destination /sys/fs/cgroup is a symlink in the rootfs"

# ---- mkdir through a dangling symlink ----------------------------------------------
bundle m
ln -s "$UP$HOST/made" "$T/m/rootfs/a"
cfg m "c['mounts'] += [{'destination': '/a/b/c', 'type': 'tmpfs', 'source': 'tmpfs'}]"
hostile m "mkdir of a target below a dangling ../../.. symlink" "mounts[7] (/a/b/c): mkdir /a in the container root: No such file or directory"
[ ! -e "$HOST/made" ]; ok $? "nothing was made on the host side of the symlink"

# ---- /dev: mknod and symlinks when /dev is not a tmpfs --------------------------------
bundle d sh -c 'stat -c "%F %t:%T" /dev/null /dev/zero'
cfg d "c['mounts'] = [m for m in c['mounts'] if not m['destination'].startswith('/dev')]"
rm -rf "$T/d/rootfs/dev"; ln -s "$UP$HOST/dev" "$T/d/rootfs/dev"
mkdir -p "$T/d/rootfs$HOST/dev"
run_veil run --bundle "$T/d" "$(id d)"
is "$rc" 0 "a /dev symlinked towards the host: set up inside the rootfs" "$err"
is "$(ls -A "$HOST/dev")" "" "no node or symlink was made in the host directory"
[ -c "$T/d/rootfs$HOST/dev/null" ] && [ -L "$T/d/rootfs$HOST/dev/ptmx" ]; ok $? "the nodes and symlinks are in the rootfs"
rm -f "$T/d/rootfs/dev"; mkdir "$T/d/rootfs/dev"
ln -s /proc/sys/kernel/core_pattern "$T/d/rootfs/dev/null"
ln -s "$HOST/secret.txt" "$T/d/rootfs/dev/zero"
core=$(cat /proc/sys/kernel/core_pattern)
run_veil run --bundle "$T/d" "$(id d2)"
is "$rc" 0 "/dev/null -> core_pattern and /dev/zero -> a host file in the image" "$err"
is "$(echo "$out" | tr '\n' ' ')" "character special file 1:3 character special file 1:5 " "the planted symlinks were replaced by the real nodes"
is "$(cat /proc/sys/kernel/core_pattern)" "$core" "the host's core_pattern is untouched"
is "$(cat "$HOST/secret.txt")" secret "the host file is untouched"

# ---- masked paths and /dev/null ---------------------------------------------------------
bundle k sh -c 'cat /secret; echo "[$(cat /proc/keys | head -c 10)]"'
ln -s "$UP$HOST/secret.txt" "$T/k/rootfs/secret"
echo inside >"$T/k/rootfs/inside-secret" && mkdir -p "$T/k/rootfs$HOST" && echo decoy >"$T/k/rootfs$HOST/secret.txt"
cfg k "c['linux']['maskedPaths'].append('/secret')"
run_veil run --bundle "$T/k" "$(id k)"
is "$rc" 0 "a masked path that is a ../../.. symlink" "$err"
is "$out" "[]" "it masks the file inside the rootfs; /proc/keys is masked"
is "$(cat "$HOST/secret.txt")" secret "the host file is untouched"
# /dev bound from the host, its null a symlink to core_pattern (CVE-2025-31133)
mkdir -p "$HOST/fakedev" && ln -s /proc/sys/kernel/core_pattern "$HOST/fakedev/null"
cfg k "c['mounts'] = [m for m in c['mounts'] if not m['destination'].startswith('/dev')] + [
 {'destination': '/dev', 'type': 'bind', 'source': '$HOST/fakedev', 'options': ['rbind']}]"
hostile k "masking with a /dev/null that is a symlink to core_pattern" "/dev/null"
is "$(cat /proc/sys/kernel/core_pattern)" "$core" "core_pattern is untouched"
rm "$HOST/fakedev/null" && mknod "$HOST/fakedev/null" c 1 5
hostile k "masking with a /dev/null that is another device (1:5)" "/dev/null in the container is not the null device (1:3)"
rm -rf "$HOST/fakedev"

# ---- read-only paths ------------------------------------------------------------------
bundle r sh -c 'touch /rolink/x 2>/dev/null && echo WROTE; ls /rolink'
mkdir -p "$T/r/rootfs$HOST/rodir" && touch "$T/r/rootfs$HOST/rodir/inside"
ln -s "$UP$HOST/rodir" "$T/r/rootfs/rolink"
cfg r "c['root']['readonly'] = False; c['linux']['readonlyPaths'].append('/rolink')"
run_veil run --bundle "$T/r" "$(id r)"
is "$out" inside "a readonly path behind a ../../.. symlink is the rootfs's, read-only"
is "$(ls -A "$HOST/rodir")" "" "the host directory is untouched"

# ---- cwd ----------------------------------------------------------------------------
bundle w sh -c 'pwd; ls'
ln -s "$UP$HOST/wd" "$T/w/rootfs/wd"
mkdir -p "$T/w/rootfs$HOST/wd" && touch "$T/w/rootfs$HOST/wd/rootfs-only"
cfg w "c['process']['cwd'] = '/wd'"
run_veil run --bundle "$T/w" "$(id w)"
is "$(echo "$out" | tr '\n' ' ')" "$HOST/wd rootfs-only " "a cwd symlink towards the host is resolved inside the root"

# ---- /dev/console (terminal) --------------------------------------------------------
bundle c sh -c 'stat -c "%F %t" /dev/console; cat /etc/target'
cfg c "c['process']['terminal'] = True
c['mounts'] = [m for m in c['mounts'] if m['destination'] not in ('/dev',)]"
echo target-content >"$T/c/rootfs/etc/target"
ln -s /etc/target "$T/c/rootfs/dev/console"
"$VEIL_TOOLS/console-receiver" "$T/console.sock" "$T/console.out" >"$T/recv.out" &
rpid=$!
for i in $(seq 100); do grep -q ready "$T/recv.out" 2>/dev/null && break; sleep 0.02; done
run_veil run --console-socket "$T/console.sock" --bundle "$T/c" "$(id c)"
wait $rpid
is "$rc" 0 "terminal with /dev/console a symlink to /etc/target in the image" "$err"
con=$(tr -d '\r' <"$T/console.out")
has "$con" "character special file 88" "/dev/console is the pty (major 136 = 0x88)"
has "$con" "target-content" "the symlink's target was not mounted over"
is "$(cat "$T/c/rootfs/etc/target")" target-content "the target file is untouched"

is "$(snapshot "$HOST" | sed -n '/^-- host/,$p')" "$(echo "$host_before" | sed -n '/^-- host/,$p')" "the host side ($HOST) is exactly as before"
done_testing
