# SPDX-License-Identifier: Apache-2.0
# find_package(BPFCov) for projects that build BPF objects with bpfcov after
# `cmake --install`. Provides bpfcov_add_bpf_object() (BPFObject.cmake) and
#   BPFCOV_PLUGIN       <prefix>/lib/libBPFCov.so
#   BPFCOV_EXECUTABLE   <prefix>/bin/bpfcov
#   BPFCOV_INCLUDE_DIR  <prefix>/include (bpfcov/Names.h, bpfcov/counters.h,
#                       bpfcov/libbpfcov.h)
# the targets BPFCov::libbpfcov and BPFCov::libbpfcov_static (libbpfcov), and
# bpfcov_add_test() / bpfcov_add_coverage_report() (BPFCovTest.cmake).
get_filename_component(_bpfcov_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(BPFCOV_PLUGIN "${_bpfcov_prefix}/lib/libBPFCov.so")
set(BPFCOV_EXECUTABLE "${_bpfcov_prefix}/bin/bpfcov")
set(BPFCOV_INCLUDE_DIR "${_bpfcov_prefix}/include")
include("${CMAKE_CURRENT_LIST_DIR}/BPFCovToolchain.cmake" OPTIONAL)
if(NOT LIBBPF_INCLUDE_DIR)
  find_path(LIBBPF_INCLUDE_DIR bpf/libbpf.h REQUIRED)
endif()
include("${CMAKE_CURRENT_LIST_DIR}/BPFObject.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/BPFCovTest.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/BPFCovTargets.cmake")
set(BPFCov_FOUND TRUE)
