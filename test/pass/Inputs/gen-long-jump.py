# SPDX-License-Identifier: Apache-2.0
# Writes a BPF C program whose only function jumps over N volatile stores
# (two instruction slots each): with N = 17000 the jump needs an offset of
# about 34000 slots, beyond the 16-bit range of a BPF jump.
import sys

n = int(sys.argv[1])
print("#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n")
print("volatile __u64 sink;\n")
print('SEC("xdp")\nint long_jump(struct xdp_md *ctx)\n{')
print("\tif (ctx->data_end > ctx->data + 64) {")
for i in range(n):
    print("\t\tsink = %d;" % (i + 1))
print("\t}\n\treturn XDP_PASS;\n}\n")
print('char LICENSE[] SEC("license") = "GPL";')
