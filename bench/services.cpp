#include "bench/services.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "core/system.hpp"
#include "servers/echo_server.hpp"
#include "servers/http_server.hpp"
#include "servers/postgres.hpp"
#include "workloads/db/db.hpp"
#include "workloads/http/http.hpp"

namespace concbench {

void use_services(const Options& o, bool listing) {
  if (!o.echo_server.empty()) {
    auto e = parse_endpoint(o.echo_server);
    if (!e) bad_input("--echo-server '" + o.echo_server + "': expected HOST:PORT, e.g. 127.0.0.1:7");
    EchoService::use_external(e);
  }
  if (!o.http_url.empty()) {
    auto u = parse_http_url(o.http_url);
    if (!u) bad_input("--http-url '" + o.http_url + "': expected http://HOST:PORT/PATH with a numeric HOST, e.g. http://127.0.0.1:8080/index.html");
    HttpService::use_external(u);
    if (o.run_one.empty()) try {  // its body's size names the benchmarks, listed or run
        http::external_body();
      } catch (const boost::system::system_error& e) {
        bad_input("--http-url '" + o.http_url + "': cannot GET it: " + e.code().message());
      } catch (const std::exception& e) {
        bad_input("--http-url '" + o.http_url + "': cannot GET it: " + e.what());
      }
  }
  if (!o.pg_url.empty()) setenv("CONCBENCH_PG_URL", o.pg_url.c_str(), 1);  // to each benchmark's process
  if (const auto url = PgService::external_url(); url && o.run_one.empty() && !listing)
    if (const auto why = pg_probe(*url).error)
      bad_input(std::string(o.pg_url.empty() ? "CONCBENCH_PG_URL" : "--pg-url") + " '" + hide_password(*url) +
                "': cannot connect: " + hide_password(*why));
}

namespace {

// --serve db: a throwaway cluster with the db workload's table and pgbench's, for pgbench or
// psql by hand; stopped and removed at Ctrl-C (by its guardian, also if this process dies).
int serve_db_until_interrupted() {
  if (PgService::external_url())
    bad_input("--serve db starts a throwaway PostgreSQL; --pg-url or CONCBENCH_PG_URL names a running one");
  if (const auto why = PgService::unavailable()) {
    std::cerr << "concbench: --serve db: " << *why << "\n";
    return 1;
  }
  std::unique_ptr<PgService> pg;
  try {
    pg = std::make_unique<PgService>();
    db::load_for_tools(pg->conninfo());
  } catch (const std::exception& e) {
    std::cerr << "concbench: --serve db: " << e.what() << "\n";
    return 1;
  }
  const std::string url = pg->url();
  std::cout << url << "  (concbench_items: " << db::kRows << " rows, db's query:pk is "
            << "SELECT v FROM concbench_items WHERE id = $1; pgbench's tables at scale 1), e.g.\n"
            << "  pgbench -n -S -M prepared -c 16 -j 1 -T 10 " << url << "\n"
            << "  psql " << url << "\n"
            << "postmaster " << pg->postmaster() << "; Ctrl-C stops it and removes the cluster" << std::endl;
  while (!interrupted()) pause();
  return 128 + interrupt_signal();  // ~PgService: the guardian stops and removes the cluster
}

}  // namespace

// --serve: the embedded server in the foreground, for wrk, sockperf or curl.
int serve_until_interrupted(const std::string& which) {
  if (which == "db") return serve_db_until_interrupted();
  std::unique_ptr<ForkedServer> server;
  if (which == "http")
    server = std::make_unique<HttpServer>();
  else
    server = std::make_unique<EchoServer>();
  const Endpoint at = server->endpoint();
  if (which == "http")
    std::cout << "http://" << at.str() << "/  (GET /item/<i>?delay_us=<d>&bytes=<n>), e.g.\n  wrk -c100 -d10s 'http://"
              << at.str() << "/item/1?delay_us=1000&bytes=1024'\n";
  else
    std::cout << at.str() << "  (64-byte requests that start with \"cbd1\" and a 32-bit delay in us "
              << "are answered after it; anything else is echoed at once), e.g.\n  sockperf ping-pong --tcp -i "
              << at.host << " -p " << at.port << " -m 64 -t 10\n";
  std::cout << server->loops() << " loops in process " << server->pid() << "; Ctrl-C stops it" << std::endl;
  while (!interrupted()) pause();
  return 128 + interrupt_signal();
}

}  // namespace concbench
