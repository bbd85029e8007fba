// Every counter concbench writes, with its unit and meaning: declared here once, written into
// each result file's context ("concbench_counters") so that scripts read units from the data.
#pragma once

#include <string_view>

namespace concbench::counter {

struct Info {
  std::string_view name;
  std::string_view unit;
  std::string_view meaning;
};

inline constexpr std::string_view items_per_second = "items_per_second";
inline constexpr std::string_view bytes_per_second = "bytes_per_second";
inline constexpr std::string_view speedup = "speedup";
inline constexpr std::string_view efficiency = "efficiency";
inline constexpr std::string_view reference_s = "reference_s";
inline constexpr std::string_view ideal_s = "ideal_s";
inline constexpr std::string_view overhead_per_task_us = "overhead_per_task_us";
inline constexpr std::string_view cpu_user_s = "cpu_user_s";
inline constexpr std::string_view cpu_sys_s = "cpu_sys_s";
inline constexpr std::string_view cpu_per_item_us = "cpu_per_item_us";
inline constexpr std::string_view ctx_voluntary = "ctx_voluntary";
inline constexpr std::string_view ctx_involuntary = "ctx_involuntary";
inline constexpr std::string_view peak_rss_bytes = "peak_rss_bytes";
inline constexpr std::string_view rss_per_inflight_bytes = "rss_per_inflight_bytes";
inline constexpr std::string_view lat_p50_us = "lat_p50_us";
inline constexpr std::string_view lat_p99_us = "lat_p99_us";
inline constexpr std::string_view lat_max_us = "lat_max_us";
inline constexpr std::string_view lat_mean_us = "lat_mean_us";
inline constexpr std::string_view setup_s = "setup_s";
inline constexpr std::string_view start_s = "start_s";
inline constexpr std::string_view tasks = "tasks";
inline constexpr std::string_view concurrency = "concurrency";
inline constexpr std::string_view workers = "workers";
inline constexpr std::string_view cores = "cores";
inline constexpr std::string_view peak_in_flight = "peak_in_flight";
inline constexpr std::string_view server_cpu_s = "server_cpu_s";
inline constexpr std::string_view server_saturated = "server_saturated";
inline constexpr std::string_view server_cpu_per_item_us = "server_cpu_per_item_us";
inline constexpr std::string_view connections = "connections";
inline constexpr std::string_view loop_lag_us_p50 = "loop_lag_us_p50";
inline constexpr std::string_view loop_lag_us_p99 = "loop_lag_us_p99";
inline constexpr std::string_view loop_lag_us_max = "loop_lag_us_max";

inline constexpr Info all[] = {
    {items_per_second, "1/s", "work items (tasks, round trips, elements) per second of wall time"},
    {bytes_per_second, "B/s", "payload bytes moved per second of wall time (ipc)"},
    {speedup, "x", "sequential reference time / this run's wall time (cpu workloads)"},
    {efficiency, "ratio",
     "against the physical limit, 1 = at the limit: cpu: speedup / min(workers, cores); "
     "io: ideal makespan / wall time"},
    {reference_s, "s",
     "wall time of the sequential reference: the mean of as many runs as the model's, "
     "measured right after them in the same process"},
    {ideal_s, "s", "ideal makespan for the concurrency asked: ceil(tasks/concurrency) x latency"},
    {overhead_per_task_us, "us",
     "cpu: (wall time x min(workers, cores) - reference time) / tasks"},
    {cpu_user_s, "s", "user CPU per run, all threads and worker processes"},
    {cpu_sys_s, "s", "system CPU per run, all threads and worker processes"},
    {cpu_per_item_us, "us", "(user + system CPU) / items"},
    {ctx_voluntary, "1", "voluntary context switches per run, threads and worker processes"},
    {ctx_involuntary, "1", "involuntary context switches per run, threads and worker processes"},
    {peak_rss_bytes, "B",
     "peak resident set of this process (since the benchmark started) + the private memory "
     "of its worker processes (pages not shared with this process)"},
    {rss_per_inflight_bytes, "B",
     "io: (peak RSS - RSS before set-up) / operations in flight"},
    {lat_p50_us, "us", "io: median latency of one operation (exact, from every sample)"},
    {lat_p99_us, "us", "io: 99th percentile latency of one operation (nearest rank)"},
    {lat_max_us, "us", "io: largest latency of one operation"},
    {lat_mean_us, "us",
     "io: mean latency of one operation, from its start in a worker (Little's law: "
     "items_per_second x lat_mean_us ~ operations in flight)"},
    {setup_s, "s", "time to start the model for this benchmark (pool, arena, loop, forks, server)"},
    {start_s, "s", "start: time to start the model alone (its stop is in the wall time too)"},
    {tasks, "1", "tasks per run"},
    {concurrency, "1", "operations the workload asks to have in flight"},
    {workers, "1", "threads, loops or processes of the model"},
    {cores, "1", "cores this process could use"},
    {peak_in_flight, "1",
     "io: most operations seen waiting at once (worker processes included); at most the "
     "concurrency, or the workers for a model whose workers block. Other workloads: most "
     "tasks handed to the engine and not yet finished (queued or running; a claimed chunk "
     "counts its tasks), sampled every 64 hand-overs"},
    {server_cpu_s, "s",
     "io.echo, http, db: the server's CPU per run (the embedded echo or HTTP server's process; "
     "the throwaway PostgreSQL's postmaster and backends); not measured for an external server"},
    {server_cpu_per_item_us, "us", "the same server CPU per operation (round trip, request or query)"},
    {connections, "1",
     "io.echo, http, db: the TCP connections the server held open at the end of the timed runs "
     "(counted on the server's port, /proc/net/tcp): the connections the model used"},
    {server_saturated, "1",
     "io.echo, http, db: 1 when the server used >= 90 % of the CPU left to it (its loops, at most "
     "the cores the model did not use): the point measures the server, not the model, and "
     "decides no verdict"},
    {loop_lag_us_p50, "us",
     "models with asio loops in this process (coro, coro_mt; tbb's reactors): the median "
     "lateness of a timer every loop keeps due each millisecond, over the timed runs (how long "
     "a ready task waited for its loop)"},
    {loop_lag_us_p99, "us", "the same lateness, 99th percentile (nearest rank)"},
    {loop_lag_us_max, "us", "the same lateness, largest: the longest the loop was held"},
};

}  // namespace concbench::counter
