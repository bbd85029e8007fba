// The harness on Google Benchmark: a wrong checksum, a failed set-up and an impossible
// level are error entries with a message, never numbers; a good run has its counters.
#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <map>

#include "bench/harness.hpp"
#include "bench/results_file.hpp"
#include "core/fault.hpp"
#include "test_support.hpp"

namespace concbench {
namespace {

const Workload& counting() {
  static const Workload w{
      .name = "test.count",
      .kind = Kind::cpu,
      .reference = unprepared([](const Params&) {
        Batch b;
        for (uint64_t i = 0; i < 10; ++i) b.results.push_back({i, 0});
        return b;
      }),
      .items = [](const Params&) { return int64_t(10); },
  };
  return w;
}

class FakeTrial : public Trial {
 public:
  explicit FakeTrial(uint64_t off) : off_(off) {}
  Batch run() override {
    Batch b;
    for (uint64_t i = 0; i < 10; ++i) b.results.push_back({i + (i == 9 ? off_ : 0), 0});
    return b;
  }

 private:
  uint64_t off_;
};

struct Capture : benchmark::BenchmarkReporter {
  std::map<std::string, Run> runs;
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& r) override {
    for (const auto& x : r) runs[x.benchmark_name()] = x;
  }
};

Case make_case(std::string model, std::function<std::unique_ptr<Trial>(const Params&)> make,
               std::function<Needs(const Params&)> needs = {}) {
  return Case{&counting(), std::move(model), [](const Suite&) { return std::vector<Params>{}; },
              std::move(make), std::move(needs)};
}

TEST(Harness, WrongChecksumIsAnErrorNotANumber) {
  static const Case good = make_case("good", [](const Params&) { return std::make_unique<FakeTrial>(0); });
  static const Case wrong = make_case("wrong", [](const Params&) { return std::make_unique<FakeTrial>(1); });
  static const Case broken = make_case("broken", [](const Params&) -> std::unique_ptr<Trial> {
    throw std::runtime_error("no pool today");
  });
  struct Throwing : Trial {
    Batch run() override { throw std::runtime_error("fork refused"); }
  };
  static const Case throwing = make_case("throwing", [](const Params&) { return std::make_unique<Throwing>(); });
  static const Case huge = make_case(
      "huge", [](const Params&) { return std::make_unique<FakeTrial>(0); },
      [](const Params&) { return Needs{.processes = int64_t(1) << 40}; });
  for (const Case* c : {&good, &wrong, &broken, &throwing, &huge})
    benchmark::RegisterBenchmark(c->name().c_str(), [c](benchmark::State& st) {
      run_case(st, *c, Params{}, c->name());
    })->UseRealTime()->Iterations(2);
  Capture cap;
  benchmark::RunSpecifiedBenchmarks(&cap, "test\\.count/");
  ASSERT_EQ(cap.runs.size(), 5u);

  const auto& g = cap.runs.at("test.count/good/iterations:2/real_time");
  EXPECT_FALSE(g.error_occurred) << g.error_message;
  EXPECT_TRUE(g.counters.count("speedup"));
  EXPECT_TRUE(g.counters.count("cpu_user_s"));
  EXPECT_TRUE(g.counters.count("peak_rss_bytes"));

  const auto& w = cap.runs.at("test.count/wrong/iterations:2/real_time");
  EXPECT_TRUE(w.error_occurred);
  EXPECT_NE(w.error_message.find("checksum"), std::string::npos) << w.error_message;
  EXPECT_TRUE(w.counters.empty());

  const auto& b = cap.runs.at("test.count/broken/iterations:2/real_time");
  EXPECT_TRUE(b.error_occurred);
  EXPECT_NE(b.error_message.find("set-up failed: no pool today"), std::string::npos);

  const auto& t = cap.runs.at("test.count/throwing/iterations:2/real_time");
  EXPECT_TRUE(t.error_occurred);
  EXPECT_NE(t.error_message.find("run failed: fork refused"), std::string::npos) << t.error_message;

  const auto& h = cap.runs.at("test.count/huge/iterations:2/real_time");
  EXPECT_TRUE(h.error_occurred);
  EXPECT_EQ(h.error_message.rfind(kSkipPrefix, 0), 0u) << h.error_message;
}

// Every check can fail: every workload on every model, its work broken on purpose
// (core/fault.hpp: waits skipped for I/O and start, computation skipped for CPU work), is an
// error entry with a reason; the same points unbroken pass every check of the harness.
TEST(Harness, BrokenWorkIsAnErrorOnEveryModelAndSoundWorkPasses) {
  std::vector<std::string> names;
  for (const auto& [c, p] : test::small_points()) {
    for (const char* how : {"sound", "broken"}) {
      const std::string name = std::string(how) + "/" + c->name() + "/" + p.str();
      const Kind kind = c->workload->kind;
      const fault::Break brk = how == std::string("sound")  ? fault::Break::none
                               : kind == Kind::cpu          ? fault::Break::skip_compute
                               : kind == Kind::scenario     ? fault::Break::skip_all
                                                            : fault::Break::skip_wait;
      benchmark::RegisterBenchmark(name.c_str(), [c = c, p = p, name, brk](benchmark::State& st) {
        fault::set_break(brk);
        run_case(st, *c, p, name);
        fault::set_break(fault::Break::none);
      })->UseRealTime()->Iterations(1);
      names.push_back(name + "/iterations:1/real_time");
    }
  }
  Capture cap;
  benchmark::RunSpecifiedBenchmarks(&cap, "^(sound|broken)/");
  for (const auto& n : names) {
    ASSERT_TRUE(cap.runs.count(n)) << n;
    const auto& r = cap.runs.at(n);
    if (n.rfind("sound/", 0) == 0) {
      EXPECT_FALSE(r.error_occurred) << n << ": " << r.error_message;
    } else {
      EXPECT_TRUE(r.error_occurred) << n << " passed with its work skipped";
      EXPECT_TRUE(r.counters.empty()) << n;
    }
  }
  EXPECT_TRUE(test::live_children().empty()) << "a process outlived its trial";
}

TEST(ResultsFile, StrictJsonHasNoBareNaN) {
  EXPECT_EQ(strict_json(R"({"a": NaN, "b": -Infinity, "c": 1.5, "name": "NaN"})"),
            R"({"a": null, "b": null, "c": 1.5, "name": "NaN"})");
}

}  // namespace
}  // namespace concbench
