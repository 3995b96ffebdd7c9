#include "matching/features.hpp"

#include "domain/levels.hpp"
#include "domain/statuses.hpp"

#include <algorithm>
#include <array>
#include <bit>
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

std::optional<std::int32_t> to_usd(double amount, const std::string& currency,
                                   const domain::Pricing& pricing, const std::string& date) {
  const auto usd = pricing.convert(amount, currency, domain::kBaseCurrency, date);
  if (!usd) return std::nullopt;
  const double whole = std::round(*usd);
  if (!(whole >= 0) || whole > 2e9) return std::nullopt;
  return static_cast<std::int32_t>(whole);
}

std::optional<int> parse_clock(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  for (std::size_t i : {0U, 1U, 3U, 4U}) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  }
  const int h = (t[0] - '0') * 10 + (t[1] - '0');
  const int m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::uint8_t work_day_bits(const std::vector<std::string>& days) {
  static constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu",
                                                            "fri", "sat", "sun"};
  std::uint8_t bits = 0;
  for (const auto& d : days) {
    for (std::size_t i = 0; i < kDays.size(); ++i) {
      if (d == kDays[i]) bits |= static_cast<std::uint8_t>(1U << i);
    }
  }
  return bits;
}

void ZoneTable::add(std::string name, domain::ZoneRules r) {
  std::vector<domain::ZoneRules> one;
  one.push_back(std::move(r));
  add_all(std::move(one), {{std::move(name), 0}});
}

void ZoneTable::add_all(std::vector<domain::ZoneRules> all,
                        std::vector<std::pair<std::string, std::size_t>> names) {
  const std::size_t first = rules.size();
  const std::size_t room = matcher::kUnknownZone > first ? matcher::kUnknownZone - first : 0;
  if (all.size() > room) all.erase(all.begin() + static_cast<std::ptrdiff_t>(room), all.end());
  for (auto& r : all) rules.push_back(std::move(r));
  ids.reserve(ids.size() + names.size());
  for (auto& [name, number] : names) {
    if (number < all.size())
      ids.emplace(std::move(name), static_cast<std::uint16_t>(first + number));
  }
}

std::vector<matcher::ZoneOffsets> zone_offsets_over(const ZoneTable& zones, matcher::Day first,
                                                    matcher::Day last) {
  std::vector<matcher::ZoneOffsets> out(zones.rules.size());
  const std::int64_t from = std::int64_t{first} * 86400;
  const std::int64_t to = std::int64_t{last} * 86400 + 86399;
  for (std::size_t z = 0; z < zones.rules.size(); ++z) {
    auto offsets = zones.rules[z].offsets_between(from, to);
    if (offsets.empty()) continue;
    const auto [lo, hi] = std::minmax_element(offsets.begin(), offsets.end());
    out[z].first = static_cast<std::int16_t>(*lo / 60);
    if (*hi != *lo) out[z].second = static_cast<std::int16_t>(*hi / 60);
  }
  return out;
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
  t.jlpt_certified = p.japanese_certified;
  if (p.bjt_score) t.bjt_score = static_cast<std::int16_t>(*p.bjt_score);
  if (p.timezone) {
    auto it = ctx.utc_offsets->find(*p.timezone);
    if (it != ctx.utc_offsets->end()) t.utc_offset_minutes = static_cast<std::int16_t>(it->second);
    if (ctx.zones) {
      auto z = ctx.zones->ids.find(*p.timezone);
      if (z != ctx.zones->ids.end()) t.zone = z->second;
    }
  }
  t.work_start_minutes = static_cast<std::int16_t>(parse_clock(p.work_start).value_or(9 * 60));
  t.work_end_minutes = static_cast<std::int16_t>(parse_clock(p.work_end).value_or(18 * 60));
  t.work_days = work_day_bits(p.work_days);
  if (p.available_from)
    t.available_from = parse_day(*p.available_from).value_or(matcher::kUnknownDay);
  if (p.hours_per_week) {
    t.hours_per_week = *p.hours_per_week;
  } else {
    // Not stated: the working hours make it.
    int day = t.work_end_minutes - t.work_start_minutes;
    if (day <= 0) day += 24 * 60;
    t.hours_per_week = day * std::popcount(t.work_days) / 60;
  }
  if (p.expected_monthly_rate && ctx.pricing) {
    const double bill = domain::bill_rate(p.expected_monthly_rate->amount, p.bill_rate_multiplier,
                                          ctx.pricing->multiplier_of(r.organization_id));
    // Scored as firms read it, to two significant figures: the rate
    // component is a function of it that firms see beside their budget.
    t.expected_monthly_rate = to_usd(domain::two_significant_figures(bill),
                                     p.expected_monthly_rate->currency, *ctx.pricing, ctx.date)
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
  if (d.budget_currency && ctx.pricing) {
    if (d.budget_min) {
      p.budget_min = to_usd(*d.budget_min, *d.budget_currency, *ctx.pricing, ctx.date)
                         .value_or(matcher::kUnknownAmount);
    }
    if (d.budget_max) {
      p.budget_max = to_usd(*d.budget_max, *d.budget_currency, *ctx.pricing, ctx.date)
                         .value_or(matcher::kUnknownAmount);
    }
  }
  p.overlap_hours_jst = d.overlap_hours_jst;
  p.min_overlap_hours_jst = d.min_overlap_hours_jst;
  if (d.hours_per_week) p.hours_per_week = *d.hours_per_week;
  p.min_hours_per_week = d.min_hours_per_week;
  p.availability_tolerance_months = d.availability_tolerance_months;
  if (ctx.zones && p.start != matcher::kUnknownDay) {
    p.zone_offsets = zone_offsets_over(*ctx.zones, p.start, matcher::project_end(p));
  }
  if (d.domain) {
    const auto id = ctx.domains->id(*d.domain);
    p.domain = id < 64 ? static_cast<std::int32_t>(id) : -1;
  }
  p.engagement = engagement_bits({d.engagement});
  if (p.engagement == 0) p.engagement = matcher::kOffshore;
  return p;
}

}  // namespace kakehashi::matching
