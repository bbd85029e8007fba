// What exists (read from the registry, never copied), the registration of a suite on Google
// Benchmark (the one place a benchmark is configured), the filter as Google Benchmark 1.7.1
// reads it, and the context every results file carries.
#pragma once

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/options.hpp"
#include "core/case.hpp"

namespace concbench {

std::vector<std::string> workload_names();
std::vector<std::string> model_names();
std::string join(const std::vector<std::string>& v, const char* sep);

// Every benchmark name of `suite`, as Google Benchmark builds it (".../real_time").
std::vector<std::string> suite_names(const Suite& suite, int64_t iterations);
// Registers the benchmarks of `suite` on Google Benchmark: all of them, or (only not empty)
// the one named `only`. Returns the names registered.
std::vector<std::string> register_suite(const Suite& suite, int64_t iterations,
                                        const std::string& only = "");

// Google Benchmark 1.7.1's filter: "" or "all" selects everything, a leading '-' negates,
// otherwise a regular expression searched in the name. A bad expression is exit 2.
struct Filter {
  bool negative = false;
  std::regex re;
  explicit Filter(std::string spec);
  bool matches(const std::string& name) const { return std::regex_search(name, re) != negative; }
};

// The context concbench adds to Google Benchmark's in every results file.
nlohmann::ordered_json build_context(const Options& o, const Suite& suite, bool isolated);

}  // namespace concbench
