// http on `tbb_blocking`: an arena of C slots whose tasks block, each request a blocking
// Beast GET on a connection borrowed from C.
#include "models/tbb_arena.hpp"
#include "workloads/http/http.hpp"

namespace concbench::http {
namespace {
const bool registered = register_blocking_model<TbbArena>("tbb_blocking");
}  // namespace
}  // namespace concbench::http
