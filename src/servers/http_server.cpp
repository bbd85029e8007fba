#include "servers/http_server.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace concbench {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

std::string http_body(std::size_t i, std::size_t bytes) {
  std::string body(bytes, '\0');
  for (std::size_t k = 0; k < bytes; k += 8) {
    const uint64_t w = mix64((uint64_t(i) << 24) ^ k);
    std::memcpy(body.data() + k, &w, std::min<std::size_t>(8, bytes - k));
  }
  return body;
}

std::string http_target(std::size_t i, uint64_t delay_us, std::size_t bytes) {
  return "/item/" + std::to_string(i) + "?delay_us=" + std::to_string(delay_us) +
         "&bytes=" + std::to_string(bytes);
}

constexpr std::string_view kTimingKey = "delay;dur=";

std::string server_timing(uint64_t waited_us) {
  const std::string frac = std::to_string(waited_us % 1000);
  return std::string(kTimingKey) + std::to_string(waited_us / 1000) + "." + std::string(3 - frac.size(), '0') + frac;
}

std::optional<uint64_t> server_timing_us(std::string_view value) {
  const auto at = value.find(kTimingKey);
  if (at == std::string_view::npos) return std::nullopt;
  double ms = 0;
  const auto r = std::from_chars(value.data() + at + kTimingKey.size(), value.data() + value.size(), ms);
  if (r.ec != std::errc() || !(ms >= 0)) return std::nullopt;
  return uint64_t(std::llround(ms * 1000));
}

namespace {

// The whole number after `key` in `s`, up to the next '&' or '?' (0 when absent); nothing
// when it is not one (a 400 for the client).
std::optional<uint64_t> number_after(std::string_view s, std::string_view key) {
  const auto at = s.find(key);
  if (at == std::string_view::npos) return 0;
  const char* first = s.data() + at + key.size();
  const char* last = s.data() + std::min(s.size(), s.find_first_of("&?", at + key.size()));
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || end != last) return std::nullopt;
  return v;
}

// The answer to a request: GET /item/<i>?delay_us=<d>&bytes=<n> (HEAD: its head only), GET /
// (what it serves); a malformed number is 400, another path 404, another method 405.
// `delay_us`: set for an item, the wait before its answer.
http::response<http::string_body> answer(const http::request<http::string_body>& req,
                                         std::optional<uint64_t>& delay_us) {
  const std::string_view target(req.target().data(), req.target().size());
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::server, "concbench");
  res.keep_alive(req.keep_alive());
  const bool head = req.method() == http::verb::head;
  if (req.method() != http::verb::get && !head) {
    res.result(http::status::method_not_allowed);
    res.set(http::field::allow, "GET, HEAD");
  } else if (target.starts_with("/item/")) {
    const auto item = number_after(target.substr(0, target.find('?')), "/item/");
    const auto delay = number_after(target, "delay_us=");
    const auto bytes = number_after(target, "bytes=");
    if (!item || !delay || !bytes) {
      res.result(http::status::bad_request);
      res.set(http::field::content_type, "text/plain");
      res.body() = "expected GET /item/<i>?delay_us=<d>&bytes=<n>, whole numbers\n";
    } else {
      delay_us = *delay;
      res.set(http::field::content_type, "application/octet-stream");
      res.body() = http_body(*item, std::min<uint64_t>(*bytes, HttpServer::kMaxBody));
    }
  } else if (target == "/") {
    res.set(http::field::content_type, "text/plain");
    res.body() = "concbench http server: GET /item/<i>?delay_us=<d>&bytes=<n>\n";
  } else {
    res.result(http::status::not_found);
  }
  res.prepare_payload();
  if (head) {  // the GET's Content-Length, no body
    const auto n = res.body().size();
    res.body().clear();
    res.content_length(n);
  }
  return res;
}

asio::awaitable<void> session(tcp::socket socket) {
  constexpr auto token = asio::as_tuple(asio::use_awaitable);
  boost::beast::flat_buffer buffer;
  asio::steady_timer timer(socket.get_executor());
  for (;;) {
    http::request<http::string_body> req;
    auto [read_error, n] = co_await http::async_read(socket, buffer, req, token);
    if (read_error) break;
    std::optional<uint64_t> delay_us;
    http::response<http::string_body> res = answer(req, delay_us);
    if (delay_us) {
      const auto start = std::chrono::steady_clock::now();
      if (*delay_us > 0) {
        timer.expires_after(std::chrono::microseconds(*delay_us));
        co_await timer.async_wait(token);
      }
      const auto waited = std::chrono::steady_clock::now() - start;
      res.set("Server-Timing",
              server_timing(uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(waited).count())));
    }
    auto [write_error, m] = co_await http::async_write(socket, res, token);
    if (write_error || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

HttpServer::HttpServer() : ForkedServer("http server", session) {}

std::optional<HttpUrl> parse_http_url(const std::string& text) {
  const std::string scheme = "http://";
  if (text.rfind(scheme, 0) != 0) return std::nullopt;
  const std::string rest = text.substr(scheme.size());
  const auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  const std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (hostport.find(':') == std::string::npos) hostport += ":80";
  auto at = parse_endpoint(hostport);
  if (!at) return std::nullopt;
  boost::system::error_code ec;
  asio::ip::make_address(at->host, ec);
  if (ec) return std::nullopt;
  return HttpUrl{*at, target};
}

namespace {
std::optional<HttpUrl> g_external_url;
}

void HttpService::use_external(std::optional<HttpUrl> u) { g_external_url = std::move(u); }
std::optional<HttpUrl> HttpService::external_url() { return g_external_url; }

HttpService::HttpService() {
  if (!g_external_url) embedded_.emplace();
}

Endpoint HttpService::endpoint() const { return embedded_ ? embedded_->endpoint() : g_external_url->at; }

}  // namespace concbench
