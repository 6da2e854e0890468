#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bpfcov with --trace=ptrace inserted after the first `run` argument: what
# %bpfcov stands for in test/e2e/ptrace (see lit.local.cfg there). It execs
# bpfcov, so signals sent to its pid reach bpfcov.
#
# Each run it changes is logged to LOG ("run --trace=ptrace ..."), which the
# twin test format reads: a twin must have run ptrace mode at least once.
#
# USAGE: bpfcov-ptrace.sh LOG BPFCOV [GLOBAL-OPTIONS] [run [RUN-ARGS...]]
log=$1
bpfcov=$2
shift 2
inserted=
n=$#
while [ "$n" -gt 0 ]; do
  arg=$1
  shift
  set -- "$@" "$arg"
  if [ -z "$inserted" ] && [ "$arg" = run ]; then
    set -- "$@" --trace=ptrace
    inserted=1
  fi
  n=$((n - 1))
done
[ -z "$inserted" ] || echo "run --trace=ptrace $*" >> "$log"
exec "$bpfcov" "$@"
