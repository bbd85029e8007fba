#include "workloads/http/http.hpp"


#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <cmath>
#include <stdexcept>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include "core/fault.hpp"
#include "models/engines.hpp"
#include "core/inflight.hpp"

namespace concbench::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

Config config(const Params& p) {
  const auto c = p.get("concurrency");
  // An open loop runs 1 s of its schedule: its tail is not that of the first milliseconds.
  const int64_t tasks = std::max<int64_t>({8 * c, 2000, p.get_or("rate", 0)});
  Config out{std::size_t(p.get_or("tasks", tasks)), std::size_t(c), uint64_t(p.get("delay_us")),
             std::size_t(p.get("body_bytes")), p.get_or("rate", 0)};
  if (HttpService::external_url()) {  // its own body, and no delay asked
    out.delay_us = 0;
    out.body_bytes = external_body().size();
  }
  return out;
}

const std::string& external_body() {
  static const std::string body = [] {
    const auto url = HttpService::external_url();
    if (!url) throw std::logic_error("http: no external server");
    asio::io_context io;
    tcp::socket s(io);
    s.connect({asio::ip::make_address(url->at.host), url->at.port});
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, url->target, 11};
    req.set(bhttp::field::host, url->at.host);
    bhttp::write(s, req);
    beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(s, buf, res);
    if (res.result() != bhttp::status::ok)
      throw std::runtime_error("GET " + url->str() + ": status " + std::to_string(res.result_int()));
    return res.body();
  }();
  return body;
}

std::string expected_body(std::size_t i, const Config& c) {
  return HttpService::external_url() ? external_body() : http_body(i, c.body_bytes);
}

std::string target(std::size_t i, const Config& c) {
  if (const auto url = HttpService::external_url()) return url->target;
  return http_target(i, asked_delay(c), c.body_bytes);
}

uint64_t value_of(std::string_view body) {
  // Every byte counts, 32 bytes a step on four independent chains (the CPU runs them side by
  // side; one chain waits on its own multiplies), each word folded in by an odd multiply (a
  // bijection: a changed word changes its chain), the chains mixed at the end. A byte-wise
  // FNV-1a cost 1.6 us per KiB on the client's thread; one mix64 chain 0.45 us per KiB, a
  // third of a 64 KiB request's client CPU.
  constexpr uint64_t odd = 0x9E3779B97F4A7C15ull;
  uint64_t h[4] = {mix64(body.size()), mix64(body.size() ^ 1), mix64(body.size() ^ 2), mix64(body.size() ^ 3)};
  const char* at = body.data();
  std::size_t k = 0;
  for (; k + 32 <= body.size(); k += 32) {
    for (int j = 0; j < 4; ++j) {
      uint64_t w;
      std::memcpy(&w, at + k + 8 * j, 8);
      h[j] = (h[j] ^ w) * odd;
    }
  }
  for (int j = 0; k + 8 <= body.size(); k += 8, ++j) {
    uint64_t w;
    std::memcpy(&w, at + k, 8);
    h[j] = (h[j] ^ w) * odd;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, at + k, body.size() - k);
  return mix64(mix64(h[0]) ^ mix64(h[1] + 1) ^ mix64(h[2] + 2) ^ mix64(h[3] + 3) ^ mix64(tail ^ 4));
}

uint64_t asked_delay(const Config& c) { return fault::skip_wait() ? 0 : c.delay_us; }

namespace {
// The GET as bytes, as a load generator sends it (wrk builds its request once): the same
// bytes Beast's serializer writes for an HTTP/1.1 request with a Host field (keep-alive is
// 1.1's default), without a serializer per request. Responses are parsed by Beast.
std::string request(std::size_t i, const Config& c) {
  const auto url = HttpService::external_url();  // the Host its first GET was fetched with
  std::string out;
  out.reserve(96);
  out.append("GET ").append(target(i, c)).append(" HTTP/1.1\r\nHost: ");
  out.append(url ? url->at.host : std::string("127.0.0.1")).append("\r\n\r\n");
  return out;
}

// `sent`: when the request went out (the server's delay is the least it can take); `t0`:
// where its latency counts from (due time in an open loop, which includes queueing).
TaskResult checked(std::size_t i, const Config& c, const bhttp::response<bhttp::string_body>& res,
                   Clock::time_point sent, Clock::time_point t0) {
  const auto took = Clock::now() - sent;
  // The server's own account of its wait, where it gives one (the embedded one does): the
  // client's clock alone counts queueing too, and on a loaded machine a reply whose wait was
  // skipped can still take longer than the delay.
  if (const auto timing = res.find("Server-Timing"); timing != res.end()) {
    const auto waited = server_timing_us({timing->value().data(), timing->value().size()});
    if (waited && *waited < c.delay_us)
      throw std::runtime_error("GET item " + std::to_string(i) + ": the server waited " + std::to_string(*waited) +
                               " us, less than its " + std::to_string(c.delay_us) +
                               " us delay: the wait was skipped");
  }
  if (took < std::chrono::microseconds(c.delay_us))
    throw std::runtime_error("GET item " + std::to_string(i) + " answered in " +
                             std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(took).count()) +
                             " us, less than the server's " + std::to_string(c.delay_us) +
                             " us delay: the wait was skipped");
  if (res.result() != bhttp::status::ok)
    throw std::runtime_error("GET item " + std::to_string(i) + ": status " +
                             std::to_string(res.result_int()));
  if (res.body().size() != c.body_bytes)
    throw std::runtime_error("GET item " + std::to_string(i) + ": " + std::to_string(res.body().size()) +
                             " bytes, expected " + std::to_string(c.body_bytes));
  return {value_of(res.body()), uint64_t(std::chrono::nanoseconds(Clock::now() - t0).count())};
}

tcp::endpoint to_asio(const Endpoint& e) { return {asio::ip::make_address(e.host), e.port}; }
}  // namespace

// A connection's read buffer, made room for before the first read. Beast reads into what a
// flat_buffer has free, at least 512 bytes, and a buffer that starts empty stays at 512 once
// each message is consumed, so that a large response takes many small reads (docs/findings.md).
// wrk reads 8 KiB at a time; 16 KiB here.
constexpr std::size_t kReadBuffer = 16 * 1024;

bool Keeper::must_reopen(const tcp::socket& s) const {
  if (!error_.empty()) throw std::runtime_error("its connection broke on an earlier request: " + error_);
  return !s.is_open();
}

void Keeper::broken(tcp::socket& s, const std::exception& e) {
  boost::system::error_code ignored;
  s.close(ignored);
  error_ = e.what();
}

void Keeper::answered(tcp::socket& s, bool keep_alive) {
  if (keep_alive) return;
  boost::system::error_code ignored;
  s.close(ignored);
}

Connection::Connection(const Endpoint& e) : at_(to_asio(e)) {
  open();
  buffer_.reserve(kReadBuffer);
}

void Connection::open() {
  socket_.connect(at_);
  socket_.set_option(tcp::no_delay(true));
}

// The test's breakage where there is no delay to skip: no request at all.
bool skip_request(const Config& c) { return fault::skip_wait() && c.delay_us == 0; }

TaskResult Connection::get(std::size_t i, const Config& c, const Schedule& s) {
  if (s.open()) std::this_thread::sleep_until(s.due(i));
  if (skip_request(c)) return {};
  inflight::Scope waiting;
  const auto sent = Clock::now();
  bhttp::response<bhttp::string_body> res;
  try {
    if (keeper_.must_reopen(socket_)) {
      open();
      buffer_.clear();
    }
    asio::write(socket_, asio::buffer(request(i, c)));
    bhttp::read(socket_, buffer_, res);
  } catch (const boost::system::system_error& e) {
    keeper_.broken(socket_, e);
    throw;
  }
  Keeper::answered(socket_, res.keep_alive());
  return checked(i, c, res, sent, s.since(i, sent));
}

Connection& process_connection(const Endpoint& e) {
  static std::unique_ptr<Connection> conn;
  if (!conn) conn = std::make_unique<Connection>(e);
  return *conn;
}

Lanes::Lanes(asio::io_context& loop, const Endpoint& e, std::size_t n) : at(to_asio(e)) {
  sockets.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    sockets.emplace_back(loop);
    sockets.back().connect(at);
    sockets.back().set_option(tcp::no_delay(true));
  }
  buffers.resize(n);
  for (auto& b : buffers) b.reserve(kReadBuffer);
  keepers.resize(n);
}

asio::awaitable<TaskResult> async_get(Lanes& lanes, std::size_t lane, std::size_t i, Config c,
                                      const Schedule& sched) {
  auto& s = lanes.sockets[lane];
  if (sched.open() && Clock::now() < sched.due(i)) {
    asio::steady_timer due(s.get_executor(), sched.due(i));
    co_await due.async_wait(asio::use_awaitable);
  }
  if (skip_request(c)) co_return TaskResult{};
  inflight::Scope waiting;
  const auto sent = Clock::now();
  const std::string req = request(i, c);
  bhttp::response<bhttp::string_body> res;
  Keeper& keeper = lanes.keepers[lane];
  try {
    if (keeper.must_reopen(s)) {
      co_await s.async_connect(lanes.at, asio::use_awaitable);
      s.set_option(tcp::no_delay(true));
      lanes.buffers[lane].clear();
    }
    co_await asio::async_write(s, asio::buffer(req), asio::use_awaitable);
    co_await bhttp::async_read(s, lanes.buffers[lane], res, asio::use_awaitable);
  } catch (const boost::system::system_error& e) {
    keeper.broken(s, e);
    throw;
  }
  Keeper::answered(s, res.keep_alive());
  co_return checked(i, c, res, sent, sched.since(i, sent));
}

const Workload& workload() {
  static const Workload w{
      .name = "http",
      .kind = Kind::io,
      .reference = unprepared([](const Params& p) {
            const Config c = config(p);
            Batch b;
            b.results.resize(c.tasks);
            for (std::size_t i = 0; i < c.tasks; ++i) b.results[i].value = value_of(expected_body(i, c));
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
      .bytes = [](const Params& p) { return int64_t(config(p).tasks * config(p).body_bytes); },
      .ideal_seconds =
          [](const Params& p, int) {
            const Config c = config(p);
            const double closed = std::ceil(double(c.tasks) / double(c.concurrency)) * double(c.delay_us) * 1e-6;
            if (c.rate <= 0) return closed;
            // the last request cannot be sent before it is due
            return std::max(closed, Schedule(c.tasks, c.rate).span_seconds());
          },
      .in_flight = [](const Params& p) { return p.get("concurrency"); },
      .wait_floor_us = [](const Params& p) { return int64_t(config(p).delay_us); },
  };
  return w;
}

std::vector<Params> grid(const Suite& s, IoShape shape) {
  std::vector<Params> points;
  if (s.quick()) {
    points.push_back({{"concurrency", 16}, {"delay_us", 0}, {"body_bytes", 1024}});  // throughput
    points.push_back({{"concurrency", 100}, {"delay_us", 1000}, {"body_bytes", 1024}});
    for (int64_t r : {10000, 40000})  // the open loop, below and near this machine's capacity
      points.push_back({{"concurrency", 100}, {"delay_us", 1000}, {"body_bytes", 1024}, {"rate", r}});
  } else {
    // The open loop's sweep ends at the physical limit, C / delay = 100,000/s, which no
    // client carries under a p99 target: each model's capacity is measured, not capped.
    for (int64_t r : {5000, 10000, 20000, 30000, 40000, 60000, 80000, 100000})
      points.push_back({{"concurrency", 100}, {"delay_us", 1000}, {"body_bytes", 1024}, {"rate", r}});
    for (int64_t c : {10, 100, 1000})
      for (int64_t b : {1024, 65536}) points.push_back({{"concurrency", c}, {"delay_us", 1000}, {"body_bytes", b}});
    for (int64_t c : {16, 100}) points.push_back({{"concurrency", c}, {"delay_us", 0}, {"body_bytes", 1024}});
    points.push_back({{"concurrency", 16}, {"delay_us", 1000}, {"body_bytes", 1024}});
  }
  if (const Params* at = s.at_for("http"))
    points = {{{"concurrency", at->get("concurrency")}, {"delay_us", at->get("delay_us")}, {"body_bytes", 1024}}};
  if (HttpService::external_url()) {  // an external server: its own body at no delay, one point each
    const auto size = int64_t(external_body().size());
    std::vector<Params> none;
    for (Params p : points) {
      p.set("delay_us", 0);
      p.set("body_bytes", size);
      if (std::find_if(none.begin(), none.end(), [&](const Params& q) { return q.str() == p.str(); }) == none.end())
        none.push_back(p);
    }
    points = none;
  }
  return io_points(s, shape, points, false);
}

namespace {
std::vector<Params> blocking_grid(const Suite& s, std::string_view) { return grid(s, IoShape::blocking); }
Needs one_connection_each(const std::string& model, const Params& p) { return model_needs(model, p, 1); }
// The run: in a worker process (procs) each worker's own keep-alive connection, opened once
// before the timed runs; else C connections that workers borrow.
TaskList<std::function<TaskResult(std::size_t)>> task_list(const Params& p, std::string_view model) {
  const Config c = config(p);
  auto server = std::make_shared<HttpService>();  // forked before any thread starts
  const Endpoint at = server->endpoint();
  auto sched = std::make_shared<Schedule>(c.tasks, c.rate);  // before any fork: its start is shared
  const auto begin = [sched](const std::function<Batch()>& run) {
    sched->begin();
    return run();
  };
  if (model_kind(model)->workers == "processes")
    return {c.tasks, nullptr, begin, [at] { process_connection(at); },
            [c, at, sched, server](std::size_t i) { return process_connection(at).get(i, c, *sched); }};
  auto conns = std::make_shared<ConnectionPool>(c.concurrency, [&] { return std::make_unique<Connection>(at); });
  return {c.tasks,
          [c, server, conns, sched](std::size_t i) {
            return conns->with([&](Connection& k) { return k.get(i, c, *sched); });
          },
          begin};
}
// C workers, each request a blocking Beast GET, on the models whose workers block (as db:
// tbb_blocking for tbb, threads_ws left out; procs: C worker processes, one request per
// message).
const bool registered = register_on_engines(workload(), blocking_grid, task_list,
                                            {.blocking = true, .without = {"threads_ws"}, .processes = true,
                                             .depth = 1, .when = Prepared::before_engine,
                                             .needs = one_connection_each});
}  // namespace

}  // namespace concbench::http
