#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Tests of scripts/vm (run once by scripts/test, on the host): the command's
# output and exit status come back, the guest is Debian's 6.1 kernel with
# the file systems the kernel tests need and loads modules on demand, the
# cwd is kept, --rw shares are written through and everything else is
# dropped, and a guest that hangs or panics fails with the reason and the
# serial log instead of hanging.
# Prints one line per check and `vm runner: N passed, N failed, 0 skipped`.
# USAGE (as root): test/vm/vm-runner.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
vm=scripts/vm
pass=0 fail=0
check() {   # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "ok: $1"
  else fail=$((fail + 1)); printf 'FAIL: %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3"; fi
}
t=$(mktemp -d) && trap 'rm -rf "$t"' EXIT
abi=$($vm --print-kernel | cut -d' ' -f1)
mkdir -p "$t/rw" "$t/ro"

# One boot: output, status, kernel, file systems, modules loaded on demand,
# cwd, shares.
export BPFCOV_VM_TEST=passed-through
(cd "$t" && "$OLDPWD/$vm" --rw "$t/rw" --env BPFCOV_VM_TEST -- bash -c '
  echo "out"; echo "err" >&2
  uname -r
  pwd
  stat -f -c %T /sys/fs/bpf /sys/kernel/tracing /sys/kernel/debug /sys/kernel/security | tr "\n" " "; echo
  grep -o bpf /sys/kernel/security/lsm
  ip link add bpfcov0 type veth peer name bpfcov1 && tc qdisc add dev bpfcov1 clsact &&
    echo "veth and clsact autoloaded"
  echo "$BPFCOV_VM_TEST"
  echo kept >rw/file; echo dropped >ro/file
  exit 3' >"$t/out" 2>"$t/err") </dev/null
check "exit status" 3 "$?"
check "output" "out
err
$abi
$t
bpf_fs tracefs debugfs securityfs 
bpf
veth and clsact autoloaded
passed-through" "$(cat "$t/out")"
check "stderr names the kernel and the accelerator" 1 \
  "$(grep -cE "^vm: Linux $abi \(.*\), (kvm|tcg), 2 CPUs, 4096 MiB$" "$t/err")"
check "--rw share written through" kept "$(cat "$t/rw/file" 2>&1)"
check "other writes dropped" "" "$(ls "$t/ro")"

# A hang: killed at --timeout, exit 124, with the reason.
$vm --timeout 30 -- sleep 600 >"$t/out" 2>"$t/err" </dev/null
check "hang: exit status" 124 "$?"
check "hang: reason" 1 "$(grep -c '^vm: the guest ran past --timeout 30 s and was killed' "$t/err")"

# A panic: exit 125, the reason and the panic in the serial log.
$vm -- sh -c 'echo c >/proc/sysrq-trigger' >"$t/out" 2>"$t/err" </dev/null
check "panic: exit status" 125 "$?"
check "panic: reason" 1 "$(grep -c '^vm: the guest stopped without reporting an exit status' "$t/err")"
check "panic: serial log" 1 "$(grep -c '^vm| .*Kernel panic - not syncing: sysrq triggered crash' "$t/err")"

# Bad arguments: exit 125 and what to do, without booting.
$vm --accel foo -- true >"$t/out" 2>"$t/err" </dev/null
check "bad --accel: exit status" 125 "$?"
check "bad --accel: message" "vm: error: --accel takes kvm, tcg or auto, not 'foo'" "$(tail -n 1 "$t/err")"
$vm >"$t/out" 2>"$t/err" </dev/null
check "no command: exit status" 125 "$?"
check "no command: message" "vm: error: no command given" "$(tail -n 1 "$t/err")"

echo "vm runner: $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
