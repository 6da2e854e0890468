#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# loader-iproute2.sh - iproute2 as the loader, for loader-iproute2.test:
# two network namespaces joined by a veth pair (no IPv6, static neighbours,
# so the only frames are the ones sent here); OBJ is attached to the ingress
# of B's end by `ip link ... xdpgeneric` (MODE xdp) or `tc filter ... bpf da`
# (MODE tc), then A sends 9 UDP datagrams to B and the program is detached.
# The namespaces are removed on every exit.
# USAGE: loader-iproute2.sh xdp|tc OBJ
set -eu
mode=$1 obj=$2
a=bpfcov-lit-$$-a b=bpfcov-lit-$$-b
trap 'ip netns del "$a" 2>/dev/null || :; ip netns del "$b" 2>/dev/null || :' EXIT
trap 'exit 1' INT TERM
ip netns add "$a"
ip netns add "$b"
for ns in "$a" "$b"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1
done
ip link add veth0 netns "$a" address 02:00:00:00:00:01 type veth \
  peer name veth1 netns "$b" address 02:00:00:00:00:02
ip -n "$a" addr add 10.0.0.1/24 dev veth0
ip -n "$b" addr add 10.0.0.2/24 dev veth1
ip -n "$a" neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev veth0 nud permanent
ip -n "$b" neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 dev veth1 nud permanent
case $mode in
xdp) ip -n "$b" link set dev veth1 xdpgeneric obj "$obj" sec xdp ;;
tc)
  tc -n "$b" qdisc add dev veth1 clsact
  tc -n "$b" filter add dev veth1 ingress bpf da obj "$obj" sec tc
  ;;
*) echo "loader-iproute2.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
ip -n "$a" link set veth0 up
ip -n "$b" link set veth1 up
# DNS x3 small and x1 large, telnet-alt x2, ssh x1, RTP x2.
ip netns exec "$a" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port, n, size in ((53, 3, 20), (53, 1, 600), (2323, 2, 10), (22, 1, 10), (5004, 2, 10)):
    for _ in range(n):
        s.sendto(b"x" * size, ("10.0.0.2", port))
'
# veth delivers on the sender's CPU, but let any softirq backlog drain.
sleep 0.2
case $mode in
xdp) ip -n "$b" link set dev veth1 xdpgeneric off ;;
tc) tc -n "$b" filter del dev veth1 ingress ;;
esac
echo "$mode: 9 datagrams sent through $(basename "$obj")"
