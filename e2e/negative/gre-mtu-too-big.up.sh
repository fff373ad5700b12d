#!/bin/sh
# Negative twin: GRE left at MTU 1500 over a 1500-byte underlay (24 bytes of overhead do
# not fit). Used on both ends with LOCAL/REMOTE/ADDR from the environment; a full-size
# ping with fragmentation forbidden must fail.
set -eu
ip link add neg-gre type gre local "$LOCAL" remote "$REMOTE" ttl 64
ip link set dev neg-gre mtu 1500
ip -4 address add "$ADDR" dev neg-gre
ip link set dev neg-gre up
