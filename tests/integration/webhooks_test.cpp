// Webhooks and the inbox, against the real binary and database: signed
// deliveries to a receiver inside the test, at least once across a SIGKILL,
// backoff and disabling, refusal of private targets (also behind a name that
// resolves to one), and the notifications an organization reads.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <future>
#include <set>

#include <pqxx/pqxx>

#include "integration/api_fixture.hpp"
#include "support/eventually.hpp"
#include "support/webhook_receiver.hpp"

namespace kakehashi::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class WebhooksTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(school_, school_key_) = organization("Chattogram Code School", "training_provider");
    std::tie(firm_, firm_key_) = organization("Nagoya Precision", "firm");
    std::tie(other_firm_, other_firm_key_) = organization("Sendai Optics", "firm");
  }

  // Deliveries to the receiver on loopback are allowed here, and retries come fast.
  std::map<std::string, std::string> service_env() const override {
    auto env = db_.env();
    env.merge(webhook_env());
    return env;
  }
  virtual std::map<std::string, std::string> webhook_env() const {
    return {{"KAKEHASHI_WEBHOOK_ALLOW_PRIVATE", "true"},
            {"KAKEHASHI_WEBHOOK_POLL_MS", "20"},
            {"KAKEHASHI_WEBHOOK_TIMEOUT_MS", "1000"},
            {"KAKEHASHI_WEBHOOK_BACKOFF_MS", "100"},
            {"KAKEHASHI_WEBHOOK_MAX_BACKOFF_MS", "400"}};
  }

  json create_webhook(const std::string& key, const std::string& url, json events) {
    auto r = call("POST", "/v1/webhooks", key, {{"url", url}, {"events", std::move(events)}});
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body;
  }

  std::string add_trainee(const std::string& email) {
    auto r = call("POST", "/v1/trainees", school_key_, trainee(email));
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  std::string add_project(const std::string& title) {
    json p = {{"title", title},
              {"skills", {{{"skill", "Python"}, {"min_level", 3}, {"weight", 5}}}},
              {"headcount", 3},
              {"start_date", "2027-02-01"},
              {"duration_months", 6},
              {"status", "open"}};
    auto r = call("POST", "/v1/projects", firm_key_, p);
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  // A new project of the firm's, closed at once: its event
  // (project.status_changed) is the one delivery the tests below watch.
  void close_new_project(const std::string& title) {
    const auto project = add_project(title);
    auto p = call("GET", "/v1/projects/" + project, firm_key_);
    ASSERT_EQ(call("PATCH", "/v1/projects/" + project, firm_key_, {{"status", "closed"}},
                   {{"If-Match", p.http.header("ETag").value_or("")}})
                  .status(),
              200);
  }

  std::string add_match(const std::string& project, const std::string& trainee_id) {
    auto r = call("POST", "/v1/matches", firm_key_,
                  {{"project_id", project}, {"trainee_id", trainee_id}});
    EXPECT_EQ(r.status(), 201) << r.http.body;
    return r.body.value("id", "");
  }

  void move(const std::string& match, const std::string& key, const std::string& to) {
    auto current = call("GET", "/v1/matches/" + match, key);
    auto r = call("POST", "/v1/matches/" + match + "/transitions", key, {{"to", to}},
                  {{"If-Match", current.http.header("ETag").value_or("")}});
    EXPECT_EQ(r.status(), 200) << r.http.body;
  }

  // The event ids the database holds for `organization` of `type`, counted
  // independently of the API.
  std::set<std::string> events_in_database(const std::string& organization,
                                           const std::string& type) {
    const auto list = db_.query_value(
        "SELECT coalesce(string_agg(id::text, ',' ORDER BY seq), '') FROM org_events "
        "WHERE organization_id = '" +
        organization + "' AND type = '" + type + "'");
    std::set<std::string> out;
    std::size_t start = 0;
    while (start < list.size()) {
      const auto comma = std::min(list.find(',', start), list.size());
      out.insert(list.substr(start, comma - start));
      start = comma + 1;
    }
    return out;
  }

  static std::set<std::string> acknowledged(const std::vector<ReceivedDelivery>& got) {
    std::set<std::string> out;
    for (const auto& d : got) {
      if (d.answered >= 200 && d.answered < 300) out.insert(d.event_id);
    }
    return out;
  }

  std::string school_, school_key_, firm_, firm_key_, other_firm_, other_firm_key_;
};

TEST_F(WebhooksTest, DeliversSignedEventsOfTheOrganizationsMatches) {
  WebhookReceiver firm_hook;
  WebhookReceiver school_hook;
  const auto firm_endpoint =
      create_webhook(firm_key_, firm_hook.url(), {"match.state_changed", "project.status_changed"});
  const auto school_endpoint = create_webhook(school_key_, school_hook.url(), {"offer.received"});
  ASSERT_TRUE(firm_endpoint.contains("secret"));
  firm_hook.set_secret(firm_endpoint["secret"]);
  school_hook.set_secret(school_endpoint["secret"]);
  // The secret is shown once.
  auto again = call("GET", "/v1/webhooks/" + firm_endpoint["id"].get<std::string>(), firm_key_);
  EXPECT_EQ(again.status(), 200);
  EXPECT_FALSE(again.body.contains("secret"));

  const auto project = add_project("Weld seam inspection");
  const auto trainee_id = add_trainee("rafiq@example.com");
  const auto match = add_match(project, trainee_id);
  move(match, firm_key_, "interviewing");
  move(match, firm_key_, "offered");

  // The firm hears of every state change, the school of the offer only.
  const auto firm_events = events_in_database(firm_, "match.state_changed");
  ASSERT_EQ(firm_events.size(), 3U);  // shortlisted, interviewing, offered
  ASSERT_TRUE(eventually([&] { return acknowledged(firm_hook.received()) == firm_events; }));
  const auto offers = events_in_database(school_, "offer.received");
  ASSERT_EQ(offers.size(), 1U);
  ASSERT_TRUE(eventually([&] { return acknowledged(school_hook.received()) == offers; }));

  for (const auto& d : firm_hook.received()) {
    EXPECT_TRUE(d.signature_valid) << d.headers.at("kakehashi-signature");
    EXPECT_EQ(d.target, "/hook");
    EXPECT_EQ(d.headers.at("content-type"), "application/json");
    const auto body = json::parse(d.body);
    EXPECT_EQ(body["id"], d.event_id);
    EXPECT_EQ(body["type"], "match.state_changed");
    EXPECT_EQ(body["organization_id"], firm_);
    EXPECT_EQ(body["data"]["match_id"], match);
    EXPECT_EQ(body["data"]["project_title"], "Weld seam inspection");
    // Pseudonymous: no name or contact of the trainee.
    EXPECT_EQ(d.body.find("rafiq@example.com"), std::string::npos);
    EXPECT_EQ(d.body.find("Test Trainee"), std::string::npos);
    // A signature under another secret does not verify.
    EXPECT_FALSE(
        WebhookReceiver::verify("whsec_another", d.headers.at("kakehashi-signature"), d.body));
  }
  const auto offer = json::parse(school_hook.received().front().body);
  EXPECT_EQ(offer["type"], "offer.received");
  EXPECT_EQ(offer["data"]["to_state"], "offered");
  EXPECT_TRUE(school_hook.received().front().signature_valid);

  // Each attempt is recorded.
  const std::string deliveries =
      "/v1/webhooks/" + firm_endpoint["id"].get<std::string>() + "/deliveries";
  auto listed = call("GET", deliveries, firm_key_);
  ASSERT_EQ(listed.status(), 200) << listed.http.body;
  ASSERT_EQ(listed.body["items"].size(), 3U);
  for (const auto& d : listed.body["items"]) {
    EXPECT_EQ(d["status"], "delivered");
    EXPECT_EQ(d["attempts"], 1);
    ASSERT_EQ(d["attempt_log"].size(), 1U);
    EXPECT_EQ(d["attempt_log"][0]["status_code"], 204);
    EXPECT_TRUE(firm_events.contains(d["event_id"].get<std::string>()));
  }
  // Another organization's endpoint is not found, nor its deliveries.
  expect_problem(call("GET", deliveries, other_firm_key_), 404);
  expect_problem(call("GET", "/v1/webhooks/" + firm_endpoint["id"].get<std::string>(), school_key_),
                 404);
  EXPECT_TRUE(call("GET", "/v1/webhooks", other_firm_key_).body["items"].empty());
  const auto metrics = request(service_->port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("webhook_attempts_total{result=\"delivered\"} 4\n"),
            std::string::npos);
}

TEST_F(WebhooksTest, EveryEventArrivesAcrossASigkillUntilAcknowledged) {
  WebhookReceiver hook;
  // Every attempt fails; the fifth is held unanswered, so the service dies
  // with one delivery in flight (leased) and the others waiting for retries.
  std::promise<void> release;
  const std::shared_future<void> released = release.get_future().share();
  std::atomic<int> arrivals{0};
  hook.set_policy([&](const ReceivedDelivery&) {
    if (++arrivals == 5) released.wait();
    return 503;
  });
  const auto endpoint = create_webhook(firm_key_, hook.url(), {"match.state_changed"});
  hook.set_secret(endpoint["secret"]);

  const auto project = add_project("Robot cell vision");
  for (int i = 0; i < 4; ++i) {
    const auto match = add_match(project, add_trainee("kill" + std::to_string(i) + "@example.com"));
    move(match, firm_key_, "interviewing");
  }
  const auto expected = events_in_database(firm_, "match.state_changed");
  ASSERT_EQ(expected.size(), 8U);
  ASSERT_TRUE(eventually([&] { return arrivals.load() >= 5; }));
  service_->signal(SIGKILL);
  ASSERT_TRUE(service_->wait(5s).has_value());
  release.set_value();
  EXPECT_EQ(std::stoi(db_.query_value(
                "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")),
            8);
  EXPECT_TRUE(acknowledged(hook.received()).empty());

  // The receiver answers one connection at a time. An attempt the killed
  // service sent while the fifth was held waits in the receiver's backlog
  // and is answered only now: were the answers already 200, that dead
  // attempt would count as an acknowledgement the service never saw, and
  // the restarted service would (rightly) deliver the event again. A request
  // of the test's own, queued behind them, answered means they are answered
  // (503) too. (Session 27 and 28 each saw one event "acknowledged" twice.)
  const auto barrier = request(hook.port(), "POST", "/hook", "{}");
  EXPECT_EQ(barrier.status, 503);
  hook.set_policy([](const ReceivedDelivery&) { return 200; });
  service_ = std::make_unique<ServiceProcess>(service_env());
  wait_ready(service_->port());
  ASSERT_TRUE(eventually([&] { return acknowledged(hook.received()) == expected; }, 30s));
  ASSERT_TRUE(eventually([&] {
    return db_.query_value("SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'") ==
           "0";
  }));
  // Each event id was tried until acknowledged, and not after: its last
  // arrival is its one 2xx answer. Every arrival carried a valid signature.
  std::map<std::string, std::vector<int>> answers;
  for (const auto& d : hook.received()) {
    if (d.event_id.empty()) continue;  // the barrier
    EXPECT_TRUE(d.signature_valid);
    answers[d.event_id].push_back(d.answered);
  }
  EXPECT_EQ(answers.size(), expected.size());
  for (const auto& [id, statuses] : answers) {
    EXPECT_EQ(statuses.back(), 200) << id;
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1) << id;
  }
}

class WebhookBackoffTest : public WebhooksTest {
 protected:
  std::map<std::string, std::string> webhook_env() const override {
    auto env = WebhooksTest::webhook_env();
    env["KAKEHASHI_WEBHOOK_DISABLE_AFTER"] = "3";
    env["KAKEHASHI_WEBHOOK_MAX_BACKOFF_MS"] = "60000";
    return env;
  }
};

TEST_F(WebhookBackoffTest, RetriesWithBackoffThenDisablesTheEndpoint) {
  WebhookReceiver hook;
  hook.set_policy([](const ReceivedDelivery&) { return 500; });
  auto endpoint = create_webhook(firm_key_, hook.url(), {"project.status_changed"});
  const std::string id = endpoint["id"];
  hook.set_secret(endpoint["secret"]);
  const auto project = add_project("Stamping line analytics");
  auto p = call("GET", "/v1/projects/" + project, firm_key_);
  auto closed = call("PATCH", "/v1/projects/" + project, firm_key_, {{"status", "closed"}},
                     {{"If-Match", p.http.header("ETag").value_or("")}});
  ASSERT_EQ(closed.status(), 200) << closed.http.body;

  // KAKEHASHI_WEBHOOK_DISABLE_AFTER=3 (below): three failed attempts, then off.
  ASSERT_TRUE(eventually([&] {
    return call("GET", "/v1/webhooks/" + id, firm_key_).body.value("enabled", true) == false;
  }));
  const auto disabled = call("GET", "/v1/webhooks/" + id, firm_key_);
  EXPECT_EQ(disabled.body["consecutive_failures"], 3);
  EXPECT_TRUE(disabled.body["disabled_reason"].is_string());
  auto listed = call("GET", "/v1/webhooks/" + id + "/deliveries", firm_key_);
  ASSERT_EQ(listed.body["items"].size(), 1U);
  const auto& delivery = listed.body["items"][0];
  EXPECT_EQ(delivery["status"], "pending");
  EXPECT_EQ(delivery["attempts"], 3);
  ASSERT_EQ(delivery["attempt_log"].size(), 3U);
  for (const auto& a : delivery["attempt_log"]) EXPECT_EQ(a["status_code"], 500);
  // Backoff: the waits double (100 ms, then 200 ms, each plus up to 10%).
  const auto got = hook.received();
  ASSERT_EQ(got.size(), 3U);
  EXPECT_GE(got[1].at - got[0].at, 100ms);
  EXPECT_GE(got[2].at - got[1].at, 200ms);
  EXPECT_EQ(got[0].event_id, got[2].event_id);
  EXPECT_EQ(got[2].headers.at("kakehashi-delivery-attempt"), "3");

  // Enabled again, the pending delivery goes out and the count starts over.
  hook.set_policy([](const ReceivedDelivery&) { return 204; });
  auto enabled = call("PATCH", "/v1/webhooks/" + id, firm_key_, {{"enabled", true}});
  ASSERT_EQ(enabled.status(), 200) << enabled.http.body;
  EXPECT_EQ(enabled.body["consecutive_failures"], 0);
  ASSERT_TRUE(eventually([&] { return acknowledged(hook.received()).size() == 1; }));
}

// Without KAKEHASHI_WEBHOOK_ALLOW_PRIVATE, as in production.
class WebhookTargetsTest : public WebhooksTest {
 protected:
  std::map<std::string, std::string> webhook_env() const override {
    auto env = WebhooksTest::webhook_env();
    env.erase("KAKEHASHI_WEBHOOK_ALLOW_PRIVATE");
    return env;
  }
};

TEST_F(WebhookTargetsTest, RefusesPrivateAndLoopbackTargets) {
  for (const std::string url :
       {"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook",
        "http://10.1.2.3/hook", "http://192.168.0.10/hook", "http://169.254.169.254/latest",
        "http://[::ffff:127.0.0.1]/hook", "http://api.localhost/hook",
        // loopback disguised in forms the resolver reads as it
        "http://2130706433/hook", "http://0x7f000001/hook", "http://0177.0.0.1/hook",
        "http://127.1/hook", "http://localhost./hook"}) {
    auto r =
        call("POST", "/v1/webhooks", firm_key_, {{"url", url}, {"events", {"offer.received"}}});
    expect_problem(r, 422);
    ASSERT_EQ(r.body["errors"].size(), 1U) << url;
    EXPECT_EQ(r.body["errors"][0]["pointer"], "/url") << url;
    EXPECT_EQ(r.body["errors"][0]["code"], "not_permitted") << url;
  }
  // A name is checked by the addresses it resolves to, at each delivery: a
  // name registered while it pointed elsewhere that now resolves to loopback
  // (DNS rebinding; here the stored URL is changed underneath) is refused.
  WebhookReceiver hook;
  const auto endpoint =
      create_webhook(firm_key_, "http://hooks.example:" + std::to_string(hook.port()) + "/hook",
                     {"match.state_changed"});
  const std::string id = endpoint["id"];
  db_.query_value("UPDATE webhooks SET url = 'http://localhost:" + std::to_string(hook.port()) +
                  "/hook' WHERE id = '" + id + "' RETURNING 1");
  add_match(add_project("Paint shop QA"), add_trainee("refused@example.com"));
  ASSERT_TRUE(eventually([&] {
    auto d = call("GET", "/v1/webhooks/" + id + "/deliveries", firm_key_);
    return !d.body["items"].empty() && !d.body["items"][0]["attempt_log"].empty();
  }));
  auto d = call("GET", "/v1/webhooks/" + id + "/deliveries", firm_key_);
  const auto& attempt = d.body["items"][0]["attempt_log"][0];
  EXPECT_TRUE(attempt["status_code"].is_null());
  EXPECT_NE(attempt["error"].get<std::string>().find("refused"), std::string::npos) << attempt;
  // Without the address it resolved to (that would map the service's network).
  EXPECT_EQ(attempt["error"].get<std::string>().find("127.0.0.1"), std::string::npos) << attempt;
  EXPECT_TRUE(hook.received().empty());
}

TEST_F(WebhooksTest, TwoReplicasShareTheOutboxAndStopCleanlyOnSigterm) {
  WebhookReceiver hook;
  const auto endpoint = create_webhook(firm_key_, hook.url(), {"match.state_changed"});
  hook.set_secret(endpoint["secret"]);
  ServiceProcess second(service_env());
  wait_ready(second.port());
  const auto project = add_project("Die casting porosity");
  for (int i = 0; i < 12; ++i) {
    add_match(project, add_trainee("replica" + std::to_string(i) + "@example.com"));
  }
  const auto expected = events_in_database(firm_, "match.state_changed");
  ASSERT_EQ(expected.size(), 12U);
  ASSERT_TRUE(eventually([&] { return acknowledged(hook.received()) == expected; }));
  // Four delivery threads in two processes, and each event was posted once:
  // a claimed delivery is leased, and SKIP LOCKED never hands one row to two.
  std::map<std::string, int> posts;
  for (const auto& d : hook.received()) {
    EXPECT_TRUE(d.signature_valid);
    ++posts[d.event_id];
  }
  for (const auto& [id, n] : posts) EXPECT_EQ(n, 1) << id;
  // SIGTERM stops the delivery threads with the server: both exit 0.
  service_->signal(SIGTERM);
  second.signal(SIGTERM);
  EXPECT_EQ(service_->wait(15s), 0);
  EXPECT_EQ(second.wait(15s), 0);
}

// https: the receiver's self-signed certificate is the one the service trusts.
class WebhookTlsTest : public WebhooksTest {
 protected:
  std::map<std::string, std::string> webhook_env() const override {
    auto env = WebhooksTest::webhook_env();
    env["KAKEHASHI_WEBHOOK_CA_FILE"] = tls_hook_.ca_file();
    return env;
  }
  WebhookReceiver tls_hook_{true};
};

TEST_F(WebhookTlsTest, DeliversOverHttpsToATrustedCertificateOnly) {
  const auto endpoint = create_webhook(firm_key_, tls_hook_.url(), {"match.state_changed"});
  tls_hook_.set_secret(endpoint["secret"]);
  // Another https receiver, whose certificate nobody trusts.
  WebhookReceiver untrusted(true);
  const auto other = create_webhook(firm_key_, untrusted.url(), {"match.state_changed"});
  add_match(add_project("Press line vibration"), add_trainee("tls@example.com"));
  const auto expected = events_in_database(firm_, "match.state_changed");
  ASSERT_EQ(expected.size(), 1U);
  ASSERT_TRUE(eventually([&] { return acknowledged(tls_hook_.received()) == expected; }));
  EXPECT_TRUE(tls_hook_.received().front().signature_valid);
  const std::string deliveries = "/v1/webhooks/" + other["id"].get<std::string>() + "/deliveries";
  ASSERT_TRUE(eventually([&] {
    auto d = call("GET", deliveries, firm_key_);
    return !d.body["items"].empty() && !d.body["items"][0]["attempt_log"].empty();
  }));
  const auto attempt = call("GET", deliveries, firm_key_).body["items"][0]["attempt_log"][0];
  EXPECT_TRUE(attempt["status_code"].is_null());
  EXPECT_NE(attempt["error"].get<std::string>().find("TLS handshake failed"), std::string::npos)
      << attempt;
  EXPECT_TRUE(untrusted.received().empty());
}

// A receiver whose answer carries a 70 KB trailer field: Beast threw out of
// the delivery's event loop and ended the process, and the attempt, never
// recorded, came again each lease (any organization could register one).
TEST_F(WebhooksTest, AHostileAnswerIsRecordedAndTheServiceStaysUp) {
  WebhookReceiver hook;
  hook.set_trailer("X-T: " + std::string(70'000, 'a'));
  auto endpoint = create_webhook(firm_key_, hook.url(), {"project.status_changed"});
  const std::string id = endpoint["id"];
  close_new_project("Press line vision");
  if (HasFatalFailure()) return;
  ASSERT_TRUE(eventually([&] {
    const auto listed = call("GET", "/v1/webhooks/" + id + "/deliveries", firm_key_);
    return listed.status() == 200 && listed.body["items"].size() == 1 &&
           !listed.body["items"][0]["attempt_log"].empty();
  })) << service_->output();
  // The status line was read: the receiver's answer (204) stands.
  const auto listed = call("GET", "/v1/webhooks/" + id + "/deliveries", firm_key_);
  EXPECT_EQ(listed.body["items"][0]["attempt_log"][0]["status_code"], 204) << listed.http.body;
  EXPECT_EQ(hook.received().size(), 1U);
  EXPECT_EQ(call("GET", "/healthz", "").status(), 200);
  EXPECT_EQ(service_->output().find("terminate called"), std::string::npos);
}

// An endpoint removed while its attempt is under way: the attempt's record
// goes with the endpoint's deliveries, and the worker says so plainly (it
// had logged a foreign-key failure and left nothing else wrong).
TEST_F(WebhooksTest, AnEndpointRemovedDuringAnAttemptEndsItQuietly) {
  WebhookReceiver hook;
  std::promise<void> arrived;
  std::promise<void> removed;
  auto removed_now = removed.get_future().share();
  std::atomic<bool> first{true};
  hook.set_policy([&](const ReceivedDelivery&) {
    if (first.exchange(false)) {
      arrived.set_value();
      removed_now.wait_for(std::chrono::seconds(5));
    }
    return 204;
  });
  auto endpoint = create_webhook(firm_key_, hook.url(), {"project.status_changed"});
  const std::string id = endpoint["id"];
  close_new_project("Weld seam inspection");
  if (HasFatalFailure()) return;
  ASSERT_EQ(arrived.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << service_->output();
  EXPECT_EQ(call("DELETE", "/v1/webhooks/" + id, firm_key_).status(), 204);
  removed.set_value();
  ASSERT_TRUE(eventually([&] {
    return service_->output().find("webhook removed during its attempt") != std::string::npos;
  })) << service_->output();
  EXPECT_EQ(service_->output().find("webhook attempt not recorded"), std::string::npos)
      << service_->output();
  EXPECT_EQ(count_rows("webhook_attempts"), 0U);
  EXPECT_EQ(call("GET", "/healthz", "").status(), 200);
}

// The same, with the attempt's record held up (a lock on webhook_attempts)
// until the delete waits too: the worker takes the endpoint's row before
// its delivery, as the delete does, so the delete waits for the record and
// nobody deadlocks (holding the delivery first, then updating the endpoint,
// deadlocked with the delete's cascade: a probe).
TEST_F(WebhooksTest, ADeleteBesideAnAttemptsRecordWaitsAndNobodyDeadlocks) {
  WebhookReceiver hook;
  hook.set_policy([](const ReceivedDelivery&) { return 500; });
  auto endpoint = create_webhook(firm_key_, hook.url(), {"project.status_changed"});
  const std::string id = endpoint["id"];
  pqxx::connection holder(db_.url());
  pqxx::work held(holder);
  held.exec("LOCK TABLE webhook_attempts IN SHARE MODE");
  const auto waiting = [&](const std::string& like) {
    return db_.query_value(
               "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
               "AND query LIKE '" +
               like + "'") != "0";
  };
  close_new_project("Die casting porosity");
  if (HasFatalFailure()) return;
  ASSERT_TRUE(eventually([&] { return waiting("INSERT INTO webhook_attempts%"); }))
      << service_->output();
  auto removed = std::async(
      std::launch::async, [&] { return call("DELETE", "/v1/webhooks/" + id, firm_key_).status(); });
  ASSERT_TRUE(eventually([&] { return waiting("DELETE FROM webhooks%"); })) << service_->output();
  held.commit();
  EXPECT_EQ(removed.get(), 204);
  EXPECT_EQ(service_->output().find("webhook attempt not recorded"), std::string::npos)
      << service_->output();
  EXPECT_EQ(service_->output().find("deadlock"), std::string::npos) << service_->output();
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM webhooks"), "0");
  EXPECT_EQ(count_rows("webhook_attempts"), 0U);
}

TEST_F(WebhooksTest, InvalidWebhooksAreRefusedWithEveryError) {
  auto r = call("POST", "/v1/webhooks", firm_key_,
                {{"url", "ftp://example.com/x"},
                 {"events", {"offer.received", "no.such", "offer.received"}},
                 {"colour", "red"}});
  expect_problem(r, 422);
  std::set<std::string> pointers;
  for (const auto& e : r.body["errors"]) pointers.insert(e["pointer"].get<std::string>());
  EXPECT_EQ(pointers, (std::set<std::string>{"/url", "/events/1", "/events/2", "/colour"}));
  expect_problem(call("POST", "/v1/webhooks", firm_key_, {{"url", "http://example.com/"}}), 422);
  expect_problem(call("POST", "/v1/webhooks", "", {{"url", "http://example.com/"}}), 401);
  expect_problem(call("GET", "/v1/webhooks/not-a-uuid", firm_key_), 404);
  const auto created = create_webhook(firm_key_, "http://hooks.example.com/k", {"round.completed"});
  const std::string path = "/v1/webhooks/" + created["id"].get<std::string>();
  expect_problem(call("PATCH", path, firm_key_, {{"events", json::array()}}), 422);
  expect_problem(
      call("PATCH", path, firm_key_, {{"url", "http://example.com/"}}, {{"If-Match", "\"99\""}}),
      412);
  expect_problem(call("PATCH", path, other_firm_key_, {{"enabled", false}}), 404);
  expect_problem(call("DELETE", path, other_firm_key_), 404);
  EXPECT_EQ(call("DELETE", path, firm_key_).status(), 204);
  expect_problem(call("GET", path, firm_key_), 404);
}

// Every event goes to each endpoint: an organization has at most ten (a
// probe's 200 turned one consent change into 200 outbound POSTs).
TEST_F(WebhooksTest, AnOrganizationHasAtMostTenEndpoints) {
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(create_webhook(firm_key_, "http://hooks.example.com/n" + std::to_string(i),
                                 {"round.completed"})["id"]);
  }
  auto eleventh = call("POST", "/v1/webhooks", firm_key_,
                       {{"url", "http://hooks.example.com/n10"}, {"events", {"round.completed"}}});
  expect_problem(eleventh, 409);
  EXPECT_NE(eleventh.body.value("detail", "").find("delete one first"), std::string::npos);
  EXPECT_EQ(db_.query_value("SELECT count(*) FROM webhooks"), "10");
  // Another organization's count is its own.
  create_webhook(other_firm_key_, "http://hooks.example.com/other", {"round.completed"});
  // The database holds the rule for any writer.
  EXPECT_THROW(db_.exec("INSERT INTO webhooks (organization_id, url, events, secret) SELECT "
                        "organization_id, url, events, secret FROM webhooks WHERE id = '" +
                        ids[1] + "'"),
               std::exception);
  EXPECT_EQ(call("DELETE", "/v1/webhooks/" + ids[0], firm_key_).status(), 204);
  EXPECT_EQ(call("POST", "/v1/webhooks", firm_key_,
                 {{"url", "http://hooks.example.com/n10"}, {"events", {"round.completed"}}})
                .status(),
            201);
}

TEST_F(WebhooksTest, TheInboxShowsWhatHappenedWithAnUnreadCount) {
  const auto project = add_project("Casting defect detection");
  const auto match = add_match(project, add_trainee("inbox@example.com"));
  move(match, firm_key_, "interviewing");
  move(match, firm_key_, "offered");

  auto inbox = call("GET", "/v1/notifications", school_key_);
  ASSERT_EQ(inbox.status(), 200) << inbox.http.body;
  // Newest first: the offer (twice: the state change and the offer itself),
  // interviewing, shortlisted.
  ASSERT_EQ(inbox.body["items"].size(), 4U);
  EXPECT_EQ(inbox.body["unread_count"], 4);
  std::multiset<std::string> types;
  for (const auto& n : inbox.body["items"]) {
    types.insert(n["type"].get<std::string>());
    EXPECT_EQ(n["match_id"], match);
    EXPECT_FALSE(n["read"].get<bool>());
    EXPECT_EQ(n["data"]["project_title"], "Casting defect detection");
  }
  EXPECT_EQ(types.count("offer.received"), 1U);
  EXPECT_EQ(inbox.body["items"][3]["data"]["to_state"], "shortlisted");

  // Reading one lowers the count, for this reader only.
  const std::string first = inbox.body["items"][0]["id"];
  EXPECT_EQ(call("POST", "/v1/notifications/" + first + "/read", school_key_).status(), 204);
  EXPECT_EQ(call("GET", "/v1/notifications", school_key_).body["unread_count"], 3);
  auto unread = call("GET", "/v1/notifications?unread=true&limit=2", school_key_);
  EXPECT_EQ(unread.body["items"].size(), 2U);
  EXPECT_TRUE(unread.body["next_cursor"].is_string());
  auto second_key =
      call("POST", "/v1/organizations/" + school_ + "/api-keys", admin_, {{"label", "second"}});
  EXPECT_EQ(call("GET", "/v1/notifications", second_key.body["secret"]).body["unread_count"], 4);

  // Another organization neither sees the event nor may mark it.
  expect_problem(call("POST", "/v1/notifications/" + first + "/read", other_firm_key_), 404);
  EXPECT_TRUE(call("GET", "/v1/notifications", other_firm_key_).body["items"].empty());
  expect_problem(call("GET", "/v1/notifications?unread=maybe", school_key_), 422);

  EXPECT_EQ(call("POST", "/v1/notifications/read-all", school_key_).status(), 204);
  EXPECT_EQ(call("GET", "/v1/notifications", school_key_).body["unread_count"], 0);
  move(match, school_key_, "accepted");
  EXPECT_EQ(call("GET", "/v1/notifications", school_key_).body["unread_count"], 1);
  // The firm's inbox has the three changes and the acceptance.
  EXPECT_EQ(call("GET", "/v1/notifications", firm_key_).body["unread_count"], 4);
}

}  // namespace
}  // namespace kakehashi::testing
