#include "servers/echo_server.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace concbench {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kToken = asio::as_tuple(asio::use_awaitable);

// sockperf's messages (ping-pong, under-load, throughput): a 14-byte header of the sequence
// number (8 bytes), flags (2) and the message's length (4), big-endian. Its server answers a
// message whose flags ask for it (pong request, 2) with the message, the client flag (1)
// cleared, and answers nothing else (warm-up and throughput messages): so does this one.
constexpr std::size_t kSockperfHeader = 14;

std::size_t sockperf_length(const char* m) {
  const auto byte = [&](std::size_t k) { return std::size_t(uint8_t(m[k])); };
  return byte(10) << 24 | byte(11) << 16 | byte(12) << 8 | byte(13);
}

bool is_sockperf_header(const char* m) {
  return m[8] == 0 && (uint8_t(m[9]) & 1) != 0 && sockperf_length(m) >= kSockperfHeader;
}

// A connection speaks one of three protocols, told by its first bytes: io.echo's requests
// (the tag), sockperf's (a header whose sequence number starts with a zero byte), or none
// (a plain echo: what comes is sent back at once, as it comes). Requests are framed: two sent
// back to back are answered one after the other, each after its own delay.
asio::awaitable<void> session(tcp::socket socket) {
  constexpr std::size_t kTagBytes = sizeof EchoServer::kTag;
  std::array<char, 16 << 10> buf;  // a sockperf message up to 16 KiB; longer: a plain echo
  std::size_t have = 0;            // bytes in buf, from its start, not answered yet
  asio::steady_timer timer(socket.get_executor());
  const auto fill = [&](std::size_t want) -> asio::awaitable<bool> {
    while (have < want) {
      auto [e, m] = co_await socket.async_read_some(asio::buffer(buf.data() + have, buf.size() - have), kToken);
      if (e) co_return false;
      have += m;
    }
    co_return true;
  };
  const auto answer = [&](std::size_t n) -> asio::awaitable<bool> {
    auto [e, m] = co_await asio::async_write(socket, asio::buffer(buf.data(), n), kToken);
    co_return !e;
  };
  const auto consume = [&](std::size_t n) {
    std::memmove(buf.data(), buf.data() + n, have - n);
    have -= n;
  };
  const auto starts_with_tag = [&](std::size_t n) {
    return std::memcmp(buf.data(), EchoServer::kTag, std::min(n, kTagBytes)) == 0;
  };

  if (!co_await fill(1)) co_return;
  if (starts_with_tag(have) && !co_await fill(kTagBytes)) co_return;
  if (starts_with_tag(kTagBytes)) {
    // io.echo's requests: the measured path, so its reads and writes are awaited here, not
    // through fill() and answer() (a coroutine frame each).
    constexpr std::size_t kBytes = EchoServer::kMessageBytes;
    for (;;) {
      while (have < kBytes) {
        auto [e, m] = co_await socket.async_read_some(asio::buffer(buf.data() + have, buf.size() - have), kToken);
        if (e) co_return;
        have += m;
      }
      uint32_t delay_us = 0;
      if (starts_with_tag(kTagBytes)) std::memcpy(&delay_us, buf.data() + kTagBytes, sizeof delay_us);
      if (delay_us > 0) {
        timer.expires_after(std::chrono::microseconds(delay_us));
        co_await timer.async_wait(kToken);
      }
      auto [e, m] = co_await asio::async_write(socket, asio::buffer(buf.data(), kBytes), kToken);
      if (e) co_return;
      consume(kBytes);
    }
  }
  if (buf[0] == 0 && !co_await fill(kSockperfHeader)) co_return;
  if (have >= kSockperfHeader && is_sockperf_header(buf.data())) {
    for (;;) {  // sockperf's messages
      if (!co_await fill(kSockperfHeader)) co_return;
      const std::size_t n = sockperf_length(buf.data());
      if (!is_sockperf_header(buf.data()) || n > buf.size()) break;  // then a plain echo
      if (!co_await fill(n)) co_return;
      if (uint8_t(buf[9]) & 2) {
        buf[9] = char(uint8_t(buf[9]) & ~1u);
        if (!co_await answer(n)) co_return;
      }
      consume(n);
    }
  }
  for (;;) {  // a plain echo
    if (!co_await answer(have)) co_return;
    have = 0;
    if (!co_await fill(1)) co_return;
  }
}

}  // namespace

EchoServer::EchoServer() : ForkedServer("echo server", session) {}

namespace {
std::optional<Endpoint> g_external;
}

void EchoService::use_external(std::optional<Endpoint> e) { g_external = std::move(e); }
std::optional<Endpoint> EchoService::external_endpoint() { return g_external; }

EchoService::EchoService() {
  if (!g_external) embedded_.emplace();
}

Endpoint EchoService::endpoint() const { return embedded_ ? embedded_->endpoint() : *g_external; }

}  // namespace concbench
