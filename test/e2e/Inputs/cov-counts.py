#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Prints the counts of an `llvm-cov export` JSON (from `bpfcov out -f json`)
one per line, for exact FileCheck assertions in the example tests:

  FUNCTION COUNT                       per function, sorted by name
    FILE:LINE:COL BRANCH TRUE FALSE    its branches, in source order

FUNCTION drops the `<main file>:` prefix of static functions, FILE is a
base name, and only FILES (all when none are given) are listed. A program
attached to a kernel function also runs for other processes before its
filter returns: tests match those counts with a pattern and the ones past
the filter exactly.

USAGE: cov-counts.py REPORT.json [FILE...]
"""
import json
import os
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        data = json.load(f)["data"][0]
    wanted = set(sys.argv[2:])
    lines = []
    for fn in data["functions"]:
        files = [os.path.basename(p) for p in fn["filenames"]]
        if wanted and files[0] not in wanted:
            continue
        # branch: [l1, c1, l2, c2, true_count, false_count, file_id, ...]
        branches = sorted((files[b[6]], b[0], b[1], b[4], b[5]) for b in fn["branches"])
        lines.append((fn["name"].rsplit(":", 1)[-1], fn["count"], branches))
    for name, count, branches in sorted(lines):
        print("%s %d" % (name, count))
        for file, line, col, true, false in branches:
            print("  %s:%d:%d branch %d %d" % (file, line, col, true, false))
    if not lines:
        sys.exit("cov-counts.py: error: no functions of %s in '%s'" %
                 (", ".join(sorted(wanted)) or "any file", sys.argv[1]))


if __name__ == "__main__":
    main()
