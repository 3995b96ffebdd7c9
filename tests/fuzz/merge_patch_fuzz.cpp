// Fuzz target: a JSON merge patch (RFC 7396) as PATCH /v1/trainees/{id} and
// PATCH /v1/projects/{id} apply it: parsed with the depth guard, refused if
// it names a read-only member, merged into the resource's writable document
// with nlohmann's merge_patch, and the result validated again by
// parse_trainee / parse_project. The documents are what trainee_document and
// project_document render for a typical record (those two functions are
// internal to api/trainees.cpp and api/projects.cpp; see README "Fuzzing").
//
// Checked beyond the sanitizers: a merge patch is idempotent (applying it
// twice gives what applying it once gives), and what validation accepts
// meets fuzz_checks.hpp.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/common.hpp"
#include "fuzz_checks.hpp"
#include "fuzz_target.hpp"

namespace {

using nlohmann::json;

// As trainee_document renders a record: read-only members and nulls dropped.
const json& trainee_document() {
  static const json doc = json::parse(R"({
    "full_name": "Nusrat Jahan", "email": "nusrat@example.com", "phone": "+880 1700 000000",
    "country": "BD", "city": "Dhaka", "timezone": "Asia/Dhaka", "program": "AI Engineering 2025",
    "skills": [{"skill": "PyTorch", "level": 4, "years": 2.5}, {"skill": "Python", "level": 5}],
    "languages": {"japanese": "N3", "english": "B2"},
    "certifications": [{"name": "JDLA Deep Learning for Engineer", "year": 2024}, {"name": "AWS"}],
    "available_from": "2026-04-01", "hours_per_week": 40,
    "expected_monthly_rate": {"amount": 120000, "currency": "BDT"},
    "domains": ["automotive", "manufacturing"], "engagement": ["offshore", "hybrid"],
    "consent": {"matching": true, "share_with_firms_abroad": false}, "status": "active"})");
  return doc;
}

const json& project_document() {
  static const json doc = json::parse(R"({
    "title": "Edge inference for parts inspection", "description": "Quantise and deploy.",
    "domain": "automotive",
    "skills": [{"skill": "PyTorch", "min_level": 3, "weight": 5, "required": true},
               {"skill": "C++", "min_level": 2, "weight": 2, "required": false}],
    "japanese_min": "N4", "english_min": "B1", "headcount": 2, "start_date": "2026-05-01",
    "duration_months": 6, "budget_monthly": {"max": 600000, "currency": "JPY"},
    "overlap_hours_jst": 3, "engagement": "offshore", "status": "open"})");
  return doc;
}

void check_idempotent(const json& doc, const json& patch) {
  json once = doc;
  once.merge_patch(patch);
  json twice = once;
  twice.merge_patch(patch);
  if (once != twice) {
    kakehashi::fuzz::fail("merge_patch is not idempotent: " + patch.dump());
  }
}

}  // namespace

KAKEHASHI_FUZZ_TARGET(merge_patch) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bool too_deep = false;
  const auto patch = kakehashi::api::parse_json(text, &too_deep);
  if (!patch || !patch->is_object()) return 0;  // json_body answers 400
  const auto& api = kakehashi::fuzz::fixture().api;
  // PATCH /v1/trainees/{id}: read-only members are refused before merging.
  bool read_only = false;
  for (const char* key :
       {"id", "alias", "organization_id", "version", "created_at", "updated_at"}) {
    read_only = read_only || patch->contains(key);
  }
  if (!read_only) {
    check_idempotent(trainee_document(), *patch);
    json doc = trainee_document();
    doc.merge_patch(*patch);
    for (const std::string_view status : {"active", "placed"}) {
      std::vector<kakehashi::http::FieldError> errors;
      auto in = kakehashi::api::parse_trainee(doc, api, false, errors, status);
      kakehashi::fuzz::expect(in.has_value() == errors.empty(), "errors exactly when refused");
      if (in) kakehashi::fuzz::check_trainee(*in, api, false, status);
    }
  }
  // PATCH /v1/projects/{id}.
  read_only = false;
  for (const char* key : {"id", "organization_id", "version", "created_at", "updated_at"}) {
    read_only = read_only || patch->contains(key);
  }
  if (!read_only) {
    check_idempotent(project_document(), *patch);
    json doc = project_document();
    doc.merge_patch(*patch);
    std::vector<kakehashi::http::FieldError> errors;
    auto d = kakehashi::api::parse_project(doc, api, false, nullptr, errors);
    kakehashi::fuzz::expect(d.has_value() == errors.empty(), "errors exactly when refused");
    if (d) kakehashi::fuzz::check_project(*d, api);
  }
  return 0;
}
