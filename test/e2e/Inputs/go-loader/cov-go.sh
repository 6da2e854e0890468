#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cov-go.sh - a cilium/ebpf loader through counters-only collection, for
# loader-go.test: LOADER -pin <bpffs>/bss OBJ ARGS... (it prints its own
# output; the pin keeps its .bss map loaded after it exits), `bpfcov gen
# --loaded --object=OBJ` (the counters from the kernel, the rest from OBJ),
# `bpfcov out -f json` with OBJ's .bpf.obj, then out's summary table and the
# counts (cov-counts.py) for FileCheck. Removes its pin. COUNT_FILES limits
# the counts to those files.
# USAGE: [COUNT_FILES='a.c b.h'] cov-go.sh BPFCOV BPFFS OUTDIR \
#          LOADER OBJ PROG REPEAT FRAME...
set -eu
bpfcov=$1 fs=$2 out=$3 loader=$4 obj=$5
shift 5
name=$(basename "$loader")
pin="$fs/$name-bss"
mkdir -p "$out"
trap 'rm -f "$pin"' EXIT
"$loader" -pin "$pin" "$obj" "$@"
"$bpfcov" gen --loaded --object="$obj" -o "$out/$name.profraw" \
  > "$out/$name.gen.log" 2>&1
"$bpfcov" out -f json -o "$out/$name.json" --object="${obj%.o}.obj" \
  "$out/$name.profraw" 2> "$out/$name.err"
# shellcheck disable=SC2086 # COUNT_FILES is a list of names
python3 "$(dirname "$0")/../cov-counts.py" "$out/$name.json" ${COUNT_FILES:-}
