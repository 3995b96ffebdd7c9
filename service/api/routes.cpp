#include "api/routes.hpp"

namespace kakehashi::api {

void add_api_routes(http::Router& router, ApiContext& api) {
  add_organization_routes(router, api);
  add_trainee_routes(router, api);
  add_skill_routes(router, api);
  add_skill_proposal_routes(router, api);
  add_project_routes(router, api);
  add_import_routes(router, api);
  add_matching_routes(router, api);
  add_round_routes(router, api);
  add_preference_routes(router, api);
  add_near_miss_routes(router, api);
  add_money_routes(router, api);
  add_console_routes(router, api);
  add_webhook_routes(router, api);
  add_notification_routes(router, api);
  add_account_routes(router, api);
  add_report_routes(router, api);
}

}  // namespace kakehashi::api
