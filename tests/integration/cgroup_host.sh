# shellcheck shell=bash
# What a v1 or hybrid host's cgroups offer, and the "every resource" document
# built from it: shared by cgroup.sh (the cgroup library through cgroup_tool)
# and cgroups_test.sh (real containers).  Sourced; CG is /sys/fs/cgroup.

# cg_host_probe LAYOUT: sets blk (a block device MAJ:MIN), bfqdev (a free loop
# device switched to BFQ for per-device weights, recorded in loop_restore for
# the caller to undo, or ""), rt, burst, tcp, memsw (1 when the host has
# them), hugetlb_at (v1, unified or "") and sizes (the huge page sizes).
# The caller declares these local.
cg_host_probe() {
	local layout=$1 l h kb
	blk=$(for b in /sys/block/*; do case ${b##*/} in loop* | zram* | ram*) ;; *) cat "$b/dev"; break ;; esac; done)
	[ -n "$blk" ] || blk=$(cat /sys/block/loop0/dev)
	bfqdev=""
	for l in /sys/block/loop*; do
		[ -e "$l/loop/backing_file" ] && continue
		grep -qw bfq "$l/queue/scheduler" 2>/dev/null || continue
		loop_restore="$l/queue/scheduler $(sed 's/.*\[\(.*\)\].*/\1/' "$l/queue/scheduler")"
		echo bfq >"$l/queue/scheduler" && bfqdev=$(cat "$l/dev")
		break
	done
	rt="" burst="" tcp="" memsw="" hugetlb_at="" sizes=""
	# a real-time budget only where the root cgroup has one to give
	[ -e $CG/cpu/cpu.rt_runtime_us ] && [ "$(cat $CG/cpu/cpu.rt_runtime_us)" -gt 0 ] && rt=1
	[ -e $CG/cpu/cpu.cfs_burst_us ] && burst=1
	[ -e $CG/memory/memory.kmem.tcp.limit_in_bytes ] && tcp=1
	[ -e $CG/memory/memory.memsw.limit_in_bytes ] && memsw=1
	if [ "$(stat -fc %T $CG/hugetlb 2>/dev/null)" = cgroupfs ]; then hugetlb_at=v1
	elif [ "$layout" = hybrid ] && grep -qw hugetlb $CG/unified/cgroup.controllers; then hugetlb_at=unified; fi
	for h in /sys/kernel/mm/hugepages/hugepages-*kB; do
		[ -e "$h" ] || continue
		kb=${h##*-}; kb=${kb%kB}
		if [ $((kb % 1048576)) = 0 ]; then sizes="$sizes $((kb / 1048576))GB"; else sizes="$sizes $((kb / 1024))MB"; fi
	done
}

# cg_full_resources DISABLE_OOM_KILLER: linux.resources with every resource
# cg_host_probe found (its variables set), as JSON on stdout.
cg_full_resources() {
	local hp="" first=1 s major=${blk%:*} minor=${blk#*:}
	if [ -n "$hugetlb_at" ]; then
		for s in $sizes; do
			[ $first = 1 ] || hp="$hp,"; first=0
			hp="$hp{\"pageSize\": \"$s\", \"limit\": $([ "$s" = 2MB ] && echo 4194304 || echo 0)}"
		done
	fi
	cat <<-EOF
	{
	  "devices": [
	    {"allow": false, "access": "rwm"},
	    {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"},
	    {"allow": false, "type": "c", "major": 1, "minor": 3, "access": "w"}
	  ],
	  "memory": {"limit": 67108864, "reservation": 33554432
	    $([ -n "$memsw" ] && echo ', "swap": 134217728')
	    $([ -n "$tcp" ] && echo ', "kernelTCP": 16777216'),
	    "swappiness": 30, "disableOOMKiller": $1},
	  "cpu": {"shares": 512, "quota": 50000, "period": 100000,
	    $([ -n "$burst" ] && echo '"burst": 10000,')
	    $([ -n "$rt" ] && echo '"realtimeRuntime": 10000, "realtimePeriod": 1000000,')
	    "cpus": "0", "mems": "0", "idle": 0},
	  "blockIO": {"weight": 500,
	    $([ -n "$bfqdev" ] && echo "\"weightDevice\": [{\"major\": ${bfqdev%:*}, \"minor\": ${bfqdev#*:}, \"weight\": 300}],")
	    "throttleReadBpsDevice": [{"major": $major, "minor": $minor, "rate": 1048576}],
	    "throttleWriteBpsDevice": [{"major": $major, "minor": $minor, "rate": 2097152}],
	    "throttleReadIOPSDevice": [{"major": $major, "minor": $minor, "rate": 100}],
	    "throttleWriteIOPSDevice": [{"major": $major, "minor": $minor, "rate": 200}]},
	  "hugepageLimits": [$hp],
	  "pids": {"limit": 50}
	  $([ "$hugetlb_at" = unified ] && echo ', "unified": {"hugetlb.2MB.rsvd.max": "2097152"}')
	}
	EOF
}
