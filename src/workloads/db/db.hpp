// db (docs/questions.md question 7, asyncpg): N queries to PostgreSQL (servers/postgres.hpp:
// a throwaway cluster by default, --pg-url for another), C in flight, every answer checked
// against the table's known content. Queries (`query`):
//   pk     a primary-key lookup: SELECT v FROM concbench_items WHERE id = $1 (pgbench -S's shape)
//   rw     a short read-write transaction: one statement that updates the row and inserts a
//          history row, committed (its WAL flushed) before the answer
//   sleep  the lookup with a server-side wait, pg_sleep(sleep_us): a slow backend
//   builtin  the peer only: pgbench's own select-only script (-S) on its own tables
// Clients: coro, libpq in non-blocking mode on the loop (PQsendQueryPrepared, the socket
// awaited through asio), one connection per lane (coro_mt: spread over one loop per core, as
// pgbench -j spreads its clients over threads); `depth` > 1 pipelines that many queries on
// each connection (libpq's pipeline mode, C / depth connections). threads and tbb_blocking:
// a blocking libpq connection borrowed per query from C; procs: one per worker process. Closed
// loop, or with `rate` an open loop on the Poisson schedule (core/schedule.hpp). Every
// statement is prepared on every connection before the timed runs.
// Params: [workers], query, concurrency, [sleep_us], [rate], [depth]; tasks (optional,
// default max(8 C, 2000, rate): an open loop runs 1 s). Limit: ideal makespan = ceil(N / C) x sleep_us (0 for pk and rw:
// the report reads them against the peer, pgbench) or the schedule's span.
#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "core/case.hpp"
#include "core/schedule.hpp"
#include "models/tasks.hpp"
#include "servers/postgres.hpp"
#include "workloads/io_grid.hpp"

namespace concbench::db {

const Workload& workload();

inline constexpr int64_t kRows = 100'000;

// The word parameter `query`, in its registered order.
enum class Query : int64_t { pk, rw, sleep, builtin };
const char* query_name(Query q);

struct Config {
  Query query;
  std::size_t tasks;
  std::size_t concurrency;
  int64_t sleep_us;  // sleep: the server-side wait
  int64_t rate;      // open loop: queries per second; 0: closed loop
  std::size_t depth;  // coro: queries in flight per connection (1: no pipeline)
};
Config config(const Params& p);

// The row query i reads, and the value the table holds for a row.
int64_t row_of(std::size_t i);
int64_t value_of_row(int64_t id);
// The statement `c.query` prepares, and its parameters for query i (texts).
std::string statement(const Config& c);
std::vector<std::string> parameters(const Config& c, std::size_t i);

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, PgConnDeleter>;
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, PgResultDeleter>;
// A blocking worker's connection (BorrowPool keeps them).
struct Session {
  Conn conn;
};

// Connects (blocking) and prepares `c`'s statement as "q"; throws naming the server.
Conn connect(const std::string& conninfo, const Config& c);
// Creates and fills the tables if they do not hold the expected rows (a throwaway cluster:
// always; an external server: the first time).
void load(const std::string& conninfo);
// Both: every point's tables and pgbench -S's (pgbench -i -s 1 where missing), for the field's
// tools by hand (--serve db).
void load_for_tools(const std::string& conninfo);
// The value a result carries (checked: one row, one column, the query's status); throws.
uint64_t value_of(const PGresult* r, std::size_t i);

// A blocking client: query i on `conn` when it is due; latency from due (open) or sent.
TaskResult query(PGconn* conn, std::size_t i, const Config& c, const Schedule& s);

// The connection of the current worker process (procs): opened on first use.
PGconn* process_connection(const std::string& conninfo, const Config& c);

// The loops' side: a non-blocking connection per lane (or per `depth` lanes: pipelined, one
// loop only); lane k's on loop k % loops (as run_tasks on a LoopGroup places lanes).
class AsyncConn;
struct Lanes {
  Lanes(const std::vector<boost::asio::io_context*>& loops, const std::string& conninfo, const Config& c);
  ~Lanes();
  std::vector<std::unique_ptr<AsyncConn>> conns;
};
boost::asio::awaitable<TaskResult> async_query(Lanes& lanes, std::size_t lane, std::size_t i, Config c,
                                               const Schedule& s);

std::vector<Params> grid(const Suite& s, IoShape shape);
// What a db point needs: its workers (model_needs) and a server that can be started.
Needs needs(const std::string& model, const Params& p);

}  // namespace concbench::db
