#include "matching/features.hpp"

#include "domain/levels.hpp"
#include "domain/statuses.hpp"

#include <array>
#include <cmath>
#include <cstdio>

namespace kakehashi::matching {
namespace {

// Howard Hinnant's days_from_civil.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Rate {
  std::string_view currency;
  double usd;  // one unit in US dollars
};
// Indicative rates (late 2026); the matcher needs an order of magnitude to
// compare a rate with a budget, not a quote.
constexpr std::array<Rate, 16> kRates = {{{"USD", 1.0},
                                          {"JPY", 0.0067},
                                          {"BDT", 0.0083},
                                          {"EUR", 1.08},
                                          {"GBP", 1.27},
                                          {"INR", 0.012},
                                          {"PKR", 0.0036},
                                          {"LKR", 0.0033},
                                          {"NPR", 0.0075},
                                          {"VND", 0.00004},
                                          {"PHP", 0.017},
                                          {"IDR", 0.000063},
                                          {"MMK", 0.00048},
                                          {"CNY", 0.14},
                                          {"KRW", 0.00072},
                                          {"SGD", 0.74}}};

}  // namespace

std::optional<matcher::Day> parse_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    const int digit = s[i] - '0';
    if (i < 4) {
      y = y * 10 + digit;
    } else if (i < 7) {
      m = m * 10 + digit;
    } else {
      d = d * 10 + digit;
    }
  }
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  return static_cast<matcher::Day>(
      days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

std::string format_day(matcher::Day day) {
  // civil_from_days
  std::int64_t z = std::int64_t{day} + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

// The domain's ranks are the matcher's ordinals (none 0, then upwards).
std::int8_t jlpt_ordinal(const std::optional<std::string>& level) {
  const auto j = level ? domain::parse_jlpt(*level) : std::nullopt;
  return j ? static_cast<std::int8_t>(domain::jlpt_rank(*j)) : matcher::kUnknownLevel;
}

std::int8_t cefr_ordinal(const std::optional<std::string>& level) {
  const auto c = level ? domain::parse_cefr(*level) : std::nullopt;
  return c ? static_cast<std::int8_t>(domain::cefr_rank(*c)) : matcher::kUnknownLevel;
}

std::optional<std::int32_t> to_usd(double amount, std::string_view currency) {
  for (const auto& r : kRates) {
    if (r.currency == currency) {
      const double usd = std::round(amount * r.usd);
      if (!(usd >= 0) || usd > 2e9) return std::nullopt;
      return static_cast<std::int32_t>(usd);
    }
  }
  return std::nullopt;
}

std::uint8_t engagement_bits(const std::vector<std::string>& models) {
  std::uint8_t bits = 0;
  for (const auto& m : models) {
    if (auto e = domain::parse_engagement(m)) bits |= domain::engagement_bit(*e);
  }
  return bits;
}

std::uint64_t Interner::id(const std::string& name) {
  auto [it, inserted] = ids_.try_emplace(name, names_.size());
  if (inserted) names_.push_back(name);
  return it->second;
}

matcher::Trainee trainee_features(const domain::TraineeRecord& r, FeatureContext& ctx) {
  const auto& p = r.profile;
  matcher::Trainee t;
  t.id = static_cast<matcher::Id>(r.seq);
  t.organization_id = ctx.organizations->id(r.organization_id);
  for (const auto& s : p.skills) {
    auto it = ctx.skill_ids->find(s.skill_id);
    if (it == ctx.skill_ids->end()) continue;
    t.skills.push_back(
        {it->second, static_cast<std::uint8_t>(s.level), static_cast<float>(s.years.value_or(0))});
  }
  t.jlpt = jlpt_ordinal(p.japanese);
  t.cefr = cefr_ordinal(p.english);
  if (p.timezone) {
    auto it = ctx.utc_offsets->find(*p.timezone);
    if (it != ctx.utc_offsets->end()) t.utc_offset_minutes = static_cast<std::int16_t>(it->second);
  }
  if (p.available_from)
    t.available_from = parse_day(*p.available_from).value_or(matcher::kUnknownDay);
  if (p.hours_per_week) t.hours_per_week = *p.hours_per_week;
  if (p.expected_monthly_rate) {
    t.expected_monthly_rate =
        to_usd(p.expected_monthly_rate->amount, p.expected_monthly_rate->currency)
            .value_or(matcher::kUnknownAmount);
  }
  for (const auto& d : p.domains) {
    const auto bit = ctx.domains->id(d);
    if (bit < 64) t.domains |= std::uint64_t{1} << bit;
  }
  t.engagement = engagement_bits(p.engagement);
  t.consent_matching = p.consent_matching;
  t.status = p.status == "active"   ? matcher::TraineeStatus::kActive
             : p.status == "placed" ? matcher::TraineeStatus::kPlaced
                                    : matcher::TraineeStatus::kWithdrawn;
  return t;
}

matcher::Project project_features(const domain::ProjectRecord& r, FeatureContext& ctx) {
  const auto& d = r.data;
  matcher::Project p;
  p.id = static_cast<matcher::Id>(r.seq);
  p.firm_id = ctx.organizations->id(r.organization_id);
  for (const auto& s : d.skills) {
    auto it = ctx.skill_ids->find(s.skill_id);
    if (it == ctx.skill_ids->end()) continue;
    p.skills.push_back({it->second, static_cast<std::uint8_t>(s.min_level),
                        static_cast<std::uint8_t>(s.weight), s.required});
  }
  p.jlpt_min = jlpt_ordinal(d.japanese_min);
  if (p.jlpt_min < 0) p.jlpt_min = matcher::kJlptNone;
  p.cefr_min = cefr_ordinal(d.english_min);
  if (p.cefr_min < 0) p.cefr_min = matcher::kCefrNone;
  p.headcount = d.headcount;
  p.start = parse_day(d.start_date).value_or(matcher::kUnknownDay);
  p.duration_months = d.duration_months;
  if (d.budget_currency) {
    if (d.budget_min)
      p.budget_min = to_usd(*d.budget_min, *d.budget_currency).value_or(matcher::kUnknownAmount);
    if (d.budget_max)
      p.budget_max = to_usd(*d.budget_max, *d.budget_currency).value_or(matcher::kUnknownAmount);
  }
  p.overlap_hours_jst = d.overlap_hours_jst;
  if (d.domain) {
    const auto id = ctx.domains->id(*d.domain);
    p.domain = id < 64 ? static_cast<std::int32_t>(id) : -1;
  }
  p.engagement = engagement_bits({d.engagement});
  if (p.engagement == 0) p.engagement = matcher::kOffshore;
  return p;
}

}  // namespace kakehashi::matching
