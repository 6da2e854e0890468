#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Writes the four coverage-map values of an instrumented BPF object as plain
# files, the layout `bpfcov gen --from-dump` reads (DIR/{profc,profd,profn,
# covmap}): each is the contents of its ELF section, which is what libbpf
# loads into the map. Options then play the kernel's part (counter values)
# or damage the maps (error tests).
#
# USAGE: gen-dump.py OBJ DIR [--counters=5,15,...] [--u64=PIN:OFFSET:VALUE]
#                    [--truncate=PIN:SIZE]
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from elfsections import elf_sections  # noqa: E402

SECTIONS = {"profc": ".data.profc", "profd": ".rodata.profd",
            "profn": ".rodata.profn", "covmap": ".rodata.covmap"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("obj")
    p.add_argument("dir")
    p.add_argument("--counters", help="comma-separated u64 counter values")
    p.add_argument("--u64", action="append", default=[],
                   help="PIN:OFFSET:VALUE, store a u64 (value in any base)")
    p.add_argument("--truncate", action="append", default=[],
                   help="PIN:SIZE, cut a map value to SIZE bytes")
    a = p.parse_args()
    with open(a.obj, "rb") as f:
        secs = elf_sections(f.read(), "gen-dump.py")
    maps = {}
    for pin, sec in SECTIONS.items():
        if sec not in secs:
            sys.exit("gen-dump.py: %s has no section %s" % (a.obj, sec))
        maps[pin] = bytearray(secs[sec])
    if a.counters:
        values = [int(v, 0) for v in a.counters.split(",")]
        if len(values) * 8 != len(maps["profc"]):
            sys.exit("gen-dump.py: %d counters given, profc holds %d"
                     % (len(values), len(maps["profc"]) // 8))
        maps["profc"] = bytearray(struct.pack("<%dQ" % len(values), *values))
    for spec in a.u64:
        pin, off, value = spec.split(":")
        struct.pack_into("<Q", maps[pin], int(off, 0), int(value, 0) % 2**64)
    for spec in a.truncate:
        pin, size = spec.split(":")
        del maps[pin][int(size, 0):]
    os.makedirs(a.dir, exist_ok=True)
    for pin, value in maps.items():
        with open(os.path.join(a.dir, pin), "wb") as f:
            f.write(value)


if __name__ == "__main__":
    main()
