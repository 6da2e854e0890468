#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cov-app.sh - any loader through the whole bpfcov flow, for the cov-*.test
# and loader-*.test files: `bpfcov run [$RUN_OPTS] APP [ARGS...]` with its
# own bpffs, `bpfcov gen --unpin`, `bpfcov out -f json` with OBJ (the
# object's .bpf.obj). Prints the loader's output, its exit status, bpfcov
# out's summary table and the counts of the report (cov-counts.py), for
# FileCheck; leaves the files in OUTDIR (named after APP) and no pins behind
# (gen --unpin, then a check that <bpffs>/cov is empty). COUNT_FILES limits
# the counts to those source files (base names); GEN_OPTS are more options
# of gen (--object=FILE for counters-only objects).
# USAGE: [RUN_OPTS='--trace=MODE'] [COUNT_FILES='a.c b.h'] [GEN_OPTS=...] \
#          cov-app.sh BPFCOV BPFFS OUTDIR OBJ APP [ARGS...]
set -eu
bpfcov=$1 fs=$2 out=$3 obj=$4 app=$5
shift 5
name=$(basename "$app")
mkdir -p "$out"
status=0
# shellcheck disable=SC2086 # RUN_OPTS is a list of options
"$bpfcov" --bpffs="$fs" run ${RUN_OPTS:-} "$app" "$@" > "$out/$name.out" 2> "$out/$name.err" \
  || status=$?
cat "$out/$name.out"
echo "run exit status: $status"
# shellcheck disable=SC2086 # GEN_OPTS is a list of options
"$bpfcov" --bpffs="$fs" gen --unpin ${GEN_OPTS:-} -o "$out/$name.profraw" "$app" \
  2>> "$out/$name.err"
if [ -n "$(ls -A "$fs/cov" 2>/dev/null)" ]; then
  echo "cov-app.sh: error: pins left under '$fs/cov'" >&2
  exit 1
fi
"$bpfcov" out -f json -o "$out/$name.json" --object="$obj" \
  "$out/$name.profraw" 2>> "$out/$name.err"
# shellcheck disable=SC2086 # COUNT_FILES is a list of names
python3 "$(dirname "$0")/cov-counts.py" "$out/$name.json" ${COUNT_FILES:-}
