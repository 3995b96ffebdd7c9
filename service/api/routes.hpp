// The /v1 resources. Each add_* registers one resource's routes.
#pragma once

#include "api/api_context.hpp"
#include "http/router.hpp"

namespace kakehashi::api {

void add_organization_routes(http::Router& router, ApiContext& api);
void add_trainee_routes(http::Router& router, ApiContext& api);
void add_skill_routes(http::Router& router, ApiContext& api);
void add_skill_proposal_routes(http::Router& router, ApiContext& api);  // issue 16
void add_project_routes(http::Router& router, ApiContext& api);
void add_import_routes(http::Router& router, ApiContext& api);
void add_matching_routes(http::Router& router, ApiContext& api);
void add_round_routes(http::Router& router, ApiContext& api);
// /v1/trainees/{id}/preferences (preferences.cpp).
void add_preference_routes(http::Router& router, ApiContext& api);
// /v1/projects/{id}/near-misses (near_miss.cpp).
void add_near_miss_routes(http::Router& router, ApiContext& api);
// /v1/exchange-rates and /v1/organizations/{id}/pricing.
void add_money_routes(http::Router& router, ApiContext& api);
// /v1/me, /v1/stats and the review console at /admin.
void add_console_routes(http::Router& router, ApiContext& api);
// /v1/webhooks (api/webhooks.cpp) and /v1/notifications (api/notifications.cpp).
void add_webhook_routes(http::Router& router, ApiContext& api);
void add_notification_routes(http::Router& router, ApiContext& api);
// Sessions, invitations, an organization's people, the second factor.
void add_account_routes(http::Router& router, ApiContext& api);
// /v1/reports/programme and /v1/duplicates (issue 17), administrators only.
void add_report_routes(http::Router& router, ApiContext& api);

// Every resource above and the console: what the service serves besides the
// operations routes, and what the API fuzz target drives. One list, so a new
// resource reaches the fuzzer by being added here.
void add_api_routes(http::Router& router, ApiContext& api);

// A new API key's secret: "kh_" and 48 hex digits (192 bits from the OS).
struct NewKey {
  std::string secret;
  std::string prefix;
  std::string sha256;
};
NewKey generate_key();

}  // namespace kakehashi::api
