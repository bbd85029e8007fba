// fanout on `fork_per_task`: K children in one process group of their own, each sleeping its
// delay then exiting 0; the parent reaps them with waitpid on any child of the group, in
// completion order; wait:first kills the rest of the group (SIGKILL) after the first exit
// and reaps them: their resources are released when the last is reaped.
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <unordered_map>

#include "core/fault.hpp"
#include "workloads/fanout/fanout.hpp"

namespace concbench::fanout {
namespace {

struct NoEngine {};

// Each child's own measure of its wait and when it ended (CLOCK_MONOTONIC, steady_clock's),
// in shared memory: the parent's fork-to-reap time cannot prove a child waited (forking K
// children can take longer than the delays), and a child may be reaped long after its end.
struct Waited {
  struct Child {
    int64_t waited_ns, ended_ns;
  };
  explicit Waited(std::size_t n) : n(n) {
    void* m = mmap(nullptr, n * sizeof(Child), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("fanout: cannot map the children's waits");
    child = static_cast<Child*>(m);
  }
  ~Waited() { munmap(child, n * sizeof(Child)); }
  std::size_t n;
  Child* child;
};

int64_t ns(const timespec& t) { return t.tv_sec * 1'000'000'000LL + t.tv_nsec; }

Batch run(const Config& c) {
  Outcome o(c);
  Waited waited(c.tasks);
  std::unordered_map<pid_t, std::size_t> children;  // pid -> task
  const pid_t parent = getpid();
  pid_t group = 0;
  std::vector<std::string> errors;
  o.start();
  for (std::size_t i = 0; i < c.tasks; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {  // async-signal-safe calls only
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(2);
      setpgid(0, group);  // both sides set it: whichever runs first (0: a group of its own)
      timespec start{}, end{};
      clock_gettime(CLOCK_MONOTONIC, &start);
      if (!fault::skip_wait()) {
        const auto d = delay(i, c);
        timespec ts{time_t(d.count() / 1000000), long(d.count() % 1000000) * 1000};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
      }
      clock_gettime(CLOCK_MONOTONIC, &end);
      waited.child[i] = {ns(end) - ns(start), ns(end)};
      _exit(0);
    }
    if (pid < 0) {
      errors.push_back("task " + std::to_string(i) + ": fork failed: " + std::strerror(errno));
      break;
    }
    if (group == 0) group = pid;
    setpgid(pid, group);  // the child may not have run yet
    children[pid] = i;
  }
  bool killed = false;
  while (!children.empty()) {
    int status = 0;
    const pid_t pid = waitpid(-group, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      errors.push_back(std::string("waitpid: ") + std::strerror(errno));
      for (auto& [left, task] : children) {  // never leave a child behind
        kill(left, SIGKILL);
        while (waitpid(left, nullptr, 0) < 0 && errno == EINTR) {
        }
      }
      children.clear();
      break;
    }
    const auto it = children.find(pid);
    if (it == children.end()) continue;
    const std::size_t i = it->second;
    children.erase(it);
    const bool done = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!done && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && killed))
      errors.push_back("task " + std::to_string(i) + ": child ended with status " + std::to_string(status));
    // A completed child's latency is its own measure of its wait, and it ended when it says
    // (see Waited); a killed one ended now.
    const bool first =
        done ? o.ended(i, std::chrono::nanoseconds(waited.child[i].waited_ns), true,
                       Outcome::Clock::time_point(std::chrono::nanoseconds(waited.child[i].ended_ns)))
             : o.ended(i, std::chrono::nanoseconds(0), false);
    o.consume(done, first);
    if (c.wait == Wait::first && first && !children.empty() && !fault::skip_cancel()) {
      killed = true;
      kill(-group, SIGKILL);
    }
  }
  return o.all_ended(errors);
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "fork_per_task",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<NoEngine>(std::make_unique<NoEngine>(), [c](NoEngine&) { return run(c); });
        },
    .needs = [](const Params& p) { return Needs{.processes = int64_t(config(p).tasks)}; },
});

}  // namespace
}  // namespace concbench::fanout
