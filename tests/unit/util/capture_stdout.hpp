// What a piece of code writes to standard output (where util::log writes its
// lines), for unit tests of log lines.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

namespace kakehashi::testing {

inline std::string capture_stdout(const std::function<void()>& run) {
  std::fflush(stdout);
  std::FILE* file = std::tmpfile();
  const int saved = ::dup(STDOUT_FILENO);
  ::dup2(::fileno(file), STDOUT_FILENO);
  run();
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  std::string out;
  std::rewind(file);
  for (int c; (c = std::fgetc(file)) != EOF;) out.push_back(static_cast<char>(c));
  std::fclose(file);
  return out;
}

}  // namespace kakehashi::testing
