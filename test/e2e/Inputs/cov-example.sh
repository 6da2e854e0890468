#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cov-example.sh - one example's loader through the whole bpfcov flow
# (cov-app.sh, with the example's .bpf.obj), for the cov-*.test files.
# USAGE: cov-example.sh BPFCOV BPFFS OUTDIR EXAMPLEDIR NAME [RUN-OPTION...]
set -eu
bpfcov=$1 fs=$2 out=$3 dir=$4 name=$5
shift 5
RUN_OPTS="$*" exec sh "$(dirname "$0")/cov-app.sh" "$bpfcov" "$fs" "$out" \
  "$dir/$name.bpf.obj" "$dir/$name"
