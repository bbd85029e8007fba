#include "bench/reporter.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "bench/harness.hpp"
#include "core/system.hpp"

namespace concbench {

Progress g_progress;

namespace {
std::string clock_text(double s) {
  char buf[32];
  const long t = long(s + 0.5);
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  return buf;
}
}  // namespace

void Progress::clear() {
  if (drawn) std::fputs("\r\033[K", stderr);
  drawn = false;
}

void Progress::draw() {
  if (!enabled) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string eta = "ETA --";
  if (done > 0 && total >= done)
    eta = "ETA " + clock_text(elapsed / double(done) * double(total - done));
  std::string name = current;
  if (name.size() > 90) name = name.substr(0, 87) + "...";
  std::fprintf(stderr, "\r\033[K[%zu/%zu] %s  elapsed %s  %s", done, total, name.c_str(),
               clock_text(elapsed).c_str(), eta.c_str());
  std::fflush(stderr);
  drawn = true;
}

bool TeeReporter::ReportContext(const Context& c) {
  g_progress.clear();
  const bool ok = display_->ReportContext(c);
  if (file_) write_checked([&] { file_->context(c); });
  g_progress.draw();
  return ok;
}

void TeeReporter::ReportRuns(const std::vector<Run>& runs) {
  std::vector<Run> kept;
  for (const auto& r : runs) {
    if (r.error_occurred && r.error_message == kInterruptedMessage) continue;
    if (r.error_occurred) {
      if (r.error_message.rfind(kSkipPrefix, 0) == 0)
        ++skipped;
      else
        ++failed;
    }
    kept.push_back(r);
  }
  g_progress.clear();
  if (!kept.empty()) {
    display_->ReportRuns(kept);
    if (file_) write_checked([&] { file_->runs(kept); });
  }
  // With repetitions, Google Benchmark reports each repetition and then the aggregates (or
  // only these, with --benchmark_report_aggregates_only): count each benchmark once.
  for (const auto& r : kept)
    if (finished_.insert(r.run_name.str()).second && !interrupted()) ++g_progress.done;
  g_progress.draw();
}

void TeeReporter::Finalize() {
  g_progress.clear();
  display_->Finalize();
  if (file_) write_checked([&] { file_->finalize(); });
}

template <class F>
void TeeReporter::write_checked(F f) {
  errno = 0;
  f();
  if (!file_->write()) {
    const std::string why = std::strerror(errno);
    const std::string& copy = file_->rescued();
    if (!write_failed)
      std::cerr << "concbench: cannot write " << file_->path() << ": " << why
                << " (the run goes on; its results are kept "
                << (copy.empty() ? std::string("in memory") : "in " + copy + " meanwhile")
                << " and written again after every benchmark)\n";
    write_failed = true;
  } else if (write_failed) {
    std::cerr << "concbench: " << file_->path() << " written again\n";
    write_failed = false;
  }
}

}  // namespace concbench
