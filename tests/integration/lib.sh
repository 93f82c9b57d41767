#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Shared helpers for the real-container tests (TAP).  Source it from a test
# script run by CTest as root:
#
#   . "$(dirname "$0")/lib.sh"
#   bundle b1 sh -c 'echo hi'            # busybox bundle with these args
#   cfg b1 'c["process"]["cwd"] = "/tmp"'  # edit config.json (python, c = the config)
#   cfgj b1 '.process.cwd = "/tmp"'       # the same with jq (fast in the test VM)
#   run_veil run --bundle "$T/b1" c1     # runs veil; $out, $err, $rc hold the result
#   is "$out" "hi" "the container prints"
#   done_testing                         # checks nothing leaked, prints the plan
#
# Every test gets a private state root ($ROOT) and temp dir ($T).  At the end,
# done_testing asserts that no state directory, no mount, no cgroup of veil's
# and no container process is left, and cleans up what was.
set -u

VEIL=${VEIL:?set VEIL to the veil binary}
T=$(mktemp -d /tmp/veil-itest.XXXXXX)
chmod 755 "$T" # a container root in a user namespace must reach its bundle
ROOT=$T/root
TESTNAME=$(basename "$0" .sh)
TAP_N=0
TAP_FAILED=0
out="" err="" rc=0

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 77
fi

BUSYBOX=${BUSYBOX:-}
for b in /bin/busybox /usr/bin/busybox; do
	[ -z "$BUSYBOX" ] && [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1 && BUSYBOX=$b
done
if [ -z "$BUSYBOX" ]; then
	echo "Bail out! a static busybox is needed (apt-get install -y busybox-static)"
	exit 1
fi


# ---- TAP ---------------------------------------------------------------------------
pass() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
fail() {
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $1"
	shift; local l; for l in "$@"; do printf '#   %s\n' "$l"; done
}
is() { # got want description
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "got:  '$1'" "want: '$2'"; fi
}
isnt() {
	if [ "$1" != "$2" ]; then pass "$3"; else fail "$3" "got '$1', wanted something else"; fi
}
has() { # text needle description
	case "$1" in *"$2"*) pass "$3" ;; *) fail "$3" "text: '$1'" "lacks: '$2'" ;; esac
}
hasnt() {
	case "$1" in *"$2"*) fail "$3" "text: '$1'" "has: '$2'" ;; *) pass "$3" ;; esac
}
ok() { # status description [details...]
	local s=$1 d=$2; shift 2
	if [ "$s" = 0 ]; then pass "$d"; else fail "$d" "$@"; fi
}
diag() { printf '# %s\n' "$*"; }

# ---- bundles -----------------------------------------------------------------------
# A busybox rootfs shared by the bundles of this test (hard links are cheap).
_rootfs_template() {
	[ -d "$T/rootfs.tmpl" ] && return
	local r=$T/rootfs.tmpl
	mkdir -p "$r"/{bin,proc,sys,dev,tmp,etc,root,var,run}
	chmod 1777 "$r/tmp"
	cp "$BUSYBOX" "$r/bin/busybox"
	# one process for all applet links (hundreds of ln take half a minute in
	# the emulated test VM): perl is part of every Debian system
	local a
	# shellcheck disable=SC2046
	if ! (cd "$r/bin" && perl -e 'symlink("busybox", $_) or die "$_: $!\n" for @ARGV' \
		$(./busybox --list | grep -vx busybox)); then
		for a in $("$r/bin/busybox" --list); do
			[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
		done
	fi
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$r/etc/group"
}

# bundle NAME [ARGS...]: $T/NAME with config.json from `veil spec`, terminal
# off, the given args (default: true), and a private copy of the rootfs.
bundle() {
	local name=$1; shift
	_rootfs_template
	local b=$T/$name
	rm -rf "$b"
	mkdir -p "$b"
	cp -a "$T/rootfs.tmpl" "$b/rootfs"
	(cd "$b" && "$VEIL" spec) || { echo "Bail out! veil spec failed"; exit 1; }
	[ $# -gt 0 ] || set -- true
	# jq, not python: python needs seconds to start in the (emulated) test VM
	jq '.process.terminal = false | .process.args = $ARGS.positional' \
		--args -- "$@" <"$b/config.json" >"$b/config.json.new" &&
		mv "$b/config.json.new" "$b/config.json" || { echo "Bail out! bundle $name failed"; exit 1; }
}

# cfgj NAME JQ-FILTER [JQ-ARGS...]: edits $T/NAME/config.json with jq.
cfgj() {
	local c=$T/$1/config.json f=$2
	shift 2
	jq "$@" "$f" <"$c" >"$c.new" && mv "$c.new" "$c" || { echo "Bail out! cfgj failed: $f"; exit 1; }
}

# cfg NAME PYTHON: edits $T/NAME/config.json; `c` is the parsed config.
cfg() {
	python3 - "$T/$1/config.json" "$2" <<'EOF' || { echo "Bail out! cfg failed: $2"; exit 1; }
import json, sys
path, code = sys.argv[1], sys.argv[2]
with open(path) as f:
    c = json.load(f)
exec(code)
with open(path, "w") as f:
    json.dump(c, f, indent=1)
EOF
}

# ---- running veil --------------------------------------------------------------------
# run_veil ARGS...: veil --root $ROOT ARGS; stdout in $out, stderr in $err,
# status in $rc.  stdin is /dev/null unless IN is set.
run_veil() {
	"$VEIL" --root "$ROOT" "$@" >"$T/.out" 2>"$T/.err" <"${IN:-/dev/null}"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
	return $rc
}
# veil_ok DESC ARGS...: run and expect success
veil_ok() {
	local d=$1; shift
	if run_veil "$@"; then pass "$d"; else fail "$d" "veil $* -> $rc" "$err"; fi
}
# veil_fails DESC TEXT ARGS...: run, expect failure with TEXT in stderr
veil_fails() {
	local d=$1 want=$2; shift 2
	if run_veil "$@"; then
		fail "$d" "veil $* succeeded" "$out"
	else
		has "$err" "$want" "$d"
	fi
}
status_of() { "$VEIL" --root "$ROOT" state "$1" 2>/dev/null | sed -n 's/.*"status": "\(.*\)".*/\1/p'; }
pid_of() { "$VEIL" --root "$ROOT" state "$1" 2>/dev/null | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
# wait_status ID STATUS [TRIES]: polls state (10 ms steps)
wait_status() {
	local i
	for i in $(seq "${3:-300}"); do
		[ "$(status_of "$1")" = "$2" ] && return 0
		sleep 0.01
	done
	return 1
}

# ---- leaks -------------------------------------------------------------------------
# Every container of this test is created with an id starting with this.
ID_PREFIX=veil-itest-$$
id() { echo "$ID_PREFIX-$1"; }

done_testing() {
	# containers
	local left
	left=$("$VEIL" --root "$ROOT" list -q 2>/dev/null)
	if [ -n "$left" ]; then
		fail "no container left in the state root" "$left"
		local c
		for c in $left; do "$VEIL" --root "$ROOT" delete --force "$c" >/dev/null 2>&1; done
	else
		pass "no container left in the state root"
	fi
	local dirs
	dirs=$(find "$ROOT" -mindepth 1 -maxdepth 1 ! -name '.*' 2>/dev/null)
	is "$dirs" "" "no state directory left"
	# processes: nothing runs from our bundles
	local procs
	procs=$(pgrep -f "$ID_PREFIX" 2>/dev/null | grep -v "^$$\$" || true)
	is "$procs" "" "no process of the tests left"
	# mounts in the host namespace: nothing below this test's directory (other
	# work on the host may mount and unmount meanwhile, so count only ours)
	local m
	m=$(awk -v t="$T" 'index($5, t) == 1' /proc/self/mountinfo)
	is "$m" "" "no mount left in the host mount namespace"
	local cg
	# depth 6: a relative cgroup path sits below veil's own cgroup (memory/a/b/ID)
	cg=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "$ID_PREFIX*" 2>/dev/null)
	is "$cg" "" "no cgroup left"
	echo "1..$TAP_N"
	rm -rf "$T"
	[ "$TAP_FAILED" = 0 ]
	exit $?
}
