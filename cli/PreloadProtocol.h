/*===-- PreloadProtocol.h - bpfcov run <-> libbpfcov-preload.so -----------===
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the preload library (preload.c, C) and `bpfcov run` (PreloadServer.cpp)
 * exchange in preload mode. bpfcov listens on a unix SOCK_SEQPACKET socket
 * and names it in BPFCOV_PRELOAD_SOCK. Each process that makes a bpf() call
 * worth reporting connects once and sends one PreloadReport per call (a new
 * map's fd rides along as SCM_RIGHTS). After a map named after the covmap
 * section (bpfcov/Sections.h) was created, the next
 * BPF_MAP_FREEZE or BPF_PROG_LOAD waits for bpfcov's 1-byte ack: bpfcov pins
 * an object once its covmap is filled, and APP goes on after that.
 *
 * USAGE: #include "PreloadProtocol.h"
 *===----------------------------------------------------------------------===*/
#ifndef BPFCOV_CLI_PRELOADPROTOCOL_H
#define BPFCOV_CLI_PRELOADPROTOCOL_H

#include <linux/bpf.h>
#include <stdint.h>

/* File name of the library, looked up beside the bpfcov binary, then in
 * ../lib and the install prefix. */
#define BPFCOV_PRELOAD_LIB "libbpfcov-preload.so"
/* Path of bpfcov's listening socket; unset or empty: report nothing. */
#define BPFCOV_PRELOAD_SOCK_ENV "BPFCOV_PRELOAD_SOCK"
/* "1": report every bpf() call, failed ones too (bpfcov -v). Otherwise only
 * the successful BPFCOV_REPORTED_CMDS. */
#define BPFCOV_PRELOAD_ALL_ENV "BPFCOV_PRELOAD_ALL"

/* The bpf() commands both trace modes watch (the preload library reports
 * them, the seccomp filter of ptrace mode stops on them): the ones that
 * create coverage maps or mark the point where their values are final
 * (libbpf freezes each .rodata map once filled, and loads programs after
 * all maps are ready). libbpf makes dozens of other bpf() calls. */
#define BPFCOV_REPORTED_CMDS BPF_MAP_CREATE, BPF_MAP_FREEZE, BPF_PROG_LOAD

/* A light skeleton's loader program (BPF_PROG_TYPE_SYSCALL) creates the
 * object's maps inside the kernel, run by BPF_PROG_TEST_RUN. Both modes
 * report that run, and only that one: after a syscall program's
 * BPF_PROG_LOAD, the next run of it (preload), or the thread's next
 * BPF_PROG_TEST_RUN (ptrace, which then steps that thread alone). The maps
 * its run made are then in the caller's fd table. */
#define BPFCOV_LOADER_RUN_CMD BPF_PROG_TEST_RUN

/* bpfcov's effective uid: the library reports only to a socket that a
 * process of this uid listens on (SO_PEERCRED); bpfcov accepts only the
 * processes of APP's tree. */
#define BPFCOV_PRELOAD_UID_ENV "BPFCOV_PRELOAD_UID"

/* "bpfc" read as a little-endian u32, and the protocol version. */
#define BPFCOV_PRELOAD_MAGIC 0x63667062u
#define BPFCOV_PRELOAD_VERSION 1u

/* PreloadReport.Flags */
#define BPFCOV_PRELOAD_HAS_FD 1u    /* SCM_RIGHTS carries the new map's fd */
#define BPFCOV_PRELOAD_WANTS_ACK 2u /* the caller waits for the ack */

/* One bpf() call, after it returned. */
struct PreloadReport {
  uint32_t Magic;   /* BPFCOV_PRELOAD_MAGIC */
  uint32_t Version; /* BPFCOV_PRELOAD_VERSION */
  uint32_t Cmd;     /* bpf()'s `int cmd` */
  int32_t Tid;      /* calling thread */
  int64_t Ret;      /* return value: >= 0, or -1 and Errno */
  int32_t Errno;
  uint32_t Flags; /* BPFCOV_PRELOAD_* */
};

#endif /* BPFCOV_CLI_PRELOADPROTOCOL_H */
