// http on `threads`: C pool threads (ThreadPoolExecutor with requests' shape), each request a
// blocking Beast GET on a connection borrowed from C.
#include "models/thread_pool.hpp"
#include "workloads/http/http.hpp"

namespace concbench::http {
namespace {
const bool registered = register_blocking_model<ThreadPool>("threads");
}  // namespace
}  // namespace concbench::http
