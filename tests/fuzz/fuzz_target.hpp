// One executable holds every fuzz target: a cold build compiles the seven as
// one unity batch (their JSON, Asio and handler templates instantiated once,
// not once per target) and links it twice (libFuzzer, replay) rather than
// fourteen times. The name it runs under chooses the target: fuzz_<name> and
// fuzz_<name>_replay are links to it (tests/fuzz/CMakeLists.txt), or
// KAKEHASHI_FUZZ_TARGET=<name> (fuzz_main.cpp).
//
//   KAKEHASHI_FUZZ_TARGET(cursor) { ... data, size ... return 0; }
//
// defines the target's entry in place of LLVMFuzzerTestOneInput.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kakehashi::fuzz {

using TargetFunction = int (*)(const std::uint8_t* data, std::size_t size);

// Called by KAKEHASHI_FUZZ_TARGET during static initialisation.
bool register_target(const char* name, TargetFunction function);

}  // namespace kakehashi::fuzz

#define KAKEHASHI_FUZZ_TARGET(name)                                                    \
  static int kakehashi_fuzz_target_##name(const std::uint8_t* data, std::size_t size); \
  [[maybe_unused]] static const bool kakehashi_fuzz_registered_##name =                \
      ::kakehashi::fuzz::register_target(#name, &kakehashi_fuzz_target_##name);        \
  static int kakehashi_fuzz_target_##name(const std::uint8_t* data, std::size_t size)
