// What the user sees and what is kept: the progress line with its ETA on stderr, and the
// reporter that sends every run both to the display (Google Benchmark's console or JSON
// reporter) and to the crash-safe results file.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bench/results_file.hpp"

namespace concbench {

struct Progress {
  bool enabled = false;
  std::size_t total = 0;
  std::size_t done = 0;
  std::string current;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  bool drawn = false;

  void clear();
  void draw();
  void begin(const std::string& name) {
    current = name;
    draw();
  }
};
extern Progress g_progress;

class TeeReporter : public benchmark::BenchmarkReporter {
 public:
  TeeReporter(std::unique_ptr<benchmark::BenchmarkReporter> display, ResultsFile* file)
      : display_(std::move(display)), file_(file) {}

  bool ReportContext(const Context& c) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  int failed = 0;
  int skipped = 0;
  bool write_failed = false;  // the results file could not be written at least once

 private:
  template <class F>
  void write_checked(F f);
  std::unique_ptr<benchmark::BenchmarkReporter> display_;
  ResultsFile* file_;
  std::set<std::string> finished_;
};

}  // namespace concbench
