# SPDX-License-Identifier: Apache-2.0
# bpfcov_add_bpf_object(): one call turns x.bpf.c into
#   <NAME>.bpf.o     the instrumented object your loader loads (the pass)
#   <NAME>.bpf.obj   the same object keeping the mapping, for llvm-cov / out
#   <NAME>.skel.h    a libbpf skeleton of <NAME>.bpf.o        (SKELETON)
#   plain/<NAME>.bpf.o and plain/<NAME>.skel.h, uninstrumented (PLAIN)
# in CMAKE_CURRENT_BINARY_DIR, and a target <NAME>_bpf that builds them.
#
#   bpfcov_add_bpf_object(NAME raw_enter SOURCE raw_enter.bpf.c
#                         [SKELETON] [PLAIN] [COUNTERS atomic|plain|percpu|bool]
#                         [COUNTERS_SECTION profc|bss]
#                         [NOT_INSTRUMENTED func...]
#                         [INCLUDES dir...] [DEFINES X=1...] [DEPENDS file...])
#
# COUNTERS defaults to atomic: exact counts when programs run on several CPUs
# at once (clang's -fprofile-update=atomic; the verifier accepts its adds).
# percpu: the same atomic adds, on one row of counters per CPU (bpf-cov<percpu>):
# no cache-line contention between CPUs; bpfcov gen sums the rows.
# bool (LLVM 19+): one byte per counter, set by a plain store when its region
# runs (clang -mllvm -enable-single-byte-coverage, bpf-cov<bool>): exact
# hit/not-hit at any concurrency, no counts.
# COUNTERS_SECTION defaults to profc (the counters' own .data.profc map);
# bss puts them in .bss, for loaders that know only .bss, .data and .rodata*
# (cilium/ebpf 0.9); not with COUNTERS bool.
# NOT_INSTRUMENTED leaves those functions (and what is inlined into them)
# without counters (-bpfcov-not-instrumented), e.g. one the verifier finds
# too large instrumented: `bpfcov out` lists them as not instrumented.
# Works in this project and, after `cmake --install`, from any other one
# with find_package(BPFCov) (BPFCovConfig.cmake sets the tool paths).
include_guard(GLOBAL)

# The first LLVM whose clang has single-byte coverage (COUNTERS bool).
set(BPFCOV_BOOL_MIN_LLVM 19)

if(NOT BPFCOV_CLANG)
  foreach(_tool clang opt llc)
    string(TOUPPER "BPFCOV_${_tool}" _var)
    find_program(${_var} ${_tool} PATHS ${LLVM_TOOLS_BINARY_DIR} REQUIRED)
  endforeach()
endif()
if(NOT BPFCOV_BPFTOOL)
  find_program(BPFCOV_BPFTOOL bpftool PATHS /usr/sbin /sbin)
endif()

# vmlinux.h for CO-RE programs, generated once from the running kernel.
function(_bpfcov_vmlinux_h out_var)
  set(_h ${CMAKE_BINARY_DIR}/bpfcov-include/vmlinux.h)
  if(NOT TARGET bpfcov_vmlinux_h)
    add_custom_command(OUTPUT ${_h}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/bpfcov-include
      COMMAND ${BPFCOV_BPFTOOL} btf dump file /sys/kernel/btf/vmlinux format c > ${_h}.tmp
      COMMAND ${CMAKE_COMMAND} -E rename ${_h}.tmp ${_h}
      COMMENT "Generating vmlinux.h from /sys/kernel/btf/vmlinux"
      VERBATIM)
    add_custom_target(bpfcov_vmlinux_h DEPENDS ${_h})
  endif()
  set(${out_var} ${_h} PARENT_SCOPE)
endfunction()

# Defaults ${var} (bpfcov_add_bpf_object's argument KEY) to the first of
# CHOICES, and fails naming them (WORDS) when it is none of them.
macro(_bpfcov_choice var key choices words)
  set(_bpfcov_choices "${choices}")
  if(NOT ${var})
    list(GET _bpfcov_choices 0 ${var})
  endif()
  # list(FIND), not IN_LIST: scripts (cmake -P) lack policy CMP0057.
  list(FIND _bpfcov_choices "${${var}}" _bpfcov_index)
  if(_bpfcov_index EQUAL -1)
    message(FATAL_ERROR "bpfcov_add_bpf_object(${A_NAME}): ${key} is "
                        "'${${var}}', expected ${words}")
  endif()
endmacro()

function(bpfcov_add_bpf_object)
  cmake_parse_arguments(A "SKELETON;PLAIN" "NAME;SOURCE;COUNTERS;COUNTERS_SECTION"
                        "INCLUDES;DEFINES;DEPENDS;NOT_INSTRUMENTED" ${ARGN})
  if(NOT A_NAME OR NOT A_SOURCE)
    message(FATAL_ERROR "bpfcov_add_bpf_object: NAME and SOURCE are required")
  endif()
  _bpfcov_choice(A_COUNTERS COUNTERS "atomic;plain;percpu;bool"
                 "atomic, plain, percpu or bool")
  _bpfcov_choice(A_COUNTERS_SECTION COUNTERS_SECTION "profc;bss" "profc or bss")
  if(DEFINED LLVM_VERSION_MAJOR)
    set(_major ${LLVM_VERSION_MAJOR})
  else()
    set(_major ${BPFCOV_LLVM_MAJOR})
  endif()
  if(A_COUNTERS STREQUAL bool AND _major LESS BPFCOV_BOOL_MIN_LLVM)
    message(FATAL_ERROR "bpfcov_add_bpf_object(${A_NAME}): COUNTERS bool needs "
                        "LLVM ${BPFCOV_BOOL_MIN_LLVM} or later (clang's "
                        "single-byte coverage); bpfcov is built with LLVM "
                        "${_major}: use atomic, plain or percpu, or build "
                        "bpfcov with LLVM ${BPFCOV_BOOL_MIN_LLVM}+")
  endif()
  if((A_SKELETON OR A_PLAIN) AND NOT BPFCOV_BPFTOOL AND A_SKELETON)
    message(FATAL_ERROR "bpfcov_add_bpf_object(${A_NAME}): SKELETON needs bpftool: "
                        "apt-get install bpftool")
  endif()
  get_filename_component(_src ${A_SOURCE} ABSOLUTE)
  if(TARGET BPFCov)
    set(_plugin $<TARGET_FILE:BPFCov>)
    set(_plugin_dep BPFCov)
  else()
    set(_plugin ${BPFCOV_PLUGIN})
    set(_plugin_dep ${BPFCOV_PLUGIN})
  endif()
  _bpfcov_vmlinux_h(_vmlinux)
  get_filename_component(_vmlinux_dir ${_vmlinux} DIRECTORY)

  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" _arch)
  if(_arch MATCHES "x86_64|amd64")
    set(_target_arch x86)
  elseif(_arch MATCHES "aarch64|arm64")
    set(_target_arch arm64)
  else()
    set(_target_arch ${_arch})
  endif()
  set(_cflags -g -O2 -target bpf -D__TARGET_ARCH_${_target_arch}
              -I${_vmlinux_dir} -I${LIBBPF_INCLUDE_DIR})
  # <linux/bpf.h> needs <asm/types.h>, kept in Debian's multiarch dir.
  if(CMAKE_LIBRARY_ARCHITECTURE AND EXISTS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
    list(APPEND _cflags -idirafter /usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
  endif()
  foreach(_inc ${A_INCLUDES})
    get_filename_component(_inc ${_inc} ABSOLUTE)
    list(APPEND _cflags -I${_inc})
  endforeach()
  foreach(_def ${A_DEFINES})
    list(APPEND _cflags -D${_def})
  endforeach()
  set(_covflags -fprofile-instr-generate -fcoverage-mapping)
  set(_pass bpf-cov)
  set(_strip "bpf-cov<strip-initializers-only>")
  if(A_COUNTERS MATCHES "^(atomic|percpu)$")
    list(APPEND _covflags -fprofile-update=atomic)
  endif()
  if(A_COUNTERS STREQUAL bool)
    list(APPEND _covflags -mllvm -enable-single-byte-coverage)
    set(_pass "bpf-cov<bool>")
    set(_strip "bpf-cov<strip-initializers-only;bool>")
  endif()
  if(A_COUNTERS STREQUAL percpu)
    set(_pass "bpf-cov<percpu>")
    set(_strip "bpf-cov<strip-initializers-only;percpu>")
  endif()

  # Both objects get the same list: the .bpf.obj says what the .bpf.o lacks.
  set(_passopts -bpfcov-object-name=${A_NAME}
                -bpfcov-counters-section=${A_COUNTERS_SECTION})
  if(A_NOT_INSTRUMENTED)
    string(REPLACE ";" "," _notinstr "${A_NOT_INSTRUMENTED}")
    list(APPEND _passopts -bpfcov-not-instrumented=${_notinstr})
  endif()

  set(_d ${CMAKE_CURRENT_BINARY_DIR})
  set(_ll ${_d}/${A_NAME}.bpf.ll)
  set(_o ${_d}/${A_NAME}.bpf.o)
  set(_obj ${_d}/${A_NAME}.bpf.obj)
  set(_deps ${_src} ${_vmlinux} ${A_DEPENDS})
  # clang -> x.bpf.ll (coverage-instrumented IR)
  add_custom_command(OUTPUT ${_ll}
    COMMAND ${BPFCOV_CLANG} ${_cflags} ${_covflags} -emit-llvm -S -c ${_src} -o ${_ll}
    DEPENDS ${_deps} IMPLICIT_DEPENDS C ${_src}
    COMMENT "BPF coverage IR ${A_NAME}.bpf.ll" VERBATIM)
  # opt (bpf-cov) -> llc -> x.bpf.o, loadable
  add_custom_command(OUTPUT ${_o}
    COMMAND ${BPFCOV_OPT} -load ${_plugin} -load-pass-plugin ${_plugin} "-passes=${_pass}"
            ${_passopts} ${_ll} -o ${_o}.bc
    COMMAND ${BPFCOV_LLC} -march=bpf -filetype=obj ${_o}.bc -o ${_o}
    COMMAND ${CMAKE_COMMAND} -E remove ${_o}.bc
    DEPENDS ${_ll} ${_plugin_dep}
    COMMENT "BPF object ${A_NAME}.bpf.o (instrumented)" VERBATIM)
  # opt (bpf-cov<strip-initializers-only>) -> llc -> x.bpf.obj, for llvm-cov
  add_custom_command(OUTPUT ${_obj}
    COMMAND ${BPFCOV_OPT} -load ${_plugin} -load-pass-plugin ${_plugin}
            "-passes=${_strip}" ${_passopts} ${_ll} -o ${_obj}.bc
    COMMAND ${BPFCOV_LLC} -march=bpf -filetype=obj ${_obj}.bc -o ${_obj}
    COMMAND ${CMAKE_COMMAND} -E remove ${_obj}.bc
    DEPENDS ${_ll} ${_plugin_dep}
    COMMENT "BPF coverage mapping ${A_NAME}.bpf.obj" VERBATIM)
  set(_outputs ${_o} ${_obj})
  if(A_SKELETON)
    add_custom_command(OUTPUT ${_d}/${A_NAME}.skel.h
      COMMAND ${BPFCOV_BPFTOOL} gen skeleton ${_o} name ${A_NAME} > ${_d}/${A_NAME}.skel.h
      DEPENDS ${_o} COMMENT "Skeleton ${A_NAME}.skel.h" VERBATIM)
    list(APPEND _outputs ${_d}/${A_NAME}.skel.h)
  endif()
  if(A_PLAIN)
    set(_p ${_d}/plain)
    add_custom_command(OUTPUT ${_p}/${A_NAME}.bpf.o
      COMMAND ${CMAKE_COMMAND} -E make_directory ${_p}
      COMMAND ${BPFCOV_CLANG} ${_cflags} -c ${_src} -o ${_p}/${A_NAME}.bpf.o
      DEPENDS ${_deps} IMPLICIT_DEPENDS C ${_src}
      COMMENT "BPF object plain/${A_NAME}.bpf.o (not instrumented)" VERBATIM)
    list(APPEND _outputs ${_p}/${A_NAME}.bpf.o)
    if(A_SKELETON)
      add_custom_command(OUTPUT ${_p}/${A_NAME}.skel.h
        COMMAND ${BPFCOV_BPFTOOL} gen skeleton ${_p}/${A_NAME}.bpf.o name ${A_NAME}
                > ${_p}/${A_NAME}.skel.h
        DEPENDS ${_p}/${A_NAME}.bpf.o VERBATIM)
      list(APPEND _outputs ${_p}/${A_NAME}.skel.h)
    endif()
  endif()
  add_custom_target(${A_NAME}_bpf ALL DEPENDS ${_outputs})
  add_dependencies(${A_NAME}_bpf bpfcov_vmlinux_h)
endfunction()
