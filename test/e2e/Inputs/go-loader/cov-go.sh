#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cov-go.sh - a cilium/ebpf loader through counters-only collection, for
# loader-go.test: LOADER -pin <bpffs>/bss OBJ ARGS... (it prints its own
# output), counters-only-dump (the pinned .bss map + OBJ -> a dump
# directory), `bpfcov gen --from-dump`, `bpfcov out -f json` with OBJ's
# .bpf.obj, then out's summary table and the counts (cov-counts.py) for
# FileCheck. Removes its pin. COUNT_FILES limits the counts to those files.
# USAGE: [COUNT_FILES='a.c b.h'] cov-go.sh BPFCOV DUMPTOOL BPFFS OUTDIR \
#          LOADER OBJ PROG REPEAT FRAME...
set -eu
bpfcov=$1 dumptool=$2 fs=$3 out=$4 loader=$5 obj=$6
shift 6
name=$(basename "$loader")
pin="$fs/$name-bss"
mkdir -p "$out"
trap 'rm -f "$pin"' EXIT
"$loader" -pin "$pin" "$obj" "$@"
"$dumptool" "$pin" "$obj" "$out/$name.dump" > "$out/$name.dump.log"
"$bpfcov" gen --from-dump="$out/$name.dump" -o "$out/$name.profraw" "$loader" \
  > "$out/$name.gen.log"
"$bpfcov" out -f json -o "$out/$name.json" --object="${obj%.o}.obj" \
  "$out/$name.profraw" 2> "$out/$name.err"
# shellcheck disable=SC2086 # COUNT_FILES is a list of names
python3 "$(dirname "$0")/../cov-counts.py" "$out/$name.json" ${COUNT_FILES:-}
