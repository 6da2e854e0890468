//===-- ObjectSections.h - Coverage sections and DATASECs, read by libbpf -===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The I/O half of counters-only collection (CountersOnly.h): reads what gen
// needs from an instrumented object file, and the variables of a DATASEC
// from any BTF (the object's, or a loaded map's from the kernel). libbpf
// opens the object (no kernel involved): it fixes the DATASEC offsets up
// from the symbol table, which llc leaves at zero in the ELF file.
//
// USAGE:
//   ObjectCoverage Obj;
//   if (readObjectCoverage("x.bpf.o", Obj, Err)) ... // Err: the message
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_OBJECTSECTIONS_H
#define BPFCOV_CLI_OBJECTSECTIONS_H

#include "CountersOnly.h"

#include <string>
#include <vector>

struct btf;

namespace bpfcov {

/// The variables of DATASEC \p Section in \p Btf (name, offset, size), in
/// BTF order. Returns 0, or -ENOENT when \p Btf has no such DATASEC and
/// -EINVAL when an entry is not a named VAR, with a message in \p Err.
int readDataSecVars(const struct btf *Btf, const std::string &Section,
                    std::vector<SectionVar> &Vars, std::string &Err);

/// Opens object file \p Path with libbpf (nothing is loaded) and fills
/// \p Obj: the bytes of .rodata.profd, .rodata.profn and .rodata.covmap,
/// the counters section its covmap flags name, and that section's DATASEC
/// variables. Returns 0 or a negative errno with a message in \p Err
/// (a missing section names bpfcov-cc / bpfcov_add_bpf_object).
int readObjectCoverage(const std::string &Path, ObjectCoverage &Obj,
                       std::string &Err);

} // namespace bpfcov

#endif // BPFCOV_CLI_OBJECTSECTIONS_H
