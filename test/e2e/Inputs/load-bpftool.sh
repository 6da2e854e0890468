#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# load-bpftool.sh - a second, independent loader for the load tests:
# `bpftool prog loadall OBJ` pins every program of OBJ in a fresh bpffs
# directory; prints their names (sorted) and count, and removes the
# directory on every exit, so a failing test leaves no pins behind.
# USAGE: load-bpftool.sh OBJ TAG     (TAG makes the directory unique)
set -eu
obj=$1
dir=/sys/fs/bpf/bpfcov-lit-load-$2-$$
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
if ! grep -q ' /sys/fs/bpf bpf ' /proc/mounts; then
  mount -t bpf bpf /sys/fs/bpf
fi
bpftool prog loadall "$obj" "$dir"
ls "$dir" | sort
echo "bpftool: pinned $(ls "$dir" | wc -l) programs"
