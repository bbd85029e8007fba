// The servers concbench's workloads load: the external ones the command line names (an echo
// server, an HTTP URL, a PostgreSQL URL), checked before anything runs, and --serve, which runs
// an embedded one in the foreground for a tool of the field (wrk, sockperf, pgbench, psql).
#pragma once

#include <string>

#include "bench/options.hpp"

namespace concbench {

// Points io.echo, http and db at the servers `o` names; bad input (exit 2) for one that cannot
// be reached. `listing`: only names are wanted (--benchmark_list_tests), nothing is probed.
void use_services(const Options& o, bool listing);

// --serve http|echo|db: the server until Ctrl-C; returns the exit status.
int serve_until_interrupted(const std::string& which);

}  // namespace concbench
