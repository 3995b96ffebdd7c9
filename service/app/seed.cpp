#include "app/seed.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/routes.hpp"
#include "app/config.hpp"
#include "domain/levels.hpp"
#include "domain/principal.hpp"
#include "matcher/generator.hpp"
#include "store/database.hpp"
#include "store/preferences.hpp"
#include "store/pricing.hpp"
#include "store/registry.hpp"
#include "util/crypto.hpp"
#include "util/log.hpp"

namespace kakehashi::app {
namespace {

// The generator's six domain ids, by name.
constexpr const char* kDomains[] = {"manufacturing",       "automotive", "electronics",
                                    "precision_machinery", "logistics",  "systems_integration"};
std::string jlpt(int rank) { return std::string(domain::jlpt_name(domain::kAllJlpt.at(rank))); }
std::string cefr(int rank) { return std::string(domain::cefr_name(domain::kAllCefr.at(rank))); }
constexpr const char* kFirstNames[] = {"Rahim", "Karim",   "Nusrat", "Farhana", "Tanvir", "Sadia",
                                       "Imran", "Mithila", "Arif",   "Sumaiya", "Rafiq",  "Tasnim",
                                       "Hasan", "Jannat",  "Mahmud", "Ayesha",  "Shakil", "Rumana"};
constexpr const char* kLastNames[] = {"Uddin", "Rahman", "Hossain", "Islam", "Ahmed", "Chowdhury",
                                      "Akter", "Khan",   "Sarker",  "Begum", "Miah",  "Talukder"};

std::string day_text(matcher::Day d) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{d}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::vector<std::string> domain_names(std::uint64_t bits) {
  std::vector<std::string> out;
  for (int d = 0; d < 6; ++d) {
    if ((bits >> d) & 1U) out.emplace_back(kDomains[d]);
  }
  return out;
}

std::vector<std::string> engagement_names(std::uint8_t bits) {
  std::vector<std::string> out;
  if (bits & matcher::kOffshore) out.emplace_back("offshore");
  if (bits & matcher::kOnsiteJapan) out.emplace_back("onsite_japan");
  if (bits & matcher::kHybrid) out.emplace_back("hybrid");
  return out;
}

// `placed`: whether a trainee the generator marks placed is stored so. The
// demo says no: a placement is an approved match, and the demo has none (its
// programme report counted placements that no match explained); the synthetic
// load keeps the generator's mix, as its benchmarks were measured on it.
domain::TraineeProfile profile_of(const matcher::Trainee& t, const matcher::SkillGraph& graph,
                                  const std::vector<store::SkillRow>& skills, const char* city,
                                  bool placed = true) {
  domain::TraineeProfile p;
  p.country = "BD";
  p.city = city;
  p.timezone = "Asia/Dhaka";
  p.program = "Japan offshore AI programme, cohort 2026-" +
              std::string(1, static_cast<char>('A' + t.id % 3));
  for (const auto& s : t.skills) {
    const auto& name = graph.name(s.skill);
    for (const auto& row : skills) {
      if (row.name == name) {
        p.skills.push_back({row.id, row.name, s.level,
                            s.years > 0 ? std::optional<double>(s.years) : std::nullopt});
      }
    }
  }
  if (t.jlpt >= 0) p.japanese = jlpt(t.jlpt);
  if (t.cefr >= 0) p.english = cefr(t.cefr);
  if (t.available_from != matcher::kUnknownDay) p.available_from = day_text(t.available_from);
  if (t.hours_per_week > 0) p.hours_per_week = t.hours_per_week;
  // 希望月額給与: a monthly salary in taka, junior to senior (55k-175k BDT);
  // the academy's multiplier makes the bill rate a firm compares with 人月単価.
  if (t.expected_monthly_rate >= 0) {
    p.expected_monthly_rate =
        domain::Money{55'000.0 + static_cast<double>((t.id * 37) % 13) * 10'000.0, "BDT"};
  }
  // Working hours: most keep Dhaka's office week (Sunday to Thursday); some
  // teams serving Japan start early and work Japan's week; some are part-time.
  switch (t.id % 5) {
    case 0:
      p.work_days = {"sun", "mon", "tue", "wed", "thu"};
      p.hours_per_week.reset();
      break;
    case 1:
      p.work_start = "08:00";
      p.work_end = "17:00";
      p.hours_per_week.reset();
      break;
    case 2:
      p.work_start = "07:00";
      p.work_end = "16:00";
      p.hours_per_week.reset();
      break;
    case 3:
      p.work_start = "10:00";
      p.work_end = "15:00";
      p.work_days = {"sun", "mon", "tue", "wed", "thu"};
      p.hours_per_week = 25;
      break;
    default:
      p.hours_per_week.reset();
      break;
  }
  // Credentials Japanese firms look for, some verified by the academy.
  nlohmann::json certs = nlohmann::json::array();
  if (t.id % 4 == 0) {
    certs.push_back({{"name", "ITEE Fundamental Information Technology Engineer (FE)"},
                     {"year", 2024 + static_cast<int>(t.id % 2)},
                     {"verified", t.id % 8 == 0}});
  }
  if (t.id % 9 == 2) {
    certs.push_back({{"name", "ITPEC Applied Information Technology Engineer (AP)"},
                     {"year", 2025},
                     {"verified", true}});
  }
  if (t.id % 6 == 1) {
    certs.push_back({{"name", "AWS Certified Solutions Architect - Associate"},
                     {"year", 2025},
                     {"verified", false}});
  }
  p.certifications_json = certs.dump();
  // JLPT is held on the first Sunday of July and December.
  if (t.jlpt >= 2 && t.id % 2 == 0) {
    static constexpr const char* kExams[] = {"2024-12-01", "2025-07-06", "2025-12-07"};
    p.japanese_certified = true;
    p.japanese_exam_date = kExams[t.id % 3];
  }
  if (t.jlpt >= 4 && t.id % 3 == 0) p.bjt_score = 420 + static_cast<int>(t.id % 150);
  p.domains = domain_names(t.domains);
  p.engagement = engagement_names(t.engagement);
  p.consent_matching = t.consent_matching;
  p.consent_share_abroad = t.consent_matching && t.id % 10 != 0;
  p.status = placed && t.status != matcher::TraineeStatus::kActive ? "placed" : "active";
  return p;
}

// Demo projects a Japanese firm would recognise: skills that fit the title,
// 人月単価 (a monthly budget per person) in yen.
struct DemoSkill {
  const char* name;
  int min_level;
  int weight;
  bool must_have;
};
struct DemoProject {
  const char* title;
  const char* domain;
  std::vector<DemoSkill> skills;
  double budget_min, budget_max;  // JPY per person-month
  const char* japanese_min;       // nullptr: the generator's
  double min_overlap_hours;
};
const std::vector<DemoProject>& demo_projects() {
  static const std::vector<DemoProject> kProjects = {
      {"外観検査AI（切削部品） / Visual inspection AI for machined parts",
       "precision_machinery",
       {{"Computer Vision", 3, 5, true},
        {"PyTorch", 3, 4, true},
        {"OpenCV", 3, 3, false},
        {"Python", 3, 3, false}},
       300'000,
       450'000,
       nullptr,
       4},
      {"プレスライン予知保全 / Predictive maintenance for press lines",
       "automotive",
       {{"Predictive Maintenance", 3, 5, true},
        {"Time-Series Forecasting", 3, 4, false},
        {"Python", 3, 3, false},
        {"SQL", 2, 2, false}},
       280'000,
       420'000,
       nullptr,
       3},
      {"MESデータ基盤とダッシュボード / MES data pipeline and dashboards",
       "manufacturing",
       {{"SQL", 3, 5, true},
        {"Python", 3, 3, false},
        {"Docker", 2, 2, false},
        {"React", 2, 3, false}},
       250'000,
       380'000,
       nullptr,
       3},
      {"部品物流の需要予測 / Demand forecasting for parts logistics",
       "logistics",
       {{"Time-Series Forecasting", 3, 5, true},
        {"Machine Learning", 3, 4, false},
        {"Python", 3, 3, false},
        {"Data Analysis", 3, 3, false}},
       280'000,
       420'000,
       nullptr,
       3},
      {"工場IoTゲートウェイ（OPC UA・MQTT） / Factory IoT gateway (OPC UA, MQTT)",
       "electronics",
       {{"OPC UA", 3, 5, true}, {"MQTT", 3, 4, true}, {"C++", 3, 3, false}, {"Linux", 3, 3, false}},
       300'000,
       480'000,
       nullptr,
       4},
      {"ブリッジSE（オフショア開発窓口） / Bridge SE for an offshore team",
       "systems_integration",
       {{"Java", 3, 3, false}, {"SQL", 2, 2, false}, {"Git", 2, 2, false}},
       450'000,
       650'000,
       "N2",
       5},
      {"社内Webアプリ保守 / In-house web application maintenance",
       "systems_integration",
       {{"TypeScript", 3, 4, true},
        {"React", 3, 4, false},
        {"JavaScript", 3, 3, false},
        {"AWS", 2, 2, false}},
       220'000,
       350'000,
       nullptr,
       2},
      {"AWSへのクラウド移行支援 / Cloud migration to AWS",
       "systems_integration",
       {{"AWS", 3, 5, true},
        {"Docker", 3, 4, false},
        {"Kubernetes", 2, 3, false},
        {"Linux", 3, 3, false}},
       300'000,
       450'000,
       nullptr,
       3}};
  return kProjects;
}

domain::ProjectData project_of(const matcher::Project& g, const matcher::SkillGraph& graph,
                               const std::vector<store::SkillRow>& skills, const std::string& title,
                               const DemoProject* demo = nullptr) {
  domain::ProjectData d;
  d.title = demo ? std::string(demo->title) : title;
  d.description =
      "Offshore engagement with a team in Japan; weekly reviews in Japanese and English.";
  d.domain = demo ? demo->domain : kDomains[g.domain % 6];
  if (demo) {
    for (const auto& s : demo->skills) {
      for (const auto& row : skills) {
        if (row.name == s.name)
          d.skills.push_back({row.id, row.name, s.min_level, s.weight, s.must_have});
      }
    }
  } else {
    for (const auto& s : g.skills) {
      for (const auto& row : skills) {
        if (row.name == graph.name(s.skill))
          d.skills.push_back({row.id, row.name, s.min_level, s.weight, s.must_have});
      }
    }
  }
  d.japanese_min = jlpt(g.jlpt_min);
  d.english_min = cefr(g.cefr_min);
  d.headcount = g.headcount;
  d.start_date = day_text(g.start);
  d.duration_months = g.duration_months;
  d.budget_min = g.budget_min;
  d.budget_max = g.budget_max;
  d.budget_currency = "USD";
  d.overlap_hours_jst = g.overlap_hours_jst;
  if (demo) {
    d.budget_min = demo->budget_min;
    d.budget_max = demo->budget_max;
    d.budget_currency = "JPY";
    if (demo->japanese_min) d.japanese_min = demo->japanese_min;
    d.min_overlap_hours_jst = demo->min_overlap_hours;
    d.overlap_hours_jst = std::max(d.overlap_hours_jst, demo->min_overlap_hours);
    d.hours_per_week = 40;
    d.min_hours_per_week = g.id % 3 == 0 ? 20 : 0;
  }
  d.engagement = g.engagement == matcher::kOffshore ? "offshore"
                 : g.engagement == matcher::kHybrid ? "hybrid"
                                                    : "onsite_japan";
  d.status = "open";
  return d;
}

std::string issue_key(store::Tx& c, const store::OrganizationRow& org, const std::string& label) {
  const auto key = api::generate_key();
  store::insert_api_key(c, org.id, std::string(domain::role_name(*domain::role_for_kind(org.kind))),
                        label, key.prefix, key.sha256);
  return key.secret;
}

store::OrganizationRow find_or_create(store::Tx& c, const std::string& name,
                                      const std::string& kind, const std::string& country) {
  if (auto found = store::find_organization_by_name(c, name)) return *found;
  return store::insert_organization(c, name, kind, country);
}

// A required skill by its canonical name, if the taxonomy has it.
void add_skill(std::vector<domain::ProjectSkill>& out, const std::vector<store::SkillRow>& skills,
               const std::string& name, int min_level, int weight, bool required) {
  for (const auto& row : skills) {
    if (row.name == name) out.push_back({row.id, row.name, min_level, weight, required});
  }
}

// Issue 15's teams: a bridge SE with JLPT N2 and business English plus ML
// engineers who need no Japanese; and wishes: the trainees with N2 or better
// want the bridge roles, and some trainees refuse a project.
void seed_teams(store::Tx& c, const std::vector<store::SkillRow>& skills,
                const std::string& vision_firm, const std::string& si_firm,
                const std::vector<std::pair<std::string, const matcher::Trainee*>>& trainees,
                const std::vector<std::string>& projects) {
  auto team = [&](const std::string& firm, const std::string& title, const std::string& second_key,
                  const std::string& second_title, int second_seats,
                  std::vector<domain::ProjectSkill> second_skills) {
    domain::ProjectData d;
    d.title = title;
    d.description =
        "A team: one bridge SE who runs the daily stand-up with the Japanese side, and "
        "engineers who build the system in English.";
    d.domain = "manufacturing";
    add_skill(d.skills, skills, "Python", 3, 3, true);
    d.start_date = "2027-04-01";
    d.duration_months = 12;
    // 人月単価 in yen (per person-month, for every seat of the team).
    d.budget_min = 450'000;
    d.budget_max = 650'000;
    d.budget_currency = "JPY";
    d.overlap_hours_jst = 3;
    d.status = "open";
    domain::ProjectRole bridge;
    bridge.key = "bridge_se";
    bridge.title = "Bridge SE (ブリッジSE)";
    bridge.headcount = 1;
    bridge.japanese_min = "N2";
    bridge.english_min = "B2";
    domain::ProjectRole second;
    second.key = second_key;
    second.title = second_title;
    second.headcount = second_seats;
    second.skills = std::move(second_skills);
    d.roles = {bridge, second};
    d.headcount = 1 + second_seats;
    return store::insert_project(c, firm, d);
  };
  std::vector<domain::ProjectSkill> ml;
  add_skill(ml, skills, "PyTorch", 3, 5, true);
  add_skill(ml, skills, "Computer Vision", 3, 4, false);
  const auto vision = team(
      vision_firm,
      "外観検査AIチーム（ブリッジSE＋MLエンジニア4名） / Visual inspection team (bridge SE + 4 ML "
      "engineers)",
      "ml_engineer", "ML engineer (MLエンジニア)", 4, ml);
  std::vector<domain::ProjectSkill> backend;
  add_skill(backend, skills, "SQL", 3, 4, true);
  add_skill(backend, skills, "Docker", 2, 3, false);
  const auto mes =
      team(si_firm,
           "MES刷新チーム（ブリッジSE＋エンジニア2名） / MES modernisation team (bridge SE + 2 "
           "engineers)",
           "backend_engineer", "Backend engineer (バックエンドエンジニア)", 2, backend);
  for (std::size_t i = 0; i < trainees.size(); ++i) {
    const auto& [id, t] = trainees[i];
    domain::TraineePreferences wishes;
    wishes.trainee_id = id;
    if (t->jlpt >= 4) {  // N2 or N1: the bridge roles, the vision team's first
      wishes.wanted = {{vision, "bridge_se"}, {mes, "bridge_se"}};
    }
    if (i % 9 == 0 && !projects.empty()) wishes.refused = {{projects[i % projects.size()], ""}};
    if (!wishes.wanted.empty() || !wishes.refused.empty()) store::replace_preferences(c, wishes);
  }
}

int seed_demo(store::Database& db) {
  const auto graph = matcher::default_skill_graph();
  const auto inst = matcher::generate(
      *graph, {.trainees = 200, .projects = 25, .seed = 2026, .organizations = 3, .firms = 5});
  struct Org {
    const char* name;
    const char* kind;
    const char* country;
    const char* city;
  };
  const Org academies[] = {
      {"Dhaka AI Academy", "training_provider", "BD", "Dhaka"},
      {"Chattogram Software Institute", "training_provider", "BD", "Chattogram"},
      {"Sylhet Tech Bridge", "training_provider", "BD", "Sylhet"}};
  const Org firms[] = {{"Toyoda Auto Parts", "firm", "JP", "Aichi"},
                       {"Kansai Electronics", "firm", "JP", "Osaka"},
                       {"Nagano Precision Machinery", "firm", "JP", "Nagano"},
                       {"Kanto Logistics", "firm", "JP", "Saitama"},
                       {"Sakura Systems Integration", "firm", "JP", "Tokyo"}};
  // Each academy's salary-to-bill-rate multiplier (overhead and margin).
  const double multipliers[] = {2.8, 2.5, 2.2};
  std::vector<std::pair<std::string, std::string>> keys;
  db.transact_sync([&](store::Tx& c) {
    const auto skills = store::load_skills(c);
    const auto office = store::programme_office(c);
    keys.emplace_back(office.name + " (admin)", issue_key(c, office, "demo"));
    bool fresh = false;
    std::vector<store::OrganizationRow> academy_rows, firm_rows;
    for (const auto& o : academies) {
      fresh = fresh || !store::find_organization_by_name(c, o.name);
    }
    for (const auto& o : academies)
      academy_rows.push_back(find_or_create(c, o.name, o.kind, o.country));
    for (const auto& o : firms) firm_rows.push_back(find_or_create(c, o.name, o.kind, o.country));
    for (const auto& o : academy_rows) keys.emplace_back(o.name, issue_key(c, o, "demo"));
    for (std::size_t i = 0; i < academy_rows.size(); ++i) {
      store::update_organization_pricing(c, academy_rows[i].id, "BDT", multipliers[i]);
    }
    for (const auto& o : firm_rows) keys.emplace_back(o.name, issue_key(c, o, "demo"));
    if (!fresh) return;  // the demo data is there already
    std::vector<std::pair<std::string, const matcher::Trainee*>> trainee_ids;
    for (const auto& t : inst.trainees) {
      const std::size_t org = (t.organization_id - 1) % 3;
      domain::PersonalData personal;
      const std::string first = kFirstNames[t.id % std::size(kFirstNames)];
      const std::string last = kLastNames[(t.id / 7) % std::size(kLastNames)];
      personal.full_name = first + " " + last;
      personal.email = first + "." + last + "." + std::to_string(t.id) + "@example.com";
      for (auto& ch : personal.email)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      trainee_ids.emplace_back(
          store::insert_trainee(c, academy_rows[org].id, personal,
                                profile_of(t, *graph, skills, academies[org].city, false)),
          &t);
    }
    // Each firm's k-th project takes the (firm + k)-th kind, so no firm posts
    // two projects of one title (a trainee's opportunities showed a firm's
    // "same" project twice); a ninth one of a firm is a second phase, and so on.
    std::vector<std::string> project_ids;
    std::array<std::size_t, 5> posted{};
    for (const auto& p : inst.projects) {
      const std::size_t firm = (p.firm_id - 1) % 5;
      const std::size_t k = posted[firm]++;
      const auto& demo = demo_projects()[(firm + k) % demo_projects().size()];
      auto data = project_of(p, *graph, skills, "", &demo);
      if (const std::size_t phase = k / demo_projects().size() + 1; phase > 1) {
        data.title += "（第" + std::to_string(phase) + "期） / phase " + std::to_string(phase);
      }
      project_ids.push_back(store::insert_project(c, firm_rows[firm].id, data));
    }
    seed_teams(c, skills, firm_rows[0].id, firm_rows[4].id, trainee_ids, project_ids);
  });
  std::cout << "Demo API keys (shown once):\n";
  for (const auto& [name, key] : keys) std::cout << "  " << name << ": " << key << "\n";
  return 0;
}

int seed_synthetic(store::Database& db, std::size_t trainees, std::size_t projects,
                   std::uint64_t seed_value) {
  const auto graph = matcher::default_skill_graph();
  const auto started = std::chrono::steady_clock::now();
  const auto inst = matcher::generate(*graph, {.trainees = trainees,
                                               .projects = projects,
                                               .seed = seed_value,
                                               .organizations = 3,
                                               .firms = 5});
  db.transact_sync([&](store::Tx& t) {
    const auto skills = store::load_skills(t);
    std::vector<store::OrganizationRow> orgs, firms;
    for (int i = 1; i <= 3; ++i)
      orgs.push_back(
          find_or_create(t, "Synthetic Academy " + std::to_string(i), "training_provider", "BD"));
    for (int i = 1; i <= 5; ++i)
      firms.push_back(find_or_create(t, "Synthetic Firm " + std::to_string(i), "firm", "JP"));
    // One COPY per academy, through the same repository as an import.
    std::vector<std::vector<store::NewTrainee>> rows(orgs.size());
    for (const auto& tr : inst.trainees) {
      store::NewTrainee row;
      row.personal.full_name = "Synthetic Trainee " + std::to_string(tr.id);
      row.personal.email =
          "synthetic." + std::to_string(seed_value) + "." + std::to_string(tr.id) + "@example.com";
      row.profile = profile_of(tr, *graph, skills, "Dhaka");
      rows[(tr.organization_id - 1) % orgs.size()].push_back(std::move(row));
    }
    for (std::size_t i = 0; i < orgs.size(); ++i) store::copy_trainees(t, orgs[i].id, rows[i]);
    for (const auto& p : inst.projects) {
      store::insert_project(
          t, firms[(p.firm_id - 1) % 5].id,
          project_of(p, *graph, skills, "Synthetic project " + std::to_string(p.id)));
    }
  });
  db.read_sync([](store::Tx& t) { store::analyze_trainees(t); });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  util::log("info", "synthetic data loaded",
            {{"trainees", trainees}, {"projects", projects}, {"seconds", seconds}});
  return 0;
}

// A count on the command line: digits only, at most ten million (std::stoul
// read "-1" as 2^64 - 1, and the seed then failed in vector::reserve).
std::size_t count_argument(const std::string& text) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n > 10'000'000) {
    throw std::invalid_argument("not a count");
  }
  return n;
}

}  // namespace

int seed(const std::vector<std::string>& args) {
  bool demo = false;
  bool synthetic = false;
  std::size_t trainees = 100'000;
  std::size_t projects = 2'000;
  std::uint64_t seed_value = 1;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    try {
      if (args[i] == "--demo") {
        demo = true;
      } else if (args[i] == "--synthetic") {
        synthetic = true;
      } else if (args[i] == "--trainees" && has_value) {
        trainees = count_argument(args[++i]);
      } else if (args[i] == "--projects" && has_value) {
        projects = count_argument(args[++i]);
      } else if (args[i] == "--seed" && has_value) {
        seed_value = std::stoull(args[++i]);
      } else {
        rest.push_back(args[i]);
      }
    } catch (const std::exception&) {
      std::cerr << "kakehashi: " << args[i - 1]
                << " needs a whole number (counts: 0 to 10000000)\n";
      return 2;
    }
  }
  if (demo == synthetic) {
    std::cerr << "kakehashi: usage: kakehashi seed --demo | --synthetic [--trainees N] [--projects "
                 "M] [--seed S]\n";
    return 2;
  }
  auto parsed = parse_config(rest, process_env);
  for (const auto& e : parsed.errors) std::cerr << "kakehashi: " << e << "\n";
  if (!parsed.errors.empty()) return 2;
  try {
    store::Database db(store::DatabaseOptions{.url = parsed.config.database_url,
                                              .pool_size = 1,
                                              .statement_timeout = std::chrono::minutes(10),
                                              .connect_timeout = parsed.config.connect_timeout,
                                              // Seeded contacts are fingerprinted as the
                                              // service's are (the duplicates across
                                              // organizations), when the key is set.
                                              .contact_key = parsed.config.contact_hash_key},
                       store::registry_statements());
    return demo ? seed_demo(db) : seed_synthetic(db, trainees, projects, seed_value);
  } catch (const std::exception& e) {
    std::cerr << "kakehashi: seed failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace kakehashi::app
