#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/exec.sh VEIL [RUNS]: how long `exec CONTAINER true` takes with veil,
# and with runc and crun when they are installed and can run the same
# busybox container here, plus `veil state` (one veil process doing almost
# nothing) for scale.  Uses hyperfine when present, else a loop.  Root;
# leaves nothing behind.
set -eu

VEIL=$(readlink -f "${1:?usage: bench/exec.sh VEIL [RUNS]}")
RUNS=${2:-300}
T=$(mktemp -d /tmp/veil-bench.XXXXXX)
started=()

cleanup() {
	local e
	for e in "${started[@]}"; do
		# shellcheck disable=SC2086
		$e >/dev/null 2>&1 || true
	done
	rm -rf "$T"
}
trap cleanup EXIT

busybox=""
for b in /bin/busybox /usr/bin/busybox; do
	[ -z "$busybox" ] && [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1 && busybox=$b
done
[ -n "$busybox" ] || { echo "a static busybox is needed (busybox-static)" >&2; exit 1; }
mkdir -p "$T/b/rootfs"/{bin,proc,sys,dev,tmp,etc}
cp "$busybox" "$T/b/rootfs/bin/busybox"
for a in $("$busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$T/b/rootfs/bin/$a"; done
(cd "$T/b" && "$VEIL" spec)
python3 - "$T/b/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["ociVersion"] = "1.0.2"  # what older runc/crun accept; nothing here needs more
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "100000"]
json.dump(c, open(sys.argv[1], "w"))
PY

cmds=()
"$VEIL" --root "$T/veil" run -d --bundle "$T/b" bench-veil
started+=("$VEIL --root $T/veil delete --force bench-veil")
cmds+=("$VEIL --root $T/veil exec bench-veil true" "$VEIL --root $T/veil state bench-veil")
for rt in runc crun; do
	command -v "$rt" >/dev/null || continue
	if "$rt" --root "$T/$rt" run -d --bundle "$T/b" "bench-$rt" </dev/null >/dev/null 2>"$T/$rt.err"; then
		started+=("$rt --root $T/$rt delete --force bench-$rt")
		cmds+=("$rt --root $T/$rt exec bench-$rt true")
	else
		echo "# $rt cannot run the container here: $(head -c 200 "$T/$rt.err")"
	fi
done

if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$T/h.json" "${cmds[@]}" >/dev/null 2>&1
	echo "median   min      mean     (ms, $RUNS runs)"
	python3 - "$T/h.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%-8.2f %-8.2f %-8.2f %s" % (r["median"] * 1e3, r["min"] * 1e3, r["mean"] * 1e3,
                                       r["command"].split(" --root")[0].rsplit("/", 1)[-1] + " " +
                                       " ".join(r["command"].split()[3:4])))
PY
else
	for c in "${cmds[@]}"; do
		s=$(date +%s%N)
		for _ in $(seq "$RUNS"); do $c >/dev/null; done
		e=$(date +%s%N)
		echo "$(((e - s) / RUNS / 1000)) us mean: $c"
	done
fi
