// file on `threads`: one file per task, blocking write()/read() through an RAII descriptor.
#include "models/thread_pool.hpp"
#include "workloads/file/file.hpp"

namespace concbench::file {
namespace {
const bool registered = register_blocking_model<ThreadPool>("threads");
}  // namespace
}  // namespace concbench::file
