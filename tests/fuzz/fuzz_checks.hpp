// What a validated domain command must satisfy, whatever JSON it came from:
// the guarantees the store (SQL parameters, COPY rows, array literals) and
// the matcher rely on. The JSON fuzz targets check every command that
// parse_trainee or parse_project accepts against them.
#pragma once

#include <cmath>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/project_input.hpp"
#include "api/trainee_input.hpp"
#include "api/validation.hpp"
#include "domain/levels.hpp"
#include "domain/statuses.hpp"
#include "domain/text.hpp"
#include "fuzz_api.hpp"
#include "store/sql_text.hpp"
#include "store/trainee_values.hpp"

namespace kakehashi::fuzz {

inline void expect(bool ok, const std::string& what) {
  if (!ok) fail("a validated command breaks its guarantee: " + what);
}

// Text as Validator::text leaves it: UTF-8 without controls, trimmed, not
// blank, at most `max` characters.
inline void check_text(const std::string& s, std::size_t max, bool newlines,
                       const std::string& field) {
  expect(domain::valid_utf8(s), field + " is UTF-8");
  expect(!domain::has_control_characters(s, newlines), field + " has no control characters");
  expect(!s.empty(), field + " is not empty");
  expect(s.find_first_not_of(" \t\r\n") == 0, field + " is trimmed at the start");
  expect(s.find_last_not_of(" \t\r\n") == s.size() - 1, field + " is trimmed at the end");
  expect(domain::code_points(s) <= max, field + " is at most " + std::to_string(max) + " chars");
}

inline void check_optional_text(const std::optional<std::string>& s, std::size_t max,
                                const std::string& field) {
  if (s) check_text(*s, max, max > 1000, field);
}

// A text[] literal built by store::pg_text_array is only right for items
// without separators, quotes, braces, backslashes or white space.
inline void check_array_items(const std::vector<std::string>& items, const std::string& field) {
  std::set<std::string> seen;
  for (const auto& item : items) {
    expect(!item.empty(), field + " items are not empty");
    expect(item.find_first_of(",\"{}\\ \t\r\n") == std::string::npos,
           field + " items need no quoting in a text[] literal");
    expect(seen.insert(item).second, field + " items are unique");
  }
  const std::string literal = store::pg_text_array(items);
  expect(literal.front() == '{' && literal.back() == '}', field + " array literal");
}

inline void check_trainee(const api::TraineeInput& in, const api::ApiContext& api, bool admin,
                          std::string_view current_status) {
  check_text(in.personal.full_name, 200, false, "full_name");
  check_text(in.personal.email, 254, false, "email");
  expect(api::valid_email(in.personal.email), "email is an email address");
  check_optional_text(in.personal.phone, 40, "phone");
  if (admin) {
    expect(in.organization_id.has_value(), "an administrator names the organization");
    check_optional_text(in.organization_id, 36, "organization_id");
  }
  const auto& p = in.profile;
  if (p.country) {
    expect(p.country->size() == 2 && std::isupper(static_cast<unsigned char>((*p.country)[0])) &&
               std::isupper(static_cast<unsigned char>((*p.country)[1])),
           "country is two capital letters");
  }
  check_optional_text(p.city, 100, "city");
  if (p.timezone) expect(api.timezones.count(*p.timezone) > 0, "timezone is known");
  check_optional_text(p.program, 200, "program");
  const auto taxonomy = api.taxonomy.snapshot();
  expect(p.skills.size() <= 50, "at most 50 skills");
  std::set<int> skill_ids;
  for (const auto& s : p.skills) {
    const auto* known = taxonomy->by_id(s.skill_id);
    expect(known != nullptr, "skill ids are the taxonomy's");
    expect(known && known->name == s.skill, "skill names are canonical");
    expect(skill_ids.insert(s.skill_id).second, "skills are unique");
    expect(s.level >= 1 && s.level <= 5, "skill levels are 1 to 5");
    if (s.years) expect(std::isfinite(*s.years) && *s.years >= 0 && *s.years <= 60, "years");
  }
  if (p.japanese) expect(domain::jlpt_rank(*p.japanese) >= 0, "japanese is a JLPT level");
  if (p.english) {
    const auto names = domain::names_of<domain::Cefr>();
    expect(std::find(names.begin(), names.end(), *p.english) != names.end(), "english is CEFR");
  }
  const auto certs = nlohmann::json::parse(p.certifications_json, nullptr, false);
  expect(certs.is_array() && certs.size() <= 20, "certifications are an array of at most 20");
  if (p.available_from) expect(api::valid_date(*p.available_from), "available_from is a date");
  if (p.hours_per_week) expect(*p.hours_per_week >= 1 && *p.hours_per_week <= 80, "hours");
  if (p.expected_monthly_rate) {
    const auto& rate = *p.expected_monthly_rate;
    expect(std::isfinite(rate.amount) && rate.amount >= 0 && rate.amount <= 1e9, "rate amount");
    expect(api::valid_currency(rate.currency), "rate currency is ISO 4217");
    // The text COPY and the statements send for the numeric column.
    const auto text = store::rate_amount(p);
    expect(text.has_value(), "a rate has an amount text");
    char* end = nullptr;
    const double back = std::strtod(text->c_str(), &end);
    expect(end == text->c_str() + text->size() && std::isfinite(back), "rate amount text");
    expect(store::rate_currency(p) == rate.currency, "rate currency text");
  } else {
    expect(!store::rate_amount(p) && !store::rate_currency(p), "no rate, no rate text");
  }
  expect(p.domains.size() <= 10, "at most 10 domains");
  for (const auto& d : p.domains) expect(api::valid_slug(d), "domains are slugs");
  check_array_items(p.domains, "domains");
  expect(p.engagement.size() <= 3, "at most 3 engagements");
  for (const auto& e : p.engagement) {
    expect(domain::parse_engagement(e).has_value(), "engagements are known");
  }
  check_array_items(p.engagement, "engagement");
  expect(!p.consent_recorded_at, "consent_recorded_at is the database's");
  if (current_status == "placed") {
    expect(p.status == "placed", "a placed trainee stays placed");
  } else {
    expect(p.status == "active" || p.status == "withdrawn", "status is active or withdrawn");
  }
}

inline void check_project(const domain::ProjectData& d, const api::ApiContext& api) {
  check_text(d.title, 200, false, "title");
  if (!d.description.empty()) check_text(d.description, 10'000, true, "description");
  if (d.domain) expect(api::valid_slug(*d.domain), "domain is a slug");
  expect(d.skills.size() <= 30, "at most 30 skills");
  const auto taxonomy = api.taxonomy.snapshot();
  std::set<int> ids;
  for (const auto& s : d.skills) {
    const auto* known = taxonomy->by_id(s.skill_id);
    expect(known != nullptr && known->name == s.skill, "skills are the taxonomy's");
    expect(ids.insert(s.skill_id).second, "skills are unique");
    expect(s.min_level >= 1 && s.min_level <= 5, "min_level is 1 to 5");
    expect(s.weight >= 1 && s.weight <= 5, "weight is 1 to 5");
  }
  expect(domain::jlpt_rank(d.japanese_min) >= 0, "japanese_min is a JLPT level");
  const auto cefr = domain::names_of<domain::Cefr>();
  expect(std::find(cefr.begin(), cefr.end(), d.english_min) != cefr.end(), "english_min is CEFR");
  expect(d.headcount >= 1 && d.headcount <= 1000, "headcount is 1 to 1000");
  expect(api::valid_date(d.start_date), "start_date is a date");
  expect(d.duration_months >= 1 && d.duration_months <= 120, "duration is 1 to 120 months");
  if (d.budget_max) {
    expect(std::isfinite(*d.budget_max) && *d.budget_max >= 0 && *d.budget_max <= 1e9, "max");
    expect(d.budget_currency && api::valid_currency(*d.budget_currency), "budget currency");
    if (d.budget_min) {
      expect(std::isfinite(*d.budget_min) && *d.budget_min >= 0, "budget min");
      expect(*d.budget_min <= *d.budget_max, "budget min <= max");
    }
  } else {
    expect(!d.budget_min, "no budget, no minimum");
  }
  expect(std::isfinite(d.overlap_hours_jst) && d.overlap_hours_jst >= 0 && d.overlap_hours_jst <= 9,
         "overlap hours are 0 to 9");
  expect(domain::parse_engagement(d.engagement).has_value(), "engagement is known");
  expect(d.status == "draft" || d.status == "open" || d.status == "closed", "status");
}

// Field error pointers are RFC 6901 pointers: empty or "/"-led, and every
// "~" escapes a "0" or a "1" (a member named "a/b" is "/a~1b").
inline void expect_escaped_pointers(const std::vector<http::FieldError>& errors) {
  for (const auto& e : errors) {
    expect(e.pointer.empty() || e.pointer.front() == '/', "a body pointer starts with /");
    for (std::size_t i = 0; i < e.pointer.size(); ++i) {
      if (e.pointer[i] != '~') continue;
      expect(i + 1 < e.pointer.size() && (e.pointer[i + 1] == '0' || e.pointer[i + 1] == '1'),
             "every ~ in a pointer is an escape");
    }
  }
}

// Validates `body` as every caller would (a trainee for an organization, for
// an administrator, a change of a placed trainee; a project for a firm and an
// administrator) and checks what is accepted. `errors` are checked to be
// reported exactly when nothing is accepted.
inline void validate_everything(const nlohmann::json& body, const api::ApiContext& api) {
  for (const bool admin : {false, true}) {
    for (const std::string_view status : {"", "placed"}) {
      if (admin && !status.empty()) continue;
      std::vector<http::FieldError> errors;
      auto in = api::parse_trainee(body, api, admin, errors, status);
      expect(in.has_value() == errors.empty(), "trainee errors exactly when refused");
      expect_escaped_pointers(errors);
      if (in) check_trainee(*in, api, admin, status);
    }
    std::vector<http::FieldError> errors;
    std::optional<std::string> org;
    auto project = api::parse_project(body, api, admin, &org, errors);
    expect(project.has_value() == errors.empty(), "project errors exactly when refused");
    expect_escaped_pointers(errors);
    if (project) check_project(*project, api);
    if (project && admin) expect(org.has_value(), "an administrator names the firm");
  }
}

// The nesting depth of a parsed value (the guard promises at most kMaxJsonDepth).
inline int depth_of(const nlohmann::json& v) {
  if (!v.is_structured()) return 0;
  int deepest = 0;
  for (const auto& child : v) deepest = std::max(deepest, depth_of(child));
  return deepest + 1;
}

}  // namespace kakehashi::fuzz
