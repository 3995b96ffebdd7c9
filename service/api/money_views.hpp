// JSON views of money and working time beside an explanation: the bill rate
// and the budget in their own currencies and in the viewer's, the exchange
// rates used with the date each holds from, a currency without a rate named
// as such; and the JST overlap with the offsets in force over the project's
// dates.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/json_writer.hpp"
#include "domain/pricing.hpp"
#include "domain/principal.hpp"
#include "domain/project.hpp"
#include "domain/trainee.hpp"
#include "matcher/types.hpp"

namespace kakehashi::api {

nlohmann::json exchange_rate_json(const domain::ExchangeRate& r);

// The currency the caller's organization sees amounts in.
std::string viewer_currency(const ApiContext& api, const domain::Principal& who);

// `amount` of `from` in `to` at the rates in force on `date` (YYYY-MM-DD),
// rounded to whole units: every conversion for display goes through here.
// nullopt when either currency has no rate or the amount is negative.
std::optional<double> convert_amount(const domain::Pricing& pricing, const std::string& date,
                                     double amount, const std::string& from, const std::string& to);

// Whether a reader sees what gives the salary away: the training
// organization's multiplier in the rate's evidence, the band of the salary
// in the trainee's profile, and the bill rate to the unit (firms read it to
// two significant figures). Firms see the bill rate (人月単価) alone:
// with the multiplier the bill rate gave the exact salary, and with the band
// the multiplier's range, so the organization and the salary (probes found
// both).
enum class Multiplier { kShown, kHidden };

// The rate component's evidence for one trainee and one project: written, or
// as a tree.
void write_rate_evidence(JsonWriter& w, const domain::Pricing& pricing, const std::string& date,
                         const std::string& trainee_organization,
                         const domain::TraineeProfile& trainee, const domain::ProjectData& project,
                         const std::string& viewer, Multiplier multiplier);
nlohmann::json rate_evidence(const domain::Pricing& pricing, const std::string& date,
                             const std::string& trainee_organization,
                             const domain::TraineeProfile& trainee,
                             const domain::ProjectData& project, const std::string& viewer,
                             Multiplier multiplier);

// The working-time evidence: hours, days, the offsets in force over the
// project's dates and the overlap with 09:00-18:00 JST on the worst day.
void write_working_time(JsonWriter& w, const domain::TraineeProfile& trainee,
                        const matcher::Project& project, const matcher::Trainee& features);
nlohmann::json working_time_evidence(const domain::TraineeProfile& trainee,
                                     const matcher::Project& project,
                                     const matcher::Trainee& features);

}  // namespace kakehashi::api
