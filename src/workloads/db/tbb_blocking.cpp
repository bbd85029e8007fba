// db on `tbb_blocking`: an arena of C slots whose tasks block, each query a blocking libpq
// call on a connection borrowed from C.
#include "models/tbb_arena.hpp"
#include "workloads/db/db.hpp"

namespace concbench::db {
namespace {
const bool registered = register_blocking_model<TbbArena>("tbb_blocking");
}  // namespace
}  // namespace concbench::db
