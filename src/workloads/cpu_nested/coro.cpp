// cpu.nested on `coro`: fork = co_await (a && b) (asio's awaitable operators): the shape
// of asyncio.gather on sub-sorts; on one loop thread the halves still run one at a time.
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "models/event_loop.hpp"
#include "workloads/cpu_nested/cpu_nested.hpp"

namespace concbench::cpu_nested {
namespace {
using namespace asio::experimental::awaitable_operators;

asio::awaitable<void> async_sort(uint32_t* a, uint32_t* tmp, std::size_t n) {
  if (fault::skip_compute()) co_return;
  if (n <= kCutoff) {
    std::sort(a, a + n);
    co_return;
  }
  const std::size_t h = n / 2;
  co_await (async_sort(a, tmp, h) && async_sort(a + h, tmp + h, n - h));
  std::merge(a, a + h, a + h, a + n, tmp);
  std::copy(tmp, tmp + n, a);
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const std::size_t n = elements(p);
          return make_trial<EventLoop>(std::make_unique<EventLoop>(), [n](EventLoop& loop) {
            auto v = input(n);  // made and hashed in every run, as in the reference
            std::vector<uint32_t> tmp(n);
            Batch b;
            try {
              loop.run([&]() { return async_sort(v.data(), tmp.data(), n); });
              b.results.push_back(digest(v));
            } catch (const std::exception& e) {
              b.errors.push_back(e.what());
            }
            return b;
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_nested
