#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bpfcov with --trace=ptrace inserted after the first `run` argument: what
# %bpfcov stands for in test/e2e/ptrace (see lit.local.cfg there). It execs
# bpfcov, so signals sent to its pid reach bpfcov.
#
# USAGE: bpfcov-ptrace.sh BPFCOV [GLOBAL-OPTIONS] [run [RUN-ARGS...]]
bpfcov=$1
shift
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
exec "$bpfcov" "$@"
