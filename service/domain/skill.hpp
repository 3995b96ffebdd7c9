// A skill of the taxonomy as stored: its canonical name, aliases and the
// related skills that earn partial credit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kakehashi::domain {

struct Skill {
  int id = 0;
  std::string name;
  std::string category;
  std::vector<std::string> aliases;
  std::vector<std::pair<int, double>> related;  // (skill id, similarity)
  std::int64_t version = 0;
  // Shown in Japanese, resolved as an alias (last, so that positional
  // initialisers of the fields above stay valid).
  std::optional<std::string> name_ja;
};

}  // namespace kakehashi::domain
