// The embedded HTTP/1.1 server of the http workload: a ForkedServer (its own process, one
// loop per core) whose sessions are Boost.Beast coroutines with keep-alive.
//   GET /item/<i>?delay_us=<d>&bytes=<n>  200 after d µs, body: n bytes of item i (http_body),
//                                         "Server-Timing: delay;dur=<ms>": the wait it made
//   GET /                                 200, a one-line description (for wrk, curl)
//   anything else                         404
// wrk -c100 -d10s 'http://127.0.0.1:PORT/item/1?delay_us=1000&bytes=1024' loads it as the
// http workload does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/case.hpp"
#include "servers/forked_server.hpp"

namespace concbench {

class HttpServer : public ForkedServer {
 public:
  static constexpr std::size_t kMaxBody = 16 << 20;
  HttpServer();
};

// An external server's URL (--http-url http://HOST:PORT/PATH): every request GETs PATH.
struct HttpUrl {
  Endpoint at;         // the host must be a numeric address (no resolver on the hot path)
  std::string target;  // "/index.html"
  std::string str() const { return "http://" + at.str() + target; }
};
// Parses "http://HOST:PORT[/PATH]" (HOST numeric; port 80 if absent); nothing if malformed.
std::optional<HttpUrl> parse_http_url(const std::string& text);

// Where the http workload sends its requests: an external server if one was configured
// (--http-url), otherwise the embedded server, started for the trial and owned by this.
class HttpService {
 public:
  HttpService();
  Endpoint endpoint() const;
  bool external() const { return !embedded_; }

  static void use_external(std::optional<HttpUrl> u);
  static std::optional<HttpUrl> external_url();

 private:
  std::optional<HttpServer> embedded_;
};

// The body the server sends for item i: `bytes` bytes derived from i.
std::string http_body(std::size_t i, std::size_t bytes);
// "/item/17?delay_us=1000&bytes=1024"
std::string http_target(std::size_t i, uint64_t delay_us, std::size_t bytes);

// The W3C Server-Timing value the server sends with an item, the delay it measured itself
// making, in milliseconds to the microsecond: "delay;dur=1.004". A client's own clock
// counts queueing too, so it can prove a wait was skipped only when the machine is idle.
std::string server_timing(uint64_t waited_us);
// The microseconds in such a value; nothing if it has no "delay" metric with a duration.
std::optional<uint64_t> server_timing_us(std::string_view value);

}  // namespace concbench
