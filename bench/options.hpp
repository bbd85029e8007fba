// What the command line asks for (concbench's own options, Google Benchmark's flags as
// concbench reads them) and the exit codes of bad input: plain data, read by the command line
// (cli), the registration and the services without any of them including another.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace concbench {

inline constexpr int kBadInput = 2;
// The results file could not be written (sysexits.h's EX_IOERR): the run's results are lost.
inline constexpr int kCannotWrite = 74;

[[noreturn]] void bad_input(const std::string& message);

struct Options {
  std::string suite = "quick";
  std::string out;
  std::string echo_server;
  std::string http_url;  // --http-url: http against this server (GET of its path)
  std::string pg_url;  // --pg-url: db against this PostgreSQL (else CONCBENCH_PG_URL, else a throwaway one)
  std::string progress = "auto";
  double spin_rate = 0;
  double slow_callback_ms = 100;
  std::string serve;  // --serve echo|http: run that embedded server in the foreground
  std::string trace;  // --trace FILE: a Chrome/Perfetto trace (core/trace.hpp)  // asyncio's slow_callback_duration (core/loop_watch.hpp)
  int64_t iterations = 0;
  bool no_isolate = false;
  bool no_loop_lag = false;
  std::string run_one;  // internal: this process is the child running one benchmark
  std::string at;       // --at WORKLOAD/PARAM:VALUE/...: that one point of that workload
};

// Google Benchmark's flags, as concbench reads them.
struct BenchmarkFlags {
  std::vector<std::string> pass;      // for benchmark::Initialize in this process
  std::vector<std::string> to_child;  // what an isolated benchmark's process is also given
  std::string out, format = "console", filter, repetitions = "1", min_time;
  bool tabular = false;
  bool list = false;
  bool interleave = false;  // --benchmark_enable_random_interleaving
};

struct CommandLine {
  Options options;
  BenchmarkFlags benchmark;
  std::string out;  // the results file (--out or --benchmark_out), "" for none
};


}  // namespace concbench
