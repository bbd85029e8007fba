#include "servers/postgres.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "core/server_probe.hpp"
#include "core/system.hpp"
#include "servers/pg_cluster.hpp"

extern char** environ;

namespace concbench {

std::optional<std::string> PgService::external_url() {
  const char* u = std::getenv("CONCBENCH_PG_URL");
  if (!u || !*u) return std::nullopt;
  return std::string(u);
}

std::optional<std::string> PgService::unavailable() {
  if (external_url()) return std::nullopt;
  if (auto why = pg_cluster_unavailable()) return why;
  return helper_missing("concbench-pg", "the throwaway PostgreSQL's guardian");
}

std::string PgService::describe() {
  if (const auto url = external_url()) {
    const PgProbe probe = pg_probe(*url);
    return hide_password(*url) + " (" + (probe.version.empty() ? "version unknown" : "PostgreSQL " + probe.version) + ")";
  }
  const std::string bin = pg_bindir();
  if (bin.empty()) return "throwaway, but no PostgreSQL here (db is skipped)";
  return std::string(std::getenv("CONCBENCH_PG_RUN") ? "throwaway (one cluster for the run, shared by its db benchmarks): "
                                                     : "throwaway (a cluster started for each process): ") +
         program_version({bin + "/postgres", "--version"}) + " from " + bin;
}

std::string hide_password(const std::string& conninfo) {
  static const std::regex url(R"((postgres(?:ql)?://[^:/@?\s"]*:)[^@\s"]*@)");
  static const std::regex query(R"(([?&]password=)[^&]*)");
  static const std::regex keyword(R"((\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))");
  std::string s = std::regex_replace(conninfo, url, "$1***@");
  s = std::regex_replace(s, query, "$1***");
  return std::regex_replace(s, keyword, "$1***");
}

std::pair<std::string, std::string> split_password(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    PQfreemem(err);
    return {conninfo, ""};
  }
  std::string out, password;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    if (std::string(o->keyword) == "password") {
      password = o->val;
      continue;
    }
    std::string v;
    for (const char* ch = o->val; *ch; ++ch) {
      if (*ch == '\'' || *ch == '\\') v += '\\';
      v += *ch;
    }
    out += std::string(out.empty() ? "" : " ") + o->keyword + "='" + v + "'";
  }
  PQconninfoFree(opts);
  return {out, password};
}

PgProbe pg_probe(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    std::string why = err ? err : "not a connection string or URL";
    PQfreemem(err);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return {hide_password(why), ""};
  }
  PQconninfoFree(opts);
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {conninfo.c_str(), "5", nullptr};
  PGconn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  PgProbe out;
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = PQerrorMessage(c);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    for (char& ch : why)
      if (ch == '\n') ch = ' ';
    out.error = hide_password(why);
  } else if (const char* v = PQparameterStatus(c, "server_version")) {
    out.version = v;
  }
  PQfinish(c);
  return out;
}


std::shared_ptr<PgService> PgService::get() {
  static std::shared_ptr<PgService> server;
  if (!server) server = std::make_shared<PgService>();
  server->activate();
  return server;
}

std::shared_ptr<PgService> PgService::share_for_run() {
  if (external_url() || std::getenv("CONCBENCH_PG_RUN") || unavailable()) return nullptr;
  std::shared_ptr<PgService> server;
  try {
    server = std::make_shared<PgService>();
  } catch (const std::exception&) {
    return nullptr;  // each db benchmark tries again and reports why
  }
  const std::string where = std::to_string(server->port_) + " " + std::to_string(server->postmaster_);
  setenv("CONCBENCH_PG_RUN", where.c_str(), 1);
  return server;
}

bool PgService::alive() const {
  if (postmaster_ <= 0) return false;
  std::ifstream stat("/proc/" + std::to_string(postmaster_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');  // "pid (comm) S ...": the state follows the name
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z' && text[close + 2] != 'X';
}

void PgService::activate() const {
  if (throwaway_ || shared_) set_active_server(ServerInfo{postmaster_, std::max(1, available_cores()), /*tree=*/true, port_});
}

PgService::PgService(int max_connections) {
  if (const auto url = external_url()) {
    conninfo_ = *url;
    return;
  }
  if (const char* run = std::getenv("CONCBENCH_PG_RUN")) {  // "PORT POSTMASTER": the run's
    std::istringstream words(run);
    unsigned port = 0;
    if (words >> port >> postmaster_) {
      shared_ = true;
      port_ = uint16_t(port);
      conninfo_ = "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=postgres";
      return;
    }
  }
  if (const auto why = pg_cluster_unavailable()) throw std::runtime_error(*why);
  const std::string program = helper_program("concbench-pg", "the throwaway PostgreSQL's guardian");
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  const std::string limit = std::to_string(max_connections);
  char* argv[] = {const_cast<char*>("concbench-pg"), const_cast<char*>(limit.c_str()), nullptr};
  pid_t first = -1;  // exits at once, leaving the guardian to init
  const int err = posix_spawn(&first, program.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  control_ = in[1];
  done_ = out[0];
  if (err != 0) {
    close(done_);
    close(control_);
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(err));
  }
  while (waitpid(first, nullptr, 0) < 0 && errno == EINTR) {
  }
  std::string line;
  char buf[512];
  pollfd pfd{done_, POLLIN, 0};
  while (line.find('\n') == std::string::npos && poll(&pfd, 1, 30000) == 1) {
    const ssize_t n = read(done_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line.append(buf, std::size_t(n));
  }
  std::istringstream words(line);
  std::string word, socket_dir;
  unsigned port = 0;
  throwaway_ = true;
  if (!(words >> word) || word != "ready" || !(words >> port >> socket_dir >> postmaster_)) {
    stop();
    if (line.rfind("error ", 0) == 0) throw std::runtime_error("PostgreSQL: " + line.substr(6, line.find('\n') - 6));
    throw std::runtime_error("PostgreSQL: the throwaway cluster did not start within 30 s");
  }
  port_ = uint16_t(port);
  conninfo_ = "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=postgres";
}

std::string PgService::url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

PgService::~PgService() { stop(); }

void PgService::stop() {
  if (!throwaway_) return;
  throwaway_ = false;
  if (const auto s = active_server(); s && s->pid == postmaster_) set_active_server(std::nullopt);
  close(control_);  // the guardian stops the server, removes its folder and exits
  char buf[256];
  pollfd pfd{done_, POLLIN, 0};
  while (poll(&pfd, 1, 10000) == 1) {
    const ssize_t n = read(done_, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EINTR)) break;
  }
  close(done_);
}

}  // namespace concbench
