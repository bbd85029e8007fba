// The results file: Google Benchmark's own JSON (so that its compare.py and any tool reading
// its format work), rewritten whole after every finished benchmark through a temporary file
// and rename(), so that a crash or Ctrl-C leaves a valid file with every finished result.
// Strict JSON: NaN and Infinity become null.
#pragma once

#include <benchmark/benchmark.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

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
  // Writes what is known now. Where the file cannot be written (a full disk, a removed
  // folder, a size limit), the same results go to a rescue copy, concbench-rescued-PID-NAME
  // in the first of rescue_folders() that takes it, kept up to date after every benchmark
  // (so that a kill or a crash loses no more than with the file) and removed once the file
  // can be written again. Returns false (with errno set) if the file could not be written.
  bool write();
  // The rescue copy that holds the results now, "" if none.
  const std::string& rescued() const { return rescued_; }
  // $TMPDIR (or /tmp), then /dev/shm: memory, with room when the disk is full.
  static std::vector<std::string> rescue_folders();
  // The results as they would be written (for the last resort: standard error).
  std::string text() const;

 private:
  std::string path_;
  nlohmann::ordered_json extra_;
  std::ostringstream text_;
  benchmark::JSONReporter json_;
  bool finalized_ = false;
  std::string rescued_;

  static bool write_to(const std::string& path, const std::string& body);
};

// Strict JSON from Google Benchmark's: bare NaN / Infinity values become null.
std::string strict_json(std::string text);

}  // namespace concbench
