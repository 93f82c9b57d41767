#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scale and hot-path guards (issue: performance).  The work of create,
# start and delete must not grow with the number of containers or of mounts
# on the host, and `list` must stay cheap per container.  Checked by what
# veil asks the kernel (strace), not by timing, except for one generous
# bound on `list`.  bench/ has the real measurements.
. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null; then
	echo "1..0 # SKIP strace is needed (apt-get install -y strace)"
	exit 77
fi

bundle b true

# strace_of OUT ARGS...: veil --root $ROOT ARGS under strace -f (file
# accesses, mounts, directory reads, execs), the trace in $T/OUT
strace_of() {
	local outf=$1
	shift
	strace -f -qq -o "$T/$outf" -e trace=%file,getdents64,execve,execveat,mount \
		"$VEIL" --root "$ROOT" "$@" >/dev/null 2>"$T/$outf.err"
}
# count_of ARGS...: the total number of system calls of veil --root $ROOT ARGS
count_of() {
	strace -f -qq -c -o "$T/count" "$VEIL" --root "$ROOT" "$@" >/dev/null 2>&1
	awk '$NF == "total" {print $4}' "$T/count"
}

# ---- the hot path reads no host-wide tables ------------------------------------
# `run` covers create (runtime and init), start and delete in one traced
# process tree that ends; create and start are also traced on their own
# (without following init, which stays until start).
strace_of run.tr run --bundle "$T/b" "$(id r1)"
ok $? "run under strace"
hasnt "$(grep -E 'mountinfo|/proc/(self|thread-self|[0-9]+)/mounts|/proc/mounts' "$T/run.tr")" "mount" \
	"create, start and delete read no mount table (mountinfo, mounts)"
# directories read: its own state directory (emptied at the end) and, for
# the /sys/fs/cgroup mount, the host's /sys/fs/cgroup (one entry per
# hierarchy); never the state root, whose size is the number of containers
n=$(grep -c "getdents64(" "$T/run.tr")
ok $([ "$n" -le 4 ] && echo 0 || echo 1) "run reads two directories at most ($n getdents64)"
hasnt "$(grep -F "\"$ROOT\"" "$T/run.tr" | grep -E "open(at2?)?\\(" | grep -v O_PATH)" "$ROOT" "the state root is never opened for reading"
is "$(grep -cE 'execve(at)?\(' "$T/run.tr")" 2 \
	"veil runs once, then the container's program: no re-exec (the exe guard works in place)"
strace -qq -o "$T/create.tr" -e trace=%file,getdents64,execve,execveat \
	"$VEIL" --root "$ROOT" create --bundle "$T/b" "$(id c1)" >/dev/null 2>&1
ok $? "create under strace"
hasnt "$(grep -E 'getdents64|mountinfo' "$T/create.tr")" "(" "create reads no directory and no mount table"
strace_of start.tr start "$(id c1)"
ok $? "start under strace"
hasnt "$(grep -E 'getdents64|mountinfo|state.json.*O_CREAT' "$T/start.tr")" "(" \
	"start reads no directory or mount table and writes no state"
veil_ok "delete c1" delete "$(id c1)"

# ---- create costs the same with many containers and many mounts -----------------
n0=$(count_of run --bundle "$T/b" "$(id k0)")
# 300 other containers in the state root (stopped ones: state.json only)
veil_ok "create a template" create --bundle "$T/b" "$(id tmpl)"
cp "$ROOT/$(id tmpl)/state.json" "$T/state.tmpl"
veil_ok "delete the template" delete --force "$(id tmpl)"
for i in $(seq 300); do
	mkdir "$ROOT/$(id f$i)"
	sed "s/$(id tmpl)/$(id f$i)/" "$T/state.tmpl" >"$ROOT/$(id f$i)/state.json"
done
n1=$(count_of run --bundle "$T/b" "$(id k1)")
diff=$((n1 - n0))
ok $([ "${diff#-}" -le 3 ] && echo 0 || echo 1) \
	"a container costs as many system calls with 300 others in the root ($n0, then $n1)"
# 200 more mounts on the host (in a private mount namespace of the test)
mkdir -p "$T/mnts"
n2=$(unshare --mount --propagation private bash -c '
	for i in $(seq 200); do mkdir -p "$1/mnts/$i" && mount -t tmpfs -o size=4k t "$1/mnts/$i" || exit 1; done
	strace -f -qq -c -o "$1/count2" "$2" --root "$3" run --bundle "$1/b" "$4" >/dev/null 2>&1
	awk '\''$NF == "total" {print $4}'\'' "$1/count2"' \
	_ "$T" "$VEIL" "$ROOT" "$(id k2)")
diff=$((n2 - n0))
ok $([ "${diff#-}" -le 3 ] && echo 0 || echo 1) \
	"a container costs as many system calls with 200 more host mounts ($n0, then $n2)"

# ---- list: a bounded number of system calls per container, and fast --------------
for i in $(seq 301 1000); do
	mkdir "$ROOT/$(id f$i)"
	sed "s/$(id tmpl)/$(id f$i)/" "$T/state.tmpl" >"$ROOT/$(id f$i)/state.json"
done
run_veil list
is "$(echo "$out" | wc -l)" 1001 "list shows 1000 containers"
strace -qq -c -o "$T/count.list" "$VEIL" --root "$ROOT" list >/dev/null 2>&1
calls=$(awk '$NF == "total" {print $4}' "$T/count.list")
ok $([ "$calls" -le 10000 ] && echo 0 || echo 1) \
	"list of 1000 containers makes at most 10 system calls per container ($calls)"
best=999999
for _ in 1 2 3; do
	s=$(date +%s%N)
	"$VEIL" --root "$ROOT" list >/dev/null
	e=$(date +%s%N)
	t=$(((e - s) / 1000000))
	[ "$t" -lt "$best" ] && best=$t
done
diag "list of 1000 containers: $best ms (best of 3)"
ok $([ "$best" -lt 500 ] && echo 0 || echo 1) "list of 1000 containers in well under a second ($best ms)"
rm -rf "$ROOT"/"$ID_PREFIX"-f*

done_testing
