# SPDX-License-Identifier: Apache-2.0
# lit configuration for bpfcov. Substitutions:
#   %bpfcov_plugin  build/lib/libBPFCov.so     %bpfcov   build/cli/bpfcov
#   %clang %opt %llc %llvm-profdata %llvm-cov  the LLVM the build uses
#   %bpf_cflags     clang flags for an instrumented BPF object
#   %srcroot %objroot %inputs (test/<dir>/Inputs)
# Features: llvm-N, llvm-N-or-later, typed-pointers, examples, and the
# kernel features of test/lib/kernel_features.py (root, bpffs, bpf, fentry...).
import os
import sys

import lit.formats

config.name = "bpfcov"
config.test_format = lit.formats.ShTest(not lit_config.useValgrind)
config.suffixes = [".ll", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "bpf-probe.c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.bpfcov_obj_root, "test")

# The LLVM tools of the configured version come first on PATH.
# bpftool lives in /usr/sbin, which a non-login PATH may lack.
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.bpfcov_bindir,
     config.environment.get("PATH", os.environ["PATH"]), "/usr/sbin", "/sbin"])
for var in ("HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

plugin = os.path.join(config.bpfcov_shlibdir, "libBPFCov" + config.bpfcov_shlibext)
tools = config.llvm_tools_dir
config.substitutions.append(("%bpfcov_plugin", plugin))
config.substitutions.append(("%shlibdir", config.bpfcov_shlibdir))
config.substitutions.append(("%shlibext", config.bpfcov_shlibext))
config.substitutions.append(("%bpfcov-cc", os.path.join(config.bpfcov_bindir, "bpfcov-cc")))
config.substitutions.append(("%bpfcov", os.path.join(config.bpfcov_bindir, "bpfcov")))
for tool in ("clang", "opt", "llc", "llvm-profdata", "llvm-cov", "llvm-objdump",
             "llvm-readelf", "FileCheck", "not", "count"):
    config.substitutions.append(("%" + tool + " ", os.path.join(tools, tool) + " "))
import shutil
bpftool = shutil.which("bpftool", path="/usr/sbin:/sbin:" + os.environ.get("PATH", ""))
config.substitutions.append(("%bpftool", bpftool or "bpftool-not-found"))
config.substitutions.append(("%srcroot", config.bpfcov_src_root))
config.substitutions.append(("%objroot", config.bpfcov_obj_root))
config.substitutions.append(("%libbpf_include", config.libbpf_include_dir))
config.substitutions.append(("%libbpf_library", config.libbpf_library))
config.substitutions.append(
    ("%bpf_cflags", "-g -O2 -target bpf -fprofile-instr-generate "
     "-fcoverage-mapping -fprofile-update=atomic -I" + config.libbpf_include_dir))

major = config.llvm_version_major
# INSTR_PROF_RAW_VERSION of the LLVM under test (what the pass records).
raw_version = None
inc = os.path.join(config.llvm_tools_dir, "..", "include", "llvm", "ProfileData",
                   "InstrProfData.inc")
with open(inc) as f:
    for line in f:
        if line.startswith("#define INSTR_PROF_RAW_VERSION "):
            raw_version = int(line.split()[2])
config.substitutions.append(("%raw_version_hex", "%02x" % raw_version))
config.substitutions.append(("%raw_version", str(raw_version)))
config.substitutions.append(("%llvm_major_hex", "%02x" % major))
config.substitutions.append(("%llvm_major", str(major)))
config.available_features.add("llvm-%d" % major)
for v in range(14, major + 1):
    config.available_features.add("llvm-%d-or-later" % v)
if major < 15:
    config.available_features.add("typed-pointers")


if config.bpfcov_build_examples:
    config.available_features.add("examples")

# Kernel features (root, bpffs, bpf, fentry, fexit, bpf-lsm, tp_btf, kprobe,
# uprobe, fentry-refused, bpf-lsm-refused, kprobe-refused): see
# test/lib/kernel_features.py.
# A failing probe makes its tests fail; only BPFCOV_SKIP_KERNEL_FEATURES and
# BPFCOV_SKIP_KERNEL_TESTS=1 skip them, listed in test/skipped-features.txt.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import kernel_features  # noqa: E402

kernel_features.configure(
    config, lit_config, os.path.join(config.bpfcov_obj_root, "test", "bpf-probe"),
    os.path.join(config.bpfcov_obj_root, "test", "skipped-features.txt"))
