# SPDX-License-Identifier: Apache-2.0
"""The kernel features of the lit suite, with no silent skips.

Kernel tests say what they need with REQUIRES lines naming these features:
  root, bpffs   running as root, with BTF (/sys/kernel/btf/vmlinux) and bpffs
                (/sys/fs/bpf): what every kernel test needs
  bpf           a socket filter loads and runs (BPF_PROG_TEST_RUN)
  fentry fexit bpf-lsm tp_btf kprobe uprobe
                bpf-probe loads and attaches a program of that type
  fentry-refused bpf-lsm-refused kprobe-refused
                the probe failed: the refusal tests of the fentry, lsm and
                kprobe examples apply (UNSUPPORTED where the type works)

A feature whose probe fails is still set, so its tests run and FAIL, unless
it is named in BPFCOV_SKIP_KERNEL_FEATURES (a comma list, e.g.
"fentry,bpf-lsm"): then it is left out and its tests are UNSUPPORTED. Not
root, no BTF or no bpffs stops lit with a one-line reason unless
BPFCOV_SKIP_KERNEL_TESTS=1, which leaves out every kernel feature (the other
tests still run). Each skipped feature is written, with its reason, to
<build>/test/skipped-features.txt (one per line, "FEATURE: REASON").

USAGE (lit.cfg.py): kernel_features.configure(config, lit_config, probe, out)
"""
import os
import subprocess

SKIP_FEATURES_VAR = "BPFCOV_SKIP_KERNEL_FEATURES"
SKIP_TESTS_VAR = "BPFCOV_SKIP_KERNEL_TESTS"

# (lit feature, bpf-probe kind, feature set when the probe fails or None)
PROBED = (
    ("bpf", "socket", None),
    ("fentry", "fentry", "fentry-refused"),
    ("fexit", "fexit", None),
    ("bpf-lsm", "lsm", "bpf-lsm-refused"),
    ("tp_btf", "tp_btf", None),
    ("kprobe", "kprobe", "kprobe-refused"),
    ("uprobe", "uprobe", None),
)
BASE = ("root", "bpffs")
ALL = BASE + tuple(f for f, _, _ in PROBED)


def environment_problem():
    """Why kernel tests cannot run here at all, or None."""
    if os.geteuid() != 0:
        return "not root (uid %d)" % os.geteuid()
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        return "no kernel BTF (/sys/kernel/btf/vmlinux; CONFIG_DEBUG_INFO_BTF=y)"
    if not os.path.isdir("/sys/fs/bpf"):
        return "no bpffs mount point (/sys/fs/bpf)"
    return None


def probe(probe_path, kind):
    """None when bpf-probe KIND succeeds, else its one-line reason."""
    try:
        out = subprocess.run([probe_path, kind], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "bpf-probe %s did not run: %s" % (kind, e)
    if out.returncode == 0:
        return None
    msg = out.stderr.decode(errors="replace").strip().replace("\n", "; ")
    return msg or "bpf-probe %s exited with %d" % (kind, out.returncode)


def requested_skips(lit_config):
    names = [n.strip() for n in os.environ.get(SKIP_FEATURES_VAR, "").split(",") if n.strip()]
    unknown = [n for n in names if n not in ALL]
    if unknown:
        lit_config.fatal("%s names unknown kernel features %s; known: %s" %
                         (SKIP_FEATURES_VAR, ", ".join(unknown), ",".join(ALL)))
    return set(names)


def configure(config, lit_config, probe_path, skipped_file):
    """Adds the kernel features to config; writes skipped_file."""
    skipped = []  # (feature, reason)
    skip_all = os.environ.get(SKIP_TESTS_VAR, "")
    if skip_all not in ("", "0", "1"):
        lit_config.fatal("%s is '%s': set it to 1 to skip the kernel tests" %
                         (SKIP_TESTS_VAR, skip_all))
    problem = environment_problem()
    if skip_all == "1":
        why = problem or "the kernel tests could run here"
        skipped = [(f, "%s; skipped by %s=1" % (why, SKIP_TESTS_VAR)) for f in ALL]
    elif problem:
        lit_config.fatal("kernel tests cannot run: %s; run as root on a kernel with BTF "
                         "and bpffs, or set %s=1 to skip them" % (problem, SKIP_TESTS_VAR))
    else:
        skips = requested_skips(lit_config)
        for feature in BASE:
            if feature in skips:
                skipped.append((feature, "skipped by %s" % SKIP_FEATURES_VAR))
            else:
                config.available_features.add(feature)
        for feature, kind, refused in PROBED:
            reason = probe(probe_path, kind)
            if reason and refused:
                config.available_features.add(refused)
            if feature in skips:
                skipped.append((feature, "%s; skipped by %s" %
                                (reason or "the probe passed", SKIP_FEATURES_VAR)))
                continue
            config.available_features.add(feature)
            if reason:
                lit_config.note("kernel feature %s: probe failed, its tests will fail "
                                "(%s=%s skips them): %s" %
                                (feature, SKIP_FEATURES_VAR, feature, reason))
    os.makedirs(os.path.dirname(skipped_file), exist_ok=True)
    with open(skipped_file + ".tmp", "w") as f:
        for feature, reason in skipped:
            f.write("%s: %s\n" % (feature, reason))
    os.replace(skipped_file + ".tmp", skipped_file)
    for feature, reason in skipped:
        lit_config.note("skipped kernel feature %s: %s" % (feature, reason))
