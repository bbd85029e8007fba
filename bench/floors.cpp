#include "bench/floors.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

namespace concbench {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// The median over 5 rounds of `round(n)`'s seconds / n, in microseconds.
double median_us(int n, const std::function<void(int)>& round) {
  std::vector<double> v;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = Clock::now();
    round(n);
    v.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / n);
  }
  std::sort(v.begin(), v.end());
  return v[2];
}

// One byte back and forth over two pipes, `n` round trips; the peer is `start_peer(fds)`.
// Returns microseconds per switch (half a round trip).
double ping_pong_us(bool processes) {
  int a[2], b[2];
  if (pipe(a) != 0 || pipe(b) != 0) return -1;
  auto echo = [&](int rounds) {
    char c;
    for (int k = 0; k < rounds; ++k)
      if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1) return;
  };
  constexpr int kRounds = 5 * 4000;
  std::thread peer_thread;
  pid_t peer = -1;
  if (processes) {
    peer = fork();
    if (peer == 0) {
      echo(kRounds);
      _exit(0);
    }
  } else {
    peer_thread = std::thread(echo, kRounds);
  }
  const double rt = median_us(4000, [&](int n) {
    char c = 'x';
    for (int k = 0; k < n; ++k)
      if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1) return;
  });
  if (processes)
    waitpid(peer, nullptr, 0);
  else
    peer_thread.join();
  for (int fd : {a[0], a[1], b[0], b[1]}) close(fd);
  return rt / 2;
}

nlohmann::ordered_json floor(double value, const char* unit, const char* how) {
  return {{"value", value}, {"unit", unit}, {"how", how}};
}

nlohmann::ordered_json measure_here() {
  nlohmann::ordered_json f;
  {
    std::mutex mu;
    f["mutex_uncontended_us"] = floor(median_us(200000, [&](int n) {
                                        for (int k = 0; k < n; ++k) {
                                          mu.lock();
                                          mu.unlock();
                                        }
                                      }),
                                      "us", "std::mutex lock + unlock, one thread");
  }
  f["thread_switch_us"] = floor(ping_pong_us(false), "us",
                                "two threads ping-pong one byte over two pipes: half a round trip");
  f["process_switch_us"] = floor(ping_pong_us(true), "us",
                                 "two processes ping-pong one byte over two pipes: half a round trip");
  f["thread_create_join_us"] = floor(median_us(200, [](int n) {
                                       for (int k = 0; k < n; ++k) std::thread([] {}).join();
                                     }),
                                     "us", "std::thread of an empty function, created and joined");
  f["fork_small_us"] = floor(median_us(40, [](int n) {
                               for (int k = 0; k < n; ++k) {
                                 const pid_t p = fork();
                                 if (p == 0) _exit(0);
                                 if (p > 0) waitpid(p, nullptr, 0);
                               }
                             }),
                             "us", "fork + _exit + waitpid of this (small, just started) process");
  {
    asio::io_context ctx{1};
    f["asio_post_us"] = floor(median_us(200000, [&](int n) {
                                for (int k = 0; k < n; ++k) asio::post(ctx, [] {});
                                ctx.restart();
                                ctx.run();
                              }),
                              "us", "asio::post of an empty handler and its run, one thread");
    f["coroutine_resume_us"] = floor(
        median_us(100000, [&](int n) {
          asio::co_spawn(ctx, [n]() -> asio::awaitable<void> {
            for (int k = 0; k < n; ++k) co_await asio::post(asio::use_awaitable);
          }, asio::detached);
          ctx.restart();
          ctx.run();
        }),
        "us", "a coroutine suspended on co_await asio::post and resumed by the loop");
    f["co_spawn_us"] = floor(median_us(100000, [&](int n) {
                               for (int k = 0; k < n; ++k)
                                 asio::co_spawn(ctx, []() -> asio::awaitable<void> { co_return; },
                                                asio::detached);
                               ctx.restart();
                               ctx.run();
                             }),
                             "us", "co_spawn of an empty coroutine, run to its end");
  }
  {
    tbb::task_arena arena(1);
    f["tbb_task_us"] = floor(median_us(100000, [&](int n) {
                               arena.execute([&] {
                                 tbb::task_group g;
                                 for (int k = 0; k < n; ++k) g.run([] {});
                                 g.wait();
                               });
                             }),
                             "us", "task_group::run of an empty task in a one-thread arena");
  }
  return f;
}

}  // namespace

nlohmann::ordered_json measure_floors() {
  int p[2];
  if (pipe(p) != 0) return nlohmann::ordered_json::object();
  const pid_t child = fork();
  if (child == 0) {
    close(p[0]);
    const std::string text = measure_here().dump();
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t w = write(p[1], text.data() + done, text.size() - done);
      if (w <= 0) _exit(1);
      done += std::size_t(w);
    }
    _exit(0);
  }
  close(p[1]);
  std::string text;
  char buf[4096];
  for (ssize_t r; (r = read(p[0], buf, sizeof buf)) != 0;) {
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    text.append(buf, std::size_t(r));
  }
  close(p[0]);
  int status = 0;
  if (child > 0) waitpid(child, &status, 0);
  try {
    if (child > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
      return nlohmann::ordered_json::parse(text);
  } catch (const std::exception&) {
  }
  return nlohmann::ordered_json::object();
}

}  // namespace concbench
