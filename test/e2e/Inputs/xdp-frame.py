#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes one Ethernet + IPv4 + UDP frame (10.0.0.1 -> 10.0.0.2, TTL 64,
to PORT, PAYLOAD bytes) to OUT, for BPF_PROG_TEST_RUN of the xdp example
by loaders other than its own (bpftool prog run, Python).

USAGE: xdp-frame.py OUT PORT PAYLOAD
"""
import struct
import sys


def frame(port, payload):
    udp_len = 8 + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    udp = struct.pack("!HHHH", 40000, port, udp_len, 0)
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    return eth + ip + udp + b"x" * payload


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    with open(sys.argv[1], "wb") as f:
        f.write(frame(int(sys.argv[2]), int(sys.argv[3])))


if __name__ == "__main__":
    main()
