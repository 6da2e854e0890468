#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A stranger's socket where the preload library reports (issue 10, S2):
# listens on PATH (SOCK_SEQPACKET) until the file STOP exists, acks every
# report that asks for one, and writes to OUT how many reports and how many
# file descriptors (BPF maps) it received. It runs as whichever user the
# test chooses; the library must send nothing to a uid that is not bpfcov's.
#
# USAGE: preload-listener.py PATH STOP OUT
import array
import os
import select
import socket
import struct
import sys
import time

path, stop, out = sys.argv[1:4]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
srv.bind(path)
srv.listen(64)
os.chmod(path, 0o777)
open(out + ".ready", "w").close()
conns, reports, fds = [], 0, 0
deadline = time.monotonic() + 60
while not os.path.exists(stop) and time.monotonic() < deadline:
    ready, _, _ = select.select([srv] + conns, [], [], 0.05)
    for s in ready:
        if s is srv:
            conns.append(srv.accept()[0])
            continue
        fdsize = array.array("i").itemsize
        msg, anc, _, _ = s.recvmsg(64, socket.CMSG_SPACE(4 * fdsize))
        if not msg:
            conns.remove(s)
            continue
        reports += 1
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds += len(data) // fdsize
        flags = struct.unpack_from("<I", msg, 28)[0] if len(msg) >= 32 else 0
        if flags & 2:  # BPFCOV_PRELOAD_WANTS_ACK
            s.send(b"\1")
with open(out, "w") as f:
    f.write("reports=%d fds=%d\n" % (reports, fds))
