#!/bin/sh
# Negative twin: VNI 100 here, 101 on the other end; nothing may get through.
set -eu
ip link add neg-vxlan type vxlan id 100 local 198.51.100.10 remote 203.0.113.20 dstport 4789
ip link set dev neg-vxlan mtu 1450
ip -4 address add 172.31.98.1/29 dev neg-vxlan
ip link set dev neg-vxlan up
