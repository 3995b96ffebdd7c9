#include "app/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace kakehashi::app {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Config, DefaultsWithoutFlagsOrEnvironment) {
  auto r = parse_config({}, env_of({}));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.listen_address, "127.0.0.1");
  EXPECT_EQ(r.config.listen_port, 8080);
  EXPECT_EQ(r.config.body_limit, 1024U * 1024U);
  EXPECT_GE(r.config.threads, 1U);
  EXPECT_FALSE(r.config.migrate_on_start);
}

TEST(Config, SlowStatementThresholdFromTheEnvironment) {
  EXPECT_EQ(parse_config({}, env_of({})).config.slow_statement, std::chrono::milliseconds(500));
  auto r = parse_config({}, env_of({{"KAKEHASHI_DB_SLOW_STATEMENT_MS", "0"}}));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.slow_statement, std::chrono::milliseconds(0));
  r = parse_config({}, env_of({{"KAKEHASHI_DB_SLOW_STATEMENT_MS", "-1"}}));
  EXPECT_EQ(r.errors.size(), 1U);
  EXPECT_TRUE(parse_config({}, env_of({})).config.db_name_reads);
  EXPECT_FALSE(
      parse_config({}, env_of({{"KAKEHASHI_DB_NAME_READS", "false"}})).config.db_name_reads);
}

TEST(Config, PasswordCostIsInteractiveUnlessATestAsksForTheMinimum) {
  EXPECT_EQ(parse_config({}, env_of({})).config.password_cost, util::interactive_password_cost());
  auto r = parse_config({}, env_of({{"KAKEHASHI_PASSWORD_COST", "minimum"}}));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.password_cost, util::minimum_password_cost());
  r = parse_config({}, env_of({{"KAKEHASHI_PASSWORD_COST", "low"}}));
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_NE(r.errors[0].find("interactive or minimum"), std::string::npos) << r.errors[0];
}

TEST(Config, EnvironmentThenFlagsWin) {
  auto r = parse_config({"--listen", "0.0.0.0:9000", "--db-pool-size=7", "--migrate"},
                        env_of({{"KAKEHASHI_LISTEN", "127.0.0.1:1"},
                                {"KAKEHASHI_THREADS", "3"},
                                {"KAKEHASHI_DATABASE_URL", "postgresql:///x"}}));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.listen_address, "0.0.0.0");
  EXPECT_EQ(r.config.listen_port, 9000);
  EXPECT_EQ(r.config.threads, 3U);
  EXPECT_EQ(r.config.db_pool_size, 7U);
  EXPECT_EQ(r.config.database_url, "postgresql:///x");
  EXPECT_TRUE(r.config.migrate_on_start);
}

TEST(Config, ReportsEveryBadValueAtOnce) {
  auto r =
      parse_config({"--threads", "zero", "--bogus", "--listen", "nohost"},
                   env_of({{"KAKEHASHI_DB_POOL_SIZE", "0"}, {"KAKEHASHI_ACCESS_LOG", "maybe"}}));
  EXPECT_EQ(r.errors.size(), 5U);
}

TEST(Config, HelpListsEveryEnvironmentVariable) {
  const auto help = options_help();
  for (const char* name : {"KAKEHASHI_DATABASE_URL", "KAKEHASHI_LISTEN", "KAKEHASHI_THREADS",
                           "KAKEHASHI_DB_POOL_SIZE", "KAKEHASHI_BODY_LIMIT"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace kakehashi::app

namespace kakehashi::app {
namespace {

// Issue 17: the contact key is a secret (never repeated in an error); retention.
TEST(Config, ContactHashKeyIsCheckedAndNeverEchoed) {
  const std::string good(64, 'a');
  auto r = parse_config({}, env_of({{"KAKEHASHI_CONTACT_HASH_KEY", good}}));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.contact_hash_key, good);
  EXPECT_TRUE(parse_config({}, env_of({})).config.contact_hash_key.empty());
  const std::string secret_but_short = "s3cr3t-value-0123456789";
  r = parse_config({}, env_of({{"KAKEHASHI_CONTACT_HASH_KEY", secret_but_short}}));
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].find(secret_but_short), std::string::npos) << r.errors[0];
  r = parse_config({"--contact-hash-key", secret_but_short}, env_of({}));
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].find(secret_but_short), std::string::npos) << r.errors[0];
  EXPECT_EQ(parse_config({}, env_of({{"KAKEHASHI_CONTACT_HASH_KEY", std::string(63, 'a')}}))
                .errors.size(),
            1U);  // an odd number of hex digits
}

TEST(Config, RetentionMonthsAndInterval) {
  auto r = parse_config({}, env_of({}));
  EXPECT_EQ(r.config.retention_months, 24U);
  EXPECT_EQ(r.config.event_retention_days, 365U);
  EXPECT_EQ(r.config.retention_interval, std::chrono::seconds(3600));
  EXPECT_EQ(parse_config({"--event-retention-days", "0"}, env_of({})).config.event_retention_days,
            0U);
  EXPECT_EQ(parse_config({"--event-retention-days", "-1"}, env_of({})).errors.size(), 1U);
  r = parse_config({"--retention-months", "0", "--retention-interval-s", "5"}, env_of({}));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.retention_months, 0U);
  EXPECT_EQ(r.config.retention_interval, std::chrono::seconds(5));
  EXPECT_EQ(parse_config({"--retention-interval-s", "0"}, env_of({})).errors.size(), 1U);
}

}  // namespace
}  // namespace kakehashi::app
