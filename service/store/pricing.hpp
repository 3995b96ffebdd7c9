// Exchange rates (with the date each holds from) and organizations' currency
// and salary-to-bill-rate multiplier: the reference data behind every amount
// the matcher compares (migration 0020). A change reloads the index.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/pricing.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

// Every rate row, by currency then valid_from.
std::vector<domain::ExchangeRate> list_exchange_rates(Tx& t);
// Records a rate from a date (replacing one recorded for the same date).
domain::ExchangeRate put_exchange_rate(Tx& t, const std::string& currency, double per_usd,
                                       const std::string& valid_from,
                                       const std::optional<std::string>& key_id);
// The rates and every organization's currency and multiplier.
domain::Pricing load_pricing(Tx& t);

struct OrganizationPricingRow {
  std::string organization_id;
  std::string kind;
  std::string currency;
  double bill_rate_multiplier = domain::kDefaultBillRateMultiplier;
};
std::optional<OrganizationPricingRow> find_organization_pricing(Tx& t, const std::string& id);
// False when there is no such organization.
bool update_organization_pricing(Tx& t, const std::string& id, const std::string& currency,
                                 double bill_rate_multiplier);

}  // namespace kakehashi::store
