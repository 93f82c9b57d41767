#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run-fuzz.sh [SECONDS] [TARGET]: builds the libFuzzer targets with clang in
# build-fuzz/ and runs TARGET (default fuzz_spec) for SECONDS (default 60).
# New inputs go to tests/fuzz/corpus-out/TARGET (not committed); crashes to
# build-fuzz/artifacts/.  Exit status is libFuzzer's: non-zero on a finding.
set -euo pipefail

seconds=${1:-60}
target=${2:-fuzz_spec}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$src/build-fuzz
name=${target#fuzz_}

case $seconds in '' | *[!0-9]*) echo "usage: $0 [SECONDS] [TARGET]" >&2; exit 2 ;; esac
command -v clang >/dev/null || { echo "clang not found: apt-get install -y clang" >&2; exit 2; }

CC=clang cmake -S "$src" -B "$build" -DVEIL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target "$target" -j"$(nproc)" >/dev/null

out=$src/tests/fuzz/corpus-out/$name
mkdir -p "$out" "$build/artifacts"
dict=()
[ -f "$src/tests/fuzz/$name.dict" ] && dict=(-dict="$src/tests/fuzz/$name.dict")
# the first directory receives new inputs; the committed seeds are read only
exec "$build/tests/fuzz/$target" "$out" "$src/tests/fuzz/corpus/$name" "${dict[@]}" \
    -max_total_time="$seconds" -max_len=16384 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$build/artifacts/" -print_final_stats=1
