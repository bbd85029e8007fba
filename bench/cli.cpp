#include "bench/cli.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <regex>
#include <sstream>

#include "bench/registration.hpp"

namespace concbench {

AtPoint parse_at(const std::string& text) {
  // Each workload --at can name, its parameters and their valid ranges.
  struct Range {
    const char* name;
    int64_t lo, hi;
  };
  static const std::vector<std::pair<std::string, std::vector<Range>>> kinds{
      {"cpu.spin", {{"grain_us", 1, 100'000}}},
      {"io.sleep", {{"concurrency", 1, 100'000}, {"latency_us", 1, 1'000'000}}},
      {"mixed", {{"concurrency", 1, 100'000}, {"latency_us", 1, 1'000'000}, {"grain_us", 1, 100'000}}},
      // Waits on real services: the echo server's delay per round trip, pg_sleep() in the query,
      // the HTTP server's delay per request.
      {"io.echo", {{"concurrency", 1, 10'000}, {"latency_us", 0, 1'000'000}}},
      {"db", {{"concurrency", 1, 1'000}, {"sleep_us", 0, 1'000'000}}},
      {"http", {{"concurrency", 1, 10'000}, {"delay_us", 0, 1'000'000}}}};
  const auto slash = text.find('/');
  const std::string workload = text.substr(0, slash);
  const auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == workload; });
  if (kind == kinds.end())
    bad_input("--at '" + text + "': expected cpu.spin/..., io.sleep/..., mixed/..., io.echo/..., db/... or "
              "http/..., e.g. mixed/concurrency:32/latency_us:1000/grain_us:100");
  AtPoint at{workload, {}};
  Params given;
  std::string rest = slash == std::string::npos ? "" : text.substr(slash + 1);
  while (!rest.empty()) {
    const auto next = rest.find('/');
    const std::string item = rest.substr(0, next);
    rest = next == std::string::npos ? "" : rest.substr(next + 1);
    const auto colon = item.find(':');
    const std::string key = item.substr(0, colon);
    const auto range = std::find_if(kind->second.begin(), kind->second.end(), [&](const Range& r) { return key == r.name; });
    if (colon == std::string::npos || range == kind->second.end())
      bad_input("--at '" + text + "': '" + item + "' is not one of " + workload + "'s parameters (NAME:VALUE)");
    char* end = nullptr;
    const std::string value = item.substr(colon + 1);
    const long long v = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || v < range->lo || v > range->hi)
      bad_input("--at '" + text + "': " + key + " '" + value + "': expected a whole number from " +
                std::to_string(range->lo) + " to " + std::to_string(range->hi));
    given.set(key, v);
  }
  for (const Range& r : kind->second) {  // in the grid's order, whatever the order given
    if (!given.has(r.name)) bad_input("--at '" + text + "': " + workload + " needs " + r.name + ":VALUE");
    at.params.set(r.name, given.get(r.name));
  }
  return at;
}

void bad_input(const std::string& message) {
  std::cerr << "concbench: " << message << "\n"
            << "Run 'concbench --help' for the flags and what they accept.\n";
  std::exit(kBadInput);
}

namespace {

// `text` wrapped at `width` columns, every line after the first indented by `indent`.
std::string wrap(const std::string& text, std::size_t width, std::size_t indent, std::size_t first_used) {
  std::ostringstream out;
  std::istringstream words(text);
  std::string w;
  std::size_t col = first_used;
  bool first = true;
  while (words >> w) {
    if (!first && col + 1 + w.size() > width) {
      out << "\n" << std::string(indent, ' ');
      col = indent;
    } else if (!first) {
      out << ' ';
      ++col;
    }
    out << w;
    col += w.size();
    first = false;
  }
  return out.str();
}

// One line per option, its description wrapped at 100 columns (CLI11 2.1 does not wrap).
std::string options_text(const CLI::App& app) {
  constexpr std::size_t kWidth = 100, kColumn = 28;
  std::ostringstream s;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // internal
    std::string left = "  " + opt->get_name(false, true);
    if (!opt->get_type_name().empty() && opt->get_expected_min() > 0) left += " " + opt->get_type_name();
    if (left.size() + 2 > kColumn) {
      s << left << "\n" << std::string(kColumn, ' ');
    } else {
      s << left << std::string(kColumn - left.size(), ' ');
    }
    s << wrap(opt->get_description(), kWidth, kColumn, kColumn) << "\n";
  }
  return s.str();
}

std::string help_text(const CLI::App& app) {
  std::ostringstream s;
  s << R"(Usage: concbench [--suite quick|full] [--out FILE] [options] [--benchmark_* flags]

For this workload, should I use an async coroutine loop, a thread pool, a task scheduler or
processes? concbench runs the same work on each concurrency model, checks every result against a
sequential reference (a wrong result is an error, never a number) and gives each figure beside
its physical limit. Every benchmark runs in a fresh process of its own.

Suites
  quick   (default) one to four points per workload and model: about 3 minutes on 2 cores
  full    every sweep (workers, grain 1 us..10 ms, concurrency 1..10,000, payloads, rates):
          about an hour on 2 cores; a level this machine cannot reach is skipped, with why

Names: <workload>/<model>/<param>:<value>/.../real_time, e.g.
  cpu.spin/tbb/workers:2/dispatch:map/grain_us:1000/real_time
  io.sleep/coro/concurrency:1000/latency_us:1000/real_time
)";
  s << "  workloads:  " << wrap(join(workload_names(), " "), 100, 14, 14) << "\n";
  s << "  models:     " << wrap(join(model_names(), " "), 100, 14, 14) << "\n";
  s << "  parameters: "
    << wrap("workers, dispatch (each: one task at a time, a server's shape; map: the whole range, "
            "chunked by the engine; models are ranked only within one), concurrency, grain_us, "
            "latency_us, payload_bytes, tasks; the scenarios' block, block_ms, units, parent_mb, "
            "wait, fail, fail_pct, file_kib, files, delay_us, body_bytes, query, sleep_us, depth, "
            "rate (docs/cli.md says what each means)",
            100, 14, 14)
    << "\n";
  s << R"(
Selecting (Google Benchmark's filter, a regular expression searched in the name)
  --benchmark_filter='^io\.sleep/'      one workload
  --benchmark_filter='/procs/'          one model
  --benchmark_filter=-'/fork_per_task/' all but one model (leading -)
  --benchmark_list_tests                print the selected names, run nothing

Options
)" << options_text(app)
    << R"(
Google Benchmark's flags also work, among them --benchmark_repetitions=N (medians and spread),
--benchmark_min_time=SECONDS (a plain number in 1.7.1; default quick 0.05, full 0.5),
--benchmark_format=console|json, --benchmark_enable_random_interleaving=true.

Outputs
  stdout: Google Benchmark's table. --out FILE: Google Benchmark JSON, rewritten after every
  benchmark (a crash, a full disk or Ctrl-C keeps what finished), its context naming the machine,
  versions, models, counters and their units (items_per_second, speedup, efficiency 1 = the
  physical limit, cpu_per_item_us, peak_rss_bytes, lat_p50_us, ...).

Exit status
  0 every benchmark ran and verified (skips for machine limits included); 1 a benchmark failed
  its check (an error entry; the others ran); 2 bad command line, before anything runs; 74 the
  results file could not be written (the message says where the results are); 128+N a signal.

Next steps
  scripts/report results/latest.json     the report: verdicts first, then plots and tables
  scripts/ab BASE HEAD                   has a change made a model slower? (regression gate)
  ./scripts/bench                        installs, builds, runs quick on C++ and Python, reports
)";
  return s.str();
}

bool is_number(const std::string& s) {
  static const std::regex number(R"([0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)");
  return std::regex_match(s, number);
}

// Google Benchmark's boolean flags, and the words its IsTruthyFlagValue reads as true or false
// (no value: true). It reads any other word as true; here it is refused, and the flag goes on
// as plain true or false, so that this process, Google Benchmark and every benchmark's process
// read it alike (--benchmark_list_tests=1 lists).
bool is_boolean_flag(const std::string& key) {
  return key == "--benchmark_list_tests" || key == "--benchmark_enable_random_interleaving" ||
         key == "--benchmark_counters_tabular" || key == "--benchmark_report_aggregates_only" ||
         key == "--benchmark_display_aggregates_only";
}

bool boolean_value(const std::string& key, const std::string& val) {
  std::string v = val;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
  if (v.empty() || v == "true" || v == "t" || v == "yes" || v == "y" || v == "on" || v == "1") return true;
  if (v == "false" || v == "f" || v == "no" || v == "n" || v == "off" || v == "0") return false;
  bad_input(key + " '" + val + "': expected true or false (or yes/no, on/off, 1/0; no value is true)");
}

// Whether the Google Benchmark linked in reads hardware counters (built with libpfm): its
// PerfCounters::kSupported, looked up where the shared library exports it; true where it
// cannot be found (then Google Benchmark says so itself).
bool perf_counters_supported() {
  const void* k = dlsym(RTLD_DEFAULT, "_ZN9benchmark8internal12PerfCounters10kSupportedE");
  return k == nullptr || *static_cast<const bool*>(k);
}

BenchmarkFlags take_benchmark_flags(std::vector<std::string>& args) {
  BenchmarkFlags f;
  std::vector<std::string> rest;
  for (auto a : args) {
    if (a.rfind("--benchmark_", 0) != 0 && a.rfind("--v=", 0) != 0) {
      rest.push_back(a);
      continue;
    }
    const auto eq = a.find('=');
    const std::string key = a.substr(0, eq);
    std::string val = eq == std::string::npos ? "" : a.substr(eq + 1);
    if (is_boolean_flag(key)) {
      val = boolean_value(key, val) ? "true" : "false";
      a = key + "=" + val;
    }
    if (key == "--benchmark_out") {
      if (val.empty()) bad_input("--benchmark_out: expected a file name, found nothing");
      f.out = val;
      continue;
    }
    if (key == "--benchmark_out_format") {
      if (val != "json" && !val.empty())
        bad_input("--benchmark_out_format '" + val +
                  "': concbench writes its results file as JSON only (strict, crash-safe); "
                  "--benchmark_format=console|json chooses what standard output shows");
      continue;
    }
    if (key == "--benchmark_format") {
      if (val != "console" && val != "json")
        bad_input("--benchmark_format '" + val +
                  "': expected console or json (Google Benchmark deprecates csv)");
      f.format = val;
      continue;
    }
    if (key == "--benchmark_perf_counters" && !val.empty() && !perf_counters_supported())
      bad_input("--benchmark_perf_counters '" + val + "': this Google Benchmark was built without libpfm "
                "(Debian's 1.7.1 is) and would only print 'Performance counters not supported.'; count "
                "instructions with scripts/instructions (callgrind), or run the benchmark under perf stat");
    if (key == "--benchmark_min_time" && !is_number(val))
      bad_input("--benchmark_min_time '" + val +
                "': expected seconds as a plain number such as 0.5 (Google Benchmark 1.7.1 "
                "does not accept units)");
    if (key == "--benchmark_repetitions") {
      if (!std::regex_match(val, std::regex("[1-9][0-9]*")))
        bad_input("--benchmark_repetitions '" + val + "': expected a whole number >= 1");
      f.repetitions = val;
    }
    if (key == "--benchmark_time_unit" && val != "ns" && val != "us" && val != "ms" && val != "s")
      bad_input("--benchmark_time_unit '" + val + "': expected ns, us, ms or s (default: ms)");
    if (key == "--benchmark_min_time") f.min_time = val;
    if (key == "--benchmark_filter") f.filter = val;
    if (key == "--benchmark_counters_tabular") f.tabular = val == "true";
    if (key == "--benchmark_list_tests") f.list = val == "true";
    if (key == "--benchmark_enable_random_interleaving") {
      f.interleave = val == "true";
      continue;  // concbench shuffles its benchmark processes itself (isolated runs)
    }
    f.pass.push_back(a);
    // What shapes a benchmark's own run goes to its process too; what selects or displays
    // stays with the parent.
    if (key != "--benchmark_filter" && key != "--benchmark_list_tests" &&
        key != "--benchmark_counters_tabular" && key != "--benchmark_color")
      f.to_child.push_back(a);
  }
  args = rest;
  return f;
}

// The results file must be a regular file (or not exist yet) in a folder we can write, on a
// file system with room: checked by writing 64 KiB beside it, so that a bad --out is exit 2
// before anything runs rather than results lost at the end. (/dev/full, a folder, a
// read-only or full disk are refused here.)
void check_writable(const std::string& flag, const std::string& out) {
  struct stat st{};
  if (stat(out.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    bad_input(flag + " '" + out + "': not a regular file (concbench writes FILE.tmp and renames it "
              "over FILE); name a file, e.g. " + flag + " results/" +
              (flag == "--trace" ? "trace.json" : "run.json"));
  const std::string probe = out + ".tmp";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    bad_input(flag + " '" + out + "': cannot write there (cannot create " + probe + ": " +
              std::strerror(errno) + ")");
  std::string zeros(64 << 10, '\0');
  bool ok = true;
  for (std::size_t done = 0; ok && done < zeros.size();) {
    const ssize_t w = ::write(fd, zeros.data() + done, zeros.size() - done);
    if (w < 0 && errno == EINTR) continue;
    ok = w > 0;
    if (ok) done += std::size_t(w);
  }
  const int err = ok ? (::fsync(fd) == 0 ? 0 : errno) : errno;
  ::close(fd);
  ::unlink(probe.c_str());
  if (!ok || err != 0)
    bad_input(flag + " '" + out + "': cannot write there (" + std::strerror(ok ? err : errno) +
              "): is the disk full?");
}

}  // namespace

CommandLine parse_command_line(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  CommandLine cl;
  BenchmarkFlags& bf = cl.benchmark;
  bf = take_benchmark_flags(args);
  Options& o = cl.options;

  CLI::App app{"", "concbench"};
  app.set_help_flag();  // help is ours, below
  bool want_help = false;
  app.add_flag("-h,--help", want_help, "Print this help and exit");
  app.add_option("--suite", o.suite, "Which benchmarks: quick (default, about 3 minutes on 2 cores) or full (about an hour)")
      ->type_name("NAME");
  app.add_option("--out", o.out,
                 "Write the results (Google Benchmark JSON) to FILE, updated after every "
                 "benchmark; same as --benchmark_out")
      ->type_name("FILE");
  app.add_option("--echo-server", o.echo_server,
                 "io.echo against an external echo server HOST:PORT instead of the embedded one")
      ->type_name("HOST:PORT");
  app.add_option("--http-url", o.http_url,
                 "http against an external server instead of the embedded one: every request "
                 "GETs this URL (http://HOST:PORT/PATH, HOST numeric, e.g. nginx serving a file), "
                 "every body checked against the first one fetched; no server-side delay")
      ->type_name("URL");
  app.add_option("--pg-url", o.pg_url,
                 "db against this PostgreSQL server (a libpq URL or key=value string, e.g. "
                 "postgresql://user:secret@db.example:5432/bench; also CONCBENCH_PG_URL) instead "
                 "of a throwaway cluster started for each benchmark; it gets the tables "
                 "concbench_items and concbench_history. Its password never reaches the output")
      ->type_name("URL");
  app.add_option("--progress", o.progress,
                 "Progress line with ETA on stderr: auto (when stderr is a terminal), "
                 "always or never")
      ->type_name("WHEN");
  app.add_option("--spin-rate", o.spin_rate,
                 "Iterations of cpu.spin's loop per microsecond, instead of calibrating: "
                 "use the spin_iterations_per_us of an earlier run to compare like with like")
      ->type_name("RATE");
  app.add_option("--slow-callback-ms", o.slow_callback_ms,
                 "asyncio's debug mode for the loops (loop.blocking): a loop step (one handler: "
                 "a coroutine resumed until it suspends) that held the loop at least this long "
                 "is counted as slow (slow_steps, slow_step_max_ms); default 100, asyncio's")
      ->type_name("MS");
  app.add_option("--serve", o.serve,
                 "Run an embedded server in the foreground until Ctrl-C, and print its address: "
                 "http (the http workload's: GET /item/<i>?delay_us=<d>&bytes=<n>), echo "
                 "(io.echo's) or db (a throwaway PostgreSQL cluster with db's table and pgbench's, "
                 "removed at the end), so that a tool of the field (wrk, sockperf, pgbench, psql) "
                 "loads the same server")
      ->type_name("WHICH");
  app.add_option("--trace", o.trace,
                 "Also write a Chrome/Perfetto trace (JSON trace event format) of the benchmarks "
                 "run: a track per worker thread and process, loop steps, coroutines and "
                 "suspended tasks as async spans, submit->run arrows, tasks in flight. Open it "
                 "in ui.perfetto.dev or chrome://tracing. Off by default (then it costs one load "
                 "per site); select few benchmarks: it grows by one event per task")
      ->type_name("FILE");
  app.add_option("--iterations", o.iterations,
                 "Run every benchmark exactly N iterations instead of for --benchmark_min_time "
                 "(names gain /iterations:N); for deterministic instruction counts under "
                 "callgrind (scripts/instructions)")
      ->type_name("N");
  app.add_flag("--no-isolate", o.no_isolate,
               "Run every benchmark in this one process instead of a fresh process each "
               "(for callgrind; figures may then depend on what ran before)");
  app.add_flag("--no-loop-lag", o.no_loop_lag,
               "No loop-lag run (no loop_lag_us_* counters): the lag is measured in one extra, "
               "untimed run per benchmark with loops, a 1 ms probe on each; its wake-ups follow "
               "wall time, so scripts/instructions turns it off for counts that repeat");
  app.add_option("--at", o.at,
                 "Only one point of one workload, on every model that runs it: cpu.spin/grain_us:G, "
                 "io.sleep/concurrency:C/latency_us:L or mixed/concurrency:C/latency_us:L/grain_us:G "
                 "(what scripts/advise measures)")
      ->type_name("POINT");
  app.add_option("--run-one", o.run_one)->group("");  // internal: an isolated benchmark
  std::reverse(args.begin(), args.end());  // CLI11 takes arguments in reverse order
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    bad_input(e.what());
  }
  if (want_help) {
    std::cout << help_text(app);
    std::exit(0);
  }
  if (!o.serve.empty() && o.serve != "http" && o.serve != "echo" && o.serve != "db")
    bad_input("--serve '" + o.serve + "': expected http, echo or db");
  if (o.suite != "quick" && o.suite != "full")
    bad_input("--suite '" + o.suite + "': expected quick or full");
  if (!o.at.empty()) parse_at(o.at);  // bad input, with the valid ranges, before anything runs
  if (o.progress != "auto" && o.progress != "always" && o.progress != "never")
    bad_input("--progress '" + o.progress + "': expected auto, always or never");
  if (o.iterations < 0 || (o.iterations == 0 && app.count("--iterations") > 0))
    bad_input("--iterations " + std::to_string(o.iterations) + ": expected a whole number >= 1");
  if (!(o.slow_callback_ms > 0) || !std::isfinite(o.slow_callback_ms))
    bad_input("--slow-callback-ms: expected a positive number of milliseconds, such as 100");
  if (o.spin_rate < 0 || !std::isfinite(o.spin_rate) || (o.spin_rate == 0 && app.count("--spin-rate") > 0))
    bad_input("--spin-rate: expected a positive number of iterations per microsecond");
  if (!o.out.empty() && !bf.out.empty() && o.out != bf.out)
    bad_input("--out '" + o.out + "' and --benchmark_out '" + bf.out +
              "' name two files: give one");
  cl.out = o.out.empty() ? bf.out : o.out;
  if (!o.trace.empty() && o.run_one.empty() && !bf.list) check_writable("--trace", o.trace);
  if (!cl.out.empty() && !bf.list) check_writable("--out", cl.out);
  if (bf.min_time.empty()) {
    const std::string t = std::string("--benchmark_min_time=") + (o.suite == "quick" ? "0.05" : "0.5");
    bf.pass.push_back(t);
    bf.to_child.push_back(t);
  }
  return cl;
}

}  // namespace concbench
