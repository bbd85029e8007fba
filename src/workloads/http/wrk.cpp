// http.peer on `wrk`: the field's own load tool against the same embedded server, the same
// connections, in the same run: wrk -c C -t W -d 1s --latency (W = `workers`:
// 1, one event loop as `coro`, and the core count, as the clients that use every core),
// its requests per second and latency percentiles recorded beside the models' (the report
// shows each model's ratio to it). Skipped, with the command that fixes it, where wrk is not
// installed. wrk has no open loop (wrk2 has; Debian does not package it).
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <regex>
#include <stdexcept>
#include <string>

#include "core/fault.hpp"
#include "core/system.hpp"
#include "workloads/http/http.hpp"

namespace concbench::http {
namespace {

// "1.31ms" -> microseconds.
double to_us(const std::string& value, const std::string& unit) {
  const double v = std::stod(value);
  if (unit == "us") return v;
  if (unit == "ms") return v * 1e3;
  if (unit == "s") return v * 1e6;
  return v * 60e6;  // m
}

// wrk's Lua hook run once after its report: its fastest request, which the check needs (a
// median under load can exceed a skipped delay; the fastest of thousands cannot). A script with
// only done() keeps wrk's static request and skips response parsing: no cost per request.
constexpr char kDoneScript[] =
    "done = function(summary, latency, requests)\n"
    "  io.write(string.format(\"Latency min: %dus\\n\", latency.min))\n"
    "end\n";

// Held in memory (memfd), never on disk: nothing is left behind on a kill; wrk opens it through
// this process's /proc entry.
struct Script {
  int fd = memfd_create("concbench-wrk.lua", MFD_CLOEXEC);
  std::string path = "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fd);
  Script() {
    if (fd >= 0 && ::write(fd, kDoneScript, sizeof kDoneScript - 1) == ssize_t(sizeof kDoneScript - 1)) return;
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot hold wrk's script in memory: " + why);
  }
  ~Script() {
    if (fd >= 0) ::close(fd);
  }
  Script(const Script&) = delete;
  Script& operator=(const Script&) = delete;
};

struct Peer {
  HttpService server;
  Script script;
};

const Workload& peer_workload() {
  static const Workload w{
      .name = "http.peer",
      .kind = Kind::scenario,
      .reference = unprepared([](const Params& p) {
            Batch b;
            b.results.push_back({mix64(uint64_t(p.get("concurrency"))), 0});
            return b;
          }),
      .question = "The field's own tool on the same server: what wrk gets with the same "
                  "connections, beside which the http clients stand.",
      .figures = {{"wrk_requests_per_s", "1/s", "wrk's requests per second (its Requests/sec)"},
                  {"wrk_lat_p50_us", "us", "wrk's median latency (--latency)"},
                  {"wrk_lat_p99_us", "us", "wrk's 99th percentile latency (--latency)"},
                  {"wrk_cpu_per_request_us", "us",
                   "wrk's CPU (user and system) per request it made, its start included: if its "
                   "threads were the limit, requests per second would go as its inverse"}},
  };
  return w;
}

Batch run(Peer& peer, const Config& c, std::size_t jobs) {
  const Endpoint at = peer.server.endpoint();
  // The test's breakage, where there is no delay to skip: a path the server does not have
  // (its 404s must be seen).
  const bool broken = fault::skip_wait() && c.delay_us == 0;
  const std::string url = "http://" + at.str() + (broken ? std::string("/skipped") : target(1, c));
  const std::size_t threads = std::max<std::size_t>(1, std::min(c.concurrency, jobs));
  const ProgramRun w = run_program({"wrk", "-t" + std::to_string(threads), "-c" + std::to_string(c.concurrency),
                         "-d1s", "--timeout", "10s", "--latency", "-s", peer.script.path, url});  // a 2 s default timeout fails a loaded machine's run
  Batch b;
  std::smatch m;
  const std::regex rps(R"(Requests/sec:\s+([0-9.]+))");
  const std::regex p50(R"(\n\s+50%\s+([0-9.]+)(us|ms|s|m)\b)");
  const std::regex p99(R"(\n\s+99%\s+([0-9.]+)(us|ms|s|m)\b)");
  if (!WIFEXITED(w.status) || WEXITSTATUS(w.status) != 0 || !std::regex_search(w.out, m, rps)) {
    b.errors.push_back("wrk failed: " + w.out.substr(0, 300));
    return b;
  }
  const double requests = std::stod(m[1]);
  if (w.out.find("Non-2xx") != std::string::npos || w.out.find("Socket errors") != std::string::npos) {
    b.errors.push_back("wrk saw errors: " + w.out.substr(0, 400));
    return b;
  }
  b.figures.emplace_back("wrk_requests_per_s", requests);
  if (std::regex_search(w.out, m, std::regex(R"(([0-9]+) requests in )")) && std::stod(m[1]) > 0 && w.cpu_s > 0)
    b.figures.emplace_back("wrk_cpu_per_request_us", w.cpu_s * 1e6 / std::stod(m[1]));
  if (std::regex_search(w.out, m, p50)) b.figures.emplace_back("wrk_lat_p50_us", to_us(m[1], m[2]));
  if (std::regex_search(w.out, m, p99)) b.figures.emplace_back("wrk_lat_p99_us", to_us(m[1], m[2]));
  if (!std::regex_search(w.out, m, std::regex(R"(Latency min: ([0-9]+)us)"))) {
    b.errors.push_back("wrk did not report its fastest request: " + w.out.substr(0, 300));
    return b;
  }
  if (const double fastest = std::stod(m[1]); fastest < double(c.delay_us)) {
    b.errors.push_back("wrk's fastest request took " + std::to_string(int64_t(fastest)) + " us, under the server's " +
                       std::to_string(c.delay_us) + " us delay: the delay was not applied");
    return b;
  }
  b.results.push_back({mix64(uint64_t(c.concurrency)), 0});
  return b;
}

const bool registered = register_case({
    .workload = &peer_workload(),
    .model = "wrk",
    .grid =
        [](const Suite& s) {
          std::vector<Params> points;
          for (const Params& p : grid(s, IoShape::loop))
            if (!p.has("rate")) points.push_back(p);
          return peer_points(s, points);
        },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          const auto jobs = std::size_t(p.get("workers"));
          return make_trial<Peer>(std::make_unique<Peer>(), [c, jobs](Peer& peer) { return run(peer, c, jobs); });
        },
    .needs =
        [](const Params& p) {
          return Needs{.threads = p.get("workers"), .descriptors = p.get("concurrency"),
                       .programs = {{"wrk", "wrk"}}};
        },
});

}  // namespace
}  // namespace concbench::http
