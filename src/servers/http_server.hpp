// The embedded HTTP/1.1 server of the http workload: a ForkedServer (its own process, one
// loop per core) whose sessions are Boost.Beast coroutines with keep-alive.
//   GET /item/<i>?delay_us=<d>&bytes=<n>  200 after d µs, body: n bytes of item i (http_body)
//   GET /                                 200, a one-line description (for wrk, curl)
//   anything else                         404
// wrk -c100 -d10s 'http://127.0.0.1:PORT/item/1?delay_us=1000&bytes=1024' loads it as the
// http workload does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/case.hpp"
#include "servers/forked_server.hpp"

namespace concbench {

class HttpServer : public ForkedServer {
 public:
  static constexpr std::size_t kMaxBody = 16 << 20;
  HttpServer();
};

// The body the server sends for item i: `bytes` bytes derived from i.
std::string http_body(std::size_t i, std::size_t bytes);
// "/item/17?delay_us=1000&bytes=1024"
std::string http_target(std::size_t i, uint64_t delay_us, std::size_t bytes);

}  // namespace concbench
