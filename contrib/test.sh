#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# test.sh: installs what the tests need, builds veil and runs every suite
# (unit, schema, integration, security, e2e and the cgroup v2 VM lane).
# Run as root on Debian 12.  Extra arguments go to ctest (e.g. -L unit).
set -eu
cd "$(dirname "$0")/.."
./contrib/deps.sh test
cmake -S . -B build -DVEIL_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
exec ctest --test-dir build --output-on-failure "$@"
