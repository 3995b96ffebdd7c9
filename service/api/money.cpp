// Money as data: /v1/exchange-rates (every role reads; administrators record
// a rate from a date) and /v1/organizations/{id}/pricing (an organization's
// currency and, for a training provider, the multiplier that turns a
// trainee's monthly salary into the monthly bill rate a firm pays). A change
// of either reloads the matching index through the change feed, so the next
// ranking converts with it.
#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/money_views.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "domain/currency.hpp"
#include "domain/pricing.hpp"
#include "store/organizations.hpp"
#include "store/pricing.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

json pricing_json(const store::OrganizationPricingRow& o) {
  json j = {{"organization_id", o.organization_id}, {"currency", o.currency}};
  j["bill_rate_multiplier"] =
      o.kind == "training_provider" ? json(o.bill_rate_multiplier) : json(nullptr);
  return j;
}

awaitable<Response> list_rates(ApiContext& api, http::RequestContext& ctx) {
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {}, errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::vector<domain::ExchangeRate> rates;
  co_await api.db.read([&](store::Tx& t) { rates = store::list_exchange_rates(t); });
  domain::Pricing p;
  p.rates = rates;
  const std::string today = domain::today_utc();
  json items = json::array();
  for (const auto& r : rates) {
    const auto* in_force = p.rate_on(r.currency, today);
    json item = exchange_rate_json(r);
    item["in_force"] = in_force && in_force->valid_from == r.valid_from;
    items.push_back(std::move(item));
  }
  co_return json_response(200,
                          {{"base", domain::kBaseCurrency}, {"date", today}, {"items", items}});
}

awaitable<Response> put_rate(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string currency(ctx.param("currency"));
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  if (!domain::is_money_currency(currency)) {
    errors.push_back({"/currency",
                      http::FieldCode::kInvalidFormat,
                      "the path must name an ISO 4217 currency code such as JPY or BDT",
                      {{"format", std::string("currency")}}});
  } else if (currency == domain::kBaseCurrency) {
    errors.push_back({"/currency", http::FieldCode::kInvalidState,
                      "USD is the base every rate is stated against: it is always 1"});
  }
  Validator v(body, "", errors);
  v.only({"per_usd", "valid_from"});
  const auto per_usd = v.number("per_usd", true, 1e-6, 1e9);
  auto valid_from = v.date("valid_from", false);
  const std::string today = domain::today_utc();
  if (valid_from && *valid_from > today) {
    v.fail("valid_from", http::FieldCode::kOutOfRange,
           "must not be after today (" + today + "): a rate is recorded once it holds",
           {{"max", today}});
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the exchange rate is invalid", errors);
  std::optional<domain::ExchangeRate> saved;
  // The change feed reloads the index with the new rate before this resumes.
  co_await api.db.transact([&](store::Tx& t) {
    saved = store::put_exchange_rate(
        t, currency, *per_usd, valid_from.value_or(today),
        who.key_id.empty() ? std::nullopt : std::optional<std::string>(who.key_id));
  });
  co_return json_response(200, exchange_rate_json(*saved));
}

awaitable<Response> get_pricing(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  std::optional<store::OrganizationPricingRow> row;
  if (who.owns(id)) {
    co_await api.db.read([&](store::Tx& t) { row = store::find_organization_pricing(t, id); });
  }
  if (!row) co_return problem(ctx, 404, "no such organization");
  co_return json_response(200, pricing_json(*row));
}

awaitable<Response> put_pricing(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::optional<store::OrganizationPricingRow> row;
  if (who.owns(id)) {
    co_await api.db.read([&](store::Tx& t) { row = store::find_organization_pricing(t, id); });
  }
  if (!row) co_return problem(ctx, 404, "no such organization");
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"currency", "bill_rate_multiplier"});
  auto currency = v.text("currency", true, 3);
  if (currency && !domain::is_money_currency(*currency)) {
    v.fail("currency", http::FieldCode::kInvalidFormat,
           "must be an ISO 4217 code such as JPY or BDT", {{"format", std::string("currency")}});
  }
  auto multiplier = v.number("bill_rate_multiplier", false, 1, 10);
  if (multiplier && row->kind != "training_provider") {
    v.fail("bill_rate_multiplier", http::FieldCode::kInvalidState,
           "only a training provider turns salaries into bill rates");
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the pricing is invalid", errors);
  co_await api.db.transact([&](store::Tx& t) {
    store::update_organization_pricing(t, id, *currency,
                                       multiplier.value_or(row->bill_rate_multiplier));
    row = store::find_organization_pricing(t, id);
  });
  if (!row) co_return problem(ctx, 404, "no such organization");
  co_return json_response(200, pricing_json(*row));
}

}  // namespace

void add_money_routes(http::Router& router, ApiContext& api) {
  router.add("GET", "/v1/exchange-rates", handler(api, list_rates));
  router.add("PUT", "/v1/exchange-rates/{currency}", handler(api, put_rate),
             {.roles = role_bit(domain::Role::kAdmin),
              .forbidden = "only administrators record exchange rates"});
  router.add("GET", "/v1/organizations/{id}/pricing", handler(api, get_pricing));
  router.add("PUT", "/v1/organizations/{id}/pricing", handler(api, put_pricing));
}

}  // namespace kakehashi::api
