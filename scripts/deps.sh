#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs (Debian 12, apt, as root) what building and testing bpfcov needs,
# for each LLVM major given (default: 14), and the guest kernel runner
# (scripts/vm: qemu, busybox, kmod). Sourced by scripts/test and
# scripts/demo; installs only what is missing, so a ready machine costs ~1 s.
# Go and cilium/ebpf build the Go loader of test/e2e/Inputs/go-loader.
# USAGE: scripts/deps.sh [LLVM_MAJOR...]
set -euo pipefail

bpfcov_packages() {
  local pkgs="cmake make g++ pkg-config python3 libbpf-dev libelf-dev zlib1g-dev nettle-dev
    bpftool lcov libxml2-utils libgtest-dev iproute2 qemu-system-x86 busybox-static kmod
    golang-go golang-github-cilium-ebpf-dev"
  local v
  for v in "$@"; do
    pkgs+=" clang-$v llvm-$v llvm-$v-dev llvm-$v-tools"
    # The profile runtime (native coverage in the differential tests).
    if [ "$v" = 15 ]; then pkgs+=" libclang-common-15-dev"; else pkgs+=" libclang-rt-$v-dev"; fi
  done
  echo $pkgs
}

bpfcov_install_deps() {
  local missing=() p
  [ $# -gt 0 ] || set -- 14
  for p in $(bpfcov_packages "$@"); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "error: missing packages: ${missing[*]}: run as root or 'sudo apt-get install ${missing[*]}'" >&2
    return 1
  fi
  echo "Installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# bpffs for the kernel tests (root only; bpfcov run mounts it too).
bpfcov_mount_bpffs() {
  if [ "$(id -u)" = 0 ] && ! mount | grep -q ' /sys/fs/bpf type bpf'; then
    mount -t bpf bpf /sys/fs/bpf || echo "warning: cannot mount bpffs at /sys/fs/bpf" >&2
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  bpfcov_install_deps "$@"
fi
