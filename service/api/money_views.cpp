#include "api/money_views.hpp"

#include <algorithm>
#include <cmath>

#include "matcher/scorer.hpp"
#include "matching/live_index.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

double round2(double x) { return std::round(x * 100) / 100; }

}  // namespace

json exchange_rate_json(const domain::ExchangeRate& r) {
  return {{"currency", r.currency},
          {"per_usd", r.per_usd},
          {"valid_from", r.valid_from},
          {"recorded_at", r.recorded_at.empty() ? json(nullptr) : json(r.recorded_at)}};
}

std::string viewer_currency(const ApiContext& api, const domain::Principal& who) {
  if (!api.live) return domain::kBaseCurrency;
  return api.live->pricing()->currency_of(who.organization_id);
}

std::optional<double> convert_amount(const domain::Pricing& pricing, const std::string& date,
                                     double amount, const std::string& from,
                                     const std::string& to) {
  if (!(amount >= 0)) return std::nullopt;
  const auto converted = pricing.convert(amount, from, to, date);
  if (!converted) return std::nullopt;
  return std::round(*converted);
}

json money_json(const domain::Pricing& pricing, const std::string& date, double amount,
                const std::string& currency, const std::string& viewer) {
  json j = {{"amount", round2(amount)}, {"currency", currency}};
  const auto converted = convert_amount(pricing, date, amount, currency, viewer);
  j["in_viewer_currency"] =
      converted ? json{{"amount", *converted}, {"currency", viewer}} : json(nullptr);
  return j;
}

json rate_evidence(const domain::Pricing& pricing, const std::string& date,
                   const std::string& trainee_organization, const domain::TraineeProfile& t,
                   const domain::ProjectData& p, const std::string& viewer, Multiplier shown) {
  json j = {{"date", date},           {"bill_rate", nullptr},
            {"multiplier", nullptr},  {"budget", nullptr},
            {"rates", json::array()}, {"currencies_without_rate", json::array()}};
  std::vector<std::string> used;
  auto use = [&](const std::string& currency) {
    if (std::find(used.begin(), used.end(), currency) != used.end()) return;
    used.push_back(currency);
    if (const auto* r = pricing.rate_on(currency, date)) {
      if (currency != domain::kBaseCurrency) j["rates"].push_back(exchange_rate_json(*r));
    } else {
      j["currencies_without_rate"].push_back(currency);
    }
  };
  std::optional<double> bill_usd, max_usd, min_usd;
  if (t.expected_monthly_rate) {
    const double multiplier =
        t.bill_rate_multiplier.value_or(pricing.multiplier_of(trainee_organization));
    const auto& salary = *t.expected_monthly_rate;
    const double bill = salary.amount * multiplier;
    if (shown == Multiplier::kShown) j["multiplier"] = multiplier;
    // Firms read the bill rate to two significant figures (168,000 as
    // 170,000): exact, it divided by the few multipliers organizations use
    // into one round salary, and so named the organization and the salary (a
    // probe, 74 of 90 candidates). The scoring uses the same figure
    // (domain::two_significant_figures), so the score gives no more away.
    j["bill_rate"] = money_json(
        pricing, date, shown == Multiplier::kShown ? bill : domain::two_significant_figures(bill),
        salary.currency, viewer);
    use(salary.currency);
    // The note judges the rate the score uses (two figures), so the two agree.
    bill_usd = pricing.convert(domain::two_significant_figures(bill), salary.currency,
                               domain::kBaseCurrency, date);
  }
  if (p.budget_currency && p.budget_max) {
    json budget = {{"currency", *p.budget_currency},
                   {"min", p.budget_min ? json(*p.budget_min) : json(nullptr)},
                   {"max", *p.budget_max}};
    const auto max_v = pricing.convert(*p.budget_max, *p.budget_currency, viewer, date);
    const auto min_v = p.budget_min
                           ? pricing.convert(*p.budget_min, *p.budget_currency, viewer, date)
                           : std::nullopt;
    budget["in_viewer_currency"] =
        max_v ? json{{"min", min_v ? json(std::round(*min_v)) : json(nullptr)},
                     {"max", std::round(*max_v)},
                     {"currency", viewer}}
              : json(nullptr);
    j["budget"] = budget;
    use(*p.budget_currency);
    max_usd = pricing.convert(*p.budget_max, *p.budget_currency, domain::kBaseCurrency, date);
    if (p.budget_min) {
      min_usd = pricing.convert(*p.budget_min, *p.budget_currency, domain::kBaseCurrency, date);
    }
  }
  if (!viewer.empty()) use(viewer);
  // What the rate component saw, in words a reader can act on.
  std::string note;
  if (!t.expected_monthly_rate) {
    note = "no_expected_salary";
  } else if (!p.budget_max) {
    note = "no_budget";
  } else if (!bill_usd || !max_usd) {
    note = "no_exchange_rate";
  } else if (*bill_usd > *max_usd) {
    note = "bill_rate_above_budget_maximum";
  } else if (min_usd && *bill_usd < *min_usd) {
    note = "bill_rate_below_budget_minimum";
  } else {
    note = "bill_rate_within_budget";
  }
  j["note"] = note;
  return j;
}

json working_time_evidence(const domain::TraineeProfile& t, const matcher::Project& project,
                           const matcher::Trainee& f) {
  json offsets = json::array();
  if (f.zone < project.zone_offsets.size() &&
      project.zone_offsets[f.zone].first != matcher::kUnknownOffset) {
    offsets.push_back(project.zone_offsets[f.zone].first);
    if (project.zone_offsets[f.zone].second != matcher::kUnknownOffset) {
      offsets.push_back(project.zone_offsets[f.zone].second);
    }
  } else if (f.utc_offset_minutes != matcher::kUnknownOffset) {
    offsets.push_back(f.utc_offset_minutes);
  }
  const double overlap = matcher::project_overlap_hours(project, f);
  return {{"timezone", t.timezone ? json(*t.timezone) : json(nullptr)},
          {"work_start", t.work_start},
          {"work_end", t.work_end},
          {"work_days", t.work_days},
          {"hours_per_week", f.hours_per_week < 0 ? json(nullptr) : json(f.hours_per_week)},
          {"utc_offsets_minutes", offsets},
          {"jst_overlap_hours", overlap < 0 ? json(nullptr) : json(overlap)}};
}

}  // namespace kakehashi::api
