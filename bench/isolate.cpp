#include "bench/isolate.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/results_file.hpp"
#include "core/system.hpp"
#include "models/process_pool.hpp"

namespace concbench {

namespace {

using Run = benchmark::BenchmarkReporter::Run;
using Clock = std::chrono::steady_clock;

benchmark::TimeUnit unit_of(const std::string& u) {
  if (u == "ns") return benchmark::kNanosecond;
  if (u == "us") return benchmark::kMicrosecond;
  if (u == "s") return benchmark::kSecond;
  return benchmark::kMillisecond;
}

// An error entry for a benchmark whose process ended without reporting it.
Run error_run(const std::string& name, int64_t family_index, const std::string& why) {
  Run r;
  r.run_name.function_name = name;
  r.family_index = family_index;
  r.per_family_instance_index = 0;
  r.run_type = Run::RT_Iteration;
  r.repetition_index = 0;
  r.repetitions = 1;
  r.time_unit = benchmark::GetDefaultTimeUnit();
  r.error_occurred = true;
  r.error_message = name + ": " + why;
  r.statistics = nullptr;
  return r;
}

struct Child {
  std::string out;  // its stdout: Google Benchmark JSON
  int status = 0;
  bool stopped_by_us = false;
};

// Runs one child in its own process group; forwards SIGINT/SIGTERM/SIGHUP to it and kills the group
// 1.5 s later if it has not ended.
Child run_child(const std::vector<std::string>& args) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(p[0]);
    close(p[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a parent killed outright takes its child with it
    if (getppid() != parent) _exit(1);
    dup2(p[1], 1);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here: no window in which a signal would reach the wrong group
  close(p[1]);
  Child c;
  std::optional<Clock::time_point> forwarded;
  bool eof = false;
  char buf[65536];
  for (;;) {
    if (interrupted() && !forwarded) {
      forwarded = Clock::now();
      c.stopped_by_us = true;
      kill(-pid, interrupt_signal());
    }
    if (forwarded && Clock::now() - *forwarded > std::chrono::milliseconds(1500))
      kill(-pid, SIGKILL);
    if (!eof) {
      pollfd pf{p[0], POLLIN, 0};
      const int r = poll(&pf, 1, 50);
      if (r > 0) {
        const ssize_t n = read(p[0], buf, sizeof buf);
        if (n > 0)
          c.out.append(buf, std::size_t(n));
        else if (n == 0 || (errno != EINTR && errno != EAGAIN))
          eof = true;
      }
      continue;
    }
    const pid_t w = waitpid(pid, &c.status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  close(p[0]);
  kill(-pid, SIGKILL);  // whatever the child left in its group (none, normally)
  return c;
}

}  // namespace

std::vector<Run> runs_from_json(const std::string& json_text, int64_t family_index) {
  const auto doc = nlohmann::json::parse(strict_json(json_text));
  if (!doc.contains("benchmarks") || !doc["benchmarks"].is_array())
    throw std::runtime_error("no \"benchmarks\" array");
  static const std::set<std::string> known{
      "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
      "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit",
      "aggregate_name", "aggregate_unit", "error_occurred", "error_message", "label",
      "big_o", "rms"};
  std::vector<Run> runs;
  for (const auto& b : doc["benchmarks"]) {
    Run r;
    r.run_name.function_name = b.value("run_name", b.value("name", std::string()));
    r.family_index = family_index;
    r.per_family_instance_index = 0;
    r.run_type = b.value("run_type", std::string("iteration")) == "aggregate" ? Run::RT_Aggregate
                                                                              : Run::RT_Iteration;
    r.aggregate_name = b.value("aggregate_name", std::string());
    r.aggregate_unit = b.value("aggregate_unit", std::string("time")) == "percentage"
                           ? benchmark::kPercentage
                           : benchmark::kTime;
    r.report_label = b.value("label", std::string());
    r.error_occurred = b.value("error_occurred", false);
    r.error_message = b.value("error_message", std::string());
    r.iterations = b.value("iterations", int64_t(0));
    r.threads = b.value("threads", int64_t(1));
    r.repetition_index = b.value("repetition_index", int64_t(0));
    r.repetitions = b.value("repetitions", int64_t(1));
    r.time_unit = unit_of(b.value("time_unit", std::string("ms")));
    r.statistics = nullptr;
    const auto num = [&](const char* k) {
      return b.contains(k) && b[k].is_number() ? b[k].get<double>() : 0.0;
    };
    // Google Benchmark writes accumulated time / iterations in the unit (a percentage as is).
    if (r.run_type == Run::RT_Aggregate && r.aggregate_unit == benchmark::kPercentage) {
      r.real_accumulated_time = num("real_time");
      r.cpu_accumulated_time = num("cpu_time");
    } else {
      const double per = double(std::max<int64_t>(1, r.iterations)) /
                         benchmark::GetTimeUnitMultiplier(r.time_unit);
      r.real_accumulated_time = num("real_time") * per;
      r.cpu_accumulated_time = num("cpu_time") * per;
    }
    for (const auto& [k, v] : b.items()) {
      if (known.count(k) || !v.is_number()) continue;
      const bool rate = k == "items_per_second" || k == "bytes_per_second";
      r.counters[k] = benchmark::Counter(v.get<double>(), rate ? benchmark::Counter::kIsRate
                                                              : benchmark::Counter::kDefaults);
    }
    runs.push_back(std::move(r));
  }
  return runs;
}

void run_isolated(const std::vector<std::string>& names, const std::vector<std::string>& child_args,
                  TeeReporter& tee, const std::function<void(const std::string&)>& before) {
  for (std::size_t k = 0; k < names.size() && !interrupted(); ++k) {
    const std::string& name = names[k];
    g_progress.begin(name);
    if (before) before(name);
    std::vector<std::string> args{"concbench"};
    args.insert(args.end(), child_args.begin(), child_args.end());
    args.push_back("--run-one=" + name);
    std::vector<Run> runs;
    try {
      const Child c = run_child(args);
      if (c.stopped_by_us) break;  // interrupted: not a result
      try {
        runs = runs_from_json(c.out, int64_t(k));
      } catch (const std::exception&) {
        runs.clear();  // not Google Benchmark's JSON: reported below as an error entry
      }
      if (runs.empty()) {
        std::string why = "its benchmark process " + describe_exit(c.status) + " without results";
        if (WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGKILL)
          why += " (killed: out of memory?)";
        runs.push_back(error_run(name, int64_t(k), why));
      }
    } catch (const std::exception& e) {
      runs.push_back(error_run(name, int64_t(k), std::string("cannot start its process: ") + e.what()));
    }
    tee.ReportRuns(runs);
  }
}

}  // namespace concbench
