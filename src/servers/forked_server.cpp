#include "servers/forked_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/server_probe.hpp"
#include "core/system.hpp"

namespace concbench {

namespace asio = boost::asio;
using asio::ip::tcp;

std::optional<Endpoint> parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  char* end = nullptr;
  const long port = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 1 || port > 65535) return std::nullopt;
  return Endpoint{text.substr(0, colon), uint16_t(port)};
}

namespace {

asio::awaitable<void> listen(tcp::acceptor& acceptor, const ForkedServer::Session& session) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (error) continue;  // e.g. EMFILE: keep serving the connections already open
    socket.set_option(tcp::no_delay(true));
    // Sessions are the server's own business, not measured work: detached as in asio's
    // echo_server example.
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
  }
}

[[noreturn]] void serve(int report_fd, int loops, const ForkedServer::Session& session) {
  try {
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    uint16_t port = 0;
    for (int k = 0; k < loops; ++k) {
      auto& ctx = *contexts.emplace_back(std::make_unique<asio::io_context>(1));
      auto& a = *acceptors.emplace_back(std::make_unique<tcp::acceptor>(ctx));
      const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port);
      a.open(at.protocol());
      a.set_option(asio::socket_base::reuse_address(true));
      const int one = 1;
      if (setsockopt(a.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) _exit(1);
      a.bind(at);
      a.listen(asio::socket_base::max_listen_connections);
      port = a.local_endpoint().port();
      asio::co_spawn(ctx, listen(a, session), asio::detached);
    }
    if (write(report_fd, &port, sizeof port) != sizeof port) _exit(1);
    close(report_fd);
    std::vector<std::thread> threads;
    for (int k = 1; k < loops; ++k) threads.emplace_back([&ctx = *contexts[std::size_t(k)]] { ctx.run(); });
    contexts[0]->run();
  } catch (...) {
  }
  _exit(1);
}

}  // namespace

ForkedServer::ForkedServer(const char* what, Session session) : loops_(std::max(1, available_cores())) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) throw std::runtime_error(std::string(what) + ": pipe failed");
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    close(p[0]);
    close(p[1]);
    throw std::runtime_error(std::string(what) + ": fork failed: " + strerror(errno));
  }
  if (pid_ == 0) {
    close(p[0]);
    serve(become_child(parent, p[1]), loops_, session);
  }
  close(p[1]);
  pollfd pfd{p[0], POLLIN, 0};
  const bool ready = poll(&pfd, 1, 5000) == 1 && read(p[0], &port_, sizeof port_) == sizeof port_;
  close(p[0]);
  if (!ready) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    throw std::runtime_error(std::string(what) + ": did not start listening within 5 s");
  }
  set_active_server(ServerInfo{pid_, loops_, /*tree=*/false, port_});
}

ForkedServer::~ForkedServer() {
  set_active_server(std::nullopt);
  kill(pid_, SIGTERM);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace concbench
