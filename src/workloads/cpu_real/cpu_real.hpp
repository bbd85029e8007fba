// cpu.real: a real kernel: parse a JSON order document (about 2 KB), total its lines, add
// the total, serialise it again, and hash the text. Documents are made after the model
// starts; processes receive them over their sockets (the cost of passing real arguments).
// Params: [workers]; tasks (optional, default 2000).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.hpp"
#include "models/tasks.hpp"

namespace concbench::cpu_real {

const Workload& workload();

std::size_t tasks(const Params& p);
std::string document(std::size_t i);
std::vector<std::string> documents(std::size_t n);
TaskResult process(std::string_view doc);

// The grid of `model`: its worker points and dispatch shapes (models/kinds.hpp).
std::vector<Params> grid(const Suite& s, std::string_view model);

}  // namespace concbench::cpu_real
