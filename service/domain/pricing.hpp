// Money across currencies and the cost model: the exchange rates with the date
// each holds from (administrators keep them in the database, migration 0020),
// and each organization's currency and salary-to-bill-rate multiplier. One
// immutable snapshot is shared by the matching index and the views; a change
// of either replaces it whole.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kakehashi::domain {

// USD is the base: every rate says how many units of a currency one US
// dollar buys on and after `valid_from`.
inline constexpr const char* kBaseCurrency = "USD";

struct ExchangeRate {
  std::string currency;    // ISO 4217
  double per_usd = 0;      // units of `currency` for 1 USD (> 0)
  std::string valid_from;  // YYYY-MM-DD
  std::string recorded_at;
};

struct OrganizationPricing {
  std::string currency = "USD";
  double bill_rate_multiplier = 2.0;  // training providers: salary x this = monthly bill rate
};

// Default multiplier when an organization states none (a typical offshore
// provider's overhead and margin on salary).
inline constexpr double kDefaultBillRateMultiplier = 2.0;

struct Pricing {
  std::vector<ExchangeRate> rates;  // every row, by currency then valid_from
  std::unordered_map<std::string, OrganizationPricing> organizations;  // by organization id

  // The rate in force on `date` (YYYY-MM-DD): the latest valid_from on or
  // before it. USD is always 1 (valid from 1970-01-01). nullptr if none.
  const ExchangeRate* rate_on(const std::string& currency, const std::string& date) const;
  // `amount` of `from` in `to` on `date`, or nullopt when either lacks a rate.
  std::optional<double> convert(double amount, const std::string& from, const std::string& to,
                                const std::string& date) const;
  // The organization's currency (USD when unknown).
  std::string currency_of(const std::string& organization_id) const;
  double multiplier_of(const std::string& organization_id) const;
};

// The trainee's monthly bill rate: salary x (the trainee's own multiplier, or
// the organization's).
double bill_rate(double salary, std::optional<double> trainee_multiplier,
                 double organization_multiplier);

// v to two significant figures (168000 -> 170000, 4333 -> 4300): the bill
// rate as firms read it, and as the scorer uses it. Exact, it divided by the
// few multipliers organizations use into one round salary, and so named the
// organization and the salary; the score's rate component, a continuous
// function of it that firms read with their own budget, gave it back exactly
// (a probe: 203,064 derived, 203,125 exact, from a shown 200,000).
double two_significant_figures(double v);

// Today's date (UTC) as YYYY-MM-DD.
std::string today_utc();

}  // namespace kakehashi::domain
