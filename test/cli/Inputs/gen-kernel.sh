#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Kernel round trip for `bpfcov gen` without `bpfcov run`: loads OBJ with
# bpftool, pins its four coverage maps by hand in the layout run uses
# (<bpffs>/cov/app/prog/{profc,profd,profn,covmap}) under a bpffs directory
# unique to this run (no dots: bpffs refuses them), runs gen_prog with BPF_PROG_TEST_RUN, and calls gen
# twice: while the program is loaded (pins kept) and with --unpin. The
# directory is removed on every exit path.
#
# USAGE: gen-kernel.sh BPFCOV LLVM_PROFDATA OBJ WORKDIR
set -euo pipefail
bpfcov=$1 profdata=$2 obj=$3 work=$4
bpffs=/sys/fs/bpf/bpfcov-test-gen-kernel-$$
trap 'rm -rf "$bpffs"' EXIT
rm -rf "$bpffs" && mkdir -p "$bpffs"

bpftool prog loadall "$obj" "$bpffs/progs" pinmaps "$bpffs/maps"
pins="$bpffs/cov/app/prog"
mkdir -p "$pins"
# libbpf pins a map under its name with '.' turned into '_'.
mv "$bpffs/maps/_data_profc" "$pins/profc"
mv "$bpffs/maps/_rodata_profd" "$pins/profd"
mv "$bpffs/maps/_rodata_profn" "$pins/profn"
mv "$bpffs/maps/_rodata_covmap" "$pins/covmap"

# socket filters see skb->len = packet - 14 (Ethernet header): 20 here.
head -c 34 /dev/zero > "$work/pkt"
bpftool prog run pinned "$bpffs/progs/gen_prog" data_in "$work/pkt" repeat 5 |
  sed 's/, duration.*//'

echo "== gen, program still loaded"
"$bpfcov" --bpffs="$bpffs" gen -o "$work/first.profraw" ./bin/app 2>&1
"$profdata" show --all-functions --counts "$work/first.profraw"
ls "$pins"

bpftool prog run pinned "$bpffs/progs/gen_prog" data_in "$work/pkt" repeat 2 |
  sed 's/, duration.*//'
echo "== gen --unpin"
"$bpfcov" --bpffs="$bpffs" -j gen --unpin -o "$work/second.profraw" app
"$profdata" show --all-functions --counts "$work/second.profraw"
echo "== left under bpffs:" $(cd "$bpffs" && ls -A)

echo "== gen again"
"$bpfcov" --bpffs="$bpffs" gen -o "$work/third.profraw" app 2>&1 || echo "exit $?"
test ! -e "$work/third.profraw" && echo "no third.profraw"
