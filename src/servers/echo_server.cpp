#include "servers/echo_server.hpp"

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

// sockperf's messages (ping-pong, under-load): a 14-byte header of the sequence number (8
// bytes), flags (2) and the message's length (4), big-endian. Its server answers a message
// whose flags ask for it (pong request, 2) with the message, the client flag (1) cleared,
// and answers nothing else (warm-up messages): so does this one, so that sockperf loads it.
bool is_sockperf_request(const char* m, std::size_t n) {
  if (n < 14) return false;
  const auto byte = [&](std::size_t k) { return uint32_t(uint8_t(m[k])); };
  const uint32_t len = byte(10) << 24 | byte(11) << 16 | byte(12) << 8 | byte(13);
  return len == n && (byte(9) & 1) != 0 && byte(8) == 0;
}

bool answer_sockperf(char* m) {
  if ((uint8_t(m[9]) & 2) == 0) return false;
  m[9] = char(uint8_t(m[9]) & ~1u);
  return true;
}

asio::awaitable<void> session(tcp::socket socket) {
  constexpr std::size_t kTagBytes = sizeof EchoServer::kTag;
  std::array<char, 16 << 10> buf;
  asio::steady_timer timer(socket.get_executor());
  auto read_to = [&](std::size_t& n, std::size_t want) -> asio::awaitable<bool> {
    auto [e, m] = co_await asio::async_read(socket, asio::buffer(buf.data() + n, want - n), kToken);
    n += m;
    co_return !e;
  };
  for (;;) {
    auto [read_error, got] = co_await socket.async_read_some(asio::buffer(buf), kToken);
    if (read_error) co_return;
    std::size_t n = got;
    // A request's first bytes may come alone: the tag decides, once it is whole.
    if (n < kTagBytes && std::memcmp(buf.data(), EchoServer::kTag, n) == 0 &&
        !co_await read_to(n, kTagBytes))
      co_return;
    if (is_sockperf_request(buf.data(), n)) {
      if (!answer_sockperf(buf.data())) continue;  // a message that asks for no answer
    } else if (std::memcmp(buf.data(), EchoServer::kTag, kTagBytes) == 0) {
      if (n < EchoServer::kMessageBytes && !co_await read_to(n, EchoServer::kMessageBytes)) co_return;
      uint32_t delay_us;
      std::memcpy(&delay_us, buf.data() + kTagBytes, sizeof delay_us);
      if (delay_us > 0) {
        timer.expires_after(std::chrono::microseconds(delay_us));
        co_await timer.async_wait(kToken);
      }
    }
    auto [write_error, m] = co_await asio::async_write(socket, asio::buffer(buf.data(), n), kToken);
    if (write_error) co_return;
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
