//===-- bpfcov-bench.cpp - What coverage counters cost in the kernel ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Loads the same BPF program built uninstrumented, with plain counters,
// with atomic counters and (optionally) per-CPU rows and bool counters, runs
// it with BPF_PROG_TEST_RUN and prints markdown tables: increments lost when
// two CPUs run it at once, in-kernel ns per run (1 and 2 threads; the builds
// interleaved round by round, median and range, every sample printed), and
// instruction / verifier counts. With --percpu it also
// compares hand-written per-CPU counter placements (bench/percpu.bpf.c).
// One run, not a timed test; exits 1 if atomic counters lose an increment.
//
// USAGE: bpfcov-bench --none=plain/bench.bpf.o --plain=bench_plain.bpf.o
//                     --atomic=bench.bpf.o [--cpu-rows=bench_percpu.bpf.o]
//                     [--bool=bench_bool.bpf.o] [--percpu=percpu.bpf.o]
//===----------------------------------------------------------------------===//
#include <argp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

//===-- Options -----------------------------------------------------------===//

struct Options {
  std::string None, Plain, Atomic, PerCpu, CpuRows, Bool;
  std::string Note; ///< --note: printed with the environment
  std::string ProgName = "bench_xdp";
  unsigned Repeat = 1000000; ///< BPF_PROG_TEST_RUN repeat per call
  unsigned Calls = 1;        ///< calls per thread per measurement
  unsigned Runs = 5;         ///< measurements per cell (median reported)
  unsigned Threads = 2;      ///< concurrent runners
};

const char *const Doc =
    "bpfcov-bench -- what bpfcov's counters cost in the kernel\v"
    "Usage: bpfcov-bench --none=OBJ --plain=OBJ --atomic=OBJ [--cpu-rows=OBJ] "
    "[--percpu=OBJ] [OPTIONS]\n"
    "  OBJ := one BPF object (the same program built three ways)\n"
    "Prints markdown tables on stdout; exits 1 when atomic or per-CPU "
    "counters lose an increment or a program fails to load or run.";

enum Key : int {
  KeyNone = 0x100,
  KeyPlain,
  KeyAtomic,
  KeyPerCpu,
  KeyCpuRows,
  KeyProg,
  KeyRepeat,
  KeyCalls,
  KeyRuns,
  KeyThreads,
  KeyBool,
  KeyNote
};

const struct argp_option ArgpOptions[] = {
    {"none", KeyNone, "OBJ", 0, "uninstrumented object", 0},
    {"plain", KeyPlain, "OBJ", 0, "object with plain counters", 0},
    {"atomic", KeyAtomic, "OBJ", 0, "object with atomic counters", 0},
    {"cpu-rows", KeyCpuRows, "OBJ", 0,
     "object with per-CPU counter rows (--bpfcov-counters=percpu)", 0},
    {"bool", KeyBool, "OBJ", 0,
     "object with bool counters (--bpfcov-counters=bool)", 0},
    {"note", KeyNote, "TEXT", 0, "a line printed with the environment", 0},
    {"percpu", KeyPerCpu, "OBJ", 0,
     "percpu.bpf.o: also compare per-CPU placements", 0},
    {"prog", KeyProg, "NAME", 0, "program to run (default: bench_xdp)", 0},
    {"repeat", KeyRepeat, "R", 0, "runs per BPF_PROG_TEST_RUN (1000000)", 0},
    {"calls", KeyCalls, "N", 0, "calls per thread (1)", 0},
    {"runs", KeyRuns, "K", 0, "measurements per cell, median shown (5)", 0},
    {"threads", KeyThreads, "T", 0, "concurrent runners (2)", 0},
    {nullptr, 0, nullptr, 0, nullptr, 0}};

void pErr(const char *Fmt, ...) {
  va_list Ap;
  va_start(Ap, Fmt);
  fputs("Error: ", stderr);
  vfprintf(stderr, Fmt, Ap);
  fputc('\n', stderr);
  va_end(Ap);
}

error_t parseOpt(int K, char *Arg, struct argp_state *State) {
  auto &O = *static_cast<Options *>(State->input);
  auto parseUnsigned = [&](unsigned &Out) {
    char *End = nullptr;
    unsigned long V = strtoul(Arg, &End, 10);
    if (!*Arg || *End || V == 0 || V > 1000000000UL)
      argp_error(State, "'%s' is not a count between 1 and 1000000000", Arg);
    Out = static_cast<unsigned>(V);
  };
  switch (K) {
  case KeyNone:
    O.None = Arg;
    break;
  case KeyPlain:
    O.Plain = Arg;
    break;
  case KeyAtomic:
    O.Atomic = Arg;
    break;
  case KeyPerCpu:
    O.PerCpu = Arg;
    break;
  case KeyCpuRows:
    O.CpuRows = Arg;
    break;
  case KeyBool:
    O.Bool = Arg;
    break;
  case KeyNote:
    O.Note = Arg;
    break;
  case KeyProg:
    O.ProgName = Arg;
    break;
  case KeyRepeat:
    parseUnsigned(O.Repeat);
    break;
  case KeyCalls:
    parseUnsigned(O.Calls);
    break;
  case KeyRuns:
    parseUnsigned(O.Runs);
    break;
  case KeyThreads:
    parseUnsigned(O.Threads);
    break;
  case ARGP_KEY_ARG:
    argp_error(State, "unexpected argument '%s'", Arg);
    break;
  case ARGP_KEY_END:
    if (O.None.empty() || O.Plain.empty() || O.Atomic.empty())
      argp_error(State, "--none, --plain and --atomic are required");
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

//===-- Loading -----------------------------------------------------------===//

struct ObjectCloser {
  void operator()(bpf_object *Obj) const { bpf_object__close(Obj); }
};
using ObjectPtr = std::unique_ptr<bpf_object, ObjectCloser>;

/// Size and verifier work of one loaded program (bpf_prog_info + log).
struct LoadStats {
  unsigned ElfInsns = 0;      ///< instructions in the ELF section
  unsigned XlatedInsns = 0;   ///< after verifier rewrites (xlated_prog_len/8)
  unsigned JitedBytes = 0;    ///< native code size
  unsigned Processed = 0;     ///< "processed N insns" (verifier log)
  unsigned VerifiedInsns = 0; ///< bpf_prog_info.verified_insns (5.16+)
  unsigned HelperCalls = 0;   ///< helper calls left after inlining
};

/// One loaded object: every program keeps its verifier log.
struct LoadedObject {
  ObjectPtr Obj;
  std::map<std::string, std::vector<char>> Logs;
};

int libbpfPrint(enum libbpf_print_level Level, const char *Fmt, va_list Ap) {
  if (Level == LIBBPF_DEBUG)
    return 0;
  return vfprintf(stderr, Fmt, Ap);
}

int loadObject(const std::string &Path, LoadedObject &Out) {
  bpf_object *Obj = bpf_object__open_file(Path.c_str(), nullptr);
  if (!Obj) {
    int Err = -errno;
    pErr("cannot open BPF object '%s': %s", Path.c_str(), strerror(-Err));
    return Err;
  }
  Out.Obj.reset(Obj);
  bpf_program *Prog;
  bpf_object__for_each_program(Prog, Obj) {
    auto &Log = Out.Logs[bpf_program__name(Prog)];
    Log.assign(1 << 16, 0);
    bpf_program__set_log_buf(Prog, Log.data(), Log.size());
    bpf_program__set_log_level(Prog, 4); // BPF_LOG_STATS
  }
  if (int Err = bpf_object__load(Obj)) {
    for (const auto &[Name, Log] : Out.Logs)
      if (Log[0])
        fprintf(stderr, "verifier log of '%s':\n%s\n", Name.c_str(),
                Log.data());
    pErr("cannot load BPF object '%s': %s", Path.c_str(), strerror(-Err));
    return Err;
  }
  return 0;
}

unsigned parseLogNumber(const char *Log, const char *Before) {
  const char *P = strstr(Log, Before);
  return P ? static_cast<unsigned>(strtoul(P + strlen(Before), nullptr, 10))
           : 0;
}

int getLoadStats(const LoadedObject &L, const std::string &ProgName,
                 LoadStats &S) {
  bpf_program *Prog =
      bpf_object__find_program_by_name(L.Obj.get(), ProgName.c_str());
  if (!Prog)
    return -ENOENT;
  int Fd = bpf_program__fd(Prog);
  bpf_prog_info Info = {};
  __u32 Len = sizeof(Info);
  if (bpf_obj_get_info_by_fd(Fd, &Info, &Len))
    return -errno;
  S.ElfInsns = static_cast<unsigned>(bpf_program__insn_cnt(Prog));
  S.XlatedInsns = Info.xlated_prog_len / sizeof(bpf_insn);
  S.JitedBytes = Info.jited_prog_len;
  S.VerifiedInsns = Info.verified_insns;
  const char *Log = L.Logs.at(ProgName).data();
  S.Processed = parseLogNumber(Log, "processed ");

  // Helper calls still present after the verifier's fixups (inlined helpers
  // such as bpf_get_smp_processor_id or a per-CPU array lookup vanish).
  std::vector<bpf_insn> Insns(S.XlatedInsns);
  bpf_prog_info Dump = {};
  Dump.xlated_prog_len = Insns.size() * sizeof(bpf_insn);
  Dump.xlated_prog_insns = reinterpret_cast<__u64>(Insns.data());
  Len = sizeof(Dump);
  if (bpf_obj_get_info_by_fd(Fd, &Dump, &Len))
    return -errno;
  for (const bpf_insn &I : Insns)
    if (I.code == (BPF_JMP | BPF_CALL) && I.src_reg == 0)
      ++S.HelperCalls;
  return 0;
}

//===-- Counters ----------------------------------------------------------===//

/// A counters map read as u64s; per-CPU maps come back as one value per
/// possible CPU, and counter I is the sum of every element K with
/// K % NumCounters == I (rows of per-CPU slots fold the same way, and so do
/// the pass's per-CPU rows of a one-function object: .rodata.covmap's
/// flags give the row count).
struct Counters {
  int Fd = -1;
  size_t Bytes = 0; ///< bytes one lookup returns
  unsigned NumCounters = 0;

  int open(bpf_object *Obj, const char *MapName, unsigned WantCounters) {
    bpf_map *Map = bpf_object__find_map_by_name(Obj, MapName);
    if (!Map) {
      pErr("map '%s' not found", MapName);
      return -ENOENT;
    }
    Fd = bpf_map__fd(Map);
    size_t ValueSize = (bpf_map__value_size(Map) + 7) / 8 * 8;
    Bytes = ValueSize;
    if (bpf_map__type(Map) == BPF_MAP_TYPE_PERCPU_ARRAY)
      Bytes *= static_cast<size_t>(libbpf_num_possible_cpus());
    unsigned Rows = 1;
    if (bpf_map *CovMap = bpf_object__find_map_by_name(Obj, ".rodata.covmap")) {
      std::vector<uint64_t> Header((bpf_map__value_size(CovMap) + 7) / 8);
      __u32 Zero = 0;
      if (Header.size() > 3 &&
          !bpf_map_lookup_elem(bpf_map__fd(CovMap), &Zero, Header.data()) &&
          (Header[3] & 4)) // CovMapFlagPerCpu, log2(rows) in bits 8-15
        Rows = 1u << ((Header[3] >> 8) & 0x1f);
    }
    NumCounters = WantCounters ? WantCounters : ValueSize / 8 / Rows;
    return 0;
  }
  int read(std::vector<uint64_t> &Out) const {
    std::vector<uint64_t> Raw(Bytes / 8);
    __u32 Zero = 0;
    if (bpf_map_lookup_elem(Fd, &Zero, Raw.data()))
      return -errno;
    Out.assign(NumCounters, 0);
    for (size_t K = 0; K < Raw.size(); ++K)
      Out[K % NumCounters] += Raw[K];
    return 0;
  }
  int reset() const {
    std::vector<uint64_t> Zeros(Bytes / 8, 0);
    __u32 Zero = 0;
    return bpf_map_update_elem(Fd, &Zero, Zeros.data(), BPF_ANY) ? -errno : 0;
  }
};

//===-- Running -----------------------------------------------------------===//

/// Ethernet + IPv4 + TCP, 128 bytes: bench_xdp scans it and returns PASS or
/// DROP; every run takes the same path.
std::vector<unsigned char> benchPacket() {
  std::vector<unsigned char> P(128, 0);
  for (unsigned I = 0; I < 12; ++I)
    P[I] = static_cast<unsigned char>(0x10 + 7 * I);
  P[12] = 0x08; // ETH_P_IP
  P[13] = 0x00;
  P[14] = 0x45;
  P[23] = 6; // IPPROTO_TCP
  return P;
}

/// One BPF_PROG_TEST_RUN; \p Ns gets the kernel's average ns per run.
int testRun(int ProgFd, unsigned Repeat, std::vector<unsigned char> &Pkt,
            double &Ns) {
  std::vector<unsigned char> Out(Pkt.size() + 256);
  LIBBPF_OPTS(bpf_test_run_opts, Opts, .data_in = Pkt.data(),
              .data_out = Out.data(),
              .data_size_in = static_cast<__u32>(Pkt.size()),
              .data_size_out = static_cast<__u32>(Out.size()),
              .repeat = static_cast<int>(Repeat));
  if (bpf_prog_test_run_opts(ProgFd, &Opts))
    return -errno;
  Ns = Opts.duration;
  return 0;
}

/// \p Threads runners, pinned one per CPU and released together, each making
/// \p Calls calls of \p Repeat runs. \p NsPerRun gets the mean of the
/// per-thread kernel ns/run; \p Overlap (optional) the fraction of the
/// longest thread's wall time during which all threads were running.
int runConcurrently(int ProgFd, unsigned Threads, unsigned Calls,
                    unsigned Repeat, double &NsPerRun,
                    double *Overlap = nullptr) {
  using Clock = std::chrono::steady_clock;
  unsigned NumCpus = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<unsigned> Ready{0};
  std::vector<double> Ns(Threads, 0);
  std::vector<int> Errs(Threads, 0);
  std::vector<Clock::time_point> Start(Threads), End(Threads);
  std::vector<std::thread> Pool;
  for (unsigned T = 0; T < Threads; ++T)
    Pool.emplace_back([&, T] {
      cpu_set_t Set;
      CPU_ZERO(&Set);
      CPU_SET(T % NumCpus, &Set);
      pthread_setaffinity_np(pthread_self(), sizeof(Set), &Set);
      std::vector<unsigned char> Pkt = benchPacket();
      Ready.fetch_add(1);
      while (Ready.load() < Threads)
        ; // start together: the point is to overlap
      Start[T] = Clock::now();
      double Sum = 0;
      for (unsigned C = 0; C < Calls && !Errs[T]; ++C) {
        double CallNs = 0;
        Errs[T] = testRun(ProgFd, Repeat, Pkt, CallNs);
        Sum += CallNs;
      }
      End[T] = Clock::now();
      Ns[T] = Sum / Calls;
    });
  for (std::thread &Th : Pool)
    Th.join();
  for (int Err : Errs)
    if (Err)
      return Err;
  double Sum = 0;
  for (double V : Ns)
    Sum += V;
  NsPerRun = Sum / Threads;
  if (Overlap) {
    auto LastStart = *std::max_element(Start.begin(), Start.end());
    auto FirstEnd = *std::min_element(End.begin(), End.end());
    double Longest = 0;
    for (unsigned T = 0; T < Threads; ++T)
      Longest = std::max(
          Longest, std::chrono::duration<double>(End[T] - Start[T]).count());
    double Both = std::chrono::duration<double>(FirstEnd - LastStart).count();
    *Overlap = Longest > 0 ? std::max(0.0, Both) / Longest : 0;
  }
  return 0;
}

int medianNsPerRun(int ProgFd, unsigned Threads, const Options &O,
                   double &Median) {
  std::vector<double> Samples;
  double Warm;
  if (int Err = runConcurrently(ProgFd, Threads, 1, O.Repeat / 10 + 1, Warm))
    return Err;
  for (unsigned R = 0; R < O.Runs; ++R) {
    double Ns;
    if (int Err = runConcurrently(ProgFd, Threads, O.Calls, O.Repeat, Ns))
      return Err;
    Samples.push_back(Ns);
  }
  std::sort(Samples.begin(), Samples.end());
  Median = Samples[Samples.size() / 2];
  return 0;
}

//===-- Variants ----------------------------------------------------------===//

struct Variant {
  std::string Label;
  std::string Path;
  std::string ProgName;
  std::string MapName;  ///< counters map, empty when uninstrumented
  unsigned NumCounters; ///< 0: one per u64 of the map value
  int ProgFd = -1;
  Counters Cnt = {};
  LoadStats Stats = {};
  double Ns1 = 0, NsN = 0;
  /// Interleaved samples (measureInterleaved): ns/run, 1 and Threads.
  std::vector<double> Samples1 = {}, SamplesN = {};
  uint64_t EntryExpected = 0, EntryActual = 0;
  uint64_t AllExpected = 0, AllActual = 0;
  double Overlap = 0; ///< of the threads in the lost-increments run
};

int prepare(Variant &V, std::map<std::string, LoadedObject> &Objects) {
  auto It = Objects.find(V.Path);
  if (It == Objects.end()) {
    LoadedObject L;
    if (int Err = loadObject(V.Path, L))
      return Err;
    It = Objects.emplace(V.Path, std::move(L)).first;
  }
  bpf_object *Obj = It->second.Obj.get();
  bpf_program *Prog = bpf_object__find_program_by_name(Obj, V.ProgName.c_str());
  if (!Prog) {
    pErr("program '%s' not found in '%s'", V.ProgName.c_str(), V.Path.c_str());
    return -ENOENT;
  }
  V.ProgFd = bpf_program__fd(Prog);
  if (int Err = getLoadStats(It->second, V.ProgName, V.Stats)) {
    pErr("cannot read program info of '%s': %s", V.ProgName.c_str(),
         strerror(-Err));
    return Err;
  }
  if (!V.MapName.empty())
    return V.Cnt.open(Obj, V.MapName.c_str(), V.NumCounters);
  return 0;
}

/// Runs \p V once to learn what one run adds to each counter, then
/// Threads x Calls x Repeat times concurrently, and records expected/actual.
int measureLost(Variant &V, const Options &O) {
  std::vector<uint64_t> PerRun, After;
  std::vector<unsigned char> Pkt = benchPacket();
  double Ns;
  int Err;
  if ((Err = V.Cnt.reset()) || (Err = testRun(V.ProgFd, 1, Pkt, Ns)) ||
      (Err = V.Cnt.read(PerRun)) || (Err = V.Cnt.reset()) ||
      (Err = runConcurrently(V.ProgFd, O.Threads, O.Calls, O.Repeat, Ns,
                             &V.Overlap)) ||
      (Err = V.Cnt.read(After)))
    return Err;
  uint64_t Runs = uint64_t(O.Threads) * O.Calls * O.Repeat;
  V.EntryExpected = PerRun[0] * Runs;
  V.EntryActual = After[0];
  V.AllExpected = V.AllActual = 0;
  for (size_t I = 0; I < PerRun.size(); ++I) {
    V.AllExpected += PerRun[I] * Runs;
    V.AllActual += After[I];
  }
  return V.Cnt.reset();
}

double lostPercent(uint64_t Expected, uint64_t Actual) {
  return Expected ? 100.0 * (double(Expected) - double(Actual)) / Expected : 0;
}

//===-- Report ------------------------------------------------------------===//

std::string loadAverage() {
  std::ifstream In("/proc/loadavg");
  std::string Line;
  std::getline(In, Line);
  return Line;
}

void printEnvironment(const Options &O) {
  struct utsname U;
  uname(&U);
  std::string Cpu = "unknown CPU";
  std::ifstream In("/proc/cpuinfo");
  for (std::string Line; std::getline(In, Line);)
    if (Line.rfind("model name", 0) == 0) {
      Cpu = Line.substr(Line.find(':') + 2);
      break;
    }
  printf("# bpfcov-bench\n\n");
  printf("Linux %s %s, %u CPUs (%s), libbpf %u.%u; BPF_PROG_TEST_RUN of "
         "'%s' over a 128-byte IPv4/TCP packet, repeat %u, %u call(s) per "
         "thread, median of %u.\n\n",
         U.release, U.machine, std::thread::hardware_concurrency(), Cpu.c_str(),
         libbpf_major_version(), libbpf_minor_version(), O.ProgName.c_str(),
         O.Repeat, O.Calls, O.Runs);
  if (!O.Note.empty())
    printf("Note: %s\n\n", O.Note.c_str());
}

void printLost(const std::vector<Variant *> &Vs, const Options &O) {
  printf("## Lost increments: %u threads x %u x %u runs\n\n", O.Threads,
         O.Calls, O.Repeat);
  printf("| counters | entry expected | entry actual | entry lost | "
         "all counters expected | all counters actual | all lost | "
         "threads overlapped |\n");
  printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (Variant *V : Vs)
    printf("| %s | %" PRIu64 " | %" PRIu64 " | %.2f%% | %" PRIu64 " | %" PRIu64
           " | %.2f%% | %.0f%% |\n",
           V->Label.c_str(), V->EntryExpected, V->EntryActual,
           lostPercent(V->EntryExpected, V->EntryActual), V->AllExpected,
           V->AllActual, lostPercent(V->AllExpected, V->AllActual),
           100 * V->Overlap);
  printf("\n");
}

double median(std::vector<double> V) {
  std::sort(V.begin(), V.end());
  return V.empty() ? 0 : V[V.size() / 2];
}

/// The builds' cost from interleaved rounds: median and range per cell.
void printInterleaved(const std::vector<Variant *> &Vs, const Options &O,
                      const std::string &LoadBefore,
                      const std::string &LoadAfter) {
  printf("## In-kernel cost per run, interleaved (BPF_PROG_TEST_RUN "
         "duration)\n\n");
  printf("%u rounds; each round runs every build once with 1 thread, then "
         "every build once with %u threads, so a change in the machine's load "
         "hits all builds alike. /proc/loadavg before: %s; after: %s.\n\n",
         O.Runs, O.Threads, LoadBefore.c_str(), LoadAfter.c_str());
  double Base1 = median(Vs[0]->Samples1), BaseN = median(Vs[0]->SamplesN);
  printf("| build | 1 thread ns/run: median | range | vs %s | %u threads "
         "ns/run: median | range | vs %s |\n",
         Vs[0]->Label.c_str(), O.Threads, Vs[0]->Label.c_str());
  printf("|---|---:|---:|---:|---:|---:|---:|\n");
  for (Variant *V : Vs) {
    auto [Min1, Max1] = std::minmax_element(V->Samples1.begin(), V->Samples1.end());
    auto [MinN, MaxN] = std::minmax_element(V->SamplesN.begin(), V->SamplesN.end());
    double M1 = median(V->Samples1), MN = median(V->SamplesN);
    printf("| %s | %.1f | %.1f-%.1f | %.2fx | %.1f | %.1f-%.1f | %.2fx |\n",
           V->Label.c_str(), M1, *Min1, *Max1, Base1 > 0 ? M1 / Base1 : 0, MN,
           *MinN, *MaxN, BaseN > 0 ? MN / BaseN : 0);
  }
  printf("\nEvery sample (ns/run), by round:\n\n| round |");
  for (Variant *V : Vs)
    printf(" %s 1t | %s %ut |", V->Label.c_str(), V->Label.c_str(), O.Threads);
  printf("\n|---|");
  for (size_t I = 0; I < Vs.size(); ++I)
    printf("---:|---:|");
  printf("\n");
  for (unsigned R = 0; R < O.Runs; ++R) {
    printf("| %u |", R + 1);
    for (Variant *V : Vs)
      printf(" %.1f | %.1f |", V->Samples1[R], V->SamplesN[R]);
    printf("\n");
  }
  printf("\n");
}

/// Round by round: every build with 1 thread, then every build with
/// Threads, each sample one call of Repeat runs per thread (after one warm-up
/// per build). Ns1/NsN get the medians.
int measureInterleaved(std::vector<Variant> &Vs, const Options &O) {
  for (Variant &V : Vs) {
    double Warm;
    if (int Err = runConcurrently(V.ProgFd, O.Threads, 1, O.Repeat / 10 + 1,
                                  Warm))
      return Err;
  }
  for (unsigned R = 0; R < O.Runs; ++R)
    for (bool Many : {false, true})
      for (Variant &V : Vs) {
        double Ns;
        if (int Err = runConcurrently(V.ProgFd, Many ? O.Threads : 1, O.Calls,
                                      O.Repeat, Ns))
          return Err;
        (Many ? V.SamplesN : V.Samples1).push_back(Ns);
      }
  for (Variant &V : Vs) {
    V.Ns1 = median(V.Samples1);
    V.NsN = median(V.SamplesN);
    if (V.Cnt.Fd >= 0)
      if (int Err = V.Cnt.reset())
        return Err;
  }
  return 0;
}

void printInsns(const std::vector<Variant *> &Vs) {
  const LoadStats &B = Vs[0]->Stats;
  printf("## Instructions and verifier work\n\n");
  printf("| build | ELF insns | xlated insns | vs %s | jited bytes | "
         "vs %s | verifier processed | vs %s | verified_insns |\n",
         Vs[0]->Label.c_str(), Vs[0]->Label.c_str(), Vs[0]->Label.c_str());
  printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  auto Ratio = [](unsigned A, unsigned B) { return B ? double(A) / B : 0; };
  for (Variant *V : Vs) {
    const LoadStats &S = V->Stats;
    printf("| %s | %u | %u | %.2fx | %u | %.2fx | %u | %.2fx | %u |\n",
           V->Label.c_str(), S.ElfInsns, S.XlatedInsns,
           Ratio(S.XlatedInsns, B.XlatedInsns), S.JitedBytes,
           Ratio(S.JitedBytes, B.JitedBytes), S.Processed,
           Ratio(S.Processed, B.Processed), S.VerifiedInsns);
  }
  printf("\n");
}

/// Does this kernel accept `r1 = map_value(PERCPU_ARRAY) + 0` (ld_imm64
/// BPF_PSEUDO_MAP_VALUE), i.e. a direct per-CPU counter address with no
/// lookup? Returns the verifier's verdict as one line of text.
std::string probeDirectPerCpuValue() {
  int MapFd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bench_probe", 4, 8, 1,
                             nullptr);
  if (MapFd < 0)
    return std::string("cannot create a PERCPU_ARRAY: ") + strerror(errno);
  bpf_insn Insns[6] = {};
  Insns[0].code = BPF_LD | BPF_DW | BPF_IMM; // r1 = map_value(MapFd) + 0
  Insns[0].dst_reg = BPF_REG_1;
  Insns[0].src_reg = BPF_PSEUDO_MAP_VALUE;
  Insns[0].imm = MapFd;
  Insns[2].code = BPF_ALU64 | BPF_MOV | BPF_K; // r2 = 1
  Insns[2].dst_reg = BPF_REG_2;
  Insns[2].imm = 1;
  Insns[3].code = BPF_STX | BPF_DW | BPF_ATOMIC; // lock *(u64 *)(r1 + 0) += r2
  Insns[3].dst_reg = BPF_REG_1;
  Insns[3].src_reg = BPF_REG_2;
  Insns[3].imm = BPF_ADD;
  Insns[4].code = BPF_ALU64 | BPF_MOV | BPF_K; // r0 = 0
  Insns[5].code = BPF_JMP | BPF_EXIT;
  char Log[4096] = "";
  LIBBPF_OPTS(bpf_prog_load_opts, Opts, .log_level = 1, .log_size = sizeof(Log),
              .log_buf = Log);
  int ProgFd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bench_probe", "GPL",
                             Insns, 6, &Opts);
  int Err = errno;
  close(MapFd);
  if (ProgFd >= 0) {
    close(ProgFd);
    return "accepted";
  }
  std::string Why = Log;
  Why = Why.substr(0, Why.find('\n'));
  return std::string("rejected (") + strerror(Err) + "): " + Why;
}

void printPerCpu(const std::vector<Variant *> &Vs, const Options &O) {
  printf(
      "## Per-CPU counter placements (percpu.bpf.c, 8 counters per run)\n\n");
  printf("| placement | xlated insns | helper calls left | 1 thread ns/run | "
         "%u threads ns/run | lost (%u threads x %u x %u) |\n",
         O.Threads, O.Threads, O.Calls, O.Repeat);
  printf("|---|---:|---:|---:|---:|---:|\n");
  for (Variant *V : Vs)
    printf("| %s | %u | %u | %.1f | %.1f | %.2f%% |\n", V->Label.c_str(),
           V->Stats.XlatedInsns, V->Stats.HelperCalls, V->Ns1, V->NsN,
           lostPercent(V->AllExpected, V->AllActual));
  printf("\nld_imm64 BPF_PSEUDO_MAP_VALUE on a PERCPU_ARRAY (a per-CPU counter "
         "address without a lookup): %s\n\n",
         probeDirectPerCpuValue().c_str());
}

int measureCost(Variant &V, const Options &O) {
  int Err = medianNsPerRun(V.ProgFd, 1, O, V.Ns1);
  if (!Err)
    Err = medianNsPerRun(V.ProgFd, O.Threads, O, V.NsN);
  if (!Err && V.Cnt.Fd >= 0)
    Err = V.Cnt.reset();
  return Err;
}

} // namespace

int main(int Argc, char **Argv) {
  Options O;
  struct argp Argp = {ArgpOptions, parseOpt, nullptr, Doc,
                      nullptr,     nullptr,  nullptr};
  if (argp_parse(&Argp, Argc, Argv, 0, nullptr, &O))
    return 1;
  libbpf_set_print(libbpfPrint);

  std::map<std::string, LoadedObject> Objects;
  std::vector<Variant> Builds = {
      {"none", O.None, O.ProgName, "", 0},
      {"plain", O.Plain, O.ProgName, ".data.profc", 0},
      {"atomic", O.Atomic, O.ProgName, ".data.profc", 0},
  };
  if (!O.CpuRows.empty())
    Builds.push_back({"percpu", O.CpuRows, O.ProgName, ".data.profc", 0});
  // Bool counters are bytes set to 0, never added to: nothing to lose.
  if (!O.Bool.empty())
    Builds.push_back({"bool", O.Bool, O.ProgName, "", 0});
  std::vector<Variant> Placements;
  if (!O.PerCpu.empty())
    for (const char *P : {"shared_plain", "shared_atomic", "slot_plain",
                          "slot_atomic", "pcpu_map_plain", "pcpu_map_atomic"}) {
      std::string Name = P;
      const char *Map = Name.rfind("shared", 0) == 0 ? ".data.shared"
                        : Name.rfind("slot", 0) == 0 ? ".data.slots"
                                                     : "pcpu_counters";
      Placements.push_back({Name, O.PerCpu, Name, Map, 8});
    }

  for (Variant &V : Builds)
    if (prepare(V, Objects))
      return 1;
  for (Variant &V : Placements)
    if (prepare(V, Objects))
      return 1;

  std::string LoadBefore = loadAverage();
  for (Variant &V : Builds)
    if (int Err = V.MapName.empty() ? 0 : measureLost(V, O)) {
      pErr("BPF_PROG_TEST_RUN of '%s' in '%s' failed: %s", V.ProgName.c_str(),
           V.Path.c_str(), strerror(-Err));
      return 1;
    }
  if (int Err = measureInterleaved(Builds, O)) {
    pErr("BPF_PROG_TEST_RUN failed: %s", strerror(-Err));
    return 1;
  }
  std::string LoadAfter = loadAverage();
  for (auto *Vs : {&Placements})
    for (Variant &V : *Vs) {
      int Err = V.MapName.empty() ? 0 : measureLost(V, O);
      if (!Err)
        Err = measureCost(V, O);
      if (Err) {
        pErr("BPF_PROG_TEST_RUN of '%s' in '%s' failed: %s", V.ProgName.c_str(),
             V.Path.c_str(), strerror(-Err));
        return 1;
      }
    }

  printEnvironment(O);
  std::vector<Variant *> All, Instrumented;
  for (Variant &V : Builds) {
    All.push_back(&V);
    if (!V.MapName.empty())
      Instrumented.push_back(&V);
  }
  printLost(Instrumented, O);
  printInterleaved(All, O, LoadBefore, LoadAfter);
  printInsns(All);
  if (!Placements.empty()) {
    std::vector<Variant *> Ps;
    for (Variant &V : Placements)
      Ps.push_back(&V);
    printPerCpu(Ps, O);
  }

  int Status = 0;
  for (size_t I = 2; I < Builds.size(); ++I) {
    const Variant &A = Builds[I];
    if (A.MapName.empty())
      continue;
    if (A.EntryActual != A.EntryExpected || A.AllActual != A.AllExpected) {
      pErr("%s counters lost increments: entry %" PRIu64 " of %" PRIu64
           ", all %" PRIu64 " of %" PRIu64,
           A.Label.c_str(), A.EntryActual, A.EntryExpected, A.AllActual,
           A.AllExpected);
      Status = 1;
    }
  }
  return Status;
}
