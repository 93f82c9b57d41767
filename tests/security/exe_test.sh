#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The /proc/self/exe class (CVE-2019-5736, CVE-2016-9962): veil never
# re-execs itself to set a container up (only once at start, from a read-only
# view of its binary); a created container's init is a clone of the runtime, still
# running veil's code inside the container's namespaces until start.  A
# process of another container in the same pid namespace sees it there: it
# must not be able to open /proc/<init>/exe (or its fds, root, memory), and
# the veil binary must not be writable while init maps it.
. "$(dirname "$0")/sec_lib.sh"

# B runs from a copy of veil: whatever happens, the build is not at risk
cp "$VEIL" "$T/veil-copy"
sum_before=$(sha256sum <"$T/veil-copy")
mkdir -p "$T/shared"

# probe: waits for /shared/go (the pid to attack, as seen in its pid
# namespace), tries everything, writes /shared/result
PROBE='while [ ! -s /shared/go ]; do sleep 0.02; done; t=$(cat /shared/go)
{ readlink /proc/$t/exe >/dev/null 2>&1 && echo exe-link-readable || echo exe-link-denied
  cat /proc/$t/exe >/dev/null 2>&1 && echo exe-read-ok || echo exe-read-denied
  (echo x >>/proc/$t/exe) 2>/dev/null && echo exe-write-ok || echo exe-write-denied
  ls -L /proc/$t/fd/ >/dev/null 2>&1 && echo fd-followed || echo fd-denied
  (echo 0 >/proc/$t/fd/3) 2>/dev/null && echo fd-written || echo fd-write-denied
  ls /proc/$t/root/ >/dev/null 2>&1 && echo root-listed || echo root-denied
  cat /proc/$t/environ >/dev/null 2>&1 && echo environ-read || echo environ-denied
  head -c1 /proc/$t/mem >/dev/null 2>&1 && echo mem-read || echo mem-denied
} >/shared/result 2>&1; touch /shared/done
exec sleep 100'	# A's pid 1 must outlive the test: its exit would kill B

attack() { # NAME CAPS...: A (with CAPS) attacks the init of B, created in A's pid namespace
	local name=$1; shift
	rm -f "$T/shared/go" "$T/shared/result" "$T/shared/done"
	bundle "$name" sh -c "$PROBE"
	local caps
	caps=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
	cfg "$name" "c['mounts'].append({'destination': '/shared', 'type': 'bind', 'source': '$T/shared', 'options': ['rbind', 'rw']})
c['process']['capabilities'] = {k: $caps for k in ('bounding', 'effective', 'permitted')}"
	veil_ok "$name: start the attacker container" run --detach --bundle "$T/$name" "$(id "$name")"
	local apid
	apid=$(pid_of "$(id "$name")")
	bundle "$name-b"
	cfg "$name-b" "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid'] + [{'type': 'pid', 'path': '/proc/$apid/ns/pid'}]"
	"$T/veil-copy" --root "$ROOT" create --bundle "$T/$name-b" "$(id "$name-b")" >/dev/null 2>"$T/create.err"
	ok $? "$name: create B in A's pid namespace (B's init is veil's code, waiting)" "$(cat "$T/create.err")"
	local bpid inner
	bpid=$(pid_of "$(id "$name-b")")
	inner=$(awk '/^NSpid:/{print $NF}' /proc/"$bpid"/status)
	# (a read-only view of it: the same file, on a detached read-only mount)
	is "$(stat -Lc %d:%i /proc/"$bpid"/exe)" "$(stat -c %d:%i "$T/veil-copy")" \
		"$name: B's init is still the veil binary (pid $inner in A)"
	# from the host too: the binary init maps cannot be opened for writing
	if (echo x >>"$T/veil-copy") 2>"$T/w.err"; then
		fail "$name: the veil binary is not writable while init runs it"
	else
		has "$(cat "$T/w.err")" "Text file busy" "$name: the veil binary is not writable while init runs it (ETXTBSY)"
	fi
	echo "$inner" >"$T/shared/go"
	local i
	for i in $(seq 300); do [ -e "$T/shared/done" ] && break; sleep 0.02; done
	result=$(cat "$T/shared/result" 2>/dev/null)
	"$VEIL" --root "$ROOT" delete --force "$(id "$name-b")"
	"$VEIL" --root "$ROOT" delete --force "$(id "$name")"
}

attack a CAP_KILL CAP_AUDIT_WRITE CAP_NET_BIND_SERVICE CAP_DAC_OVERRIDE CAP_SYS_CHROOT
for what in exe-link exe-read exe-write fd fd-write environ mem; do
	has "$result" "$what-denied" "root in another container, default caps: /proc/<veil init>: $what denied"
done
has "$result" "root-denied" "... /proc/<veil init>/root denied"

# CAP_SYS_PTRACE over the host user namespace overrides non-dumpable by
# design (docs/security.md): such a container may read the binary, but the
# kernel still refuses writes to an executable that is mapped (ETXTBSY).
attack p CAP_SYS_PTRACE CAP_DAC_OVERRIDE
diag "with CAP_SYS_PTRACE: $(echo $result)"
has "$result" "exe-write-denied" "even with CAP_SYS_PTRACE, /proc/<veil init>/exe cannot be written"
is "$(sha256sum <"$T/veil-copy")" "$sum_before" "the veil binary is unchanged"

done_testing
