//===-- MapValue.h - The value of a global-data map ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reads key 0 of an array map, the one value libbpf gives a global-data
// section (.data.profc, .rodata.profd, ...). One reader for bpfcov gen
// (pins and --loaded) and libbpfcov (fds): each adds its own prefix.
//
// USAGE:
//   std::string Value;
//   if (MapValueError E = readMapValue(Fd, Value))
//     fail(E.Errno, "profc map: " + E.Why);
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_MAPVALUE_H
#define BPFCOV_CLI_MAPVALUE_H

#include <string>

namespace bpfcov {

/// Why a map's value could not be read; false when it was.
struct MapValueError {
  std::string Why;            ///< "it is not a global-data map (...)", ...
  int Errno = 0;              ///< the errno value that goes with it
  bool NotGlobalData = false; ///< a map, but not one of a data section
  explicit operator bool() const { return !Why.empty(); }
};

/// The value of key 0 of array map \p Fd into \p Out.
MapValueError readMapValue(int Fd, std::string &Out);

} // namespace bpfcov

#endif // BPFCOV_CLI_MAPVALUE_H
