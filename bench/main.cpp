// concbench: the command line (cli), the servers it uses or serves (services), the
// registration of the chosen suite (registration), the isolated runs (isolate), the display and
// the results file (reporter), and the exit status.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bench/cli.hpp"
#include "bench/floors.hpp"
#include "bench/harness.hpp"
#include "bench/isolate.hpp"
#include "bench/registration.hpp"
#include "bench/reporter.hpp"
#include "bench/results_file.hpp"
#include "bench/services.hpp"
#include "core/loop_watch.hpp"
#include "core/spin.hpp"
#include "core/trace.hpp"
#include "core/system.hpp"
#include "servers/postgres.hpp"

namespace concbench {
namespace {

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
  sigaction(SIGHUP, &sa, nullptr);  // a closed terminal or ssh session: as Ctrl-C
  signal(SIGPIPE, SIG_IGN);  // a peer that goes away is an error code, not a death
  // A file size limit (ulimit -f) is then a failed write, as a full disk is, not a death that
  // loses the results (Python ignores it too). Both are inherited through exec by what this
  // process starts (benchmark processes, servers, postgres, load tools), to the same effect.
  signal(SIGXFSZ, SIG_IGN);
}

std::string exact(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// What a benchmark's own process is given: the options that shape its run, the calibration.
std::vector<std::string> child_arguments(const CommandLine& cl) {
  const Options& o = cl.options;
  std::vector<std::string> a{"--suite=" + o.suite, "--spin-rate=" + exact(spin_iterations_per_us()),
                             "--progress=never", "--benchmark_format=json"};
  if (o.iterations > 0) a.push_back("--iterations=" + std::to_string(o.iterations));
  a.push_back("--slow-callback-ms=" + exact(o.slow_callback_ms));
  if (!o.trace.empty()) a.push_back("--trace=" + o.trace);
  if (o.no_loop_lag) a.push_back("--no-loop-lag");
  if (!o.at.empty()) a.push_back("--at=" + o.at);
  if (!o.echo_server.empty()) a.push_back("--echo-server=" + o.echo_server);
  if (!o.http_url.empty()) a.push_back("--http-url=" + o.http_url);
  a.insert(a.end(), cl.benchmark.to_child.begin(), cl.benchmark.to_child.end());
  return a;
}

std::unique_ptr<benchmark::BenchmarkReporter> display_reporter(const BenchmarkFlags& bf) {
  if (bf.format == "json") return std::make_unique<benchmark::JSONReporter>();
  int opts = benchmark::ConsoleReporter::OO_None;
  if (isatty(1)) opts |= benchmark::ConsoleReporter::OO_Color;
  if (bf.tabular) opts |= benchmark::ConsoleReporter::OO_Tabular;
  return std::make_unique<benchmark::ConsoleReporter>(
      benchmark::ConsoleReporter::OutputOptions(opts));
}

void initialize_google_benchmark(char* argv0, const std::vector<std::string>& flags) {
  // Google Benchmark keeps pointers into argv (its context's executable name): they must
  // outlive the run.
  static std::vector<std::string> gb_args;
  gb_args = {argv0};
  gb_args.insert(gb_args.end(), flags.begin(), flags.end());
  static std::vector<char*> gb_argv;
  for (auto& s : gb_args) gb_argv.push_back(s.data());
  gb_argv.push_back(nullptr);
  int gb_argc = int(gb_args.size());
  // Milliseconds unless --benchmark_time_unit says otherwise: Initialize sets the default
  // only when the flag is given, and every benchmark takes the default (registration).
  benchmark::SetDefaultTimeUnit(benchmark::kMillisecond);
  benchmark::Initialize(&gb_argc, gb_argv.data());
  if (gb_argc > 1) {
    std::string unknown;
    for (int i = 1; i < gb_argc; ++i) unknown += std::string(" ") + gb_argv[std::size_t(i)];
    bad_input("unrecognised Google Benchmark flag or value:" + unknown);
  }
}

int run(int argc, char** argv) {
  install_signal_handlers();
  const CommandLine cl = parse_command_line(argc, argv);
  const Options& o = cl.options;
  const BenchmarkFlags& bf = cl.benchmark;
  use_services(o, cl.benchmark.list);
  if (!o.serve.empty()) return serve_until_interrupted(o.serve);
  initialize_google_benchmark(argv[0], bf.pass);
  if (o.spin_rate > 0) set_spin_rate(o.spin_rate);
  loop_watch::set_threshold(std::chrono::nanoseconds(int64_t(o.slow_callback_ms * 1e6)));
  loop_watch::set_lag_probe(!o.no_loop_lag);
  Suite suite{o.suite, available_cores()};
  if (!o.at.empty()) {
    const AtPoint at = parse_at(o.at);
    suite.at_workload = at.workload;
    suite.at = at.params;
  }

  // The child of an isolated run: one benchmark, JSON on stdout, nothing else.
  if (!o.run_one.empty()) {
    if (register_suite(suite, o.iterations, o.run_one).empty())
      bad_input("--run-one '" + o.run_one + "': no such benchmark in the " + suite.name + " suite");
    TeeReporter tee(std::make_unique<benchmark::JSONReporter>(), nullptr);
    if (!o.trace.empty()) trace::start(o.trace, /*merge=*/false);  // its part of the trace
    benchmark::RunSpecifiedBenchmarks(&tee);
    benchmark::Shutdown();
    if (!o.trace.empty()) trace::finish();
    if (const int sig = interrupt_signal()) return 128 + sig;
    return tee.failed > 0 ? 1 : 0;
  }

  const Filter filter(bf.filter);
  const bool isolated = !o.no_isolate && !bf.list;
  const std::vector<std::string> all = suite_names(suite, o.iterations);
  std::vector<std::string> selected;
  for (const auto& name : all)
    if (filter.matches(name)) selected.push_back(name);
  if (selected.empty())
    bad_input("--benchmark_filter '" + bf.filter + "' matches none of the " +
              std::to_string(all.size()) + " benchmarks of the " + suite.name +
              " suite (see --benchmark_list_tests)");
  if (bf.list) {
    for (const auto& name : selected) std::cout << name << "\n";
    return 0;
  }

  spin_iterations_per_us();  // calibrate once, before any benchmark forks a worker
  g_progress.enabled = o.progress == "always" || (o.progress == "auto" && isatty(2));
  g_progress.total = selected.size();

  // One throwaway PostgreSQL for the run's db benchmarks, stopped when the run ends.
  std::shared_ptr<PgService> pg;
  if (isolated && std::any_of(selected.begin(), selected.end(), [](const std::string& n) { return n.starts_with("db"); }))
    pg = PgService::share_for_run();
  nlohmann::ordered_json context = build_context(o, suite, isolated);
  context["concbench_floors"] = measure_floors();
  if (!o.trace.empty()) {
    context["concbench_trace"] = {
        {"file", o.trace},
        {"event_ns", trace::event_cost_ns()},
        {"event_ns_how", "one slice recorded into a thread's buffer, mean of 100,000 on this "
                         "machine; off, a site costs one relaxed load and a branch"},
        {"published", "Chromium's trace macros: 'when running, a few thousand clocks at most; "
                      "when tracing is not turned on, at most a few dozen clocks' (The Trace "
                      "Event Profiling Tool, tracing-event-instrumentation)"}};
    trace::start(o.trace, /*merge=*/true);
  }
  std::optional<ResultsFile> file;
  if (!cl.out.empty()) file.emplace(cl.out, context);
  TeeReporter tee(display_reporter(bf), file ? &*file : nullptr);
  if (isolated) {
    if (bf.interleave) std::shuffle(selected.begin(), selected.end(), std::mt19937{std::random_device{}()});
    benchmark::BenchmarkReporter::Context::executable_name = argv[0];
    benchmark::BenchmarkReporter::Context context;
    context.name_field_width = 0;  // Google Benchmark 1.7.1 leaves it uninitialised
    for (const auto& n : selected) context.name_field_width = std::max(context.name_field_width, n.size());
    tee.ReportContext(context);
    run_isolated(selected, child_arguments(cl), tee, [&pg](const std::string& name) {
      if (pg && name.starts_with("db") && !pg->alive()) {  // it died under an earlier benchmark
        pg.reset();
        unsetenv("CONCBENCH_PG_RUN");
        pg = PgService::share_for_run();
      }
    });
    tee.Finalize();
  } else {
    register_suite(suite, o.iterations);
    set_progress_hook([](const std::string& name) { g_progress.begin(name); });
    benchmark::RunSpecifiedBenchmarks(&tee);
  }
  benchmark::Shutdown();

  std::string trace_error;
  const bool trace_ok = o.trace.empty() || trace::finish(&trace_error);
  // A results file that could not be written is tried once more (room may have been made),
  // then rescued elsewhere: results are never lost to a full disk or a removed folder.
  const bool lost = file && tee.write_failed && !file->write();  // which refreshes the copy
  const std::string why = lost ? std::strerror(errno) : "";
  const std::string rescued = lost ? file->rescued() : "";
  std::cerr << "concbench: " << g_progress.done << " of " << selected.size() << " benchmarks ran, "
            << tee.failed << " failed, " << tee.skipped << " skipped (machine limits)";
  if (file && !lost) std::cerr << "; results in " << file->path();
  if (!o.trace.empty() && trace_ok) std::cerr << "; trace in " << o.trace << " (ui.perfetto.dev)";
  std::cerr << "\n";
  if (!trace_ok) std::cerr << "concbench: the trace could not be written: " << trace_error << "\n";
  if (lost && !rescued.empty())
    std::cerr << "concbench: the results file " << file->path() << " could not be written (" << why
              << "): every result is in " << rescued << " instead\n";
  if (lost && rescued.empty())
    std::cerr << "concbench: the results file " << file->path() << " could not be written (" << why
              << "), nor a copy in " << join(ResultsFile::rescue_folders(), " or ")
              << ": the results follow as JSON\n"
              << file->text();
  if (const int sig = interrupt_signal()) {
    std::cerr << "concbench: interrupted by " << strsignal(sig)
              << (file && !lost ? "; the results file holds every benchmark that finished" : "") << "\n";
    return 128 + sig;
  }
  if (lost || !trace_ok) return kCannotWrite;
  return tee.failed > 0 ? 1 : 0;
}

}  // namespace
}  // namespace concbench

int main(int argc, char** argv) { return concbench::run(argc, argv); }
