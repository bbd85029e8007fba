// db.peer on `pgbench`: the field's own load tool against the same server, the same table and
// the same query, in the same run: a custom script of the db point's query
// (for query:pk, pgbench -S's SELECT on our table), prepared statements (-M prepared, as our
// clients), C clients on `workers` threads (-j: 1, one event loop as `coro`, and the core
// count, as `coro_mt`), 1 s; with `rate`, -R at the same rate (its
// latency then counts from each transaction's scheduled start, as ours). Every transaction's
// time comes from its per-transaction log (--log), from which the percentiles are taken.
// pgbench has no warm-up: each connection's first transaction prepares the statement on a
// fresh backend (measured: 1.5-5 ms, against 0.13 ms after), and with -R the transactions
// scheduled behind it wait. Our clients prepare before their timed region, so a closed-loop
// peer's percentiles leave out each connection's first transaction, and an open-loop peer
// runs 3 s (-T 3) and its figures are those of the transactions scheduled in its second
// second: 1 s of schedule on warm connections, with a second after it to drain (pgbench
// starts nothing scheduled before its end once -T is up, so a tail that lags would be lost).
// `query:builtin` is pgbench -S itself, its builtin select-only script on its own
// pgbench_accounts (scale 1: 100,000 rows, made by pgbench -i where the server has none, never
// replaced), beside every pk point, closed loop and with -R at the same rates: the tool exactly
// as its users run it (`pgbench -S -R`).
// Skipped, with the command that fixes it, where pgbench or the server is missing.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "core/fault.hpp"
#include "core/system.hpp"
#include "servers/pg_cluster.hpp"
#include "workloads/db/db.hpp"

namespace concbench::db {
namespace {

std::string script(const Config& c) {
  const std::string id = "\\set id random(1, " + std::to_string(kRows) + ")\n";
  if (fault::skip_wait()) return id;  // the test's breakage: transactions that ask nothing
  switch (c.query) {
    case Query::pk: return id + "SELECT v FROM concbench_items WHERE id = :id;\n";
    case Query::rw:
      return id + "WITH u AS (UPDATE concbench_items SET hits = hits + 1 WHERE id = :id RETURNING v) "
                  "INSERT INTO concbench_history (id, v) SELECT :id, v FROM u RETURNING v;\n";
    case Query::sleep:
      return id + "SELECT v FROM concbench_items, pg_sleep(" + std::to_string(double(c.sleep_us) * 1e-6) +
             ") WHERE id = :id;\n";
    case Query::builtin: break;  // -S
  }
  return id;
}

// Index scans of the table so far, as the server counts them (each of the queries is one): how
// the run checks that pgbench's transactions reached the server.
int64_t lookups(PGconn* monitor, const char* table = "concbench_items") {
  Result r(PQexec(monitor, (std::string("SELECT coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = '") +
                            table + "'").c_str()));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1)
    throw std::runtime_error(std::string("cannot read the server's statistics: ") + PQerrorMessage(monitor));
  return std::stoll(PQgetvalue(r.get(), 0, 0));
}

struct Peer {
  std::shared_ptr<PgService> server = PgService::get();
  std::filesystem::path dir;
  Conn monitor;
  Peer() {
    load(server->conninfo());
    monitor.reset(PQconnectdb(server->conninfo().c_str()));
    if (PQstatus(monitor.get()) != CONNECTION_OK)
      throw std::runtime_error("cannot connect to " + hide_password(server->conninfo()));
    std::string templ = (std::filesystem::temp_directory_path() / "concbench-pgbench.XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("cannot create " + templ);
    dir = templ;
  }
  ~Peer() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const Workload& peer_workload() {
  static const Workload w{
      .name = "db.peer",
      .kind = Kind::scenario,
      .reference = unprepared([](const Params& p) {
            Batch b;
            b.results.push_back({mix64(uint64_t(p.get("concurrency"))), 0});
            return b;
          }),
      .question = "The field's own tool on the same server: what pgbench gets with the same "
                  "query and clients (and, in an open loop, the same rate), beside which the db "
                  "clients stand.",
      .figures = {{"pgbench_tps", "1/s",
                   "pgbench's transactions per second (without connection time; with -R, those "
                   "scheduled in its second second)"},
                  {"pgbench_lat_p50_us", "us",
                   "pgbench's median latency, from its per-transaction log (each connection's "
                   "first transaction, which prepares, left out)"},
                  {"pgbench_lat_p99_us", "us",
                   "pgbench's 99th percentile latency, from its per-transaction log (with -R: from "
                   "each transaction's scheduled start, those scheduled in its second second, on "
                   "warm connections)"},
                  {"pgbench_cpu_per_tx_us", "us",
                   "pgbench's CPU (user and system) per transaction it processed, its start and "
                   "connections included (closed loop only): if its threads were the limit, "
                   "transactions per second would go as its inverse"},
                  {"pgbench_unfinished", "1",
                   "with -R: about how many transactions of its second second never ran (pgbench "
                   "fell behind its schedule and stopped at -T; the rate less those logged, when "
                   "short by more than 4 Poisson spreads, else 0); its p99 is then a lower bound. "
                   "Where none of that second ran, its figures are those of every transaction it "
                   "ran and pgbench_tps what it got through per second"}},
  };
  return w;
}

// pgbench -S's tables: made by pgbench -i -s 1 where the server has no pgbench_accounts (an
// external server's own are used as they are, never replaced).
void ensure_pgbench_tables(PGconn* monitor, const std::string& conninfo, const std::string& password) {
  Result r(PQexec(monitor, "SELECT to_regclass('pgbench_accounts') IS NOT NULL"));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
    throw std::runtime_error(std::string("cannot look for pgbench_accounts: ") + PQerrorMessage(monitor));
  if (std::string(PQgetvalue(r.get(), 0, 0)) == "t") return;
  const ProgramRun init = run_program({pgbench_program(), "-i", "-q", "-s", "1", conninfo},
                                      password.empty() ? std::vector<std::string>{}
                                                       : std::vector<std::string>{"PGPASSWORD=" + password});
  if (!WIFEXITED(init.status) || WEXITSTATUS(init.status) != 0)
    throw std::runtime_error("pgbench -i failed: " + hide_password(init.out).substr(0, 600));
}

Batch run(Peer& peer, const Config& c, std::size_t jobs) {
  Batch b;
  // query:builtin runs pgbench -S; the test's breakage runs the custom script without a query.
  const bool builtin = c.query == Query::builtin && !fault::skip_wait();
  const char* table = c.query == Query::builtin ? "pgbench_accounts" : "concbench_items";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(peer.dir, ec)) std::filesystem::remove(e.path(), ec);
  const auto file = peer.dir / "query.sql";
  std::ofstream(file) << script(c);
  const std::size_t threads = std::max<std::size_t>(1, std::min(c.concurrency, jobs));
  // The connection as the database name (libpq expands it), its password in PGPASSWORD: never
  // on a command line.
  const auto [conninfo, password] = split_password(peer.server->conninfo());
  if (c.query == Query::builtin) ensure_pgbench_tables(peer.monitor.get(), conninfo, password);
  std::vector<std::string> args{pgbench_program(), "-n", "-M", "prepared"};
  if (builtin)
    args.push_back("-S");
  else
    args.insert(args.end(), {"-f", file.string()});
  const bool open = c.rate > 0;
  int seconds = open ? 3 : 1;  // -T: with -R, a second to warm, the window, a second to drain
  args.insert(args.end(), {"-c", std::to_string(c.concurrency), "-j", std::to_string(threads), "-T", "",
                           "--log", "--log-prefix=" + (peer.dir / "tx").string()});
  const std::size_t duration_at = args.size() - 3;
  if (c.rate > 0) args.insert(args.end(), {"-R", std::to_string(c.rate)});
  args.push_back(conninfo);
  const int64_t before = lookups(peer.monitor.get(), table);
  std::smatch m;
  const std::regex tps(R"(tps = ([0-9.]+) \(without initial connection time\))");
  const std::regex processed(R"(number of transactions actually processed: ([0-9]+))");
  const std::regex failed(R"(number of failed transactions: ([0-9]+))");
  ProgramRun r;
  for (int attempt = 0;; ++attempt) {
    args[duration_at] = std::to_string(seconds);
    r = run_program(args, password.empty() ? std::vector<std::string>{}
                                           : std::vector<std::string>{"PGPASSWORD=" + password});
    // pgbench's -T counts from before it connects, and on a loaded machine its connections
    // can take all of it: then it reports 0 transactions and no rate. Run it again, twice as
    // long, at most twice.
    const bool none = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 &&
                      std::regex_search(r.out, m, processed) && m[1] == "0";
    if (!none || attempt == 2) break;
    seconds *= 2;
    for (const auto& e : std::filesystem::directory_iterator(peer.dir, ec))
      if (e.path().filename().string().rfind("tx.", 0) == 0) std::filesystem::remove(e.path(), ec);
  }
  const std::string shown = hide_password(r.out).substr(0, 600);
  if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0 || !std::regex_search(r.out, m, tps)) {
    b.errors.push_back("pgbench failed: " + shown);
    return b;
  }
  double rate = std::stod(m[1]);
  if (std::regex_search(r.out, m, failed) && std::stoll(m[1]) != 0) {
    b.errors.push_back("pgbench saw failed transactions: " + shown);
    return b;
  }
  const int64_t done = std::regex_search(r.out, m, processed) ? std::stoll(m[1]) : -1;
  // A log line: client, transaction, latency (us), script, completion (epoch s, us), [lag].
  struct Logged {
    double start, us;  // scheduled start (-R) or start, and latency, in us
    bool first;        // its connection's first transaction
  };
  std::vector<Logged> logged;
  for (const auto& e : std::filesystem::directory_iterator(peer.dir, ec)) {
    if (e.path().filename().string().rfind("tx.", 0) != 0) continue;
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      long client = 0, tx = 0, script_no = 0;
      double us = 0, epoch_s = 0, epoch_us = 0;
      if (f >> client >> tx >> us >> script_no >> epoch_s >> epoch_us)
        logged.push_back({epoch_s * 1e6 + epoch_us - us, us, tx == 0});
    }
  }
  if (logged.empty() || int64_t(logged.size()) != done) {
    b.errors.push_back("pgbench's log holds " + std::to_string(logged.size()) + " transactions, it reported " +
                       std::to_string(done));
    return b;
  }
  std::vector<double> lat;
  double first = logged.front().start;
  for (const auto& t : logged) first = std::min(first, t.start);
  for (const auto& t : logged)
    if (open ? t.start >= first + 1e6 && t.start < first + 2e6 : !t.first) lat.push_back(t.us);
  // Far past what it carries (many cores sweep to 40,000/s per core, past one pgbench
  // thread), pgbench gets no further than the first second of its schedule by -T's end, and
  // none of the window's transactions ever runs: its figures are then those of every
  // transaction it ran (a p99 that is a lower bound), its rate what it got through per
  // second, and the whole window unfinished.
  const bool overrun = open && lat.empty() && !logged.empty();
  if (overrun)
    for (const auto& t : logged) lat.push_back(t.us);
  if (lat.empty()) {
    b.errors.push_back("pgbench's log holds no transaction in the window its figures come from");
    return b;
  }
  if (open) rate = double(lat.size()) / (overrun ? seconds : 1);  // per second of its run / of the window
  // A backend reports its counts when it ends, shortly after pgbench does (on a loaded
  // machine, 16 backends ending can take seconds): wait up to 10 s, leaving once they are in.
  int64_t seen = 0;
  for (int k = 0; k < 1000 && (seen = lookups(peer.monitor.get(), table) - before) < done; ++k)
    usleep(10'000);
  if (seen < done) {
    b.errors.push_back("the server ran " + std::to_string(seen) + " lookups of " + table + ", pgbench reported " +
                       std::to_string(done) + " transactions: its queries did not reach it");
    return b;
  }
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double q) { return lat[std::min(lat.size() - 1, std::size_t(q * double(lat.size())))]; };
  b.figures.emplace_back("pgbench_tps", rate);
  if (!open && done > 0 && r.cpu_s > 0) b.figures.emplace_back("pgbench_cpu_per_tx_us", r.cpu_s * 1e6 / double(done));
  if (open) {
    // Past what it carries, pgbench falls behind its schedule and, once -T is up, starts
    // nothing more: transactions of the window never ran and are not in its log, so its
    // figures are of those that did (a p99 that is then a lower bound). The window holds
    // about `rate` (Poisson: a spread of sqrt(rate)); a shortfall beyond 4 spreads is said.
    const double missing = overrun ? double(c.rate) : double(c.rate) - double(lat.size());
    b.figures.emplace_back("pgbench_unfinished", missing > 4 * std::sqrt(double(c.rate)) ? missing : 0.0);
  }
  b.figures.emplace_back("pgbench_lat_p50_us", pct(0.5));
  b.figures.emplace_back("pgbench_lat_p99_us", pct(0.99));
  // Its fastest transaction, as the models' own check (a median on a loaded machine can exceed
  // a skipped sleep; the fastest of thousands cannot).
  if (lat.front() < double(c.sleep_us)) {
    b.errors.push_back("pgbench's fastest transaction took " + std::to_string(int64_t(lat.front())) +
                       " us, under the query's " + std::to_string(c.sleep_us) + " us sleep: the wait was not applied");
    return b;
  }
  b.results.push_back({mix64(uint64_t(c.concurrency)), 0});
  return b;
}

const bool registered = register_case({
    .workload = &peer_workload(),
    .model = "pgbench",
    .grid =
        [](const Suite& s) {
          std::vector<Params> points;
          for (const Params& p : grid(s, IoShape::loop)) {
            if (p.has("depth")) continue;
            points.push_back(p);
            // pgbench -S too, closed and (but in quick: each -R point is a -T 3 run) with -R
            if (Query(p.get("query")) == Query::pk && !(s.quick() && p.has("rate")))
              points.push_back(Params(p).set("query", int64_t(Query::builtin)));
          }
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
          Needs n{.threads = p.get("workers"), .descriptors = p.get("concurrency")};
          n.unavailable = PgService::unavailable();
          if (pgbench_program() == "pgbench") n.programs = {{"pgbench", "postgresql"}};
          return n;
        },
});

}  // namespace
void load_for_tools(const std::string& conninfo) {
  load(conninfo);
  Conn monitor(PQconnectdb(conninfo.c_str()));
  if (PQstatus(monitor.get()) != CONNECTION_OK)
    throw std::runtime_error("cannot connect to " + hide_password(conninfo) + ": " + PQerrorMessage(monitor.get()));
  const auto [plain, password] = split_password(conninfo);
  ensure_pgbench_tables(monitor.get(), plain, password);
}

}  // namespace concbench::db
