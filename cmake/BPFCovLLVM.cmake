# SPDX-License-Identifier: Apache-2.0
# Finds LLVM (14 or later) for the pass plugin and the tests.
# find_package(LLVM) is called with no version: LLVM's version file accepts
# only an exact MAJOR.MINOR match, so the check is done here instead.
# Pick another install with -DLLVM_DIR=/usr/lib/llvm-N/lib/cmake/llvm.
if(NOT LLVM_DIR AND EXISTS /usr/lib/llvm-14/lib/cmake/llvm)
  set(LLVM_DIR /usr/lib/llvm-14/lib/cmake/llvm)
endif()
find_package(LLVM REQUIRED CONFIG)
if(LLVM_VERSION_MAJOR LESS 14)
  message(FATAL_ERROR "bpfcov needs LLVM 14 or later, found ${LLVM_PACKAGE_VERSION} "
                      "in ${LLVM_DIR}: pass -DLLVM_DIR=/usr/lib/llvm-N/lib/cmake/llvm")
endif()
message(STATUS "bpfcov: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR} (tools: ${LLVM_TOOLS_BINARY_DIR})")

# The toolchain the examples and tests use: the same LLVM as the plugin.
foreach(_tool clang opt llc llvm-profdata llvm-cov llvm-objdump llvm-readelf)
  string(TOUPPER "${_tool}" _var)
  string(REPLACE "-" "_" _var "BPFCOV_${_var}")
  find_program(${_var} ${_tool} PATHS ${LLVM_TOOLS_BINARY_DIR} NO_DEFAULT_PATH)
  if(NOT ${_var})
    message(FATAL_ERROR "bpfcov: '${_tool}' not found in ${LLVM_TOOLS_BINARY_DIR}: "
                        "apt-get install clang-${LLVM_VERSION_MAJOR} llvm-${LLVM_VERSION_MAJOR}")
  endif()
endforeach()
