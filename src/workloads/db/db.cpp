#include "workloads/db/db.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <stdexcept>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/fault.hpp"
#include "models/engines.hpp"
#include "core/inflight.hpp"
#include "core/system.hpp"
#include "models/kinds.hpp"

namespace concbench::db {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {
const bool words = register_words("query", {"pk", "rw", "sleep", "builtin"});

[[noreturn]] void fail(PGconn* conn, const std::string& what) {
  std::string why = conn ? PQerrorMessage(conn) : "";
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  throw std::runtime_error(what + (why.empty() ? "" : ": " + why));
}

Result exec(PGconn* conn, const std::string& sql, ExecStatusType want) {
  Result r(PQexec(conn, sql.c_str()));
  if (PQresultStatus(r.get()) != want) fail(conn, "PostgreSQL: " + sql.substr(0, 60));
  return r;
}
}  // namespace

const char* query_name(Query q) {
  switch (q) {
    case Query::pk: return "pk";
    case Query::rw: return "rw";
    case Query::sleep: return "sleep";
    case Query::builtin: return "builtin";
  }
  return "?";
}

Config config(const Params& p) {
  const auto c = p.get("concurrency");
  // An open loop runs 1 s of its schedule (as its peer, pgbench -T 1 -R): its tail is not
  // that of the first milliseconds, when the connections are still cold.
  const int64_t tasks = std::max<int64_t>({8 * c, 2000, p.get_or("rate", 0)});
  return {Query(p.get("query")),
          std::size_t(p.get_or("tasks", tasks)),
          std::size_t(c),
          p.get_or("sleep_us", 0),
          p.get_or("rate", 0),
          std::size_t(std::max<int64_t>(1, p.get_or("depth", 1)))};
}

int64_t row_of(std::size_t i) { return int64_t((i * 7919) % uint64_t(kRows)) + 1; }
int64_t value_of_row(int64_t id) { return (id * 2654435761LL) % 4294967291LL; }

std::string statement(const Config& c) {
  switch (c.query) {
    case Query::pk: return "SELECT v FROM concbench_items WHERE id = $1";
    case Query::rw:
      return "WITH u AS (UPDATE concbench_items SET hits = hits + 1 WHERE id = $1 RETURNING v) "
             "INSERT INTO concbench_history (id, v) SELECT $1, v FROM u RETURNING v";
    case Query::sleep: return "SELECT v FROM concbench_items, pg_sleep($2::float8 / 1e6) WHERE id = $1";
    case Query::builtin: break;  // pgbench's own script: the peer only
  }
  throw std::invalid_argument("db: unknown query");
}

std::vector<std::string> parameters(const Config& c, std::size_t i) {
  std::vector<std::string> v{std::to_string(row_of(i))};
  if (c.query == Query::sleep) v.push_back(std::to_string(c.sleep_us));
  return v;
}

Conn connect(const std::string& conninfo, const Config& c) {
  Conn conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) fail(conn.get(), "cannot connect to " + hide_password(conninfo));
  Result r(PQprepare(conn.get(), "q", statement(c).c_str(), 0, nullptr));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(conn.get(), std::string("cannot prepare the ") + query_name(c.query) + " query");
  // Warm, before the timed runs: the backend's caches filled and, after PostgreSQL's five
  // custom plans, the statement's generic plan chosen (a sleep query asks no sleep here).
  Config warm = c;
  warm.sleep_us = 0;
  for (std::size_t k = 0; k < 6; ++k) {
    const auto texts = parameters(warm, k);
    std::vector<const char*> values;
    for (const auto& t : texts) values.push_back(t.c_str());
    Result w(PQexecPrepared(conn.get(), "q", int(values.size()), values.data(), nullptr, nullptr, 0));
    if (PQresultStatus(w.get()) != PGRES_TUPLES_OK) fail(conn.get(), std::string("the ") + query_name(c.query) + " query failed");
  }
  return conn;
}

void load(const std::string& conninfo) {
  Conn conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) fail(conn.get(), "cannot connect to " + hide_password(conninfo));
  PGconn* k = conn.get();
  exec(k, "SET client_min_messages = warning", PGRES_COMMAND_OK);
  exec(k, "CREATE TABLE IF NOT EXISTS concbench_items (id int PRIMARY KEY, v bigint NOT NULL, "
          "hits bigint NOT NULL DEFAULT 0)", PGRES_COMMAND_OK);
  exec(k, "CREATE TABLE IF NOT EXISTS concbench_history (id int NOT NULL, v bigint NOT NULL, "
          "at timestamptz NOT NULL DEFAULT now())", PGRES_COMMAND_OK);
  int64_t sum = 0;
  for (int64_t id = 1; id <= kRows; ++id) sum += value_of_row(id);
  Result have = exec(k, "SELECT count(*), coalesce(sum(v), 0) FROM concbench_items", PGRES_TUPLES_OK);
  if (std::stoll(PQgetvalue(have.get(), 0, 0)) == kRows && std::stoll(PQgetvalue(have.get(), 0, 1)) == sum) return;
  exec(k, "TRUNCATE concbench_items", PGRES_COMMAND_OK);
  exec(k, "INSERT INTO concbench_items (id, v) SELECT g, (g::bigint * 2654435761) % 4294967291 "
          "FROM generate_series(1, " + std::to_string(kRows) + ") g", PGRES_COMMAND_OK);
  exec(k, "VACUUM ANALYZE concbench_items", PGRES_COMMAND_OK);
}

uint64_t value_of(const PGresult* r, std::size_t i) {
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK)
    throw std::runtime_error("query " + std::to_string(i) + ": " + (r ? PQresStatus(st) : std::string("no result")) +
                             (r && *PQresultErrorMessage(r) ? std::string(": ") + PQresultErrorMessage(r) : ""));
  if (PQntuples(r) != 1 || PQnfields(r) != 1)
    throw std::runtime_error("query " + std::to_string(i) + ": " + std::to_string(PQntuples(r)) +
                             " rows, expected 1 (row " + std::to_string(row_of(i)) + ")");
  return uint64_t(std::stoll(PQgetvalue(r, 0, 0)));
}

namespace {
// The parameters as libpq takes them.
struct Args {
  explicit Args(const Config& c, std::size_t i) : texts(parameters(c, i)) {
    for (const auto& t : texts) values.push_back(t.c_str());
  }
  std::vector<std::string> texts;
  std::vector<const char*> values;
  int n() const { return int(values.size()); }
};
}  // namespace

TaskResult query(PGconn* conn, std::size_t i, const Config& c, const Schedule& s) {
  if (s.open()) std::this_thread::sleep_until(s.due(i));
  if (fault::skip_wait()) return {};  // the test's breakage: no query asked
  inflight::Scope waiting;
  const auto sent = Clock::now();
  const Args a(c, i);
  Result r(PQexecPrepared(conn, "q", a.n(), a.values.data(), nullptr, nullptr, 0));
  if (!r) fail(conn, "query " + std::to_string(i));
  const uint64_t v = value_of(r.get(), i);
  return {v, uint64_t(std::chrono::nanoseconds(Clock::now() - s.since(i, sent)).count())};
}

PGconn* process_connection(const std::string& conninfo, const Config& c) {
  static Conn conn;
  if (!conn) conn = connect(conninfo, c);
  return conn.get();
}

// One non-blocking connection on the loop. Its socket is awaited through a stream_descriptor
// on a dup() of libpq's, so that asio never closes libpq's descriptor. With depth 1 a query
// owns the connection from send to result. Pipelined (depth > 1), the lanes sharing it send
// when they like (each query followed by a sync point: its own implicit transaction, as
// without a pipeline) and take results in order; whichever lane's query is oldest reads
// for all (a leader), and wakes the next oldest when its own result is in.
class AsyncConn {
 public:
  AsyncConn(asio::io_context& loop, const std::string& conninfo, const Config& c)
      : conn_(connect(conninfo, c)), socket_(loop) {
    if (PQsetnonblocking(conn_.get(), 1) != 0) fail(conn_.get(), "cannot make the connection non-blocking");
    if (c.depth > 1 && PQenterPipelineMode(conn_.get()) != 1) fail(conn_.get(), "cannot enter pipeline mode");
    const int fd = dup(PQsocket(conn_.get()));
    if (fd < 0) throw std::runtime_error("dup of libpq's socket failed");
    socket_.assign(fd);
    pipelined_ = c.depth > 1;
  }

  asio::awaitable<uint64_t> run(std::size_t i, const Config& c) {
    PGconn* k = conn_.get();
    if (!dead_.empty()) throw std::runtime_error("query " + std::to_string(i) + ": " + dead_);
    const Args a(c, i);
    if (!PQsendQueryPrepared(k, "q", a.n(), a.values.data(), nullptr, nullptr, 0))
      fail(k, "query " + std::to_string(i));
    if (!pipelined_) {
      co_await flush(i);
      const Result r = co_await result(i);
      co_return value_of(r.get(), i);
    }
    if (!PQpipelineSync(k)) fail(k, "query " + std::to_string(i) + ": sync");
    // Queued as it went on the wire (before the flush, which may wait): results come in
    // this order.
    Waiter w{asio::steady_timer(socket_.get_executor(), Clock::time_point::max())};
    pending_.push_back(&w);
    try {
      co_await flush(i);
    } catch (const std::exception& e) {
      broken(e.what());
      throw;
    }
    while (!w.done) {
      if (pending_.front() == &w && !leading_) {
        leading_ = true;
        try {
          co_await lead(i);
        } catch (const std::exception& e) {
          leading_ = false;
          broken(e.what());  // every query in flight on it fails, and wakes
          throw;
        }
        leading_ = false;
        if (!pending_.empty()) pending_.front()->wake.cancel();  // the next oldest leads
      } else {
        co_await w.wake.async_wait(asio::as_tuple(asio::use_awaitable));
      }
    }
    if (!w.error.empty()) throw std::runtime_error(w.error);
    co_return value_of(w.result.get(), i);
  }

 private:
  struct Waiter {
    asio::steady_timer wake;
    Result result{};
    std::string error{};
    bool done = false;
  };

  asio::awaitable<void> flush(std::size_t i) {
    for (int f; (f = PQflush(conn_.get())) != 0;) {
      if (f < 0) fail(conn_.get(), "query " + std::to_string(i) + ": send");
      co_await socket_.async_wait(asio::posix::stream_descriptor::wait_write, asio::use_awaitable);
    }
  }

  // The connection failed under a pipeline: every query queued on it gets the error and is
  // woken; later ones fail at once.
  void broken(const std::string& why) {
    dead_ = why;
    for (Waiter* w : pending_) {
      if (w->error.empty()) w->error = why;
      w->done = true;
      w->wake.cancel();
    }
    pending_.clear();
  }

  asio::awaitable<void> readable() {
    co_await socket_.async_wait(asio::posix::stream_descriptor::wait_read, asio::use_awaitable);
    if (!PQconsumeInput(conn_.get())) fail(conn_.get(), "connection lost");
  }

  // Depth 1: the query's result, and the end of its results.
  asio::awaitable<Result> result(std::size_t i) {
    Result first;
    for (;;) {
      while (PQisBusy(conn_.get())) co_await readable();
      PGresult* r = PQgetResult(conn_.get());
      if (!r) break;
      if (!first) first.reset(r);
      else PQclear(r);
    }
    if (!first) fail(conn_.get(), "query " + std::to_string(i) + ": no result");
    co_return first;
  }

  // Pipelined: reads results for the oldest queries until `pending_`'s front (this lane's
  // query, at the start) is done; each query gives its result, a NULL, then a sync result.
  asio::awaitable<void> lead(std::size_t i) {
    Waiter* mine = pending_.front();
    PGconn* k = conn_.get();
    int nulls = 0;
    while (!mine->done) {
      while (PQisBusy(k)) co_await readable();
      PGresult* r = PQgetResult(k);
      if (!r) {  // the end of one query's results; its sync follows
        // A lost connection gives its error, then nothing ever again: not a result to wait for.
        if (PQstatus(k) == CONNECTION_BAD) fail(k, "query " + std::to_string(i) + ": connection lost");
        if (++nulls > 1) co_await readable();
        continue;
      }
      nulls = 0;
      Waiter* w = pending_.front();
      const ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        w->done = true;
        pending_.pop_front();
        if (w != mine) w->wake.cancel();
      } else if (st == PGRES_TUPLES_OK && !w->result) {
        w->result.reset(r);
      } else {
        if (w->error.empty())
          w->error = "query " + std::to_string(i) + " (pipelined): " + PQresStatus(st) + ": " + PQresultErrorMessage(r);
        PQclear(r);
      }
    }
  }

  Conn conn_;
  asio::posix::stream_descriptor socket_;
  bool pipelined_ = false;
  bool leading_ = false;
  std::deque<Waiter*> pending_;
  std::string dead_;  // why the connection failed, once it has
};

Lanes::Lanes(const std::vector<asio::io_context*>& loops, const std::string& conninfo, const Config& c) {
  if (c.depth > 1 && loops.size() > 1) throw std::invalid_argument("db: a pipeline's lanes share one loop");
  const std::size_t n = (c.concurrency + c.depth - 1) / c.depth;
  for (std::size_t k = 0; k < n; ++k)
    conns.push_back(std::make_unique<AsyncConn>(*loops[k % loops.size()], conninfo, c));
}
Lanes::~Lanes() = default;

asio::awaitable<TaskResult> async_query(Lanes& lanes, std::size_t lane, std::size_t i, Config c,
                                        const Schedule& s) {
  AsyncConn& conn = *lanes.conns[lane / c.depth];
  if (s.open() && Clock::now() < s.due(i)) {
    asio::steady_timer due(co_await asio::this_coro::executor, s.due(i));
    co_await due.async_wait(asio::use_awaitable);
  }
  if (fault::skip_wait()) co_return TaskResult{};  // the test's breakage: no query asked
  inflight::Scope waiting;
  const auto sent = Clock::now();
  const uint64_t v = co_await conn.run(i, c);
  co_return TaskResult{v, uint64_t(std::chrono::nanoseconds(Clock::now() - s.since(i, sent)).count())};
}

const Workload& workload() {
  static const Workload w{
      .name = "db",
      .kind = Kind::io,
      .reference = unprepared([](const Params& p) {
            const Config c = config(p);
            Batch b;
            b.results.resize(c.tasks);
            for (std::size_t i = 0; i < c.tasks; ++i) b.results[i].value = uint64_t(value_of_row(row_of(i)));
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
      .ideal_seconds =
          [](const Params& p, int) {
            const Config c = config(p);
            const double closed = std::ceil(double(c.tasks) / double(c.concurrency)) * double(c.sleep_us) * 1e-6;
            return c.rate <= 0 ? closed : std::max(closed, Schedule(c.tasks, c.rate).span_seconds());
          },
      .in_flight = [](const Params& p) { return p.get("concurrency"); },
      .wait_floor_us = [](const Params& p) { return p.get_or("sleep_us", 0); },
  };
  return w;
}

std::vector<Params> grid(const Suite& s, IoShape shape) {
  auto pt = [](Query q, int64_t c) {
    Params p{{"query", int64_t(q)}, {"concurrency", c}};
    if (q == Query::sleep) p.set("sleep_us", 1000);
    return p;
  };
  auto at_rate = [&](int64_t r) {
    Params p = pt(Query::pk, 16);
    p.set("rate", r);
    return p;
  };
  std::vector<Params> points;
  if (s.quick()) {
    points = {pt(Query::pk, 16), at_rate(10000), pt(Query::sleep, 100)};
  } else {
    for (int64_t c : {1, 16, 100}) points.push_back(pt(Query::pk, c));
    points.push_back(pt(Query::rw, 16));
    points.push_back(pt(Query::sleep, 100));
    // The open loop's sweep runs past what the machine can carry, so that a capacity is
    // measured, not capped by the grid. Past 80,000/s the rate doubles, up to 40,000/s per core.
    std::vector<int64_t> rates{2000, 5000, 10000, 20000, 30000, 40000, 60000, 80000};
    while (rates.back() * 2 <= 40000 * int64_t(available_cores())) rates.push_back(rates.back() * 2);
    for (int64_t r : rates) points.push_back(at_rate(r));
  }
  if (const Params* at = s.at_for("db")) {  // a wait in the server: the query's pg_sleep()
    Params p = pt(Query::sleep, at->get("concurrency"));
    p.set("sleep_us", at->get("sleep_us"));
    return io_points(s, shape, {p}, false);
  }
  std::vector<Params> out = io_points(s, shape, points, false);
  if (shape == IoShape::loop)  // pipeline mode: 4 queries in flight per connection
    for (const Params& p : points)
      if (Query(p.get("query")) == Query::pk && p.get("concurrency") == 16 && !p.has("rate")) {
        Params q = p;
        q.set("depth", 4);
        out.push_back(q);
      }
  return out;
}

Needs needs(const std::string& model, const Params& p) {
  Needs n = model_needs(model, p, 1);
  n.descriptors = std::max<int64_t>(n.descriptors, p.get("concurrency"));
  n.unavailable = PgService::unavailable();
  return n;
}

namespace {
std::vector<Params> blocking_grid(const Suite& s, std::string_view) { return grid(s, IoShape::blocking); }
std::vector<Params> loop_grid(const Suite& s, std::string_view model) { return grid(s, loop_shape(model)); }
// libpq in non-blocking mode with each connection's socket awaited through asio (asyncpg's
// shape): one connection per lane, or with depth:D one per D lanes in libpq's pipeline mode;
// the connections spread over the loops (pgbench -j's shape on coro_mt).
auto on_loops(const Params& p) {
  const Config c = config(p);
  auto server = PgService::get();
  load(server->conninfo());
  return [c, server](const std::vector<asio::io_context*>& loops) {
    auto lanes = std::make_shared<Lanes>(loops, server->conninfo(), c);
    auto sched = std::make_shared<Schedule>(c.tasks, c.rate);
    return LoopTasks{c.tasks, c.concurrency,
                     [c, server, lanes, sched](std::size_t i, std::size_t lane) {
                       return async_query(*lanes, lane, i, c, *sched);
                     },
                     [sched](const std::function<Batch()>& run) {
                       sched->begin();
                       return run();
                     }};
  };
}
const bool on_loops_registered = register_on_loops(workload(), loop_grid, on_loops, {.needs = needs});
// The run: in a worker process (procs) each worker's own connection, opened once before the
// timed runs; else C connections that workers borrow.
TaskList<std::function<TaskResult(std::size_t)>> task_list(const Params& p, std::string_view model) {
  const Config c = config(p);
  auto server = PgService::get();
  load(server->conninfo());
  auto sched = std::make_shared<Schedule>(c.tasks, c.rate);  // before any fork: its start is shared
  const auto begin = [sched](const std::function<Batch()>& run) {
    sched->begin();
    return run();
  };
  if (model_kind(model)->workers == "processes") {
    const std::string at = server->conninfo();
    return {c.tasks, nullptr, begin, [at, c] { process_connection(at, c); },
            [c, at, sched, server](std::size_t i) { return query(process_connection(at, c), i, c, *sched); }};
  }
  auto conns = std::make_shared<BorrowPool<Session>>(
      c.concurrency, [&] { return std::make_unique<Session>(Session{connect(server->conninfo(), c)}); });
  return {c.tasks,
          [c, server, conns, sched](std::size_t i) {
            return conns->with([&](Session& k) { return query(k.conn.get(), i, c, *sched); });
          },
          begin};
}
// C workers, each query a blocking libpq call, on the models whose workers block (tbb's
// suspended form of a query is not written: tbb_blocking stands for it; procs: C worker
// processes, one query per message). threads_ws is left out: with one query per worker at a
// time there is nothing for its queues to steal that threads' one queue does not hand out.
const bool registered = register_on_engines(workload(), blocking_grid, task_list,
                                            {.blocking = true, .without = {"threads_ws"}, .processes = true,
                                             .depth = 1, .when = Prepared::before_engine, .needs = needs});
}  // namespace

}  // namespace concbench::db
