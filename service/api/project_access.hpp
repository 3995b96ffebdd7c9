// The firm made visible to the trainee's side (issue 16). A training
// organization reads a project when a trainee of its is proposed for or
// matched to it (a match in any state), or when the project is open and one
// of its trainees is eligible for it (the project is in that trainee's
// opportunities). What it reads is the firm's posting — firm, title,
// description, skills, dates, engagement, location, budget in the original
// currency and in its own — never a trainee, its own or another's.
#pragma once

#include "domain/pricing.hpp"

#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "domain/project.hpp"
#include "store/organizations.hpp"

namespace kakehashi::api {

// The project as the trainee's side reads it; `firm` may be null (a firm
// that vanished), `viewer_currency` is the reader's.
nlohmann::json trainee_side_project(const domain::ProjectRecord& p,
                                    const store::OrganizationRow* firm,
                                    const domain::Pricing& pricing, const std::string& date,
                                    const std::string& viewer_currency);

// GET /v1/projects/{id} for a training organization: 404 unless one of the
// two reasons above holds.
awaitable<Response> get_project_for_training_org(ApiContext& api, http::RequestContext& ctx);

}  // namespace kakehashi::api
