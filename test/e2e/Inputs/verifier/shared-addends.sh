#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shared-addends.sh OBJ: counts the atomic counter adds of OBJ, and those
# whose addend register was not set to a constant in the same stretch of
# code (no label, jump or call in between): an addend llc shares between
# adds, kept in a register from an earlier block.
set -e
llvm-objdump -d --no-show-raw-insn "$1" | awk '
function clear(r) { for (r in set) delete set[r] }
/>:$/ { clear(); next }
/goto|call|exit/ { clear(); next }
/lock \*\(u64 \*\)/ {
  n++
  split($0, a, "[+]= ")
  if (!(a[2] in set))
    shared++
  delete set[a[2]]
  next
}
/\tr[0-9] = -?(0x)?[0-9a-f]+$/ { split($0, a, "\t"); split(a[2], b, " "); set[b[1]] = 1; next }
END { printf "adds %d shared %d\n", n, shared }'
