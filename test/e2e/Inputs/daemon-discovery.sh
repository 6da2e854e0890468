#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-discovery.sh - coverage of a daemon that is already running, for
# loader-daemon.test: DAEMON (xdp-lskel-daemon.c: loads through a light
# skeleton, then runs commands from stdin) is started on a FIFO; after the
# first frames `bpfcov gen --loaded --pid=PID xdp` collects from the kernel's
# maps while it runs, then after more frames a second time. Prints each
# round's counts of FILE (cov-counts.py) and the daemon's exit status.
# USAGE: daemon-discovery.sh BPFCOV DAEMON OUTDIR BPFOBJ FILE \
#          FRAME:N... -- FRAME:N...
set -eu
bpfcov=$1 daemon=$2 out=$3 obj=$4 file=$5
shift 5
mkdir -p "$out"
rm -f "$out/in"
mkfifo "$out/in"
"$daemon" < "$out/in" > "$out/daemon.out" &
pid=$!
exec 3> "$out/in"
trap 'exec 3>&-; kill "$pid" 2>/dev/null || :' EXIT
lines=1
wait_lines() { # the daemon printed $lines lines (5 s at most)
  i=0
  until [ "$(wc -l < "$out/daemon.out")" -ge "$lines" ]; do
    i=$((i + 1))
    [ "$i" -le 100 ] || { echo "daemon-discovery.sh: the daemon did not answer" >&2; exit 1; }
    sleep 0.05
  done
}
wait_lines
round=0
collect() {
  round=$((round + 1))
  "$bpfcov" gen --loaded --pid="$pid" xdp -o "$out/$round.profraw" 2> "$out/$round.err"
  "$bpfcov" out -f json -o "$out/$round.json" --object="$obj" "$out/$round.profraw" \
    > "$out/$round.summary" 2>> "$out/$round.err"
  echo "round $round:"
  python3 "$(dirname "$0")/cov-counts.py" "$out/$round.json" "$file"
}
for arg in "$@"; do
  if [ "$arg" = -- ]; then
    collect
    continue
  fi
  echo "${arg%:*} ${arg##*:}" >&3
  lines=$((lines + 1))
  wait_lines
done
collect
exec 3>&-
status=0
wait "$pid" || status=$?
trap - EXIT
echo "daemon exit status: $status"
cat "$out/daemon.out"
