// The results file: Google Benchmark's own JSON (so that its compare.py and any tool reading
// its format work), rewritten whole after every finished benchmark through a temporary file
// and rename(), so that a crash or Ctrl-C leaves a valid file with every finished result.
// Strict JSON: NaN and Infinity become null.
#pragma once

#include <benchmark/benchmark.h>

#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace concbench {

class ResultsFile {
 public:
  // `extra_context` is merged into the file's "context" object.
  ResultsFile(std::string path, nlohmann::ordered_json extra_context);
  const std::string& path() const { return path_; }

  void context(const benchmark::BenchmarkReporter::Context& c);
  void runs(const std::vector<benchmark::BenchmarkReporter::Run>& runs);
  void finalize();
  // Writes what is known now. Returns false (with errno set) if the file cannot be written.
  bool write();
  // When the file itself cannot be written at the end: writes the same results beside
  // $TMPDIR (or /tmp), then /dev/shm (memory, room when the disk is full), as
  // concbench-rescued-PID-NAME. Returns the path written, or "" if none took them.
  std::string rescue();
  // The results as they would be written (for the last resort: standard error).
  std::string text() const;

 private:
  std::string path_;
  nlohmann::ordered_json extra_;
  std::ostringstream text_;
  benchmark::JSONReporter json_;
  bool finalized_ = false;

  bool write_to(const std::string& path) const;
};

// Strict JSON from Google Benchmark's: bare NaN / Infinity values become null.
std::string strict_json(std::string text);

}  // namespace concbench
