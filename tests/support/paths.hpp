// Where a test finds the checkout's files and the service binary.
//
// CMake passes both as paths relative to the directory of the test
// executable (every one lives in tests/<kind>/ of its build): the same text
// in every clone. An absolute path in a compile definition differs in each
// clone, so the compiler cache would miss the file that reads it (and any
// precompiled header it reaches) in every fresh clone, which is what CI is.
#pragma once

#include <unistd.h>

#include <string>

namespace kakehashi::testing {

// The directory of the running executable, ending in '/'.
inline std::string executable_directory() {
  char buffer[4096];
  const auto n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "./";
  const std::string path(buffer, static_cast<std::size_t>(n));
  return path.substr(0, path.rfind('/') + 1);
}

// A file or directory of the checkout, e.g. source_path("migrations").
inline std::string source_path(const std::string& relative) {
  return executable_directory() + KAKEHASHI_TEST_SOURCE_ROOT + "/" + relative;
}

}  // namespace kakehashi::testing
