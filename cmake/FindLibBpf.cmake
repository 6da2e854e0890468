# SPDX-License-Identifier: Apache-2.0
# Finds libbpf: pkg-config first, then the usual paths.
# Defines the imported target LibBpf::LibBpf and LIBBPF_VERSION.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_LIBBPF QUIET libbpf)
endif()
find_path(LIBBPF_INCLUDE_DIR bpf/libbpf.h HINTS ${PC_LIBBPF_INCLUDE_DIRS})
find_library(LIBBPF_LIBRARY NAMES bpf HINTS ${PC_LIBBPF_LIBRARY_DIRS})
set(LIBBPF_VERSION ${PC_LIBBPF_VERSION})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibBpf
  REQUIRED_VARS LIBBPF_LIBRARY LIBBPF_INCLUDE_DIR
  VERSION_VAR LIBBPF_VERSION
  REASON_FAILURE_MESSAGE "apt-get install libbpf-dev libelf-dev zlib1g-dev")
if(LibBpf_FOUND AND NOT TARGET LibBpf::LibBpf)
  add_library(LibBpf::LibBpf UNKNOWN IMPORTED)
  set_target_properties(LibBpf::LibBpf PROPERTIES
    IMPORTED_LOCATION "${LIBBPF_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBBPF_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "elf;z")
endif()
