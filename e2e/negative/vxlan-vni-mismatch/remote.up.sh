#!/bin/sh
set -eu
ip link add neg-vxlan type vxlan id 101 local 203.0.113.20 remote 198.51.100.10 dstport 4789
ip link set dev neg-vxlan mtu 1450
ip -4 address add 172.31.98.2/29 dev neg-vxlan
ip link set dev neg-vxlan up
