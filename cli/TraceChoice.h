//===-- TraceChoice.h - Which trace mode bpfcov run uses
//--------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// --trace=auto picks preload when LD_PRELOAD would see APP's bpf() calls:
// APP (or the interpreter of its script, as the kernel runs it) is a
// dynamically linked program of bpfcov's own ELF class, machine and dynamic
// loader, not setuid, setgid or with file capabilities, not a Go program
// (Go makes its system calls itself, never through libc), and the preload
// library is installed. Otherwise ptrace. -v says which and why. The
// decisions are pure functions of what was read (ElfInfo, the script's
// first line), so that unit tests reach them.
//
// USAGE: #include "TraceChoice.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_TRACECHOICE_H
#define BPFCOV_CLI_TRACECHOICE_H

#include "Tracer.h"

#include <cstdint>
#include <string>

namespace bpfcov {

/// What LD_PRELOAD depends on in a program's ELF header.
struct ElfInfo {
  bool IsElf = false;
  unsigned char Class = 0, Data = 0;
  uint16_t Machine = 0;
  std::string Interp; ///< PT_INTERP: "" when statically linked
  bool Go = false;    ///< a PT_NOTE of owner "Go" (the Go build id)
};

/// Reads the ELF identity of \p Path and, when it has bpfcov's own class
/// (ElfW), its PT_INTERP and whether the Go toolchain built it.
ElfInfo readElf(const std::string &Path);

/// The interpreter of a script whose first bytes are \p Head ("#! /bin/sh
/// -e" -> "/bin/sh": the first word after the blanks, as binfmt_script
/// reads it); "" when the line names none. \p Head must start with "#!".
std::string scriptInterpreter(const std::string &Head);

/// Why LD_PRELOAD would miss the bpf() calls of the ELF program \p Q (quoted
/// name, for the message) with \p Info when bpfcov is \p Self, or "".
/// \p SameLoader: Info.Interp is the same file as Self.Interp.
std::string whyNotPreloadableElf(const std::string &Q, const ElfInfo &Info,
                                 const ElfInfo &Self, bool SameLoader);

/// Why LD_PRELOAD would miss the bpf() calls of program \p Path, or "" if
/// it would not (see the file comment); a script: its interpreter.
/// \p Program is set to the program that was looked at.
std::string whyNotPreloadable(const std::string &Path, const ElfInfo &Self,
                              std::string &Program, unsigned Depth = 0);

/// The mode run uses, and for preload the library.
struct TraceChoice {
  TraceMode Mode = TraceMode::Ptrace; ///< Preload or Ptrace
  std::string Library;
};

/// The mode for --trace=\p Requested (not Ptrace) when the preload library
/// is \p Library ("" if missing) and \p WhyNot says why LD_PRELOAD would
/// miss APP ("" if it would not). Returns false when the mode cannot be
/// used (preload asked for, no library).
bool decideTraceMode(TraceMode Requested, const std::string &Library,
                     const std::string &WhyNot, TraceChoice &C);

/// Resolves --trace=\p Requested for APP (\p Cmd, as given to execvp); -v
/// says which mode and why. Returns 0, or -ENOENT when preload was asked for
/// and the library is missing (after printing the error).
int chooseTraceMode(TraceMode Requested, const std::string &Cmd,
                    TraceChoice &C);

} // namespace bpfcov

#endif // BPFCOV_CLI_TRACECHOICE_H
