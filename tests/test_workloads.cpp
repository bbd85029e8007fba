// Every registered workload on every model it is registered for, at every point of the quick
// suite (shrunk to test size) and at several worker counts: the checksum equals the
// sequential reference's. And every name of both suites follows the naming scheme.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include <filesystem>

#include "core/case.hpp"
#include "core/fault.hpp"
#include "core/loop_watch.hpp"
#include "core/system.hpp"
#include "models/kinds.hpp"
#include "servers/http_server.hpp"
#include "test_support.hpp"

namespace concbench {
namespace {

struct Point {
  const Case* c;
  Params p;
  friend void PrintTo(const Point& pt, std::ostream* os) { *os << pt.c->name() << "/" << pt.p.str(); }
};

std::vector<Point> points() {
  std::vector<Point> out;
  for (auto& [c, p] : test::small_points()) out.push_back({c, p});
  return out;
}

class EveryModel : public ::testing::TestWithParam<Point> {};

TEST_P(EveryModel, ChecksumEqualsTheSequentialReference) {
  const auto& [c, p] = GetParam();
  const Batch expected = c->workload->reference(p)();
  ASSERT_FALSE(expected.results.empty());
  {
    auto trial = c->make(p);
    for (int run = 0; run < 2; ++run) {  // an engine is reused across runs
      const Batch got = trial->run();
      ASSERT_TRUE(got.errors.empty()) << got.errors.front();
      ASSERT_EQ(got.results.size(), expected.results.size());
      EXPECT_EQ(checksum(got.results), checksum(expected.results)) << c->name() << "/" << p.str();
    }
  }
  EXPECT_TRUE(test::live_children().empty()) << "a process outlived its trial";
}

std::string point_name(const ::testing::TestParamInfo<Point>& info) {
  std::string s = info.param.c->name() + "_" + info.param.p.str();
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Cases, EveryModel, ::testing::ValuesIn(points()), point_name);

// Every scenario, on every model, as a user's code would run it: after the trial is gone no
// descriptor is left open and no process is left (running or zombie) by the trial.
TEST(Scenarios, LeaveNoDescriptorAndNoProcess) {
  const auto descriptors = [] {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
  };
  for (const auto& [c, p] : test::small_points()) {
    if (c->workload->kind != Kind::scenario) continue;
    // A server kept for the whole process (db's PostgreSQL cluster, started on first use)
    // holds its descriptors from its first trial on: count from after one trial is set up.
    c->make(p).reset();
    const std::size_t before = descriptors();
    {
      auto trial = c->make(p);
      const Batch b = trial->run();
      EXPECT_TRUE(b.errors.empty()) << c->name() << "/" << p.str() << ": " << b.errors.front();
    }
    EXPECT_EQ(descriptors(), before) << c->name() << "/" << p.str() << " left a descriptor open";
    EXPECT_TRUE(test::live_children().empty()) << c->name() << "/" << p.str() << " left a process";
  }
}

// The context manager of the file scenario: when the body throws with its file open, every
// model reports that task's error and no descriptor is left open (every task throws here).
TEST(Scenarios, FileScopeClosesWhenItsBodyThrows) {
  const auto descriptors = [] {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
  };
  int models = 0;
  for (const auto& [c, small] : test::small_points()) {
    if (c->workload->name != "file") continue;
    ++models;
    Params p = small;
    p.set("files", 8);
    p.set("fail_pct", 100);
    const std::size_t before = descriptors();
    {
      const Batch b = c->make(p)->run();
      EXPECT_EQ(b.errors.size(), 8u) << c->name();
      for (const auto& e : b.errors) EXPECT_NE(e.find("with its file open"), std::string::npos) << e;
    }
    EXPECT_EQ(descriptors(), before) << c->name() << " left a descriptor open";
  }
  EXPECT_GE(models, 4);
}

// fanout's wait:first check can fail: with the cancellation skipped on purpose (the first
// result taken, the rest left to end their waits), every model's run is an error. 8 tasks
// and up to ten tries each: a consumer held off the CPU until every wait had ended (or a
// parent still forking then) had nothing to cancel, and the check rightly passes such a run.
TEST(Scenarios, WaitFirstWithItsCancellationSkippedIsAnError) {
  int models = 0;
  for (auto [c, p] : test::small_points()) {
    if (c->workload->name != "fanout" || p.str().find("wait:first") == std::string::npos) continue;
    ++models;
    p.set("tasks", 8);
    std::string error;
    fault::set_break(fault::Break::skip_cancel);
    for (int run = 0; run < 10 && error.empty(); ++run) {
      const Batch b = c->make(p)->run();
      if (!b.errors.empty()) error = b.errors.front();
    }
    fault::set_break(fault::Break::none);
    EXPECT_NE(error.find("the first result did not cancel the rest"), std::string::npos)
        << c->name() << "/" << p.str() << ": " << (error.empty() ? "no error" : error);
    const Batch sound = c->make(p)->run();
    EXPECT_TRUE(sound.errors.empty()) << c->name() << ": " << sound.errors.front();
  }
  EXPECT_GE(models, 4);
  EXPECT_TRUE(test::live_children().empty()) << "a process outlived its trial";
}

// asyncio's debug mode: every loop step that blocked the loop for at least the threshold is
// counted, and none is counted while the watch is off. (A sleep_for lasts at least its
// duration: no timing is asserted beyond that guarantee.)
TEST(Scenarios, SlowStepDetectorCountsEveryBlockingCall) {
  const Case* coro = nullptr;
  for (const Case& c : cases())
    if (c.workload->name == "loop.blocking" && c.model == "coro") coro = &c;
  ASSERT_TRUE(coro);
  Params p{{"block", 1 /* sleep */}, {"block_ms", 3}, {"tasks", 4}};
  ASSERT_EQ(p.str(), "block:sleep/block_ms:3/tasks:4");
  const auto saved = loop_watch::threshold();
  loop_watch::set_threshold(std::chrono::milliseconds(2));
  const Batch b = coro->make(p)->run();
  loop_watch::set_threshold(saved);
  ASSERT_TRUE(b.errors.empty()) << b.errors.front();
  std::map<std::string, double> fig(b.figures.begin(), b.figures.end());
  EXPECT_GE(fig.at("slow_steps"), 4);
  EXPECT_GE(fig.at("slow_step_max_ms"), 3);
  EXPECT_FALSE(loop_watch::enabled());
}

// RSS misses the kernel's memory for a task: a thread has a kernel stack (and page tables for
// its stack), a coroutine has neither. spawn's kernel_mem_per_unit_bytes reads both from
// /proc/meminfo, machine-wide, so each side is the least of three runs (another process's
// threads can only add to it).
TEST(Scenarios, AThreadHoldsMoreKernelMemoryThanACoroutine) {
  const auto kernel_per_unit = [](const char* model) {
    const Case* c = nullptr;
    for (const Case& k : cases())
      if (k.workload->name == "spawn" && k.model == model) c = &k;
    if (!c) return -2.0;
    const Params p{{"units", 500}};
    double least = -1;
    for (int run = 0; run < 3; ++run) {
      const Batch b = c->make(p)->run();
      if (!b.errors.empty()) return -3.0;
      std::map<std::string, double> fig(b.figures.begin(), b.figures.end());
      if (!fig.count("kernel_mem_per_unit_bytes")) return -1.0;
      const double v = fig.at("kernel_mem_per_unit_bytes");
      least = least < 0 ? v : std::min(least, v);
    }
    return least;
  };
  const double thread = kernel_per_unit("thread_per_task"), coro = kernel_per_unit("coro");
  if (thread == -1.0 || coro == -1.0) GTEST_SKIP() << "/proc/meminfo has no KernelStack or PageTables here";
  ASSERT_GE(thread, 0) << "spawn on thread_per_task did not run";
  ASSERT_GE(coro, 0) << "spawn on coro did not run";
  EXPECT_GE(thread, 8 * 1024) << "a thread's kernel stack alone is larger";
  EXPECT_GT(thread, coro);
}

TEST(Registry, EveryCoreModelAndWorkloadIsThere) {
  std::set<std::string> models, workloads;
  for (const Case& c : cases()) {
    models.insert(c.model);
    workloads.insert(c.workload->name);
  }
  for (const char* m : {"coro", "threads", "tbb", "procs", "coro_mt", "thread_per_task",
                        "fork_per_task", "procs_coro"})
    EXPECT_TRUE(models.count(m)) << m;
  for (const char* w : {"cpu.spin", "cpu.real", "cpu.nested", "io.sleep", "io.echo", "mixed",
                        "ipc", "start"})
    EXPECT_TRUE(workloads.count(w)) << w;
  // The four base models run every core workload.
  for (const char* w : {"cpu.spin", "cpu.real", "cpu.nested", "io.sleep", "io.echo", "mixed", "ipc"})
    for (const char* m : {"coro", "threads", "tbb", "procs"}) {
      bool found = false;
      for (const Case& c : cases()) found |= c.workload->name == w && c.model == m;
      EXPECT_TRUE(found) << w << " on " << m;
    }
}

TEST(Registry, EveryModelOffersTheDispatchShapesOfItsKind) {
  for (const Case& c : cases()) {
    std::set<int64_t> shapes;
    for (const Params& p : c.grid(Suite{"full", 4}))
      if (p.has("dispatch")) shapes.insert(p.get("dispatch"));
    // A scenario takes the dispatch its question needs (errors: each, one failure per task).
    if (shapes.empty() || c.workload->kind == Kind::scenario) continue;
    std::set<int64_t> expected;
    for (Dispatch d : dispatches(c.model)) expected.insert(int64_t(d));
    EXPECT_EQ(shapes, expected) << c.name();
  }
}

TEST(Registry, EveryModelHasAKind) {
  for (const Case& c : cases()) EXPECT_TRUE(model_kind(c.model)) << c.model << ": add it to models/kinds.hpp";
}

TEST(Registry, NamesFollowTheScheme) {
  // <workload>/<model>/<param>:<value>/... with docs/questions.md's parameter names, workers first.
  const std::regex scheme(
      R"(^[a-z]+(\.[a-z]+)?/[a-z_]+(/workers:[0-9]+)?(/dispatch:(each|map))?(/(concurrency|grain_us|latency_us|tasks|payload_bytes):[0-9]+)*)"
      // the guide's scenarios: their own parameters, words or integers
      R"((/(block|fail|wait|query):[a-z_]+|/(block_ms|units|parent_mb|fail_pct|tasks|file_kib|files|delay_us|body_bytes|concurrency|sleep_us|rate|depth):[0-9]+)*$)");
  for (const Suite& s : {Suite{"quick", 2}, Suite{"full", 2}, Suite{"full", 64}}) {
    std::set<std::string> seen;
    for (const Case& c : cases())
      for (const Params& p : c.grid(s)) {
        std::string name = c.name();
        if (!p.items().empty()) name.append("/").append(p.str());
        EXPECT_TRUE(std::regex_match(name, scheme)) << name;
        EXPECT_TRUE(seen.insert(name).second) << "duplicate " << name;
        if (p.has("workers")) {
          EXPECT_EQ(p.items().front().first, "workers") << name;
        }
        if (c.model == "coro") {
          EXPECT_FALSE(p.has("workers")) << name;
        }
        // Models are ranked only within one dispatch: a workload of independent tasks names
        // it on every model, and each model offers exactly the shapes kinds.hpp says.
        const bool independent = c.workload->name == "cpu.spin" ||
                                 c.workload->name == "cpu.real" || c.workload->name == "ipc" ||
                                 c.workload->name == "errors";
        EXPECT_EQ(p.has("dispatch"), independent) << name;
      }
    EXPECT_GT(seen.size(), 50u) << s.name;
  }
}

TEST(Checksum, IsOrderIndependentAndSeesEveryTask) {
  std::vector<TaskResult> a{{1, 0}, {2, 0}, {3, 0}}, b{{3, 0}, {1, 0}, {2, 0}};
  EXPECT_EQ(checksum(a), checksum(b));
  b[0].value = 4;
  EXPECT_NE(checksum(a), checksum(b));
  b = {{1, 0}, {2, 0}};
  EXPECT_NE(checksum(a), checksum(b));
  b = {{1, 0}, {1, 0}, {3, 0}};
  EXPECT_NE(checksum(a), checksum(b));
}

// The http server's account of its wait, the check a loaded machine cannot blur: what it
// writes reads back to the microsecond, in any Server-Timing value that carries it.
TEST(ServerTiming, ReadsBackWhatTheServerWrote) {
  for (uint64_t us : {0ull, 7ull, 999ull, 1000ull, 1004ull, 25000ull, 3600000000ull})
    EXPECT_EQ(server_timing_us(server_timing(us)), us) << server_timing(us);
  EXPECT_EQ(server_timing(1004), "delay;dur=1.004");
  EXPECT_EQ(server_timing_us("db;dur=53, delay;dur=1.5"), 1500u);
  EXPECT_EQ(server_timing_us("delay;dur=2"), 2000u);
  EXPECT_EQ(server_timing_us("cache;desc=hit"), std::nullopt);
  EXPECT_EQ(server_timing_us("delay;dur=x"), std::nullopt);
}

TEST(Limits, AMissingProgramIsRefusedWithTheCommandThatInstallsIt) {
  Needs n;
  n.programs = {{"concbench-no-such-tool", "no-such-package"}};
  const auto why = check_needs(n, read_limits());
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("apt-get install no-such-package"), std::string::npos) << *why;
  n.programs = {{"sh", "dash"}};
  EXPECT_FALSE(check_needs(n, read_limits()));
}

TEST(Limits, ImpossibleNeedsAreRefusedWithAReason) {
  const Limits l{1000, 100, 500};
  EXPECT_FALSE(check_needs({.threads = 10}, Limits{100000, 100, 5000}));
  const auto why = check_needs({.processes = 100000}, l);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("100000"), std::string::npos);
  EXPECT_TRUE(check_needs({.descriptors = 10000}, Limits{100000, 100, 500}));
  const auto memory = check_needs({.processes = 10000},
                                  Limits{100000, 100, 50000, int64_t(8) << 30, 1536 << 10});
  ASSERT_TRUE(memory);
  EXPECT_NE(memory->find("page tables"), std::string::npos) << *memory;
}

}  // namespace
}  // namespace concbench
