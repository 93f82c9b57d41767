#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# cgroup library, on the real kernel (TAP).  Usage: cgroup.sh PATH/TO/cgroup_tool
#
# On a v1 or hybrid host every resource the host supports is created, read
# back from /sys/fs/cgroup, updated and removed; resources it lacks must fail
# with an error naming the field.  On pure v2 (tests/integration/in_vm.sh
# runs this script in the test VM) a focused set is checked, including the
# device eBPF program and clone3 into the cgroup.  Nothing is left behind:
# every cgroup directory made here carries the prefix below and is checked
# for at the end.
set -u

TOOL=${1:?usage: cgroup.sh PATH/TO/cgroup_tool}
CG=/sys/fs/cgroup
. "$(dirname "$0")/cgroup_host.sh"
PFX=veil-itest-$$
n=0
failed=0

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 77
fi

tmp=$(mktemp -d)
bg_pids=()
loop_restore=""

cleanup() {
	exec 2>/dev/null # no job notices for the processes killed on purpose
	for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	# leave the host as found even when a test failed half-way
	find $CG -depth -type d -name "$PFX*" 2>/dev/null | while read -r d; do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	[ -n "$loop_restore" ] && echo "${loop_restore#* }" >"${loop_restore%% *}" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---- TAP helpers ------------------------------------------------------------------
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	shift; for l in "$@"; do echo "#   $l"; done
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
is() { # got want description
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "got:  '$1'" "want: '$2'"; fi
}
has() { # text needle description
	case "$1" in *"$2"*) pass "$3" ;; *) fail "$3" "'$1'" "lacks '$2'" ;; esac
}
file_is() { # dir file want
	if [ -e "$1/$2" ]; then is "$(cat "$1/$2")" "$3" "$2 = $3"; else fail "$2 = $3" "$1/$2 is missing"; fi
}
# runs the tool, keeping stdout in $out and stderr in $errout; returns its status
t() {
	"$TOOL" "$@" >"$tmp/out" 2>"$tmp/err"
	local r=$?
	out=$(cat "$tmp/out")
	errout=$(cat "$tmp/err")
	return $r
}
must() { # description, tool args...
	local d=$1; shift
	if t "$@"; then pass "$d"; else fail "$d" "$errout"; fi
}
must_fail() { # description, expected error text, tool args...
	local d=$1 want=$2; shift 2
	if t "$@"; then fail "$d" "succeeded: $out"; else has "$errout" "$want" "$d"; fi
}
json() { cat >"$tmp/$1"; echo "$tmp/$1"; }
leftovers() { find $CG -type d -name "$PFX*" 2>/dev/null | sort; }
in_cgroup() { # pid path -> how many hierarchies have pid at path
	grep -c ":$2\$" "/proc/$1/cgroup"
}
dead() { # pid: gone or a zombie
	[ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null || echo Z)" = Z ]
}
wait_gone() { # pid: waits for it to die (up to 5 s)
	for _ in $(seq 50); do dead "$1" && return 0; sleep 0.1; done
	return 1
}
# a background sleeper the shell will not report on when a test kills it
sleeper() {
	sleep 1000 &
	sp=$!
	disown $sp
	bg_pids+=($sp)
}

layout=$("$TOOL" detect | sed 's/^layout=\([a-z0-9]*\).*/\1/')
echo "# host: $("$TOOL" detect)"

# =============================== v1 and hybrid =====================================
v1_tests() {
	local S U M C B P D F path=/$PFX/c1
	local hier_count sp hog
	[ "$layout" = hybrid ] && U=unified || U=""

	# -- what this host offers ----------------------------------------------------------
	local blk bfqdev rt burst tcp memsw hugetlb_at sizes
	cg_host_probe "$layout"
	local root_subtree=""
	[ -n "$U" ] && root_subtree=$(cat $CG/unified/cgroup.subtree_control)

	local res
	res=$(cg_full_resources true | json full.json)

	# -- create and read back ----------------------------------------------------------------
	if ! t create "$path" "$res"; then
		fail "create $path with every resource of this host" "$errout"
		return
	fi
	pass "create $path with every resource of this host"
	S=$out
	M=$("$TOOL" dir "$S" memory); C=$("$TOOL" dir "$S" cpu); B=$("$TOOL" dir "$S" blkio)
	P=$("$TOOL" dir "$S" pids); D=$("$TOOL" dir "$S" devices); F=$("$TOOL" dir "$S" freezer)
	is "$M" "$CG/memory$path" "memory directory"
	for c in cpu cpuacct cpuset memory devices freezer blkio pids systemd; do
		[ "$(stat -fc %T $CG/$c 2>/dev/null)" = cgroupfs ] || continue
		if [ -d "$CG/$c$path" ]; then pass "directory in $c"; else fail "directory in $c"; fi
	done
	if [ -n "$U" ]; then
		if [ -d "$CG/unified$path" ]; then pass "directory in the unified tree"; else fail "directory in the unified tree"; fi
	fi

	file_is "$M" memory.limit_in_bytes 67108864
	file_is "$M" memory.soft_limit_in_bytes 33554432
	if [ -n "$memsw" ]; then file_is "$M" memory.memsw.limit_in_bytes 134217728; else skip "memory.memsw" "no swap accounting"; fi
	if [ -n "$tcp" ]; then file_is "$M" memory.kmem.tcp.limit_in_bytes 16777216; else skip "kernelTCP" "kernel lacks it"; fi
	file_is "$M" memory.swappiness 30
	is "$(head -1 "$M/memory.oom_control")" "oom_kill_disable 1" "memory.oom_control: OOM killer disabled"
	file_is "$C" cpu.shares 512
	file_is "$C" cpu.cfs_period_us 100000
	file_is "$C" cpu.cfs_quota_us 50000
	if [ -n "$burst" ]; then file_is "$C" cpu.cfs_burst_us 10000; else skip "cpu burst" "kernel lacks it"; fi
	file_is "$C" cpu.idle 0
	if [ -n "$rt" ]; then
		file_is "$C" cpu.rt_period_us 1000000
		file_is "$C" cpu.rt_runtime_us 10000
		is "$(cat "${C%/*}/cpu.rt_runtime_us")" 10000 "real-time budget granted by the parent veil created"
	else
		skip "real-time" "no CONFIG_RT_GROUP_SCHED"
	fi
	file_is "$("$TOOL" dir "$S" cpuset)" cpuset.cpus 0
	file_is "$("$TOOL" dir "$S" cpuset)" cpuset.mems 0
	if [ -e "$B/blkio.weight" ]; then file_is "$B" blkio.weight 500
	else is "$(head -1 "$B/blkio.bfq.weight" | sed 's/^default //')" 500 "blkio weight through blkio.bfq.weight"; fi
	if [ -n "$bfqdev" ]; then
		has "$(cat "$B/blkio.bfq.weight_device" 2>/dev/null; cat "$B/blkio.weight_device" 2>/dev/null)" "$bfqdev 300" "blkio weightDevice on a BFQ device"
	else
		skip "blkio weightDevice" "no free loop device for BFQ"
	fi
	file_is "$B" blkio.throttle.read_bps_device "$blk 1048576"
	file_is "$B" blkio.throttle.write_bps_device "$blk 2097152"
	file_is "$B" blkio.throttle.read_iops_device "$blk 100"
	file_is "$B" blkio.throttle.write_iops_device "$blk 200"
	file_is "$P" pids.max 50
	local H=""
	[ "$hugetlb_at" = v1 ] && H=$("$TOOL" dir "$S" hugetlb)
	[ "$hugetlb_at" = unified ] && H=$CG/unified$path
	if [ -n "$H" ] && [ "$hugetlb_at" = unified ]; then
		file_is "$H" hugetlb.2MB.max 4194304
		file_is "$H" hugetlb.2MB.rsvd.max 2097152 # the unified value won
		case "$sizes" in *1GB*) file_is "$H" hugetlb.1GB.max 0; file_is "$H" hugetlb.1GB.rsvd.max 0 ;; esac
		has " $(cat $CG/unified/cgroup.subtree_control) " " hugetlb " "hugetlb switched on in the unified root"
		case " $root_subtree " in
		*" hugetlb "*) ;;
		*)
			has "$S" "en=hugetlb:$CG/unified" "the saved state records it"
			t marker $CG/unified; is "$out" hugetlb "and the cgroup is marked as veil's"
			;;
		esac
	elif [ -n "$H" ]; then
		file_is "$H" hugetlb.2MB.limit_in_bytes 4194304
	else
		skip "hugetlb" "no hugetlb controller"
	fi
	# the kernel's view of the device list, in the order veil wrote it
	is "$(cat "$D/devices.list" | tr '\n' ',')" \
		"c 10:229 rwm,c *:* m,b *:* m,c 1:3 rwm,c 1:8 rwm,c 1:7 rwm,c 5:0 rwm,c 1:5 rwm,c 1:9 rwm,c 136:* rwm,c 5:2 rwm,c 10:200 rwm," \
		"devices.list: deny all, the config's rules in order, the defaults"
	file_is "$F" freezer.state THAWED

	# -- a process -----------------------------------------------------------------------------
	sleeper
	must "add a process" add "$S" $sp
	hier_count=$(wc -l </proc/self/cgroup)
	is "$(in_cgroup $sp "$path")" "$hier_count" "the process is in the cgroup in all $hier_count hierarchies (incl. name=systemd and 0::)"
	t pids "$S"; has " $(echo $out) " " $sp " "pids lists it"
	if t run "$S" sh -c ': </dev/null'; then pass "an allowed device opens"; else fail "an allowed device opens" "$errout"; fi
	if t run "$S" sh -c ': </dev/kmsg'; then fail "a denied device (/dev/kmsg) is refused"
	else has "$errout" "Operation not permitted" "a denied device (/dev/kmsg) is refused with EPERM"; fi
	# the config denies writing /dev/null, but the defaults come after it (runc's order)
	if t run "$S" sh -c 'echo x >/dev/null'; then pass "the defaults follow the config's rules: /dev/null writable"; else fail "/dev/null writable" "$errout"; fi

	# -- freezer ----------------------------------------------------------------------------------
	must "freeze" freeze "$S"
	t state "$S"; is "$out" frozen "state: frozen"
	file_is "$F" freezer.state FROZEN
	must "thaw" thaw "$S"
	t state "$S"; is "$out" thawed "state: thawed"

	# -- updates ----------------------------------------------------------------------------------
	"$TOOL" run "$S" sh -c 'x=$(head -c 8000000 /dev/zero | tr "\000" a); echo ready >'"$tmp"'/hog; sleep 1000' &
	hog=$!; disown $hog; bg_pids+=($hog)
	for _ in $(seq 100); do [ -e "$tmp/hog" ] && break; sleep 0.1; done
	must_fail "checkBeforeUpdate refuses a limit below the usage" "below the current usage" \
		update "$S" "$(json low1.json <<<'{"memory": {"limit": 1048576, "checkBeforeUpdate": true}}')"
	file_is "$M" memory.limit_in_bytes 67108864
	must_fail "the kernel's EBUSY is explained" \
		"memory.limit_in_bytes = 1048576 in $M: Device or resource busy (the limit is below the current memory usage of the cgroup" \
		update "$S" "$(json low2.json <<<'{"memory": {"limit": 1048576}}')"
	if [ -n "$memsw" ]; then
		# raising both: memory above the old memsw is EINVAL until memsw is raised
		must "update memory and swap upwards" update "$S" \
			"$(json up.json <<<'{"memory": {"limit": 209715200, "swap": 419430400}, "pids": {"limit": 60}, "cpu": {"quota": 20000}, "devices": [{"allow": true, "access": "rwm"}]}')"
		file_is "$M" memory.limit_in_bytes 209715200
		file_is "$M" memory.memsw.limit_in_bytes 419430400
	else
		must "update" update "$S" "$(json up.json <<<'{"pids": {"limit": 60}, "cpu": {"quota": 20000}, "devices": [{"allow": true, "access": "rwm"}]}')"
	fi
	file_is "$P" pids.max 60
	file_is "$C" cpu.cfs_quota_us 20000
	is "$(head -1 "$D/devices.list")" "c 10:229 rwm" "update leaves the device rules alone"

	# -- stats, kill, destroy --------------------------------------------------------------------
	t stats "$S"
	has "$out" "pids.current=" "stats read"
	local cur; cur=$(sed -n 's/^pids.current=//p' <<<"$out")
	[ "${cur:-0}" -ge 3 ] && pass "stats: pids.current=$cur" || fail "stats: pids.current" "$out"
	local usage; usage=$(sed -n 's/^memory.usage=//p' <<<"$out")
	[ "${usage:-0}" -gt 4000000 ] && pass "stats: memory.usage=$usage" || fail "stats: memory usage" "$out"
	must_fail "destroy with processes inside fails and kills nothing" "processes still in it" destroy "$S"
	dead $sp && fail "the process is still alive" || pass "the process is still alive"
	# a signal other than SIGKILL: freeze, signal each process, thaw
	must "kill --all SIGTERM" kill "$S" 15
	wait_gone $sp && pass "SIGTERM reached the sleeper" || fail "SIGTERM reached the sleeper"
	file_is "$F" freezer.state THAWED
	must "kill --all" kill "$S" 9
	wait_gone $hog && pass "killed" || fail "killed"
	t pids "$S"; is "$out" "" "no pids left"
	must "destroy" destroy "$S"
	is "$(leftovers)" "" "no directory left"
	if [ -n "$U" ]; then
		# other cgroups in the unified root (a concurrent run, another runtime)
		# keep veil's controllers on by design: only check when there are none
		local others
		others=$(find $CG/unified -mindepth 1 -maxdepth 1 -type d | grep -v "/$PFX" | head -3 | tr '\n' ' ')
		if [ -z "$others" ]; then
			is "$(cat $CG/unified/cgroup.subtree_control)" "$root_subtree" "unified root subtree_control as found"
			t marker $CG/unified; is "$out" "" "no marker left"
		else
			skip "unified root subtree_control as found" "other cgroups there: $others"
		fi
	fi
}

# Two containers need a controller veil switches on in a shared ancestor:
# it stays on until the last of them is deleted, whichever switched it on.
# The ancestor /$1 is made here in every hierarchy, so veil finds it existing.
# $2: the resources, $3: the controller.
shared_controller() {
	local name=$1 res=$2 ctrl=$3 A B before base dirs=()
	if [ "$layout" = v2 ]; then
		dirs=("$CG/$name")
	else
		for m in $CG/*; do
			case $(stat -fc %T "$m" 2>/dev/null) in cgroupfs | cgroup2fs) dirs+=("$m/$name") ;; esac
		done
	fi
	mkdir "${dirs[@]}" || { fail "mkdir /$name"; return; }
	if [ "$layout" = v2 ]; then base=$CG/$name; else base=$CG/unified/$name; fi
	before=$(cat "$base/cgroup.subtree_control")
	if t create "/$name/a" "$res"; then
		A=$out
		must "create b" create "/$name/b" "$res"
		B=$out
		has " $(cat "$base/cgroup.subtree_control") " " $ctrl " "$ctrl switched on in the shared parent"
		has "$B" "en=" "the second container shares the undo"
		must "destroy the first" destroy "$A"
		has " $(cat "$base/cgroup.subtree_control") " " $ctrl " "still on while the second lives"
		must "destroy the second" destroy "$B"
		is "$(cat "$base/cgroup.subtree_control")" "$before" "switched off with the last one"
		t marker "$base"; is "$out" "" "marker gone"
	else
		fail "create a" "$errout"
	fi
	rmdir "${dirs[@]}"
}

v1_errors() {
	local S own
	# relative to veil's own cgroup, per hierarchy
	if t create --relative "$PFX-rel" "$(json pids.json <<<'{"pids": {"limit": 10}}')"; then
		pass "create a relative cgroupsPath"
		S=$out
		own=$(sed -n 's/^[0-9]*:memory:\(.*\)/\1/p' /proc/self/cgroup)
		own=${own%/}
		is "$("$TOOL" dir "$S" memory)" "$CG/memory$own/$PFX-rel" "relative to veil's own memory cgroup"
		own=$(sed -n 's/^[0-9]*:pids:\(.*\)/\1/p' /proc/self/cgroup)
		own=${own%/}
		file_is "$CG/pids$own/$PFX-rel" pids.max 10
		must "destroy it" destroy "$S"
		is "$(leftovers)" "" "nothing left"
	else
		fail "create a relative cgroupsPath" "$errout"
	fi
	must_fail "'..' in cgroupsPath is refused" '".." components are not allowed' \
		create "/$PFX/../x" "$(json empty.json <<<'{}')"
	must_fail "a rejected value names file and value, then rolls back" \
		"write cpuset.cpus = 4000-4001 in $CG/cpuset/$PFX/bad: Numerical result out of range (CPU or memory node numbers beyond what this host has)" \
		create "/$PFX/bad" "$(json cpus.json <<<'{"cpu": {"cpus": "4000-4001"}}')"
	if [ -e $CG/cpu/cpu.idle ]; then
		# idle changes how cpu.shares reads: checked on its own
		if t create "/$PFX/idle" "$(json idle.json <<<'{"cpu": {"idle": 1}}')"; then
			file_is "$CG/cpu/$PFX/idle" cpu.idle 1
			must "destroy" destroy "$out"
		else
			fail "cpu.idle" "$errout"
		fi
	fi
	is "$(leftovers)" "" "nothing left after the failed create"
	must_fail "a missing knob is explained" "leaf weights existed only with the CFQ" \
		create "/$PFX/leaf" "$(json leaf.json <<<'{"blockIO": {"leafWeight": 200}}')"
	if [ -e $CG/unified ] || [ -e $CG/hugetlb ]; then
		must_fail "an unknown huge page size is explained" "this host has no huge pages of that size" \
			create "/$PFX/hp" "$(json hp.json <<<'{"hugepageLimits": [{"pageSize": "64KB", "limit": 0}]}')"
	fi
	is "$(leftovers)" "" "nothing left after failed creates"
	# what this host cannot apply: errors naming the field
	[ "$(stat -fc %T $CG/net_cls 2>/dev/null)" = cgroupfs ] ||
		must_fail "network.classID without net_cls" "linux.resources.network.classID: the net_cls cgroup controller is not available" \
			plan "$(json net.json <<<'{"network": {"classID": 1048577}}')"
	[ "$(stat -fc %T $CG/rdma 2>/dev/null)" = cgroupfs ] ||
		must_fail "rdma without the controller" "linux.resources.rdma: the rdma cgroup controller is not available" \
			plan "$(json rdma.json <<<'{"rdma": {"mlx5_0": {"hcaHandles": 1}}}')"
	if [ "$layout" = hybrid ]; then
		must_fail "unified memory.* on hybrid" 'controller "memory" is bound to cgroup v1' \
			plan "$(json u.json <<<'{"unified": {"memory.max": "1000000"}}')"
	else
		must_fail "unified on v1" "cannot use unified on cgroup v1" \
			plan "$(json u.json <<<'{"unified": {"memory.max": "1000000"}}')"
	fi
	# a cgroup that existed before is not removed
	mkdir $CG/pids/$PFX-pre
	if t create "/$PFX-pre" "$(json p2.json <<<'{"pids": {"limit": 5}}')"; then
		S=$out
		must "destroy" destroy "$S"
		if [ -d $CG/pids/$PFX-pre ]; then pass "a pre-existing directory stays"; else fail "a pre-existing directory stays"; fi
		if [ -d $CG/memory/$PFX-pre ]; then fail "the ones veil made are gone"; else pass "the ones veil made are gone"; fi
		file_is $CG/pids/$PFX-pre pids.max 5
	else
		fail "create over a pre-existing directory" "$errout"
	fi
	rmdir $CG/pids/$PFX-pre
	if [ "$layout" = hybrid ] && grep -qw hugetlb $CG/unified/cgroup.controllers &&
		[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
		shared_controller $PFX-shared \
			"$(json sh.json <<<'{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}')" hugetlb
		is "$(leftovers)" "" "nothing left"
	fi
}

# =============================== pure v2 ===========================================
v2_tests() {
	local S dir path=/$PFX/c1 root_subtree sp
	root_subtree=$(cat $CG/cgroup.subtree_control)
	local hp="" io=""
	[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] && grep -qw hugetlb $CG/cgroup.controllers &&
		hp='"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],'
	grep -qw io $CG/cgroup.controllers && io='"blockIO": {"weight": 500},'
	local res
	res=$(json v2.json <<-EOF
	{
	  "devices": [{"allow": false, "access": "rwm"}],
	  "memory": {"limit": 67108864, "reservation": 16777216},
	  "cpu": {"shares": 1024, "quota": 50000, "period": 100000},
	  $io
	  $hp
	  "pids": {"limit": 20},
	  "unified": {"memory.high": "50000000"}
	}
	EOF
	)
	if ! t create "$path" "$res"; then
		fail "create $path on cgroup v2" "$errout"
		return
	fi
	pass "create $path on cgroup v2"
	S=$out
	dir=$("$TOOL" dir "$S" unified)
	is "$dir" "$CG$path" "the directory"
	file_is "$dir" memory.max 67108864
	file_is "$dir" memory.low 16777216
	file_is "$dir" memory.high 49999872 # page-rounded by the kernel
	file_is "$dir" cpu.weight 100
	file_is "$dir" cpu.max "50000 100000"
	file_is "$dir" pids.max 20
	if [ -n "$io" ]; then
		if [ -e "$dir/io.bfq.weight" ]; then is "$(head -1 "$dir/io.bfq.weight")" "default 500" "io.bfq.weight"
		else is "$(head -1 "$dir/io.weight")" "default 4950" "io.weight converted from blkio weight 500"; fi
	else
		skip "io weight" "no io controller"
	fi
	if [ -n "$hp" ]; then file_is "$dir" hugetlb.2MB.max 4194304; else skip "hugetlb" "no 2MB pages"; fi
	t bpf "$S"; is "$out" 1 "one device program attached"

	# clone3(CLONE_INTO_CGROUP): the child starts inside
	t run "$S" cat /proc/self/cgroup; is "$out" "0::$path" "clone3 into the cgroup"
	if t run "$S" sh -c ': </dev/null'; then pass "an allowed device opens"; else fail "an allowed device opens" "$errout"; fi
	if t run "$S" sh -c ': </dev/kmsg'; then fail "a denied device (/dev/kmsg) is refused"
	else has "$errout" "Operation not permitted" "a denied device (/dev/kmsg) is refused with EPERM"; fi

	sleeper
	must "add a process" add "$S" $sp
	is "$(cat /proc/$sp/cgroup)" "0::$path" "it is there"
	must "freeze" freeze "$S"
	is "$(sed -n 's/^frozen //p' "$dir/cgroup.events")" 1 "cgroup.events: frozen 1"
	t state "$S"; is "$out" frozen "state: frozen"
	must "thaw" thaw "$S"
	t state "$S"; is "$out" thawed "state: thawed"
	must_fail "checkBeforeUpdate" "below the current usage" \
		update "$S" "$(json low.json <<<'{"memory": {"limit": 4096, "checkBeforeUpdate": true}}')"
	must "update" update "$S" "$(json up.json <<<'{"memory": {"limit": 134217728}, "pids": {"limit": 30}}')"
	file_is "$dir" memory.max 134217728
	file_is "$dir" pids.max 30
	t stats "$S"
	has "$out" "pids.current=1" "stats: pids.current"
	local usage; usage=$(sed -n 's/^memory.usage=//p' <<<"$out")
	[ "${usage:-0}" -gt 0 ] && pass "stats: memory.usage=$usage" || fail "stats: memory usage" "$out"
	must "kill --all SIGTERM (freeze, signal, thaw)" kill "$S" 15
	wait_gone $sp && pass "SIGTERM reached the sleeper" || fail "SIGTERM reached the sleeper"
	is "$(sed -n 's/^frozen //p' "$dir/cgroup.events")" 0 "thawed again"
	sleeper
	must "add another" add "$S" $sp
	must "kill --all (cgroup.kill)" kill "$S" 9
	wait_gone $sp && pass "killed" || fail "killed"
	must "destroy" destroy "$S"
	is "$(leftovers)" "" "no directory left"
	is "$(cat $CG/cgroup.subtree_control)" "$root_subtree" "root subtree_control as found"
	# relative: beside veil's own cgroup (runc's rule on v2)
	local own; own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	own=${own%/*}
	if t create --relative "$PFX-rel" "$(json pids.json <<<'{"pids": {"limit": 10}}')"; then
		S=$out
		is "$("$TOOL" dir "$S" unified)" "$CG$own/$PFX-rel" "a relative path is placed beside veil's own cgroup"
		must "destroy it" destroy "$S"
	else
		fail "create a relative cgroupsPath" "$errout"
	fi
	must_fail "network is v1 only" "linux.resources.network.classID: the net_cls cgroup controller is not available on this host (cgroup v2 has no such controller" \
		plan "$(json net.json <<<'{"network": {"classID": 1}}')"
	shared_controller $PFX-shared "$(json sh.json <<<'{"pids": {"limit": 10}}')" pids
	is "$(leftovers)" "" "nothing left"
}

case $layout in
v1 | hybrid) v1_tests; v1_errors ;;
v2) v2_tests ;;
*) fail "a cgroup layout veil knows" "detect: $layout" ;;
esac
is "$(leftovers)" "" "no cgroup directory of the test is left"
echo "1..$n"
[ $failed = 0 ]
