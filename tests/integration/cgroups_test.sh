#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# cgroups of real containers: every linux.resources field the host supports,
# read back from each hierarchy; limits seen and enforced inside; where the
# cgroup goes (default, relative, absolute, under a pre-existing parent);
# pause/resume, update, ps, events, kill --all, and what delete and a failed
# create leave behind (nothing of veil's, everything else).
#
# Layout-aware: on a v1 or hybrid host it checks v1 files (and the unified
# tree of hybrid hosts); on pure cgroup v2 (the test VM, see
# tests/integration/in_vm.sh) the v2 files, with a focused set because the
# VM emulates its CPU.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgroup_host.sh"

CG=/sys/fs/cgroup
if [ "$(stat -fc %T $CG)" = cgroup2fs ]; then
	LAYOUT=v2
elif [ "$(stat -fc %T $CG/unified 2>/dev/null)" = cgroup2fs ]; then
	LAYOUT=hybrid
else
	LAYOUT=v1
fi
diag "cgroup layout: $LAYOUT, kernel $(uname -r)"
VM=${VEIL_VM:-}
# how long "nothing moved" is watched (the VM runs ~10-30x slower)
SETTLE=0.3
[ -n "$VM" ] && SETTLE=1.5
loop_restore=""
restore_loop() { [ -n "$loop_restore" ] && echo "${loop_restore#* }" >"${loop_restore%% *}" 2>/dev/null; }
trap restore_loop EXIT

# ---- helpers ---------------------------------------------------------------------------
# More than the 32 MiB the tests allow, kept by tail (no newline), in a
# subshell the OOM killer prefers to init
HOG='(echo 1000 >/proc/self/oom_score_adj; head -c 64000000 /dev/zero | tail)'
# cgdir PID CTRL: PID's cgroup directory in CTRL's hierarchy (v1 name, "systemd"
# for name=systemd, "unified" for the v2 tree; on v2 every CTRL is the one tree)
cgdir() {
	local n ctrls path
	while IFS=: read -r n ctrls path; do
		if [ -z "$ctrls" ]; then
			[ "$LAYOUT" = v2 ] && { echo "$CG${path%/}"; return; }
			[ "$2" = unified ] && { echo "$CG/unified${path%/}"; return; }
			continue
		fi
		case ",$ctrls," in
		*",$2,"* | *",name=$2,"*) echo "$CG/$2${path%/}"; return ;;
		esac
	done <"/proc/$1/cgroup"
}
# the directory whose cgroup.procs lists the container (devices on v1)
main_ctrl() { [ "$LAYOUT" = v2 ] && echo unified || echo devices; }
file_is() { # dir file want [description]
	if [ -e "$1/$2" ]; then is "$(cat "$1/$2")" "$3" "${4:-$2 = $3}"
	else fail "${4:-$2 = $3}" "$1/$2 is missing"; fi
}
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }
# start_c NAME ARGS...: bundle NAME running ARGS, with a writable root
start_c() {
	local name=$1; shift
	bundle "$name" "$@"
	cfgj "$name" '.root.readonly = false'
}
up() { # up NAME: create + start bundle NAME as $(id NAME)
	veil_ok "create $1" create --bundle "$T/$1" "$(id "$1")" &&
		veil_ok "start $1" start "$(id "$1")"
}
# state_res ID JQ-FILTER: values of the "resources" the state keeps
state_res() { jq -c ".resources | $2" "$ROOT/$1/state.json"; }
wait_file() { # wait_file FILE TEXT [tries of 0.1 s]
	local i
	for i in $(seq "${3:-100}"); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
own() { # own CTRL: veil's (this shell's) own cgroup in CTRL's hierarchy
	local n ctrls path
	while IFS=: read -r n ctrls path; do
		if [ -z "$ctrls" ]; then [ "$1" = unified ] && { echo "${path%/}"; return; }; continue; fi
		case ",$ctrls," in *",$1,"* | *",name=$1,"*) echo "${path%/}"; return ;; esac
	done </proc/self/cgroup
}
hierarchies() { # the v1 hierarchies of this host (names under /sys/fs/cgroup)
	local c
	for c in cpu cpuacct cpuset memory devices freezer blkio pids hugetlb net_cls net_prio perf_event rdma misc systemd; do
		[ "$(stat -fc %T "$CG/$c" 2>/dev/null)" = cgroupfs ] && [ ! -L "$CG/$c" ] && echo $c
	done
}

# ============================ every resource (v1/hybrid) ============================
v1_resources() {
	local S=full cid pid d blk bfqdev rt burst tcp memsw hugetlb_at sizes
	cid=$(id $S)
	cg_host_probe "$LAYOUT"
	cg_full_resources false >"$T/full.json"
	start_c $S sh -c 'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us >/tmp/seen; grep Cpus_allowed_list /proc/self/status >>/tmp/seen; exec sleep 1000'
	cfgj $S '.linux.resources = $r[0] | .linux.cgroupsPath = $p' --slurpfile r "$T/full.json" --arg p "/$ID_PREFIX-abs/full"
	if ! veil_ok "create with every resource of this host" create --bundle "$T/$S" "$cid"; then
		return
	fi
	pid=$(pid_of "$cid")
	# containerd's shim reads the init's cgroups right after create
	is "$(grep -c ":/$ID_PREFIX-abs/full\$" /proc/$pid/cgroup)" "$(wc -l </proc/self/cgroup)" \
		"when create returns, init is in the container's cgroup in every hierarchy ($(wc -l </proc/self/cgroup))"
	[ "$LAYOUT" = hybrid ] && is "$(grep '^0::' /proc/$pid/cgroup)" "0::/$ID_PREFIX-abs/full" "and in the unified tree (0::)"
	local M C B P D F X
	M=$(cgdir $pid memory); C=$(cgdir $pid cpu); B=$(cgdir $pid blkio); P=$(cgdir $pid pids)
	D=$(cgdir $pid devices); F=$(cgdir $pid freezer); X=$(cgdir $pid cpuset)
	is "$M" "$CG/memory/$ID_PREFIX-abs/full" "an absolute cgroupsPath is that path in each hierarchy"
	file_is "$M" memory.limit_in_bytes 67108864
	file_is "$M" memory.soft_limit_in_bytes 33554432
	if [ -n "$memsw" ]; then file_is "$M" memory.memsw.limit_in_bytes 134217728; else skip "memory.swap" "no swap accounting"; fi
	if [ -n "$tcp" ]; then file_is "$M" memory.kmem.tcp.limit_in_bytes 16777216; else skip "memory.kernelTCP" "the kernel lacks it"; fi
	file_is "$M" memory.swappiness 30
	is "$(head -1 "$M/memory.oom_control")" "oom_kill_disable 0" "memory.oom_control (disableOOMKiller false)"
	file_is "$C" cpu.shares 512
	file_is "$C" cpu.cfs_period_us 100000
	file_is "$C" cpu.cfs_quota_us 50000
	if [ -n "$burst" ]; then file_is "$C" cpu.cfs_burst_us 10000; else skip "cpu.burst" "the kernel lacks it"; fi
	file_is "$C" cpu.idle 0
	if [ -n "$rt" ]; then
		file_is "$C" cpu.rt_period_us 1000000
		file_is "$C" cpu.rt_runtime_us 10000
	else
		skip "cpu.realtimeRuntime/Period" "no real-time group scheduling budget"
	fi
	file_is "$X" cpuset.cpus 0
	file_is "$X" cpuset.mems 0
	if [ -e "$B/blkio.weight" ]; then file_is "$B" blkio.weight 500
	else is "$(head -1 "$B/blkio.bfq.weight" | sed 's/^default //')" 500 "blockIO.weight (blkio.bfq.weight)"; fi
	if [ -n "$bfqdev" ]; then
		has "$(cat "$B/blkio.bfq.weight_device" "$B/blkio.weight_device" 2>/dev/null)" "$bfqdev 300" "blockIO.weightDevice"
	else
		skip "blockIO.weightDevice" "no free loop device with BFQ"
	fi
	file_is "$B" blkio.throttle.read_bps_device "$blk 1048576"
	file_is "$B" blkio.throttle.write_bps_device "$blk 2097152"
	file_is "$B" blkio.throttle.read_iops_device "$blk 100"
	file_is "$B" blkio.throttle.write_iops_device "$blk 200"
	file_is "$P" pids.max 50
	if [ "$hugetlb_at" = unified ]; then
		local U; U=$(cgdir $pid unified)
		file_is "$U" hugetlb.2MB.max 4194304
		file_is "$U" hugetlb.2MB.rsvd.max 2097152 "hugetlb.2MB.rsvd.max = 2097152 (linux.resources.unified wins)"
		case "$sizes" in *1GB*) file_is "$U" hugetlb.1GB.max 0 ;; esac
	elif [ "$hugetlb_at" = v1 ]; then
		file_is "$(cgdir $pid hugetlb)" hugetlb.2MB.limit_in_bytes 4194304
	else
		skip "hugepageLimits" "no hugetlb controller"
	fi
	is "$(tr '\n' ',' <"$D/devices.list")" \
		"c 10:229 rwm,c *:* m,b *:* m,c 1:3 rwm,c 1:8 rwm,c 1:7 rwm,c 5:0 rwm,c 1:5 rwm,c 1:9 rwm,c 136:* rwm,c 5:2 rwm,c 10:200 rwm," \
		"devices.list: deny all, the config's rules in order, then the defaults"
	file_is "$F" freezer.state THAWED
	if [ ! -d "$CG/net_cls" ]; then
		cfgj $S '.linux.resources.network = {"classID": 1}'
		veil_fails "network.classID without net_cls fails, naming the field" \
			"linux.resources.network.classID: the net_cls cgroup controller is not available" \
			create --bundle "$T/$S" "$(id net)"
		cfgj $S 'del(.linux.resources.network)'
	fi

	# -- seen from inside --
	veil_ok "start" start "$cid"
	wait_file "$T/$S/rootfs/tmp/seen" Cpus_allowed
	is "$(cat "$T/$S/rootfs/tmp/seen" | tr '\n\t' '  ')" "50 67108864 50000 Cpus_allowed_list: 0 " \
		"inside: pids.max, memory limit, CPU quota in /sys/fs/cgroup and the cpuset"
	veil_ok "delete --force" delete --force "$cid"
	local left
	left=$(find $CG -type d -path "*$ID_PREFIX-abs*" 2>/dev/null)
	is "$left" "" "delete removes the container's cgroup and the parent veil made for it, in every hierarchy"
}

# ============================ every resource (v2) ====================================
v2_resources() {
	local S=v2full cid pid U hp="" io="" swap=""
	cid=$(id $S)
	grep -qw io $CG/cgroup.controllers && io=1
	[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] && grep -qw hugetlb $CG/cgroup.controllers && hp=1
	[ -e "$CG/$(own unified)/memory.swap.max" ] || [ -e /proc/swaps ] && swap=1
	cat >"$T/v2.json" <<-EOF
	{
	  "devices": [{"allow": false, "access": "rwm"}],
	  "memory": {"limit": 67108864, "reservation": 16777216 $([ -n "$swap" ] && echo ', "swap": 134217728')},
	  "cpu": {"shares": 2048, "quota": 50000, "period": 100000, "burst": 10000, "cpus": "0", "mems": "0", "idle": 0},
	  $([ -n "$io" ] && echo '"blockIO": {"weight": 500},')
	  $([ -n "$hp" ] && echo '"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],')
	  "pids": {"limit": 20},
	  "unified": {"memory.high": "50000000"}
	}
	EOF
	start_c $S sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max /proc/self/cgroup >/tmp/seen; exec sleep 1000'
	cfgj $S '.linux.resources = $r[0] | .linux.cgroupsPath = $p' --slurpfile r "$T/v2.json" --arg p "/$ID_PREFIX-abs/full"
	veil_ok "create with the resources of cgroup v2" create --bundle "$T/$S" "$cid" || return
	pid=$(pid_of "$cid")
	is "$(cat /proc/$pid/cgroup)" "0::/$ID_PREFIX-abs/full" "when create returns, init is in its cgroup"
	U=$CG/$ID_PREFIX-abs/full
	file_is "$U" memory.max 67108864
	file_is "$U" memory.low 16777216
	file_is "$U" memory.high 49999872 "memory.high = 49999872 (unified, page-rounded)"
	if [ -n "$swap" ] && [ -e "$U/memory.swap.max" ]; then file_is "$U" memory.swap.max 67108864 "memory.swap.max = swap - limit"
	else skip "memory.swap" "no swap accounting"; fi
	file_is "$U" cpu.weight 174 "cpu.weight = 174 (shares 2048, runc's conversion)"
	file_is "$U" cpu.max "50000 100000"
	file_is "$U" cpu.max.burst 10000
	file_is "$U" cpu.idle 0
	file_is "$U" cpuset.cpus 0
	file_is "$U" cpuset.mems 0
	file_is "$U" pids.max 20
	if [ -n "$io" ]; then
		if [ -e "$U/io.bfq.weight" ]; then is "$(head -1 "$U/io.bfq.weight")" "default 500" "io.bfq.weight = 500"
		else is "$(head -1 "$U/io.weight")" "default 4950" "io.weight = 4950 (blkio weight 500 converted)"; fi
	else skip "blockIO" "no io controller"; fi
	if [ -n "$hp" ]; then file_is "$U" hugetlb.2MB.max 4194304; else skip "hugepageLimits" "no 2MB huge pages"; fi
	veil_ok "start" start "$cid"
	wait_file "$T/$S/rootfs/tmp/seen" 0::
	is "$(tr '\n' ' ' <"$T/$S/rootfs/tmp/seen")" "67108864 20 50000 100000 0::/ " \
		"inside (cgroup namespace): memory.max, pids.max, cpu.max at /sys/fs/cgroup, and 0::/"
	veil_ok "delete --force" delete --force "$cid"
	is "$(find $CG -type d -path "*$ID_PREFIX-abs*" 2>/dev/null)" "" "delete removes its cgroup and the parent veil made"
}

# ============================ limits enforced inside ================================
limits_inside() {
	# pids.max: forks beyond it fail
	bundle pids sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; echo forked'
	cfgj pids '.linux.resources = {"pids": {"limit": 5}}'
	run_veil run --bundle "$T/pids" "$(id pids)"
	has "$err" "can't fork" "a process over pids.limit cannot fork"
	# memory: a hog is OOM-killed, the rest goes on (the hog, not init, is
	# chosen when the kernel kills again while the first victim is freed)
	bundle mem sh -c "$HOG"'; echo "hog status $?"'
	cfgj mem '.linux.resources = {"memory": {"limit": 33554432}}'
	run_veil run --bundle "$T/mem" "$(id mem)"
	has "$out" "hog status 137" "a memory hog over memory.limit is OOM-killed (SIGKILL)"
	# the device list (eBPF on v2): /dev/kmsg exists, but only an allow rule
	# opens it (write-only: that needs no capability)
	bundle dev sh -c ': >/dev/kmsg && echo opened'
	cfgj dev '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
	run_veil run --bundle "$T/dev" "$(id dev)"
	has "$err" "Operation not permitted" "a device without an allow rule cannot be opened"
	cfgj dev '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	run_veil run --bundle "$T/dev" "$(id dev)"
	is "$out" opened "with an allow rule it can"
}

# ============================ where the cgroup goes =================================
cgroup_paths() {
	local cid pid c want o
	# default: the container id, relative to veil's own cgroup (runc)
	start_c defp sleep 1000
	cfgj defp '.linux.resources = {"pids": {"limit": 9}}'
	cid=$(id defp)
	veil_ok "create with no cgroupsPath" create --bundle "$T/defp" "$cid"
	pid=$(pid_of "$cid")
	if [ "$LAYOUT" = v2 ]; then
		o=$(own unified); o=${o%/*}
		is "$(cgdir $pid unified)" "$CG$o/$cid" "default path: the id, beside veil's own cgroup (v2)"
	else
		for c in $(hierarchies); do
			o=$(own $c)
			is "$(cgdir $pid $c)" "$CG/$c$o/$cid" "default path in $c: the id below veil's own cgroup ($o)"
		done
	fi
	file_is "$(cgdir $pid pids)" pids.max 9
	veil_ok "delete" delete --force "$cid"
	is "$(find $CG -type d -name "$cid" 2>/dev/null)" "" "nothing left of it"

	# relative, two levels: both made by veil, both removed
	cfgj defp '.linux.cgroupsPath = $p' --arg p "$ID_PREFIX-rel/sub"
	cid=$(id rel)
	veil_ok "create with a relative cgroupsPath" create --bundle "$T/defp" "$cid"
	pid=$(pid_of "$cid")
	o=$(own pids); [ "$LAYOUT" = v2 ] && { o=$(own unified); o=${o%/*}; }
	is "$(cgdir $pid pids)" "$([ $LAYOUT = v2 ] && echo "$CG" || echo "$CG/pids")$o/$ID_PREFIX-rel/sub" "relative to veil's own cgroup"
	veil_ok "delete" delete --force "$cid"
	is "$(find $CG -type d -name "$ID_PREFIX-rel" 2>/dev/null)" "" "the parent veil made is removed too"

	# a parent that was there before stays, in every hierarchy
	local dirs=()
	if [ "$LAYOUT" = v2 ]; then dirs=("$CG/$ID_PREFIX-pre"); else
		for c in $(hierarchies) $([ $LAYOUT = hybrid ] && echo unified); do dirs+=("$CG/$c/$ID_PREFIX-pre"); done
	fi
	mkdir "${dirs[@]}"
	cfgj defp '.linux.cgroupsPath = $p' --arg p "/$ID_PREFIX-pre/c"
	cid=$(id pre)
	veil_ok "create below a pre-existing cgroup" create --bundle "$T/defp" "$cid"
	pid=$(pid_of "$cid")
	is "$(grep -c ":/$ID_PREFIX-pre/c\$" /proc/$pid/cgroup)" "$(wc -l </proc/self/cgroup)" "init is in it in every hierarchy"
	veil_ok "delete" delete --force "$cid"
	local kept=0 gone=0 dd
	for dd in "${dirs[@]}"; do
		[ -d "$dd" ] && kept=$((kept + 1))
		[ -d "$dd/c" ] || gone=$((gone + 1))
	done
	is "$kept" "${#dirs[@]}" "the pre-existing parent stays in all ${#dirs[@]} hierarchies"
	is "$gone" "${#dirs[@]}" "the container's own cgroup is gone from all of them"
	rmdir "${dirs[@]}"
}

# ============================ pause / resume ========================================
freezer_of() { # freezer_of PID: FROZEN/THAWED (v1) or 1/0 (cgroup.freeze)
	if [ "$LAYOUT" = v2 ]; then cat "$(cgdir "$1" unified)/cgroup.freeze"
	else cat "$(cgdir "$1" freezer)/freezer.state"; fi
}
pause_resume() {
	local cid pid a b
	start_c pz sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/cnt.new; mv /tmp/cnt.new /tmp/cnt; sleep 0.02; done'
	cid=$(id pz)
	up pz
	wait_file "$T/pz/rootfs/tmp/cnt" . ; pid=$(pid_of "$cid")
	veil_ok "pause" pause "$cid"
	is "$(status_of "$cid")" paused "state: paused"
	is "$(freezer_of $pid)" "$([ $LAYOUT = v2 ] && echo 1 || echo FROZEN)" "the cgroup is frozen"
	a=$(cat "$T/pz/rootfs/tmp/cnt"); sleep $SETTLE; b=$(cat "$T/pz/rootfs/tmp/cnt")
	is "$b" "$a" "paused processes do not run (the counter stays at $a)"
	veil_fails "pause of a paused container" "container not running" pause "$cid"
	veil_fails "delete of a paused container needs --force" "is not stopped" delete "$cid"
	veil_ok "kill --all TERM of a paused container" kill --all "$cid" TERM
	is "$(status_of "$cid")" paused "it stays paused (the signal waits for the thaw)"
	veil_ok "resume" resume "$cid"
	is "$(status_of "$cid")" running "state: running"
	a=$(cat "$T/pz/rootfs/tmp/cnt"); sleep $SETTLE; b=$(cat "$T/pz/rootfs/tmp/cnt")
	[ "$b" -gt "$a" ] && pass "resumed processes run again ($a -> $b)" || fail "resumed processes run again" "$a -> $b"
	veil_fails "resume of a running container" "container not paused" resume "$cid"
	veil_ok "pause again" pause "$cid"
	veil_ok "delete --force of a paused container" delete --force "$cid"
	sleep 0.1
	[ -d /proc/$pid ] && [ "$(awk '{print $3}' /proc/$pid/stat)" != Z ] && fail "its processes are gone" || pass "its processes are gone"
	veil_fails "pause of a deleted container" "does not exist" pause "$cid"
	# a created container can be paused too (runc), and goes back to created
	veil_ok "create" create --bundle "$T/pz" "$cid"
	veil_ok "pause a created container" pause "$cid"
	is "$(status_of "$cid")" paused "state: paused"
	veil_ok "resume it" resume "$cid"
	is "$(status_of "$cid")" created "state: created again"
	veil_ok "start it" start "$cid"
	veil_ok "kill it" kill "$cid" KILL
	wait_status "$cid" stopped
	veil_fails "pause of a stopped container" "container not running" pause "$cid"
	veil_fails "resume of a stopped container" "container not paused" resume "$cid"
	veil_ok "delete" delete "$cid"
}

# ============================ update ===============================================
update_flags() {
	local cid pid M C P B X R
	start_c up sh -c 'x=$(head -c 8000000 /dev/zero | tr "\000" a); echo ready >/tmp/ready; sleep 1000; echo never'
	cfgj up '.linux.resources = {"memory": {"limit": 67108864}, "cpu": {"shares": 512, "quota": 50000, "period": 100000}, "pids": {"limit": 50}}'
	cid=$(id up)
	up up
	wait_file "$T/up/rootfs/tmp/ready" ready 300
	pid=$(pid_of "$cid")
	if [ "$LAYOUT" = v2 ]; then
		M=$(cgdir $pid unified); C=$M; P=$M; B=$M; X=$M
	else
		M=$(cgdir $pid memory); C=$(cgdir $pid cpu); P=$(cgdir $pid pids); B=$(cgdir $pid blkio); X=$(cgdir $pid cpuset)
	fi
	# the period alone keeps the quota in effect (v2's cpu.max holds both)
	veil_ok "update --cpu-period" update --cpu-period 200000 "$cid"
	if [ "$LAYOUT" = v2 ]; then
		file_is "$C" cpu.max "50000 200000" "cpu.max = 50000 200000 (the quota kept)"
	else
		file_is "$C" cpu.cfs_period_us 200000; file_is "$C" cpu.cfs_quota_us 50000
	fi
	veil_ok "update --cpu-quota" update --cpu-quota 30000 "$cid"
	if [ "$LAYOUT" = v2 ]; then file_is "$C" cpu.max "30000 200000" "cpu.max = 30000 200000 (the period kept)"
	else file_is "$C" cpu.cfs_quota_us 30000; fi
	veil_ok "update --cpu-share" update --cpu-share 256 "$cid"
	if [ "$LAYOUT" = v2 ]; then file_is "$C" cpu.weight 35 "cpu.weight = 35 (shares 256, runc's conversion)"
	else file_is "$C" cpu.shares 256; fi
	if [ -e "$C/cpu.cfs_burst_us" ] || [ -e "$C/cpu.max.burst" ]; then
		veil_ok "update --cpu-burst" update --cpu-burst 1000 "$cid"
		if [ "$LAYOUT" = v2 ]; then file_is "$C" cpu.max.burst 1000; else file_is "$C" cpu.cfs_burst_us 1000; fi
	fi
	if [ -e "$C/cpu.idle" ]; then
		veil_ok "update --cpu-idle 1" update --cpu-idle 1 "$cid"
		file_is "$C" cpu.idle 1
		veil_ok "update --cpu-idle 0" update --cpu-idle 0 "$cid"
	fi
	if [ "$LAYOUT" != v2 ] && [ -e "$C/cpu.rt_runtime_us" ] && [ "$(cat $CG/cpu/cpu.rt_runtime_us)" -gt 0 ]; then
		# the parent is the host's root here: its budget is there
		veil_ok "update --cpu-rt-period --cpu-rt-runtime" update --cpu-rt-period 1000000 --cpu-rt-runtime 5000 "$cid"
		file_is "$C" cpu.rt_period_us 1000000; file_is "$C" cpu.rt_runtime_us 5000
	fi
	veil_ok "update --cpuset-cpus --cpuset-mems" update --cpuset-cpus 0 --cpuset-mems 0 "$cid"
	file_is "$X" cpuset.cpus 0; file_is "$X" cpuset.mems 0
	veil_ok "update --memory 128m (runc's size syntax)" update --memory 128m "$cid"
	file_is "$M" "$([ $LAYOUT = v2 ] && echo memory.max || echo memory.limit_in_bytes)" 134217728
	veil_ok "update --memory-reservation 32m" update --memory-reservation 32m "$cid"
	file_is "$M" "$([ $LAYOUT = v2 ] && echo memory.low || echo memory.soft_limit_in_bytes)" 33554432
	if [ -e "$M/memory.memsw.limit_in_bytes" ]; then
		veil_ok "update --memory-swap" update --memory-swap 256m "$cid"
		file_is "$M" memory.memsw.limit_in_bytes 268435456
	elif [ -e "$M/memory.swap.max" ]; then
		veil_ok "update --memory-swap" update --memory-swap 256m "$cid"
		file_is "$M" memory.swap.max 134217728 "memory.swap.max = 256m - 128m"
	else
		skip "update --memory-swap" "no swap accounting"
	fi
	veil_ok "update --pids-limit" update --pids-limit 99 "$cid"
	file_is "$P" pids.max 99
	if [ "$LAYOUT" != v2 ] || grep -qw io "$CG/cgroup.subtree_control" 2>/dev/null; then
		veil_ok "update --blkio-weight" update --blkio-weight 300 "$cid"
		if [ -e "$B/blkio.weight" ]; then file_is "$B" blkio.weight 300
		elif [ -e "$B/blkio.bfq.weight" ]; then is "$(head -1 "$B/blkio.bfq.weight" | sed 's/^default //')" 300 "blkio.bfq.weight = 300"
		elif [ -e "$B/io.bfq.weight" ]; then is "$(head -1 "$B/io.bfq.weight" | sed 's/^default //')" 300 "io.bfq.weight = 300"
		else is "$(head -1 "$B/io.weight")" "default 2930" "io.weight = 2930 (blkio weight 300 converted)"; fi
	fi
	veil_fails "Intel RDT flags: runc's error" "Intel RDT/CAT: l3 cache schema is not enabled" update --l3-cache-schema "L3:0=f" "$cid"
	veil_fails "a bad size is refused" "invalid value for memory: invalid suffix: 'x'" update --memory 12x "$cid"
	# --resources - : what containerd's shim sends, on stdin
	echo '{"memory": {"limit": 209715200}, "pids": {"limit": 77}, "cpu": {"shares": 1024}}' >"$T/res.json"
	IN=$T/res.json run_veil update --resources - "$cid"
	ok $rc "update --resources - (stdin)" "$err"
	file_is "$M" "$([ $LAYOUT = v2 ] && echo memory.max || echo memory.limit_in_bytes)" 209715200
	file_is "$P" pids.max 77
	echo '{"pids": {"limit": -1}}' >"$T/res2.json"
	veil_ok "update --resources FILE" update --resources "$T/res2.json" "$cid"
	file_is "$P" pids.max max
	# the state keeps what is in effect: config.json's values with every update
	is "$(state_res "$cid" '[.memory.limit, .memory.reservation, .cpu.quota, .cpu.period, .cpu.shares, .pids.limit]')" \
		"[209715200,33554432,30000,200000,1024,-1]" "the state records the limits in effect"
	# refusals: nothing changes, in the kernel or in the state
	veil_fails "checkBeforeUpdate refuses a limit below the usage" "below the current usage" \
		update --resources "$(echo '{"memory": {"limit": 2097152, "checkBeforeUpdate": true}}' >"$T/low.json"; echo "$T/low.json")" "$cid"
	if [ "$LAYOUT" != v2 ]; then
		veil_fails "the kernel's refusal is explained (file, value, cause)" \
			"memory.limit_in_bytes = 2097152 in $M: Device or resource busy (the limit is below the current memory usage of the cgroup" \
			update --memory 2m "$cid"
	fi
	file_is "$M" "$([ $LAYOUT = v2 ] && echo memory.max || echo memory.limit_in_bytes)" 209715200 "the limit is unchanged"
	is "$(state_res "$cid" '.memory.limit')" 209715200 "and so is the state"
	veil_fails "a CPU quota the kernel refuses: file, value and cause" \
		"$([ $LAYOUT = v2 ] && echo "cpu.max = 500 200000" || echo "cpu.cfs_quota_us = 500") in $C: Invalid argument (period must be 1ms..1s and quota at least 1ms" \
		update --cpu-quota 500 "$cid"
	if [ "$LAYOUT" = v2 ]; then file_is "$C" cpu.max "30000 200000" "cpu.max is as it was"
	else file_is "$C" cpu.cfs_quota_us 30000 "cpu.cfs_quota_us is as it was"; fi
	is "$(state_res "$cid" '.cpu.quota')" 30000 "and so is the state"
	veil_ok "kill" kill "$cid" KILL
	wait_status "$cid" stopped
	veil_fails "update of a stopped container" "container not running" update --memory 1g "$cid"
	veil_ok "delete" delete "$cid"
}

# ============================ ps ===================================================
ps_cmd() {
	local cid pid
	start_c ps sh -c 'sleep 1000 & sleep 1001 & wait'
	cid=$(id ps)
	up ps
	pid=$(pid_of "$cid")
	local i
	for i in $(seq 100); do [ "$(wc -l <"$(cgdir $pid "$(main_ctrl)")/cgroup.procs")" = 3 ] && break; sleep 0.05; done
	veil_ok "ps --format json" ps --format json "$cid"
	is "$out" "[$(sort -n "$(cgdir $pid "$(main_ctrl)")/cgroup.procs" | paste -sd,)]" "json: the host pids of the cgroup, as a JSON array"
	has "$out" "$pid" "including init's"
	veil_ok "ps (table)" ps "$cid"
	is "$(head -1 <<<"$out" | awk '{print $2}')" PID "the table has ps's header"
	is "$(tail -n +2 <<<"$out" | awk '{print $2}' | sort -n | paste -sd,)" "$(sort -n "$(cgdir $pid "$(main_ctrl)")/cgroup.procs" | paste -sd,)" \
		"and one line per process of the container, no other"
	veil_ok "ps ID -o pid,args (ps options after the id)" ps "$cid" -o pid,args
	is "$(tail -n +2 <<<"$out" | sed 's/^ *[0-9]* //' | sort | paste -sd,)" "sh -c sleep 1000 & sleep 1001 & wait,sleep 1000,sleep 1001" "ps gets the options"
	veil_fails "an unknown format" "invalid format" ps -f xml "$cid"
	veil_ok "delete" delete --force "$cid"
}

# ============================ events ===============================================
events_cmd() {
	local cid
	start_c ev sh -c 'sleep 1000 & exec sleep 1001'
	cfgj ev '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 40}}'
	cid=$(id ev)
	up ev
	local i
	for i in $(seq 100); do [ "$("$VEIL" --root "$ROOT" ps -f json "$cid" | tr ',' '\n' | wc -l)" = 2 ] && break; sleep 0.05; done
	veil_ok "events --stats" events --stats "$cid"
	is "$(wc -l <<<"$out")" 1 "one line"
	jq -e --arg id "$cid" '
		.type == "stats" and .id == $id and
		(.data | keys_unsorted) == ["cpu", "cpuset", "memory", "pids", "blkio", "hugetlb", "intel_rdt", "network_interfaces"] and
		.data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0 and
		.data.pids == {"current": 2, "limit": 40} and
		.data.cpu.usage.total > 0 and (.data.memory.raw | length) > 0 and
		.data.intel_rdt == {} and .data.network_interfaces == null' <<<"$out" >/dev/null
	ok $? "runc's shape: type, id, data {cpu, cpuset, memory, pids, blkio, hugetlb, ...} with this container's numbers"
	veil_fails "a zero interval is refused" "duration interval must be greater than 0" events --interval 0 "$cid"
	veil_fails "a bad interval is refused" "invalid value for --interval" events --interval 5x "$cid"
	veil_ok "delete" delete --force "$cid"
	veil_fails "events of an unknown container" "does not exist" events --stats "$cid"

	# the stream: stats every interval, an OOM event, the end with the container
	bundle oom sh -c "sleep 1; $HOG; exec sleep 1000"
	cfgj oom '.linux.resources = {"memory": {"limit": 33554432}}'
	cid=$(id oom)
	up oom
	"$VEIL" --root "$ROOT" events --interval 300ms "$cid" >"$T/events.log" 2>"$T/events.err" &
	local epid=$!
	wait_file "$T/events.log" '"type":"oom"' 300
	ok $? "an OOM kill in the container is an event" "$(cut -c1-200 "$T/events.log")" "$(cat "$T/events.err")"
	has "$(cat "$T/events.log")" "{\"type\":\"oom\",\"id\":\"$cid\"}" "{\"type\":\"oom\",\"id\":...}"
	wait_file "$T/events.log" '"type":"stats"' 100
	ok $? "stats events every --interval (300ms)"
	# the kernel may kill twice (head after tail); kills close together may
	# share an event, but never is there an event without a kill
	local kills events
	if [ "$LAYOUT" = v2 ]; then kills=$(sed -n 's/^oom_kill //p' "$(cgdir "$(pid_of "$cid")" unified)/memory.events")
	else kills=$(sed -n 's/^oom_kill //p' "$(cgdir "$(pid_of "$cid")" memory)/memory.oom_control"); fi
	events=$(grep -c '"type":"oom"' "$T/events.log")
	[ "$events" -ge 1 ] && [ "$events" -le "${kills:-0}" ] && pass "OOM events ($events) match the kernel's oom_kill count ($kills)" ||
		fail "OOM events match the kernel's oom_kill count" "events: $events, oom_kill: $kills"
	veil_ok "kill the container" kill "$cid" KILL
	wait_status "$cid" stopped
	for i in $(seq 100); do kill -0 $epid 2>/dev/null || break; sleep 0.05; done
	kill -0 $epid 2>/dev/null && { fail "events ends when the container stops"; kill $epid; } || pass "events ends when the container stops"
	wait $epid
	is "$?" 0 "with status 0"
	veil_fails "events of a stopped container" "container with id $cid is not running" events "$cid"
	veil_ok "delete" delete "$cid"

	# v1 with the OOM killer disabled: nobody is killed, the hog waits; that
	# is an event too.  (The hog must fault in user space: memory a system
	# call fills just fails with the killer disabled.)
	[ "$LAYOUT" = v2 ] && return
	bundle oom sh -c 'sleep 1; awk "BEGIN { s = \"x\"; while (1) s = s s }"; exec sleep 1000'
	cfgj oom '.linux.resources = {"memory": {"limit": 33554432, "disableOOMKiller": true}}'
	veil_ok "create (disableOOMKiller)" create --bundle "$T/oom" "$cid"
	"$VEIL" --root "$ROOT" events "$cid" >"$T/events2.log" 2>&1 &
	epid=$!
	veil_ok "start" start "$cid"
	wait_file "$T/events2.log" '"type":"oom"' 300
	ok $? "with the OOM killer disabled, running out of memory is an event" "$(cat "$T/events2.log")"
	local M; M=$(cgdir "$(pid_of "$cid")" memory)
	is "$(sed -n 's/^under_oom //p;s/^oom_kill //p' "$M/memory.oom_control" | paste -sd' ')" "1 0" \
		"the kernel: under_oom 1, nothing killed"
	veil_ok "delete --force" delete --force "$cid"
	for i in $(seq 100); do kill -0 $epid 2>/dev/null || break; sleep 0.05; done
	kill -0 $epid 2>/dev/null && { fail "events ends with the deleted container"; kill $epid; } || pass "events ends with the deleted container"
	wait $epid
}

# ============================ kill --all ===========================================
kill_all() {
	# no pid namespace of its own: init's death does not take the others along
	local cid pid kids
	start_c ka sh -c 'sleep 1000 & sleep 1001 & wait'
	cfgj ka '.linux.namespaces |= map(select(.type != "pid"))'
	cid=$(id ka)
	up ka
	pid=$(pid_of "$cid")
	local i
	for i in $(seq 100); do [ "$(wc -l <"$(cgdir $pid "$(main_ctrl)")/cgroup.procs")" = 3 ] && break; sleep 0.05; done
	veil_ok "kill TERM: init only" kill "$cid" TERM
	wait_status "$cid" stopped
	run_veil ps -f json "$cid"
	kids=$(tr -d '[]' <<<"$out" | tr ',' ' ')
	is "$(wc -w <<<"$kids")" 2 "the shared pid namespace keeps init's children alive"
	veil_ok "kill --all KILL" kill --all "$cid" KILL
	for i in $(seq 100); do run_veil ps -f json "$cid"; [ "$out" = "[]" ] && break; sleep 0.05; done
	is "$out" "[]" "kill --all goes through the cgroup: no process left"
	veil_ok "delete" delete "$cid"
	# runc: SIGKILL without --all kills them all too when the pid ns is shared
	veil_ok "create" create --bundle "$T/ka" "$cid"
	veil_ok "start" start "$cid"
	for i in $(seq 100); do run_veil ps -f json "$cid"; [ "$(tr ',' '\n' <<<"$out" | wc -l)" = 3 ] && break; sleep 0.05; done
	veil_ok "kill KILL (shared pid namespace)" kill "$cid" KILL
	for i in $(seq 100); do run_veil ps -f json "$cid"; [ "$out" = "[]" ] && break; sleep 0.05; done
	is "$out" "[]" "every process is killed"
	veil_ok "delete" delete "$cid"
}

# ============================ failures leave nothing ===============================
failures() {
	local cid
	bundle bad sleep 1000
	cid=$(id bad)
	cfgj bad '.linux.resources = {"pids": {"limit": 5}, "cpu": {"cpus": "4000-4001"}}'
	veil_fails "a value the kernel rejects fails create, naming file and value" \
		"cpuset.cpus = 4000-4001 in " create --bundle "$T/bad" "$cid"
	has "$err" "(CPU or memory node numbers beyond what this host has)" "and the likely cause"
	veil_fails "no container is left" "does not exist" state "$cid"
	is "$(find $CG -type d -name "$cid" 2>/dev/null)" "" "no cgroup directory is left"
	cfgj bad '.linux.resources = {"cpu": {"quota": 500, "period": 100000}}'
	veil_fails "a CPU quota below 1ms is refused" "period must be 1ms..1s and quota at least 1ms" \
		create --bundle "$T/bad" "$cid"
	is "$(find $CG -type d -name "$cid" 2>/dev/null)" "" "no cgroup directory is left"
	veil_fails "--systemd-cgroup is refused clearly" "systemd cgroup driver is not supported yet" \
		--systemd-cgroup create --bundle "$T/bad" "$cid"
}

# section NAME: runs it and says how long it took (the VM lane has a budget)
section() {
	local t0=$SECONDS
	"$@"
	diag "$1: $((SECONDS - t0)) s"
}

case $LAYOUT in
v1 | hybrid)
	section v1_resources
	section limits_inside
	section cgroup_paths
	section pause_resume
	section update_flags
	section ps_cmd
	section events_cmd
	section kill_all
	section failures
	;;
v2)
	# focused: the VM emulates its CPU
	section v2_resources
	section limits_inside
	section cgroup_paths
	section pause_resume
	section update_flags
	section ps_cmd
	section events_cmd
	section kill_all
	section failures
	;;
esac
is "$(find $CG -type d -name "$ID_PREFIX*" 2>/dev/null)" "" "no cgroup directory of the test is left anywhere"
done_testing
