#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Wall time of `bpfcov run APP` over native APP, for an app that loads an
# instrumented BPF object and then makes N getppid() syscalls (issue 3's
# target: ratio <= 1.10; the original bpfcov, stopping on every syscall, was
# ~80x). Three cases: the object's program attached to getppid() entry,
# only loaded (getppid() natively on the syscall fast path: the worst case
# for bpfcov's seccomp filter), and N BPF_PROG_TEST_RUN calls instead of
# the syscalls (a test harness). Native and traced runs alternate sample by
# sample; each round keeps the best of REPS samples of each, and gives one
# ratio per case; after ROUNDS rounds the median and range of the ratios
# are printed. Every sample is printed too ("sample" lines): commit the
# whole output (bench/run-overhead/results/). Pins go to a private bpffs on
# a temp dir, removed on exit. MODE is bpfcov run's --trace (auto: preload
# for this dynamically linked app). Needs root; numbers are only meaningful
# on an otherwise idle machine.
#
# USAGE: run-overhead.sh BPFCOV APP OBJ [N=200000] [REPS=11] [MODE=auto] [ROUNDS=5]
set -euo pipefail
usage() { sed -n '17p' "$0" | sed 's/^# //' >&2; exit 2; }
[ $# -ge 3 ] || usage
bpfcov=$1 app=$2 obj=$3 n=${4:-200000} reps=${5:-11} mode=${6:-auto} rounds=${7:-5}
[ "$rounds" -ge 5 ] || { echo "run-overhead: ROUNDS must be 5 or more for a median and range" >&2; exit 2; }

tmp=$(mktemp -d)
cleanup() { umount "$tmp/fs" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir "$tmp/fs"
mount -t bpf bpf "$tmp/fs"

now() { date +%s%N; }
# measure ROUND LABEL [APP OPTIONS...]: prints each sample, then the round.
measure() {
  local round=$1 label=$2 best_native="" best_traced="" t0 t1 t2
  shift 2
  for ((i = 0; i < reps; i++)); do
    t0=$(now); "$app" "$@" "$obj" "$n"; t1=$(now)
    "$bpfcov" --bpffs="$tmp/fs" run --force --trace="$mode" "$app" "$@" "$obj" "$n" 2>"$tmp/err" ||
      { cat "$tmp/err" >&2; exit 1; }
    t2=$(now)
    grep -q "pinned the coverage maps of BPF object" "$tmp/err" ||
      { echo "run-overhead: bpfcov run pinned nothing:" >&2; cat "$tmp/err" >&2; exit 1; }
    echo "sample round=$round case=\"$label\" rep=$i native_ns=$((t1 - t0)) bpfcov_ns=$((t2 - t1))"
    if [ -z "$best_native" ] || [ $((t1 - t0)) -lt "$best_native" ]; then best_native=$((t1 - t0)); fi
    if [ -z "$best_traced" ] || [ $((t2 - t1)) -lt "$best_traced" ]; then best_traced=$((t2 - t1)); fi
  done
  awk -v r="$round" -v l="$label" -v a="$best_native" -v b="$best_traced" 'BEGIN {
    printf "round %d %-20s native %8.2f ms  bpfcov %8.2f ms  ratio %.3f\n", r, l,
           a / 1e6, b / 1e6, b / a
  }' | tee -a "$tmp/rounds"
}

echo "run-overhead: $n getppid() syscalls after loading $(basename "$obj"), best of $reps samples per round, $rounds rounds, --trace=$mode"
echo "machine: $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
  measure "$r" "program attached"
  measure "$r" "object loaded only" --no-attach
  measure "$r" "N test runs" --test-runs
done
echo "summary (ratio bpfcov/native over $rounds rounds; target <= 1.10):"
for label in "program attached" "object loaded only" "N test runs"; do
  grep -F " $label " "$tmp/rounds" | awk '{ print $(NF) }' | sort -n | awk -v l="$label" '
    { v[NR] = $1 }
    END {
      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      met = 0; for (i = 1; i <= NR; i++) if (v[i] <= 1.10) met++
      printf "  %-20s median %.3f  range %.3f-%.3f  met in %d of %d rounds\n", l, m, v[1], v[NR], met, NR
    }'
done
