#include "store/pricing.hpp"

#include <pqxx/pqxx>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kListRates =
    "SELECT currency, per_usd::float8 AS per_usd, valid_from::text AS valid_from, "
    " to_json(recorded_at)#>>'{}' AS recorded_at FROM exchange_rates "
    "ORDER BY currency, valid_from";
constexpr const char* kPutRate =
    "INSERT INTO exchange_rates (currency, valid_from, per_usd, recorded_by) "
    "VALUES ($1, $2::date, $3::numeric, $4::uuid) "
    "ON CONFLICT (currency, valid_from) DO UPDATE SET per_usd = EXCLUDED.per_usd, "
    " recorded_by = EXCLUDED.recorded_by, recorded_at = now() "
    "RETURNING currency, per_usd::float8 AS per_usd, valid_from::text AS valid_from, "
    " to_json(recorded_at)#>>'{}' AS recorded_at";
constexpr const char* kOrganizationsPricing =
    "SELECT id, kind, currency, bill_rate_multiplier::float8 AS bill_rate_multiplier "
    "FROM organizations";
constexpr const char* kOrganizationPricing =
    "SELECT id, kind, currency, bill_rate_multiplier::float8 AS bill_rate_multiplier "
    "FROM organizations WHERE id = $1::uuid";
constexpr const char* kUpdateOrganizationPricing =
    "UPDATE organizations SET currency = $2, bill_rate_multiplier = $3::numeric, "
    " version = version + 1, updated_at = now() WHERE id = $1::uuid RETURNING id";

domain::ExchangeRate rate_from(const pqxx::row& r) {
  return {r["currency"].as<std::string>(), r["per_usd"].as<double>(),
          r["valid_from"].as<std::string>(), r["recorded_at"].as<std::string>()};
}

OrganizationPricingRow organization_pricing_from(const pqxx::row& r) {
  return {r["id"].as<std::string>(), r["kind"].as<std::string>(), r["currency"].as<std::string>(),
          r["bill_rate_multiplier"].as<double>()};
}

}  // namespace

std::vector<domain::ExchangeRate> list_exchange_rates(Tx& t) {
  std::vector<domain::ExchangeRate> out;
  for (const auto& r : exec(t.sql(), kListRates)) out.push_back(rate_from(r));
  return out;
}

domain::ExchangeRate put_exchange_rate(Tx& t, const std::string& currency, double per_usd,
                                       const std::string& valid_from,
                                       const std::optional<std::string>& key_id) {
  const auto r = exec_params1(t.sql(), kPutRate, currency, valid_from,
                              decimal_text(std::optional<double>(per_usd)), key_id);
  t.taxonomy_changed();  // every converted amount may move: reload the index
  return rate_from(r);
}

domain::Pricing load_pricing(Tx& t) {
  domain::Pricing p;
  p.rates = list_exchange_rates(t);
  for (const auto& r : exec(t.sql(), kOrganizationsPricing)) {
    const auto o = organization_pricing_from(r);
    p.organizations[o.organization_id] = {o.currency, o.bill_rate_multiplier};
  }
  return p;
}

std::optional<OrganizationPricingRow> find_organization_pricing(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  const auto r = exec_params(t.sql(), kOrganizationPricing, id);
  if (r.empty()) return std::nullopt;
  return organization_pricing_from(r[0]);
}

bool update_organization_pricing(Tx& t, const std::string& id, const std::string& currency,
                                 double bill_rate_multiplier) {
  if (!is_uuid(id)) return false;
  const auto r = exec_params(t.sql(), kUpdateOrganizationPricing, id, currency,
                             decimal_text(std::optional<double>(bill_rate_multiplier)));
  if (r.empty()) return false;
  t.taxonomy_changed();
  return true;
}

}  // namespace kakehashi::store
