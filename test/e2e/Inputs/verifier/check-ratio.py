# SPDX-License-Identifier: Apache-2.0
# Reads `bpfcov -j verify` output on stdin; checks that every ratio is the
# instrumented processed instructions over the plain ones (4 decimals) and
# prints one line per program: NAME accepted|rejected INSNS>0 STATES>=0.
import json
import sys

doc = json.load(sys.stdin)
for obj in doc["objects"]:
    for p in obj["programs"]:
        i, q = p["instrumented"], p["plain"]
        if i["accepted"] and q["accepted"]:
            want = round(i["insns"] / q["insns"], 4)
            assert abs(p["ratio"] - want) < 1e-4, (p["name"], p["ratio"], want)
        else:
            assert p["ratio"] is None, p
        for side, r in (("instrumented", i), ("plain", q)):
            print("%s %s %s insns>0=%s states>=0=%s" % (
                p["name"], side, "accepted" if r["accepted"] else "rejected",
                r["insns"] > 0, r["states"] >= 0))
print("regressions %d" % doc["regressions"])
