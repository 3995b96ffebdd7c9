#include "domain/pricing.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace kakehashi::domain {
namespace {

const ExchangeRate kUsd{kBaseCurrency, 1.0, "1970-01-01", ""};

}  // namespace

const ExchangeRate* Pricing::rate_on(const std::string& currency, const std::string& date) const {
  if (currency == kBaseCurrency) return &kUsd;
  const ExchangeRate* best = nullptr;
  for (const auto& r : rates) {
    if (r.currency != currency || r.valid_from > date) continue;
    if (!best || r.valid_from > best->valid_from) best = &r;
  }
  return best;
}

std::optional<double> Pricing::convert(double amount, const std::string& from,
                                       const std::string& to, const std::string& date) const {
  if (from == to) return amount;
  const auto* a = rate_on(from, date);
  const auto* b = rate_on(to, date);
  if (!a || !b || a->per_usd <= 0) return std::nullopt;
  return amount / a->per_usd * b->per_usd;
}

std::string Pricing::currency_of(const std::string& organization_id) const {
  auto it = organizations.find(organization_id);
  return it == organizations.end() ? std::string(kBaseCurrency) : it->second.currency;
}

double Pricing::multiplier_of(const std::string& organization_id) const {
  auto it = organizations.find(organization_id);
  return it == organizations.end() ? kDefaultBillRateMultiplier : it->second.bill_rate_multiplier;
}

double bill_rate(double salary, std::optional<double> trainee_multiplier,
                 double organization_multiplier) {
  return salary * trainee_multiplier.value_or(organization_multiplier);
}

double two_significant_figures(double v) {
  if (!(v > 0) || !std::isfinite(v)) return v;
  const double unit = std::pow(10.0, std::floor(std::log10(v)) - 1);
  return std::round(v / unit) * unit;
}

std::string today_utc() {
  const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{days};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace kakehashi::domain
