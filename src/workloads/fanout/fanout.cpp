#include "workloads/fanout/fanout.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace concbench::fanout {

namespace {
const bool words = register_words("wait", {"all", "each", "first"});
constexpr std::chrono::microseconds kBase{5000}, kSpread{20000};
// wait:first must have cancelled a task when one was still due to wait this long after the
// consumer took the first result: more than a cancellation takes to reach it, much less than
// the spread. A consumer descheduled until every wait had ended has nothing to cancel.
constexpr std::chrono::microseconds kCancelReach{5000};
}  // namespace

Config config(const Params& p) { return {Wait(p.get("wait")), std::size_t(p.get("tasks"))}; }

std::chrono::microseconds delay(std::size_t i, const Config& c) {
  // A permutation of 0..K-1 (7919 is prime: coprime with any K it does not divide).
  std::size_t k = c.tasks % 7919 == 0 ? i : (i * 7919) % c.tasks;
  return kBase + kSpread * int64_t(k) / int64_t(std::max<std::size_t>(1, c.tasks));
}

Outcome::Outcome(const Config& c) : c_(c), results_(c.tasks), state_(c.tasks, 0) {}

bool Outcome::ended(std::size_t i, std::chrono::nanoseconds elapsed, bool completed, Clock::time_point at) {
  std::lock_guard lock(mu_);
  if (i >= state_.size() || state_[i] != 0) {
    ended_ = state_.size() + 1;  // reported twice: finish() says so
    return false;
  }
  state_[i] = completed ? 1 : 2;
  results_[i] = {value(i), uint64_t(elapsed.count())};
  ++ended_;
  if (!completed) return false;
  if (at == Clock::time_point{}) at = Clock::now();
  last_due_ = std::max(last_due_, at - elapsed + delay(i, c_));
  return ++completed_ == 1;
}

void Outcome::delivered() {
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  if (delivered_++ == 0) first_delivery_ = now;
  last_delivery_ = now;
}

void Outcome::consume(bool completed, bool first) {
  if ((c_.wait == Wait::each && completed) || (c_.wait == Wait::first && first)) delivered();
}

Batch Outcome::all_ended(const std::vector<std::string>& errors) {
  released_ = Clock::now();
  if (c_.wait == Wait::all)
    for (std::size_t i = 0; i < c_.tasks; ++i) delivered();
  Batch b = finish();
  b.errors.insert(b.errors.end(), errors.begin(), errors.end());
  return b;
}

Batch Outcome::finish() const {
  Batch b;
  b.results = results_;
  if (ended_ != c_.tasks) {
    b.errors.push_back(std::to_string(ended_) + " task endings reported for " +
                       std::to_string(c_.tasks) + " tasks: one was lost or reported twice");
    return b;
  }
  std::size_t cancelled = 0;
  for (std::size_t i = 0; i < c_.tasks; ++i) {
    const auto took = std::chrono::nanoseconds(results_[i].latency_ns);
    if (state_[i] == 2) {
      ++cancelled;
    } else if (took < delay(i, c_)) {
      b.errors.push_back("task " + std::to_string(i) + " completed in " +
                         std::to_string(took.count() / 1000) + " us, less than its " +
                         std::to_string(delay(i, c_).count()) + " us wait: it was skipped");
      return b;
    }
  }
  const auto due_after_first = last_due_ - first_delivery_;
  if (c_.wait == Wait::first && c_.tasks > 1 &&
      (completed_ == 0 || (cancelled == 0 && due_after_first > kCancelReach)))
    b.errors.push_back(
        "wait:first cancelled " + std::to_string(cancelled) + " and completed " +
        std::to_string(completed_) + " of " + std::to_string(c_.tasks) + " tasks" +
        (completed_ == 0 ? std::string()
                         : ", one still due to wait " +
                               std::to_string(
                                   std::chrono::duration_cast<std::chrono::microseconds>(due_after_first).count()) +
                               " us after the first result was taken") +
        ": the first result did not cancel the rest");
  if (c_.wait != Wait::first && cancelled > 0)
    b.errors.push_back(std::to_string(cancelled) + " tasks were cancelled under wait:" +
                       (c_.wait == Wait::all ? "all" : "each"));
  const auto ms = [&](Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(t - start_).count();
  };
  b.figures.emplace_back("first_result_ms", ms(first_delivery_));
  if (c_.wait == Wait::first) {
    b.figures.emplace_back("released_ms",
                           std::chrono::duration<double, std::milli>(released_ - first_delivery_).count());
    b.figures.emplace_back("cancelled", double(cancelled));
  } else {
    b.figures.emplace_back("all_results_ms", ms(last_delivery_));
  }
  return b;
}

const Workload& workload() {
  static const Workload w{
      .name = "fanout",
      .kind = Kind::scenario,
      .reference = unprepared([](const Params& p) {
            Batch b;
            b.results.resize(config(p).tasks);
            for (std::size_t i = 0; i < b.results.size(); ++i) b.results[i].value = value(i);
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
      .question = "gather() vs create_task(): how long until all results, until each, and "
                  "until the first with the rest cancelled, and how long do the cancelled tasks "
                  "take to release what they held?",
      .figures =
          {{"first_result_ms", "ms",
            "time from the start until the consumer holds its first result (wait:all: all of "
            "them at once); the shortest delay is 5 ms"},
           {"all_results_ms", "ms", "time until the consumer holds every result (wait:all, "
                                    "wait:each); the longest delay is 25 ms"},
           {"released_ms", "ms",
            "wait:first: time from the first result until every cancelled task has ended and "
            "released what it held (joined, reaped)"},
           {"cancelled", "1", "wait:first: tasks cancelled per run"}},
  };
  return w;
}

std::vector<Params> grid(const Suite& s, bool workers_follow_tasks) {
  const std::vector<int64_t> ks = s.quick() ? std::vector<int64_t>{100} : std::vector<int64_t>{10, 100, 1000};
  std::vector<Params> out;
  for (int64_t k : ks)
    for (Wait w : {Wait::all, Wait::each, Wait::first}) {
      Params p;
      if (workers_follow_tasks) p.set("workers", k);
      p.set("wait", int64_t(w));
      p.set("tasks", k);
      out.push_back(p);
    }
  return out;
}

}  // namespace concbench::fanout
