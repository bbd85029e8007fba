// concbench-pg: the guardian of one throwaway PostgreSQL cluster (servers/postgres.hpp starts
// it for a run's db benchmarks, or for one process). It forks and its parent exits at once (so it is no child
// of the benchmark's, which reaps that parent), and leaves the benchmark's process group and
// session, so that neither Ctrl-C at the terminal nor the harness killing a benchmark's group
// reaches it or the server; then:
//   1. initdb (as the `postgres` user when run as root: PostgreSQL refuses root) into a new
//      0700 folder under $TMPDIR, trust authentication, local connections only;
//   2. starts `postgres` listening on 127.0.0.1 on a free port and on a unix socket in that
//      folder, with PR_SET_PDEATHSIG so that it stops if this guardian is killed;
//   3. prints one line on stdout: "ready <port> <socket folder> <postmaster pid>" (or
//      "error <why>") once the server accepts connections;
//   4. waits for its stdin to close: the benchmark ended, normally, by Ctrl-C or by a crash
//      (the kernel closes the pipe in every case), or SIGINT/SIGTERM/SIGHUP;
//   5. stops the server (immediate shutdown: SIGQUIT, SIGKILL after 5 s); if the server had
//      died or had to be killed, starts it once alone so that PostgreSQL removes the shared
//      memory the dead one left (System V, /dev/shm); removes the folder, and exits, which
//      closes its stdout: the benchmark waits for that end of file.
// Usage: concbench-pg [MAX_CONNECTIONS]
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "servers/pg_cluster.hpp"

namespace {

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

std::string g_dir;
const passwd* g_user = nullptr;  // whom postgres runs as (root only)

[[noreturn]] void fail(const std::string& why) {
  std::printf("error %s\n", why.c_str());
  std::fflush(stdout);
  if (!g_dir.empty())
    nftw(g_dir.c_str(), [](const char* p, const struct stat*, int, FTW*) { return remove(p); }, 16,
         FTW_DEPTH | FTW_PHYS);
  std::exit(1);
}

std::string tail(const std::string& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  if (t.size() > 400) t = "..." + t.substr(t.size() - 400);
  for (char& c : t)
    if (c == '\n') c = ' ';
  return t;
}

// Runs `args` as the server's user with stdout and stderr into `log`; returns its pid.
pid_t start(const std::vector<std::string>& args, const std::string& log, bool tie_to_parent) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) fail(std::string("fork: ") + std::strerror(errno));
  if (pid != 0) return pid;
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(120);
  const int null = open("/dev/null", O_RDONLY);
  if (null < 0 || dup2(null, 0) < 0) _exit(120);
  if (g_user && (setgid(g_user->pw_gid) != 0 || setuid(g_user->pw_uid) != 0)) _exit(121);
  // After the user change, which clears it: the server stops if the guardian dies.
  if (tie_to_parent && (prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || getppid() != parent)) _exit(122);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

uint16_t free_port() {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    fail(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno));
  close(s);
  return ntohs(a.sin_port);
}

// Starts the crashed cluster's server alone (`postgres --single`, no listening, stdin
// empty, no fsync: the cluster is about to go), which removes the shared memory its dead
// postmaster left and exits. Until the last backend has noticed its postmaster's death and
// detached, PostgreSQL refuses ("pre-existing shared memory block is still in use"): tried
// again for up to 3 s in all (PgService::stop waits 10 s for this guardian, 5 of which the
// shutdown may take), each start killed at that deadline. Here 0.12 s when it works.
void release_shared_memory(const std::string& bin, const std::string& data) {
  ::unlink((data + "/postmaster.pid").c_str());  // its postmaster is reaped: a stale lock
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  const std::string log = g_dir + "/release.log";
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t single = start({bin + "/postgres", "--single", "-D", data, "-c", "listen_addresses=",
                                "-c", "fsync=off", "-k", g_dir, "postgres"},
                               log, false);
    int st = 0;
    while (waitpid(single, &st, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        kill(single, SIGKILL);
        st = wait_for(single);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "concbench-pg: the dead cluster's shared memory could not be released within 3 s: %s\n",
               tail(log).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const int max_connections = argc > 1 ? std::atoi(argv[1]) : 300;
  // Nothing of the benchmark's but the two pipes (stdin, stdout): its other descriptors
  // (sockets, pipes) must not live on in the cluster.
  close_range(3, ~0U, 0);
  const pid_t first = fork();
  if (first < 0) fail(std::string("fork: ") + std::strerror(errno));
  if (first > 0) _exit(0);
  setsid();  // out of the benchmark's process group and terminal
  struct sigaction sa {};
  sa.sa_handler = on_signal;  // no SA_RESTART: the wait below returns
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (const auto why = concbench::pg_cluster_unavailable()) fail(*why);
  const std::string bin = concbench::pg_bindir();
  if (geteuid() == 0) g_user = getpwnam("postgres");
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/concbench-pg.XXXXXX";
  if (!mkdtemp(templ.data())) fail("cannot create a folder in " + templ + ": " + std::strerror(errno));
  g_dir = templ;  // 0700
  if (g_user && chown(g_dir.c_str(), g_user->pw_uid, g_user->pw_gid) != 0)
    fail("cannot give " + g_dir + " to the postgres user: " + std::strerror(errno));
  const std::string data = g_dir + "/data";

  const int init = wait_for(start({bin + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync",
                                   "--no-instructions", "-E", "UTF8", "--locale=C"},
                                  g_dir + "/initdb.log", false));
  if (!WIFEXITED(init) || WEXITSTATUS(init) != 0)
    fail("initdb failed (exit " + std::to_string(WIFEXITED(init) ? WEXITSTATUS(init) : -1) + "): " +
         tail(g_dir + "/initdb.log"));

  // A free port, then postgres on it; another program may take the port in between (seen
  // with tests in parallel): postgres then exits, and another port is tried.
  uint16_t port = 0;
  pid_t server = -1;
  std::string conninfo;
  bool ready = false, alive = false;
  for (int attempt = 0; attempt < 5 && !ready && !g_stop; ++attempt) {
    port = free_port();
    server = start({bin + "/postgres", "-D", data, "-k", g_dir, "-h", "127.0.0.1", "-p",
                    std::to_string(port), "-c", "max_connections=" + std::to_string(max_connections)},
                   g_dir + "/postgres.log", true);
    alive = true;
    conninfo = "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=postgres connect_timeout=2";
    bool exited = false;
    for (int k = 0; k < 750 && !ready && !g_stop; ++k) {  // 15 s
      int status = 0;
      if (waitpid(server, &status, WNOHANG) == server) {
        exited = true;
        alive = false;
        break;
      }
      ready = PQping(conninfo.c_str()) == PQPING_OK;
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (exited && attempt == 4) fail("postgres exited: " + tail(g_dir + "/postgres.log"));
    if (!exited) break;
  }
  if (ready) {
    std::printf("ready %u %s %d\n", unsigned(port), g_dir.c_str(), int(server));
    std::fflush(stdout);
    char buf[64];
    while (!g_stop) {
      const ssize_t n = read(0, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
  }
  if (alive) {
    // Immediate shutdown: the backends go too; nothing is kept. A server that had died
    // already (killed, crashed) is reaped here with its status.
    int status = 0;
    bool gone = waitpid(server, &status, WNOHANG) == server;
    if (!gone) kill(server, SIGQUIT);
    for (int k = 0; k < 500 && !gone; ++k) {  // 5 s
      gone = waitpid(server, &status, WNOHANG) == server;
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!gone) {
      kill(server, SIGKILL);
      status = wait_for(server);
    }
    // A postmaster killed by a signal (from outside, or here after 5 s) leaves its shared
    // memory behind: the System V segment and the dynamic segments in /dev/shm
    // (PostgreSQL.N), which outlive every process; one that exits, even on an error, removes
    // them. PostgreSQL removes a crashed cluster's segments when it next starts on the same
    // data folder, so it is started once more, as a stand-alone backend with nothing to do,
    // before the folder goes.
    if (WIFSIGNALED(status)) release_shared_memory(bin, data);
  }
  if (!ready) fail("postgres did not accept connections within 15 s: " + tail(g_dir + "/postgres.log"));
  nftw(g_dir.c_str(), [](const char* p, const struct stat*, int, FTW*) { return remove(p); }, 16,
       FTW_DEPTH | FTW_PHYS);
  return 0;
}
