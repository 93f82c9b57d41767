#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Mount semantics: options, propagation, recursive attributes, binds of files
# and directories, targets created, tmpcopyup, overlay, idmapped mounts,
# devices, masked/read-only paths, sysctl, the cgroup mount.
. "$(dirname "$0")/lib.sh"

# mnt_opts DEST: the per-mount options of DEST in the container's mountinfo
MNT='mnt() { awk -v d="$1" '"'"'$5==d{print $6}'"'"' /proc/self/mountinfo | tail -1; };
prop() { awk -v d="$1" '"'"'$5==d{s="";for(i=7;$i!="-";i++)s=s" "$i;print s}'"'"' /proc/self/mountinfo | tail -1; };'

# in_ctr NAME SCRIPT: run SCRIPT with sh in bundle NAME; $out/$err/$rc
in_ctr() {
	cfg "$1" "c['process']['args'] = ['sh', '-c', '''$MNT'''+'\n'+r'''$2''']"
	run_veil run --bundle "$T/$1" "$(id "$1")"
}

# ---- bind mounts: directories, files, targets created -----------------------------
mkdir -p "$T/hostdir" && echo data >"$T/hostdir/f" && echo file >"$T/hostfile"
bundle b
cfg b "c['mounts'] += [
 {'destination': '/mnt/ro', 'type': 'bind', 'source': '$T/hostdir', 'options': ['bind', 'ro']},
 {'destination': '/mnt/rw', 'type': 'bind', 'source': '$T/hostdir', 'options': ['rbind', 'rw']},
 {'destination': '/new/deep/file', 'type': 'bind', 'source': '$T/hostfile', 'options': ['bind', 'ro']},
 {'destination': '/new/dir', 'type': 'none', 'source': '$T/hostdir', 'options': ['bind']}]"
in_ctr b 'cat /mnt/ro/f; touch /mnt/ro/x 2>/dev/null && echo WROTE; mnt /mnt/ro; touch /mnt/rw/w && echo rw-ok;
cat /new/deep/file; [ -f /new/deep/file ] && echo is-file; [ -d /new/dir ] && cat /new/dir/f'
is "$rc" 0 "binds: the container runs"
is "$(echo "$out" | sed -n 1p)" data "a bind of a directory shows the host files"
hasnt "$out" WROTE "a ro bind cannot be written"
has "$(echo "$out" | sed -n 2p)" "ro," "a ro bind is ro in mountinfo"
has "$out" rw-ok "an rw rbind can be written"
[ -f "$T/hostdir/w" ]; ok $? "writes through the rw bind reach the host directory"
rm -f "$T/hostdir/w"
has "$out" "file
is-file" "a bind of a file lands on a created file (missing parents made)"
has "$out" "data" "a bind onto a missing directory creates it"
[ -f "$T/b/rootfs/new/deep/file" ] && [ -d "$T/b/rootfs/new/dir" ]; ok $? "targets created in the rootfs as file and directory"

# ---- read-only bind remount keeps the source's other flags -----------------------
mkdir -p "$T/flagsrc"
mount -t tmpfs -o nosuid,nodev,noexec,size=1m tmpfs "$T/flagsrc" && mkdir "$T/flagsrc/d"
cfg b "c['mounts'] = c['mounts'][:7] + [
 {'destination': '/mnt/keep', 'type': 'bind', 'source': '$T/flagsrc/d', 'options': ['bind', 'ro']},
 {'destination': '/mnt/clear', 'type': 'bind', 'source': '$T/flagsrc/d', 'options': ['bind', 'ro', 'exec']}]"
in_ctr b 'mnt /mnt/keep; mnt /mnt/clear'
l1=$(echo "$out" | sed -n 1p); l2=$(echo "$out" | sed -n 2p)
case "$l1" in ro,nosuid,nodev,noexec*) pass "ro bind of a nosuid,nodev,noexec source keeps those flags ($l1)" ;; *) fail "ro bind keeps flags" "$l1" "$err" ;; esac
case "$l2" in ro,nosuid,nodev,r*) hasnt "$l2" noexec "an explicit exec clears the source's noexec ($l2)" ;; *) fail "exec clears noexec" "$l2" "$err" ;; esac

# ---- recursive binds and recursive attributes ------------------------------------
mkdir -p "$T/flagsrc/d/sub"
mount -t tmpfs -o size=1m tmpfs "$T/flagsrc/d/sub"
cfg b "c['mounts'] = c['mounts'][:7] + [
 {'destination': '/r/plain', 'type': 'bind', 'source': '$T/flagsrc/d', 'options': ['rbind', 'ro']},
 {'destination': '/r/rro', 'type': 'bind', 'source': '$T/flagsrc/d', 'options': ['rbind', 'rro', 'rnosymfollow']},
 {'destination': '/r/norec', 'type': 'bind', 'source': '$T/flagsrc/d', 'options': ['bind']}]"
in_ctr b 'mnt /r/plain/sub; mnt /r/rro/sub; mnt /r/rro; [ -z "$(mnt /r/norec/sub)" ] && echo no-submount'
is "$rc" 0 "recursive binds: the container runs"
case "$(echo "$out" | sed -n 1p)" in rw,*) pass "ro on an rbind applies to the top mount only" ;; *) fail "ro is not recursive" "$out" ;; esac
case "$(echo "$out" | sed -n 2p)" in ro,*nosymfollow*) pass "rro/rnosymfollow reach the submount" ;; *) fail "rro reaches the submount" "$out" "$err" ;; esac
case "$(echo "$out" | sed -n 3p)" in ro,*nosymfollow*) pass "rro/rnosymfollow on the top mount" ;; *) fail "rro on top" "$out" ;; esac
has "$out" no-submount "a plain bind does not carry submounts"
umount "$T/flagsrc/d/sub"; umount "$T/flagsrc"

# ---- propagation -----------------------------------------------------------------
cfg b "c['mounts'] = c['mounts'][:7] + [
 {'destination': '/p/shared', 'type': 'bind', 'source': '$T/hostdir', 'options': ['bind', 'shared']},
 {'destination': '/p/private', 'type': 'bind', 'source': '$T/hostdir', 'options': ['bind', 'rprivate']},
 {'destination': '/p/unbindable', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['unbindable']},
 {'destination': '/p/slave', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['shared']}]"
in_ctr b 'prop /p/shared; echo "|"; prop /p/private; echo "|"; prop /p/unbindable; echo "|"; prop /p/slave'
has "$(echo "$out" | sed -n 1p)" "shared:" "shared propagation"
is "$(echo "$out" | sed -n 3p)" "" "private propagation has no peer group"
has "$(echo "$out" | sed -n 5p)" "unbindable" "unbindable propagation"
has "$(echo "$out" | sed -n 7p)" "shared:" "propagation applies to new filesystems too"

# ---- filesystem flags and data ----------------------------------------------------
cfg b "c['mounts'] = c['mounts'][:7] + [
 {'destination': '/t/a', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid', 'nodev', 'noexec', 'noatime', 'mode=710', 'size=2m', 'uid=7']},
 {'destination': '/t/b', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['ro', 'strictatime', 'nosymfollow', 'sync', 'dirsync']},
 {'destination': '/t/c', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['noexec', 'exec', 'rnodev']}]"
in_ctr b 'mnt /t/a; stat -c "%a %u" /t/a; df -k /t/a | tail -1 | awk "{print \$2}"; mnt /t/b; awk "\$5==\"/t/b\"{print \$NF}" /proc/self/mountinfo; mnt /t/c'
is "$rc" 0 "fs mounts: the container runs" "$err"
case "$(echo "$out" | sed -n 1p)" in rw,nosuid,nodev,noexec,noatime*) pass "nosuid,nodev,noexec,noatime on a tmpfs" ;; *) fail "fs flags" "$out" ;; esac
is "$(echo "$out" | sed -n 2p)" "710 7" "fs data mode= and uid= reach the filesystem"
is "$(echo "$out" | sed -n 3p)" 2048 "fs data size= reaches the filesystem"
case "$(echo "$out" | sed -n 4p)" in ro,*nosymfollow*) pass "ro and nosymfollow" ;; *) fail "ro,nosymfollow" "$out" ;; esac
hasnt "$(echo "$out" | sed -n 4p)" relatime "strictatime replaces relatime"
has "$(echo "$out" | sed -n 5p)" "sync" "sync and dirsync are superblock flags"
l=$(echo "$out" | sed -n 6p)
case "$l" in *nodev*) hasnt "$l" noexec "a later 'exec' wins over 'noexec'; rnodev applies ($l)" ;; *) fail "rnodev" "$l" ;; esac

# ---- tmpcopyup ---------------------------------------------------------------------
mkdir -p "$T/b/rootfs/opt/data/sub"
echo one >"$T/b/rootfs/opt/data/f1"; chown 5:6 "$T/b/rootfs/opt/data/f1"; chmod 4755 "$T/b/rootfs/opt/data/f1"
echo two >"$T/b/rootfs/opt/data/sub/f2"
ln -s ../../../etc/passwd "$T/b/rootfs/opt/data/link"
mkfifo "$T/b/rootfs/opt/data/fifo"
cfg b "c['mounts'] = c['mounts'][:7] + [
 {'destination': '/opt/data', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['tmpcopyup', 'mode=755']},
 {'destination': '/opt/rocopy', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['tmpcopyup', 'ro']}]"
mkdir -p "$T/b/rootfs/opt/rocopy" && echo ro >"$T/b/rootfs/opt/rocopy/r"
in_ctr b 'cat /opt/data/f1 /opt/data/sub/f2; stat -c "%a %u %g" /opt/data/f1; readlink /opt/data/link; [ -p /opt/data/fifo ] && echo fifo;
echo new > /opt/data/sub/new; cat /opt/data/sub/new; mnt /opt/data; cat /opt/rocopy/r; touch /opt/rocopy/x 2>/dev/null || echo ro-refused'
is "$rc" 0 "tmpcopyup: the container runs" "$err"
is "$(echo "$out" | sed -n 1,2p | tr '\n' ' ')" "one two " "tmpcopyup copies files and directories"
is "$(echo "$out" | sed -n 3p)" "4755 5 6" "tmpcopyup keeps mode (set-id bits too) and owner"
is "$(echo "$out" | sed -n 4p)" "../../../etc/passwd" "tmpcopyup copies symlinks as symlinks"
has "$out" fifo "tmpcopyup copies fifos"
is "$(echo "$out" | sed -n 6p)" new "the copy is writable"
[ ! -e "$T/b/rootfs/opt/data/sub/new" ]; ok $? "writes to the copy do not reach the image"
has "$out" "ro
ro-refused" "tmpcopyup with ro: copied, then read-only"

# ---- overlay -----------------------------------------------------------------------
mkdir -p "$T/b/l1" "$T/b/l2" "$T/b/up" "$T/b/work" "$T/b/l:3"
echo l1 >"$T/b/l1/a"; echo l2 >"$T/b/l2/a"; echo l2 >"$T/b/l2/b"; echo colon >"$T/b/l:3/c"
cfg b "c['mounts'] = c['mounts'][:7] + [
 {'destination': '/ov', 'type': 'overlay', 'source': 'overlay', 'options': ['lowerdir=l1:l2:l\\\\:3', 'upperdir=up', 'workdir=work', 'userxattr']}]"
in_ctr b 'cat /ov/a /ov/b /ov/c; echo w > /ov/new; mnt /ov; awk "\$5==\"/ov\"{print \$NF}" /proc/self/mountinfo'
is "$rc" 0 "overlay: the container runs" "$err"
is "$(echo "$out" | sed -n 1,3p | tr '\n' ' ')" "l1 l2 colon " "overlay layers in order, paths relative to the bundle, ':' escaped"
[ -f "$T/b/up/new" ]; ok $? "overlay writes land in the upper dir"
has "$(echo "$out" | sed -n 5p)" userxattr "userxattr reaches overlayfs"
# many layers: far past the one-page option limit of mount(2)
mkdir -p "$T/b/layers"
lower=""
for i in $(seq 1 120); do
	d="layers/layer-with-a-rather-long-directory-name-$i"
	mkdir -p "$T/b/$d"; echo "$i" >"$T/b/$d/f$i"
	lower="$lower${lower:+:}$d"
done
echo top >"$T/b/layers/layer-with-a-rather-long-directory-name-1/f120"
cfg b "c['mounts'] = c['mounts'][:7] + [
 {'destination': '/many', 'type': 'overlay', 'source': 'overlay', 'options': ['lowerdir=$lower', 'volatile', 'upperdir=up', 'workdir=work']}]"
in_ctr b 'ls /many | wc -l; cat /many/f1 /many/f60 /many/f120'
is "$rc" 0 "overlay with 120 layers (${#lower} bytes of lowerdir) mounts" "$err"
is "$(echo "$out" | tr '\n' ' ')" "121 1 60 top " "all 120 layers are there, the first on top"
cfg b "c['mounts'] = c['mounts'][:7] + [
 {'destination': '/bad', 'type': 'overlay', 'source': 'overlay', 'options': ['lowerdir=l1:missing-layer']}]"
in_ctr b 'true'
isnt "$rc" 0 "an overlay with a missing layer fails"
has "$err" "lowerdir+=(layer 2 of 2) $T/b/missing-layer: No such file or directory" "the error names the option and the layer"
has "$err" "mounts[7] (/bad)" "the error names the mount"
cfg b "c['mounts'][7]['options'] = ['lowerdir=l1', 'upperdir=up', 'workdir=work', 'nosuchoption=1']"
in_ctr b 'true'
has "$err" "option nosuchoption=1 (kernel: overlay: Unknown parameter 'nosuchoption'): Invalid argument" "the kernel's message for a bad option is reported"

# ---- idmapped mounts ---------------------------------------------------------------
mkdir -p "$T/idm" && echo x >"$T/idm/root-owned" && echo y >"$T/idm/u1000" && chown 1000:1000 "$T/idm/u1000"
cfg b "c['mounts'] = c['mounts'][:7] + [
 {'destination': '/idm', 'type': 'bind', 'source': '$T/idm', 'options': ['bind', 'idmap'],
  'uidMappings': [{'containerID': 0, 'hostID': 2000, 'size': 1}], 'gidMappings': [{'containerID': 0, 'hostID': 3000, 'size': 1}]},
 {'destination': '/idm2', 'type': 'bind', 'source': '$T/idm', 'options': ['rbind', 'ridmap'],
  'uidMappings': [{'containerID': 0, 'hostID': 2000, 'size': 1}], 'gidMappings': [{'containerID': 0, 'hostID': 3000, 'size': 1}]}]"
in_ctr b 'stat -c "%u:%g" /idm/root-owned /idm/u1000 /idm2/root-owned; mnt /idm'
is "$rc" 0 "idmapped binds with their own mappings mount" "$err"
is "$(echo "$out" | sed -n 1,3p | tr '\n' ' ')" "2000:3000 65534:65534 2000:3000 " "files are seen through the mount's mapping"
has "$(echo "$out" | sed -n 4p)" idmapped "mountinfo shows the mount idmapped"
# with a user namespace and no mappings on the mount: the container's maps
chmod 755 "$T"	# the user namespace's root must reach the bundle
bundle u sh -c 'stat -c "%u:%g" /idm/root-owned /plain/root-owned'
cfg u "c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/sys/fs/cgroup'] + [
 {'destination': '/idm', 'type': 'bind', 'source': '$T/idm', 'options': ['bind', 'idmap']},
 {'destination': '/plain', 'type': 'bind', 'source': '$T/idm', 'options': ['bind']}]"
chown -R 100000:100000 "$T/u/rootfs"
run_veil run --bundle "$T/u" "$(id u)"
is "$rc" 0 "an idmapped bind in a user namespace container" "$err"
is "$(echo "$out" | tr '\n' ' ')" "0:0 65534:65534 " "idmap maps host root to container root; a plain bind does not"

# ---- devices ----------------------------------------------------------------------
cfg b "c['mounts'] = c['mounts'][:7]
c['linux']['devices'] = [{'path': '/dev/myfull', 'type': 'c', 'major': 1, 'minor': 7, 'fileMode': 384, 'uid': 12, 'gid': 13},
                         {'path': '/dev/sub/fifo', 'type': 'p', 'fileMode': 420}]"
in_ctr b 'stat -c "%F %t:%T %a %u:%g" /dev/myfull; stat -c "%F %a" /dev/sub/fifo; stat -c "%F %t:%T" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; readlink /dev/ptmx; readlink /dev/fd; readlink /dev/stdin'
is "$rc" 0 "devices: the container runs" "$err"
is "$(echo "$out" | sed -n 1p)" "character special file 1:7 600 12:13" "linux.devices: type, numbers, mode, owner"
is "$(echo "$out" | sed -n 2p)" "fifo 644" "a fifo in a created subdirectory"
is "$(echo "$out" | sed -n 3,8p | tr '\n' ' ')" "character special file 1:3 character special file 1:5 character special file 1:7 character special file 1:8 character special file 1:9 character special file 5:0 " "the default devices"
is "$(echo "$out" | sed -n 9,11p | tr '\n' ' ')" "pts/ptmx /proc/self/fd /proc/self/fd/0 " "/dev/ptmx and the /dev symlinks"
cfg u "c['process']['args'] = ['sh', '-c', 'stat -c \"%F %t:%T\" /dev/null /dev/full']"
run_veil run --bundle "$T/u" "$(id u2)"
is "$(echo "$out" | tr '\n' ' ')" "character special file 1:3 character special file 1:7 " "in a user namespace the devices are binds of the host nodes"

# ---- masked and read-only paths, ro /dev ------------------------------------------
cfg b "c['linux'].pop('devices')
c['mounts'][1]['options'].append('ro')"
in_ctr b 'stat -c "%F %t:%T" /proc/keys; ls /proc/acpi 2>/dev/null | wc -l; mnt /proc/acpi; echo 1 > /proc/sys/kernel/domainname 2>/dev/null || echo sys-ro; mnt /proc/sys; mnt /dev; [ -c /dev/null ] && echo null-ok'
is "$rc" 0 "masked/readonly: the container runs" "$err"
is "$(echo "$out" | sed -n 1p)" "character special file 1:3" "a masked file is /dev/null"
is "$(echo "$out" | sed -n 2p)" 0 "a masked directory is empty"
case "$(echo "$out" | sed -n 3p)" in ro,*) pass "a masked directory is a read-only mount" ;; *) fail "masked dir ro" "$out" ;; esac
has "$out" sys-ro "/proc/sys is read-only"
case "$(echo "$out" | sed -n 5p)" in ro,*) pass "a readonlyPath is a read-only mount" ;; *) fail "ro path" "$out" ;; esac
case "$(echo "$out" | sed -n 6p)" in ro,*) pass "a read-only /dev tmpfs is made read-only after its nodes" ;; *) fail "ro /dev" "$out" ;; esac
has "$out" null-ok "the nodes are in the read-only /dev"

# ---- sysctl ------------------------------------------------------------------------
bundle s
cfg s "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1', 'net/ipv4/conf/a.b/forwarding': '1', 'kernel.shmmni': '1234'}"
unshare -n sh -c 'ip link add a.b type veth peer name x && exec sleep 60' &
upid=$!
for i in $(seq 50); do [ -e "/proc/$upid/ns/net" ] && ip -n "" link >/dev/null 2>&1; nsenter -t $upid -n ip link show a.b >/dev/null 2>&1 && break; sleep 0.05; done
cfg s "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network'] + [{'type': 'network', 'path': '/proc/$upid/ns/net'}]"
cfg s "c['process']['args'] = ['sh', '-c', 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/a.b/forwarding /proc/sys/kernel/shmmni']"
run_veil run --bundle "$T/s" "$(id s)"
is "$rc" 0 "sysctl: the container runs" "$err"
is "$(echo "$out" | tr '\n' ' ')" "1 1 1234 " "sysctls are written, a '/'-separated key with a dot in a name too"
kill $upid; wait $upid 2>/dev/null
cfg s "c['linux']['sysctl'] = {'net.ipv4..foo': '1'}"
run_veil run --bundle "$T/s" "$(id s2)"
isnt "$rc" 0 "an invalid sysctl key fails"

# ---- mountLabel without SELinux, cgroup mount -------------------------------------
bundle g sh -c 'touch /sys/fs/cgroup/x 2>/dev/null || echo ro; awk "\$5==\"/sys/fs/cgroup\"{print \$6}" /proc/self/mountinfo'
cfg g "c['linux']['mountLabel'] = 'system_u:object_r:container_file_t:s0:c1,c2'
for m in c['mounts']:
    if m['destination'] == '/sys/fs/cgroup': m['options'] = [o for o in m['options'] if o != 'ro']"
run_veil run --bundle "$T/g" "$(id g)"
is "$rc" 0 "mountLabel is ignored when SELinux is off" "$err"
has "$out" ro "the cgroup mount is read-only unless asked for rw"
cfg g "c['linux'].pop('mountLabel')
for m in c['mounts']:
    if m['destination'] == '/sys/fs/cgroup': m['options'].append('rw')"
cfg g "c['process']['args'] = ['sh', '-c', 'grep \" /sys/fs/cgroup \" /proc/self/mountinfo | cut -d\" \" -f6']"
run_veil run --bundle "$T/g" "$(id g2)"
case "$out" in rw,*) pass "an rw cgroup mount is writable" ;; *) fail "rw cgroup" "$out" "$err" ;; esac

done_testing
