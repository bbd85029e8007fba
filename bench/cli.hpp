// The command line: concbench's own flags (CLI11), Google Benchmark's flags (passed through,
// refused where 1.7.1 would silently misread them), and the help text. Bad input exits 2
// with a message naming the flag, what it found and what it accepts.
#pragma once

#include "core/case.hpp"

#include "bench/options.hpp"

namespace concbench {

// Parses argv; prints the help and exits 0 for --help; exits 2 on bad input, before anything
// runs (an --out that cannot be written included).
CommandLine parse_command_line(int argc, char** argv);

// --at's point: its workload and its parameters (exits 2 on bad input, with the valid ranges).
struct AtPoint {
  std::string workload;
  Params params;
};
AtPoint parse_at(const std::string& text);

}  // namespace concbench
