// A bulk import reaches the matching index as written (issue 14): the rows
// are applied from the import's own records at commit, not read back. What a
// firm sees right after the import must be what it sees once the service has
// loaded the same rows from the database.
#include <algorithm>
#include <set>

#include <pqxx/except>

#include "integration/api_fixture.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

class ImportIndexTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(school_, school_key_) = organization("Dhaka AI Academy", "training_provider");
    std::tie(firm_, firm_key_) = organization("Toyota Vision Works", "firm");
  }

  ApiResponse import_csv(const std::string& csv) {
    ApiResponse r{
        request(service_->port(), "POST", "/v1/trainees/import", csv,
                {{"Authorization", "Bearer " + school_key_}, {"Content-Type", "text/csv"}}),
        nullptr};
    r.body = json::parse(r.http.body, nullptr, false);
    return r;
  }

  std::string add_project() {
    json p = {{"title", "Inspection AI"},
              {"skills",
               {{{"skill", "Python"}, {"min_level", 3}, {"weight", 5}, {"required", true}},
                {{"skill", "PyTorch"}, {"min_level", 3}, {"weight", 3}}}},
              {"headcount", 1},
              {"start_date", "2027-02-01"},
              {"duration_months", 6},
              {"engagement", "offshore"},
              {"status", "open"}};
    auto r = call("POST", "/v1/projects", firm_key_, p);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  json candidates(const std::string& project) {
    auto r = call("GET", "/v1/projects/" + project + "/candidates?limit=100", firm_key_);
    EXPECT_EQ(r.status(), 200) << r.http.body;
    return r.body["items"];
  }

  // The project's candidates from a new service, which loads the rows from
  // the database: each expected equal to `before`'s, in order.
  json candidates_after_restart(const std::string& project, const json& before) {
    service_.reset();
    service_ = std::make_unique<ServiceProcess>(service_env());
    wait_ready(service_->port());
    const json reloaded = candidates(project);
    EXPECT_EQ(reloaded.size(), before.size());
    for (std::size_t i = 0; i < std::min(reloaded.size(), before.size()); ++i) {
      EXPECT_EQ(before[i], reloaded[i]) << "candidate " << i;
    }
    return reloaded;
  }

  static std::set<std::string> ids_of(const json& items) {
    std::set<std::string> out;
    for (const auto& item : items) out.insert(item["trainee"]["id"].get<std::string>());
    return out;
  }

  std::string school_, school_key_, firm_, firm_key_;
};

// n rows: three in four hold Python (years and rate with more decimals than
// their columns keep, certifications as text), the fourth SQL only; one in
// ten has not consented. The emails of the consenting Python holders go to
// `python_emails`.
std::string python_rows(int n, std::set<std::string>& python_emails) {
  std::string csv =
      "full_name,email,country,city,timezone,skills,japanese,english,hours_per_week,rate_amount,"
      "rate_currency,engagement,consent_matching,consent_share_abroad,certifications\n";
  for (int i = 0; i < n; ++i) {
    const bool python = i % 4 != 3;
    const bool consent = i % 10 != 9;
    const std::string email = "imported" + std::to_string(i) + "@example.com";
    if (python && consent) python_emails.insert(email);
    csv += "Trainee " + std::to_string(i) + "," + email + ",BD,Dhaka,Asia/Dhaka," +
           (python ? "python:" + std::to_string(3 + i % 3) +
                         ":2.55;pytorch:" + std::to_string(1 + i % 5) + ":0.15"
                   : std::string("sql:5:3")) +
           ",N4,B1,40," + std::to_string(1000 + i % 997) + ".555,USD,offshore," +
           (consent ? "true" : "false") + ",true,AWS SAA:2024;\"Kaggle \"\"Expert\"\"\"\n";
  }
  return csv;
}

// 100 rows (more than the change feed applies one by one).
TEST_F(ImportIndexTest, CandidatesRightAfterAnImportAreThoseOfTheStoredRows) {
  const auto project = add_project();
  EXPECT_TRUE(candidates(project).empty());
  std::set<std::string> python_emails;
  auto imported = import_csv(python_rows(100, python_emails));
  ASSERT_EQ(imported.status(), 201) << imported.http.body;
  ASSERT_EQ(imported.body["created"], 100);

  // Right after the import (no wait): exactly the consenting Python holders.
  const json right_after = candidates(project);
  std::set<std::string> expected;
  for (const auto& email : python_emails) {
    expected.insert(
        db_.query_value("SELECT trainee_id FROM trainee_personal WHERE email = '" + email + "'"));
  }
  EXPECT_EQ(ids_of(right_after), expected);
  ASSERT_EQ(right_after.size(), 70U);

  // The same page from a service that loads the rows from the database:
  // scores, explanations and profiles alike (years 2.55 stored as 2.6, the
  // rate as 1000.56 and so on).
  const json reloaded = candidates_after_restart(project, right_after);
  ASSERT_FALSE(reloaded.empty());
  const auto& first = reloaded[0]["trainee"];
  EXPECT_EQ(db_.query_value("SELECT skill_years::text FROM trainees WHERE id = '" +
                            first["id"].get<std::string>() + "'"),
            "{2.6,0.2}");
}

// A large import takes the bulk paths: its records are built on a second
// thread while the database writes the personal rows (2,000 rows and more),
// the index's cards are packed aside, and the rows are freed after the
// answer (over 5,000). The best candidates and a trainee's document right
// after it are what a service that loads the rows from the database shows.
TEST_F(ImportIndexTest, ALargeImportReachesTheIndexAsTheStoredRowsWould) {
  const auto project = add_project();
  std::set<std::string> python_emails;
  auto imported = import_csv(python_rows(5'200, python_emails));
  ASSERT_EQ(imported.status(), 201) << imported.http.body;
  ASSERT_EQ(imported.body["created"], 5'200);
  ASSERT_EQ(db_.query_value("SELECT count(*) FROM trainees"), "5200");

  const json right_after = candidates(project);
  ASSERT_EQ(right_after.size(), 100U);
  const std::string last = db_.query_value(
      "SELECT trainee_id FROM trainee_personal WHERE email = 'imported5199@example.com'");
  const auto document = call("GET", "/v1/trainees/" + last, school_key_);
  ASSERT_EQ(document.status(), 200) << document.http.body;

  candidates_after_restart(project, right_after);
  const auto stored = call("GET", "/v1/trainees/" + last, school_key_);
  ASSERT_EQ(stored.status(), 200) << stored.http.body;
  EXPECT_EQ(document.body, stored.body);
  EXPECT_TRUE(document.body["consent"]["recorded_at"].is_string()) << document.http.body;
}

// A trainee imported, then given other skills: candidates drop it at once,
// and keep the other imported trainees.
TEST_F(ImportIndexTest, ReplacedSkillsLeaveTheCandidatesAfterAnImport) {
  const auto project = add_project();
  std::string csv = "full_name,email,skills,consent_matching,consent_share_abroad\n";
  for (int i = 0; i < 80; ++i) {
    csv += "Trainee " + std::to_string(i) + ",r" + std::to_string(i) +
           "@example.com,python:4;pytorch:4,true,true\n";
  }
  ASSERT_EQ(import_csv(csv).status(), 201);
  const auto before = ids_of(candidates(project));
  ASSERT_EQ(before.size(), 80U);
  const std::string id =
      db_.query_value("SELECT trainee_id FROM trainee_personal WHERE email = 'r7@example.com'");
  ASSERT_TRUE(before.count(id));
  auto t = call("GET", "/v1/trainees/" + id, school_key_);
  auto patched = call("PATCH", "/v1/trainees/" + id, school_key_,
                      {{"skills", {{{"skill", "SQL"}, {"level", 5}}}}},
                      {{"If-Match", t.http.header("ETag").value_or("")}});
  ASSERT_EQ(patched.status(), 200) << patched.http.body;
  auto after = ids_of(candidates(project));
  EXPECT_EQ(after.size(), 79U);
  EXPECT_FALSE(after.count(id));
  // Withdrawn after the import: gone too; the rest stay.
  t = call("GET", "/v1/trainees/" + *std::next(after.begin()), school_key_);
  auto withdrawn =
      call("PATCH", "/v1/trainees/" + *std::next(after.begin()), school_key_,
           {{"status", "withdrawn"}}, {{"If-Match", t.http.header("ETag").value_or("")}});
  ASSERT_EQ(withdrawn.status(), 200) << withdrawn.http.body;
  EXPECT_EQ(ids_of(candidates(project)).size(), 78U);
}

// Migrations 0095, 0096 and 0099 moved checks the import paid per row to one
// per statement; the database still refuses what it did, and the consent time
// of a new row is still the database's.
TEST_F(ImportIndexTest, TheDatabaseKeepsTheRulesItCheckedPerRow) {
  auto imported = import_csv(
      "full_name,email,consent_matching,consent_share_abroad\nA,a@example.com,true,false\n"
      "B,b@example.com,false,false\n");
  ASSERT_EQ(imported.status(), 201) << imported.http.body;
  // The consent time is the transaction's.
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees WHERE consent_recorded_at = created_at"),
            "1");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees WHERE consent_recorded_at IS NULL"),
            "1");
  // A trainee created through the API gets the database's time too.
  auto created = call("POST", "/v1/trainees", school_key_, trainee("c@example.com"));
  ASSERT_EQ(created.status(), 201) << created.http.body;
  EXPECT_EQ(db_.query_value("SELECT consent_recorded_at = created_at FROM trainees WHERE id = '" +
                            created.body["id"].get<std::string>() + "'"),
            "t");
  // Any other value a writer gives is refused (0095 replaced it; 0099 checks
  // it per statement, as a row trigger made COPY insert row by row): another
  // time, none with consent, one without consent, in a single insert or among
  // many.
  const std::string values =
      "INSERT INTO trainees (organization_id, alias, consent_matching, "
      "consent_recorded_at) VALUES ('" +
      school_ + "', ";
  EXPECT_THROW(db_.exec(values + "'T-C', true, '2001-01-01')"), pqxx::check_violation);
  EXPECT_THROW(db_.exec(values + "'T-C', true, NULL)"), pqxx::check_violation);
  EXPECT_THROW(db_.exec(values + "'T-C', false, now())"), pqxx::check_violation);
  EXPECT_THROW(db_.exec(values + "'T-C', true, now()), ('" + school_ + "', 'T-D', true, NULL)"),
               pqxx::check_violation);
  db_.exec(values + "'T-C', true, now()), ('" + school_ + "', 'T-D', false, NULL)");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees WHERE alias IN ('T-C', 'T-D')"), "2");
  db_.exec(
      "INSERT INTO trainees (organization_id, alias) "
      "VALUES ('" +
      school_ + "', 'T-N')");
  EXPECT_EQ(db_.query_value("SELECT consent_recorded_at IS NULL FROM trainees WHERE alias = 'T-N'"),
            "t");
  // An update still sets the time when a flag changes, whatever it is given.
  db_.exec(
      "UPDATE trainees SET consent_matching = true, consent_recorded_at = '2001-01-01' "
      "WHERE alias = 'T-N'");
  EXPECT_EQ(db_.query_value("SELECT consent_recorded_at > '2020-01-01' FROM trainees "
                            "WHERE alias = 'T-N'"),
            "t");
  // An organization that does not exist.
  EXPECT_THROW(db_.exec("INSERT INTO trainees (organization_id, alias) "
                        "VALUES ('00000000-0000-4000-8000-000000000000', 'T-X')"),
               std::exception);
  EXPECT_THROW(db_.exec("UPDATE trainees SET organization_id = "
                        "'00000000-0000-4000-8000-000000000000' WHERE alias = 'T-N'"),
               std::exception);
  // Personal data names its trainee's organization, no other.
  const std::string trainee = db_.query_value("SELECT id FROM trainees WHERE alias = 'T-N'");
  EXPECT_THROW(db_.exec("INSERT INTO trainee_personal (trainee_id, organization_id, full_name, "
                        "email) VALUES ('" +
                        trainee + "', '" + firm_ + "', 'N', 'n@example.com')"),
               std::exception);
  db_.exec(
      "INSERT INTO trainee_personal (trainee_id, organization_id, full_name, email) "
      "VALUES ('" +
      trainee + "', '" + school_ + "', 'N', 'n@example.com')");
  EXPECT_THROW(db_.exec("UPDATE trainee_personal SET organization_id = '" + firm_ +
                        "' WHERE trainee_id = '" + trainee + "'"),
               std::exception);
  EXPECT_THROW(db_.exec("UPDATE trainees SET organization_id = '" + firm_ + "' WHERE id = '" +
                        trainee + "'"),
               std::exception);
  // An organization that trainees name stays; one they do not can go.
  EXPECT_THROW(db_.exec("DELETE FROM organizations WHERE id = '" + school_ + "'"), std::exception);
  db_.exec(
      "INSERT INTO organizations (name, kind, country) "
      "VALUES ('Empty Academy', 'training_provider', 'BD')");
  db_.exec("DELETE FROM organizations WHERE name = 'Empty Academy'");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM organizations WHERE name = 'Empty Academy'"),
            "0");
  EXPECT_EQ(count_rows("trainees"), 6U);
}

// Migration 0097 moved the personal row's key on its trainee to one check per
// statement, and the skills' repeat check to rows out of order: the database
// still refuses, locks and cascades what the key did.
TEST_F(ImportIndexTest, PersonalDataKeepsItsTraineeWithoutAKeyPerRow) {
  auto imported = import_csv("full_name,email\nA,a@example.com\nB,b@example.com\n");
  ASSERT_EQ(imported.status(), 201) << imported.http.body;
  const std::string a =
      db_.query_value("SELECT trainee_id FROM trainee_personal WHERE email = 'a@example.com'");
  const std::string b =
      db_.query_value("SELECT trainee_id FROM trainee_personal WHERE email = 'b@example.com'");
  // A trainee that does not exist, in a single insert or among many.
  EXPECT_THROW(db_.exec("INSERT INTO trainee_personal (trainee_id, organization_id, full_name, "
                        "email) VALUES ('00000000-0000-4000-8000-000000000000', '" +
                        school_ + "', 'X', 'x@example.com')"),
               std::exception);
  db_.exec("INSERT INTO trainees (organization_id, alias) VALUES ('" + school_ + "', 'T-P')");
  const std::string p = db_.query_value("SELECT id FROM trainees WHERE alias = 'T-P'");
  EXPECT_THROW(db_.exec("INSERT INTO trainee_personal (trainee_id, organization_id, full_name, "
                        "email) VALUES ('" +
                        p + "', '" + school_ +
                        "', 'P', 'p@example.com'), ('00000000-0000-4000-8000-000000000000', '" +
                        school_ + "', 'X', 'x@example.com')"),
               std::exception);
  // Inserted with its trainee in one transaction (the import's shape), or
  // later. A trainee of an earlier transaction is locked as the key locked it
  // (its xmax is this transaction's: a concurrent delete waits); one this
  // transaction inserted is not locked (nobody else sees it).
  EXPECT_EQ(db_.query_value(
                "BEGIN; INSERT INTO trainees (organization_id, alias) VALUES ('" + school_ +
                "', 'T-Q'); INSERT INTO trainee_personal (trainee_id, organization_id, full_name, "
                "email) SELECT id, organization_id, 'Q', 'q@example.com' FROM trainees WHERE "
                "alias = 'T-Q'; SELECT xmax::text FROM trainees WHERE alias = 'T-Q'"),
            "0");
  EXPECT_EQ(db_.query_value("BEGIN; INSERT INTO trainee_personal (trainee_id, organization_id, "
                            "full_name, email) VALUES ('" +
                            p + "', '" + school_ +
                            "', 'P', 'p@example.com'); SELECT xmax = pg_current_xact_id()::xid "
                            "FROM trainees WHERE id = '" +
                            p + "'"),
            "t");
  db_.exec(
      "BEGIN; INSERT INTO trainees (organization_id, alias) VALUES ('" + school_ +
      "', 'T-Q'); INSERT INTO trainee_personal (trainee_id, organization_id, full_name, email) "
      "SELECT id, organization_id, 'Q', 'q@example.com' FROM trainees WHERE alias = 'T-Q'; COMMIT");
  db_.exec(
      "INSERT INTO trainee_personal (trainee_id, organization_id, full_name, email) VALUES ('" + p +
      "', '" + school_ + "', 'P', 'p@example.com')");
  EXPECT_EQ(count_rows("trainee_personal"), 4U);
  // A personal row does not move to another trainee; a trainee's id does not
  // change under its personal data (one without any can).
  EXPECT_THROW(db_.exec("UPDATE trainee_personal SET trainee_id = '" + b +
                        "' WHERE trainee_id = '" + a + "'"),
               std::exception);
  EXPECT_THROW(db_.exec("UPDATE trainees SET id = gen_random_uuid() WHERE id = '" + a + "'"),
               std::exception);
  db_.exec("INSERT INTO trainees (organization_id, alias) VALUES ('" + school_ + "', 'T-R')");
  db_.exec("UPDATE trainees SET id = gen_random_uuid() WHERE alias = 'T-R'");
  // A trainee deleted takes its personal data along (the cascade).
  db_.exec("DELETE FROM trainees WHERE id IN ('" + a + "', '" + p + "')");
  EXPECT_EQ(count_rows("trainee_personal"), 2U);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainee_personal WHERE trainee_id IN ('" + a +
                            "', '" + p + "')"),
            "0");
  // Skills: a list out of order is checked for repeats one by one.
  const std::string python = db_.query_value("SELECT id FROM skills WHERE name = 'Python'");
  const std::string sql = db_.query_value("SELECT id FROM skills WHERE name = 'SQL'");
  const int low = std::min(std::stoi(python), std::stoi(sql));
  const int high = std::max(std::stoi(python), std::stoi(sql));
  const auto set_skills = [&](const std::string& ids, const std::string& levels) {
    db_.exec("UPDATE trainees SET skill_ids = '" + ids + "', skill_levels = '" + levels +
             "', skill_years = '" + levels + "' WHERE id = '" + b + "'");
  };
  set_skills("{" + std::to_string(high) + "," + std::to_string(low) + "}", "{1,2}");
  EXPECT_EQ(db_.query_value("SELECT cardinality(skill_ids) FROM trainees WHERE id = '" + b + "'"),
            "2");
  EXPECT_THROW(set_skills("{" + std::to_string(high) + "," + std::to_string(low) + "," +
                              std::to_string(high) + "}",
                          "{1,2,3}"),
               std::exception);
  EXPECT_THROW(
      set_skills("[2:3]={" + std::to_string(low) + "," + std::to_string(low) + "}", "[2:3]={1,2}"),
      std::exception);
  EXPECT_THROW(
      set_skills("[0:1]={" + std::to_string(low) + "," + std::to_string(low) + "}", "[0:1]={1,2}"),
      std::exception);
}

// Emails fold as the unique index folds them (PostgreSQL's lower()): ASCII
// ones in the service, others in the database; a duplicate is found either way,
// within the file and against the organization's trainees.
TEST_F(ImportIndexTest, DuplicateEmailsAreFoundWhetherASCIIOrNot) {
  ASSERT_EQ(import_csv("full_name,email\nA,Ana@Example.com\nB,\xc3\x9cmit@example.com\n").status(),
            201);
  auto again = import_csv(
      "full_name,email\nC,ana@EXAMPLE.COM\nD,\xc3\xbcmit@example.com\nE,"
      "\xc3\x89lo\xc3\xafse@example.com\nF,\xc3\xa9lo\xc3\xafse@example.com\nG,new@example.com\n");
  ASSERT_EQ(again.status(), 422) << again.http.body;
  std::vector<long> lines;
  for (const auto& e : again.body["errors"]) lines.push_back(e.value("line", 0L));
  EXPECT_EQ(lines, (std::vector<long>{2, 3, 5})) << again.http.body;
  EXPECT_EQ(count_rows("trainees"), 2U);
}

}  // namespace
}  // namespace kakehashi::testing
