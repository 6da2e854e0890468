#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds bench/ in an existing bpfcov build directory and runs bpfcov-bench
# once (needs root: it loads and runs BPF programs). The markdown tables go to
# stdout and, with -o FILE, to FILE as well. Extra arguments go to
# bpfcov-bench (--repeat=R --calls=N --runs=K --threads=T --note=TEXT). With
# LLVM 19+ the bool-counter build is measured too.
#
# USAGE: sudo bench/run-bench.sh [-o FILE] [BUILD_DIR] [-- BENCH OPTIONS...]
set -euo pipefail
err() { echo "run-bench.sh: error: $*" >&2; exit 1; }

out="" build=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) [ $# -ge 2 ] || err "'-o' needs a file name"; out="$2"; shift ;;
    -h|--help) sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    *) [ -z "$build" ] || err "unexpected argument '$1'"; build="$1" ;;
  esac
  shift
done
src="$(cd "$(dirname "$0")/.." && pwd)"
build="${build:-$src/build}"
[ -f "$build/CMakeCache.txt" ] || err "'$build' is not a bpfcov build directory: cmake -S '$src' -B '$build' first"
[ "$(id -u)" = 0 ] || err "bpfcov-bench loads BPF programs: run as root"
targets=(bpfcov-bench bench_bpf bench_plain_bpf bench_percpu_bpf percpu_bpf)
# Bool counters (LLVM 19+): bench/CMakeLists.txt defines the target only there.
if cmake --build "$build" --target help | grep -qw bench_bool_bpf; then targets+=(bench_bool_bpf); fi
cmake --build "$build" -j2 --target "${targets[@]}" >&2
b="$build/bench"
[ -x "$b/bpfcov-bench" ] || err "'$b/bpfcov-bench' missing: is add_subdirectory(bench) in the top-level CMakeLists.txt?"
run=("$b/bpfcov-bench" --none="$b/plain/bench.bpf.o" --plain="$b/bench_plain.bpf.o"
     --atomic="$b/bench.bpf.o" --cpu-rows="$b/bench_percpu.bpf.o"
     --percpu="$b/plain/percpu.bpf.o")
if [ -f "$b/bench_bool.bpf.o" ]; then run+=(--bool="$b/bench_bool.bpf.o"); fi
run+=("$@")
if [ -n "$out" ]; then
  tmp="$(mktemp "$out.XXXXXX")"; trap 'rm -f "$tmp"' EXIT
  "${run[@]}" | tee "$tmp"
  mv -f "$tmp" "$out"; trap - EXIT
else
  "${run[@]}"
fi
