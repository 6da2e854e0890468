#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# loader-bpftool.sh - bpftool as the loader, for loader-bpftool.test:
# `bpftool prog loadall OBJ DIR` pins the programs of OBJ in DIR (a fresh
# directory on the test's bpffs), `bpftool prog run` runs PROG once per
# FRAME file with `repeat N`, then DIR is removed (on every exit).
# USAGE: loader-bpftool.sh OBJ DIR PROG N FRAME...
set -eu
obj=$1 dir=$2 prog=$3 n=$4
shift 4
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
bpftool prog loadall "$obj" "$dir"
for frame in "$@"; do
  bpftool prog run pinned "$dir/$prog" data_in "$frame" repeat "$n" \
    | sed -n 's/^Return value: \([0-9]*\).*/retval: \1/p'
done
