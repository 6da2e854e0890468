# SPDX-License-Identifier: Apache-2.0
# CTest under coverage, through libbpfcov (docs/libbpfcov.md):
#
#   bpfcov_add_test(NAME n COMMAND cmd [arg...] [SUITE s] [WORKING_DIRECTORY d]
#                   [RUN])
#     add_test(n ...) with BPFCOV_PROFILE_DIR=<build>/bpfcov-profiles/<s>/<n>:
#     the test binary's bpfcov_test_begin/_end write <case>.profraw there
#     and all.profraw, its merged profile. RUN: a test binary that does not
#     use libbpfcov runs under `bpfcov run` instead, and `bpfcov gen --unpin`
#     writes its all.profraw (pins under <bpffs>/cov/<cmd's name>: run the
#     tests of one binary one at a time; <bpffs> is BPFCOV_TEST_BPFFS, else
#     bpfcov's default /sys/fs/bpf); the test's exit status is cmd's, or 1
#     when gen fails. The directory is made anew before
#     each run (test n-bpfcov-clean, a fixture), so what is there is this
#     run's. SUITE defaults to the project name.
#   bpfcov_add_coverage_report(SUITE s OBJECTS x.bpf.obj... [FORMAT html|json|lcov]
#                              [OUTPUT path])
#     target <s>-coverage: `bpfcov out` over the all.profraw of every test of
#     the suite added so far (one merged report, like `ctest -T Coverage`),
#     FORMAT html by default, OUTPUT <build>/bpfcov-profiles/<s>/report[.json|.lcov].
#     A test that wrote no profile fails the report, naming the file.
#   USAGE: ctest && cmake --build build -t <s>-coverage
include_guard(GLOBAL)

function(_bpfcov_suite_dir out suite)
  set(${out} ${CMAKE_BINARY_DIR}/bpfcov-profiles/${suite} PARENT_SCOPE)
endfunction()

# bpfcov itself: this project's target, or the installed one.
function(_bpfcov_executable out)
  if(TARGET bpfcov)
    set(${out} $<TARGET_FILE:bpfcov> PARENT_SCOPE)
  else()
    set(${out} ${BPFCOV_EXECUTABLE} PARENT_SCOPE)
  endif()
endfunction()

function(bpfcov_add_test)
  cmake_parse_arguments(A "RUN" "NAME;SUITE;WORKING_DIRECTORY" "COMMAND" ${ARGN})
  if(NOT A_NAME OR NOT A_COMMAND)
    message(FATAL_ERROR "bpfcov_add_test: NAME and COMMAND are required")
  endif()
  if(NOT A_SUITE)
    set(A_SUITE ${PROJECT_NAME})
  endif()
  if(NOT A_WORKING_DIRECTORY)
    set(A_WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  _bpfcov_suite_dir(_suite_dir ${A_SUITE})
  set(_dir ${_suite_dir}/${A_NAME})
  add_test(NAME ${A_NAME}-bpfcov-clean
           COMMAND sh -c "rm -rf \"$0\" && mkdir -p \"$0\"" ${_dir})
  set_tests_properties(${A_NAME}-bpfcov-clean PROPERTIES
                       FIXTURES_SETUP ${A_NAME}-bpfcov)
  if(A_RUN)
    # add_test resolves a target name only as the first word: do it here.
    list(GET A_COMMAND 0 _cmd)
    if(TARGET ${_cmd})
      list(REMOVE_AT A_COMMAND 0)
      list(INSERT A_COMMAND 0 $<TARGET_FILE:${_cmd}>)
    endif()
    _bpfcov_executable(_bpfcov)
    # No ';' in the script: it would split the CMake list.
    set(A_COMMAND sh -c [[b=$0 d=$1 f=$2
shift 2
"$b" ${f:+"--bpffs=$f"} run "$@"
s=$?
"$b" ${f:+"--bpffs=$f"} gen --unpin -o "$d/all.profraw" "$1" || exit 1
exit $s]] ${_bpfcov} ${_dir} "${BPFCOV_TEST_BPFFS}" ${A_COMMAND})
  endif()
  add_test(NAME ${A_NAME} COMMAND ${A_COMMAND}
           WORKING_DIRECTORY ${A_WORKING_DIRECTORY})
  set_tests_properties(${A_NAME} PROPERTIES FIXTURES_REQUIRED ${A_NAME}-bpfcov)
  if(NOT A_RUN)
    set_tests_properties(${A_NAME} PROPERTIES
      ENVIRONMENT "BPFCOV_PROFILE_DIR=${_dir}")
  endif()
  set_property(GLOBAL APPEND PROPERTY BPFCOV_SUITE_${A_SUITE}
               ${_dir}/all.profraw)
endfunction()

function(bpfcov_add_coverage_report)
  cmake_parse_arguments(A "" "SUITE;FORMAT;OUTPUT" "OBJECTS" ${ARGN})
  if(NOT A_SUITE)
    set(A_SUITE ${PROJECT_NAME})
  endif()
  if(NOT A_FORMAT)
    set(A_FORMAT html)
  endif()
  if(NOT A_OBJECTS)
    message(FATAL_ERROR "bpfcov_add_coverage_report(${A_SUITE}): OBJECTS "
                        "(the .bpf.obj files of the programs) are required")
  endif()
  get_property(_profiles GLOBAL PROPERTY BPFCOV_SUITE_${A_SUITE})
  if(NOT _profiles)
    message(FATAL_ERROR "bpfcov_add_coverage_report(${A_SUITE}): no "
                        "bpfcov_add_test(... SUITE ${A_SUITE}) before it")
  endif()
  _bpfcov_suite_dir(_suite_dir ${A_SUITE})
  if(NOT A_OUTPUT)
    set(A_OUTPUT ${_suite_dir}/report)
    if(NOT A_FORMAT STREQUAL html)
      string(APPEND A_OUTPUT .${A_FORMAT})
    endif()
  endif()
  _bpfcov_executable(_bpfcov)
  set(_objects)
  foreach(_obj ${A_OBJECTS})
    list(APPEND _objects --object=${_obj})
  endforeach()
  add_custom_target(${A_SUITE}-coverage
    COMMAND ${_bpfcov} out -f ${A_FORMAT} -o ${A_OUTPUT} ${_objects} ${_profiles}
    COMMENT "Coverage report of suite ${A_SUITE}: ${A_OUTPUT}" VERBATIM)
endfunction()
