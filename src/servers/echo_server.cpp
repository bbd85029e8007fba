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

asio::awaitable<void> session(tcp::socket socket) {
  std::array<char, EchoServer::kMessageBytes> buf;
  asio::steady_timer timer(socket.get_executor());
  for (;;) {
    auto [read_error, n] = co_await asio::async_read(socket, asio::buffer(buf), kToken);
    if (read_error) co_return;
    uint64_t delay_us;
    std::memcpy(&delay_us, buf.data(), sizeof delay_us);
    if (delay_us > 0) {
      timer.expires_after(std::chrono::microseconds(delay_us));
      co_await timer.async_wait(kToken);
    }
    auto [write_error, m] = co_await asio::async_write(socket, asio::buffer(buf), kToken);
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
