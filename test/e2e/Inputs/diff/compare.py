#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compares the coverage of one source file in two `llvm-cov export` JSONs.

Used by the differential tests: the same header compiled into BPF programs
(run in the kernel under bpfcov) and natively (clang's own coverage). For
every function with regions in FILE (static functions are named
`<main file>:<fn>`, so the prefix is dropped), each region's and each
branch's counts must be equal, and so must each MC/DC record (which
conditions are independently covered) when the profiles have them. Prints one line per kind and every mismatch;
exits 1 on any difference or if nothing was compared.

USAGE: compare.py FILE BPF.json NATIVE.json
"""
import json
import sys


def functions(path, suffix):
    """{function name without 'file:' prefix: (regions, branches)} in FILE."""
    with open(path) as f:
        data = json.load(f)["data"][0]
    out = {}
    for fn in data["functions"]:
        files = fn["filenames"]
        name = fn["name"].rsplit(":", 1)[-1]
        # region: [l1, c1, l2, c2, count, file_id, expanded_file_id, kind]
        regions = [tuple(r[:5]) + (r[7],) for r in fn["regions"]
                   if files[r[5]].endswith(suffix)]
        # branch: [l1, c1, l2, c2, true_count, false_count, file_id, ...]
        branches = [tuple(b[:6]) for b in fn["branches"]
                    if files[b[6]].endswith(suffix)]
        # mcdc: [l1, c1, l2, c2, <ids: LLVM 19 and 22 differ>, [covered...],
        # (LLVM 22:) [test vectors...]]: the position, then everything from
        # the first list on (which conditions are covered, and how).
        mcdc = []
        for m in fn.get("mcdc_records", []):
            first_list = next(i for i, x in enumerate(m) if isinstance(x, list))
            if regions or branches:
                mcdc.append((tuple(m[:4]), json.dumps(m[first_list:], sort_keys=True)))
        if regions or branches:
            assert name not in out, "duplicate function %s in %s" % (name, path)
            out[name] = (sorted(regions), sorted(branches), sorted(mcdc))
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    suffix, bpf_json, native_json = sys.argv[1:]
    bpf, native = functions(bpf_json, suffix), functions(native_json, suffix)
    ok = True
    if sorted(bpf) != sorted(native):
        print("functions differ: bpf %s, native %s" % (sorted(bpf), sorted(native)))
        ok = False
    kinds = ((0, "regions"), (1, "branches"), (2, "mcdc records"))
    stats = {kind: [0, 0] for _, kind in kinds}
    for name in sorted(set(bpf) & set(native)):
        for idx, kind in kinds:
            b, n = bpf[name][idx], native[name][idx]
            stats[kind][1] += len(n)
            stats[kind][0] += sum(1 for x, y in zip(b, n) if x == y)
            if b != n:
                ok = False
                for x, y in zip(b, n):
                    if x != y:
                        print("%s %s mismatch: bpf %s native %s" % (name, kind, x, y))
                if len(b) != len(n):
                    print("%s: %d %s in bpf, %d native" % (name, len(b), kind, len(n)))
    print("functions: %d" % len(native))
    for _, kind in kinds:
        if kind != "mcdc records" or stats[kind][1]:
            print("%s equal: %d/%d" % (kind, stats[kind][0], stats[kind][1]))
    if not native or stats["regions"][1] == 0:
        print("nothing compared")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
