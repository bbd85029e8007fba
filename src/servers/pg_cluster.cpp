#include "servers/pg_cluster.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace concbench {

namespace {
bool has_server(const std::filesystem::path& dir) {
  return access((dir / "initdb").c_str(), X_OK) == 0 && access((dir / "postgres").c_str(), X_OK) == 0;
}
}  // namespace

std::string pg_bindir() {
  if (const char* d = std::getenv("CONCBENCH_PG_BINDIR"); d && *d) return has_server(d) ? d : "";
  std::error_code ec;
  int best = -1;
  std::string found;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string v = e.path().filename().string();
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (*end == '\0' && n > best && has_server(e.path() / "bin")) {
      best = int(n);
      found = (e.path() / "bin").string();
    }
  }
  if (!found.empty()) return found;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t at = 0; at <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', at), dirs.size());
    const std::string dir = dirs.substr(at, end - at);
    if (!dir.empty() && has_server(dir)) return dir;
    at = end + 1;
  }
  return "";
}

std::string pgbench_program() {
  const std::string bin = pg_bindir();
  if (!bin.empty() && access((bin + "/pgbench").c_str(), X_OK) == 0) return bin + "/pgbench";
  return "pgbench";
}

std::optional<std::string> pg_cluster_unavailable() {
  if (pg_bindir().empty())
    return "needs PostgreSQL's server programs (initdb, postgres), not found in /usr/lib/postgresql/*/bin "
           "or on PATH (Debian: sudo apt-get install postgresql, or ./scripts/setup; or point "
           "--pg-url at a server)";
  if (geteuid() == 0 && !getpwnam("postgres"))
    return "runs as root and PostgreSQL refuses to run as root, but there is no `postgres` user to "
           "run it as (Debian's postgresql package creates it: sudo apt-get install postgresql)";
  return std::nullopt;
}

}  // namespace concbench
