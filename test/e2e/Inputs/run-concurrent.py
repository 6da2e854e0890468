#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Two `bpfcov run` of the same app started together (issue 10), TRIES times.
# Both are released together and each one's end is measured; the test requires that they
# overlapped for more than half of the shorter one's life, so the lock, not
# luck, kept them apart. Prints one line per try for FileCheck.
#
# USAGE: run-concurrent.py TRIES BPFFS "BPFCOV" LOADER OBJ WORKDIR
#   BPFCOV is a command line (the ptrace twin's is `sh bpfcov-ptrace.sh bpfcov`).
import os
import shlex
import signal
import subprocess
import sys
import time

tries, bpffs, bpfcov, loader, obj, work = sys.argv[1:7]
bpfcov = shlex.split(bpfcov)
if (os.cpu_count() or 1) < 2:
    print("error: this test needs 2 or more CPUs, this machine has %s" % os.cpu_count())
    sys.exit(1)

for attempt in range(1, int(tries) + 1):
    procs, starts, ends, errs = [], [], [None, None], []
    for i in range(2):
        ready = os.path.join(work, "ready-%d-%d" % (attempt, i))
        err = open(os.path.join(work, "err-%d-%d" % (attempt, i)), "w+")
        errs.append(err)
        argv = bpfcov + ["--bpffs=" + bpffs, "run",
            loader, "--ready=" + ready, "--wait", obj]
        # Each waits on its stdin, so that both are released at one instant:
        # the time one fork and exec takes on a loaded machine is no one's life.
        procs.append(subprocess.Popen(["sh", "-c", 'read _ && exec "$@"', "sh"] + argv,
                                      stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                      stderr=err))
    release = time.monotonic()
    for p in procs:
        p.stdin.write(b"go\n")
        p.stdin.close()
    starts = [release, release]
    # The loser ends on its own; the winner waits for SIGINT.
    deadline = time.monotonic() + 30
    loser = None
    while loser is None and time.monotonic() < deadline:
        for i, p in enumerate(procs):
            if p.poll() is not None:
                ends[i] = time.monotonic()
                loser = i
                break
        time.sleep(0.001)
    winner = 1 - loser if loser is not None else None
    ready = os.path.join(work, "ready-%d-%d" % (attempt, winner))
    while not os.path.exists(ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    # Both runs were live together until now: the loser's whole life.
    procs[winner].send_signal(signal.SIGINT)
    procs[winner].wait(timeout=30)
    ends[winner] = time.monotonic()
    spans = [(starts[i], ends[i]) for i in range(2)]
    overlap = max(0.0, min(e for _, e in spans) - max(s for s, _ in spans))
    shorter = min(e - s for s, e in spans)
    errs[loser].seek(0)
    message = errs[loser].read().strip().splitlines()
    print("try %d: winner exit=%d, loser exit=%d: %s" % (
        attempt, procs[winner].returncode, procs[loser].returncode,
        message[0] if message else "(no message)"))
    print("try %d: overlap %s 50%% of the shorter run" % (
        attempt, "over" if shorter > 0 and overlap / shorter > 0.5 else "UNDER"))
    # The winner's pins are whole: gen reads them, then removes them.
    gen = subprocess.run(bpfcov + ["--bpffs=" + bpffs, "-j", "gen", "--unpin",
                          "-o", os.path.join(work, "try-%d.profraw" % attempt),
                          loader], capture_output=True, text=True)
    print("try %d: gen exit=%d %s" % (attempt, gen.returncode, gen.stdout.strip()))
    sys.stdout.flush()
