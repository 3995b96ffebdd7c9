// The fuzz targets' shared entry (fuzz_target.hpp): libFuzzer, and
// replay_main.cpp, call LLVMFuzzerInitialize first, which chooses the target
// by KAKEHASHI_FUZZ_TARGET or by the name the executable runs under
// (fuzz_<name>, fuzz_<name>_replay), then LLVMFuzzerTestOneInput per input.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_target.hpp"

namespace {

using kakehashi::fuzz::TargetFunction;

std::vector<std::pair<std::string_view, TargetFunction>>& targets() {
  static std::vector<std::pair<std::string_view, TargetFunction>> all;
  return all;
}

TargetFunction chosen = nullptr;

// "…/fuzz_cursor_replay" -> "cursor"
std::string_view target_name(std::string_view program) {
  if (const auto slash = program.rfind('/'); slash != std::string_view::npos) {
    program.remove_prefix(slash + 1);
  }
  if (program.starts_with("fuzz_")) program.remove_prefix(5);
  if (program.ends_with("_replay")) program.remove_suffix(7);
  return program;
}

}  // namespace

bool kakehashi::fuzz::register_target(const char* name, TargetFunction function) {
  targets().emplace_back(name, function);
  return true;
}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  const char* forced = std::getenv("KAKEHASHI_FUZZ_TARGET");
  const std::string_view name = forced != nullptr
                                    ? std::string_view(forced)
                                    : target_name(*argc > 0 ? (*argv)[0] : std::string_view());
  for (const auto& [known, function] : targets()) {
    if (known == name) chosen = function;
  }
  if (chosen == nullptr) {
    std::string known_names;
    for (const auto& [known, function] : targets()) {
      known_names.append(" ").append(known);
    }
    std::fprintf(stderr,
                 "no fuzz target '%.*s': run this program as fuzz_<target> or with "
                 "KAKEHASHI_FUZZ_TARGET=<target>; the targets:%s\n",
                 static_cast<int>(name.size()), name.data(), known_names.c_str());
    std::exit(2);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return chosen(data, size);
}
