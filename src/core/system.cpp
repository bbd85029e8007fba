#include "core/system.hpp"

#include <cstdlib>

#include "core/trace.hpp"

#include "core/usage.hpp"

#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <sstream>

extern char** environ;

namespace concbench {

int available_cores() {
  int n = 1;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
  // cgroup v2: "max 100000" or "<quota> <period>"
  std::ifstream f("/sys/fs/cgroup/cpu.max");
  std::string quota;
  long period = 0;
  if (f >> quota >> period && quota != "max" && period > 0) {
    const double q = std::stod(quota) / double(period);
    n = std::min(n, std::max(1, int(std::ceil(q))));
  }
  return std::max(1, n);
}

namespace {
int64_t read_number(const char* path, int64_t fallback) {
  std::ifstream f(path);
  int64_t v;
  return (f >> v) ? v : fallback;
}
}  // namespace

Limits read_limits() {
  Limits l{};
  l.max_tasks = std::min(read_number("/proc/sys/kernel/pid_max", 32768),
                         read_number("/proc/sys/kernel/threads-max", 1 << 30));
  rlimit r{};
  if (getrlimit(RLIMIT_NPROC, &r) == 0 && r.rlim_cur != RLIM_INFINITY && geteuid() != 0)
    l.max_tasks = std::min<int64_t>(l.max_tasks, int64_t(r.rlim_cur));
  // /proc/loadavg's fourth field: "running/total" scheduling entities.
  std::ifstream la("/proc/loadavg");
  std::string a, b, c, rt;
  if (la >> a >> b >> c >> rt) {
    const auto slash = rt.find('/');
    if (slash != std::string::npos) l.tasks_in_use = std::stoll(rt.substr(slash + 1));
  }
  std::ifstream mi("/proc/meminfo");
  std::string key;
  int64_t kb;
  std::string unit;
  while (mi >> key >> kb) {
    std::getline(mi, unit);
    if (key == "MemAvailable:") l.available_memory = kb * 1024;
  }
  l.page_table_bytes = std::max<int64_t>(0, status_bytes("VmPTE"));
  l.max_maps = read_number("/proc/sys/vm/max_map_count", 65530);
  {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) ++l.maps_in_use;
  }
  l.max_descriptors = (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
                          ? int64_t(r.rlim_cur)
                          : (1 << 20);
  return l;
}

namespace {
bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t at = 0; at <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', at), dirs.size());
    const std::string candidate = dirs.substr(at, end - at) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    at = end + 1;
  }
  return false;
}
}  // namespace

std::string helper_program(const std::string& name, const std::string& what) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  for (const auto& dir : {self, self.parent_path()}) {
    const auto p = dir / name;
    if (access(p.c_str(), X_OK) == 0) return p.string();
  }
  throw std::runtime_error(name + " (" + what + ") is not beside " + self.string() + ": build every target");
}

ProgramRun run_program(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<std::string> vars;
  for (char** e = environ; *e; ++e) {
    const std::string v(*e);
    const std::string name = v.substr(0, v.find('='));
    if (std::none_of(env.begin(), env.end(), [&](const std::string& x) { return x.substr(0, x.find('=')) == name; }))
      vars.push_back(v);
  }
  vars.insert(vars.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_adddup2(&fa, p[1], 2);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int err = posix_spawnp(&pid, args.at(0).c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  if (err != 0) {
    close(p[0]);
    throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(err));
  }
  ProgramRun w;
  char buf[4096];
  for (ssize_t n; (n = read(p[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    w.out.append(buf, std::size_t(n));
  }
  close(p[0]);
  struct rusage ru {};
  while (wait4(pid, &w.status, 0, &ru) < 0 && errno == EINTR) {
  }
  const Usage used = from_rusage(ru);
  w.cpu_s = used.user_s + used.sys_s;
  return w;
}

std::string program_version(const std::vector<std::string>& args) {
  const std::string name = std::filesystem::path(args.at(0)).filename().string();
  try {
    const std::string out = run_program(args).out;
    std::string line(out.begin(), std::find(out.begin(), out.end(), '\n'));
    if (const auto c = line.find(" Copyright"); c != std::string::npos) line.resize(c);  // wrk's
    return line.empty() ? name + ": version unknown" : line;
  } catch (const std::exception&) {
    return name + ": not found";
  }
}

std::string kernel_release() {
  struct utsname u {};
  return uname(&u) == 0 ? std::string(u.sysname) + " " + u.release : "unknown";
}

std::string futex_hash() {
  // prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_GET_SLOTS) (Linux 6.16+; not in Debian 12's headers),
  // asked from a second thread: a process's own hash is made when it first has one.
  constexpr int kPrFutexHash = 78, kGetSlots = 2;
  long slots = -1;
  std::thread([&] { slots = prctl(kPrFutexHash, kGetSlots, 0, 0, 0); }).join();
  if (slots > 0)
    return "private, " + std::to_string(slots) + " buckets per process (PR_FUTEX_HASH)";
  return "global (one hash shared by every process)";
}

std::optional<std::string> helper_missing(const std::string& name, const std::string& what) {
  try {
    helper_program(name, what);
    return std::nullopt;
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::optional<std::string> check_needs(const Needs& n, const Limits& l) {
  if (n.unavailable) return *n.unavailable;
  for (const auto& [program, package] : n.programs)
    if (!on_path(program))
      return "needs the program " + program + ", not found on PATH (Debian: sudo apt-get install " +
             package + ", or ./scripts/setup)";
  // Keep a margin: the shell, the embedded servers and other users need pids and files too.
  const int64_t task_room = l.max_tasks - l.tasks_in_use - 2000;
  const int64_t tasks = n.threads + n.processes;
  if (tasks > task_room) {
    std::ostringstream s;
    s << "needs " << tasks << " threads+processes, this machine has room for " << task_room
      << " (pid_max/threads-max/RLIMIT_NPROC " << l.max_tasks << ", " << l.tasks_in_use
      << " in use, 2000 kept free)";
    return s.str();
  }
  constexpr int64_t kPerProcess = 512 << 10;  // stack, heap and socket buffers a worker touches
  constexpr int64_t kPerThread = 64 << 10;    // touched stack and kernel structures
  const int64_t memory =
      n.processes * (l.page_table_bytes + kPerProcess) + n.threads * kPerThread;
  if (memory > l.available_memory / 2) {
    std::ostringstream s;
    s << "needs about " << memory / (1 << 20) << " MiB (" << n.processes
      << " worker processes, each copying this process's " << l.page_table_bytes / 1024
      << " KiB of page tables and touching about 512 KiB; " << n.threads
      << " threads at 64 KiB), more than half of the " << l.available_memory / (1 << 20)
      << " MiB available";
    return s.str();
  }
  const int64_t map_room = l.max_maps - l.maps_in_use - 1000;
  if (n.maps > map_room) {
    std::ostringstream s;
    s << "needs about " << n.maps << " memory mappings (a stack and its guard page per thread "
      << "or suspended task), vm.max_map_count allows " << map_room << " more (" << l.max_maps
      << ", " << l.maps_in_use << " in use, 1000 kept free; raise it with sysctl "
      << "vm.max_map_count)";
    return s.str();
  }
  const int64_t fd_room = l.max_descriptors - 64;
  if (n.descriptors > fd_room) {
    std::ostringstream s;
    s << "needs " << n.descriptors << " file descriptors, RLIMIT_NOFILE allows " << fd_room
      << " (raise it with ulimit -n)";
    return s.str();
  }
  return std::nullopt;
}

namespace {
std::atomic<int> g_signal{0};
}
bool interrupted() { return g_signal.load(std::memory_order_relaxed) != 0; }
void set_interrupted(int signal) { g_signal.store(signal, std::memory_order_relaxed); }
int interrupt_signal() { return g_signal.load(std::memory_order_relaxed); }

}  // namespace concbench

#include <csignal>

namespace concbench {
int become_child(int parent, int keep) {
  trace::after_fork();  // the parent's events are the parent's to write
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (keep != 3 && dup2(keep, 3) < 0) _exit(1);
  close_range(4, ~0U, 0);
  return 3;
}
}  // namespace concbench
