#include "api/matching_views.hpp"

#include <cmath>

#include "domain/levels.hpp"
#include "matching/features.hpp"
#include "matching/round.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

// The name of a level by its matcher ordinal (the domain's rank), if any.
template <class Level, std::size_t N>
json level_name(const std::array<Level, N>& all, std::int64_t ordinal) {
  if (ordinal < 0 || ordinal >= static_cast<std::int64_t>(N)) return nullptr;
  return std::string(domain::enum_name(all[static_cast<std::size_t>(ordinal)]));
}
json jlpt_name(std::int64_t ordinal) { return level_name(domain::kAllJlpt, ordinal); }
json cefr_name(std::int64_t ordinal) { return level_name(domain::kAllCefr, ordinal); }

std::string skill_name(const Taxonomy::Snapshot& t, matcher::SkillId id) {
  return id < t.skills.size() ? t.skills[id].name : std::to_string(id);
}

json evidence_json(const matcher::SkillEvidence& s, const Taxonomy::Snapshot& t) {
  json j = {{"skill", skill_name(t, s.required)},
            {"min_level", s.min_level},
            {"weight", s.weight},
            {"required", s.must_have},
            {"credit", s.credit},
            {"via", nullptr},
            {"level", nullptr},
            {"similarity", nullptr}};
  if (s.via) {
    j["via"] = skill_name(t, *s.via);
    j["level"] = s.level;
    j["similarity"] = s.similarity;
  }
  return j;
}

json reason_json(const matcher::Reason& r, const Taxonomy::Snapshot& t) {
  json j = {{"code", matcher::reason_name(r.code)}};
  switch (r.code) {
    case matcher::ReasonCode::kJapaneseBelowMinimum:
      j["required"] = jlpt_name(r.required);
      j["actual"] = jlpt_name(r.actual);
      break;
    case matcher::ReasonCode::kEnglishBelowMinimum:
      j["required"] = cefr_name(r.required);
      j["actual"] = cefr_name(r.actual);
      break;
    case matcher::ReasonCode::kOverlapBelowMinimum:  // minutes in the matcher, hours here
      j["required"] = static_cast<double>(r.required) / 60;
      j["actual"] = r.actual < 0 ? json(nullptr) : json(static_cast<double>(r.actual) / 60);
      break;
    case matcher::ReasonCode::kHoursBelowMinimum:
      j["required"] = r.required;
      j["actual"] = r.actual < 0 ? json(nullptr) : json(r.actual);
      break;
    case matcher::ReasonCode::kUnavailable:
    case matcher::ReasonCode::kAvailableTooLate:
      j["required"] = r.required == matcher::kUnknownDay
                          ? json(nullptr)
                          : json(matching::format_day(static_cast<matcher::Day>(r.required)));
      j["actual"] = r.actual == matcher::kUnknownDay
                        ? json(nullptr)
                        : json(matching::format_day(static_cast<matcher::Day>(r.actual)));
      break;
    case matcher::ReasonCode::kMissingMustHave:
      j["skill"] = r.skill ? json(skill_name(t, *r.skill)) : json(nullptr);
      j["required"] = r.required;
      j["actual"] = r.actual <= 0 ? json(nullptr) : json(r.actual);  // 0: the skill is absent
      break;
    default:
      j["required"] = r.required;
      j["actual"] = r.actual;
  }
  return j;
}

}  // namespace

json explanation_json(const matcher::Explanation& e, const Taxonomy::Snapshot& taxonomy) {
  json components = json::array();
  for (const auto& c : e.components) {
    components.push_back({{"name", matcher::component_name(c.component)},
                          {"weight", c.weight},
                          {"value", c.value},
                          {"contribution", c.contribution}});
  }
  json matched = json::array();
  for (const auto& s : e.matched) matched.push_back(evidence_json(s, taxonomy));
  json missing = json::array();
  for (const auto& s : e.missing) missing.push_back(evidence_json(s, taxonomy));
  json failed = json::array();
  for (const auto& r : e.reasons) failed.push_back(reason_json(r, taxonomy));
  return {{"eligible", e.eligible},    {"score", e.score},          {"components", components},
          {"matched_skills", matched}, {"missing_skills", missing}, {"failed_constraints", failed}};
}

json rate_band(const domain::Money& rate) {
  if (rate.amount <= 0) return {{"min", 0}, {"max", 0}, {"currency", rate.currency}};
  const double step = std::pow(10.0, std::floor(std::log10(rate.amount))) / 2;
  const double low = std::floor(rate.amount / step) * step;
  return {{"min", low}, {"max", low + step}, {"currency", rate.currency}};
}

json pseudonymous_trainee(const std::string& id, const std::string& alias,
                          const domain::TraineeProfile& p, const Taxonomy::Snapshot& taxonomy,
                          Multiplier salary) {
  json skills = json::array();
  for (const auto& s : p.skills) {
    const auto* row = taxonomy.by_id(s.skill_id);
    skills.push_back({{"skill", row ? row->name : s.skill},
                      {"level", s.level},
                      {"years", s.years ? json(*s.years) : json(nullptr)}});
  }
  auto opt = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  // Credentials are professional, not personal: name, year and whether the
  // training organization verified them; the JLPT exam by its year only.
  json credentials = json::array();
  const json certs = json::parse(p.certifications_json, nullptr, false);
  if (certs.is_array()) {
    for (const auto& c : certs) {
      if (!c.is_object() || !c.contains("name")) continue;
      credentials.push_back({{"name", c["name"]},
                             {"year", c.value("year", json(nullptr))},
                             {"verified", c.value("verified", false)}});
    }
  }
  json exam_year = nullptr;
  if (p.japanese_exam_date && p.japanese_exam_date->size() >= 4) {
    exam_year = std::stoi(p.japanese_exam_date->substr(0, 4));
  }
  return {{"id", id},
          {"alias", alias},
          {"country", opt(p.country)},
          {"city", opt(p.city)},
          {"timezone", opt(p.timezone)},
          {"skills", skills},
          {"languages",
           {{"japanese", opt(p.japanese)},
            {"english", opt(p.english)},
            {"japanese_certified", p.japanese_certified},
            {"japanese_exam_year", exam_year},
            {"bjt_score", p.bjt_score ? json(*p.bjt_score) : json(nullptr)}}},
          {"certifications", credentials},
          {"working_hours", {{"start", p.work_start}, {"end", p.work_end}, {"days", p.work_days}}},
          {"available_from", opt(p.available_from)},
          {"hours_per_week", p.hours_per_week ? json(*p.hours_per_week) : json(nullptr)},
          {"rate_band", p.expected_monthly_rate && salary == Multiplier::kShown
                            ? rate_band(*p.expected_monthly_rate)
                            : json(nullptr)},
          {"domains", p.domains},
          {"engagement", p.engagement}};
}

json project_summary(const domain::ProjectRecord& p) {
  const auto& d = p.data;
  return {{"id", p.id},
          {"organization_id", p.organization_id},
          {"title", d.title},
          {"domain", d.domain ? json(*d.domain) : json(nullptr)},
          {"headcount", d.headcount},
          {"start_date", d.start_date},
          {"duration_months", d.duration_months},
          {"japanese_min", d.japanese_min},
          {"english_min", d.english_min},
          {"engagement", d.engagement},
          {"status", d.status}};
}

json match_json(const store::MatchRow& m) {
  json j = {{"id", m.id},
            {"project_id", m.project_id},
            {"project_title", m.project_title},
            {"trainee_id", m.trainee_id},
            {"trainee_alias", m.trainee_alias},
            {"firm_id", m.firm_id},
            {"firm_name", m.firm_name},
            {"training_org_id", m.training_org_id},
            {"round_id", m.round_id ? json(*m.round_id) : json(nullptr)},
            {"role", m.role ? json(*m.role) : json(nullptr)},
            {"state", m.state},
            {"score", m.score ? json(*m.score) : json(nullptr)},
            {"version", m.version},
            {"created_at", m.created_at},
            {"updated_at", m.updated_at}};
  json offer = nullptr;
  if (m.offer_monthly_rate || m.offer_start_date) {
    offer = {
        {"monthly_rate", m.offer_monthly_rate ? json{{"amount", *m.offer_monthly_rate},
                                                     {"currency", m.offer_currency.value_or("")}}
                                              : json(nullptr)},
        {"start_date", m.offer_start_date ? json(*m.offer_start_date) : json(nullptr)}};
  }
  j["offer"] = std::move(offer);
  return j;
}

// The statistics a round reports, as stored and answered.
nlohmann::json round_statistics_json(const matching::RoundResult& r) {
  json by_reason = json::object();
  for (const auto& [reason, n] : r.unmatched_by_reason) by_reason[reason] = n;
  json unmatched = json::array();
  for (const auto& u : r.unmatched_listed) {
    unmatched.push_back({{"trainee_id", u.trainee_id}, {"alias", u.alias}, {"reason", u.reason}});
  }
  json unfilled = json::array();
  for (const auto& u : r.unfilled) {
    unfilled.push_back({{"project_id", u.project_id},
                        {"role", u.role.empty() ? json(nullptr) : json(u.role)},
                        {"title", u.title},
                        {"seats", u.seats},
                        {"reason", u.reason}});
  }
  json per_org = json::array();
  for (const auto& o : r.per_organization) {
    per_org.push_back(
        {{"organization_id", o.id},
         {"assigned", o.assigned},
         {"pool", o.pool},
         {"placement_rate",
          o.pool ? static_cast<double>(o.assigned) / static_cast<double>(o.pool) : 0.0}});
  }
  json out = {{"projects", r.projects},
              {"seats", r.seats},
              {"available_trainees", r.available_trainees},
              {"considered_trainees", r.considered_trainees},
              {"eligible_pairs", r.eligible_pairs},
              {"assigned", r.proposals.size()},
              {"unmatched",
               {{"count", r.unmatched},
                {"by_reason", by_reason},
                {"not_shortlisted", r.not_shortlisted},
                {"items", unmatched}}},
              {"unfilled_seats", r.unfilled_seats},
              {"unfilled", unfilled},
              {"total_score", r.total_score},
              {"mean_score", r.mean_score},
              {"per_organization", per_org},
              {"shortlist_passes", r.shortlist_passes}};
  if (r.stability_checked) {
    out["stability"] = {{"stable", r.stable},
                        {"blocking_pairs", r.blocking_pairs},
                        {"pairs_checked", r.stability_pairs_checked},
                        {"shortlisted_whole", r.shortlisted_whole}};
  }
  return out;
}

}  // namespace kakehashi::api
