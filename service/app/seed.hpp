// `kakehashi seed`: the deterministic demo set, and large synthetic sets for
// benchmarks (written with COPY).
#pragma once

#include <string>
#include <vector>

namespace kakehashi::app {

int seed(const std::vector<std::string>& args);

}  // namespace kakehashi::app
