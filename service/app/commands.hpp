// The command-line commands of the kakehashi executable. main() only forwards
// here, so tests link the same code.
#pragma once

#include <string>
#include <vector>

namespace kakehashi::app {

// Dispatches `kakehashi COMMAND [OPTIONS]`; returns the process exit code.
int run_command(const std::vector<std::string>& args);

int serve(const std::vector<std::string>& args);
int migrate(const std::vector<std::string>& args);
int keys(const std::vector<std::string>& args);
// users create: a person's account (the first administrator's, for one).
int users(const std::vector<std::string>& args);

}  // namespace kakehashi::app
