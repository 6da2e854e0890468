#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# build.sh SRC OUT [CFLAGS...]: SRC (x.bpf.c) as OUT/none/x.bpf.o (plain, the
# twin bpfcov verify loads beside each instrumented object) and
# OUT/{atomic,plain,percpu}/x.bpf.o (instrumented, each counter mode), with
# the flags of the selftests corpus (-mcpu=v3).
set -e
src=$1 out=$2
shift 2
name=$(basename "$src" .c)
mkdir -p "$out/none" "$out/atomic" "$out/plain" "$out/percpu"
bpfcov-cc --bpfcov-plain -mcpu=v3 "$@" -c "$src" -o "$out/none/$name.o"
for m in atomic plain percpu; do
  bpfcov-cc --bpfcov-counters=$m -mcpu=v3 "$@" -c "$src" -o "$out/$m/$name.o"
done
