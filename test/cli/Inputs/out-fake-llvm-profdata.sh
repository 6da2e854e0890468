#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A stand-in llvm-profdata for test/cli/out-*.test: logs its argv to
# $FAKE_LOG, claims LLVM $FAKE_MAJOR, and "merges" by writing the -o file.
echo "$(basename "$0") $*" >> "$FAKE_LOG"
case "$*" in
*--version*) echo "Fake LLVM version ${FAKE_MAJOR:-23}.0.0"; exit 0 ;;
esac
if [ -n "$FAKE_FAIL" ]; then
  echo "error: $FAKE_FAIL" >&2
  exit 3
fi
echo "warning: fake merge" >&2
while [ $# -gt 1 ]; do shift; done
echo fake > "$1"
