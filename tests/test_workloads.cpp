// Every registered workload on every model it is registered for, at every point of the quick
// suite (shrunk to test size) and at several worker counts: the checksum equals the
// sequential reference's. And every name of both suites follows the naming scheme.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "core/case.hpp"
#include "core/system.hpp"
#include "models/kinds.hpp"
#include "test_support.hpp"

namespace concbench {
namespace {

struct Point {
  const Case* c;
  Params p;
  friend void PrintTo(const Point& pt, std::ostream* os) { *os << pt.c->name() << "/" << pt.p.str(); }
};

// Keeps the work small: few tasks, short waits and grains, few workers.
Params shrink(const Case& c, Params p) {
  const bool workers_follow_concurrency =
      p.has("workers") && p.has("concurrency") && p.get("workers") == p.get("concurrency");
  if (p.has("latency_us")) p.set("latency_us", std::min<int64_t>(p.get("latency_us"), 2000));
  if (p.has("grain_us")) p.set("grain_us", std::min<int64_t>(p.get("grain_us"), 100));
  if (p.has("concurrency")) p.set("concurrency", std::min<int64_t>(p.get("concurrency"), 16));
  if (workers_follow_concurrency) p.set("workers", p.get("concurrency"));
  if (p.has("payload_bytes")) p.set("payload_bytes", std::min<int64_t>(p.get("payload_bytes"), 70000));
  p.set("tasks", c.workload->name == "cpu.nested" ? 100'000 : 48);
  return p;
}

std::vector<Point> points() {
  std::vector<Point> out;
  std::set<std::string> seen;  // shrinking makes some points equal
  auto add = [&](const Case& c, const Params& p) {
    if (seen.insert(c.name() + "/" + p.str()).second) out.push_back({&c, p});
  };
  const Suite quick{"quick", 2};
  for (const Case& c : cases()) {
    for (const Params& raw : c.grid(quick)) {
      const Params p = shrink(c, raw);
      add(c, p);
      // CPU points also at 1 and 3 workers (3: more workers than cores, uneven splits).
      if (p.has("workers") && !p.has("concurrency"))
        for (int64_t w : {1, 3}) {
          Params q = p;
          q.set("workers", w);
          add(c, q);
        }
    }
  }
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

TEST(Registry, EveryModelHasAKind) {
  for (const Case& c : cases()) EXPECT_TRUE(model_kind(c.model)) << c.model << ": add it to models/kinds.hpp";
}

TEST(Registry, NamesFollowTheScheme) {
  // <workload>/<model>/<param>:<value>/... with MISSION.md's parameter names, workers first.
  const std::regex scheme(
      R"(^[a-z]+(\.[a-z]+)?/[a-z_]+(/(workers|concurrency|grain_us|latency_us|tasks|payload_bytes):[0-9]+)*$)");
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
