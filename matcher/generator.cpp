#include "matcher/generator.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace kakehashi::matcher {

std::shared_ptr<SkillGraph> default_skill_graph() {
  auto g = std::make_shared<SkillGraph>();
  // Canonical skills, most popular first (popularity follows this order).
  const char* skills[] = {"Python",
                          "SQL",
                          "Git",
                          "Linux",
                          "Machine Learning",
                          "Java",
                          "JavaScript",
                          "C++",
                          "PyTorch",
                          "TensorFlow",
                          "Docker",
                          "Computer Vision",
                          "Data Analysis",
                          "AWS",
                          "React",
                          "Time-Series Forecasting",
                          "MLOps",
                          "Kubernetes",
                          "C",
                          "Natural Language Processing",
                          "Azure",
                          "Google Cloud",
                          "TypeScript",
                          "Go",
                          "Predictive Maintenance",
                          "OpenCV",
                          "MQTT",
                          "OPC UA",
                          "PLC/SCADA Integration",
                          "Embedded C",
                          "ROS",
                          "Japanese Business Communication",
                          "Rust",
                          "Spark",
                          "scikit-learn",
                          "Kotlin",
                          "Edge AI",
                          "Digital Twin",
                          "Quality Inspection AI",
                          "LLM Apps"};
  for (const char* s : skills) g->add_skill(s);
  auto id = [&](const char* name) { return *g->resolve(name); };
  const std::pair<const char*, const char*> aliases[] = {
      {"torch", "PyTorch"},
      {"tf", "TensorFlow"},
      {"py", "Python"},
      {"python3", "Python"},
      {"cpp", "C++"},
      {"c plus plus", "C++"},
      {"js", "JavaScript"},
      {"ts", "TypeScript"},
      {"k8s", "Kubernetes"},
      {"ml", "Machine Learning"},
      {"cv", "Computer Vision"},
      {"nlp", "Natural Language Processing"},
      {"gcp", "Google Cloud"},
      {"amazon web services", "AWS"},
      {"golang", "Go"},
      {"sklearn", "scikit-learn"},
      {"opcua", "OPC UA"},
      {"plc", "PLC/SCADA Integration"},
      {"scada", "PLC/SCADA Integration"},
      {"business japanese", "Japanese Business Communication"},
      {"reactjs", "React"},
      {"postgresql", "SQL"},
      {"forecasting", "Time-Series Forecasting"}};
  for (const auto& [alias, name] : aliases) g->add_alias(alias, id(name));
  const std::tuple<const char*, const char*, double> related[] = {
      {"PyTorch", "TensorFlow", 0.8},
      {"Machine Learning", "scikit-learn", 0.7},
      {"Computer Vision", "OpenCV", 0.7},
      {"Computer Vision", "Quality Inspection AI", 0.6},
      {"AWS", "Azure", 0.6},
      {"AWS", "Google Cloud", 0.6},
      {"Azure", "Google Cloud", 0.6},
      {"Docker", "Kubernetes", 0.5},
      {"MLOps", "Docker", 0.4},
      {"MLOps", "Kubernetes", 0.4},
      {"JavaScript", "TypeScript", 0.8},
      {"C", "C++", 0.6},
      {"C", "Embedded C", 0.8},
      {"Java", "Kotlin", 0.7},
      {"MQTT", "OPC UA", 0.5},
      {"OPC UA", "PLC/SCADA Integration", 0.6},
      {"Predictive Maintenance", "Time-Series Forecasting", 0.6},
      {"Natural Language Processing", "LLM Apps", 0.6},
      {"Edge AI", "Computer Vision", 0.4},
      {"Digital Twin", "PLC/SCADA Integration", 0.4},
      {"Data Analysis", "SQL", 0.4},
      {"Spark", "Data Analysis", 0.5}};
  for (const auto& [a, b, s] : related) g->add_related(id(a), id(b), s);
  return g;
}

Instance generate(const SkillGraph& graph, const GeneratorOptions& o) {
  std::mt19937_64 rng(o.seed);
  const auto n_skills = static_cast<double>(graph.size());
  // Zipf-like popularity over the taxonomy order.
  std::vector<double> popularity;
  for (std::size_t i = 0; i < graph.size(); ++i)
    popularity.push_back(1.0 / std::pow(static_cast<double>(i) + 1.0, 0.9));
  std::discrete_distribution<std::size_t> pick_skill(popularity.begin(), popularity.end());
  std::uniform_real_distribution<double> unit(0, 1);
  auto pick_distinct = [&](std::size_t count) {
    std::vector<SkillId> out;
    for (std::size_t guard = 0; out.size() < count && guard < 100; ++guard) {
      const auto s = static_cast<SkillId>(pick_skill(rng));
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    return out;
  };
  (void)n_skills;
  // UTC offsets of Bangladesh, India, Nepal, Vietnam, Indonesia, Philippines, Kenya, Nigeria.
  const std::int16_t offsets[] = {360, 360, 360, 360, 330, 345, 420, 420, 480, 180, 60};
  Instance inst;
  inst.trainees.reserve(o.trainees);
  for (std::size_t i = 0; i < o.trainees; ++i) {
    Trainee t;
    t.id = i + 1;
    t.organization_id = 1 + (rng() % std::max<std::size_t>(1, o.organizations));
    const std::size_t n = 2 + rng() % 6;
    for (SkillId s : pick_distinct(n)) {
      const auto level =
          static_cast<std::uint8_t>(1 + std::min<std::uint64_t>(4, rng() % 5 + rng() % 2));
      t.skills.push_back({s, level, static_cast<float>(std::round(unit(rng) * 60) / 10)});
    }
    const double j = unit(rng);  // JLPT: mostly N5-N3, a few N2, rare N1
    t.jlpt = j < 0.08   ? kUnknownLevel
             : j < 0.18 ? kJlptNone
             : j < 0.45 ? 1
             : j < 0.72 ? 2
             : j < 0.92 ? 3
             : j < 0.99 ? 4
                        : 5;
    t.cefr = static_cast<std::int8_t>(unit(rng) < 0.05 ? kUnknownLevel : 2 + rng() % 4);
    t.utc_offset_minutes = unit(rng) < 0.03 ? kUnknownOffset : offsets[rng() % std::size(offsets)];
    t.available_from = unit(rng) < 0.05 ? kUnknownDay : o.today + static_cast<Day>(rng() % 150);
    t.hours_per_week = 20 + static_cast<std::int32_t>(rng() % 5) * 5;
    t.expected_monthly_rate =
        unit(rng) < 0.05 ? kUnknownAmount : 800 + static_cast<std::int32_t>(rng() % 2400);
    t.domains = (1ULL << (rng() % 6)) | (unit(rng) < 0.4 ? (1ULL << (rng() % 6)) : 0);
    t.engagement = unit(rng) < 0.1
                       ? 0
                       : static_cast<std::uint8_t>(kOffshore | (unit(rng) < 0.3 ? kHybrid : 0) |
                                                   (unit(rng) < 0.2 ? kOnsiteJapan : 0));
    t.consent_matching = unit(rng) < 0.95;
    t.status = unit(rng) < 0.97 ? TraineeStatus::kActive : TraineeStatus::kPlaced;
    inst.trainees.push_back(std::move(t));
  }
  for (std::size_t i = 0; i < o.projects; ++i) {
    Project p;
    p.id = i + 1;
    p.firm_id = 1 + (rng() % std::max<std::size_t>(1, o.firms));
    const std::size_t n = 2 + rng() % 4;
    bool first = true;
    for (SkillId s : pick_distinct(n)) {
      RequiredSkill r;
      r.skill = s;
      r.min_level = static_cast<std::uint8_t>(2 + rng() % 3);
      r.weight = static_cast<std::uint8_t>(1 + rng() % 5);
      r.must_have = first && unit(rng) < 0.6;
      first = false;
      p.skills.push_back(r);
    }
    const double j = unit(rng);
    p.jlpt_min = j < 0.35 ? kJlptNone : j < 0.7 ? 1 : j < 0.9 ? 2 : 3;
    p.cefr_min = unit(rng) < 0.5 ? kCefrNone : 2;
    p.headcount = 1 + static_cast<std::int32_t>(rng() % 3);
    p.start = o.today + static_cast<Day>(30 + rng() % 120);
    p.duration_months = 3 + static_cast<std::int32_t>(rng() % 10);
    p.budget_min = 700 + static_cast<std::int32_t>(rng() % 1000);
    p.budget_max = p.budget_min + 300 + static_cast<std::int32_t>(rng() % 1200);
    p.overlap_hours_jst = static_cast<double>(2 + rng() % 5);
    p.domain = static_cast<std::int32_t>(rng() % 6);
    p.engagement = unit(rng) < 0.8 ? kOffshore : (unit(rng) < 0.5 ? kHybrid : kOnsiteJapan);
    inst.projects.push_back(std::move(p));
  }
  return inst;
}

}  // namespace kakehashi::matcher
