#include "core/trace.hpp"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

namespace concbench::trace {

namespace detail {
std::atomic<bool> g_on{false};
}

namespace {

struct Event {
  char ph;
  const char* name;
  const char* cat;
  int64_t ts_ns;
  int64_t dur_ns;
  uint64_t id;
  int64_t arg;
};

struct Buffer {
  int tid = 0;
  std::string thread_name;
  std::vector<Event> events;
};

// Every thread's buffer, kept until the process writes its part (threads come and go).
struct State {
  std::mutex mu;
  std::vector<Buffer*> buffers;
  std::string file;
  bool merge = false;
  std::string process_name;
  std::atomic<int64_t> recorded{0};
};
State* g_state = new State;  // leaked on purpose: a child replaces it without locking
thread_local Buffer* t_buffer = nullptr;
thread_local State* t_owner = nullptr;
constexpr int64_t kMaxEvents = 2'000'000;  // per process: about 100 MB; more are dropped
std::atomic<int64_t> g_dropped{0};
std::atomic<uint64_t> g_next_id{1};

int64_t ns(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

Buffer& buffer() {
  if (!t_buffer || t_owner != g_state) {
    t_buffer = new Buffer;
    t_buffer->tid = int(syscall(SYS_gettid));
    t_owner = g_state;
    std::lock_guard lock(g_state->mu);
    g_state->buffers.push_back(t_buffer);
  }
  return *t_buffer;
}

void record(Event e) {
  if (g_state->recorded.fetch_add(1, std::memory_order_relaxed) >= kMaxEvents) {
    g_dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  buffer().events.push_back(e);
}

std::string parts_dir(const std::string& file) { return file + ".parts"; }

void escape(std::string& out, const std::string& s) {
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
}

// This process's events as JSON objects separated by ",\n" (no brackets).
std::string events_json() {
  const int pid = int(getpid());
  std::string out;
  char num[64];
  auto meta = [&](const char* what, int tid, const std::string& name) {
    if (!out.empty()) out += ",\n";
    out += "{\"ph\":\"M\",\"name\":\"";
    out += what;
    std::snprintf(num, sizeof num, "\",\"pid\":%d,\"tid\":%d,\"args\":{\"name\":\"", pid, tid);
    out += num;
    escape(out, name);
    out += "\"}}";
  };
  std::lock_guard lock(g_state->mu);
  if (!g_state->process_name.empty()) meta("process_name", pid, g_state->process_name);
  for (Buffer* b : g_state->buffers) {
    if (!b->thread_name.empty()) meta("thread_name", b->tid, b->thread_name);
    for (const Event& e : b->events) {
      if (!out.empty()) out += ",\n";
      out += "{\"ph\":\"";
      out += e.ph;
      out += "\",\"name\":\"";
      out += e.name;
      out += "\",\"cat\":\"";
      out += e.cat;
      std::snprintf(num, sizeof num, "\",\"pid\":%d,\"tid\":%d,\"ts\":%.3f", pid, b->tid,
                    double(e.ts_ns) * 1e-3);
      out += num;
      switch (e.ph) {
        case 'X':
          std::snprintf(num, sizeof num, ",\"dur\":%.3f", double(e.dur_ns) * 1e-3);
          out += num;
          break;
        case 'b':
        case 'e':
          std::snprintf(num, sizeof num, ",\"id\":\"0x%llx\"", (unsigned long long)e.id);
          out += num;
          break;
        case 's':
        case 'f':
          std::snprintf(num, sizeof num, ",\"id\":%llu%s", (unsigned long long)e.id,
                        e.ph == 'f' ? ",\"bp\":\"e\"" : "");
          out += num;
          break;
        default:
          break;
      }
      if (e.ph == 'C') {
        std::snprintf(num, sizeof num, ",\"args\":{\"value\":%lld}", (long long)e.arg);
        out += num;
      } else if (e.arg >= 0) {
        std::snprintf(num, sizeof num, ",\"args\":{\"task\":%lld}", (long long)e.arg);
        out += num;
      }
      out += '}';
    }
  }
  return out;
}

bool write_part(std::string* why) {
  if (g_state->file.empty()) return true;
  const std::string part = parts_dir(g_state->file) + "/" + std::to_string(getpid()) + ".json";
  const std::string body = events_json();
  std::FILE* f = std::fopen(part.c_str(), "w");
  if (!f) {
    if (why) *why = part + ": " + std::strerror(errno);
    return false;
  }
  const bool wrote = std::fwrite(body.data(), 1, body.size(), f) == body.size();
  const bool closed = std::fclose(f) == 0;
  if (wrote && closed) return true;
  if (why) *why = part + ": " + std::strerror(errno);
  return false;
}

}  // namespace

void start(const std::string& file, bool merge) {
  g_state->file = file;
  g_state->merge = merge;
  if (merge) {
    std::error_code ec;
    std::filesystem::create_directories(parts_dir(file), ec);
  }
  detail::g_on.store(true);
}

bool finish(std::string* why) {
  if (g_state->file.empty()) return true;
  detail::g_on.store(false);
  bool ok = write_part(why);
  if (!g_state->merge) return ok;
  const std::string dir = parts_dir(g_state->file);
  const std::string tmp = g_state->file + ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  bool first = true;
  std::error_code ec;
  std::vector<std::filesystem::path> parts;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) parts.push_back(e.path());
  std::sort(parts.begin(), parts.end());
  for (const auto& p : parts) {
    std::ifstream in(p, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (body.empty()) continue;
    if (!first) out << ",\n";
    out << body;
    first = false;
  }
  out << "\n],\"otherData\":{\"producer\":\"concbench\",\"dropped_events\":" << g_dropped.load()
      << "}}\n";
  out.flush();
  out.close();
  if (!out) {  // no torn file; the parts stay, every event in them
    std::filesystem::remove(tmp, ec);
    if (why) *why = tmp + ": cannot write (is the disk full?); its parts are kept in " + dir;
    return false;
  }
  std::filesystem::rename(tmp, g_state->file, ec);
  if (ec) {
    if (why) *why = g_state->file + ": " + ec.message() + "; its parts are kept in " + dir;
    return false;
  }
  std::filesystem::remove_all(dir, ec);
  return ok;
}

void after_fork() {
  if (g_state->file.empty()) return;
  State* fresh = new State;  // the parent's (and its mutex, maybe held) stay behind
  fresh->file = g_state->file;
  fresh->merge = false;
  fresh->process_name = g_state->process_name + " / worker";
  g_state = fresh;
  t_buffer = nullptr;
  if (on()) buffer().thread_name = "worker";  // the forked thread's track
}

void child_exit() {
  if (!g_state->file.empty() && on()) write_part(nullptr);
}

void complete(const char* name, const char* cat, Clock::time_point start, Clock::time_point end,
              int64_t arg) {
  if (!on()) return;
  record({'X', name, cat, ns(start), ns(end) - ns(start), 0, arg});
}

uint64_t next_id() { return g_next_id.fetch_add(1, std::memory_order_relaxed) | (uint64_t(getpid()) << 40); }

void async_begin(const char* name, const char* cat, uint64_t id, int64_t arg) {
  if (on()) record({'b', name, cat, ns(Clock::now()), 0, id, arg});
}
void async_end(const char* name, const char* cat, uint64_t id) {
  if (on()) record({'e', name, cat, ns(Clock::now()), 0, id, -1});
}
void flow_out(uint64_t id, const char* cat) {
  if (!on()) return;
  const int64_t at = ns(Clock::now());
  record({'X', "submit", cat, at, 100, 0, -1});  // 0.1 us: a slice for the arrow to leave
  record({'s', "submit", cat, at, 0, id, -1});
}
void flow_end(const char* cat, Clock::time_point at, uint64_t id) {
  if (on()) record({'f', "submit", cat, ns(at), 0, id, -1});
}
void counter(const char* name, int64_t value) {
  if (on()) record({'C', name, "inflight", ns(Clock::now()), 0, 0, value});
}
void name_thread(const std::string& name) {
  if (on()) buffer().thread_name = name;
}
void name_process(const std::string& name) {
  std::lock_guard lock(g_state->mu);
  g_state->process_name = name;
}

double event_cost_ns() {
  // Recorded into this thread's buffer as the engines do, then discarded.
  const bool was = on();
  detail::g_on.store(true);
  Buffer& b = buffer();
  const std::size_t keep = b.events.size();
  const int64_t before = g_state->recorded.load();
  constexpr int kEvents = 100'000;
  b.events.reserve(keep + kEvents);
  const auto t0 = Clock::now();
  for (int i = 0; i < kEvents; ++i) {
    Span s("cost", "trace");
  }
  const double cost = double(ns(Clock::now()) - ns(t0)) / kEvents;
  b.events.resize(keep);
  g_state->recorded.store(before);
  detail::g_on.store(was);
  return cost;
}

}  // namespace concbench::trace
