#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A stand-in llvm-cov for test/cli/out-tools.test and out-interrupt.test:
# logs its argv to $FAKE_LOG; `show` writes index.html into -output-dir
# (after sleeping $FAKE_SLEEP seconds when set), `export` prints a fixed
# export (a small summary with -summary-only).
echo "$(basename "$0") $*" >> "$FAKE_LOG"
case "$*" in
*-summary-only*)
  echo '{"data":[{"files":[{"filename":"/f/a.c","summary":{"regions":{"count":4,"covered":3}}}],"totals":{"regions":{"count":4,"covered":3}}}]}' ;;
export*) echo "fake export" ;;
show*)
  [ -z "$FAKE_SLEEP" ] || sleep "$FAKE_SLEEP"
  for A in "$@"; do
    case "$A" in -output-dir=*) echo fake > "${A#-output-dir=}/index.html" ;; esac
  done ;;
esac
