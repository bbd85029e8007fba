#include "bench/results_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>

namespace concbench {

std::string strict_json(std::string text) {
  static const std::regex bare(R"((:\s*)-?(NaN|Infinity|nan|inf)\b)");
  return std::regex_replace(text, bare, "$1null");
}

ResultsFile::ResultsFile(std::string path, nlohmann::ordered_json extra_context)
    : path_(std::move(path)), extra_(std::move(extra_context)) {
  json_.SetOutputStream(&text_);
  json_.SetErrorStream(&text_);
}

// Each of these only records; the caller (TeeReporter) writes, once per event.
void ResultsFile::context(const benchmark::BenchmarkReporter::Context& c) { json_.ReportContext(c); }

void ResultsFile::runs(const std::vector<benchmark::BenchmarkReporter::Run>& runs) {
  json_.ReportRuns(runs);
}

void ResultsFile::finalize() {
  json_.Finalize();
  finalized_ = true;
}

std::string ResultsFile::text() const {
  std::string text = text_.str();
  if (text.empty()) return {};
  if (!finalized_) text += "\n  ]\n}\n";  // close what Google Benchmark leaves open
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(strict_json(std::move(text)));
  } catch (const std::exception&) {
    return {};  // cannot happen for Google Benchmark's output; never write a broken file
  }
  for (auto& [k, v] : extra_.items()) doc["context"][k] = v;
  return doc.dump(2) + "\n";
}

bool ResultsFile::write() {
  if (text_.str().empty()) return true;
  const std::string body = text();  // once, for the file and any rescue copy
  if (body.empty()) {
    errno = EINVAL;
    return false;
  }
  if (write_to(path_, body)) {
    if (!rescued_.empty()) ::unlink(rescued_.c_str());
    rescued_.clear();
    return true;
  }
  const int e = errno;
  const std::string name = "concbench-rescued-" + std::to_string(::getpid()) + "-" +
                           std::filesystem::path(path_).filename().string();
  std::string to;
  for (const auto& dir : rescue_folders())
    if (write_to(to = (std::filesystem::path(dir) / name).string(), body)) break;
    else to.clear();
  if (!rescued_.empty() && rescued_ != to) ::unlink(rescued_.c_str());  // an older copy
  rescued_ = to;
  errno = e;
  return false;
}

std::vector<std::string> ResultsFile::rescue_folders() {
  const char* tmpdir = std::getenv("TMPDIR");
  return {tmpdir && *tmpdir ? tmpdir : "/tmp", "/dev/shm"};
}

bool ResultsFile::write_to(const std::string& path, const std::string& body) {
  // Written whole beside the file, flushed to the disk, then renamed over it: a crash, a
  // full disk or a kill leaves the last complete file, never a torn one.
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  for (std::size_t done = 0; done < body.size();) {
    const ssize_t w = ::write(fd, body.data() + done, body.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = e;
      return false;
    }
    done += std::size_t(w);
  }
  const int synced = ::fsync(fd) == 0 ? 0 : errno;
  const int closed = ::close(fd) == 0 ? 0 : errno;
  if (synced != 0 || closed != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = synced ? synced : closed ? closed : errno;
    ::unlink(tmp.c_str());  // nothing torn left, and no blocks held on a full disk
    errno = e;
    return false;
  }
  return true;
}

}  // namespace concbench
