// concbench: command line, registration of every case of the chosen suite on Google
// Benchmark, progress, signals, the results file and the exit status.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/version.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <oneapi/tbb/version.h>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/counters.hpp"
#include "bench/harness.hpp"
#include "bench/results_file.hpp"
#include "concbench_build_info.hpp"
#include "core/case.hpp"
#include "core/fault.hpp"
#include "core/spin.hpp"
#include "core/system.hpp"
#include "models/kinds.hpp"
#include "servers/echo_server.hpp"

namespace concbench {
namespace {

constexpr int kBadInput = 2;

[[noreturn]] void bad_input(const std::string& message) {
  std::cerr << "concbench: " << message << "\n"
            << "Run 'concbench --help' for the flags and what they accept.\n";
  std::exit(kBadInput);
}

// ---- what exists: read from the registry, never copied -------------------------------

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::vector<std::string> workload_names() {
  std::vector<std::string> v;
  for (const auto& c : cases()) v.push_back(c.workload->name);
  return sorted_unique(v);
}

std::vector<std::string> model_names() {
  std::vector<std::string> v;
  for (const auto& c : cases()) v.push_back(c.model);
  return sorted_unique(v);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// ---- progress on stderr ----------------------------------------------------------------

struct Progress {
  bool enabled = false;
  std::size_t total = 0;
  std::size_t done = 0;
  std::string current;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  bool drawn = false;

  static std::string clock(double s) {
    char buf[32];
    const long t = long(s + 0.5);
    if (t >= 3600)
      std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else
      std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
    return buf;
  }
  void clear() {
    if (drawn) std::fputs("\r\033[K", stderr);
    drawn = false;
  }
  void draw() {
    if (!enabled) return;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string eta = "ETA --";
    if (done > 0 && total >= done)
      eta = "ETA " + clock(elapsed / double(done) * double(total - done));
    std::string name = current;
    if (name.size() > 90) name = name.substr(0, 87) + "...";
    std::fprintf(stderr, "\r\033[K[%zu/%zu] %s  elapsed %s  %s", done, total, name.c_str(),
                 clock(elapsed).c_str(), eta.c_str());
    std::fflush(stderr);
    drawn = true;
  }
};
Progress g_progress;

void on_benchmark_start(const std::string& name) {
  g_progress.current = name;
  g_progress.draw();
}

// ---- reporting: the display and the results file see the same runs ---------------------

class TeeReporter : public benchmark::BenchmarkReporter {
 public:
  TeeReporter(std::unique_ptr<benchmark::BenchmarkReporter> display, ResultsFile* file)
      : display_(std::move(display)), file_(file) {}

  bool ReportContext(const Context& c) override {
    g_progress.clear();
    const bool ok = display_->ReportContext(c);
    if (file_) write_checked([&] { file_->context(c); });
    g_progress.draw();
    return ok;
  }

  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<Run> kept;
    for (const auto& r : runs) {
      if (r.error_occurred && r.error_message == kInterruptedMessage) continue;
      if (r.error_occurred) {
        if (r.error_message.rfind(kSkipPrefix, 0) == 0)
          ++skipped;
        else
          ++failed;
      }
      kept.push_back(r);
    }
    g_progress.clear();
    if (!kept.empty()) {
      display_->ReportRuns(kept);
      if (file_) write_checked([&] { file_->runs(kept); });
    }
    // With repetitions, Google Benchmark reports each repetition: count each name once.
    for (const auto& r : kept)
      if (r.run_type == Run::RT_Iteration && finished_.insert(r.benchmark_name()).second &&
          !interrupted())
        ++g_progress.done;
    g_progress.draw();
  }

  void Finalize() override {
    g_progress.clear();
    display_->Finalize();
    if (file_) write_checked([&] { file_->finalize(); });
  }

  int failed = 0;
  int skipped = 0;

 private:
  template <class F>
  void write_checked(F f) {
    errno = 0;
    f();
    if (!file_->write())
      std::cerr << "concbench: cannot write " << file_->path() << ": " << std::strerror(errno)
                << "\n";
  }
  std::unique_ptr<benchmark::BenchmarkReporter> display_;
  ResultsFile* file_;
  std::set<std::string> finished_;
};

// ---- signals -----------------------------------------------------------------------------

void on_signal(int sig) {
  set_interrupted(sig);
  // A second Ctrl-C ends the process at once; worker processes die with it (PDEATHSIG).
  signal(sig, SIG_DFL);
}

void install_signal_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a peer that goes away is an error code, not a death
}

// ---- command line ------------------------------------------------------------------------

struct Options {
  std::string suite = "full";
  std::string out;
  std::string echo_server;
  std::string progress = "auto";
  double spin_rate = 0;
  int64_t iterations = 0;
};

std::string help_text(const CLI::App& app) {
  std::ostringstream s;
  s << R"(concbench: for this workload, should I use an async coroutine loop, a thread pool, a
task scheduler, or processes? concbench runs the same work on each concurrency model,
checks every result against a sequential reference (a wrong result is an error, never a
number), and reports each figure beside its physical limit.

Usage: concbench [--suite quick|full] [--out FILE] [options] [--benchmark_* flags]

Suites
  quick   one or two points per workload and model; under 3 minutes on 2 cores.
          What ./scripts/bench and CI run.
  full    (default) every sweep: workers 1, 2, 4 and the core count; grain 1 us .. 10 ms;
          I/O concurrency 1 .. 10,000 at latencies 1 .. 100 ms; payloads 0 B .. 1 MiB.
          Takes tens of minutes; a level this machine cannot reach (pid limit, descriptors)
          is skipped with the reason and the suite goes on.

Names: <workload>/<model>/<param>:<value>/.../real_time
  cpu.spin/tbb/workers:2/grain_us:1000/real_time
  io.sleep/coro/concurrency:1000/latency_us:1000/real_time
  workloads:  )"
    << join(workload_names(), " ") << R"(
  models:     )"
    << join(model_names(), " ") << R"(
  parameters: workers (threads, loops or processes of the model), concurrency (operations
              the workload keeps in flight), grain_us (CPU work per task), latency_us (wait
              per I/O operation, or the echo server's delay), payload_bytes (ipc)
  Blocking models (threads, tbb, procs, ...) need one worker per in-flight wait: for I/O
  their workers equal the concurrency, and rows with fewer workers show the queueing.

Selecting (Google Benchmark's filter: a regular expression searched in the name)
  --benchmark_filter='^io\.sleep/'            one workload
  --benchmark_filter='/procs/'                one model
  --benchmark_filter='^cpu\.spin/.*/workers:2/'
  --benchmark_filter=-'/fork_per_task/'       everything but one model (leading -)
  --benchmark_list_tests                      print the selected names, run nothing

Outputs
  stdout: Google Benchmark's table (--benchmark_format=console|json).
  --out FILE (same as --benchmark_out=FILE): Google Benchmark JSON, rewritten after every
  benchmark, so an interrupted or crashed run keeps every finished result. Its context
  records the cores, versions, build type, git revision, suite and every counter's unit.
  Counters: items_per_second, speedup and efficiency (1 = the physical limit), cpu_user_s,
  cpu_sys_s, ctx_voluntary, ctx_involuntary, peak_rss_bytes (children included),
  lat_p50_us/lat_p99_us/lat_max_us (I/O), setup_s (model start, not in the timed loop).
  Repeat with --benchmark_repetitions=N for medians and spread.

Exit status
  0 every benchmark ran and verified (skips for machine limits included); 1 a benchmark
  failed its checksum or its set-up (listed as an error in the output; the others ran);
  2 bad command line; 130/143 interrupted by SIGINT/SIGTERM (the file keeps what finished).

)" << app.help("", CLI::AppFormatMode::Normal)
    << R"(
Google Benchmark's flags also work, among them:
  --benchmark_filter=REGEX  --benchmark_list_tests  --benchmark_repetitions=N
  --benchmark_min_time=SECONDS (a plain number in 1.7.1: 0.5, not 0.5s; default: quick
  0.05, full 0.5)  --benchmark_format=console|json  --benchmark_out=FILE
  --benchmark_enable_random_interleaving=true  --benchmark_counters_tabular=true
)";
  return s.str();
}

bool is_number(const std::string& s) {
  static const std::regex number(R"([0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)");
  return std::regex_match(s, number);
}

// Flags concbench reads itself; the rest go to Google Benchmark untouched.
struct BenchmarkFlags {
  std::vector<std::string> pass;  // for benchmark::Initialize
  std::string out, out_format, format = "console", filter, repetitions = "1", min_time;
  bool tabular = false;
  bool list = false;
};

BenchmarkFlags take_benchmark_flags(std::vector<std::string>& args) {
  BenchmarkFlags f;
  std::vector<std::string> rest;
  for (auto& a : args) {
    if (a.rfind("--benchmark_", 0) != 0 && a.rfind("--v=", 0) != 0) {
      rest.push_back(a);
      continue;
    }
    const auto eq = a.find('=');
    const std::string key = a.substr(0, eq);
    const std::string val = eq == std::string::npos ? "" : a.substr(eq + 1);
    if (key == "--benchmark_out") {
      if (val.empty()) bad_input("--benchmark_out: expected a file name, found nothing");
      f.out = val;
      continue;
    }
    if (key == "--benchmark_out_format") {
      if (val != "json")
        bad_input("--benchmark_out_format '" + val +
                  "': concbench writes its results file as JSON only (strict, crash-safe); "
                  "use --benchmark_format=csv for CSV on stdout");
      continue;
    }
    if (key == "--benchmark_format") {
      if (val != "console" && val != "json")
        bad_input("--benchmark_format '" + val +
                  "': expected console or json (Google Benchmark deprecates csv)");
      f.format = val;
      continue;
    }
    if (key == "--benchmark_min_time" && !is_number(val))
      bad_input("--benchmark_min_time '" + val +
                "': expected seconds as a plain number such as 0.5 (Google Benchmark 1.7.1 "
                "does not accept units)");
    if (key == "--benchmark_repetitions") {
      if (!std::regex_match(val, std::regex("[1-9][0-9]*")))
        bad_input("--benchmark_repetitions '" + val + "': expected a whole number >= 1");
      f.repetitions = val;
    }
    if (key == "--benchmark_min_time") f.min_time = val;
    if (key == "--benchmark_filter") f.filter = val;
    if (key == "--benchmark_counters_tabular") f.tabular = val.empty() || val == "true";
    if (key == "--benchmark_list_tests") f.list = val.empty() || val == "true";
    f.pass.push_back(a);
  }
  args = rest;
  return f;
}

// Google Benchmark 1.7.1's filter: "" or "all" selects everything, a leading '-' negates,
// otherwise a regular expression searched in the name.
struct Filter {
  bool negative = false;
  std::regex re;
  explicit Filter(std::string spec) {
    if (spec.empty() || spec == "all") spec = ".";
    if (spec[0] == '-') {
      negative = true;
      spec = spec.substr(1);
    }
    try {
      re = std::regex(spec, std::regex::extended);
    } catch (const std::regex_error& e) {
      bad_input("--benchmark_filter '" + spec + "': not a regular expression (" + e.what() + ")");
    }
  }
  bool matches(const std::string& name) const { return std::regex_search(name, re) != negative; }
};

// Registers every case of `suite`; returns the names as Google Benchmark builds them.
std::vector<std::string> register_suite(const Suite& suite, int64_t iterations) {
  std::vector<std::string> out;
  for (const Case& c : cases()) {
    for (const Params& p : c.grid(suite)) {
      std::vector<std::string> names;
      std::vector<int64_t> values;
      for (auto& [k, v] : p.items()) {
        names.push_back(k);
        values.push_back(v);
      }
      std::string full = c.name();
      if (!p.items().empty()) full.append("/").append(p.str());
      if (iterations > 0) full.append("/iterations:").append(std::to_string(iterations));
      full += "/real_time";
      out.push_back(full);
      // The one place a benchmark is configured: real time (the models wait and use other
      // threads and processes), milliseconds, parameters named in the name.
      auto* b = benchmark::RegisterBenchmark(c.name().c_str(),
                                             [cp = &c, p, full](benchmark::State& st) {
                                               run_case(st, *cp, p, full);
                                             })
                    ->ArgNames(names)
                    ->Args(values)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond);
      if (iterations > 0) b->Iterations(iterations);
    }
  }
  return out;
}

nlohmann::ordered_json build_context(const Options& o, const Suite& suite) {
  nlohmann::ordered_json ctx;
  ctx["concbench_schema"] = 1;
  ctx["concbench_version"] = CONCBENCH_VERSION;
  ctx["concbench_build_type"] = CONCBENCH_BUILD_TYPE;
  ctx["concbench_git_revision"] = CONCBENCH_GIT_REVISION;
  ctx["concbench_suite"] = suite.name;
  ctx["concbench_cores"] = suite.cores;
  ctx["concbench_models"] = model_names();
  nlohmann::ordered_json kinds;
  for (const auto& m : model_names())
    if (auto k = model_kind(m))
      kinds[m] = {{"waits", std::string(k->waits)},
                  {"workers", std::string(k->workers)},
                  {"shape", std::string(k->shape)}};
  ctx["concbench_model_kinds"] = kinds;
  ctx["concbench_workloads"] = workload_names();
  ctx["boost_version"] = std::to_string(BOOST_VERSION / 100000) + "." +
                         std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                         std::to_string(BOOST_VERSION % 100);
  ctx["onetbb_version"] = TBB_runtime_version();
  ctx["benchmark_version"] = CONCBENCH_BENCHMARK_VERSION;
  ctx["compiler"] = std::string(CONCBENCH_COMPILER_ID) + " " + __VERSION__;
  ctx["spin_iterations_per_us"] = spin_iterations_per_us();
  ctx["echo_server"] = o.echo_server.empty() ? "embedded" : o.echo_server;
  ctx["concbench_injected_slowdown"] =
      fault::percent > 0 ? std::string(fault::model) + ":" + std::to_string(fault::percent) + "%"
                         : "none";
  nlohmann::ordered_json units;
  for (const auto& c : counter::all)
    units[std::string(c.name)] = {{"unit", std::string(c.unit)},
                                  {"meaning", std::string(c.meaning)}};
  ctx["concbench_counters"] = units;
  return ctx;
}

int run(int argc, char** argv) {
  install_signal_handlers();
  std::vector<std::string> args(argv + 1, argv + argc);
  BenchmarkFlags bf = take_benchmark_flags(args);

  Options o;
  CLI::App app{"", "concbench"};
  app.set_help_flag();  // help is ours, below
  bool want_help = false;
  app.add_flag("-h,--help", want_help, "Print this help and exit");
  app.add_option("--suite", o.suite, "Which benchmarks: quick or full (default full)")
      ->type_name("NAME");
  app.add_option("--out", o.out,
                 "Write the results (Google Benchmark JSON) to FILE, updated after every "
                 "benchmark; same as --benchmark_out")
      ->type_name("FILE");
  app.add_option("--echo-server", o.echo_server,
                 "io.echo against an external echo server HOST:PORT instead of the embedded one")
      ->type_name("HOST:PORT");
  app.add_option("--progress", o.progress,
                 "Progress line with ETA on stderr: auto (when stderr is a terminal), "
                 "always or never")
      ->type_name("WHEN");
  app.add_option("--spin-rate", o.spin_rate,
                 "Iterations of cpu.spin's loop per microsecond, instead of calibrating: "
                 "use the spin_iterations_per_us of an earlier run to compare like with like")
      ->type_name("RATE");
  app.add_option("--iterations", o.iterations,
                 "Run every benchmark exactly N iterations instead of for --benchmark_min_time "
                 "(names gain /iterations:N); for deterministic instruction counts under "
                 "callgrind (scripts/instructions)")
      ->type_name("N");
  std::reverse(args.begin(), args.end());  // CLI11 takes arguments in reverse order
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    bad_input(e.what());
  }
  if (want_help) {
    std::cout << help_text(app);
    return 0;
  }
  if (o.suite != "quick" && o.suite != "full")
    bad_input("--suite '" + o.suite + "': expected quick or full");
  if (o.progress != "auto" && o.progress != "always" && o.progress != "never")
    bad_input("--progress '" + o.progress + "': expected auto, always or never");
  if (o.iterations < 0)
    bad_input("--iterations " + std::to_string(o.iterations) + ": expected a whole number >= 1");
  if (o.spin_rate < 0 || !std::isfinite(o.spin_rate))
    bad_input("--spin-rate: expected a positive number of iterations per microsecond");
  if (!o.echo_server.empty()) {
    auto e = parse_endpoint(o.echo_server);
    if (!e) bad_input("--echo-server '" + o.echo_server + "': expected HOST:PORT, e.g. 127.0.0.1:7");
    EchoService::use_external(e);
  }
  if (!o.out.empty() && !bf.out.empty() && o.out != bf.out)
    bad_input("--out '" + o.out + "' and --benchmark_out '" + bf.out +
              "' name two files: give one");
  const std::string out = o.out.empty() ? bf.out : o.out;
  if (!out.empty()) {
    std::ofstream probe(out + ".tmp");
    if (!probe)
      bad_input("--out '" + out + "': cannot write there (" + std::strerror(errno) + ")");
    probe.close();
    std::remove((out + ".tmp").c_str());
  }
  if (bf.min_time.empty())
    bf.pass.push_back(std::string("--benchmark_min_time=") +
                      (o.suite == "quick" ? "0.05" : "0.5"));

  std::vector<std::string> gb_args{argv[0]};
  gb_args.insert(gb_args.end(), bf.pass.begin(), bf.pass.end());
  std::vector<char*> gb_argv;
  for (auto& s : gb_args) gb_argv.push_back(s.data());
  gb_argv.push_back(nullptr);
  int gb_argc = int(gb_args.size());
  benchmark::Initialize(&gb_argc, gb_argv.data());
  if (gb_argc > 1) {
    std::string unknown;
    for (int i = 1; i < gb_argc; ++i) unknown += std::string(" ") + gb_argv[std::size_t(i)];
    bad_input("unrecognised Google Benchmark flag or value:" + unknown);
  }

  if (o.spin_rate > 0) set_spin_rate(o.spin_rate);
  const Suite suite{o.suite, available_cores()};
  const Filter filter(bf.filter);
  const auto registered = register_suite(suite, o.iterations);
  std::size_t selected = 0;
  for (const auto& name : registered) selected += filter.matches(name) ? 1 : 0;
  if (selected == 0)
    bad_input("--benchmark_filter '" + bf.filter + "' matches none of the " +
              std::to_string(registered.size()) + " benchmarks of the " + suite.name +
              " suite (see --benchmark_list_tests)");
  if (bf.list) {
    benchmark::RunSpecifiedBenchmarks();
    return 0;
  }

  spin_iterations_per_us();  // calibrate before any benchmark forks a worker
  g_progress.enabled = o.progress == "always" || (o.progress == "auto" && isatty(2));
  g_progress.total = selected;
  set_progress_hook(on_benchmark_start);

  std::unique_ptr<benchmark::BenchmarkReporter> display;
  if (bf.format == "json")
    display = std::make_unique<benchmark::JSONReporter>();
  else {
    int opts = benchmark::ConsoleReporter::OO_None;
    if (isatty(1)) opts |= benchmark::ConsoleReporter::OO_Color;
    if (bf.tabular) opts |= benchmark::ConsoleReporter::OO_Tabular;
    display = std::make_unique<benchmark::ConsoleReporter>(
        benchmark::ConsoleReporter::OutputOptions(opts));
  }
  std::optional<ResultsFile> file;
  if (!out.empty()) file.emplace(out, build_context(o, suite));
  TeeReporter tee(std::move(display), file ? &*file : nullptr);
  benchmark::RunSpecifiedBenchmarks(&tee);
  benchmark::Shutdown();

  std::cerr << "concbench: " << g_progress.done << " of " << selected << " benchmarks ran, "
            << tee.failed << " failed, " << tee.skipped << " skipped (machine limits)";
  if (file) std::cerr << "; results in " << file->path();
  std::cerr << "\n";
  if (const int sig = interrupt_signal()) {
    std::cerr << "concbench: interrupted by " << strsignal(sig)
              << "; the results file holds every benchmark that finished\n";
    return 128 + sig;
  }
  return tee.failed > 0 ? 1 : 0;
}

}  // namespace
}  // namespace concbench

int main(int argc, char** argv) { return concbench::run(argc, argv); }
