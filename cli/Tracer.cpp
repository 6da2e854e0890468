//===-- Tracer.cpp - What run's two trace modes share
//-----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The error record of a run and the names of bpf() commands for -v.
//
//===----------------------------------------------------------------------===//
#include "Tracer.h"

#include "Diag.h"

#include <cstdarg>
#include <cstdio>

namespace bpfcov {

void TraceSink::error(const char *Fmt, ...) {
  char Buf[1024];
  va_list Ap;
  va_start(Ap, Fmt);
  std::vsnprintf(Buf, sizeof(Buf), Fmt, Ap);
  va_end(Ap);
  if (NumErrors++ == 0)
    FirstError = Buf;
  // Under --json one value is printed at the end; plain text goes now.
  if (!Globals.Json)
    pErr("%s", Buf);
}

bool traceAllBpf() { return Globals.Verbose >= 1 && !Globals.Json; }

const char *bpfCmdName(uint64_t Cmd) {
  static const char *const Names[] = {
      "BPF_MAP_CREATE",        "BPF_MAP_LOOKUP_ELEM",
      "BPF_MAP_UPDATE_ELEM",   "BPF_MAP_DELETE_ELEM",
      "BPF_MAP_GET_NEXT_KEY",  "BPF_PROG_LOAD",
      "BPF_OBJ_PIN",           "BPF_OBJ_GET",
      "BPF_PROG_ATTACH",       "BPF_PROG_DETACH",
      "BPF_PROG_TEST_RUN",     "BPF_PROG_GET_NEXT_ID",
      "BPF_MAP_GET_NEXT_ID",   "BPF_PROG_GET_FD_BY_ID",
      "BPF_MAP_GET_FD_BY_ID",  "BPF_OBJ_GET_INFO_BY_FD",
      "BPF_PROG_QUERY",        "BPF_RAW_TRACEPOINT_OPEN",
      "BPF_BTF_LOAD",          "BPF_BTF_GET_FD_BY_ID",
      "BPF_TASK_FD_QUERY",     "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
      "BPF_MAP_FREEZE",        "BPF_BTF_GET_NEXT_ID",
      "BPF_MAP_LOOKUP_BATCH",  "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
      "BPF_MAP_UPDATE_BATCH",  "BPF_MAP_DELETE_BATCH",
      "BPF_LINK_CREATE",       "BPF_LINK_UPDATE",
      "BPF_LINK_GET_FD_BY_ID", "BPF_LINK_GET_NEXT_ID",
      "BPF_ENABLE_STATS",      "BPF_ITER_CREATE",
      "BPF_LINK_DETACH",       "BPF_PROG_BIND_MAP",
      "BPF_TOKEN_CREATE",
  };
  return Cmd < sizeof(Names) / sizeof(Names[0]) ? Names[Cmd] : nullptr;
}

} // namespace bpfcov
