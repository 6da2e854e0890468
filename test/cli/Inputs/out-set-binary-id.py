#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Replaces the first binary id of a raw profile (a native program's build
# id) with NAME of the same length, as if `bpfcov gen` had recorded an
# object name there, for test/cli/out-objects.test. The binary ids follow
# the header, whose size depends on the raw version (InstrProfData.inc).
#
# USAGE: out-set-binary-id.py PROFRAW NAME
import struct
import sys

HEADER_SIZE = {8: 11 * 8, 9: 14 * 8, 10: 16 * 8}

path, name = sys.argv[1], sys.argv[2].encode()
data = bytearray(open(path, "rb").read())
version = struct.unpack_from("<Q", data, 8)[0] & 0xffffffff
header = HEADER_SIZE[version]
ids_size = struct.unpack_from("<Q", data, 16)[0]
length = struct.unpack_from("<Q", data, header)[0]
if ids_size == 0 or length != len(name):
    sys.exit("out-set-binary-id.py: binary id is %d bytes, name %d"
             % (length, len(name)))
data[header + 8:header + 8 + length] = name
open(path, "wb").write(data)
