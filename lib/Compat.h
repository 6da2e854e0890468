//===-- Compat.h - LLVM 14..N shims for libBPFCov.so -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Every API move between the LLVM versions bpfcov supports lives here, so the
// pass itself reads as one version. Keep it small: add a shim only when a
// supported LLVM breaks the build.
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_COMPAT_H
#define BPFCOV_COMPAT_H

#include "llvm/Config/llvm-config.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/ProfileData/InstrProf.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

#include <memory>

#if LLVM_VERSION_MAJOR >= 22
#include "llvm/Plugins/PassPlugin.h"
#else
#include "llvm/Passes/PassPlugin.h"
#endif

namespace bpfcov {
namespace compat {

/// Moves \p GV to the end of its module's global list.
inline void moveToModuleEnd(llvm::GlobalVariable *GV) {
  llvm::Module *M = GV->getParent();
  GV->removeFromParent();
#if LLVM_VERSION_MAJOR >= 17
  M->insertGlobalVariable(GV);
#else
  M->getGlobalList().push_back(GV);
#endif
}

/// The `i8*` (typed, LLVM < 17) or `ptr` type of llvm.compiler.used members.
inline llvm::PointerType *getInt8PtrTy(llvm::LLVMContext &Ctx) {
#if LLVM_VERSION_MAJOR >= 17
  return llvm::PointerType::getUnqual(Ctx);
#else
  return llvm::Type::getInt8PtrTy(Ctx);
#endif
}

/// A pointer to \p Pointee: `Pointee*` (typed, LLVM < 17) or `ptr`.
inline llvm::PointerType *getPointerTo(llvm::Type *Pointee) {
#if LLVM_VERSION_MAJOR >= 17
  return llvm::PointerType::getUnqual(Pointee->getContext());
#else
  return llvm::PointerType::getUnqual(Pointee);
#endif
}

/// The prefix of MC/DC bitmaps, `__profbm_` (InstrProf.h has it from LLVM
/// 18, the first with MC/DC; older modules have no bitmaps).
inline llvm::StringRef getInstrProfBitmapVarPrefix() {
#if LLVM_VERSION_MAJOR >= 18
  return llvm::getInstrProfBitmapVarPrefix();
#else
  return "__profbm_";
#endif
}

/// True when \p S starts with \p Prefix (StringRef::startswith was renamed).
inline bool startsWith(llvm::StringRef S, llvm::StringRef Prefix) {
#if LLVM_VERSION_MAJOR >= 16
  return S.starts_with(Prefix);
#else
  return S.startswith(Prefix);
#endif
}

/// The target machine of \p M's triple (the BPF one), or null when opt
/// was built without it, for the CPU of its functions (clang -mcpu).
inline std::unique_ptr<llvm::TargetMachine> createTargetMachine(llvm::Module &M) {
  std::string Err;
#if LLVM_VERSION_MAJOR >= 21
  const llvm::Triple &TT = M.getTargetTriple();
#else
  llvm::Triple TT(M.getTargetTriple());
#endif
#if LLVM_VERSION_MAJOR >= 21
  const llvm::Target *T = llvm::TargetRegistry::lookupTarget(TT, Err);
#else
  const llvm::Target *T = llvm::TargetRegistry::lookupTarget(TT.str(), Err);
#endif
  if (!T)
    return nullptr;
  // The BPF target has one subtarget per target machine, not one per
  // function: the CPU is clang's -mcpu, kept in each function's attributes
  // (llc -mcpu=v3 and llc alone emit different code).
  std::string CPU = "generic";
  for (const llvm::Function &F : M)
    if (!F.isDeclaration() && F.hasFnAttribute("target-cpu")) {
      CPU = F.getFnAttribute("target-cpu").getValueAsString().str();
      break;
    }
#if LLVM_VERSION_MAJOR >= 21
  return std::unique_ptr<llvm::TargetMachine>(
      T->createTargetMachine(TT, CPU, "", llvm::TargetOptions(), {}));
#else
  return std::unique_ptr<llvm::TargetMachine>(
      T->createTargetMachine(TT.str(), CPU, "", llvm::TargetOptions(), {}));
#endif
}

/// The file type of assembly output for addPassesToEmitFile.
#if LLVM_VERSION_MAJOR >= 18
inline constexpr llvm::CodeGenFileType AssemblyFile =
    llvm::CodeGenFileType::AssemblyFile;
#else
inline constexpr llvm::CodeGenFileType AssemblyFile = llvm::CGFT_AssemblyFile;
#endif

/// The profile name ("x.bpf.c:helper") of \p MD5 in \p Symtab, or "".
inline std::string getProfileName(llvm::InstrProfSymtab &Symtab, uint64_t MD5) {
#if LLVM_VERSION_MAJOR >= 18
  return Symtab.getFuncOrVarName(MD5).str();
#else
  return Symtab.getFuncName(MD5).str();
#endif
}

} // namespace compat
} // namespace bpfcov

#endif // BPFCOV_COMPAT_H
