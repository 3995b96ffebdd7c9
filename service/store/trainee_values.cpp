#include "store/trainee_values.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "store/sql_util.hpp"
#include "util/crypto.hpp"

namespace kakehashi::store {

std::string new_alias() {
  std::string hex = util::random_hex(5);
  for (auto& ch : hex) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return "KH-" + hex;
}

std::optional<std::string> rate_amount(const domain::TraineeProfile& p) {
  if (!p.expected_monthly_rate) return std::nullopt;
  return decimal_text(p.expected_monthly_rate->amount);
}

std::optional<std::string> rate_currency(const domain::TraineeProfile& p) {
  if (!p.expected_monthly_rate) return std::nullopt;
  return p.expected_monthly_rate->currency;
}

SkillArrays skill_arrays(const domain::TraineeProfile& p) {
  std::vector<const domain::SkillLevel*> sorted;
  sorted.reserve(p.skills.size());
  for (const auto& s : p.skills) sorted.push_back(&s);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->skill_id < b->skill_id; });
  SkillArrays out{"{", "{", "{"};
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i) {
      out.ids.push_back(',');
      out.levels.push_back(',');
      out.years.push_back(',');
    }
    out.ids += std::to_string(sorted[i]->skill_id);
    out.levels += std::to_string(sorted[i]->level);
    out.years += decimal_text(sorted[i]->years).value_or("NULL");
  }
  out.ids.push_back('}');
  out.levels.push_back('}');
  out.years.push_back('}');
  return out;
}

}  // namespace kakehashi::store
