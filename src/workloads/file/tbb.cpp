// file on `tbb`: one file per task, blocking write()/read() through an RAII descriptor.
#include "models/tbb_arena.hpp"
#include "workloads/file/file.hpp"

namespace concbench::file {
namespace {
const bool registered = register_blocking_model<TbbArena>("tbb");
}  // namespace
}  // namespace concbench::file
