#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# linux.netDevices: a host interface moved into the container's network
# namespace, renamed, with its addresses, and up.
. "$(dirname "$0")/lib.sh"

command -v ip >/dev/null || { echo "Bail out! ip is needed (apt-get install -y iproute2)"; exit 1; }
h=vt$$
trap 'ip link del ${h}a 2>/dev/null; ip link del ${h}b 2>/dev/null' EXIT
ip link add ${h}a type veth peer name ${h}b
ip addr add 10.231.7.1/24 dev ${h}a
ip -6 addr add fd00:231::7/64 dev ${h}a nodad

bundle b sh -c 'ip -o addr show ct0; ip -o link show ct0'
cfg b "c['linux']['netDevices'] = {'${h}a': {'name': 'ct0'}}"
run_veil run --bundle "$T/b" "$(id nd)"
ok $rc "run with a host interface in linux.netDevices" "$err"
has "$out" "inet 10.231.7.1/24" "the IPv4 address moved with the interface"
has "$out" "inet6 fd00:231::7/64" "the IPv6 address moved with the interface"
has "$out" "ct0@" "the interface has its new name inside"
has "$(echo "$out" | tail -1)" ",UP" "the interface is up inside"
ip link show ${h}a >/dev/null 2>&1
isnt "$?" 0 "the interface is no longer in the host's namespace"

cfg b "c['linux']['netDevices'] = {'nosuch$$': {}}"
veil_fails "a missing host interface" "linux.netDevices[\"nosuch$$\"]: no network interface nosuch$$ on the host" run --bundle "$T/b" "$(id nd2)"

done_testing
