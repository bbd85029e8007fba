// file on `coro`: C coroutines on one loop, each writing its file with asio's stream_file
// (io_uring), closing it, and reading it back; a stream_file closes in its destructor, so the
// coroutine's scope is the context manager. Where io_uring is refused, the blocking task is
// offloaded to an asio::thread_pool instead (aiofiles' shape).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/stream_file.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/fault.hpp"
#include "core/system.hpp"
#include "models/event_loop.hpp"
#include "workloads/file/file.hpp"

namespace concbench::file {
namespace {

struct Engine {
  Folder dir;
  bool uring = io_uring_works();
  std::unique_ptr<asio::thread_pool> offload =
      uring ? nullptr : std::make_unique<asio::thread_pool>(std::size_t(available_cores()));
  EventLoop loop;
};

asio::awaitable<TaskResult> uring_task(std::size_t i, Config c, const Folder& dir) {
  const auto ex = co_await asio::this_coro::executor;
  std::vector<char> data(c.bytes);
  fill(i, data);
  {
    asio::stream_file f(ex, dir.path(i),
                        asio::stream_file::write_only | asio::stream_file::create |
                            asio::stream_file::truncate);
    if (picked(i, c)) throw_injected(i);
    if (!fault::skip_wait()) co_await asio::async_write(f, asio::buffer(data), asio::use_awaitable);
  }
  std::vector<char> back(c.bytes);
  {
    asio::stream_file f(ex, dir.path(i), asio::stream_file::read_only);
    boost::system::error_code ec;  // a short file ends in eof: the digest then differs
    const std::size_t n = co_await asio::async_read(
        f, asio::buffer(back), asio::redirect_error(asio::use_awaitable, ec));
    back.resize(n);
  }
  co_return TaskResult{digest(back), 0};
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<Engine>(std::make_unique<Engine>(), [c](Engine& e) {
            Batch b = run_tasks(e.loop, c.files, InFlight{c.concurrency},
                                [&](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                                  if (e.uring) return uring_task(i, c, e.dir);
                                  return asio::co_spawn(
                                      *e.offload,
                                      [&e, i, c]() -> asio::awaitable<TaskResult> {
                                        co_return blocking_task(i, c, e.dir);
                                      },
                                      asio::use_awaitable);
                                });
            b.figures.emplace_back("io_uring", e.uring ? 1 : 0);
            return b;
          });
        },
});

}  // namespace
}  // namespace concbench::file
