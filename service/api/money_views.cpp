#include "api/money_views.hpp"

#include <algorithm>
#include <cmath>

#include "matcher/scorer.hpp"
#include "matching/live_index.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

double round2(double x) { return std::round(x * 100) / 100; }

void write_exchange_rate(JsonWriter& w, const domain::ExchangeRate& r) {
  w.begin_object().member("currency", r.currency).member("per_usd", r.per_usd);
  if (r.recorded_at.empty()) {
    w.member("recorded_at", nullptr);
  } else {
    w.member("recorded_at", r.recorded_at);
  }
  w.member("valid_from", r.valid_from).end_object();
}

// An amount in its currency, and in `viewer` beside it (null without a rate).
void write_money(JsonWriter& w, const domain::Pricing& pricing, const std::string& date,
                 double amount, const std::string& currency, const std::string& viewer) {
  w.begin_object().member("amount", round2(amount)).member("currency", currency);
  w.key("in_viewer_currency");
  if (const auto converted = convert_amount(pricing, date, amount, currency, viewer)) {
    w.begin_object().member("amount", *converted).member("currency", viewer).end_object();
  } else {
    w.value(nullptr);
  }
  w.end_object();
}

}  // namespace

json exchange_rate_json(const domain::ExchangeRate& r) {
  std::string out;
  JsonWriter w(out);
  write_exchange_rate(w, r);
  return json::parse(out);
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

void write_rate_evidence(JsonWriter& w, const domain::Pricing& pricing, const std::string& date,
                         const std::string& trainee_organization, const domain::TraineeProfile& t,
                         const domain::ProjectData& p, const std::string& viewer,
                         Multiplier shown) {
  // The currencies the evidence names, in order: each with its rate, or
  // among those without one.
  std::vector<std::string_view> used;
  auto use = [&](std::string_view currency) {
    if (std::find(used.begin(), used.end(), currency) == used.end()) used.push_back(currency);
  };
  std::optional<double> bill_usd, max_usd, min_usd;
  w.begin_object().key("bill_rate");
  double multiplier = 0;
  if (t.expected_monthly_rate) {
    multiplier = t.bill_rate_multiplier.value_or(pricing.multiplier_of(trainee_organization));
    const auto& salary = *t.expected_monthly_rate;
    const double bill = salary.amount * multiplier;
    // Firms read the bill rate to two significant figures (168,000 as
    // 170,000): exact, it divided by the few multipliers organizations use
    // into one round salary, and so named the organization and the salary (a
    // probe, 74 of 90 candidates). The scoring uses the same figure
    // (domain::two_significant_figures), so the score gives no more away.
    write_money(w, pricing, date,
                shown == Multiplier::kShown ? bill : domain::two_significant_figures(bill),
                salary.currency, viewer);
    use(salary.currency);
    // The note judges the rate the score uses (two figures), so the two agree.
    bill_usd = pricing.convert(domain::two_significant_figures(bill), salary.currency,
                               domain::kBaseCurrency, date);
  } else {
    w.value(nullptr);
  }
  w.key("budget");
  if (p.budget_currency && p.budget_max) {
    w.begin_object().member("currency", *p.budget_currency).key("in_viewer_currency");
    const auto max_v = pricing.convert(*p.budget_max, *p.budget_currency, viewer, date);
    const auto min_v = p.budget_min
                           ? pricing.convert(*p.budget_min, *p.budget_currency, viewer, date)
                           : std::nullopt;
    if (max_v) {
      w.begin_object().member("currency", viewer).member("max", std::round(*max_v));
      if (min_v) {
        w.member("min", std::round(*min_v));
      } else {
        w.member("min", nullptr);
      }
      w.end_object();
    } else {
      w.value(nullptr);
    }
    w.member("max", *p.budget_max).member("min", p.budget_min).end_object();
    use(*p.budget_currency);
    max_usd = pricing.convert(*p.budget_max, *p.budget_currency, domain::kBaseCurrency, date);
    if (p.budget_min) {
      min_usd = pricing.convert(*p.budget_min, *p.budget_currency, domain::kBaseCurrency, date);
    }
  } else {
    w.value(nullptr);
  }
  if (!viewer.empty()) use(viewer);
  w.key("currencies_without_rate").begin_array();
  for (const auto currency : used) {
    if (!pricing.rate_on(std::string(currency), date)) w.value(currency);
  }
  w.end_array().member("date", date);
  if (t.expected_monthly_rate && shown == Multiplier::kShown) {
    w.member("multiplier", multiplier);
  } else {
    w.member("multiplier", nullptr);
  }
  // What the rate component saw, in words a reader can act on.
  std::string_view note;
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
  w.member("note", note).key("rates").begin_array();
  for (const auto currency : used) {
    if (currency == domain::kBaseCurrency) continue;
    if (const auto* r = pricing.rate_on(std::string(currency), date)) write_exchange_rate(w, *r);
  }
  w.end_array().end_object();
}

json rate_evidence(const domain::Pricing& pricing, const std::string& date,
                   const std::string& trainee_organization, const domain::TraineeProfile& t,
                   const domain::ProjectData& p, const std::string& viewer, Multiplier shown) {
  std::string out;
  JsonWriter w(out);
  write_rate_evidence(w, pricing, date, trainee_organization, t, p, viewer, shown);
  return json::parse(out);
}

void write_working_time(JsonWriter& w, const domain::TraineeProfile& t,
                        const matcher::Project& project, const matcher::Trainee& f) {
  const double overlap = matcher::project_overlap_hours(project, f);
  w.begin_object();
  if (f.hours_per_week < 0) {
    w.member("hours_per_week", nullptr);
  } else {
    w.member("hours_per_week", f.hours_per_week);
  }
  if (overlap < 0) {
    w.member("jst_overlap_hours", nullptr);
  } else {
    w.member("jst_overlap_hours", overlap);
  }
  w.member("timezone", t.timezone).key("utc_offsets_minutes").begin_array();
  if (f.zone < project.zone_offsets.size() &&
      project.zone_offsets[f.zone].first != matcher::kUnknownOffset) {
    w.value(project.zone_offsets[f.zone].first);
    if (project.zone_offsets[f.zone].second != matcher::kUnknownOffset) {
      w.value(project.zone_offsets[f.zone].second);
    }
  } else if (f.utc_offset_minutes != matcher::kUnknownOffset) {
    w.value(f.utc_offset_minutes);
  }
  w.end_array().member("work_days", t.work_days).member("work_end", t.work_end);
  w.member("work_start", t.work_start).end_object();
}

json working_time_evidence(const domain::TraineeProfile& t, const matcher::Project& project,
                           const matcher::Trainee& f) {
  std::string out;
  JsonWriter w(out);
  write_working_time(w, t, project, f);
  return json::parse(out);
}

}  // namespace kakehashi::api
