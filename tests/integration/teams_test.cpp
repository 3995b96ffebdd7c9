// Teams, both sides' wishes and dry runs (issue 15), over HTTP against the
// real binary and PostgreSQL: a project's roles, candidates and matches per
// role, trainee preferences in rounds, dry runs that change nothing and
// equal the real round that follows, comparing rounds, and withdrawing a
// round's proposals in one step.
#include <map>
#include <set>

#include "integration/api_fixture.hpp"
#include "support/eventually.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

class TeamsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(school_, school_key_) = organization("Dhaka AI Academy", "training_provider");
    std::tie(other_school_, other_school_key_) =
        organization("Chattogram Code", "training_provider");
    std::tie(firm_, firm_key_) = organization("Toyota Vision Works", "firm");
    std::tie(other_firm_, other_firm_key_) = organization("Osaka Robotics", "firm");
  }

  std::string add_trainee(const std::string& email, json skills, const std::string& japanese) {
    json t = trainee(email);
    t["skills"] = std::move(skills);
    t["languages"] = {{"japanese", japanese}, {"english", "B2"}};
    t["available_from"] = "2027-01-01";
    t["engagement"] = {"offshore"};
    auto r = call("POST", "/v1/trainees", school_key_, t);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  // The team: one bridge SE with JLPT N2 and two ML engineers with
  // PyTorch and no Japanese; and another firm's project that needs no
  // Japanese but Docker, which only the bridge SE has.
  void build_instance() {
    json team = {
        {"title", "Vision team"},
        {"skills", {{{"skill", "Python"}, {"min_level", 3}, {"weight", 1}, {"required", true}}}},
        {"start_date", "2027-02-01"},
        {"duration_months", 6},
        {"engagement", "offshore"},
        {"status", "open"},
        {"roles",
         {{{"key", "bridge_se"},
           {"title", "Bridge SE"},
           {"headcount", 1},
           {"japanese_min", "N2"},
           {"skills",
            {{{"skill", "Python"}, {"min_level", 3}, {"weight", 1}, {"required", true}},
             {{"skill", "PyTorch"}, {"min_level", 4}, {"weight", 5}}}}},
          {{"key", "ml_engineer"},
           {"title", "ML engineer"},
           {"headcount", 2},
           {"skills",
            {{{"skill", "PyTorch"}, {"min_level", 4}, {"weight", 5}, {"required", true}}}}}}}};
    auto r = call("POST", "/v1/projects", firm_key_, team);
    ASSERT_EQ(r.status(), 201) << r.http.body;
    team_ = r.body["id"];
    EXPECT_EQ(r.body["headcount"], 3);  // the roles' seats
    ASSERT_EQ(r.body["roles"].size(), 2u);
    EXPECT_EQ(r.body["roles"][0]["japanese_min"], "N2");
    EXPECT_TRUE(r.body["roles"][1]["japanese_min"].is_null());  // the project's
    json ops = {
        {"title", "Line ops"},
        {"skills", {{{"skill", "Docker"}, {"min_level", 3}, {"weight", 5}, {"required", true}}}},
        {"headcount", 1},
        {"start_date", "2027-02-01"},
        {"duration_months", 6},
        {"engagement", "offshore"},
        {"status", "open"}};
    r = call("POST", "/v1/projects", other_firm_key_, ops);
    ASSERT_EQ(r.status(), 201) << r.http.body;
    ops_ = r.body["id"];
    bridge_se_ = add_trainee("bridge@example.com",
                             {{{"skill", "Python"}, {"level", 4}, {"years", 3}},
                              {{"skill", "PyTorch"}, {"level", 2}, {"years", 1}},
                              {{"skill", "Docker"}, {"level", 4}, {"years", 3}}},
                             "N2");
    for (int i = 0; i < 3; ++i) {
      ml_.push_back(add_trainee("ml" + std::to_string(i) + "@example.com",
                                {{{"skill", "Python"}, {"level", 4}, {"years", 2}},
                                 {{"skill", "PyTorch"}, {"level", 5}, {"years", 2}}},
                                "none"));
    }
  }

  // trainee -> "project/role" of a round's assignment (a dry run's or a
  // real round's matches).
  std::map<std::string, std::string> assignment_of(const json& round) {
    std::map<std::string, std::string> out;
    if (round["dry_run"] == true) {
      for (const auto& a : round["assignment"]) {
        out[a["trainee_id"]] = a["project_id"].get<std::string>() + "/" +
                               (a["role"].is_null() ? "" : a["role"].get<std::string>());
      }
      return out;
    }
    auto matches =
        call("GET", "/v1/matches?limit=200&round_id=" + round["id"].get<std::string>(), admin_);
    for (const auto& m : matches.body["items"]) {
      out[m["trainee_id"]] = m["project_id"].get<std::string>() + "/" +
                             (m["role"].is_null() ? "" : m["role"].get<std::string>());
    }
    return out;
  }

  std::string school_, school_key_, other_school_, other_school_key_, firm_, firm_key_, other_firm_,
      other_firm_key_;
  std::string team_, ops_, bridge_se_;
  std::vector<std::string> ml_;
};

TEST_F(TeamsTest, TheN2BridgeSeLandsInTheBridgeRoleWhenSheWantsIt) {
  build_instance();
  // Score-only preferences: the bridge SE scores higher on the Docker project
  // (a full skill match) and takes it, leaving the bridge seat empty.
  auto dry =
      call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}, {"dry_run", true}});
  ASSERT_EQ(dry.status(), 201) << dry.http.body << service_->output();
  EXPECT_EQ(dry.body["statistics"]["projects"], 2);  // a team counts once
  EXPECT_EQ(dry.body["statistics"]["seats"], 4);     // 1 + 2 in roles, 1 in the other
  auto before = assignment_of(dry.body);
  EXPECT_EQ(before[bridge_se_], ops_ + "/");
  bool bridge_filled = false;
  for (const auto& [t, where] : before) bridge_filled |= where == team_ + "/bridge_se";
  EXPECT_FALSE(bridge_filled);
  for (const auto& u : dry.body["statistics"]["unfilled"]) {
    if (u["project_id"] == team_) {
      EXPECT_EQ(u["role"], "bridge_se");
    }
  }
  // Her training organization records that she wants the bridge role.
  auto put = call("PUT", "/v1/trainees/" + bridge_se_ + "/preferences", school_key_,
                  {{"wanted", {{{"project_id", team_}, {"role", "bridge_se"}}}}});
  ASSERT_EQ(put.status(), 200) << put.http.body;
  auto round = call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}});
  ASSERT_EQ(round.status(), 201) << round.http.body;
  auto after = assignment_of(round.body);
  EXPECT_EQ(after[bridge_se_], team_ + "/bridge_se");
  int ml_seats = 0;
  for (const auto& m : ml_) ml_seats += after[m] == team_ + "/ml_engineer";
  EXPECT_EQ(ml_seats, 2);  // each role's seats, no more
  EXPECT_EQ(round.body["statistics"]["stability"]["stable"], true) << round.body.dump();
  EXPECT_EQ(round.body["statistics"]["stability"]["blocking_pairs"], 0);
  // Per-organization placement rates with their pools.
  const auto& orgs = round.body["statistics"]["per_organization"];
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0]["pool"], 4);
  EXPECT_EQ(orgs[0]["assigned"], 3);
  EXPECT_DOUBLE_EQ(orgs[0]["placement_rate"].get<double>(), 0.75);
}

TEST_F(TeamsTest, CandidatesAndMatchesPerRole) {
  build_instance();
  auto bridge = call("GET", "/v1/projects/" + team_ + "/candidates?role=bridge_se", firm_key_);
  ASSERT_EQ(bridge.status(), 200) << bridge.http.body;
  EXPECT_EQ(bridge.body["role"], "bridge_se");
  ASSERT_EQ(bridge.body["items"].size(), 1u);  // only she has N2
  EXPECT_EQ(bridge.body["items"][0]["trainee"]["id"], bridge_se_);
  auto ml = call("GET", "/v1/projects/" + team_ + "/candidates?role=ml_engineer", firm_key_);
  ASSERT_EQ(ml.status(), 200);
  EXPECT_EQ(ml.body["items"].size(), 3u);  // PyTorch 4+: not her
  // A role's page carries the money and time evidence a project's does.
  for (const auto& item : ml.body["items"]) {
    EXPECT_TRUE(item["rate_evidence"].is_object()) << item.dump();
    EXPECT_TRUE(item["working_time"].is_object()) << item.dump();
  }
  // Role lists are remembered under each role's own id: the whole project's
  // list is another one, and a change that enters a remembered role list
  // reaches it.
  auto whole = call("GET", "/v1/projects/" + team_ + "/candidates", firm_key_);
  ASSERT_EQ(whole.status(), 200);
  EXPECT_EQ(whole.body["items"].size(), 4u);  // Python 3+, no JLPT at the project's level
  EXPECT_FALSE(whole.body.contains("role"));
  ASSERT_EQ(
      call("PATCH", "/v1/trainees/" + ml_[2], school_key_, {{"languages", {{"japanese", "N2"}}}})
          .status(),
      200);
  EXPECT_TRUE(eventually([&] {
    auto again = call("GET", "/v1/projects/" + team_ + "/candidates?role=bridge_se", firm_key_);
    return again.status() == 200 && again.body["items"].size() == 2u;
  })) << "the trainee who passed N2 never entered the bridge role's list";
  expect_problem(call("GET", "/v1/projects/" + team_ + "/candidates?role=nope", firm_key_), 422);
  expect_problem(
      call("GET", "/v1/projects/" + ops_ + "/candidates?role=bridge_se", other_firm_key_), 422);
  expect_problem(
      call("GET", "/v1/projects/" + team_ + "/candidates?role=bridge_se", other_firm_key_), 404);
  // An explanation per role.
  auto why =
      call("GET", "/v1/projects/" + team_ + "/candidates/" + ml_[0] + "?role=bridge_se", firm_key_);
  ASSERT_EQ(why.status(), 200) << why.http.body;
  EXPECT_EQ(why.body["eligible"], false);
  EXPECT_EQ(why.body["role"], "bridge_se");
  // A firm's own match names its role; a team's match needs one.
  auto no_role =
      call("POST", "/v1/matches", firm_key_, {{"project_id", team_}, {"trainee_id", ml_[0]}});
  expect_problem(no_role, 422);
  auto m = call("POST", "/v1/matches", firm_key_,
                {{"project_id", team_}, {"trainee_id", ml_[0]}, {"role", "ml_engineer"}});
  ASSERT_EQ(m.status(), 201) << m.http.body;
  EXPECT_EQ(m.body["role"], "ml_engineer");
  // A project without roles: matches carry no role, as before.
  auto plain = call("POST", "/v1/matches", other_firm_key_,
                    {{"project_id", ops_}, {"trainee_id", bridge_se_}});
  ASSERT_EQ(plain.status(), 201) << plain.http.body;
  EXPECT_TRUE(plain.body["role"].is_null());
  // Roles are validated, every error at once.
  auto bad = call("POST", "/v1/projects", firm_key_,
                  {{"title", "Bad team"},
                   {"start_date", "2027-02-01"},
                   {"duration_months", 6},
                   {"headcount", 5},
                   {"roles",
                    {{{"key", "A b"}, {"title", "x"}, {"headcount", 1}},
                     {{"key", "ml"}, {"headcount", 0}, {"japanese_min", "N9"}}}}});
  expect_problem(bad, 422);
  EXPECT_GE(bad.body["errors"].size(), 4u) << bad.body.dump();
  // The database keeps each role's seats: one approved bridge SE, and a
  // second approval in that role is refused whoever writes it (here SQL, past
  // the API), although the project as a whole has seats left.
  auto seat = call("POST", "/v1/matches", firm_key_,
                   {{"project_id", team_}, {"trainee_id", bridge_se_}, {"role", "bridge_se"}});
  ASSERT_EQ(seat.status(), 201) << seat.http.body;
  const std::string bridge_id = seat.body["id"];
  db_.exec("UPDATE matches SET state = 'approved' WHERE id = '" + bridge_id + "'");
  const auto refused = [&](const std::string& sql) -> std::string {
    try {
      db_.exec(sql);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(refused("INSERT INTO matches (project_id, trainee_id, firm_id, training_org_id, "
                    "state, role) SELECT project_id, '" +
                    ml_[1] +
                    "', firm_id, training_org_id, 'approved', 'bridge_se' "
                    "FROM matches WHERE id = '" +
                    bridge_id + "'")
                .find("role bridge_se of project"),
            std::string::npos);
  EXPECT_THROW(db_.exec("UPDATE project_roles SET headcount = 0 WHERE key = 'bridge_se'"),
               std::exception);
  // The database keeps a role's headcount a part of the project's.
  EXPECT_THROW(db_.query_value("UPDATE project_roles SET headcount = 5 WHERE key = 'ml_engineer'"),
               std::exception);
}

TEST_F(TeamsTest, ADryRunChangesNothingAndEqualsTheRoundThatFollows) {
  build_instance();
  const auto matches_before = count_rows("matches");
  auto dry =
      call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "max_score"}, {"dry_run", true}});
  ASSERT_EQ(dry.status(), 201) << dry.http.body;
  EXPECT_EQ(dry.body["status"], "simulated");
  EXPECT_EQ(count_rows("matches"), matches_before);
  auto real = call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "max_score"}});
  ASSERT_EQ(real.status(), 201) << real.http.body;
  EXPECT_EQ(real.body["dry_run"], false);
  EXPECT_EQ(assignment_of(dry.body), assignment_of(real.body));
  // A dry run's assignment names whom and where as its matches would: the
  // trainee's alias and the project's title ("title / role title").
  auto real_matches =
      call("GET", "/v1/matches?limit=200&round_id=" + real.body.value("id", ""), admin_);
  std::map<std::string, std::pair<std::string, std::string>> named;  // trainee -> (alias, title)
  for (const auto& m : real_matches.body["items"]) {
    named[m["trainee_id"]] = {m["trainee_alias"], m["project_title"]};
  }
  ASSERT_FALSE(dry.body["assignment"].empty());
  for (const auto& a : dry.body["assignment"]) {
    const auto& [alias, title] = named[a["trainee_id"]];
    EXPECT_EQ(a["trainee_alias"], alias) << a.dump();
    EXPECT_EQ(a["project_title"], title) << a.dump();
  }
  EXPECT_EQ(count_rows("matches"),
            matches_before + real.body["statistics"]["assigned"].get<std::size_t>());
  auto cmp = call("GET",
                  "/v1/matching-rounds/compare?a=" + dry.body["id"].get<std::string>() +
                      "&b=" + real.body["id"].get<std::string>(),
                  admin_);
  ASSERT_EQ(cmp.status(), 200) << cmp.http.body;
  EXPECT_EQ(cmp.body["only_in_a"], 0);
  EXPECT_EQ(cmp.body["only_in_b"], 0);
  EXPECT_EQ(cmp.body["difference"]["assigned"], 0);
  expect_problem(call("GET", "/v1/matching-rounds/compare?a=x", admin_), 422);
  expect_problem(call("GET",
                      "/v1/matching-rounds/compare?a=" + dry.body["id"].get<std::string>() +
                          "&b=" + real.body["id"].get<std::string>(),
                      firm_key_),
                 403);
  // Undo: the real round's proposals go in one step, one audit event each.
  const std::string id = real.body["id"];
  expect_problem(
      call("POST", "/v1/matching-rounds/" + id + "/withdraw-proposed", admin_, json::object()),
      422);
  expect_problem(call("POST", "/v1/matching-rounds/" + id + "/withdraw-proposed", firm_key_,
                      {{"reason", "trying max_score"}}),
                 403);
  expect_problem(
      call("POST",
           "/v1/matching-rounds/" + dry.body["id"].get<std::string>() + "/withdraw-proposed",
           admin_, {{"reason", "x"}}),
      409);
  auto undo = call("POST", "/v1/matching-rounds/" + id + "/withdraw-proposed", admin_,
                   {{"reason", "trying stable instead"}});
  ASSERT_EQ(undo.status(), 200) << undo.http.body;
  EXPECT_EQ(undo.body["withdrawn"], real.body["statistics"]["assigned"]);
  auto left = call("GET", "/v1/matches?state=proposed", admin_);
  EXPECT_EQ(left.body["items"].size(), 0u);
  auto events = call("GET", "/v1/audit?limit=200&round_id=" + id, admin_);
  std::size_t withdrawals = 0;
  for (const auto& e : events.body["items"]) withdrawals += e["to"] == "withdrawn";
  EXPECT_EQ(withdrawals, undo.body["withdrawn"].get<std::size_t>());
}

TEST_F(TeamsTest, PreferencesAreTheTrainingOrganizationsAndRefusalsHold) {
  build_instance();
  const std::string path = "/v1/trainees/" + bridge_se_ + "/preferences";
  expect_problem(call("PUT", path, firm_key_, {{"refused", json::array()}}), 403);
  expect_problem(call("PUT", path, other_school_key_, {{"refused", json::array()}}), 404);
  auto bad =
      call("PUT", path, school_key_,
           {{"wanted", {{{"project_id", "nope"}}, {{"project_id", team_}, {"role", "Bad Key"}}}},
            {"other", 1}});
  expect_problem(bad, 422);
  EXPECT_EQ(bad.body["errors"].size(), 3u) << bad.body.dump();
  auto missing =
      call("PUT", path, school_key_, {{"wanted", {{{"project_id", team_}, {"role", "cook"}}}}});
  expect_problem(missing, 422);
  auto twice = call("PUT", path, school_key_,
                    {{"wanted", {{{"project_id", ops_}}}}, {"refused", {{{"project_id", ops_}}}}});
  expect_problem(twice, 422);
  // A target another already takes in: a role of a refused project wanted
  // (a contradiction), a role after its whole project, a role refused beside
  // its whole project (either order).
  const auto errors_of = [&](const json& body) {
    auto r = call("PUT", path, school_key_, body);
    EXPECT_EQ(r.status(), 422) << body.dump() << r.http.body;
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& e : r.body["errors"]) {
      out.emplace(e.value("pointer", ""), e.value("code", ""));
    }
    return out;
  };
  using Found = std::set<std::pair<std::string, std::string>>;
  EXPECT_EQ(errors_of({{"wanted", {{{"project_id", team_}, {"role", "bridge_se"}}}},
                       {"refused", {{{"project_id", team_}}}}}),
            (Found{{"/wanted/0", "invalid_combination"}}));
  EXPECT_EQ(
      errors_of(
          {{"wanted", {{{"project_id", team_}}, {{"project_id", team_}, {"role", "bridge_se"}}}}}),
      (Found{{"/wanted/1", "duplicate"}}));
  EXPECT_EQ(
      errors_of(
          {{"refused", {{{"project_id", team_}, {"role", "bridge_se"}}, {{"project_id", team_}}}}}),
      (Found{{"/refused/0", "duplicate"}}));
  // Every error together: a contradiction, an unknown project and an unknown
  // role (the unknown ones showed only once the contradiction was fixed).
  EXPECT_EQ(errors_of({{"wanted",
                        {{{"project_id", "00000000-0000-4000-8000-000000000000"}},
                         {{"project_id", team_}, {"role", "zz"}},
                         {{"project_id", ops_}}}},
                       {"refused", {{{"project_id", ops_}}}}}),
            (Found{{"/wanted/0/project_id", "not_found"},
                   {"/wanted/1/role", "not_found"},
                   {"/wanted/2", "invalid_combination"}}));
  // A role first, then the rest of its project, is a ranking; a project
  // wanted but one of its roles refused is "any role but that one".
  EXPECT_EQ(
      call("PUT", path, school_key_,
           {{"wanted", {{{"project_id", team_}, {"role", "bridge_se"}}, {{"project_id", team_}}}}})
          .status(),
      200);
  EXPECT_EQ(call("PUT", path, school_key_,
                 {{"wanted", {{{"project_id", team_}}}},
                  {"refused", {{{"project_id", team_}, {"role", "bridge_se"}}}}})
                .status(),
            200);
  // A firm's draft is "no such project" here, as a random id is (a 200 told
  // a training organization that the draft existed).
  auto draft = call("POST", "/v1/projects", firm_key_,
                    {{"title", "Unannounced vision line"},
                     {"skills", {{{"skill", "Python"}, {"min_level", 3}, {"weight", 5}}}},
                     {"headcount", 1},
                     {"start_date", "2027-02-01"},
                     {"duration_months", 6},
                     {"engagement", "offshore"},
                     {"status", "draft"}});
  ASSERT_EQ(draft.status(), 201) << draft.http.body;
  auto named = call("PUT", path, school_key_, {{"wanted", {{{"project_id", draft.body["id"]}}}}});
  expect_problem(named, 422);
  EXPECT_EQ(named.body["errors"][0]["code"], "not_found") << named.http.body;
  // She refuses the Docker project: no round places her there.
  auto put = call("PUT", path, school_key_, {{"refused", {{{"project_id", ops_}}}}});
  ASSERT_EQ(put.status(), 200) << put.http.body;
  auto got = call("GET", path, school_key_);
  ASSERT_EQ(got.status(), 200);
  EXPECT_EQ(got.body["refused"][0]["project_id"], ops_);
  expect_problem(call("GET", path, firm_key_), 403);
  for (const char* algorithm : {"max_score", "stable"}) {
    auto dry = call("POST", "/v1/matching-rounds", admin_,
                    {{"algorithm", algorithm}, {"dry_run", true}, {"max_per_org_per_project", 2}});
    ASSERT_EQ(dry.status(), 201) << dry.http.body;
    auto a = assignment_of(dry.body);
    EXPECT_NE(a[bridge_se_], ops_ + "/") << algorithm;
    if (std::string(algorithm) == "stable") {
      EXPECT_EQ(dry.body["statistics"]["stability"]["stable"], true);
    }
  }
}

TEST_F(TeamsTest, OnTheDemoDataAStableRoundFillsEachBridgeRoleWithAnN2Trainee) {
  auto seeded = run_kakehashi({"seed", "--demo"}, db_.env());
  ASSERT_EQ(seeded.exit_code, 0) << seeded.output;
  // The team projects, once this process's index has the seeded rows.
  std::vector<std::string> teams;
  ASSERT_TRUE(eventually([&] {
    teams.clear();
    auto page = call("GET", "/v1/projects?limit=200", admin_);
    for (const auto& p : page.body["items"]) {
      if (!p["roles"].empty()) teams.push_back(p["id"]);
    }
    if (teams.size() != 2) return false;
    auto c = call("GET", "/v1/projects/" + teams[0] + "/candidates?role=bridge_se", admin_);
    return c.status() == 200 && !c.body["items"].empty();
  }));
  auto round =
      call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}, {"dry_run", true}});
  ASSERT_EQ(round.status(), 201) << round.http.body;
  EXPECT_EQ(round.body["statistics"]["stability"]["stable"], true);
  for (const auto& team : teams) {
    int bridges = 0;
    for (const auto& a : round.body["assignment"]) {
      if (a["project_id"] != team || a["role"] != "bridge_se") continue;
      ++bridges;
      auto t = call("GET", "/v1/trainees/" + a["trainee_id"].get<std::string>(), admin_);
      const std::string jlpt = t.body["languages"]["japanese"];
      EXPECT_TRUE(jlpt == "N2" || jlpt == "N1") << jlpt;
    }
    EXPECT_EQ(bridges, 1) << "team " << team << ": " << round.body["statistics"].dump();
  }
}

TEST_F(TeamsTest, NearMissCountsSayWhySoFew) {
  build_instance();
  // The bridge role: one of four is eligible; three lack N2 (and the PyTorch
  // must-have is not one of its own); relaxing N2 to N3 brings none of them
  // (they have no Japanese at all).
  auto r = call("GET", "/v1/projects/" + team_ + "/near-misses?role=bridge_se", firm_key_);
  ASSERT_EQ(r.status(), 200) << r.http.body;
  EXPECT_EQ(r.body["pool"], 4);
  EXPECT_EQ(r.body["eligible"], 1);
  EXPECT_EQ(r.body["excluded_by"]["japanese_below_minimum"], 3);
  bool japanese = false;
  for (const auto& x : r.body["relaxations"]) {
    if (x["constraint"] == "japanese_min") {
      japanese = true;
      EXPECT_EQ(x["from"], "N2");
      EXPECT_EQ(x["to"], "N3");
      EXPECT_EQ(x["newly_eligible"], 0);
    }
  }
  EXPECT_TRUE(japanese);
  // The ML role: PyTorch 4+ is a must-have she lacks; as nice-to-have she
  // would be eligible.
  auto ml = call("GET", "/v1/projects/" + team_ + "/near-misses?role=ml_engineer", firm_key_);
  ASSERT_EQ(ml.status(), 200) << ml.http.body;
  EXPECT_EQ(ml.body["eligible"], 3);
  EXPECT_EQ(ml.body["excluded_by"]["missing_must_have_skill"], 1);
  bool must_have = false;
  for (const auto& x : ml.body["relaxations"]) {
    if (x["constraint"] == "must_have_skill" && x["skill"] == "PyTorch") {
      must_have = true;
      EXPECT_EQ(x["newly_eligible"], 1);
    }
  }
  EXPECT_TRUE(must_have) << ml.body.dump();
  expect_problem(call("GET", "/v1/projects/" + team_ + "/near-misses", other_firm_key_), 404);
  expect_problem(call("GET", "/v1/projects/" + team_ + "/near-misses", school_key_), 403);
  expect_problem(call("GET", "/v1/projects/" + team_ + "/near-misses?role=x", firm_key_), 422);
}

}  // namespace
}  // namespace kakehashi::testing
