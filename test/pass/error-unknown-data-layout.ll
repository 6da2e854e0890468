; A __profd_* record that does not refer to its counters is a layout bpfcov
; does not know: a clear error instead of a silently broken object.
; RUN: rm -f %t.bc
; RUN: %not %opt -load-pass-plugin %bpfcov_plugin -passes=bpf-cov %s -o %t.bc 2>&1 | %FileCheck %s
; RUN: test ! -e %t.bc
; CHECK: error: bpf-cov: cannot read the profile data record '__profd_f': this instrumentation layout is not supported by bpfcov (was the IR produced by the same LLVM as libBPFCov.so?)
source_filename = "bad.bpf.c"
target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf"

@__profc_f = private global [1 x i64] zeroinitializer, section "__llvm_prf_cnts", align 8
@__profd_f = private global { i64, i64 } { i64 1, i64 2 }, section "__llvm_prf_data", align 8
@__llvm_prf_nm = private constant [3 x i8] c"\01\00f", section "__llvm_prf_names", align 1

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}
!0 = distinct !DICompileUnit(language: DW_LANG_C99, file: !1, producer: "clang", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "bad.bpf.c", directory: "/")
!2 = !{i32 7, !"Dwarf Version", i32 5}
!3 = !{i32 2, !"Debug Info Version", i32 3}
