//===-- Counters.cpp - libbpfcov's pure parts -----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "Counters.h"

#include "Diag.h"
#include "bpfcov/Names.h"

#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstring>

namespace bpfcov {

int resetValue(const std::string &Profc, const std::string &Profd,
               uint64_t Flags, std::string &Out, std::string &Err) {
  size_t ProfcSize = Profc.size();
  Out.assign(ProfcSize, '\0');
  // Twins keep their words: the program never writes them (Names.h).
  if ((Flags & CovMapFlagTwinCounters) && !(Flags & CovMapFlagByteCounters))
    for (size_t Off = 0; Off + 8 <= ProfcSize; Off += 8) {
      uint64_t Word;
      std::memcpy(&Word, Profc.data() + Off, 8);
      if (isTwinCounterWord(Word))
        std::memcpy(Out.data() + Off, &Word, 8);
    }
  if (!(Flags & CovMapFlagByteCounters))
    return 0;
  if (Profd.size() % DataRecordSize) {
    Err = strFormat("profd is %zu bytes, not a multiple of the %u-byte record",
                    Profd.size(), DataRecordSize);
    return -EINVAL;
  }
  for (size_t R = 0; R < Profd.size() / DataRecordSize; ++R) {
    uint64_t Off, Num;
    std::memcpy(&Off, Profd.data() + R * DataRecordSize + DF_CountersOffset * 8,
                8);
    std::memcpy(&Num, Profd.data() + R * DataRecordSize + DF_NumCounters * 8,
                8);
    if (Off > ProfcSize || Num > ProfcSize - Off) {
      Err = strFormat("counters of function %zu (%" PRIu64 " at byte %" PRIu64
                      ") lie outside profc (%zu bytes)",
                      R, Num, Off, ProfcSize);
      return -EINVAL;
    }
    std::memset(Out.data() + Off, 0xff, Num);
  }
  return 0;
}

int addProfRawInput(ProfRawInput &Into, const ProfRawInput &From,
                    std::string &Err) {
  if (Into.Functions.empty() && Into.Counters.empty()) {
    Into = From;
    return 0;
  }
  bool Same = Into.Version == From.Version && Into.Flags == From.Flags &&
              Into.ObjectName == From.ObjectName && Into.Names == From.Names &&
              Into.Functions.size() == From.Functions.size() &&
              Into.Counters.size() == From.Counters.size() &&
              Into.Bitmap.size() == From.Bitmap.size();
  for (size_t I = 0; Same && I < Into.Functions.size(); ++I)
    Same = Into.Functions[I].NameRef == From.Functions[I].NameRef &&
           Into.Functions[I].FuncHash == From.Functions[I].FuncHash;
  if (!Same) {
    Err = strFormat("the snapshots of '%s' and '%s' are not of one object: "
                    "merge profiles of one object only",
                    Into.ObjectName.c_str(), From.ObjectName.c_str());
    return -EINVAL;
  }
  for (size_t I = 0; I < Into.Counters.size(); ++I)
    Into.Counters[I] = Into.ByteCounters ? (Into.Counters[I] | From.Counters[I])
                                         : Into.Counters[I] + From.Counters[I];
  for (size_t I = 0; I < Into.Bitmap.size(); ++I)
    Into.Bitmap[I] |= From.Bitmap[I];
  return 0;
}

std::string checkTestName(const std::string &Name) {
  if (Name.empty() || Name.size() > 128)
    return strFormat("test name '%s' is %zu characters: give 1 to 128",
                     Name.c_str(), Name.size());
  for (char C : Name)
    if (!(std::isalnum(static_cast<unsigned char>(C)) || C == '.' || C == '_' ||
          C == '-'))
      return strFormat("test name '%s' has '%c': use only letters, digits, "
                       "'.', '_' and '-' (it names <name>.profraw)",
                       Name.c_str(), C);
  if (Name[0] == '.')
    return strFormat("test name '%s' starts with '.': start it with a letter "
                     "or digit",
                     Name.c_str());
  if (Name == "all")
    return "test name 'all' is taken by the merged profile (all.profraw): "
           "give another name";
  return "";
}

} // namespace bpfcov
