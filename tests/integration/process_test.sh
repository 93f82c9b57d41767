#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The container process: identity, capabilities, rlimits, env, cwd, umask,
# no_new_privs, oom_score_adj, personality, scheduler, I/O priority, fds.
. "$(dirname "$0")/lib.sh"

st() { echo "$out" | awk -v k="$1:" '$1 == k {print $2}'; }

# user, groups, umask
bundle b sh -c 'id -u; id -g; id -G; umask'
cfg b 'c["process"]["user"] = {"uid": 1000, "gid": 1001, "additionalGids": [5, 7], "umask": 63}'
run_veil run --bundle "$T/b" "$(id user)"
is "$(echo "$out" | sed -n 1p)" 1000 "process.user.uid"
is "$(echo "$out" | sed -n 2p)" 1001 "process.user.gid"
is "$(echo "$out" | sed -n 3p)" "1001 5 7" "process.user.additionalGids"
is "$(echo "$out" | sed -n 4p)" 0077 "process.user.umask"
cfg b 'del c["process"]["user"]["umask"]'
run_veil run --bundle "$T/b" "$(id umask)"
is "$(echo "$out" | sed -n 4p)" 0022 "the default umask is 0022"

# capabilities: exactly the configured sets, no inheritable, bounding dropped
bundle c cat /proc/self/status
cfg c '
caps = ["CAP_CHOWN", "CAP_NET_RAW"]
c["process"]["capabilities"] = {"bounding": caps + ["CAP_KILL"], "effective": caps, "permitted": caps}
'
run_veil run --bundle "$T/c" "$(id caps)"
is "$(st CapEff)" 0000000000002001 "effective capabilities as configured"
is "$(st CapPrm)" 0000000000002001 "permitted capabilities as configured"
is "$(st CapBnd)" 0000000000002021 "the bounding set is dropped to the configured one"
is "$(st CapInh)" 0000000000000000 "no inheritable capability unless listed"
is "$(st CapAmb)" 0000000000000000 "no ambient capability unless listed"
cfg c 'c["process"]["capabilities"]["inheritable"] = ["CAP_NET_RAW"]; c["process"]["capabilities"]["ambient"] = ["CAP_NET_RAW"]'
run_veil run --bundle "$T/c" "$(id caps2)"
is "$(st CapInh)" 0000000000002000 "inheritable as listed"
is "$(st CapAmb)" 0000000000002000 "ambient as listed"
cfg c 'del c["process"]["capabilities"]'
run_veil run --bundle "$T/c" "$(id caps3)"
is "$(st CapEff)" 0000000000000000 "without process.capabilities every capability is dropped"
cfg c 'c["process"]["capabilities"] = {"bounding": ["CAP_NOT_A_CAP", "CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
run_veil run --bundle "$T/c" "$(id caps4)"
is "$rc" 0 "an unknown capability name does not fail the container"
has "$err" "CAP_NOT_A_CAP" "an unknown capability name is reported as a warning"

# no_new_privs, oom_score_adj, and that nothing else is touched
cfg c 'c["process"]["noNewPrivileges"] = True; c["process"]["oomScoreAdj"] = 500'
cfg c 'c["process"]["args"] = ["sh", "-c", "grep NoNewPrivs /proc/self/status; cat /proc/self/oom_score_adj"]'
run_veil run --bundle "$T/c" "$(id nnp)"
has "$out" "NoNewPrivs:	1" "noNewPrivileges sets no_new_privs"
is "$(echo "$out" | tail -1)" 500 "oomScoreAdj is applied"
cfg c 'c["process"]["noNewPrivileges"] = False; del c["process"]["oomScoreAdj"]'
run_veil run --bundle "$T/c" "$(id nnp2)"
has "$out" "NoNewPrivs:	0" "no no_new_privs unless asked"
is "$(echo "$out" | tail -1)" "$(cat /proc/self/oom_score_adj)" "oom_score_adj is inherited when unset"

# signals: the process starts with every disposition at its default and
# nothing blocked, whatever veil inherited (here: ignored SIGINT, SIGUSR1 and
# the real-time 40, blocked SIGUSR2 and the real-time 35)
bundle s grep -E '^Sig(Ign|Blk)' /proc/self/status
out=$(perl -e '$SIG{INT} = $SIG{USR1} = $SIG{NUM40} = "IGNORE";
	use POSIX; sigprocmask(SIG_BLOCK, POSIX::SigSet->new(POSIX::SIGUSR2, 35));
	exec @ARGV' "$VEIL" --root "$ROOT" run --bundle "$T/s" "$(id sigs)" 2>&1 </dev/null)
rc=$?
is "$rc" 0 "a container from a runtime with ignored and blocked signals runs"
has "$out" "$(printf 'SigBlk:\t0000000000000000')" "no signal blocked in the container process"
has "$out" "$(printf 'SigIgn:\t0000000000000000')" "no signal ignored in the container process (1-64)"

# rlimits
bundle r sh -c 'cat /proc/self/limits'
cfg r 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654}, {"type": "RLIMIT_NPROC", "soft": 111, "hard": 222}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
run_veil run --bundle "$T/r" "$(id rlimits)"
has "$out" "$(printf 'Max open files            321                  654')" "RLIMIT_NOFILE soft and hard"
has "$out" "$(printf 'Max processes             111                  222')" "RLIMIT_NPROC soft and hard"
has "$out" "$(printf 'Max core file size        0                    0')" "RLIMIT_CORE"

# env, cwd, args lookup on the PATH of the process env
bundle e sh -c 'echo "$FOO|$PATH"; pwd'
cfg e 'c["process"]["env"] = ["FOO=bar baz", "PATH=/usr/bin:/bin"]; c["process"]["cwd"] = "/tmp"'
run_veil run --bundle "$T/e" "$(id env)"
is "$(echo "$out" | sed -n 1p)" "bar baz|/usr/bin:/bin" "process.env is the whole environment"
is "$(echo "$out" | sed -n 2p)" /tmp "process.cwd"
cfg e 'c["process"]["env"] = ["PATH=/nowhere"]'
veil_fails "args[0] is looked up on the process PATH" 'executable file not found in $PATH' run --bundle "$T/e" "$(id path)"
cfg e 'c["process"]["env"] = ["PATH=/bin"]; c["process"]["args"] = ["no-such-program"]'
veil_fails "a missing program" 'exec: "no-such-program": executable file not found in $PATH' run --bundle "$T/e" "$(id noprog)"
cfg e 'c["process"]["args"] = ["/bin/no-such-program"]'
veil_fails "a missing absolute program" "No such file or directory" run --bundle "$T/e" "$(id noprog2)"
has "$(echo "$err" | tr A-Z a-z)" "no such file or directory" "the errno text is libc's"
cfg e 'c["process"]["args"] = ["pwd"]; c["process"]["cwd"] = "/does/not/exist"'
veil_fails "a cwd that does not exist" "No such file or directory" run --bundle "$T/e" "$(id nocwd)"

# runc's environment rules: last duplicate wins, HOME from /etc/passwd
cfg e 'c["process"]["env"] = ["PATH=/bin", "A=1", "A=2"]; c["process"]["args"] = ["sh", "-c", "echo $A $HOME"]; c["process"]["cwd"] = "/"'
run_veil run --bundle "$T/e" "$(id envdup)"
is "$out" "2 /root" "a duplicate variable keeps its last value; HOME comes from /etc/passwd"
cfg e 'c["process"]["user"] = {"uid": 65534, "gid": 65534}'
run_veil run --bundle "$T/e" "$(id envhome)"
is "$out" "2 /" "HOME of a user whose passwd home is /"
cfg e 'c["process"]["env"] = ["PATH=/bin", "NOEQUALS"]'
veil_fails "an environment entry without =" "is not of the form KEY=VALUE" run --bundle "$T/e" "$(id envbad)"

# fds: only stdio (and --preserve-fds) reach the container
bundle f sh -c 'ls /proc/self/fd | tr "\n" " "'
run_veil run --bundle "$T/f" "$(id fds)"
is "$out" "0 1 2 3 " "only stdio (and ls's own directory fd) are open"
exec 5>"$T/extra"
run_veil run --preserve-fds 3 --bundle "$T/f" "$(id fds2)" 3</dev/null 4</dev/null
is "$out" "0 1 2 3 4 5 6 " "--preserve-fds 3 passes fds 3, 4 and 5"
exec 5>&-

# personality, scheduler, I/O priority
bundle p sh -c 'uname -m; cat /proc/self/sched | grep -m1 policy; ionice -p $$ 2>/dev/null || true'
cfg p 'c["process"]["scheduler"] = {"policy": "SCHED_BATCH", "nice": 5}; c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 3}; c["linux"]["personality"] = {"domain": "LINUX32"}'
run_veil run --bundle "$T/p" "$(id sched)"
ok $rc "personality, scheduler and ioPriority are accepted" "$err"
is "$(echo "$out" | sed -n 1p)" i686 "personality LINUX32 makes uname -m i686"
has "$out" "policy                                       :                    3" "scheduler policy SCHED_BATCH"

# read-only root
bundle ro sh -c 'touch /x 2>&1; touch /tmp/y && echo tmp-ok'
cfg ro 'c["root"]["readonly"] = True; c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"})'
run_veil run --bundle "$T/ro" "$(id ro)"
has "$out" "Read-only file system" "root.readonly makes / read-only"
has "$out" "tmp-ok" "a tmpfs mounted on a read-only root is writable"

done_testing
