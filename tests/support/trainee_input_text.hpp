// A validated trainee as one line of text, every field in it, so that two
// readings of the same record (an import's quick reading and the document's
// validation, api/trainee_csv.hpp) can be compared and shown when they
// differ. Shared by TraineeCsvTest and the import fuzz target: a field added
// to TraineeInput is added here, once. (Not in kakehashi::testing: in a unit
// test batch, that name would hide GoogleTest's ::testing inside kakehashi.)
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "api/trainee_input.hpp"

namespace kakehashi::trainee_text {

// Every column an import's CSV may have, in the order of the documentation.
inline const std::vector<std::string> kAllCsvColumns = {
    "full_name",      "email",      "phone",          "gender",           "district",
    "country",        "city",       "timezone",       "program",          "skills",
    "japanese",       "english",    "available_from", "hours_per_week",   "rate_amount",
    "rate_currency",  "domains",    "engagement",     "consent_matching", "consent_share_abroad",
    "certifications", "work_start", "work_end",       "work_days"};

inline std::string describe(const api::TraineeInput& in) {
  const auto opt = [](const std::optional<std::string>& s) { return s ? "\"" + *s + "\"" : "-"; };
  std::ostringstream o;
  o.precision(17);
  const auto& d = in.personal;
  const auto& p = in.profile;
  o << opt(in.organization_id) << '|' << d.full_name << '|' << d.email << '|' << opt(d.phone) << '|'
    << opt(d.gender) << '|' << opt(d.district) << '|' << opt(p.country) << '|' << opt(p.city) << '|'
    << opt(p.timezone) << '|' << opt(p.program) << '|';
  for (const auto& k : p.skills) {
    o << k.skill_id << ',' << k.skill << ',' << k.level << ',' << (k.years ? *k.years : -1) << ';';
  }
  o << '|' << opt(p.japanese) << '|' << opt(p.english) << '|' << p.japanese_certified << '|'
    << opt(p.japanese_exam_date) << '|' << p.bjt_score.value_or(-1) << '|' << p.certifications_json
    << '|' << p.work_start << '|' << p.work_end << '|';
  for (const auto& w : p.work_days) o << w << ',';
  o << '|' << p.bill_rate_multiplier.value_or(-1) << '|' << opt(p.available_from) << '|'
    << p.hours_per_week.value_or(-1) << '|';
  if (p.expected_monthly_rate) {
    o << p.expected_monthly_rate->amount << ' ' << p.expected_monthly_rate->currency;
  }
  o << '|';
  for (const auto& x : p.domains) o << x << ',';
  o << '|';
  for (const auto& x : p.engagement) o << x << ',';
  o << '|' << p.consent_matching << p.consent_share_abroad << '|' << opt(p.consent_recorded_at)
    << '|' << p.status << '|' << p.placed_elsewhere;
  return o.str();
}

}  // namespace kakehashi::trainee_text
