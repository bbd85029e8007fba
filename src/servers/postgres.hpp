// The PostgreSQL server the db workload talks to: by default a throwaway cluster of
// Debian's postgresql, started by its guardian (programs/concbench_pg.cpp: initdb into a
// temporary 0700 folder, 127.0.0.1 on a free port and a unix socket, trust for local
// connections only; stopped and removed when its owner ends, also on Ctrl-C or a crash). A run
// starts one before its first db benchmark and names it to each benchmark's process
// (share_for_run); a process on its own starts its own. --pg-url (or CONCBENCH_PG_URL) points
// it at an external server instead.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <string>

namespace concbench {

class PgService {
 public:
  // The server of this process: the external one if configured, else a throwaway cluster
  // (300 connections) started on first use and kept until the process ends (a benchmark's
  // process runs one benchmark; a test process, many). Throws std::runtime_error with the
  // reason if it cannot start. Marks it as the active server (server_cpu_s: its postmaster
  // and backends; connections: on its port).
  static std::shared_ptr<PgService> get();

  // The run's cluster, for the benchmark processes it starts: started here and named to them
  // in the environment (CONCBENCH_PG_RUN), so that each db benchmark connects to it instead of
  // starting its own (about 1.5 s each). Nothing when an external server is named, or none can
  // start here (each benchmark then reports why).
  static std::shared_ptr<PgService> share_for_run();
  // Whether its postmaster still runs (not exited, not a zombie): a run replaces a shared
  // cluster that died, so that one crash costs one benchmark.
  bool alive() const;

  explicit PgService(int max_connections = 300);
  ~PgService();  // a throwaway cluster: stopped and removed (its guardian does it, then ends)
  PgService(const PgService&) = delete;
  PgService& operator=(const PgService&) = delete;

  const std::string& conninfo() const { return conninfo_; }  // for libpq (URL or key=value)
  // A throwaway cluster's address as a URL, for the field's tools (postgresql://postgres@...).
  std::string url() const;
  bool external() const { return !throwaway_ && !shared_; }
  pid_t postmaster() const { return postmaster_; }
  void activate() const;  // the harness charges its processes' CPU to server_cpu_s

  // --pg-url / CONCBENCH_PG_URL (the command line sets the variable, so that a benchmark's own
  // process inherits it and the password never travels in an argument list); nothing if unset.
  static std::optional<std::string> external_url();
  // Why a db benchmark cannot run here (no server programs, no `postgres` user), with the
  // fix; nothing if it can.
  static std::optional<std::string> unavailable();
  // For the results' context: the external server (password hidden) and the version it
  // reports, or the throwaway cluster's server program, version and folder.
  static std::string describe();

 private:
  void stop();
  bool throwaway_ = false;  // this object started it and stops it
  bool shared_ = false;     // the run's, started by the parent process
  int control_ = -1;  // the guardian's stdin: closing it (or dying) stops the cluster
  int done_ = -1;     // the guardian's stdout: its end of file says the cluster is gone
  pid_t postmaster_ = -1;
  uint16_t port_ = 0;
  std::string conninfo_;
};

// `conninfo` with its password replaced by "***" (URL "user:pass@", "?password=" or
// "password=" forms), for messages and results files.
std::string hide_password(const std::string& conninfo);

// `conninfo` without its password (key=value form), and the password ("" if none): to hand a
// program the first on its command line and the second in PGPASSWORD.
std::pair<std::string, std::string> split_password(const std::string& conninfo);

// Connects once to `conninfo` (5 s at most per address): the error (password hidden) if it
// cannot, else the version the server reports.
struct PgProbe {
  std::optional<std::string> error;
  std::string version;  // "15.18 (Debian 15.18-0+deb12u1)"
};
PgProbe pg_probe(const std::string& conninfo);

}  // namespace concbench
