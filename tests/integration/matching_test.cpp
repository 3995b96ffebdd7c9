// Matching over HTTP: ranked candidates and explanations, opportunities, the
// match lifecycle by role, privacy, audit, and matching rounds, against the
// real binary and PostgreSQL.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include <pqxx/pqxx>

#include "integration/api_fixture.hpp"
#include "store/database.hpp"
#include "store/matches.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

class MatchingTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(school_, school_key_) = organization("Dhaka AI Academy", "training_provider");
    std::tie(firm_, firm_key_) = organization("Toyota Vision Works", "firm");
    std::tie(other_firm_, other_firm_key_) = organization("Osaka Robotics", "firm");
  }

  // A trainee of the school with the given skills [(skill, level)].
  std::string add_trainee(const std::string& email, std::vector<std::pair<std::string, int>> skills,
                          json overrides = json::object()) {
    json t = trainee(email);
    t["skills"] = json::array();
    for (const auto& [skill, level] : skills) {
      t["skills"].push_back({{"skill", skill}, {"level", level}, {"years", 2}});
    }
    t["available_from"] = "2027-01-01";
    t["engagement"] = {"offshore"};
    t.merge_patch(overrides);
    auto r = call("POST", "/v1/trainees", school_key_, t);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  std::string add_project(const std::string& key, const std::string& title, int headcount,
                          json overrides = json::object()) {
    json p = {{"title", title},
              {"skills",
               {{{"skill", "Python"}, {"min_level", 3}, {"weight", 5}, {"required", true}},
                {{"skill", "PyTorch"}, {"min_level", 3}, {"weight", 3}}}},
              {"headcount", headcount},
              {"start_date", "2027-02-01"},
              {"duration_months", 6},
              {"engagement", "offshore"},
              {"status", "open"}};
    p.merge_patch(overrides);
    auto r = call("POST", "/v1/projects", key, p);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  // Moves a match; returns the response.
  ApiResponse move(const std::string& match, const std::string& key, const std::string& to,
                   const std::string& reason = "") {
    auto current = call("GET", "/v1/matches/" + match, key);
    json body = {{"to", to}};
    if (!reason.empty()) body["reason"] = reason;
    return call("POST", "/v1/matches/" + match + "/transitions", key, body,
                {{"If-Match", current.http.header("ETag").value_or("")}});
  }

  // The firm shortlists trainee `t` for a new one-seat project and the match
  // is walked to accepted; returns the match's id.
  std::string accepted_match(const std::string& t) {
    const auto p = add_project(firm_key_, "Inspection AI", 1);
    auto m = call("POST", "/v1/matches", firm_key_, {{"project_id", p}, {"trainee_id", t}});
    EXPECT_EQ(m.status(), 201) << m.http.body;
    const std::string match = m.body.value("id", "");
    for (auto [to, key] : std::vector<std::pair<std::string, std::string>>{
             {"interviewing", firm_key_}, {"offered", firm_key_}, {"accepted", school_key_}}) {
      EXPECT_EQ(move(match, key, to).status(), 200) << to;
    }
    return match;
  }

  std::string school_, school_key_, firm_, firm_key_, other_firm_, other_firm_key_;
};

double sum_of_contributions(const json& item) {
  double sum = 0;
  for (const auto& c : item["components"]) sum += c["contribution"].get<double>();
  return sum;
}

TEST_F(MatchingTest, CandidatesAreRankedExplainedAndPseudonymous) {
  const auto strong = add_trainee("strong@example.com", {{"Python", 5}, {"PyTorch", 4}});
  const auto related = add_trainee("related@example.com", {{"Python", 4}, {"TensorFlow", 4}});
  const auto basic = add_trainee("basic@example.com", {{"Python", 3}});
  const auto no_python = add_trainee("nopython@example.com", {{"PyTorch", 5}});
  const auto no_consent = add_trainee("private@example.com", {{"Python", 5}, {"PyTorch", 5}},
                                      {{"consent", {{"matching", false}}}});
  const auto project = add_project(firm_key_, "Inspection AI", 2);

  auto r = call("GET", "/v1/projects/" + project + "/candidates?limit=10", firm_key_);
  ASSERT_EQ(r.status(), 200) << r.http.body;
  std::vector<std::string> order;
  for (const auto& item : r.body["items"]) order.push_back(item["trainee"]["id"]);
  // Full PyTorch beats the related TensorFlow, which beats no second skill;
  // the trainee without the must-have and the one without consent never show.
  EXPECT_EQ(order, (std::vector<std::string>{strong, related, basic}));
  double previous = 2;
  for (const auto& item : r.body["items"]) {
    const double score = item["score"];
    EXPECT_LE(score, previous);
    previous = score;
    EXPECT_NEAR(sum_of_contributions(item), score, 1e-9);
    EXPECT_TRUE(item["eligible"].get<bool>());
    EXPECT_EQ(item["components"].size(), 9u);
    EXPECT_FALSE(item["trainee"].contains("full_name"));
    EXPECT_FALSE(item["trainee"].contains("email"));
    EXPECT_TRUE(item["trainee"]["alias"].get<std::string>().starts_with("KH-"));
  }
  // The related skill earns partial credit through TensorFlow.
  const auto& rel = r.body["items"][1];
  bool via_tensorflow = false;
  for (const auto& m : rel["matched_skills"]) {
    if (m["skill"] == "PyTorch" && m["via"] == "TensorFlow") {
      via_tensorflow = true;
      EXPECT_GT(m["credit"].get<double>(), 0);
      EXPECT_LT(m["credit"].get<double>(), 1);
    }
  }
  EXPECT_TRUE(via_tensorflow) << rel.dump();
  EXPECT_EQ(r.body["items"][2]["missing_skills"][0]["skill"], "PyTorch");

  // Paging: the second page starts where the first ended.
  auto first = call("GET", "/v1/projects/" + project + "/candidates?limit=2", firm_key_);
  ASSERT_EQ(first.body["items"].size(), 2u);
  ASSERT_TRUE(first.body["next_cursor"].is_string());
  auto second = call("GET",
                     "/v1/projects/" + project + "/candidates?limit=2&cursor=" +
                         first.body["next_cursor"].get<std::string>(),
                     firm_key_);
  ASSERT_EQ(second.body["items"].size(), 1u);
  EXPECT_EQ(second.body["items"][0]["trainee"]["id"], basic);
  EXPECT_TRUE(second.body["next_cursor"].is_null());

  // An ineligible trainee's explanation names the failed constraint.
  auto why = call("GET", "/v1/projects/" + project + "/candidates/" + no_python, firm_key_);
  ASSERT_EQ(why.status(), 200) << why.http.body;
  EXPECT_FALSE(why.body["eligible"].get<bool>());
  ASSERT_EQ(why.body["failed_constraints"].size(), 1u);
  EXPECT_EQ(why.body["failed_constraints"][0]["code"], "missing_must_have_skill");
  EXPECT_EQ(why.body["failed_constraints"][0]["skill"], "Python");
  EXPECT_TRUE(why.body["failed_constraints"][0]["actual"].is_null());
  // Firms never see a trainee who has not consented; administrators see why.
  expect_problem(call("GET", "/v1/projects/" + project + "/candidates/" + no_consent, firm_key_),
                 404);
  auto admin_view = call("GET", "/v1/projects/" + project + "/candidates/" + no_consent, admin_);
  ASSERT_EQ(admin_view.status(), 200);
  EXPECT_EQ(admin_view.body["failed_constraints"][0]["code"], "no_consent");
  // Another firm's project, a training organization, bad parameters.
  expect_problem(call("GET", "/v1/projects/" + project + "/candidates", other_firm_key_), 404);
  expect_problem(call("GET", "/v1/projects/" + project + "/candidates", school_key_), 403);
  auto bad =
      call("GET", "/v1/projects/" + project + "/candidates?limit=0&cursor=zz&x=1", firm_key_);
  expect_problem(bad, 422);
  EXPECT_EQ(bad.body["errors"].size(), 3u) << bad.body.dump();
}

TEST_F(MatchingTest, WritesReachTheIndexAtOnce) {
  const auto project = add_project(firm_key_, "Inspection AI", 1);
  auto count = [&] {
    return call("GET", "/v1/projects/" + project + "/candidates", firm_key_).body["items"].size();
  };
  EXPECT_EQ(count(), 0u);
  const auto id = add_trainee("new@example.com", {{"Python", 4}});
  EXPECT_EQ(count(), 1u);
  auto t = call("GET", "/v1/trainees/" + id, school_key_);
  auto withdrawn = call("PATCH", "/v1/trainees/" + id, school_key_, {{"status", "withdrawn"}},
                        {{"If-Match", t.http.header("ETag").value_or("")}});
  ASSERT_EQ(withdrawn.status(), 200) << withdrawn.http.body;
  EXPECT_EQ(count(), 0u);
  // A project closed leaves the trainee's opportunities.
  const auto active = add_trainee("active@example.com", {{"Python", 4}});
  auto opp = call("GET", "/v1/trainees/" + active + "/opportunities", school_key_);
  ASSERT_EQ(opp.status(), 200) << opp.http.body;
  ASSERT_EQ(opp.body["items"].size(), 1u);
  EXPECT_EQ(opp.body["items"][0]["project"]["id"], project);
  EXPECT_NEAR(sum_of_contributions(opp.body["items"][0]), opp.body["items"][0]["score"], 1e-9);
  auto p = call("GET", "/v1/projects/" + project, firm_key_);
  auto closed = call("PATCH", "/v1/projects/" + project, firm_key_, {{"status", "closed"}},
                     {{"If-Match", p.http.header("ETag").value_or("")}});
  ASSERT_EQ(closed.status(), 200) << closed.http.body;
  EXPECT_EQ(
      call("GET", "/v1/trainees/" + active + "/opportunities", school_key_).body["items"].size(),
      0u);
  expect_problem(call("GET", "/v1/trainees/" + active + "/opportunities", firm_key_), 403);
}

TEST_F(MatchingTest, LifecycleByRoleWithPrivacyAndAudit) {
  const auto trainee_id = add_trainee("life@example.com", {{"Python", 5}});
  const auto project = add_project(firm_key_, "Inspection AI", 1);
  // A firm shortlists a candidate directly.
  auto created =
      call("POST", "/v1/matches", firm_key_, {{"project_id", project}, {"trainee_id", trainee_id}});
  ASSERT_EQ(created.status(), 201) << created.http.body;
  EXPECT_EQ(created.body["state"], "shortlisted");
  const std::string match = created.body["id"];
  EXPECT_GT(created.body["score"].get<double>(), 0);
  // The same pair again is a conflict; another firm cannot use this project.
  expect_problem(
      call("POST", "/v1/matches", firm_key_, {{"project_id", project}, {"trainee_id", trainee_id}}),
      409);
  expect_problem(call("POST", "/v1/matches", other_firm_key_,
                      {{"project_id", project}, {"trainee_id", trainee_id}}),
                 422);
  expect_problem(call("GET", "/v1/matches/" + match, other_firm_key_), 404);

  // Before acceptance the firm sees no name or contact.
  auto seen = call("GET", "/v1/matches/" + match, firm_key_);
  ASSERT_EQ(seen.status(), 200);
  EXPECT_TRUE(seen.body["personal"].is_null());
  EXPECT_EQ(seen.body["allowed_transitions"], json({"interviewing", "rejected"}));

  // Illegal moves answer 409 with what is allowed.
  auto illegal = move(match, firm_key_, "accepted");
  expect_problem(illegal, 409);
  EXPECT_EQ(illegal.body["allowed"], json({"interviewing", "rejected"}));
  expect_problem(move(match, school_key_, "accepted"), 409);
  expect_problem(move(match, admin_, "approved"), 409);
  // Rejecting needs a reason; If-Match is required and must be current.
  auto no_reason = call("POST", "/v1/matches/" + match + "/transitions", firm_key_,
                        {{"to", "rejected"}}, {{"If-Match", "\"1\""}});
  expect_problem(no_reason, 422);
  // A blank reason is one error, "blank", not also "required" (a probe).
  auto blank = call("POST", "/v1/matches/" + match + "/transitions", firm_key_,
                    {{"to", "rejected"}, {"reason", "   "}}, {{"If-Match", "\"1\""}});
  expect_problem(blank, 422);
  ASSERT_EQ(blank.body["errors"].size(), 1u) << blank.http.body;
  EXPECT_EQ(blank.body["errors"][0]["code"], "blank") << blank.http.body;
  expect_problem(
      call("POST", "/v1/matches/" + match + "/transitions", firm_key_, {{"to", "interviewing"}}),
      428);
  expect_problem(call("POST", "/v1/matches/" + match + "/transitions", firm_key_,
                      {{"to", "interviewing"}}, {{"If-Match", "\"7\""}}),
                 412);

  ASSERT_EQ(move(match, firm_key_, "interviewing").status(), 200);
  ASSERT_EQ(move(match, firm_key_, "offered").status(), 200);
  expect_problem(move(match, firm_key_, "accepted"), 409);
  auto accepted = move(match, school_key_, "accepted");
  ASSERT_EQ(accepted.status(), 200) << accepted.http.body;
  EXPECT_EQ(accepted.body["state"], "accepted");

  // Now the firm sees the name and contact, and the read is recorded.
  auto disclosed = call("GET", "/v1/matches/" + match, firm_key_);
  EXPECT_EQ(disclosed.body["personal"]["email"], "life@example.com");
  auto reads = call("GET", "/v1/audit?kind=personal_data_read&match_id=" + match, admin_);
  ASSERT_EQ(reads.status(), 200);
  json firm_reads = json::array();  // the administrator's reads are recorded too
  for (const auto& e : reads.body["items"]) {
    if (e["actor"]["role"] == "firm") firm_reads.push_back(e);
  }
  ASSERT_EQ(firm_reads.size(), 1u) << reads.http.body;
  EXPECT_EQ(firm_reads[0]["actor"]["organization_id"], firm_);

  // Approval places the trainee and closes the full project.
  auto approved = move(match, admin_, "approved");
  ASSERT_EQ(approved.status(), 200) << approved.http.body;
  EXPECT_EQ(call("GET", "/v1/trainees/" + trainee_id, school_key_).body["status"], "placed");
  EXPECT_EQ(call("GET", "/v1/projects/" + project, firm_key_).body["status"], "closed");
  // A full project stays closed: opening it needs a free seat.
  auto reopen = call("PATCH", "/v1/projects/" + project, firm_key_, {{"status", "open"}});
  expect_problem(reopen, 409);
  EXPECT_EQ(reopen.body["errors"][0]["pointer"], "/status") << reopen.http.body;
  EXPECT_EQ(call("GET", "/v1/projects/" + project, firm_key_).body["status"], "closed");
  // Withdrawing the approved placement restores both.
  expect_problem(move(match, firm_key_, "rejected", "changed our mind"), 409);
  ASSERT_EQ(move(match, school_key_, "withdrawn", "the trainee moved to Tokyo").status(), 200);
  EXPECT_EQ(call("GET", "/v1/trainees/" + trainee_id, school_key_).body["status"], "active");
  EXPECT_EQ(call("GET", "/v1/projects/" + project, firm_key_).body["status"], "open");
  expect_problem(move(match, school_key_, "accepted"), 409);  // withdrawn is final

  // Every transition is in the match's events, with actor and reason.
  auto events = call("GET", "/v1/matches/" + match + "/events", school_key_);
  ASSERT_EQ(events.status(), 200);
  std::vector<std::string> path;
  for (const auto& e : events.body["items"]) {
    if (e["kind"] == "transition") path.push_back(e["to"]);
  }
  EXPECT_EQ(path, (std::vector<std::string>{"shortlisted", "interviewing", "offered", "accepted",
                                            "approved", "withdrawn"}));
  EXPECT_EQ(events.body["items"].back()["reason"], "the trainee moved to Tokyo");
  EXPECT_EQ(events.body["items"].back()["actor"]["role"], "training_org");
  // The audit trail is for administrators, and append-only in the database.
  expect_problem(call("GET", "/v1/audit", firm_key_), 403);
  auto audit = call("GET", "/v1/audit?match_id=" + match + "&limit=2", admin_);
  ASSERT_EQ(audit.body["items"].size(), 2u);
  EXPECT_TRUE(audit.body["next_cursor"].is_string());
  EXPECT_THROW(db_.query_value("UPDATE audit_events SET reason = 'x' RETURNING id"),
               std::exception);
  EXPECT_THROW(db_.query_value("DELETE FROM audit_events RETURNING id"), std::exception);
}

// An offer carries its terms, 人月単価 and the start (a firm had offered with
// one click and the training organization accepted knowing neither): each
// bad member named at once with nothing moved, terms only with an offer, kept
// through acceptance, and refused by the database on a match never offered.
TEST_F(MatchingTest, AnOfferStatesItsTermsAndKeepsThem) {
  const auto t = add_trainee("offer@example.com", {{"Python", 5}});
  const auto project = add_project(firm_key_, "Inspection AI", 1);
  auto m = call("POST", "/v1/matches", firm_key_, {{"project_id", project}, {"trainee_id", t}});
  ASSERT_EQ(m.status(), 201) << m.http.body;
  const std::string match = m.body["id"];
  EXPECT_TRUE(m.body["offer"].is_null());
  // Whom an offer comes from, for the training organization that accepts it.
  EXPECT_EQ(call("GET", "/v1/matches/" + match, school_key_).body["firm_name"],
            "Toyota Vision Works");
  const auto post = [&](const json& body) {
    auto current = call("GET", "/v1/matches/" + match, firm_key_);
    return call("POST", "/v1/matches/" + match + "/transitions", firm_key_, body,
                {{"If-Match", current.http.header("ETag").value_or("")}});
  };
  // Terms go with an offer only.
  auto early = post({{"to", "interviewing"}, {"offer", {{"start_date", "2027-04-01"}}}});
  expect_problem(early, 422);
  ASSERT_EQ(early.body["errors"].size(), 1U) << early.http.body;
  EXPECT_EQ(early.body["errors"][0]["pointer"], "/offer");
  EXPECT_EQ(early.body["errors"][0]["code"], "invalid_combination");
  ASSERT_EQ(post({{"to", "interviewing"}}).status(), 200);
  // Every bad member at once; the match stays where it was.
  auto bad = post({{"to", "offered"},
                   {"offer",
                    {{"monthly_rate", {{"amount", 0}, {"currency", "yen"}}},
                     {"start_date", "2027-02-30"},
                     {"note", "x"}}}});
  expect_problem(bad, 422);
  std::set<std::string> at;
  for (const auto& e : bad.body["errors"]) at.insert(e["pointer"].get<std::string>());
  EXPECT_EQ(at, (std::set<std::string>{"/offer/note", "/offer/monthly_rate/amount",
                                       "/offer/monthly_rate/currency", "/offer/start_date"}))
      << bad.http.body;
  expect_problem(post({{"to", "offered"}, {"offer", json::object()}}), 422);
  EXPECT_EQ(call("GET", "/v1/matches/" + match, firm_key_).body["state"], "interviewing");

  auto offered = post({{"to", "offered"},
                       {"offer",
                        {{"monthly_rate", {{"amount", 650000.005}, {"currency", "JPY"}}},
                         {"start_date", "2027-04-01"}}}});
  ASSERT_EQ(offered.status(), 200) << offered.http.body;
  // Kept to 0.01 as a numeric column rounds the decimal: half away from zero
  // (the binary double of 650000.005 is just below it).
  const json terms = {{"monthly_rate", {{"amount", 650000.01}, {"currency", "JPY"}}},
                      {"start_date", "2027-04-01"}};
  EXPECT_EQ(offered.body["offer"], terms);
  // The training organization reads them before it accepts; they stay after.
  EXPECT_EQ(call("GET", "/v1/matches/" + match, school_key_).body["offer"], terms);
  ASSERT_EQ(move(match, school_key_, "accepted").status(), 200);
  EXPECT_EQ(call("GET", "/v1/matches?trainee_id=" + t, admin_).body["items"][0]["offer"], terms);
  // The database holds the rule for every writer: no terms on a match never
  // offered, no rate without its currency.
  const auto other = add_trainee("offer2@example.com", {{"Python", 5}});
  auto proposed =
      call("POST", "/v1/matches", firm_key_, {{"project_id", project}, {"trainee_id", other}});
  ASSERT_EQ(proposed.status(), 201) << proposed.http.body;
  EXPECT_THROW(db_.exec("UPDATE matches SET offer_start_date = '2027-04-01' WHERE id = '" +
                        proposed.body["id"].get<std::string>() + "'"),
               std::exception);
  EXPECT_THROW(db_.exec("UPDATE matches SET offer_currency = NULL WHERE id = '" + match + "'"),
               std::exception);
}

TEST_F(MatchingTest, EveryRoleSeesOnlyItsOwnMatchesAndTransitions) {
  const auto t = add_trainee("t@example.com", {{"Python", 5}});
  const auto p = add_project(firm_key_, "Inspection AI", 2);
  auto [school2, school2_key] = organization("Chattogram Code School", "training_provider");
  auto m = call("POST", "/v1/matches", admin_, {{"project_id", p}, {"trainee_id", t}});
  ASSERT_EQ(m.status(), 201) << m.http.body;
  const std::string match = m.body["id"];
  EXPECT_EQ(call("GET", "/v1/matches", firm_key_).body["items"].size(), 1u);
  EXPECT_EQ(call("GET", "/v1/matches", school_key_).body["items"].size(), 1u);
  EXPECT_EQ(call("GET", "/v1/matches", other_firm_key_).body["items"].size(), 0u);
  EXPECT_EQ(call("GET", "/v1/matches", school2_key).body["items"].size(), 0u);
  expect_problem(call("GET", "/v1/matches/" + match, school2_key), 404);
  expect_problem(move(match, other_firm_key_, "interviewing"), 404);
  auto filtered = call("GET", "/v1/matches?state=shortlisted&project_id=" + p, admin_);
  EXPECT_EQ(filtered.body["items"].size(), 1u);
  expect_problem(call("GET", "/v1/matches?state=nope&project_id=x", admin_), 422);

  // The whole table of moves, for each role from each state it can reach.
  const std::vector<std::string> states = {"proposed", "shortlisted", "interviewing", "offered",
                                           "accepted", "approved",    "rejected",     "withdrawn"};
  struct Case {
    std::string role_key;
    std::string from;
    std::set<std::string> allowed;
  };
  int walks = 0;
  auto walk_to = [&](const std::string& target) {
    // A fresh match driven to `target` along the happy path.
    auto trainee_id = add_trainee("w" + std::to_string(++walks) + "@example.com", {{"Python", 5}});
    auto created =
        call("POST", "/v1/matches", firm_key_, {{"project_id", p}, {"trainee_id", trainee_id}});
    std::string id = created.body["id"];
    const std::vector<std::pair<std::string, std::string>> path = {{"interviewing", firm_key_},
                                                                   {"offered", firm_key_},
                                                                   {"accepted", school_key_},
                                                                   {"approved", admin_}};
    if (target != "shortlisted") {
      for (const auto& [to, key] : path) {
        EXPECT_EQ(move(id, key, to).status(), 200);
        if (to == target) break;
      }
    }
    return id;
  };
  const std::map<std::string, std::map<std::string, std::set<std::string>>> table = {
      {"firm",
       {{"shortlisted", {"interviewing", "rejected"}},
        {"interviewing", {"offered", "rejected"}},
        {"offered", {"rejected"}},
        {"accepted", {}},
        {"approved", {}}}},
      {"school",
       {{"shortlisted", {"withdrawn"}},
        {"interviewing", {"withdrawn"}},
        {"offered", {"accepted", "withdrawn"}},
        {"accepted", {"withdrawn"}},
        {"approved", {"withdrawn"}}}},
      {"admin",
       {{"shortlisted", {"rejected"}},
        {"interviewing", {"rejected"}},
        {"offered", {"rejected"}},
        {"accepted", {"approved", "rejected"}},
        {"approved", {"withdrawn"}}}}};
  const std::map<std::string, std::string> keys = {
      {"firm", firm_key_}, {"school", school_key_}, {"admin", admin_}};
  for (const auto& [role, rows] : table) {
    for (const auto& [from, allowed] : rows) {
      for (const auto& to : states) {
        if (from == "approved" && to == "approved") continue;
        const auto id = walk_to(from);
        auto r = move(id, keys.at(role), to, "a reason");
        if (allowed.count(to)) {
          EXPECT_EQ(r.status(), 200) << role << " " << from << "->" << to << " " << r.http.body;
        } else {
          EXPECT_EQ(r.status(), 409) << role << " " << from << "->" << to << " " << r.http.body;
          std::set<std::string> listed(r.body["allowed"].begin(), r.body["allowed"].end());
          EXPECT_EQ(listed, allowed) << role << " " << from;
        }
        // Leave no approved placement behind for the next walk (headcount 2).
        auto now = call("GET", "/v1/matches/" + id, admin_);
        if (now.body["state"] == "approved") move(id, admin_, "withdrawn", "reset");
      }
    }
  }
}

// A round's proposal for a trainee who stopped being matchable while the
// round ran (consent withdrawn, erased) is dropped as the round is stored,
// and the round's figures count what was stored (they had counted the
// dropped proposals too), in the round and in its audit event.
TEST_F(MatchingTest, ARoundsFiguresCountTheProposalsItStored) {
  const auto stays = add_trainee("stays@example.com", {{"Python", 4}});
  const auto leaves = add_trainee("leaves@example.com", {{"Python", 4}});
  const auto project = add_project(firm_key_, "Line inspection", 2);
  db_.exec("UPDATE trainees SET consent_matching = false WHERE id = '" + leaves + "'");
  store::RoundRow round;
  round.algorithm = "stable";
  round.status = "completed";
  round.statistics = R"({"assigned": 2, "total_score": 1.5, "unfilled_seats": 0})";
  round.started_at = "2026-12-01T00:00:00Z";
  std::vector<store::NewMatch> proposals;
  for (const auto& [trainee, score] : {std::pair{stays, 0.75}, std::pair{leaves, 0.75}}) {
    proposals.push_back({project, trainee, firm_, school_, "proposed", score, "{}", std::nullopt});
  }
  const store::Actor actor{"", firm_, "admin", std::nullopt, "round test"};
  store::Database db(store::DatabaseOptions{.url = db_.url(), .pool_size = 1});
  std::string id;
  db.transact_sync([&](store::Tx& t) { id = store::store_round(t, round, proposals, actor); });
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM matches WHERE round_id = '" + id + "'"), "1");
  for (const std::string table : {"matching_rounds WHERE id", "audit_events WHERE round_id"}) {
    const auto figures = json::parse(db_.query_value(
        "SELECT " + std::string(table[0] == 'm' ? "statistics" : "details") + " FROM " + table +
        " = '" + id + "'" + (table[0] == 'm' ? "" : " AND kind = 'round'")));
    EXPECT_EQ(figures["assigned"], 1) << figures;
    EXPECT_EQ(figures["unfilled_seats"], 1) << figures;
    EXPECT_EQ(figures["dropped_unmatchable"], 1) << figures;
    EXPECT_DOUBLE_EQ(figures["total_score"].get<double>(), 0.75) << figures;
  }
}

TEST_F(MatchingTest, StableRoundRespectsCapacityAndHasNoBlockingPair) {
  // Six trainees of varied strength, three projects with four seats.
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, int>>>> people = {
      {"a", {{"Python", 5}, {"PyTorch", 5}}},    {"b", {{"Python", 4}, {"PyTorch", 3}}},
      {"c", {{"Python", 3}, {"PyTorch", 4}}},    {"d", {{"Python", 5}}},
      {"e", {{"Python", 3}, {"TensorFlow", 3}}}, {"f", {{"Python", 4}, {"Docker", 5}}}};
  for (const auto& [name, skills] : people) add_trainee(name + "@example.com", skills);
  std::vector<std::string> projects = {
      add_project(firm_key_, "Vision", 2),
      add_project(firm_key_, "Ops", 1,
                  {{"skills",
                    {{{"skill", "Python"}, {"min_level", 3}, {"weight", 2}, {"required", true}},
                     {{"skill", "Docker"}, {"min_level", 3}, {"weight", 5}}}}}),
      add_project(other_firm_key_, "Research", 1, {{"japanese_min", "N5"}})};
  expect_problem(call("POST", "/v1/matching-rounds", firm_key_, {{"algorithm", "stable"}}), 403);
  auto bad = call("POST", "/v1/matching-rounds", admin_,
                  {{"algorithm", "greedy"}, {"min_score", 2}, {"project_ids", {"nope"}}});
  expect_problem(bad, 422);
  EXPECT_EQ(bad.body["errors"].size(), 3u) << bad.body.dump();

  auto round = call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}});
  ASSERT_EQ(round.status(), 201) << round.http.body;
  const std::string round_id = round.body["id"];
  EXPECT_EQ(round.body["status"], "completed");
  EXPECT_EQ(round.body["statistics"]["assigned"], 4);
  EXPECT_EQ(round.body["statistics"]["available_trainees"], 6);
  EXPECT_EQ(round.body["statistics"]["unmatched"]["count"], 2);
  EXPECT_TRUE(round.body["timings"].contains("total_ms"));
  // round.completed: the programme office, which ran it, is told of every
  // match it proposed (migration 0101; it was told 0); each firm of its own.
  EXPECT_EQ(db_.query_value("SELECT e.data->>'proposed' FROM org_events e JOIN organizations o "
                            "ON o.id = e.organization_id WHERE e.type = 'round.completed' "
                            "AND o.kind = 'programme_office' AND e.round_id = '" +
                            round_id + "'"),
            "4");
  EXPECT_EQ(db_.query_value("SELECT sum((e.data->>'proposed')::int) FROM org_events e JOIN "
                            "organizations o ON o.id = e.organization_id WHERE e.type = "
                            "'round.completed' AND o.kind = 'firm' AND e.round_id = '" +
                            round_id + "'"),
            "4");
  // Each training organization of its own trainees' proposals (migration
  // 0114 counts them in one GROUP BY).
  EXPECT_EQ(
      db_.query_value("SELECT count(*) FROM org_events e JOIN organizations o ON o.id = "
                      "e.organization_id WHERE e.type = 'round.completed' AND o.kind = "
                      "'training_provider' AND e.round_id = '" +
                      round_id +
                      "' AND (e.data->>'proposed')::int = (SELECT count(*) FROM matches m WHERE "
                      "m.round_id = e.round_id AND m.training_org_id = e.organization_id)"),
      db_.query_value("SELECT count(DISTINCT training_org_id) FROM matches WHERE round_id = '" +
                      round_id + "'"));

  // Scores of every eligible pair, from the candidates endpoint.
  std::map<std::pair<std::string, std::string>, double> score;  // (trainee, project)
  std::map<std::string, int> capacity = {{projects[0], 2}, {projects[1], 1}, {projects[2], 1}};
  for (const auto& p : projects) {
    auto c = call("GET", "/v1/projects/" + p + "/candidates", admin_);
    for (const auto& item : c.body["items"]) score[{item["trainee"]["id"], p}] = item["score"];
  }
  auto matches = call("GET", "/v1/matches?round_id=" + round_id, admin_);
  ASSERT_EQ(matches.status(), 200);
  std::map<std::string, std::string> assigned;       // trainee -> project
  std::map<std::string, std::vector<double>> taken;  // project -> scores
  for (const auto& m : matches.body["items"]) {
    EXPECT_EQ(m["state"], "proposed");
    const std::string t = m["trainee_id"], p = m["project_id"];
    EXPECT_FALSE(assigned.count(t)) << "trainee assigned twice";
    assigned[t] = p;
    ASSERT_TRUE(score.count({t, p})) << "assigned an ineligible pair";
    EXPECT_NEAR(m["score"].get<double>(), (score[{t, p}]), 1e-9);
    taken[p].push_back(score[{t, p}]);
  }
  EXPECT_EQ(assigned.size(), 4u);
  for (const auto& [p, scores] : taken) EXPECT_LE(static_cast<int>(scores.size()), capacity[p]);
  // No blocking pair: no trainee prefers a project that has a free seat or
  // holds someone it scores lower.
  for (const auto& [pair, s] : score) {
    const auto& [t, p] = pair;
    const bool prefers = !assigned.count(t) || s > score[{t, assigned[t]}];
    if (!prefers) continue;
    const auto& held = taken[p];
    const bool free_seat = static_cast<int>(held.size()) < capacity[p];
    const bool holds_worse =
        std::any_of(held.begin(), held.end(), [&s = s](double x) { return x < s; });
    EXPECT_FALSE(free_seat || holds_worse) << "blocking pair " << t << " " << p;
  }
  // The round checked itself over the same pairs: every eligible pair (the
  // candidates above) and none blocking; the list of rounds keeps the figures.
  const auto& stability = round.body["statistics"]["stability"];
  EXPECT_EQ(stability["stable"], true) << round.body.dump();
  EXPECT_EQ(stability["blocking_pairs"], 0);
  EXPECT_EQ(stability["pairs_checked"], score.size());
  EXPECT_EQ(stability["shortlisted_whole"], 0);
  EXPECT_TRUE(round.body["timings"].contains("check_ms"));
  // Events: one for the round, one per proposed match.
  auto events = call("GET", "/v1/audit?round_id=" + round_id + "&limit=200", admin_);
  EXPECT_EQ(events.body["items"].size(), 5u);
  auto listed = call("GET", "/v1/matching-rounds", admin_);
  ASSERT_EQ(listed.body["items"].size(), 1u);
  EXPECT_EQ(call("GET", "/v1/matching-rounds/" + round_id, admin_).body["id"], round_id);
  // A second round finds everyone busy or every seat taken.
  auto again = call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "max_score"}});
  ASSERT_EQ(again.status(), 201) << again.http.body;
  EXPECT_EQ(again.body["statistics"]["assigned"], 0);
  EXPECT_FALSE(again.body["statistics"].contains("stability"));  // max_score claims none
}

// A firm rejected its round's proposal: the next rounds never propose the
// same trainee for the same project again (the walkthrough saw a rejected
// candidate come back first), but may for another project, and the firm can
// still shortlist them by hand.
TEST_F(MatchingTest, ARejectedPairIsNotProposedAgain) {
  const auto strong = add_trainee("strong@example.com", {{"Python", 5}, {"PyTorch", 5}});
  const auto weaker = add_trainee("weaker@example.com", {{"Python", 3}});
  const auto project = add_project(firm_key_, "Vision", 1);
  auto round_of = [&](const std::string& algorithm) {
    auto r = call("POST", "/v1/matching-rounds", admin_, {{"algorithm", algorithm}});
    EXPECT_EQ(r.status(), 201) << r.http.body;
    auto m = call("GET", "/v1/matches?round_id=" + r.body.value("id", ""), admin_);
    std::map<std::string, std::string> proposed;  // trainee -> project
    for (const auto& x : m.body["items"]) proposed[x["trainee_id"]] = x["project_id"];
    return std::pair{r.body, proposed};
  };
  auto [first, proposed] = round_of("stable");
  ASSERT_EQ(proposed, (std::map<std::string, std::string>{{strong, project}}));
  const auto match = db_.query_value("SELECT id FROM matches WHERE trainee_id = '" + strong + "'");
  ASSERT_EQ(move(match, firm_key_, "rejected", "not the profile we need").status(), 200);

  // The weaker trainee takes the seat; the rejected one is not proposed. A
  // round undone (its proposals withdrawn) bars nothing: the next proposes
  // the same again.
  auto [by_score, scored] = round_of("max_score");
  EXPECT_EQ(scored, (std::map<std::string, std::string>{{weaker, project}})) << by_score.dump();
  ASSERT_EQ(call("POST", "/v1/matching-rounds/" + by_score.value("id", "") + "/withdraw-proposed",
                 admin_, {{"reason", "tried the other algorithm"}})
                .status(),
            200);
  auto [again, next] = round_of("stable");
  EXPECT_EQ(next, (std::map<std::string, std::string>{{weaker, project}})) << again.dump();
  // The refused pair is not eligible, so it is neither checked nor blocking.
  EXPECT_EQ(again["statistics"]["stability"]["stable"], true) << again.dump();
  EXPECT_EQ(again["statistics"]["stability"]["pairs_checked"], 1) << again.dump();
  const auto second = db_.query_value("SELECT id FROM matches WHERE trainee_id = '" + weaker +
                                      "' AND state = 'proposed'");
  ASSERT_EQ(move(second, admin_, "rejected", "not this time").status(), 200);
  // Both rejected for this project: a round proposes no one for it, but the
  // strong trainee is proposed for another project.
  const auto other = add_project(other_firm_key_, "Research", 1);
  auto [last, after] = round_of("stable");
  EXPECT_EQ(after, (std::map<std::string, std::string>{{strong, other}})) << last.dump();
  // By hand the firm can shortlist a trainee it rejected before.
  auto by_hand =
      call("POST", "/v1/matches", firm_key_, {{"project_id", project}, {"trainee_id", weaker}});
  EXPECT_EQ(by_hand.status(), 201) << by_hand.http.body;
}

// A firm shortlists a pair by hand while a round stores the same pair as a
// proposal (a probe: the round answered 500, "duplicate key ... matches_open_pair",
// and was lost). The hand-made match is held uncommitted until the round's
// COPY waits on it; then it commits, and the round stores again without it.
TEST_F(MatchingTest, APairShortlistedWhileARoundIsStoredIsLeftOutNotA500) {
  const auto strong = add_trainee("strong@example.com", {{"Python", 5}, {"PyTorch", 5}});
  const auto project = add_project(firm_key_, "Vision", 1);
  pqxx::connection c(db_.url());
  pqxx::work hold(c);
  hold.exec(
      "INSERT INTO matches (project_id, trainee_id, firm_id, training_org_id, state) "
      "VALUES ('" +
      project + "', '" + strong + "', '" + firm_ + "', '" + school_ + "', 'shortlisted')");
  HttpResponse round;
  const std::string admin = admin_;
  std::thread run([&] {
    round = request(service_->port(), "POST", "/v1/matching-rounds",
                    json{{"algorithm", "stable"}}.dump(),
                    {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/json"}});
  });
  // The round's COPY waits for this transaction (the open pair's unique index).
  bool waiting = false;
  for (int i = 0; i < 200 && !waiting; ++i) {
    waiting = db_.query_value("SELECT count(*) FROM pg_locks WHERE NOT granted") != "0";
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(waiting) << "the round never reached the pair";
  hold.commit();
  run.join();
  ASSERT_EQ(round.status, 201) << round.body;
  const auto body = json::parse(round.body);
  EXPECT_EQ(body["statistics"]["assigned"], 0) << round.body;
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM matches WHERE trainee_id = '" + strong + "'"),
            "1");
  EXPECT_EQ(db_.query_value("SELECT state FROM matches WHERE trainee_id = '" + strong + "'"),
            "shortlisted");
  // The lease is free again: another round runs.
  EXPECT_EQ(call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}}).status(), 201);
}

// A client that lost the answer retries with the same Idempotency-Key: it
// gets the round it ran, and the match it made, again (a probe: each retry
// ran another round; a retried match answered 409 duplicate).
TEST_F(MatchingTest, RoundsAndMatchesReplayTheirIdempotencyKey) {
  const auto t = add_trainee("retry@example.com", {{"Python", 5}});
  const auto project = add_project(firm_key_, "Vision", 1);
  const json dry = {{"algorithm", "stable"}, {"dry_run", true}};
  auto first = call("POST", "/v1/matching-rounds", admin_, dry, {{"Idempotency-Key", "round-1"}});
  ASSERT_EQ(first.status(), 201) << first.http.body;
  auto again = call("POST", "/v1/matching-rounds", admin_, dry, {{"Idempotency-Key", "round-1"}});
  ASSERT_EQ(again.status(), 201) << again.http.body;
  EXPECT_EQ(again.http.header("Idempotent-Replayed").value_or(""), "true");
  EXPECT_EQ(again.body["id"], first.body["id"]);
  EXPECT_EQ(count_rows("matching_rounds"), 1u);
  // A dry run stores no match: the office that ran it is told of none.
  EXPECT_EQ(db_.query_value("SELECT string_agg(e.data->>'proposed', ',') FROM org_events e WHERE "
                            "e.type = 'round.completed' AND e.round_id = '" +
                            first.body["id"].get<std::string>() + "'"),
            "0");
  expect_problem(call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "max_score"}},
                      {{"Idempotency-Key", "round-1"}}),
                 422);
  EXPECT_EQ(count_rows("matching_rounds"), 1u);

  const json pair = {{"project_id", project}, {"trainee_id", t}};
  auto made = call("POST", "/v1/matches", firm_key_, pair, {{"Idempotency-Key", "match-1"}});
  ASSERT_EQ(made.status(), 201) << made.http.body;
  auto replayed = call("POST", "/v1/matches", firm_key_, pair, {{"Idempotency-Key", "match-1"}});
  ASSERT_EQ(replayed.status(), 201) << replayed.http.body;
  EXPECT_EQ(replayed.http.header("Idempotent-Replayed").value_or(""), "true");
  EXPECT_EQ(replayed.body["id"], made.body["id"]);
  EXPECT_EQ(replayed.http.header("ETag"), made.http.header("ETag"));
  // Without the key the same pair is still a conflict.
  expect_problem(call("POST", "/v1/matches", firm_key_, pair), 409);
  // Every error at once: an unknown project and an unknown trainee.
  const std::string nobody = "00000000-0000-4000-8000-000000000000";
  auto both =
      call("POST", "/v1/matches", firm_key_, {{"project_id", nobody}, {"trainee_id", nobody}});
  expect_problem(both, 422);
  std::set<std::string> pointers;
  for (const auto& e : both.body["errors"]) pointers.insert(e["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"/project_id", "/trainee_id"})) << both.http.body;
  // A trainee no longer active is no candidate, as an unknown one: not a
  // list of failed constraints with "not_active" (which told a firm that
  // another had placed the trainee).
  const auto gone = add_trainee("gone-away@example.com", {{"Python", 5}});
  db_.exec("UPDATE trainees SET status = 'withdrawn' WHERE id = '" + gone + "'");
  auto inactive =
      call("POST", "/v1/matches", firm_key_, {{"project_id", project}, {"trainee_id", gone}});
  expect_problem(inactive, 422);
  ASSERT_EQ(inactive.body["errors"].size(), 1u) << inactive.http.body;
  EXPECT_EQ(inactive.body["errors"][0]["pointer"], "/trainee_id") << inactive.http.body;
  EXPECT_EQ(inactive.body["errors"][0]["code"], "not_found") << inactive.http.body;
  EXPECT_FALSE(inactive.body.contains("failed_constraints")) << inactive.http.body;
  EXPECT_EQ(count_rows("matches"), 1u);
}

TEST_F(MatchingTest, ErasingATraineeWithdrawsItsOpenMatches) {
  const auto t = add_trainee("gone@example.com", {{"Python", 5}});
  const auto p = add_project(firm_key_, "Inspection AI", 1);
  auto m = call("POST", "/v1/matches", firm_key_, {{"project_id", p}, {"trainee_id", t}});
  ASSERT_EQ(m.status(), 201) << m.http.body;
  const std::string match = m.body["id"];
  auto read = call("GET", "/v1/trainees/" + t, school_key_);
  ASSERT_EQ(call("DELETE", "/v1/trainees/" + t, school_key_, nullptr,
                 {{"If-Match", read.http.header("ETag").value_or("")}})
                .status(),
            204);
  auto after = call("GET", "/v1/matches/" + match, firm_key_);
  ASSERT_EQ(after.status(), 200) << after.http.body;
  EXPECT_EQ(after.body["state"], "withdrawn");
  EXPECT_TRUE(after.body["personal"].is_null());
  auto events = call("GET", "/v1/matches/" + match + "/events", firm_key_);
  EXPECT_EQ(events.body["items"].back()["reason"], "the trainee's personal data was erased");
  EXPECT_EQ(events.body["items"].back()["from"], "shortlisted");
}

TEST_F(MatchingTest, ASecondConcurrentRoundIsRefused) {
  add_trainee("busy@example.com", {{"Python", 5}});
  add_project(firm_key_, "Inspection AI", 1);
  // Another replica holds the round lease, as a running round does.
  db_.exec(
      "INSERT INTO round_lease (holder, expires_at) VALUES ('another replica', now() + "
      "interval '1 hour')");
  auto refused = call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}});
  expect_problem(refused, 409);
  EXPECT_EQ(refused.http.header("Retry-After"), "5");
  EXPECT_EQ(count_rows("matching_rounds"), 0u);  // nothing was stored by the refused round
  // A lease its holder never gave back (a crashed replica) runs out.
  db_.exec("UPDATE round_lease SET expires_at = now() - interval '1 second'");
  EXPECT_EQ(call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}}).status(), 201);
  // A finished round gives the lease back.
  EXPECT_EQ(count_rows("round_lease"), 0u);
  EXPECT_EQ(call("POST", "/v1/matching-rounds", admin_, {{"algorithm", "stable"}}).status(), 201);
}

TEST_F(MatchingTest, PersonalDataStaysHiddenWithoutConsentToShareAbroad) {
  const auto t =
      add_trainee("quiet@example.com", {{"Python", 5}},
                  {{"consent", {{"matching", true}, {"share_with_firms_abroad", false}}}});
  const std::string match = accepted_match(t);
  auto firm_view = call("GET", "/v1/matches/" + match, firm_key_);
  EXPECT_TRUE(firm_view.body["personal"].is_null());
  EXPECT_EQ(call("GET", "/v1/matches/" + match, school_key_).body["personal"]["email"],
            "quiet@example.com");
  EXPECT_EQ(call("GET", "/v1/audit?kind=personal_data_read", admin_).body["items"].size(), 0u);
}

// A firm's copy of an accepted match's contacts is not revalidated after the
// trainee withdraws consent to share abroad: the match's version (its ETag)
// does not change, and a 304 kept the contacts alive (a probe found it).
TEST_F(MatchingTest, AWithdrawnConsentIsNotHiddenBehindA304) {
  const auto t = add_trainee("open@example.com", {{"Python", 5}});
  const std::string match = accepted_match(t);
  auto shown = call("GET", "/v1/matches/" + match, firm_key_);
  ASSERT_EQ(shown.body["personal"]["email"], "open@example.com") << shown.http.body;
  const std::string tag = shown.http.header("ETag").value_or("");
  auto patched = call("PATCH", "/v1/trainees/" + t, school_key_,
                      {{"consent", {{"share_with_firms_abroad", false}}}});
  ASSERT_EQ(patched.status(), 200) << patched.http.body;
  auto again = call("GET", "/v1/matches/" + match, firm_key_, nullptr, {{"If-None-Match", tag}});
  ASSERT_EQ(again.status(), 200) << again.http.body;
  EXPECT_TRUE(again.body["personal"].is_null());
  EXPECT_EQ(again.http.header("ETag").value_or(""), tag);  // still the version for If-Match
}

}  // namespace
}  // namespace kakehashi::testing

namespace kakehashi::testing {
namespace {

// Administrators' reads of name and contacts are recorded as firms' are: a
// trainee read (from the database, then from the document cache), a list
// page, and a match. The owning training organization's reads are not.
TEST_F(MatchingTest, AdministratorsReadsOfPersonalDataAreAudited) {
  const auto a = add_trainee("audit-a@example.com", {{"Python", 5}});
  const auto b = add_trainee("audit-b@example.com", {{"Python", 4}});
  const auto p = add_project(firm_key_, "Inspection AI", 1);
  auto m = call("POST", "/v1/matches", firm_key_, {{"project_id", p}, {"trainee_id", a}});
  ASSERT_EQ(m.status(), 201) << m.http.body;
  const std::string match = m.body["id"];
  auto admin_reads = [&] {
    auto r = call("GET", "/v1/audit?kind=personal_data_read&limit=100", admin_);
    EXPECT_EQ(r.status(), 200) << r.http.body;
    std::vector<std::string> trainees;
    for (const auto& e : r.body["items"]) {
      EXPECT_EQ(e["actor"]["role"], "admin");
      trainees.push_back(e["trainee_id"]);
    }
    std::sort(trainees.begin(), trainees.end());
    return trainees;
  };
  ASSERT_EQ(call("GET", "/v1/trainees/" + a, school_key_).status(), 200);
  ASSERT_EQ(call("GET", "/v1/trainees?limit=10", school_key_).status(), 200);
  EXPECT_TRUE(admin_reads().empty()) << "the training organization's own reads are not audited";

  auto first = call("GET", "/v1/trainees/" + a, admin_);
  ASSERT_EQ(first.status(), 200);
  EXPECT_EQ(first.body["email"], "audit-a@example.com");
  ASSERT_EQ(call("GET", "/v1/trainees/" + a, admin_).status(), 200);  // a cache hit
  EXPECT_EQ(admin_reads(), (std::vector<std::string>{a, a}));

  ASSERT_EQ(call("GET", "/v1/trainees?limit=10", admin_).status(), 200);
  auto expected = std::vector<std::string>{a, a, a, b};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(admin_reads(), expected);

  auto view = call("GET", "/v1/matches/" + match, admin_);
  ASSERT_EQ(view.status(), 200);
  EXPECT_EQ(view.body["personal"]["email"], "audit-a@example.com");
  auto by_match = call("GET", "/v1/audit?kind=personal_data_read&match_id=" + match, admin_);
  ASSERT_EQ(by_match.body["items"].size(), 1u) << by_match.http.body;
  EXPECT_EQ(by_match.body["items"][0]["trainee_id"], a);
}

}  // namespace
}  // namespace kakehashi::testing
