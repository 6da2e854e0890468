# SPDX-License-Identifier: Apache-2.0
# Writes a BPF C program whose only function jumps over N volatile stores
# (two instruction slots each): with N = 17000 the jump needs an offset of
# about 34000 slots, beyond the 16-bit range of a BPF jump.
# With "inlined" as second argument each store is the call of a static
# __always_inline helper, `bump`, whose `if` adds a counter update per call
# when instrumented: the jump grows about twice as long with counters.
# "inlined4" uses four such helpers in turn, bump0 to bump3: five records
# in one function, which percpu counters give per-block row addresses.
import sys

n = int(sys.argv[1])
mode = sys.argv[2] if len(sys.argv) > 2 else ""
inlined = mode in ("inlined", "inlined4")
helpers = ["bump%d" % k for k in range(4)] if mode == "inlined4" else ["bump"]
print("#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n")
print("volatile __u64 sink;\n")
if inlined:
    for h in helpers:
        print("static __always_inline void %s(__u64 v)\n{\n\tif (v & 1)\n"
              "\t\tsink = v;\n}\n" % h)
print('SEC("xdp")\nint long_jump(struct xdp_md *ctx)\n{')
if inlined:
    print("\t__u64 f = ctx->ingress_ifindex;\n")
print("\tif (ctx->data_end > ctx->data + 64) {")
for i in range(n):
    if inlined:
        print("\t\t%s(f + %d);" % (helpers[i % len(helpers)], i + 1))
    else:
        print("\t\tsink = %d;" % (i + 1))
print("\t}\n\treturn XDP_PASS;\n}\n")
print('char LICENSE[] SEC("license") = "GPL";')
