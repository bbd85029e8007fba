// db on `threads`: C pool threads (ThreadPoolExecutor with psycopg's shape), each query a
// blocking libpq call on a connection borrowed from C.
#include "models/thread_pool.hpp"
#include "workloads/db/db.hpp"

namespace concbench::db {
namespace {
const bool registered = register_blocking_model<ThreadPool>("threads");
}  // namespace
}  // namespace concbench::db
