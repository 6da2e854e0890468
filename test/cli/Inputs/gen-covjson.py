#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Prints the function and branch counts of `llvm-cov export` JSON (stdin) one
# per line, for FileCheck:
#   function NAME COUNT
#   branch LINE:COL TRUE FALSE   (sorted by position)
# USAGE: llvm-cov export -instr-profile=P OBJ | gen-covjson.py
import json
import sys

data = json.load(sys.stdin)["data"][0]
for f in sorted(data["functions"], key=lambda f: f["name"]):
    print("function %s %d" % (f["name"], f["count"]))
branches = [b for file in data["files"] for b in file["branches"]]
for b in sorted(branches):
    print("branch %d:%d %d %d" % (b[0], b[1], b[4], b[5]))
