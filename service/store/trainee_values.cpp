#include "store/trainee_values.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

#include "store/sql_util.hpp"
#include "util/crypto.hpp"

namespace kakehashi::store {

namespace {

std::string alias_of(const std::string& hex) {
  std::string out = "KH-";
  for (const char ch : hex)
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return out;
}

}  // namespace

std::string new_alias() { return alias_of(util::random_hex(5)); }

std::vector<std::string> new_aliases(std::size_t count) {
  auto out = util::random_hex(count, 5);
  for (auto& a : out) a = alias_of(a);
  return out;
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

double stored_decimal(double v, int scale) {
  const std::string text = *decimal_text(v);
  // %.15g writes an exponent below 1e-4 (which rounds to 0 at these scales)
  // and from 1e15 (which has no fraction to round).
  if (text.find_first_of("eE") != std::string::npos) {
    return std::abs(v) < 1 ? 0.0 : v;
  }
  const auto point = text.find('.');
  if (point == std::string::npos || text.size() - point - 1 <= static_cast<std::size_t>(scale)) {
    return std::strtod(text.c_str(), nullptr);
  }
  std::string kept = text.substr(0, point + 1 + static_cast<std::size_t>(scale));
  if (text[point + 1 + static_cast<std::size_t>(scale)] >= '5') {
    // Add one in the last kept place, carrying leftwards.
    std::size_t i = kept.size();
    bool carry = true;
    while (carry && i > 0) {
      --i;
      char& c = kept[i];
      if (c < '0' || c > '9') continue;  // the point, or the sign
      if (c == '9') {
        c = '0';
      } else {
        ++c;
        carry = false;
      }
    }
    if (carry) {
      const bool negative = kept.front() == '-';
      kept = std::string(negative ? "-1" : "1") + kept.substr(negative ? 1 : 0);
    }
  }
  const double out = std::strtod(kept.c_str(), nullptr);
  return out == 0 ? 0.0 : out;  // numeric has no negative zero
}

void as_stored(domain::TraineeProfile& p) {
  std::stable_sort(p.skills.begin(), p.skills.end(),
                   [](const auto& a, const auto& b) { return a.skill_id < b.skill_id; });
  for (auto& s : p.skills) {
    if (s.years) s.years = stored_decimal(*s.years, 1);
  }
  if (p.expected_monthly_rate) {
    p.expected_monthly_rate->amount = stored_decimal(p.expected_monthly_rate->amount, 2);
  }
  if (p.bill_rate_multiplier) p.bill_rate_multiplier = stored_decimal(*p.bill_rate_multiplier, 2);
}

}  // namespace kakehashi::store
