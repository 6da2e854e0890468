//===-- Json.h - JSON output -----------------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// USAGE: #include "Json.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_JSON_H
#define BPFCOV_CLI_JSON_H

#include <string>

namespace bpfcov {

/// Quotes and escapes \p S as a JSON string.
std::string jsonString(const std::string &S);

} // namespace bpfcov

#endif // BPFCOV_CLI_JSON_H
