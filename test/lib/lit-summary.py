#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Summarises one lit run (its `lit -o results.json` file) for scripts/test:
# prints each failed test, then each skipped (UNSUPPORTED) test with the
# REQUIRES/UNSUPPORTED lines that excluded it and, for kernel features, the
# reason lit.cfg.py recorded (skipped-features.txt beside the results), and
# finally one line `LABEL: P passed, F failed, S skipped`. Exits 1 when a
# test failed or nothing ran.
# USAGE: lit-summary.py LABEL RESULTS.json TEST_SOURCE_DIR [SKIPPED_FEATURES.txt]
import json
import os
import re
import sys

PASS = {"PASS", "XFAIL"}
SKIP = {"UNSUPPORTED"}


def skip_lines(path):
    """The lines of a test file that decide where it runs."""
    try:
        with open(path, errors="replace") as f:
            return [re.sub(r"^[#;/ ]*", "", l).strip() for l in f
                    if re.match(r"^[#;/ ]*(REQUIRES|UNSUPPORTED):", l)]
    except OSError:
        return []


def main():
    label, results, srcdir = sys.argv[1], sys.argv[2], sys.argv[3]
    features = sys.argv[4] if len(sys.argv) > 4 else None
    with open(results) as f:
        tests = json.load(f)["tests"]
    reasons = []
    if features and os.path.exists(features):
        with open(features) as f:
            reasons = [l.strip() for l in f if l.strip()]
    passed = failed = skipped = 0
    for t in sorted(tests, key=lambda t: t["name"]):
        code, name = t["code"], t["name"].split(" :: ")[-1]
        if code in PASS:
            passed += 1
        elif code in SKIP:
            skipped += 1
            why = "; ".join(skip_lines(os.path.join(srcdir, name))) or "no REQUIRES line"
            print(f"{label}: SKIPPED {name} ({why})")
        else:
            failed += 1
            print(f"{label}: {code} {name}")
    for r in reasons:
        print(f"{label}: skipped feature: {r}")
    print(f"{label}: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or not tests else 0


if __name__ == "__main__":
    sys.exit(main())
