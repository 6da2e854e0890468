# SPDX-License-Identifier: Apache-2.0
"""Reads the sections of an ELF64 little-endian object (a .bpf.o), with no
dependency beyond the standard library. Shared by the test scripts that
look at the coverage sections the pass writes."""
import struct
import sys


def elf_sections(data, who="elfsections.py"):
    """{section name: bytes} of an ELF64 little-endian file's contents;
    SHT_NOBITS sections are empty. Exits naming \\p who on other input."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("%s: error: not an ELF64 little-endian object" % who)
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
               for i in range(shnum)]
    strtab = headers[shstrndx]
    names = data[strtab[4]:strtab[4] + strtab[5]]
    out = {}
    for h in headers:
        name = names[h[0]:names.index(b"\0", h[0])].decode()
        out[name] = data[h[4]:h[4] + h[5]] if h[1] != 8 else b""  # 8: SHT_NOBITS
    return out
