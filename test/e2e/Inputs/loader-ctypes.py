#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A Python loader that calls libbpf (libbpf.so.1) through ctypes, for
loader-python.test: opens and loads OBJ, then runs PROG once per FRAME file
with BPF_PROG_TEST_RUN, N times each, and prints each return value.

USAGE: loader-ctypes.py OBJ PROG N FRAME...
"""
import ctypes
import sys


class TestRunOpts(ctypes.Structure):
    """struct bpf_test_run_opts of libbpf 1.x (bpf.h)."""
    _fields_ = [("sz", ctypes.c_size_t),
                ("data_in", ctypes.c_void_p),
                ("data_out", ctypes.c_void_p),
                ("data_size_in", ctypes.c_uint32),
                ("data_size_out", ctypes.c_uint32),
                ("ctx_in", ctypes.c_void_p),
                ("ctx_out", ctypes.c_void_p),
                ("ctx_size_in", ctypes.c_uint32),
                ("ctx_size_out", ctypes.c_uint32),
                ("retval", ctypes.c_uint32),
                ("repeat", ctypes.c_int),
                ("duration", ctypes.c_uint32),
                ("flags", ctypes.c_uint32),
                ("cpu", ctypes.c_uint32),
                ("batch_size", ctypes.c_uint32)]


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    obj_path, prog_name, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    bpf = ctypes.CDLL("libbpf.so.1", use_errno=True)
    bpf.bpf_object__open_file.restype = ctypes.c_void_p
    bpf.bpf_object__open_file.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    bpf.bpf_object__load.argtypes = [ctypes.c_void_p]
    bpf.bpf_object__find_program_by_name.restype = ctypes.c_void_p
    bpf.bpf_object__find_program_by_name.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    bpf.bpf_program__fd.argtypes = [ctypes.c_void_p]
    bpf.bpf_prog_test_run_opts.argtypes = [ctypes.c_int, ctypes.POINTER(TestRunOpts)]
    bpf.bpf_object__close.argtypes = [ctypes.c_void_p]

    obj = bpf.bpf_object__open_file(obj_path.encode(), None)
    if not obj:
        sys.exit("loader-ctypes.py: cannot open '%s'" % obj_path)
    try:
        err = bpf.bpf_object__load(obj)
        if err:
            sys.exit("loader-ctypes.py: cannot load '%s': %d" % (obj_path, err))
        prog = bpf.bpf_object__find_program_by_name(obj, prog_name.encode())
        if not prog:
            sys.exit("loader-ctypes.py: no program '%s'" % prog_name)
        fd = bpf.bpf_program__fd(prog)
        for path in sys.argv[4:]:
            with open(path, "rb") as f:
                data = f.read()
            buf = ctypes.create_string_buffer(data, len(data))
            out = ctypes.create_string_buffer(len(data) + 256)
            opts = TestRunOpts(sz=ctypes.sizeof(TestRunOpts),
                               data_in=ctypes.cast(buf, ctypes.c_void_p),
                               data_size_in=len(data),
                               data_out=ctypes.cast(out, ctypes.c_void_p),
                               data_size_out=len(out), repeat=repeat)
            err = bpf.bpf_prog_test_run_opts(fd, ctypes.byref(opts))
            if err:
                sys.exit("loader-ctypes.py: BPF_PROG_TEST_RUN failed: %d" % err)
            print("retval: %d" % opts.retval)
    finally:
        bpf.bpf_object__close(obj)


if __name__ == "__main__":
    main()
