// /v1/trainees: a training organization's own trainees (administrators see
// all). Firms never use these endpoints: they see pseudonymous profiles
// through matching. Personal data is returned only here.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "api/trainee_document.hpp"
#include "api/trainee_input.hpp"
#include "api/validation.hpp"
#include "domain/levels.hpp"
#include "domain/statuses.hpp"
#include "domain/text.hpp"
#include "matching/features.hpp"
#include "store/matches.hpp"
#include "store/sql_text.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

// One field a line, so that fields added at once merge cleanly.
// clang-format off
const std::initializer_list<std::string_view> kWritable = {"full_name",
                                                           "email",
                                                           "phone",
                                                           "gender",
                                                           "district",
                                                           "country",
                                                           "city",
                                                           "timezone",
                                                           "program",
                                                           "skills",
                                                           "languages",
                                                           "certifications",
                                                           "available_from",
                                                           "hours_per_week",
                                                           "expected_monthly_rate",
                                                           "domains",
                                                           "engagement",
                                                           "consent",
                                                           "status",
                                                           "working_hours",
                                                           "bill_rate_multiplier"};
// clang-format on
const std::initializer_list<std::string_view> kReadOnly = {
    "id", "alias", "organization_id", "version", "created_at", "updated_at"};

void parse_skills(const json& body, const Taxonomy::Snapshot& taxonomy, TraineeInput& in,
                  std::vector<http::FieldError>& errors) {
  if (!body.contains("skills") || body["skills"].is_null()) return;
  const auto& skills = body["skills"];
  if (!skills.is_array()) {
    errors.push_back({"/skills",
                      http::FieldCode::kWrongType,
                      "must be an array of at most 50 skills",
                      {{"expected", std::string("array")}}});
    return;
  }
  if (skills.size() > 50) {
    errors.push_back({"/skills",
                      http::FieldCode::kTooMany,
                      "must be an array of at most 50 skills",
                      {{"max_items", 50LL}}});
    return;
  }
  for (std::size_t i = 0; i < skills.size(); ++i) {
    const std::string at = "/skills/" + std::to_string(i);
    if (!skills[i].is_object()) {
      errors.push_back({at,
                        http::FieldCode::kWrongType,
                        "must be an object {skill, level, years}",
                        {{"expected", std::string("object")}}});
      continue;
    }
    Validator v(skills[i], at, errors);
    v.only({"skill", "level", "years"});
    auto name = v.text("skill", true, 100);
    auto level = v.integer("level", true, 1, 5);
    auto years = v.number("years", false, 0, 60);
    if (!name) continue;
    auto id = taxonomy.resolve(*name);
    if (!id) {
      errors.push_back(unknown_skill(at + "/skill", *name, taxonomy.closest(*name)));
      continue;
    }
    const bool repeated = std::any_of(in.profile.skills.begin(), in.profile.skills.end(),
                                      [&](const auto& s) { return s.skill_id == *id; });
    if (repeated) {
      errors.push_back(
          {at + "/skill", http::FieldCode::kDuplicate, "repeats a skill listed before"});
      continue;
    }
    if (level) {
      in.profile.skills.push_back(
          {*id, taxonomy.by_id(*id)->name, static_cast<int>(*level), years});
    }
  }
}

// A list of distinct strings each `valid`; an invalid item is reported with
// `code` and `params` (an invalid format, or a choice with its allowed values).
std::vector<std::string> string_list(const json& body, const std::string& key,
                                     bool (*valid)(const std::string&), std::size_t max,
                                     const std::string& what, http::FieldCode code,
                                     const http::FieldParams& params,
                                     std::vector<http::FieldError>& errors) {
  std::vector<std::string> out;
  if (!body.contains(key) || body[key].is_null()) return out;
  const auto& list = body[key];
  const std::string at = http::pointer_to("", key);
  const std::string message = "must be an array of at most " + std::to_string(max) + " items";
  if (!list.is_array()) {
    errors.push_back(
        {at, http::FieldCode::kWrongType, message, {{"expected", std::string("array")}}});
    return out;
  }
  if (list.size() > max) {
    errors.push_back(
        {at, http::FieldCode::kTooMany, message, {{"max_items", static_cast<long long>(max)}}});
    return out;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = http::pointer_to(at, std::to_string(i));
    if (!list[i].is_string() || !valid(list[i].get<std::string>())) {
      errors.push_back({item, code, "must be " + what, params});
    } else if (std::find(out.begin(), out.end(), list[i].get<std::string>()) != out.end()) {
      errors.push_back({item, http::FieldCode::kDuplicate, "is repeated"});
    } else {
      out.push_back(list[i].get<std::string>());
    }
  }
  return out;
}

// {start, end, days}: local "HH:MM" (start and end differ; an end before the
// start runs past midnight) and the days worked.
void parse_working_hours(const json& body, domain::TraineeProfile& p,
                         std::vector<http::FieldError>& errors) {
  if (!body.contains("working_hours") || body["working_hours"].is_null()) return;
  const auto& w = body["working_hours"];
  if (!w.is_object()) {
    errors.push_back({"/working_hours",
                      http::FieldCode::kWrongType,
                      "must be an object {start, end, days}",
                      {{"expected", std::string("object")}}});
    return;
  }
  Validator v(w, "/working_hours", errors);
  v.only({"start", "end", "days"});
  for (const char* key : {"start", "end"}) {
    // Read past HH:MM's length, so a time a spreadsheet wrote its own way
    // (6:00 PM, 18:00:00) is named with what it reads as (invalid_time).
    auto t = v.text(key, false, 16);
    if (!t) continue;
    if (!matching::parse_clock(*t)) {
      errors.push_back(invalid_time("/working_hours/" + std::string(key), *t));
    } else {
      (std::string_view(key) == "start" ? p.work_start : p.work_end) = *t;
    }
  }
  if (p.work_start == p.work_end) {
    v.fail("end", http::FieldCode::kInvalidCombination, "must differ from start",
           {{"with", std::string("/working_hours/start")}});
  }
  if (w.contains("days") && !w["days"].is_null()) {
    auto valid = +[](const std::string& d) { return matching::work_day_bits({d}) != 0; };
    const std::size_t before = errors.size();
    auto days = string_list(
        w, "days", valid, 7, "one of mon, tue, wed, thu, fri, sat, sun",
        http::FieldCode::kInvalidChoice,
        {{"allowed", std::vector<std::string>{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}}},
        errors);
    for (std::size_t i = before; i < errors.size(); ++i) {
      errors[i].pointer = "/working_hours" + errors[i].pointer;
    }
    if (days.empty() && w["days"].is_array() && w["days"].empty()) {
      v.fail("days", http::FieldCode::kRequired, "must name at least one day");
    }
    if (!days.empty()) p.work_days = std::move(days);
  }
}

json trainee_json(const domain::TraineeRecord& t, const Taxonomy::Snapshot& taxonomy) {
  const auto& p = t.profile;
  // The store returns skill ids; names come from the taxonomy, in name order.
  std::vector<domain::SkillLevel> named = p.skills;
  for (auto& s : named) {
    const auto* row = taxonomy.by_id(s.skill_id);
    s.skill = row ? row->name : std::to_string(s.skill_id);
  }
  std::sort(named.begin(), named.end(),
            [](const auto& a, const auto& b) { return a.skill < b.skill; });
  json skills = json::array();
  for (const auto& s : named) {
    skills.push_back({{"skill", s.skill},
                      {"level", s.level},
                      {"years", s.years ? json(*s.years) : json(nullptr)}});
  }
  auto opt = [](const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); };
  json j = {
      {"id", t.id},
      {"organization_id", t.organization_id},
      {"alias", t.alias},
      {"full_name", t.personal ? json(t.personal->full_name) : json(nullptr)},
      {"email", t.personal ? json(t.personal->email) : json(nullptr)},
      {"phone", t.personal ? opt(t.personal->phone) : json(nullptr)},
      {"gender", t.personal ? opt(t.personal->gender) : json(nullptr)},
      {"district", t.personal ? opt(t.personal->district) : json(nullptr)},
      {"country", opt(p.country)},
      {"city", opt(p.city)},
      {"timezone", opt(p.timezone)},
      {"program", opt(p.program)},
      {"skills", skills},
      {"languages",
       {{"japanese", opt(p.japanese)},
        {"english", opt(p.english)},
        {"japanese_certified", p.japanese_certified},
        {"japanese_exam_date", opt(p.japanese_exam_date)},
        {"bjt_score", p.bjt_score ? json(*p.bjt_score) : json(nullptr)}}},
      {"certifications", json::parse(p.certifications_json, nullptr, false)},
      {"working_hours", {{"start", p.work_start}, {"end", p.work_end}, {"days", p.work_days}}},
      {"bill_rate_multiplier",
       p.bill_rate_multiplier ? json(*p.bill_rate_multiplier) : json(nullptr)},
      {"available_from", opt(p.available_from)},
      {"hours_per_week", p.hours_per_week ? json(*p.hours_per_week) : json(nullptr)},
      {"expected_monthly_rate", p.expected_monthly_rate
                                    ? json{{"amount", p.expected_monthly_rate->amount},
                                           {"currency", p.expected_monthly_rate->currency}}
                                    : json(nullptr)},
      {"domains", p.domains},
      {"engagement", p.engagement},
      {"consent",
       {{"matching", p.consent_matching},
        {"share_with_firms_abroad", p.consent_share_abroad},
        {"recorded_at", opt(p.consent_recorded_at)}}},
      {"status", p.status},
      {"version", t.version},
      {"created_at", t.created_at},
      {"updated_at", t.updated_at},
  };
  if (j["certifications"].is_discarded()) j["certifications"] = json::array();
  return j;
}

// The writable part of a trainee, which a merge patch applies to.
json trainee_document(const domain::TraineeRecord& t, const Taxonomy::Snapshot& taxonomy) {
  json doc = trainee_json(t, taxonomy);
  for (auto key : kReadOnly) doc.erase(std::string(key));
  // Nulls mean "absent" in a merge patch; drop them so they stay absent.
  for (auto it = doc.begin(); it != doc.end();) {
    it = it->is_null() ? doc.erase(it) : std::next(it);
  }
  for (auto& [key, value] : doc.items()) {
    if (value.is_object()) {
      for (auto it = value.begin(); it != value.end();) {
        it = it->is_null() ? value.erase(it) : std::next(it);
      }
    }
  }
  if (doc.contains("consent")) doc["consent"].erase("recorded_at");
  for (auto& s : doc["skills"]) {
    if (s["years"].is_null()) s.erase("years");
  }
  for (auto& c : doc["certifications"]) {
    if (c.contains("year") && c["year"].is_null()) c.erase("year");
  }
  return doc;
}

Response with_etag(Response r, std::int64_t version) {
  r.set_header("ETag", etag(version));
  return r;
}

// Reads a trainee document, appending an error for each member that breaks a
// rule; a member in error is left unset (or at its default) in the result.
TraineeInput read_trainee(const json& body, const ApiContext& api, bool admin,
                          std::vector<http::FieldError>& errors, std::string_view current_status) {
  TraineeInput in;
  Validator v(body, "", errors);
  if (admin) {
    std::vector<std::string_view> known(kWritable);
    known.push_back("organization_id");
    for (const auto& [key, value] : body.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        errors.push_back(
            {http::pointer_to("", key), http::FieldCode::kUnknownField, "unknown field"});
      }
    }
    in.organization_id = v.text("organization_id", true, 36);
  } else {
    v.only(kWritable);
  }
  auto& p = in.profile;
  if (auto s = v.text("full_name", true, 200)) {
    if (domain::has_lost_letters(*s)) {
      v.fail("full_name", http::FieldCode::kInvalidText,
             "contains '?', where a spreadsheet saved in another encoding dropped letters it "
             "could not write: save the file as \"CSV UTF-8\" and import it again",
             {{"reason", std::string("question_marks")}});
    } else {
      in.personal.full_name = *s;
    }
  }
  if (auto s = v.text("email", true, 254)) {
    if (valid_email(*s)) {
      in.personal.email = *s;
    } else {
      v.fail("email", http::FieldCode::kInvalidFormat, "must be an email address",
             {{"format", std::string("email")}});
    }
  }
  in.personal.phone = v.text("phone", false, 40);
  if (in.personal.phone && domain::looks_like_scientific_number(*in.personal.phone)) {
    // Excel shows a long number so: its last digits are gone.
    v.fail("phone", http::FieldCode::kInvalidFormat,
           "is a number Excel rewrote in scientific notation (its last digits are lost): format "
           "the column as Text and enter the phone again",
           {{"format", std::string("phone")}});
    in.personal.phone.reset();
  } else if (in.personal.phone && domain::looks_like_mobile_without_its_zero(*in.personal.phone)) {
    // 01712345678 in a cell formatted as a number: Excel keeps 1712345678.
    v.fail("phone", http::FieldCode::kInvalidFormat,
           "is a Bangladeshi mobile number without its leading 0 (Excel drops it from a number): "
           "format the column as Text and enter it as 01... or +880...",
           {{"format", std::string("phone")}, {"seen", std::string("leading_zero_lost")}});
    in.personal.phone.reset();
  }
  in.personal.gender = v.choice("gender", false, {"female", "male", "other"});
  in.personal.district = v.text("district", false, 100);
  p.country = v.country("country", false);
  p.city = v.text("city", false, 100);
  p.timezone = v.text("timezone", false, 64);
  if (p.timezone && !api.timezones.count(*p.timezone)) {
    v.fail("timezone", http::FieldCode::kInvalidFormat,
           "must be an IANA time zone name such as Asia/Dhaka",
           {{"format", std::string("timezone")}});
  }
  p.program = v.text("program", false, 200);
  parse_skills(body, *api.taxonomy.snapshot(), in, errors);
  if (v.has("languages")) {
    if (!body["languages"].is_object()) {
      v.fail("languages", http::FieldCode::kWrongType, "must be an object {japanese, english}",
             {{"expected", std::string("object")}});
    } else {
      Validator lang(body["languages"], "/languages", errors);
      lang.only({"japanese", "english", "japanese_certified", "japanese_exam_date", "bjt_score"});
      p.japanese = lang.choice("japanese", false, domain::names_of<domain::Jlpt>());
      p.english = lang.choice("english", false, domain::names_of<domain::Cefr>());
      p.japanese_certified = lang.boolean("japanese_certified", false).value_or(false);
      p.japanese_exam_date = lang.date("japanese_exam_date", false);
      if (auto b = lang.integer("bjt_score", false, 0, 800)) p.bjt_score = static_cast<int>(*b);
      // A certificate names its level and the exam it was earned in (the
      // database holds the same rule).
      if (p.japanese_certified) {
        if (!p.japanese || *p.japanese == "none") {
          lang.fail("japanese_certified", http::FieldCode::kInvalidCombination,
                    "a certificate needs a JLPT level N5..N1",
                    {{"with", std::string("/languages/japanese")}});
        }
        if (!p.japanese_exam_date && !lang.has("japanese_exam_date")) {
          lang.fail("japanese_exam_date", http::FieldCode::kRequired,
                    "is required when the level is certified");
        }
      }
    }
  }
  if (v.has("certifications")) {
    const auto& certs = body["certifications"];
    if (!certs.is_array()) {
      v.fail("certifications", http::FieldCode::kWrongType,
             "must be an array of at most 20 certifications", {{"expected", std::string("array")}});
    } else if (certs.size() > 20) {
      v.fail("certifications", http::FieldCode::kTooMany,
             "must be an array of at most 20 certifications", {{"max_items", 20LL}});
    } else {
      json clean = json::array();
      for (std::size_t i = 0; i < certs.size(); ++i) {
        const std::string at = "/certifications/" + std::to_string(i);
        if (!certs[i].is_object()) {
          errors.push_back({at,
                            http::FieldCode::kWrongType,
                            "must be an object {name, year, verified}",
                            {{"expected", std::string("object")}}});
          continue;
        }
        Validator c(certs[i], at, errors);
        c.only({"name", "year", "verified"});
        auto name = c.text("name", true, 100);
        auto year = c.integer("year", false, 1980, 2100);
        auto verified = c.boolean("verified", false);
        if (name) {
          json item = {{"name", *name}, {"year", nullptr}, {"verified", verified.value_or(false)}};
          if (year) item["year"] = *year;
          clean.push_back(item);
        }
      }
      p.certifications_json = clean.dump();
    }
  }
  p.available_from = v.date("available_from", false);
  if (auto h = v.integer("hours_per_week", false, 1, 80)) p.hours_per_week = static_cast<int>(*h);
  parse_working_hours(body, p, errors);
  p.bill_rate_multiplier = v.number("bill_rate_multiplier", false, 1, 10);
  p.expected_monthly_rate = v.money("expected_monthly_rate", false, 0, 1e9);
  auto kSlug = &valid_slug;
  auto kEngagement = +[](const std::string& e) { return domain::parse_engagement(e).has_value(); };
  p.domains =
      string_list(body, "domains", kSlug, 10, "a lower-case domain name such as automotive",
                  http::FieldCode::kInvalidFormat, {{"format", std::string("domain")}}, errors);
  const auto engagements = domain::names_of<domain::Engagement>();
  p.engagement = string_list(
      body, "engagement", kEngagement, 3, "one of offshore, onsite_japan, hybrid",
      http::FieldCode::kInvalidChoice,
      {{"allowed", std::vector<std::string>(engagements.begin(), engagements.end())}}, errors);
  if (v.has("consent")) {
    if (!body["consent"].is_object()) {
      v.fail("consent", http::FieldCode::kWrongType,
             "must be an object {matching, share_with_firms_abroad}",
             {{"expected", std::string("object")}});
    } else {
      Validator c(body["consent"], "/consent", errors);
      // recorded_at is the server's: the database sets it when a flag changes.
      if (body["consent"].contains("recorded_at")) {
        c.fail("recorded_at", http::FieldCode::kReadOnly, "is read-only");
      }
      c.only({"matching", "share_with_firms_abroad", "recorded_at"});
      p.consent_matching = c.boolean("matching", true).value_or(false);
      p.consent_share_abroad = c.boolean("share_with_firms_abroad", true).value_or(false);
    }
  }
  p.status = v.choice("status", false, {"active", "placed", "withdrawn"}).value_or("active");
  // "placed" belongs to an approved placement: set and cleared by the match's
  // transitions, never written by a client.
  const bool placed_now = current_status == "placed";
  if ((p.status == "placed") != placed_now) {
    v.fail("status", http::FieldCode::kInvalidState,
           placed_now ? "stays placed while the placement is approved; withdraw the "
                        "match to change it"
                      : "placed is set by an approved placement, not written");
  }
  return in;
}

// How to put back each member's stored value in place of what reading the
// document made of it.
using Keep = void (*)(TraineeInput&, const domain::TraineeRecord&);
using In = TraineeInput;
using Record = domain::TraineeRecord;
// clang-format off
const std::pair<std::string_view, Keep> kKeepStored[] = {
    {"full_name", [](In& in, const Record& r) { in.personal.full_name = r.personal->full_name; }},
    {"email", [](In& in, const Record& r) { in.personal.email = r.personal->email; }},
    {"phone", [](In& in, const Record& r) { in.personal.phone = r.personal->phone; }},
    {"gender", [](In& in, const Record& r) { in.personal.gender = r.personal->gender; }},
    {"district", [](In& in, const Record& r) { in.personal.district = r.personal->district; }},
    {"country", [](In& in, const Record& r) { in.profile.country = r.profile.country; }},
    {"city", [](In& in, const Record& r) { in.profile.city = r.profile.city; }},
    {"timezone", [](In& in, const Record& r) { in.profile.timezone = r.profile.timezone; }},
    {"program", [](In& in, const Record& r) { in.profile.program = r.profile.program; }},
    {"skills", [](In& in, const Record& r) { in.profile.skills = r.profile.skills; }},
    {"languages", [](In& in, const Record& r) {
       auto& p = in.profile;
       p.japanese = r.profile.japanese;
       p.english = r.profile.english;
       p.japanese_certified = r.profile.japanese_certified;
       p.japanese_exam_date = r.profile.japanese_exam_date;
       p.bjt_score = r.profile.bjt_score;
     }},
    {"certifications", [](In& in, const Record& r) {
       in.profile.certifications_json = r.profile.certifications_json;
     }},
    {"available_from", [](In& in, const Record& r) {
       in.profile.available_from = r.profile.available_from;
     }},
    {"hours_per_week", [](In& in, const Record& r) {
       in.profile.hours_per_week = r.profile.hours_per_week;
     }},
    {"working_hours", [](In& in, const Record& r) {
       in.profile.work_start = r.profile.work_start;
       in.profile.work_end = r.profile.work_end;
       in.profile.work_days = r.profile.work_days;
     }},
    {"bill_rate_multiplier", [](In& in, const Record& r) {
       in.profile.bill_rate_multiplier = r.profile.bill_rate_multiplier;
     }},
    {"expected_monthly_rate", [](In& in, const Record& r) {
       in.profile.expected_monthly_rate = r.profile.expected_monthly_rate;
     }},
    {"domains", [](In& in, const Record& r) { in.profile.domains = r.profile.domains; }},
    {"engagement", [](In& in, const Record& r) { in.profile.engagement = r.profile.engagement; }},
    {"consent", [](In& in, const Record& r) {
       in.profile.consent_matching = r.profile.consent_matching;
       in.profile.consent_share_abroad = r.profile.consent_share_abroad;
     }},
    {"status", [](In& in, const Record& r) { in.profile.status = r.profile.status; }},
};
// clang-format on

// Puts back a member's stored value; false for a member there is none of.
bool keep_stored(TraineeInput& in, const domain::TraineeRecord& r, std::string_view member) {
  if (!r.personal) return false;  // erased: nothing to keep, and no change is made
  for (const auto& [name, keep] : kKeepStored) {
    if (name == member) {
      keep(in, r);
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<TraineeInput> parse_trainee(const json& body, const ApiContext& api, bool admin,
                                          std::vector<http::FieldError>& errors) {
  return parse_trainee(body, api, admin, errors, "");
}

std::optional<TraineeInput> parse_trainee(const json& body, const ApiContext& api, bool admin,
                                          std::vector<http::FieldError>& errors,
                                          std::string_view current_status) {
  TraineeInput in = read_trainee(body, api, admin, errors, current_status);
  if (!errors.empty()) return std::nullopt;
  return in;
}

namespace {

// A merge patch applied to a stored trainee, validated. Only the members the
// patch changes are the client's to answer for: a member it leaves alone keeps
// its stored value, even one that a rule added since it was stored refuses
// (a consent withdrawal must not wait on a phone Excel mangled last year).
std::optional<TraineeInput> parse_patched(const json& patch, const domain::TraineeRecord& record,
                                          const ApiContext& api,
                                          std::vector<http::FieldError>& errors, bool* unchanged) {
  const json before = trainee_document(record, *api.taxonomy.snapshot());
  json after = before;
  after.merge_patch(patch);
  *unchanged = after == before;
  std::vector<http::FieldError> found;
  TraineeInput in = read_trainee(after, api, false, found, record.profile.status);
  auto answered = errors_of_patch(before, after, std::move(found), [&](std::string_view member) {
    return keep_stored(in, record, member);
  });
  if (!answered.empty()) {
    errors.insert(errors.end(), std::make_move_iterator(answered.begin()),
                  std::make_move_iterator(answered.end()));
    return std::nullopt;
  }
  return in;
}

awaitable<Response> create_trainee(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  auto input = parse_trainee(body, api, who.is_admin(), errors);
  if (!input) co_return problem(ctx, 422, "the trainee is invalid", errors);
  co_return co_await idempotent(
      api, ctx, who,
      [&]() -> awaitable<Response> {
        std::optional<domain::TraineeRecord> record;
        bool bad_org = false;
        auto conflict = co_await transact(api, [&](store::Tx& t) {
          std::string org = who.organization_id;
          if (who.is_admin()) {
            auto o = store::find_organization(t, *input->organization_id);
            if (!o || o->kind != "training_provider") {
              bad_org = true;
              return;
            }
            org = o->id;
          }
          const auto id = store::insert_trainee(t, org, input->personal, input->profile);
          record = store::find_trainee(t, id);
        });
        if (bad_org) {
          co_return problem(ctx, 422, "the trainee is invalid",
                            {{"/organization_id",
                              http::FieldCode::kNotFound,
                              "must name a training provider",
                              {{"resource", std::string("training_provider")}}}});
        }
        if (conflict) co_return taken(ctx, conflict->pointer, conflict->detail);
        Response r = with_etag(json_response(201, trainee_json(*record, *api.taxonomy.snapshot())),
                               record->version);
        r.set_header("Location", "/v1/trainees/" + record->id);
        co_return r;
      },
      [&](const std::string& id) -> awaitable<Response> {
        // Rendered as it is now, as GET answers it: an erased trainee is gone
        // for its organization (404) and carries no personal data for the
        // programme office.
        std::optional<domain::TraineeRecord> record;
        co_await api.db.read([&](store::Tx& t) { record = store::find_trainee(t, id); });
        if (!record || !who.owns(record->organization_id) ||
            (record->profile.status == "erased" && !who.is_admin()))
          co_return problem(ctx, 404, "the trainee this request created no longer exists");
        Response r = with_etag(json_response(200, trainee_json(*record, *api.taxonomy.snapshot())),
                               record->version);
        r.set_header("Location", "/v1/trainees/" + record->id);
        co_return r;
      });
}

// An administrator's read of personal data is recorded before the answer
// leaves: with the database down, the read is refused (503), not unrecorded.
awaitable<void> audit_reads(ApiContext& api, const domain::Principal& who,
                            std::vector<std::string> trainee_ids) {
  if (trainee_ids.empty()) co_return;
  co_await api.db.transact([&](store::Tx& t) { record_personal_data_reads(t, who, trainee_ids); });
}

awaitable<Response> get_trainee(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string id(ctx.param("id"));
  // A document read before, and not changed since, is answered from memory;
  // otherwise it is read with the other misses of the moment in one
  // statement and rendered without a DOM (TraineeReader).
  const auto epoch = api.trainee_documents.epoch();
  auto doc = api.trainee_documents.get(id);
  const bool hit = doc.has_value();
  if (!hit && store::is_uuid(id)) doc = co_await api.trainee_reader.read(api, id);
  if (!doc || !who.owns(doc->organization_id) || (doc->status == "erased" && !who.is_admin())) {
    co_return problem(ctx, 404, "no such trainee");
  }
  if (who.is_admin() && doc->personal) {
    std::vector<std::string> read(1, id);
    co_await audit_reads(api, who, std::move(read));
  }
  const auto version = doc->version;
  if (!hit) api.trainee_documents.put(id, *doc, epoch);
  Response r = Response::json(200, std::move(doc->body));
  r.set_header("Cache-Control", "no-store");
  co_return with_etag(std::move(r), version);
}

awaitable<Response> update_trainee(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  bool bad_precondition = false;
  const auto expected = if_match(ctx, &bad_precondition);
  if (bad_precondition) co_return bad_if_match(ctx);
  auto parsed = json_body(ctx, true);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& patch = std::get<json>(parsed);
  const std::string id(ctx.param("id"));
  // Without If-Match the patch applies to the trainee as it is: when another write
  // comes between the read and the update, it is read again and the patch applied
  // to it (a few times at most).
  for (int attempt = 1;; ++attempt) {
    std::optional<domain::TraineeRecord> record;
    co_await api.db.read([&](store::Tx& t) { record = store::find_trainee(t, id); });
    if (!record || !who.owns(record->organization_id) || record->profile.status == "erased") {
      co_return problem(ctx, 404, "no such trainee");
    }
    std::vector<http::FieldError> errors;
    for (auto key : kReadOnly) {
      if (patch.contains(std::string(key)))
        errors.push_back({http::pointer_to("", key), http::FieldCode::kReadOnly, "is read-only"});
    }
    bool unchanged = false;
    auto input =
        errors.empty() ? parse_patched(patch, *record, api, errors, &unchanged) : std::nullopt;
    if (!input) co_return problem(ctx, 422, "the change is invalid", errors);
    if (expected && *expected != record->version) {
      co_return stale_etag(ctx, "the trainee changed since that ETag; read it again");
    }
    // A patch that changes nothing writes nothing: the version (the ETag
    // other clients hold) and the audit stay as they were.
    if (unchanged) {
      co_return with_etag(json_response(200, trainee_json(*record, *api.taxonomy.snapshot())),
                          record->version);
    }
    bool updated = false;
    auto conflict = co_await transact(api, [&](store::Tx& t) {
      updated = store::update_trainee(t, id, expected.value_or(record->version), input->personal,
                                      input->profile, writer_of(who));
      // A trainee withdrawn from the programme leaves every open match (a
      // probe approved a withdrawn trainee, who was then never placed).
      if (updated && input->profile.status == "withdrawn" &&
          record->profile.status != "withdrawn") {
        store::withdraw_open_matches(t, id, actor_of(who),
                                     "the trainee was withdrawn from the programme");
      } else if (updated && !input->profile.consent_matching && record->profile.consent_matching) {
        // Consent to matching withdrawn: firms no longer see the trainee, in
        // their candidates or in a match still being decided (a probe's firm
        // went on to offer, and read the profile's later edits). A placement
        // already approved stands.
        store::withdraw_open_matches(t, id, actor_of(who),
                                     "the trainee withdrew consent to matching",
                                     store::Placements::kKept);
      }
      if (updated) record = store::find_trainee(t, id);
    });
    if (conflict) co_return taken(ctx, conflict->pointer, conflict->detail);
    if (!updated) {
      if (expected) co_return stale_etag(ctx, "the trainee changed meanwhile; read it again");
      if (attempt == kPatchAttempts) {
        co_return kept_changing(ctx, "trainee");
      }
      continue;
    }
    co_return with_etag(json_response(200, trainee_json(*record, *api.taxonomy.snapshot())),
                        record->version);
  }
}

awaitable<Response> erase_trainee(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  bool bad_precondition = false;
  const auto expected = if_match(ctx, &bad_precondition);
  if (bad_precondition) co_return bad_if_match(ctx);
  const std::string id(ctx.param("id"));
  std::optional<domain::TraineeRecord> record;
  bool erased = false;
  // One transaction: the erasure and the withdrawal of every match the
  // trainee was in happen together or not at all.
  co_await api.db.transact([&](store::Tx& t) {
    record = store::find_trainee(t, id);
    if (record && who.owns(record->organization_id) && record->profile.status != "erased") {
      erased = store::erase_trainee(t, id, expected);
      if (erased) {
        const store::Actor actor = actor_of(who);
        store::withdraw_open_matches(t, id, actor, "the trainee's personal data was erased");
        // In the audit trail as retention's erasures are: who, and when (no
        // personal data: it is gone).
        store::EventRow e = store::event_by(actor, "erasure");
        e.trainee_id = id;
        e.reason = "erased by " + std::string(who.is_admin() ? "the programme office"
                                                             : "the trainee's organization");
        e.details = json{{"previous_status", record->profile.status}}.dump();
        store::record_event(t, e);
      }
    }
  });
  if (!record || !who.owns(record->organization_id) || record->profile.status == "erased") {
    co_return problem(ctx, 404, "no such trainee");
  }
  if (!erased) co_return stale_etag(ctx, "the trainee changed since that ETag; read it again");
  Response r;
  r.status = 204;
  co_return r;
}

// The longest text a trainee's list searches (the programme's limit).
constexpr std::size_t kMaxQuery = 200;

awaitable<Response> list_trainees(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  domain::TraineeFilter f;
  f.limit = page_limit(ctx, errors) + 1;
  reject_unknown_params(
      ctx, {"limit", "cursor", "skill", "min_level", "jlpt_min", "status", "organization_id", "q"},
      errors);
  f.after_seq = seq_cursor(ctx, 't', errors);
  if (auto skill = ctx.request.query_param("skill")) {
    f.skill_id = api.taxonomy.snapshot()->resolve(*skill);
    if (!f.skill_id) errors.push_back(unknown_skill("skill", *skill));
  }
  if (auto level = ctx.request.query_param("min_level")) {
    if (level->size() != 1 || (*level)[0] < '1' || (*level)[0] > '5') {
      errors.push_back({"min_level",
                        http::FieldCode::kOutOfRange,
                        "must be 1 to 5",
                        {{"min", 1LL}, {"max", 5LL}}});
    } else {
      f.min_level = (*level)[0] - '0';
    }
  }
  if (auto jlpt = ctx.request.query_param("jlpt_min")) {
    if (domain::jlpt_rank(*jlpt) < 0) {
      errors.push_back(
          invalid_choice("jlpt_min", "must be none or N5 to N1", domain::names_of<domain::Jlpt>()));
    }
    f.japanese_min = *jlpt;
  }
  if (auto status = ctx.request.query_param("status")) {
    static const std::initializer_list<std::string_view> kStatuses = {"active", "placed",
                                                                      "withdrawn", "erased"};
    if (std::find(kStatuses.begin(), kStatuses.end(), *status) == kStatuses.end() ||
        (*status == "erased" && !who.is_admin())) {
      errors.push_back(invalid_choice("status", "must be active, placed or withdrawn",
                                      {"active", "placed", "withdrawn"}));
    }
    f.status = *status;
  }
  if (auto org = ctx.request.query_param("organization_id")) {
    if (!who.is_admin()) {
      errors.push_back({"organization_id", http::FieldCode::kNotPermitted,
                        "only administrators filter by organization"});
    } else if (!store::is_uuid(*org)) {
      errors.push_back(invalid_format("organization_id", "must be an organization id", "uuid"));
    }
    f.organization_id = *org;
  }
  if (!who.is_admin()) f.organization_id = who.organization_id;
  if (auto q = ctx.request.query_param("q")) {
    // It matches part of an alias or a programme (at most 200 characters):
    // a longer one matches nothing, and its scan of every row could outlast
    // the statement's timeout.
    if (domain::code_points(*q) > kMaxQuery) errors.push_back(too_long("q", kMaxQuery));
    f.query = *q;
    // A coordinator finds a trainee by name or email, among its own.
    f.query_personal = who.role == domain::Role::kTrainingOrg;
  }
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::vector<domain::TraineeRecord> rows;
  co_await api.db.read([&](store::Tx& t) { rows = store::list_trainees(t, f); });
  const auto limit = static_cast<std::size_t>(f.limit - 1);
  if (who.is_admin()) {
    std::vector<std::string> read;
    for (std::size_t i = 0; i < rows.size() && i < limit; ++i) {
      if (rows[i].personal) read.push_back(rows[i].id);
    }
    co_await audit_reads(api, who, std::move(read));
  }
  const auto taxonomy = api.taxonomy.snapshot();
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (std::size_t i = 0; i < rows.size() && i < limit; ++i)
    out["items"].push_back(trainee_json(rows[i], *taxonomy));
  if (rows.size() > limit) out["next_cursor"] = encode_seq_cursor('t', rows[limit - 1].seq);
  co_return json_response(200, out);
}

}  // namespace

void add_trainee_routes(http::Router& router, ApiContext& api) {
  static const RouteSpec kRoutes[] = {
      {"POST", "/v1/trainees", create_trainee, "firms cannot register trainees"},
      {"GET", "/v1/trainees/{id}", get_trainee, "firms cannot read trainee records"},
      {"PATCH", "/v1/trainees/{id}", update_trainee, "firms cannot change trainees"},
      {"DELETE", "/v1/trainees/{id}", erase_trainee, "firms cannot erase trainees"},
      {"GET", "/v1/trainees", list_trainees, "firms cannot list trainee records"},
  };
  add_routes(router, api, kRoutes,
             role_bit(domain::Role::kAdmin) | role_bit(domain::Role::kTrainingOrg));
}

}  // namespace kakehashi::api

// --- the cold read's renderer (api/trainee_document.hpp) ---
namespace kakehashi::api {
namespace {

// Whether `s` is valid UTF-8 (nlohmann's dump checks the same and replaces
// what is not; such text then goes through it).
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

void write_text(std::string& out, const store::TraineeView::Text& t) {
  if (t) {
    write_json_string(out, *t);
  } else {
    out += "null";
  }
}

// An integer as PostgreSQL writes it is the integer as nlohmann writes it.
void write_integer(std::string& out, const store::TraineeView::Text& t) {
  if (t && !t->empty()) {
    out += *t;
  } else {
    out += "null";
  }
}

// Folded lines ("a\nb"), as store::split reads them: no item after a final
// separator, none in empty text.
void write_lines(std::string& out, std::string_view folded) {
  out.push_back('[');
  std::size_t start = 0;
  bool first = true;
  while (start < folded.size()) {
    const std::size_t end = std::min(folded.find('\n', start), folded.size());
    if (!first) out.push_back(',');
    first = false;
    write_json_string(out, folded.substr(start, end - start));
    start = end + 1;
  }
  out.push_back(']');
}

// The next comma-separated item of `list` from `at`; advances `at`.
std::string_view next_item(std::string_view list, std::size_t& at) {
  const std::size_t end = std::min(list.find(',', at), list.size());
  auto item = list.substr(at, end - at);
  at = end + 1;
  return item;
}

void write_skills(std::string& out, const store::TraineeView& v,
                  const Taxonomy::Snapshot& taxonomy) {
  struct Item {
    std::string_view name;
    std::string unknown;  // the id, for a skill the taxonomy no longer has
    std::string_view level;
    std::string_view years;
    std::string_view key() const { return unknown.empty() ? name : std::string_view(unknown); }
  };
  std::vector<Item> items;
  std::size_t at_id = 0, at_level = 0, at_years = 0;
  while (at_id < v.skill_ids.size() && at_level < v.skill_levels.size()) {
    Item item;
    const auto id_text = next_item(v.skill_ids, at_id);
    item.level = next_item(v.skill_levels, at_level);
    item.years =
        at_years <= v.skill_years.size() ? next_item(v.skill_years, at_years) : std::string_view();
    int id = 0;
    std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (const auto* skill = taxonomy.by_id(id)) {
      item.name = skill->name;
    } else {
      item.unknown = std::to_string(id);
    }
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.key() < b.key(); });
  out.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out += "{\"level\":";
    out += items[i].level;
    out += ",\"skill\":";
    write_json_string(out, items[i].key());
    out += ",\"years\":";
    if (items[i].years.empty()) {
      out += "null";
    } else {
      write_json_double(out, items[i].years);
    }
    out.push_back('}');
  }
  out.push_back(']');
}

void write_certifications(std::string& out, std::string_view text) {
  if (text == "[]") {
    out += "[]";
    return;
  }
  // Rare and small: through the DOM, as trainee_json does.
  auto parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) {
    out += "[]";
  } else {
    out += parsed.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

}  // namespace

void write_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      if (!valid_utf8(s)) {
        out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
        return;
      }
      break;
    }
  }
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xF]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void write_json_double(std::string& out, std::string_view decimal_text) {
  double d = 0;
  const auto [end, ec] =
      std::from_chars(decimal_text.data(), decimal_text.data() + decimal_text.size(), d);
  if (ec != std::errc() || end != decimal_text.data() + decimal_text.size() || !std::isfinite(d)) {
    out += "null";
    return;
  }
  std::array<char, 64> buffer{};
  char* last = nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), d);
  out.append(buffer.data(), last);
}

// Keys in nlohmann's order (sorted), values in its formats: the same bytes as
// json_response(200, trainee_json(record, taxonomy)).
void write_trainee_body(std::string& out, const store::TraineeView& v,
                        const Taxonomy::Snapshot& taxonomy) {
  const bool personal = v.has_personal;
  auto personal_text = [&](const store::TraineeView::Text& t) {
    write_text(out, personal ? t : std::nullopt);
  };
  out += "{\"alias\":";
  write_json_string(out, v.alias);
  out += ",\"available_from\":";
  write_text(out, v.available_from);
  out += ",\"bill_rate_multiplier\":";
  if (v.bill_rate_multiplier) {
    write_json_double(out, *v.bill_rate_multiplier);
  } else {
    out += "null";
  }
  out += ",\"certifications\":";
  write_certifications(out, v.certifications);
  out += ",\"city\":";
  write_text(out, v.city);
  out += ",\"consent\":{\"matching\":";
  out += v.consent_matching ? "true" : "false";
  out += ",\"recorded_at\":";
  write_text(out, v.consent_recorded_at);
  out += ",\"share_with_firms_abroad\":";
  out += v.consent_share_abroad ? "true" : "false";
  out += "},\"country\":";
  write_text(out, v.country);
  out += ",\"created_at\":";
  write_json_string(out, v.created_at);
  out += ",\"district\":";
  personal_text(v.district);
  out += ",\"domains\":";
  write_lines(out, v.domains);
  out += ",\"email\":";
  personal_text(v.email);
  out += ",\"engagement\":";
  write_lines(out, v.engagement);
  out += ",\"expected_monthly_rate\":";
  if (v.rate_amount) {
    out += "{\"amount\":";
    write_json_double(out, *v.rate_amount);
    out += ",\"currency\":";
    write_text(out, v.rate_currency);
    out.push_back('}');
  } else {
    out += "null";
  }
  out += ",\"full_name\":";
  personal_text(v.full_name);
  out += ",\"gender\":";
  personal_text(v.gender);
  out += ",\"hours_per_week\":";
  write_integer(out, v.hours_per_week);
  out += ",\"id\":";
  write_json_string(out, v.id);
  out += ",\"languages\":{\"bjt_score\":";
  write_integer(out, v.bjt_score);
  out += ",\"english\":";
  write_text(out, v.english);
  out += ",\"japanese\":";
  write_text(out, v.japanese);
  out += ",\"japanese_certified\":";
  out += v.japanese_certified ? "true" : "false";
  out += ",\"japanese_exam_date\":";
  write_text(out, v.japanese_exam_date);
  out += "},\"organization_id\":";
  write_json_string(out, v.organization_id);
  out += ",\"phone\":";
  personal_text(v.phone);
  out += ",\"program\":";
  write_text(out, v.program);
  out += ",\"skills\":";
  write_skills(out, v, taxonomy);
  out += ",\"status\":";
  write_json_string(out, v.status);
  out += ",\"timezone\":";
  write_text(out, v.timezone);
  out += ",\"updated_at\":";
  write_json_string(out, v.updated_at);
  out += ",\"version\":";
  out += v.version;
  out += ",\"working_hours\":{\"days\":";
  write_lines(out, v.work_days);
  out += ",\"end\":";
  write_json_string(out, v.work_end);
  out += ",\"start\":";
  write_json_string(out, v.work_start);
  out += "}}";
}

}  // namespace kakehashi::api
