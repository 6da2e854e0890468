#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cov-example.sh - one example's loader through the whole bpfcov flow, for
# the cov-*.test files: `bpfcov run [RUN-OPTION...] APP` with its own bpffs,
# `bpfcov gen --unpin`, `bpfcov out -f json` with the example's .bpf.obj.
# Prints the loader's output, its exit status, bpfcov out's summary table
# and the counts of the report (cov-counts.py), for FileCheck; leaves the
# files in OUTDIR and no pins behind (gen --unpin, then a check).
# USAGE: cov-example.sh BPFCOV BPFFS OUTDIR EXAMPLEDIR NAME [RUN-OPTION...]
set -eu
bpfcov=$1 fs=$2 out=$3 dir=$4 name=$5
shift 5
app=$dir/$name
mkdir -p "$out"
status=0
"$bpfcov" --bpffs="$fs" run "$@" "$app" > "$out/$name.out" 2> "$out/$name.err" || status=$?
cat "$out/$name.out"
echo "run exit status: $status"
"$bpfcov" --bpffs="$fs" gen --unpin -o "$out/$name.profraw" "$app" 2>> "$out/$name.err"
if [ -e "$fs/cov/$name" ]; then
  echo "cov-example.sh: error: pins left under '$fs/cov/$name'" >&2
  exit 1
fi
"$bpfcov" out -f json -o "$out/$name.json" --object="$dir/$name.bpf.obj" \
  "$out/$name.profraw" 2>> "$out/$name.err"
python3 "$(dirname "$0")/cov-counts.py" "$out/$name.json"
