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
std::optional<std::string_view> level_name(const std::array<Level, N>& all, std::int64_t ordinal) {
  if (ordinal < 0 || ordinal >= static_cast<std::int64_t>(N)) return std::nullopt;
  return domain::enum_name(all[static_cast<std::size_t>(ordinal)]);
}
std::optional<std::string_view> jlpt_name(std::int64_t ordinal) {
  return level_name(domain::kAllJlpt, ordinal);
}
std::optional<std::string_view> cefr_name(std::int64_t ordinal) {
  return level_name(domain::kAllCefr, ordinal);
}

std::string skill_name(const Taxonomy::Snapshot& t, matcher::SkillId id) {
  return id < t.skills.size() ? t.skills[id].name : std::to_string(id);
}

// Members in nlohmann's (sorted) order, so that a page reads as it did when
// it was built as a tree.
void write_evidence(JsonWriter& w, const matcher::SkillEvidence& s, const Taxonomy::Snapshot& t) {
  w.begin_object().member("credit", s.credit);
  if (s.via) {
    w.member("level", s.level);
  } else {
    w.member("level", nullptr);
  }
  w.member("min_level", s.min_level).member("required", s.must_have);
  if (s.via) {
    w.member("similarity", s.similarity);
  } else {
    w.member("similarity", nullptr);
  }
  w.member("skill", skill_name(t, s.required));
  if (s.via) {
    w.member("via", skill_name(t, *s.via));
  } else {
    w.member("via", nullptr);
  }
  w.member("weight", s.weight).end_object();
}

void write_reason(JsonWriter& w, const matcher::Reason& r, const Taxonomy::Snapshot& t) {
  const auto day = [](std::int64_t d) {
    return d == matcher::kUnknownDay
               ? std::nullopt
               : std::optional<std::string>(matching::format_day(static_cast<matcher::Day>(d)));
  };
  w.begin_object();
  switch (r.code) {
    case matcher::ReasonCode::kJapaneseBelowMinimum:
      w.member("actual", jlpt_name(r.actual)).member("code", matcher::reason_name(r.code));
      w.member("required", jlpt_name(r.required));
      break;
    case matcher::ReasonCode::kEnglishBelowMinimum:
      w.member("actual", cefr_name(r.actual)).member("code", matcher::reason_name(r.code));
      w.member("required", cefr_name(r.required));
      break;
    case matcher::ReasonCode::kOverlapBelowMinimum:  // minutes in the matcher, hours here
      w.member("actual", r.actual < 0 ? std::nullopt
                                      : std::optional<double>(static_cast<double>(r.actual) / 60));
      w.member("code", matcher::reason_name(r.code));
      w.member("required", static_cast<double>(r.required) / 60);
      break;
    case matcher::ReasonCode::kHoursBelowMinimum:
      w.member("actual", r.actual < 0 ? std::nullopt : std::optional<std::int64_t>(r.actual));
      w.member("code", matcher::reason_name(r.code)).member("required", r.required);
      break;
    case matcher::ReasonCode::kUnavailable:
    case matcher::ReasonCode::kAvailableTooLate:
      w.member("actual", day(r.actual)).member("code", matcher::reason_name(r.code));
      w.member("required", day(r.required));
      break;
    case matcher::ReasonCode::kMissingMustHave:  // actual 0: the skill is absent
      w.member("actual", r.actual <= 0 ? std::nullopt : std::optional<std::int64_t>(r.actual));
      w.member("code", matcher::reason_name(r.code)).member("required", r.required);
      if (r.skill) {
        w.member("skill", skill_name(t, *r.skill));
      } else {
        w.member("skill", nullptr);
      }
      break;
    default:
      w.member("actual", r.actual).member("code", matcher::reason_name(r.code));
      w.member("required", r.required);
  }
  w.end_object();
}

void write_rate_band(JsonWriter& w, const domain::Money& rate) {
  w.begin_object();
  if (rate.amount <= 0) {
    w.member("currency", rate.currency).member("max", 0).member("min", 0);
  } else {
    const double step = std::pow(10.0, std::floor(std::log10(rate.amount))) / 2;
    const double low = std::floor(rate.amount / step) * step;
    w.member("currency", rate.currency).member("max", low + step).member("min", low);
  }
  w.end_object();
}

}  // namespace

void write_explanation_members(JsonWriter& w, const matcher::Explanation& e,
                               const Taxonomy::Snapshot& taxonomy) {
  w.key("components").begin_array();
  for (const auto& c : e.components) {
    w.begin_object()
        .member("contribution", c.contribution)
        .member("name", matcher::component_name(c.component))
        .member("value", c.value)
        .member("weight", c.weight)
        .end_object();
  }
  w.end_array().member("eligible", e.eligible).key("failed_constraints").begin_array();
  for (const auto& r : e.reasons) write_reason(w, r, taxonomy);
  w.end_array().key("matched_skills").begin_array();
  for (const auto& s : e.matched) write_evidence(w, s, taxonomy);
  w.end_array().key("missing_skills").begin_array();
  for (const auto& s : e.missing) write_evidence(w, s, taxonomy);
  w.end_array().member("score", e.score);
}

std::string explanation_text(const matcher::Explanation& e, const Taxonomy::Snapshot& taxonomy) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  write_explanation_members(w, e, taxonomy);
  w.end_object();
  return out;
}

json explanation_json(const matcher::Explanation& e, const Taxonomy::Snapshot& taxonomy) {
  return json::parse(explanation_text(e, taxonomy));
}

json rate_band(const domain::Money& rate) {
  std::string out;
  JsonWriter w(out);
  write_rate_band(w, rate);
  return json::parse(out);
}

void write_pseudonymous_trainee(JsonWriter& w, std::string_view id, std::string_view alias,
                                const domain::TraineeProfile& p, const Taxonomy::Snapshot& taxonomy,
                                Multiplier salary) {
  w.begin_object().member("alias", alias).key("available_from").value(p.available_from);
  // Credentials are professional, not personal: name, year and whether the
  // training organization verified them; the JLPT exam by its year only.
  w.key("certifications").begin_array();
  if (p.certifications_json != "[]") {
    const json certs = json::parse(p.certifications_json, nullptr, false);
    if (certs.is_array()) {
      for (const auto& c : certs) {
        if (!c.is_object() || !c.contains("name")) continue;
        const json year = c.value("year", json(nullptr));
        const json verified = c.value("verified", false);
        w.begin_object()
            .key("name")
            .raw(c["name"].dump(-1, ' ', false, json::error_handler_t::replace))
            .key("verified")
            .raw(verified.dump(-1, ' ', false, json::error_handler_t::replace))
            .key("year")
            .raw(year.dump(-1, ' ', false, json::error_handler_t::replace))
            .end_object();
      }
    }
  }
  w.end_array();
  w.member("city", p.city).member("country", p.country).member("domains", p.domains);
  w.member("engagement", p.engagement).member("hours_per_week", p.hours_per_week);
  w.member("id", id).key("languages").begin_object();
  w.member("bjt_score", p.bjt_score).member("english", p.english);
  w.member("japanese", p.japanese).member("japanese_certified", p.japanese_certified);
  if (p.japanese_exam_date && p.japanese_exam_date->size() >= 4) {
    w.member("japanese_exam_year", std::stoi(p.japanese_exam_date->substr(0, 4)));
  } else {
    w.member("japanese_exam_year", nullptr);
  }
  w.end_object().key("rate_band");
  if (p.expected_monthly_rate && salary == Multiplier::kShown) {
    write_rate_band(w, *p.expected_monthly_rate);
  } else {
    w.value(nullptr);
  }
  w.key("skills").begin_array();
  for (const auto& s : p.skills) {
    const auto* row = taxonomy.by_id(s.skill_id);
    w.begin_object()
        .member("level", s.level)
        .member("skill", row ? row->name : s.skill)
        .member("years", s.years)
        .end_object();
  }
  w.end_array().member("timezone", p.timezone).key("working_hours").begin_object();
  w.member("days", p.work_days).member("end", p.work_end).member("start", p.work_start);
  w.end_object().end_object();
}

json pseudonymous_trainee(const std::string& id, const std::string& alias,
                          const domain::TraineeProfile& p, const Taxonomy::Snapshot& taxonomy,
                          Multiplier salary) {
  std::string out;
  JsonWriter w(out);
  write_pseudonymous_trainee(w, id, alias, p, taxonomy, salary);
  return json::parse(out);
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
