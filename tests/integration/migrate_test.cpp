// `kakehashi migrate` against a real database: idempotence, tamper detection,
// and two processes migrating at once.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/paths.hpp"
#include "support/service_process.hpp"
#include "support/test_database.hpp"

namespace kakehashi::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kh_migrations_" + db_.name());
    fs::create_directories(dir_);
    for (const auto& entry : fs::directory_iterator(source_path("migrations"))) {
      fs::copy_file(entry.path(), dir_ / entry.path().filename());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::map<std::string, std::string> env() const {
    auto e = db_.env();
    e["KAKEHASHI_MIGRATIONS_DIR"] = dir_.string();
    return e;
  }
  // Migrates the files before `version` only ("0020"): the rest wait aside
  // until migrate_the_rest(), as an older installation would meet them.
  void migrate_before(const std::string& version) {
    const fs::path held = dir_ / "held";  // migrate reads the files of dir_ only
    fs::create_directories(held);
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const auto name = entry.path().filename().string();
      if (entry.is_regular_file() && name >= version) fs::rename(entry.path(), held / name);
    }
    auto r = run_kakehashi({"migrate"}, env());
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  void migrate_the_rest() {
    const fs::path held = dir_ / "held";
    for (const auto& entry : fs::directory_iterator(held)) {
      fs::rename(entry.path(), dir_ / entry.path().filename());
    }
    fs::remove(held);
    auto r = run_kakehashi({"migrate"}, env());
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  std::size_t file_count() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  TestDatabase db_;
  fs::path dir_;
};

TEST_F(MigrateTest, SecondRunIsANoOp) {
  auto first = run_kakehashi({"migrate"}, env());
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("\"applied\":" + std::to_string(file_count())), std::string::npos)
      << first.output;
  const auto applied_at = db_.query_value("SELECT max(applied_at)::text FROM schema_migrations");
  auto second = run_kakehashi({"migrate"}, env());
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("\"applied\":0"), std::string::npos) << second.output;
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM schema_migrations"),
            std::to_string(file_count()));
  EXPECT_EQ(db_.query_value("SELECT max(applied_at)::text FROM schema_migrations"), applied_at);
}

TEST_F(MigrateTest, ATamperedAppliedFileIsAnError) {
  ASSERT_EQ(run_kakehashi({"migrate"}, env()).exit_code, 0);
  std::ofstream(dir_ / "0001_init.sql", std::ios::app) << "\n-- edited afterwards\n";
  auto r = run_kakehashi({"migrate"}, env());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("0001_init.sql was changed after it was applied"), std::string::npos)
      << r.output;
  auto serve = run_kakehashi({"serve", "--listen", "127.0.0.1:0"}, env());
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_NE(serve.output.find("changed after it was applied"), std::string::npos);
}

TEST_F(MigrateTest, AFailingMigrationRollsBackAndStopsThere) {
  std::ofstream(dir_ / "9998_ok.sql") << "CREATE TABLE kh_probe_ok (id int);";
  std::ofstream(dir_ / "9999_bad.sql") << "CREATE TABLE kh_probe_bad (id int); SELECT 1/0;";
  auto r = run_kakehashi({"migrate"}, env());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("9999_bad.sql failed"), std::string::npos) << r.output;
  EXPECT_EQ(db_.query_value("SELECT to_regclass('kh_probe_ok') IS NOT NULL"), "t");
  EXPECT_EQ(db_.query_value("SELECT to_regclass('kh_probe_bad') IS NOT NULL"), "f");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM schema_migrations WHERE name = '9999_bad.sql'"),
            "0");
}

TEST_F(MigrateTest, ConcurrentRunsApplyEachFileOnce) {
  // A slow migration makes the two runs overlap for certain.
  std::ofstream(dir_ / "9000_slow.sql")
      << "SELECT pg_sleep(1); CREATE TABLE kh_slow (id int PRIMARY KEY);";
  for (int round = 0; round < 2; ++round) {
    auto e = env();
    const std::string log_a = "/tmp/kh_migrate_a_" + db_.name() + ".log";
    const std::string log_b = "/tmp/kh_migrate_b_" + db_.name() + ".log";
    const pid_t a = spawn({kakehashi_binary(), "migrate"}, e, log_a);
    const pid_t b = spawn({kakehashi_binary(), "migrate"}, e, log_b);
    EXPECT_EQ(wait_for(a, 60s), 0) << read_file(log_a);
    EXPECT_EQ(wait_for(b, 60s), 0) << read_file(log_b);
    fs::remove(log_a);
    fs::remove(log_b);
    EXPECT_EQ(db_.query_value("SELECT count(*) FROM schema_migrations"),
              std::to_string(file_count()));
  }
}

// Migration 0020 (money, working time, Japanese) on a database that holds
// data written under the schema before it: every row is carried forward with
// what the service assumed before (09:00-18:00 Monday to Friday, self-declared
// JLPT, unverified certifications), organizations take their country's
// currency, and the rates the service had compiled in become rows.
TEST_F(MigrateTest, MoneyAndWorkingTimeCarryExistingDataForward) {
  migrate_before("0020");
  if (HasFatalFailure()) return;
  db_.exec(
      "INSERT INTO organizations (id, name, kind, country) VALUES "
      " ('00000000-0000-4000-8000-000000000001', 'Old School', 'training_provider', 'BD'), "
      " ('00000000-0000-4000-8000-000000000002', 'Old Firm', 'firm', 'JP'), "
      " ('00000000-0000-4000-8000-000000000003', 'Old Office', 'programme_office', 'SG')");
  db_.exec(
      "INSERT INTO trainees (id, organization_id, alias, timezone, japanese, certifications, "
      " hours_per_week, rate_amount, rate_currency, consent_matching) VALUES "
      " ('00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000001', "
      "  'KH-OLD0000001', 'Asia/Dhaka', 'N3', "
      "  '[{\"name\": \"ITEE FE\", \"year\": 2024}, {\"name\": \"AWS SAA\"}]', "
      "  30, 90000, 'BDT', true), "
      " ('00000000-0000-4000-8000-000000000012', '00000000-0000-4000-8000-000000000001', "
      "  'KH-OLD0000002', NULL, NULL, '[]', NULL, NULL, NULL, false)");
  db_.exec(
      "INSERT INTO projects (id, organization_id, title, headcount, start_date, duration_months, "
      " budget_min, budget_max, budget_currency, overlap_hours_jst, status) VALUES "
      " ('00000000-0000-4000-8000-000000000021', '00000000-0000-4000-8000-000000000002', "
      "  'Old project', 2, '2027-01-04', 6, 400000, 600000, 'JPY', 4, 'open')");
  migrate_the_rest();
  if (HasFatalFailure()) return;
  EXPECT_EQ(db_.query_value("SELECT string_agg(currency || ':' || bill_rate_multiplier, ',' "
                            "ORDER BY name) FROM organizations"),
            "JPY:2.00,USD:2.00,BDT:2.00");
  EXPECT_EQ(db_.query_value(
                "SELECT work_start || '-' || work_end || ' ' || array_to_string(work_days, ',') "
                "|| ' ' || japanese_certified || ' ' || hours_per_week || ' ' || rate_amount "
                "FROM trainees WHERE alias = 'KH-OLD0000001'"),
            "09:00:00-18:00:00 mon,tue,wed,thu,fri false 30 90000.00");
  EXPECT_EQ(db_.query_value("SELECT certifications::text FROM trainees "
                            "WHERE alias = 'KH-OLD0000001'"),
            "[{\"name\": \"ITEE FE\", \"year\": 2024, \"verified\": false}, "
            "{\"name\": \"AWS SAA\", \"verified\": false}]");
  EXPECT_EQ(db_.query_value("SELECT certifications::text FROM trainees "
                            "WHERE alias = 'KH-OLD0000002'"),
            "[]");
  EXPECT_EQ(db_.query_value("SELECT min_overlap_hours_jst || ' ' || overlap_hours_jst || ' ' || "
                            "min_hours_per_week || ' ' || availability_tolerance_months || ' ' || "
                            "coalesce(hours_per_week::text, 'null') || ' ' || budget_max "
                            "FROM projects"),
            "0.0 4.0 0 1 null 600000.00");
  EXPECT_EQ(db_.query_value("SELECT per_usd::float8 FROM exchange_rates WHERE currency = 'JPY'"),
            "150");
  // The service starts on the migrated data and serves it.
  auto serve_check = run_kakehashi({"migrate"}, env());
  EXPECT_NE(serve_check.output.find("\"applied\":0"), std::string::npos) << serve_check.output;
}

// 0111: trainees of one organization registered before under one address
// typed two ways keep their rows; the oldest holds the key, the later one is
// marked and left out of it until its email changes; no new twin gets in.
TEST_F(MigrateTest, TwinsRegisteredBeforeTheEmailKeyAreMarkedNotLost) {
  migrate_before("0111");
  if (HasFatalFailure()) return;
  const std::string org = "'00000000-0000-4000-8000-000000000001'";
  db_.exec("INSERT INTO organizations (id, name, kind, country) VALUES (" + org +
           ", 'Old School', 'training_provider', 'BD')");
  const char* emails[] = {"rahim@example.com", "\uFF52\uFF41\uFF48\uFF49\uFF4D@example.com",
                          "karim@example.com"};
  for (int i = 0; i < 3; ++i) {
    const std::string id = "'00000000-0000-4000-8000-00000000001" + std::to_string(i) + "'";
    db_.exec("INSERT INTO trainees (id, organization_id, alias) VALUES (" + id + ", " + org +
             ", 'KH-OLD000000" + std::to_string(i) + "')");
    db_.exec(
        "INSERT INTO trainee_personal (trainee_id, organization_id, full_name, email) VALUES (" +
        id + ", " + org + ", 'Rahim', '" + emails[i] + "')");
  }
  migrate_the_rest();
  if (HasFatalFailure()) return;
  const std::string marked =
      "SELECT string_agg(t.alias, ',' ORDER BY t.alias) FROM trainee_personal p "
      "JOIN trainees t ON t.id = p.trainee_id WHERE p.email_key_shared";
  EXPECT_EQ(db_.query_value(marked), "KH-OLD0000001");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainee_personal"), "3");
  // One key for each pair typed two ways (a probe found the first three:
  // lowering undid a composition, final sigma, the ideographic full stop),
  // and two for addresses that only look alike.
  const auto same = [&](const std::string& a, const std::string& b) {
    return db_.query_value("SELECT email_key('" + a + "') = email_key('" + b + "')") == "t";
  };
  EXPECT_TRUE(same("J\u030Cohn@a.jp", "\u01F0ohn@a.jp"));
  EXPECT_TRUE(same("\u039F\u0394\u039F\u03A3@a.jp", "\u03BF\u03B4\u03BF\u03C2@a.jp"));
  EXPECT_TRUE(same("rahim@mail.example\u3002com", "Rahim@mail.example.com"));
  EXPECT_TRUE(same("\uFF32\uFF41\uFF48\uFF49\uFF4D\uFF20example.com", "rahim@example.com"));
  EXPECT_FALSE(same("stra\u00DFe@a.de", "strasse@a.de"));
  EXPECT_FALSE(same("\u0131van@a.tr", "ivan@a.tr"));
  EXPECT_FALSE(same("rahim+bd@example.com", "rahim@example.com"));
  // No new twin: karim@ to another spelling of rahim@, rahim@ to one of karim@.
  EXPECT_THROW(db_.exec("UPDATE trainee_personal SET email = 'RAHIM@example.com' "
                        "WHERE trainee_id = '00000000-0000-4000-8000-000000000012'"),
               std::exception);
  EXPECT_THROW(db_.exec("UPDATE trainee_personal SET email = '\uFF2B\uFF41rim@example.com' "
                        "WHERE trainee_id = '00000000-0000-4000-8000-000000000010'"),
               std::exception);
  // The marked twin keeps its mark under its key, loses it with a new one.
  db_.exec(
      "UPDATE trainee_personal SET email = 'Rahim@example.com' "
      "WHERE trainee_id = '00000000-0000-4000-8000-000000000011'");
  EXPECT_EQ(db_.query_value(marked), "KH-OLD0000001");
  EXPECT_THROW(db_.exec("UPDATE trainee_personal SET email = 'karim@EXAMPLE.com' "
                        "WHERE trainee_id = '00000000-0000-4000-8000-000000000011'"),
               std::exception);
  db_.exec(
      "UPDATE trainee_personal SET email = 'rahim.uddin@example.com' "
      "WHERE trainee_id = '00000000-0000-4000-8000-000000000011'");
  EXPECT_EQ(db_.query_value(marked), "");
}

// Issue 16: 0030 and 0031 carry a database of the previous schema forward.
// Skills keep their ids (trainees' and projects' skills stay), a skill an
// administrator already added under a new name keeps its row and its aliases
// and gains a Japanese name, and the alias that becomes a skill of its own
// ('postgresql', SQL's since 0003) moves.
TEST_F(MigrateTest, TheTaxonomyMigrationCarriesExistingDataForward) {
  migrate_before("0030");
  if (HasFatalFailure()) return;
  db_.exec(
      "INSERT INTO skills (name, category) VALUES ('php', 'general');"
      "INSERT INTO skill_aliases (alias, skill_id) SELECT 'php7', id FROM skills WHERE name = "
      "'php';"
      "INSERT INTO organizations (name, kind, country) VALUES ('Academy', 'training_provider', "
      "'BD');"
      "INSERT INTO trainees (organization_id, alias) SELECT id, 'T-1' FROM organizations;"
      "INSERT INTO trainee_skills (trainee_id, skill_id, level) "
      "  SELECT t.id, s.id, 4 FROM trainees t, skills s WHERE s.name IN ('php', 'SQL');"
      "INSERT INTO audit_events (kind, details) VALUES ('consent', '{}');");
  const auto php_id = db_.query_value("SELECT id FROM skills WHERE name = 'php'");
  const auto sql_id = db_.query_value("SELECT id FROM skills WHERE name = 'SQL'");
  ASSERT_EQ(db_.query_value("SELECT s.name FROM skill_aliases a JOIN skills s ON s.id = a.skill_id "
                            "WHERE a.alias = 'postgresql'"),
            "SQL");
  migrate_the_rest();
  if (HasFatalFailure()) return;
  EXPECT_EQ(db_.query_value("SELECT id FROM skills WHERE lower(name) = 'php'"), php_id);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM skills WHERE lower(name) = 'php'"), "1");
  EXPECT_EQ(db_.query_value("SELECT name_ja FROM skills WHERE id = " + php_id), "ピーエイチピー");
  EXPECT_EQ(db_.query_value("SELECT skill_id FROM skill_aliases WHERE alias = 'php7'"), php_id);
  // The trainee's skills, merged by 0030 and moved onto its row by 0070.
  EXPECT_EQ(db_.query_value("SELECT array_to_string(skill_ids, ',') FROM trainees"),
            std::to_string(std::min(std::stoi(php_id), std::stoi(sql_id))) + "," +
                std::to_string(std::max(std::stoi(php_id), std::stoi(sql_id))));
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM skill_aliases WHERE alias = 'postgresql'"), "0");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM skill_relations r JOIN skills a ON a.id = "
                            "r.skill_a JOIN skills b ON b.id = r.skill_b WHERE 'PostgreSQL' IN "
                            "(a.name, b.name) AND 'SQL' IN (a.name, b.name)"),
            "1");
  EXPECT_GE(std::stoi(db_.query_value("SELECT count(*) FROM skills")), 150);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM skills WHERE name_ja IS NULL"), "0");
  // Laravel is PHP's, through the skill the administrator had added.
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM skill_relations r JOIN skills l ON l.name = "
                            "'Laravel' WHERE " +
                            php_id +
                            " IN (r.skill_a, r.skill_b) AND l.id IN "
                            "(r.skill_a, r.skill_b)"),
            "1");
  // The audit trail keeps its kinds and gains skill_proposal.
  db_.exec("INSERT INTO audit_events (kind, details) VALUES ('skill_proposal', '{}')");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM audit_events"), "2");
  EXPECT_ANY_THROW(db_.exec("INSERT INTO audit_events (kind, details) VALUES ('other', '{}')"));
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM projects WHERE location IS NOT NULL"), "0");
}

}  // namespace
}  // namespace kakehashi::testing
