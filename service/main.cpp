// kakehashi: serve | migrate. Everything lives in the libraries; see app/.
#include <string>
#include <vector>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  return kakehashi::app::run_command(std::vector<std::string>(argv + 1, argv + argc));
}
