#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What the pass costs at build time: opt with two builds of libBPFCov.so,
# interleaved run by run, on the IR of a few corpus files (scripts/corpus
# caches it), in each counter mode. Prints one line per run (raw output),
# then the median and range per file, mode and plugin. opt's exit status
# is kept: the old pass fails where llc's stack error reached it.
#
# usage: bench/pass-time/run.sh OLD_PLUGIN NEW_PLUGIN [RUNS] > bench/pass-time/RESULT.txt
set -euo pipefail
old=$1 new=$2 runs=${3:-5}
opt=/usr/lib/llvm-14/bin/opt
progs=/var/cache/bpfcov-corpus/linux-source-6.1/tools/testing/selftests/bpf/progs
vmlinux=$(ls -d /var/cache/bpfcov-corpus/vmlinux-* | head -1)
files=(strobemeta strobemeta_bpf_loop pyperf600 test_verif_scale3 test_xdp_noinline loop1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(-g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -I"$vmlinux"
       -I/var/cache/bpfcov-corpus/linux-source-6.1/tools/include/uapi
       -idirafter /usr/include/x86_64-linux-gnu -Wno-unknown-attributes
       -Wno-compare-distinct-pointer-types -I"$progs/.."
       -fprofile-instr-generate -fcoverage-mapping)
for f in "${files[@]}"; do
  /usr/lib/llvm-14/bin/clang "${flags[@]}" -emit-llvm -c "$progs/$f.c" -o "$work/$f.plain.bc"
  /usr/lib/llvm-14/bin/clang "${flags[@]}" -fprofile-update=atomic -emit-llvm -c "$progs/$f.c" -o "$work/$f.atomic.bc"
done
echo "# $(date -u +%FT%TZ) $(uname -r) old=$old new=$new runs=$runs"
echo "# file mode plugin seconds opt-exit-status"
for r in $(seq "$runs"); do
  for f in "${files[@]}"; do
    for mode in atomic plain percpu; do
      bc=$work/$f.atomic.bc pass=bpf-cov
      [ "$mode" = plain ] && bc=$work/$f.plain.bc
      [ "$mode" = percpu ] && pass='bpf-cov<percpu>'
      # old and new alternate, the first one by run parity
      order=(old new); [ $((r % 2)) = 0 ] && order=(new old)
      for which in "${order[@]}"; do
        plugin=$old; [ "$which" = new ] && plugin=$new
        t0=$(date +%s.%N)
        rc=0
        "$opt" -load "$plugin" -load-pass-plugin "$plugin" -passes="$pass" \
          -bpfcov-object-name="$f" "$bc" -o "$work/out.bc" 2>/dev/null || rc=$?
        t1=$(date +%s.%N)
        echo "$f $mode $which $(echo "$t1 - $t0" | bc) $rc"
      done
    done
  done
done | tee "$work/raw"
echo "# median (min..max) seconds over $runs runs"
python3 - "$work/raw" <<'PY'
import collections, statistics, sys
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f, m, w, s, rc = line.split()
    t[(f, m, w)].append(float(s))
for (f, m, w), v in sorted(t.items()):
    print("%-20s %-7s %-4s %.3f (%.3f..%.3f)" % (f, m, w, statistics.median(v), min(v), max(v)))
PY
