#!/bin/sh
# Negative twin: the operator-docs mistake of ip6gre over an IPv4 underlay.
set -eu
ip link add neg-ip6gre type ip6gre local 198.51.100.10 remote 203.0.113.20
