#!/bin/sh
# Negative twin: GRE with `ttl inherit`, the kernel's default when no TTL is given. The outer
# header copies the inner packet's TTL, so a TTL-1 packet (what eBGP sends) dies at the first
# router of the underlay. Used on both ends with LOCAL/REMOTE/ADDR from the environment; a
# plain ping must cross and a `ping -t 1` must be lost.
set -eu
ip link add neg-gre type gre local "$LOCAL" remote "$REMOTE" ttl inherit
ip link set dev neg-gre mtu 1476
ip -4 address add "$ADDR" dev neg-gre
ip link set dev neg-gre up
