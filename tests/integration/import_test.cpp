// POST /v1/trainees/import over HTTP: CSV and NDJSON, dry run, atomicity,
// duplicates, per-row errors with line numbers.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <pqxx/pqxx>

#include "integration/api_fixture.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;

const std::string kHeader =
    "full_name,email,country,city,timezone,skills,japanese,english,hours_per_week,rate_amount,"
    "rate_currency,domains,engagement,consent_matching,consent_share_abroad\n";

std::string csv_row(int i, const std::string& skills = "python:4:2.5;torch:3:1") {
  return "\"Trainee, No. " + std::to_string(i) + "\",t" + std::to_string(i) +
         "@example.com,BD,Dhaka,Asia/Dhaka," + skills +
         ",N4,B1,40,1200,USD,manufacturing,offshore;hybrid,true,false\n";
}

class ImportTest : public ApiTest {
 protected:
  ApiResponse upload(const std::string& key, const std::string& body, const std::string& type,
                     const std::string& query = "") {
    ApiResponse r{request(service_->port(), "POST", "/v1/trainees/import" + query, body,
                          {{"Authorization", "Bearer " + key}, {"Content-Type", type}}),
                  nullptr};
    r.body = json::parse(r.http.body, nullptr, false);
    return r;
  }
};

TEST_F(ImportTest, DryRunReportsAndStoresNothingThenTheRealImportStoresAll) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  std::string csv = kHeader;
  for (int i = 0; i < 50; ++i) csv += csv_row(i);
  auto dry = upload(key, csv, "text/csv", "?dry_run=true");
  ASSERT_EQ(dry.status(), 200) << dry.http.body;
  EXPECT_EQ(dry.body["would_create"], 50);
  EXPECT_EQ(dry.body["errors"].size(), 0U);
  EXPECT_EQ(count_rows("trainees"), 0U);
  auto real = upload(key, csv, "text/csv");
  ASSERT_EQ(real.status(), 201) << real.http.body;
  EXPECT_EQ(real.body["created"], 50);
  EXPECT_EQ(count_rows("trainees"), 50U);
  // Skills live on the trainee's row (migration 0070).
  EXPECT_EQ(db_.query_value("SELECT sum(cardinality(skill_ids)) FROM trainees"), "100");
  auto page = call("GET", "/v1/trainees?limit=1&skill=pytorch&min_level=3", key);
  ASSERT_EQ(page.body["items"].size(), 1U);
  const auto& t = page.body["items"][0];
  EXPECT_EQ(t["full_name"].get<std::string>().substr(0, 13), "Trainee, No. ");
  EXPECT_EQ(t["engagement"], json({"offshore", "hybrid"}));
  EXPECT_EQ(t["consent"]["matching"], true);
  EXPECT_EQ(t["expected_monthly_rate"]["currency"], "USD");
  EXPECT_EQ(t["organization_id"], org);
}

// Skills live on the trainee's row (migration 0070): the database still
// refuses what trainee_skills' keys refused, and keeps a held skill.
TEST_F(ImportTest, SkillsOnTheRowKeepTheirKeys) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  const std::string python = db_.query_value("SELECT id FROM skills WHERE name = 'Python'");
  const std::string sql = db_.query_value("SELECT id FROM skills WHERE name = 'SQL'");
  auto insert = [&, &org = org](const std::string& alias, const std::string& ids,
                                const std::string& levels, const std::string& years) {
    db_.exec(
        "INSERT INTO trainees (organization_id, alias, skill_ids, skill_levels, skill_years) "
        "VALUES ('" +
        org + "', '" + alias + "', '" + ids + "', '" + levels + "', '" + years + "')");
  };
  insert("T-OK", "{" + python + "," + sql + "}", "{5,2}", "{2.5,NULL}");
  EXPECT_EQ(db_.query_value("SELECT skill_years::text FROM trainees WHERE alias = 'T-OK'"),
            "{2.5,NULL}");
  EXPECT_THROW(insert("T-1", "{999999}", "{3}", "{NULL}"), std::exception);  // no such skill
  EXPECT_THROW(insert("T-2", "{" + python + "," + python + "}", "{3,4}", "{NULL,NULL}"),
               std::exception);                                                        // twice
  EXPECT_THROW(insert("T-3", "{" + python + "}", "{3,4}", "{NULL}"), std::exception);  // lengths
  EXPECT_THROW(insert("T-4", "{" + python + "}", "{6}", "{NULL}"), std::exception);    // level
  EXPECT_THROW(insert("T-5", "{" + python + "}", "{3}", "{61}"), std::exception);      // years
  EXPECT_THROW(insert("T-6", "{" + python + "}", "{NULL}", "{NULL}"), std::exception);
  EXPECT_THROW(
      db_.exec("UPDATE trainees SET skill_ids = '{999999," + sql + "}' WHERE alias = 'T-OK'"),
      std::exception);
  EXPECT_EQ(count_rows("trainees"), 1U);
  // A held skill is not deleted; one no trainee holds can go.
  db_.exec("INSERT INTO skills (name, category) VALUES ('Held', 'general'), ('Unheld', 'general')");
  const std::string held = db_.query_value("SELECT id FROM skills WHERE name = 'Held'");
  insert("T-HELD", "{" + held + "}", "{1}", "{NULL}");
  EXPECT_THROW(db_.exec("DELETE FROM skills WHERE id = " + held), std::exception);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM skills WHERE id = " + held), "1");
  db_.exec("DELETE FROM skills WHERE name = 'Unheld'");
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM skills WHERE name = 'Unheld'"), "0");
}

TEST_F(ImportTest, OneBadRowAmongAThousandStoresNothingAndNamesItsLine) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  std::string csv = kHeader;
  for (int i = 0; i < 1000; ++i) csv += i == 637 ? csv_row(i, "python:9;fortran:3") : csv_row(i);
  auto r = upload(key, csv, "text/csv");
  expect_problem(r, 422);
  ASSERT_EQ(r.body["errors"].size(), 2U) << r.http.body;
  for (const auto& e : r.body["errors"]) EXPECT_EQ(e["line"], 639);  // header is line 1
  EXPECT_EQ(count_rows("trainees"), 0U);
  EXPECT_EQ(count_rows("trainee_personal"), 0U);
  auto dry = upload(key, csv, "text/csv", "?dry_run=true");
  EXPECT_EQ(dry.body["valid"], 999);
  EXPECT_EQ(dry.body["would_create"], 0);
  EXPECT_EQ(dry.body["errors"][0]["pointer"], "/skills/0/level");
  // Forty such rows: by line, and each line's errors in the order found (a
  // probe saw them swap places within a line once the list was long).
  std::string bad = kHeader;
  for (int i = 0; i < 40; ++i) bad += csv_row(i, "python:9;fortran:3");
  auto many = upload(key, bad, "text/csv", "?dry_run=true");
  ASSERT_EQ(many.body["errors"].size(), 80U) << many.http.body;
  for (std::size_t i = 0; i < 80; ++i) {
    EXPECT_EQ(many.body["errors"][i]["line"], 2 + static_cast<int>(i / 2));
    EXPECT_EQ(many.body["errors"][i]["pointer"], i % 2 ? "/skills/1/skill" : "/skills/0/level");
  }
}

// A large file's keys are drawn while it is parsed, for its non-blank lines:
// with lone CRs among LFs (a file edited in two programs) and blank lines,
// every row still finds its key there, and the sequence moves by the file's
// lines once (a bound under its rows would make the transaction draw them
// all again).
TEST_F(ImportTest, ALargeFilesKeysAreDrawnOnceForItsLinesWhateverTheirEndings) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  const auto last_seq = [&] {
    return std::stoll(
        db_.query_value("SELECT last_value FROM pg_sequences WHERE sequencename = "
                        "(SELECT split_part(pg_get_serial_sequence('trainees', 'seq'), '.', 2))"));
  };
  std::string csv = kHeader;
  csv.back() = '\r';  // the header ends with a lone CR
  for (int i = 0; i < 1'200; ++i) {
    std::string row = csv_row(i);
    if (i % 3 == 0) row.back() = '\r';
    csv += row;
    if (i % 100 == 0) csv += "\n\r\n";  // blank lines are no rows
  }
  auto warm = upload(key, kHeader + csv_row(5'000), "text/csv");  // the sequence in use
  ASSERT_EQ(warm.status(), 201) << warm.http.body;
  const long long before = last_seq();
  auto r = upload(key, csv, "text/csv");
  ASSERT_EQ(r.status(), 201) << r.http.body;
  EXPECT_EQ(r.body["created"], 1'200);
  EXPECT_EQ(count_rows("trainees"), 1'201U);
  EXPECT_EQ(last_seq() - before, 1'201) << "the header's line and the rows', drawn once";
  EXPECT_EQ(db_.query_value("SELECT count(DISTINCT alias) FROM trainees"), "1201");
}

// What Excel does to a file: saved as "CSV" (Windows-1252) and read as
// UTF-8, a name's letters are U+FFFD; a long phone comes back as
// 8.80171E+12. Both were imported as they came (a walkthrough's dry run said
// "No problems found"); now each row names its field.
TEST_F(ImportTest, TextExcelDamagedIsRefusedAtItsField) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  const std::string csv =
      "full_name,email,phone\n"
      "Ren\xEF\xBF\xBD Das,rene@example.com,+8801712345678\n"
      "Rahim Uddin,rahim@example.com,8.80171E+12\n"
      "Karim Ali,karim@example.com,01712-345678\n";
  auto dry = upload(key, csv, "text/csv", "?dry_run=true");
  ASSERT_EQ(dry.status(), 200) << dry.http.body;
  EXPECT_EQ(dry.body["valid"], 1);
  ASSERT_EQ(dry.body["errors"].size(), 2U) << dry.http.body;
  EXPECT_EQ(dry.body["errors"][0]["line"], 2);
  EXPECT_EQ(dry.body["errors"][0]["pointer"], "/full_name");
  EXPECT_EQ(dry.body["errors"][0]["code"], "invalid_text");
  EXPECT_EQ(dry.body["errors"][0]["params"]["reason"], "replacement_character");
  EXPECT_EQ(dry.body["errors"][1]["line"], 3);
  EXPECT_EQ(dry.body["errors"][1]["pointer"], "/phone");
  EXPECT_EQ(dry.body["errors"][1]["code"], "invalid_format");
  // The single create says the same.
  auto one =
      call("POST", "/v1/trainees", key,
           {{"full_name", "Rahim Uddin"}, {"email", "r2@example.com"}, {"phone", "8.8E+12"}});
  expect_problem(one, 422);
  std::set<std::string> at;
  for (const auto& e : one.body["errors"]) at.insert(e["pointer"].get<std::string>());
  EXPECT_TRUE(at.count("/phone")) << one.http.body;
}

// A coordinator's Excel, saved as "CSV UTF-8": the salary as Excel shows it
// in lakhs, the Sunday-to-Thursday week of a Dhaka trainee. Both had been
// refused or lost (every imported trainee worked Monday to Friday). And what
// a save in a code page does: a name of "?????", a mobile number without its
// 0, each refused at its field, nothing stored.
TEST_F(ImportTest, ASpreadsheetsAmountsAndWorkingWeekArriveAsTyped) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  const std::string header =
      "full_name,email,phone,rate_amount,rate_currency,work_start,work_end,work_days\n";
  auto damaged = upload(key,
                        header +
                            "????? ?????,a@example.com,01712345678,\"45,000\",BDT,,,\n"
                            "Karim Ali,k@example.com,1712345678,,,,,\n",
                        "text/csv");
  expect_problem(damaged, 422);
  ASSERT_EQ(damaged.body["errors"].size(), 2U) << damaged.http.body;
  EXPECT_EQ(damaged.body["errors"][0]["pointer"], "/full_name");
  EXPECT_EQ(damaged.body["errors"][0]["params"]["reason"], "question_marks");
  EXPECT_EQ(damaged.body["errors"][1]["line"], 3);
  EXPECT_EQ(damaged.body["errors"][1]["params"]["seen"], "leading_zero_lost");
  EXPECT_EQ(count_rows("trainees"), 0U);

  auto imported = upload(key,
                         header +
                             "Rahim Uddin,r@example.com,01712345678,\"4,50,000\",BDT,08:00,17:00,"
                             "sun;mon;tue;wed;thu\n",
                         "text/csv");
  ASSERT_EQ(imported.status(), 201) << imported.http.body;
  auto page = call("GET", "/v1/trainees?limit=1", key);
  ASSERT_EQ(page.body["items"].size(), 1U);
  const auto& t = page.body["items"][0];
  EXPECT_EQ(t["expected_monthly_rate"], json({{"amount", 450000}, {"currency", "BDT"}}));
  EXPECT_EQ(
      t["working_hours"],
      json({{"start", "08:00"}, {"end", "17:00"}, {"days", {"sun", "mon", "tue", "wed", "thu"}}}));
  EXPECT_EQ(t["phone"], "01712345678");
}

TEST_F(ImportTest, DuplicatesAreReportedNotDoubled) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  ASSERT_EQ(upload(key, kHeader + csv_row(1) + csv_row(2), "text/csv").status(), 201);
  const std::string again = kHeader + csv_row(2) + csv_row(3) + csv_row(3);
  auto refused = upload(key, again, "text/csv");
  expect_problem(refused, 422);
  EXPECT_EQ(refused.body["errors"].size(), 2U) << refused.http.body;
  EXPECT_EQ(count_rows("trainees"), 2U);
  auto skipped = upload(key, again, "text/csv", "?on_duplicate=skip");
  ASSERT_EQ(skipped.status(), 201) << skipped.http.body;
  EXPECT_EQ(skipped.body["created"], 1);
  EXPECT_EQ(skipped.body["duplicates"].size(), 2U);
  EXPECT_EQ(skipped.body["duplicates"][0]["line"], 2);
  EXPECT_EQ(count_rows("trainees"), 3U);
}

// An email registered while the import runs (another import or a single
// create of the same organization, held here uncommitted until the import's
// COPY waits on its unique key) is a duplicate of a registered trainee, as
// if it had been registered before: skipped under on_duplicate=skip, listed
// at its line otherwise. Both imports were answered 409 and wrote nothing.
// 2,500 rows: the records are built on a second thread, so the first
// attempt's profiles were moved into them and must be given back whole.
TEST_F(ImportTest, AnEmailRegisteredWhileTheImportRunsIsARegisteredDuplicate) {
  constexpr int kRows = 2'500;
  constexpr int kHeld = 2'000;  // t2000@example.com, on line 2,002
  std::string file = kHeader;
  for (int i = 0; i < kRows; ++i) file += csv_row(i);
  for (const std::string mode : {"skip", "fail"}) {
    SCOPED_TRACE(mode);
    const auto [org, key] = organization("Academy " + mode, "training_provider");
    pqxx::connection c(db_.url());
    pqxx::work hold(c);
    const auto held_pid = hold.exec1("SELECT pg_backend_pid()")[0].as<std::string>();
    const auto id = hold.exec1("INSERT INTO trainees (organization_id, alias) VALUES ('" + org +
                               "', 'held-" + mode + "') RETURNING id")[0]
                        .as<std::string>();
    hold.exec(
        "INSERT INTO trainee_personal (trainee_id, organization_id, full_name, email) "
        "VALUES ('" +
        id + "', '" + org + "', 'Held', 'T" + std::to_string(kHeld) + "@example.com')");
    ApiResponse imported;
    std::thread run(
        [&, &key = key] { imported = upload(key, file, "text/csv", "?on_duplicate=" + mode); });
    // Until the import's COPY waits on the held transaction (no other
    // test's lock counts).
    bool waiting = false;
    for (int i = 0; i < 800 && !waiting; ++i) {
      waiting = db_.query_value("SELECT count(*) FROM pg_stat_activity WHERE " + held_pid +
                                " = ANY (pg_blocking_pids(pid))") != "0";
      if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    EXPECT_TRUE(waiting) << "the import never reached the held email";
    hold.commit();
    run.join();
    const std::string of_org = " WHERE organization_id = '" + org + "'";
    if (mode == "skip") {
      ASSERT_EQ(imported.status(), 201) << imported.http.body;
      EXPECT_EQ(imported.body["created"], kRows - 1);
      EXPECT_EQ(imported.body["duplicates_total"], 1);
      EXPECT_EQ(imported.body["duplicates"][0]["line"], kHeld + 2) << imported.http.body;
      EXPECT_EQ(imported.body["duplicates"][0]["reason"],
                "already registered in this organization");
      EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees" + of_org),
                std::to_string(kRows));  // the held one and the file's others
      // The rows written on the second attempt are whole: their skills,
      // consent and its time, as the file had them.
      EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees" + of_org +
                                " AND cardinality(skill_ids) = 2 AND consent_matching"
                                " AND consent_recorded_at IS NOT NULL AND hours_per_week = 40"),
                std::to_string(kRows - 1));
      const auto page = call("GET", "/v1/trainees?limit=1&skill=pytorch&min_level=3", key);
      ASSERT_EQ(page.body["items"].size(), 1U) << page.http.body;
      EXPECT_EQ(page.body["items"][0]["engagement"], json({"offshore", "hybrid"}));
    } else {
      expect_problem(imported, 422);
      ASSERT_EQ(imported.body["errors"].size(), 1U) << imported.http.body;
      EXPECT_EQ(imported.body["errors"][0]["line"], kHeld + 2);
      EXPECT_EQ(imported.body["errors"][0]["params"]["reason"], "registered");
      EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees" + of_org), "1");  // the held one
    }
  }
}

// The duplicates list is bounded like the errors: 1,200 repeated rows list
// the first 1,000 and count all; registered emails are found by looking up
// the file's own (a padded Bengali address among them, folded as
// validation trims it).
TEST_F(ImportTest, DuplicatesAreCountedAndTheFirstThousandListed) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  const std::string bengali = "ইমেইল@উদাহরণ.বাংলা";
  const std::string registered = "\"Nusrat Jahan\"," + bengali +
                                 ",BD,Dhaka,Asia/Dhaka,python:4,N4,B1,40,1200,USD,"
                                 "manufacturing,offshore,true,false\n";
  ASSERT_EQ(upload(key, kHeader + csv_row(1) + registered, "text/csv").status(), 201);
  std::string csv = kHeader + csv_row(0);
  for (int i = 0; i < 1'200; ++i) csv += csv_row(0);  // lines 3..1202 repeat line 2
  // Registered already: line 1203 by its email in other case, line 1204 in
  // Bengali with an ideographic space after it.
  csv +=
      "\"Trainee, No. 1\",T1@Example.COM,BD,Dhaka,Asia/Dhaka,python:4,N4,B1,40,1200,USD,"
      "manufacturing,offshore,true,false\n";
  std::string padded = registered;
  padded.replace(padded.find(bengali), bengali.size(), bengali + "\u3000");
  csv += padded;
  for (const std::string query : {"?dry_run=true&on_duplicate=skip", "?on_duplicate=skip"}) {
    auto r = upload(key, csv, "text/csv", query);
    ASSERT_EQ(r.status(), query.find("dry_run") != std::string::npos ? 200 : 201) << r.http.body;
    EXPECT_EQ(r.body["duplicates_total"], 1'202) << query;
    ASSERT_EQ(r.body["duplicates"].size(), 1'000U) << query;
    EXPECT_EQ(r.body["duplicates"][0]["line"], 3) << query;
    EXPECT_EQ(r.body["duplicates"][999]["line"], 1'002) << query;
  }
  EXPECT_EQ(count_rows("trainees"), 3U);
  // Without skipping, the errors are bounded as before (1,000 and a count).
  auto refused = upload(key, csv, "text/csv", "?dry_run=true");
  ASSERT_EQ(refused.status(), 200) << refused.http.body;
  EXPECT_EQ(refused.body["errors"].size(), 1'001U);
  EXPECT_EQ(refused.body["duplicates_total"], 1'203);
  // The two registered ones are found by lookup (the last two lines).
  auto last = upload(key, kHeader + csv_row(7) + csv_row(1) + padded, "text/csv", "?dry_run=true");
  ASSERT_EQ(last.status(), 200) << last.http.body;
  ASSERT_EQ(last.body["duplicates"].size(), 2U) << last.http.body;
  EXPECT_EQ(last.body["duplicates"][0]["line"], 3);
  EXPECT_EQ(last.body["duplicates"][1]["line"], 4);
  EXPECT_EQ(last.body["duplicates"][1]["reason"], "already registered in this organization");
}

// One address is one trainee of an organization however it was typed
// (migration 0111): full-width letters from a Japanese IME and a decomposed
// accent are the registered address, for a single create, an edit, a file's
// repeated rows and a file's registered ones; another organization may hold
// the same address (its fingerprints flag it instead).
TEST_F(ImportTest, OneAddressHoweverTypedIsOneTraineeOfTheOrganization) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  auto [other, other_key] = organization("Chattogram Tech", "training_provider");
  const std::string wide = "\uFF52\uFF41\uFF48\uFF49\uFF4D@example.com";  // ｒａｈｉｍ
  const std::string composed = "ren\u00E9@example.fr";
  const std::string decomposed = "rene\u0301@example.fr";
  auto create = [&](const std::string& k, const std::string& email) {
    return call("POST", "/v1/trainees", k, trainee(email));
  };
  ASSERT_EQ(create(key, "Rahim@example.com").status(), 201);
  auto rene = create(key, composed);
  ASSERT_EQ(rene.status(), 201) << rene.http.body;
  for (const auto& twin : {wide, decomposed}) {
    auto refused = create(key, twin);
    expect_problem(refused, 409);
    EXPECT_NE(refused.http.body.find("/email"), std::string::npos) << refused.http.body;
  }
  EXPECT_EQ(create(other_key, wide).status(), 201);
  // An edit to a twin of another trainee's address is refused too.
  auto edit =
      call("PATCH", "/v1/trainees/" + rene.body["id"].get<std::string>(), key, {{"email", wide}});
  expect_problem(edit, 409);
  EXPECT_EQ(count_rows("trainees"), 3U);
  auto row = [](const std::string& email) {
    return "\"Rahim Uddin\"," + email +
           ",BD,Dhaka,Asia/Dhaka,python:4,N4,B1,40,1200,USD,manufacturing,offshore,true,false\n";
  };
  // Registered (lines 2 and 3), then a file's own repeat (line 5 of line 4).
  const std::string csv = kHeader + row(wide) + row(decomposed) +
                          row("\uFF4E\uFF45\uFF57@example.com") + row("NEW@example.com");
  for (const std::string query : {"?dry_run=true&on_duplicate=skip", "?on_duplicate=skip"}) {
    auto r = upload(key, csv, "text/csv", query);
    ASSERT_EQ(r.status(), query.find("dry_run") != std::string::npos ? 200 : 201) << r.http.body;
    ASSERT_EQ(r.body["duplicates"].size(), 3U) << query << r.http.body;
    EXPECT_EQ(r.body["duplicates"][0]["line"], 2);
    EXPECT_EQ(r.body["duplicates"][0]["reason"], "already registered in this organization");
    EXPECT_EQ(r.body["duplicates"][1]["line"], 3);
    EXPECT_EQ(r.body["duplicates"][2]["line"], 5);
    EXPECT_EQ(r.body["duplicates"][2]["reason"], "repeats an earlier row");
  }
  EXPECT_EQ(count_rows("trainees"), 4U);
}

// A retry with the Idempotency-Key of an import whose answer was lost gets
// the first answer's figures and imports nothing again (without the key,
// every row would be refused as already registered).
TEST_F(ImportTest, AnIdempotencyKeyReplaysTheFiguresAndImportsOnce) {
  const std::string key = organization("Dhaka AI Academy", "training_provider").second;
  const std::string csv = kHeader + csv_row(1) + csv_row(2) + csv_row(2) + csv_row(3);
  auto send = [&](const std::string& body, const std::string& query, const std::string& k) {
    ApiResponse r{request(service_->port(), "POST", "/v1/trainees/import" + query, body,
                          {{"Authorization", "Bearer " + key},
                           {"Content-Type", "text/csv"},
                           {"Idempotency-Key", k}}),
                  nullptr};
    r.body = json::parse(r.http.body, nullptr, false);
    return r;
  };
  auto first = send(csv, "?on_duplicate=skip", "file-1");
  ASSERT_EQ(first.status(), 201) << first.http.body;
  EXPECT_EQ(first.body["created"], 3);
  EXPECT_FALSE(first.body.contains("replayed"));
  auto again = send(csv, "?on_duplicate=skip", "file-1");
  ASSERT_EQ(again.status(), 201) << again.http.body;
  EXPECT_EQ(again.http.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(again.body["replayed"], true);
  EXPECT_EQ(again.body["rows"], 4);
  EXPECT_EQ(again.body["created"], 3);
  EXPECT_EQ(again.body["duplicates_total"], 1);
  EXPECT_EQ(again.body["duplicates"], json::array());  // their emails are not kept
  EXPECT_EQ(count_rows("trainees"), 3U);
  // The same key with another query or another file is another request.
  auto other_query = send(csv, "", "file-1");
  expect_problem(other_query, 422);
  EXPECT_EQ(other_query.body["errors"][0]["code"], "reused") << other_query.http.body;
  expect_problem(send(kHeader + csv_row(4), "?on_duplicate=skip", "file-1"), 422);
  // A failed import keeps no key: after fixing the file, the same key runs it.
  auto bad = send(kHeader + csv_row(5, "python:9"), "", "file-2");
  expect_problem(bad, 422);
  auto fixed = send(kHeader + csv_row(5, "python:9"), "", "file-2");
  expect_problem(fixed, 422);  // the same bad file, run again: not a replay
  EXPECT_FALSE(fixed.http.header("Idempotent-Replayed").has_value());
  EXPECT_EQ(count_rows("trainees"), 3U);
}

// A real import validates a chunk of rows while the chunks before it are
// being written (COPY); a problem found after thousands of rows were written
// still leaves nothing, and the answer lists every problem, as the dry run
// does (validation is not cut short when the writing stops).
TEST_F(ImportTest, ProblemsFoundAfterRowsWereWrittenStoreNothingAndAreAllListed) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  ASSERT_EQ(upload(key, kHeader + csv_row(50'000), "text/csv").status(), 201);
  std::string csv = kHeader;
  for (int i = 0; i < 10'000; ++i) {
    if (i == 6'000) {
      csv += "too,few,fields\n";  // line 6002
    } else if (i == 8'500) {
      csv += csv_row(i, "python:9");  // line 8502: a level out of range
    } else if (i == 9'000) {
      csv += csv_row(12);  // line 9002: repeats line 14
    } else if (i == 9'999) {
      csv += csv_row(50'000);  // line 10001: registered already
    } else {
      csv += csv_row(i);
    }
  }
  auto dry = upload(key, csv, "text/csv", "?dry_run=true");
  ASSERT_EQ(dry.status(), 200) << dry.http.body;
  auto r = upload(key, csv, "text/csv");
  expect_problem(r, 422);
  std::vector<long> lines;
  for (const auto& e : r.body["errors"]) lines.push_back(e.value("line", 0L));
  EXPECT_EQ(lines, (std::vector<long>{6002, 8502, 9002, 10001})) << r.http.body;
  EXPECT_EQ(r.body["errors"], dry.body["errors"]);
  EXPECT_EQ(count_rows("trainees"), 1U);
  EXPECT_EQ(count_rows("trainee_personal"), 1U);
  // Duplicates skipped across chunks: the others are written, in file order.
  std::string skip = kHeader;
  for (int i = 0; i < 9'000; ++i) skip += csv_row(i == 8'999 ? 3 : i);
  auto skipped = upload(key, skip, "text/csv", "?on_duplicate=skip");
  ASSERT_EQ(skipped.status(), 201) << skipped.http.body;
  EXPECT_EQ(skipped.body["created"], 8'999);
  ASSERT_EQ(skipped.body["duplicates"].size(), 1U);
  EXPECT_EQ(skipped.body["duplicates"][0]["line"], 9'001);
  EXPECT_EQ(count_rows("trainees"), 9'000U);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM trainees t JOIN trainee_personal p "
                            "ON p.trainee_id = t.id"),
            "9000");
  // Seqs follow the file's order, ids and aliases ascend with them.
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM (SELECT p.email, t.seq, t.id, t.alias, "
                            "lag(t.id) OVER (ORDER BY t.seq) AS prev_id, "
                            "lag(t.alias) OVER (ORDER BY t.seq) AS prev_alias, "
                            "lag(p.email) OVER (ORDER BY t.seq) AS prev_email "
                            "FROM trainees t JOIN trainee_personal p ON p.trainee_id = t.id "
                            "WHERE p.email <> 't50000@example.com') s "
                            "WHERE prev_id IS NOT NULL AND (prev_id >= id OR prev_alias >= alias "
                            "OR substr(prev_email, 2, strpos(prev_email, '@') - 2)::int >= "
                            "substr(email, 2, strpos(email, '@') - 2)::int)"),
            "0");
}

// The rows reach COPY in its text format: a backslash, "\N" (COPY's NULL)
// and a line break (in a certification's JSON) are written as they were sent.
TEST_F(ImportTest, TextThatLooksLikeCopyEscapesIsStoredAsSent) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  const std::string csv =
      "full_name,email,city,program,certifications\n"
      "\"C:\\temp \\N\",esc@example.com,\\N,\"a\\tb\\\\c\",\"AWS\\nSAA:2024\"\n";
  auto r = upload(key, csv, "text/csv");
  ASSERT_EQ(r.status(), 201) << r.http.body;
  auto page = call("GET", "/v1/trainees?limit=1", key);
  ASSERT_EQ(page.body["items"].size(), 1U) << page.http.body;
  const auto& t = page.body["items"][0];
  EXPECT_EQ(t["full_name"], "C:\\temp \\N");
  EXPECT_EQ(t["city"], "\\N");
  EXPECT_EQ(t["program"], "a\\tb\\\\c");
  EXPECT_EQ(db_.query_value("SELECT city FROM trainees"), "\\N");
  EXPECT_EQ(db_.query_value("SELECT certifications->0->>'name' FROM trainees"), "AWS\\nSAA");
}

// A file with nothing to import is named as such, in both formats and dry or
// not; before, an empty NDJSON body or a CSV header alone answered 201
// "created 0", which read as success.
TEST_F(ImportTest, AFileWithNoRowsIs422) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  struct Case {
    std::string body, type;
    long line;
  };
  for (const auto& c :
       {Case{"", "application/x-ndjson", 1}, Case{"\n  \n\r\n", "application/x-ndjson", 1},
        Case{"full_name,email\n", "text/csv", 2},
        Case{"full_name,email\r\n\r\n\r\n", "text/csv", 2}}) {
    for (const std::string query : {"", "?dry_run=true"}) {
      auto r = upload(key, c.body, c.type, query);
      expect_problem(r, 422);
      ASSERT_TRUE(r.body["errors"].is_array()) << r.http.body;
      ASSERT_EQ(r.body["errors"].size(), 1U) << r.http.body;
      EXPECT_EQ(r.body["errors"][0]["code"], "required");
      EXPECT_EQ(r.body["errors"][0]["line"], c.line);
      EXPECT_EQ(r.body["detail"], "the file has no rows to import");
    }
  }
  // An empty CSV file has no header: said so first.
  EXPECT_EQ(upload(key, "", "text/csv").body["detail"], "the file is empty");
  EXPECT_EQ(count_rows("trainees"), 0U);
  EXPECT_EQ(upload(key, "full_name,email\nAyesha Rahman,ayesha@example.com\n", "text/csv").status(),
            201);
}

TEST_F(ImportTest, NdjsonRowsAreSingleCreateDocuments) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  std::string ndjson;
  for (int i = 0; i < 3; ++i) {
    ndjson += trainee("n" + std::to_string(i) + "@example.com").dump() + "\n";
  }
  ndjson += "\n{not json}\n[1]\n{\"hours_per_week\": 1e400}\n{\"a\": {\"b\": 1, \"b\": 2}}\n";
  auto bad = upload(key, ndjson, "application/x-ndjson");
  expect_problem(bad, 422);
  ASSERT_EQ(bad.body["errors"].size(), 4U) << bad.http.body;
  // Each line says what is wrong with it: not JSON (where), JSON but not an
  // object, a number JSON allows and a double cannot hold.
  EXPECT_EQ(bad.body["errors"][0]["line"], 5);
  EXPECT_EQ(bad.body["errors"][0]["detail"], "is not valid JSON: invalid JSON at byte 3");
  EXPECT_EQ(bad.body["errors"][1]["line"], 6);
  EXPECT_EQ(bad.body["errors"][1]["detail"], "is not a JSON object");
  EXPECT_EQ(bad.body["errors"][2]["line"], 7);
  EXPECT_EQ(bad.body["errors"][2]["detail"],
            "is not valid JSON: a number is too large to read (such as 1e400)");
  EXPECT_EQ(bad.body["errors"][3]["line"], 8);
  EXPECT_EQ(bad.body["errors"][3]["detail"],
            "is not valid JSON: an object gives the member \"b\" twice");
  // Lines may end with a CR alone, as a CSV's may (two records and a bad
  // third were read as one line): each is its own row, on its own line.
  const std::string cr_only =
      trainee("cr1@example.com").dump() + "\r" + trainee("cr2@example.com").dump() + "\r\r{oops}\r";
  auto cr = upload(key, cr_only, "application/x-ndjson", "?dry_run=true");
  ASSERT_EQ(cr.status(), 200) << cr.http.body;
  EXPECT_EQ(cr.body["valid"], 2) << cr.http.body;
  ASSERT_EQ(cr.body["errors"].size(), 1u) << cr.http.body;
  EXPECT_EQ(cr.body["errors"][0]["line"], 4) << cr.http.body;
  // In a file with LFs a CR is white space inside a record, not a line end.
  auto cr_inside = upload(key, "{\"full_name\": \"A\",\r\"email\": \"cr3@example.com\"}\n",
                          "application/x-ndjson", "?dry_run=true");
  ASSERT_EQ(cr_inside.status(), 200) << cr_inside.http.body;
  EXPECT_EQ(cr_inside.body["rows"], 1) << cr_inside.http.body;
  EXPECT_EQ(cr_inside.body["valid"], 1) << cr_inside.http.body;
  ndjson.resize(ndjson.find("\n{not json}"));
  auto ok = upload(key, ndjson, "application/x-ndjson");
  ASSERT_EQ(ok.status(), 201) << ok.http.body;
  EXPECT_EQ(count_rows("trainees"), 3U);
}

// The row limit counts records, not lines: blank lines before them hide
// none (every row after line 200,001 was dropped unread, and the import
// answered 201), and one record over it refuses the file. A header, or a
// record, wider than any a spreadsheet makes is refused with one error, not
// one per column, and no problem lists more than 1,000 errors.
TEST_F(ImportTest, LimitsCountRecordsAndBoundTheAnswer) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  const std::string blank(200'000, '\n');
  auto late = upload(key,
                     blank + trainee("kept@example.com").dump() + "\n" +
                         R"({"full_name":"","email":"bad"})" + "\n",
                     "application/x-ndjson");
  expect_problem(late, 422);
  ASSERT_FALSE(late.body["errors"].empty()) << late.http.body;
  EXPECT_EQ(late.body["errors"][0]["line"], 200'002) << late.http.body;
  EXPECT_EQ(count_rows("trainees"), 0U);
  auto csv_late = upload(key, kHeader + blank + csv_row(1), "text/csv");
  ASSERT_EQ(csv_late.status(), 201) << csv_late.http.body;
  EXPECT_EQ(csv_late.body["created"], 1);

  std::string many;
  for (int i = 0; i < 200'001; ++i) many += "{}\n";
  expect_problem(upload(key, many, "application/x-ndjson"), 413);
  std::string rows = "full_name,email\n";
  for (int i = 0; i < 200'001; ++i) rows += "x,y\n";
  expect_problem(upload(key, rows, "text/csv"), 413);
  EXPECT_EQ(count_rows("trainees"), 1U);

  std::string wide = "full_name,email";
  for (int i = 0; i < 1'000; ++i) wide += ",notes" + std::to_string(i);
  auto header = upload(key, wide + "\n", "text/csv", "?dry_run=true");
  expect_problem(header, 422);
  ASSERT_EQ(header.body["errors"].size(), 1U) << header.http.body;
  EXPECT_EQ(header.body["errors"][0]["params"]["fields"], 1'002) << header.http.body;
  std::string narrow = "full_name,email";
  for (int i = 0; i < 3; ++i) narrow += ",notes" + std::to_string(i);
  auto unknown = upload(key, narrow + "\n", "text/csv", "?dry_run=true");
  expect_problem(unknown, 422);
  EXPECT_EQ(unknown.body["errors"].size(), 3U) << unknown.http.body;  // each column named

  // A row of 100,000 fields: its count is reported, its fields are not kept.
  auto row = upload(key, kHeader + std::string(99'999, ',') + "\n", "text/csv", "?dry_run=true");
  ASSERT_EQ(row.status(), 200) << row.http.body.substr(0, 500);
  ASSERT_EQ(row.body["errors"].size(), 1U) << row.http.body.substr(0, 500);
  EXPECT_EQ(row.body["errors"][0]["params"]["fields"], 100'000);
  EXPECT_EQ(row.body["rows"], 1);  // the record counts, if not valid
  EXPECT_EQ(row.body["valid"], 0);

  json document = trainee("keys@example.com");
  for (int i = 0; i < 3'000; ++i) document["extra" + std::to_string(i)] = i;
  auto keys = call("POST", "/v1/trainees", key, document);
  expect_problem(keys, 422);
  ASSERT_EQ(keys.body["errors"].size(), 1'001U);
  EXPECT_EQ(keys.body["errors"][1'000]["code"], "truncated");
  EXPECT_EQ(keys.body["errors"][1'000]["params"]["count"], 2'000);
  EXPECT_EQ(count_rows("trainees"), 1U);
}

TEST_F(ImportTest, RolesMediaTypesAndHeaders) {
  auto [org, key] = organization("Dhaka AI Academy", "training_provider");
  auto [firm, firm_key] = organization("Nagoya Precision", "firm");
  expect_problem(upload(firm_key, kHeader + csv_row(1), "text/csv"), 403);
  expect_problem(upload(key, kHeader + csv_row(1), "application/json"), 415);
  // A file declared in another charset is 415, not read as UTF-8 anyway.
  for (const std::string type : {"text/csv; charset=utf-16", "text/csv;charset=ISO-8859-1",
                                 "application/x-ndjson; charset=latin1"}) {
    expect_problem(upload(key, kHeader + csv_row(1), type), 415);
  }
  for (const std::string type :
       {"text/csv; charset=UTF-8", "text/csv; charset=\"utf-8\"",
        "text/csv; header=present; charset=utf8", "text/csv; charset=us-ascii",
        "text/csv; foo=\"x;charset=latin1\"; charset=utf-8"}) {
    EXPECT_EQ(upload(key, kHeader + csv_row(1), type, "?dry_run=true").status(), 200) << type;
  }
  // JSON bodies too.
  EXPECT_EQ(call("POST", "/v1/trainees", key, trainee("latin@example.com"),
                 {{"Content-Type", "application/json; charset=iso-8859-1"}})
                .status(),
            415);
  // A coordinator's own headings: each unknown one is named with the columns
  // an import takes, beside the missing required one.
  auto own = upload(key, "name,email,colour\nA,a@example.com,red\n", "text/csv");
  expect_problem(own, 422);
  ASSERT_EQ(own.body["errors"].size(), 3U) << own.http.body;
  EXPECT_EQ(own.body["errors"][0]["pointer"], "/name");
  EXPECT_EQ(own.body["errors"][0]["code"], "unknown_field");
  const auto allowed = own.body["errors"][0]["params"]["allowed"];
  ASSERT_TRUE(allowed.is_array()) << own.http.body;
  EXPECT_EQ(allowed[0], "full_name");
  EXPECT_NE(std::find(allowed.begin(), allowed.end(), "consent_share_abroad"), allowed.end());
  EXPECT_EQ(own.body["errors"][2]["pointer"], "/full_name");
  EXPECT_EQ(own.body["errors"][2]["code"], "required");
  expect_problem(upload(key, kHeader + "\"unterminated,x\n", "text/csv"), 400);
  // Text after a field's closing quote is refused, on its line, not read as
  // one field ("A B"x stored as A Bx); a quote inside plain text stays text.
  auto after_quote =
      upload(key, "full_name,email\nAsha,a@example.com\n\"A B\"x,q1@example.com\n", "text/csv");
  expect_problem(after_quote, 400);
  EXPECT_NE(after_quote.body["detail"].get<std::string>().find("closing quote on line 3"),
            std::string::npos)
      << after_quote.http.body;
  // The same file with CR line ends, a CR inside the quoted field: line 3 too.
  auto cr_lines = upload(key, "full_name,email\r\"A\rB\"x,e@example.com\r", "text/csv");
  expect_problem(cr_lines, 400);
  EXPECT_NE(cr_lines.body["detail"].get<std::string>().find("closing quote on line 3"),
            std::string::npos)
      << cr_lines.http.body;
  EXPECT_EQ(count_rows("trainees"), 0U);
  auto inch = upload(key, "full_name,email\nAsha \"Ash\" Roy,inch@example.com\n", "text/csv",
                     "?dry_run=true");
  EXPECT_EQ(inch.status(), 200) << inch.http.body;
  EXPECT_EQ(inch.body["would_create"], 1) << inch.http.body;
  // The file's own problem first, whatever its header's (no email column).
  expect_problem(upload(key, "full_name\n\"x", "text/csv"), 400);
  expect_problem(upload(key, kHeader + csv_row(1), "text/csv", "?dry_run=maybe"), 422);
  expect_problem(upload(admin_, kHeader + csv_row(1), "text/csv"), 422);
  // Rows go only to a training provider, in a dry run as in an import.
  for (const std::string dry_run : {"", "&dry_run=true"}) {
    auto into_firm =
        upload(admin_, kHeader + csv_row(1), "text/csv", "?organization_id=" + firm + dry_run);
    expect_problem(into_firm, 422);
    EXPECT_NE(into_firm.http.body.find("must name a training provider"), std::string::npos)
        << into_firm.http.body;
  }
  // Every mistake in the query at once, the organization's too.
  auto query = upload(admin_, kHeader + csv_row(1), "text/csv",
                      "?organization_id=zzz&dry_run=maybe&colour=red");
  expect_problem(query, 422);
  std::set<std::string> named;
  for (const auto& e : query.body["errors"]) named.insert(e["pointer"].get<std::string>());
  EXPECT_EQ(named, (std::set<std::string>{"organization_id", "dry_run", "colour"}))
      << query.http.body;
  EXPECT_EQ(count_rows("trainees"), 0U);
  auto by_admin = upload(admin_, kHeader + csv_row(1), "text/csv", "?organization_id=" + org);
  EXPECT_EQ(by_admin.status(), 201) << by_admin.http.body;
  EXPECT_EQ(count_rows("trainees"), 1U);
}

}  // namespace
}  // namespace kakehashi::testing
