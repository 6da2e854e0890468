//===-- MapValue.cpp - The value of a global-data map ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
#include "MapValue.h"

#include "Diag.h"

#include <bpf/bpf.h>
#include <cerrno>
#include <cstring>
#include <linux/bpf.h>

namespace bpfcov {

MapValueError readMapValue(int Fd, std::string &Out) {
  MapValueError E;
  bpf_map_info Info;
  std::memset(&Info, 0, sizeof(Info));
  uint32_t Len = sizeof(Info);
  if (bpf_obj_get_info_by_fd(Fd, &Info, &Len) != 0) {
    E.Errno = errno;
    E.Why = std::string("cannot get its map info: ") + std::strerror(E.Errno);
    return E;
  }
  if (Info.type != BPF_MAP_TYPE_ARRAY || Info.key_size != 4 ||
      Info.max_entries < 1) {
    E.Errno = EINVAL;
    E.NotGlobalData = true;
    E.Why = strFormat("it is not a global-data map (type %u, key size %u, %u "
                      "entries)",
                      Info.type, Info.key_size, Info.max_entries);
    return E;
  }
  Out.assign(Info.value_size, '\0');
  uint32_t Key = 0;
  if (bpf_map_lookup_elem(Fd, &Key, Out.data()) != 0) {
    E.Errno = errno;
    E.Why = std::string("cannot read it: ") + std::strerror(E.Errno);
  }
  return E;
}

} // namespace bpfcov
