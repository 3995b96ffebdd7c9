#include "app/commands.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>
#include <typeinfo>
#include <unordered_map>

#include <termios.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <pqxx/pqxx>

#include "api/api_context.hpp"
#include "api/common.hpp"
#include "api/ops.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "app/config.hpp"
#include "app/delivery.hpp"
#include "app/index_pages.hpp"
#include "app/probe.hpp"
#include "app/retention.hpp"
#include "app/seed.hpp"
#include "domain/principal.hpp"
#include "domain/statuses.hpp"
#include "http/server.hpp"
#include "matching/live_index.hpp"
#include "store/accounts.hpp"
#include "store/change_feed.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/registry.hpp"
#include "util/cpu_pool.hpp"
#include "util/crypto.hpp"
#include "util/log.hpp"
#include "util/password.hpp"

namespace kakehashi::app {
namespace net = boost::asio;

namespace {

constexpr const char* kUsage =
    "kakehashi: matches trainees of Global South training programmes with Japanese firms' "
    "offshore projects.\n\n"
    "Usage: kakehashi COMMAND [OPTIONS]\n\n"
    "Commands:\n"
    "  serve      serve the HTTP API (refuses pending migrations unless --migrate)\n"
    "  migrate    apply pending database migrations and exit\n"
    "  probe [--url URL] [--timeout 2s]            exit 0 if GET URL (default: /readyz on the\n"
    "                                              listen address) answers 200, else 1\n"
    "  keys create --admin --label TEXT            print a new administrator API key\n"
    "  keys create --organization ID --label TEXT  print a new key for an organization\n"
    "  users create --admin --email E --name N     create an administrator's account; the\n"
    "  users create --organization ID --role R --email E --name N   password is read from\n"
    "                                              standard input or KAKEHASHI_USER_PASSWORD\n"
    "  seed --demo                                 load the demo organizations, trainees and "
    "projects\n"
    "  seed --synthetic [--trainees N] [--projects M] [--seed S]   load a large generated set\n"
    "  version    print the version\n\n"
    "Options (each also read from the environment variable named beside it; flags win):\n";

void print_help() { std::cout << kUsage << options_help(); }

// Parses options; prints every error and returns nullopt when there is any.
std::optional<Config> load_config(const std::vector<std::string>& args, bool* help) {
  auto parsed = parse_config(args, process_env);
  for (const auto& p : parsed.positional) parsed.errors.push_back("unexpected argument " + p);
  *help = parsed.help;
  if (parsed.help) {
    print_help();
    return std::nullopt;
  }
  if (!parsed.errors.empty()) {
    for (const auto& e : parsed.errors) std::cerr << "kakehashi: " << e << "\n";
    std::cerr << "kakehashi: see kakehashi --help\n";
    return std::nullopt;
  }
  return parsed.config;
}

store::DatabaseOptions database_options(const Config& c) {
  return store::DatabaseOptions{.url = c.database_url,
                                .pool_size = c.db_pool_size,
                                .statement_timeout = c.statement_timeout,
                                .connect_timeout = c.connect_timeout,
                                .slow_statement = c.slow_statement,
                                .name_reads = c.db_name_reads,
                                .contact_key = c.contact_hash_key};
}

std::vector<store::Migration> load_migration_set(const Config& c) {
  if (c.migrations_dir.empty()) return store::embedded_migrations();
  return store::load_migrations(c.migrations_dir);
}

int fail(const std::string& message) {
  util::log("error", message);
  std::cerr << "kakehashi: " << message << "\n";
  return 1;
}

// PostgreSQL's message without what may be a value: only its first line
// (DETAIL lines quote the failing row), quoted text kept only when it looks
// like an identifier (a constraint, a table), at most 200 characters.
std::string redact(std::string_view message) {
  message = message.substr(0, message.find('\n'));
  std::string out;
  for (std::size_t i = 0; i < message.size() && out.size() < 200;) {
    if (message[i] != '"') {
      out.push_back(message[i++]);
      continue;
    }
    const auto end = message.find('"', i + 1);
    const auto quoted = message.substr(i + 1, end == std::string_view::npos ? 0 : end - i - 1);
    const bool identifier = end != std::string_view::npos && !quoted.empty() &&
                            quoted.size() <= 63 &&
                            std::all_of(quoted.begin(), quoted.end(), [](char c) {
                              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                            });
    out += identifier ? "\"" + std::string(quoted) + "\"" : std::string("\"…\"");
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return out;
}

std::optional<http::Problem> map_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const store::DatabaseUnavailable& ex) {
    util::log("warn", "database unavailable", {{"error", ex.what()}});
    return http::Problem{.status = 503,
                         .detail = "the database is unavailable; retry shortly",
                         .retry_after_seconds = 1};
  } catch (const pqxx::transaction_rollback& ex) {
    // A deadlock or serialization failure that retries did not resolve.
    util::log("warn", "transaction rolled back", {{"error", redact(ex.what())}});
    return http::Problem{.status = 503,
                         .detail = "the database was busy with a conflicting change; retry",
                         .retry_after_seconds = 1};
  } catch (const pqxx::sql_error& ex) {
    // PostgreSQL's message may quote the failing row or key (DETAIL lines,
    // "Failing row contains (...)"): only its first line and the SQLSTATE
    // reach the log, never the values.
    const std::string message = redact(ex.what());
    if (ex.sqlstate() == "57014") {  // query_canceled
      util::log("warn", "statement timed out", {{"error", message}});
      return http::Problem{.status = 503,
                           .detail = "the database took too long to answer; retry shortly",
                           .retry_after_seconds = 1};
    }
    util::log("error", "unexpected database error",
              {{"sqlstate", ex.sqlstate()}, {"error", message}});
    return http::Problem{.status = 500,
                         .detail = "an unexpected error occurred; quote the request id"};
  } catch (...) {
    return std::nullopt;
  }
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    print_help();
    return args.empty() ? 2 : 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "serve") return serve(rest);
  if (args[0] == "migrate") return migrate(rest);
  if (args[0] == "keys") return keys(rest);
  if (args[0] == "users") return users(rest);
  if (args[0] == "seed") return seed(rest);
  if (args[0] == "probe") return probe(rest);
  if (args[0] == "version" || args[0] == "--version") {
    std::cout << "kakehashi " << KAKEHASHI_VERSION << "\n";
    return 0;
  }
  std::cerr << "kakehashi: unknown command '" << args[0] << "'; see kakehashi --help\n";
  return 2;
}

int migrate(const std::vector<std::string>& args) {
  bool help = false;
  auto config = load_config(args, &help);
  if (!config) return help ? 0 : 2;
  try {
    const auto migrations = load_migration_set(*config);
    store::Database db(database_options(*config));
    store::MigrationReport report;
    db.run_sync([&](pqxx::connection_base& conn) { report = store::migrate(conn, migrations); });
    for (const auto& name : report.applied)
      util::log("info", "migration applied", {{"name", name}});
    util::log("info", "migrations up to date",
              {{"applied", report.applied.size()}, {"already_applied", report.already_applied}});
    return 0;
  } catch (const std::exception& e) {
    return fail(std::string("migrate failed: ") + e.what());
  }
}

namespace {

api::AccountSettings account_settings(const Config& config) {
  api::AccountSettings s;
  s.session_ttl_seconds = config.session_ttl_seconds;
  s.invitation_ttl_seconds = config.invitation_ttl_seconds;
  s.secure_cookie = config.cookie_secure == "always"  ? api::AccountSettings::SecureCookie::kAlways
                    : config.cookie_secure == "never" ? api::AccountSettings::SecureCookie::kNever
                                                      : api::AccountSettings::SecureCookie::kAuto;
  s.free_sign_in_failures = static_cast<int>(config.free_sign_in_failures);
  s.password_cost = config.password_cost;
  return s;
}

// One line from standard input, without echo when it is a terminal.
std::string read_password() {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios old{};
  if (tty) {
    std::cerr << "password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int users(const std::vector<std::string>& args) {
  // users create (--admin | --organization ID --role R) --email E --name N [database options]
  constexpr const char* kUsersUsage =
      "kakehashi: usage: kakehashi users create (--admin | --organization ID --role "
      "owner|member|viewer) --email EMAIL --name NAME  (the password comes on standard input)\n";
  if (args.empty() || args[0] != "create") {
    std::cerr << kUsersUsage;
    return 2;
  }
  bool admin = false;
  std::string organization, role, email, name;
  std::vector<std::string> rest;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--admin") {
      admin = true;
    } else if (args[i] == "--organization" && has_value) {
      organization = args[++i];
    } else if (args[i] == "--role" && has_value) {
      role = args[++i];
    } else if (args[i] == "--email" && has_value) {
      email = args[++i];
    } else if (args[i] == "--name" && has_value) {
      name = args[++i];
    } else {
      rest.push_back(args[i]);
    }
  }
  if (admin) role = "admin";
  const bool role_ok =
      admin ? organization.empty()
            : !organization.empty() && (role == "owner" || role == "member" || role == "viewer");
  for (auto& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!role_ok || !api::valid_email(email) || name.empty() || name.size() > 200) {
    std::cerr << kUsersUsage;
    return 2;
  }
  bool help = false;
  auto config = load_config(rest, &help);
  if (!config) return help ? 0 : 2;
  // From the environment for scripts (a container's first start), else
  // standard input; never an argument, which any user's `ps` shows.
  const auto from_env = process_env("KAKEHASHI_USER_PASSWORD");
  const std::string password = from_env ? *from_env : read_password();
  if (password.size() < util::kMinPasswordBytes || password.size() > util::kMaxPasswordBytes) {
    return fail("the password must be " + std::to_string(util::kMinPasswordBytes) + " to " +
                std::to_string(util::kMaxPasswordBytes) + " bytes long");
  }
  if (const auto weak = util::password_weakness(password, email)) {
    return fail("the password is easy to guess: " + *weak);
  }
  try {
    store::Database db(database_options(*config), store::registry_statements());
    if (config->password_cost != util::interactive_password_cost()) {
      std::cerr << "kakehashi: warning: the password is hashed at the test cost (minimum): "
                   "never for a real account\n";
    }
    const std::string hash = util::hash_password(password, config->password_cost);
    std::optional<store::PersonRow> row;
    db.transact_sync([&](store::Tx& t) {
      std::optional<store::OrganizationRow> org = admin ? std::optional(store::programme_office(t))
                                                        : store::find_organization(t, organization);
      if (!org) return;
      row = store::insert_person(t, {org->id, email, name, role, hash});
    });
    if (!row) return fail("no such organization: " + organization);
    std::cout << row->id << "\n";
    return 0;
  } catch (const store::Conflict& e) {
    return fail("users create failed: " + e.detail);
  } catch (const std::exception& e) {
    return fail(std::string("users create failed: ") + e.what());
  }
}

int keys(const std::vector<std::string>& args) {
  // keys create (--admin | --organization ID) --label TEXT [database options]
  if (args.empty() || args[0] != "create") {
    std::cerr
        << "kakehashi: usage: kakehashi keys create (--admin | --organization ID) --label TEXT\n";
    return 2;
  }
  bool admin = false;
  std::string organization;
  std::string label;
  std::vector<std::string> rest;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--admin") {
      admin = true;
    } else if (args[i] == "--organization" && i + 1 < args.size()) {
      organization = args[++i];
    } else if (args[i] == "--label" && i + 1 < args.size()) {
      label = args[++i];
    } else {
      rest.push_back(args[i]);
    }
  }
  if (admin == !organization.empty() || label.empty()) {
    std::cerr
        << "kakehashi: keys create needs --label and exactly one of --admin or --organization\n";
    return 2;
  }
  bool help = false;
  auto config = load_config(rest, &help);
  if (!config) return help ? 0 : 2;
  try {
    store::Database db(database_options(*config), store::registry_statements());
    const auto key = api::generate_key();
    std::optional<store::ApiKeyRow> row;
    db.transact_sync([&](store::Tx& t) {
      std::optional<store::OrganizationRow> org = admin ? std::optional(store::programme_office(t))
                                                        : store::find_organization(t, organization);
      if (!org) return;
      const auto role = domain::role_for_kind(org->kind);
      row = store::insert_api_key(t, org->id, std::string(domain::role_name(*role)), label,
                                  key.prefix, key.sha256);
    });
    if (!row) return fail("no such organization: " + organization);
    std::cout << key.secret << "\n";
    return 0;
  } catch (const std::exception& e) {
    return fail(std::string("keys create failed: ") + e.what());
  }
}

namespace {

// How many changed rows each subscriber applied, by where the change came
// from: a write is applied once in the process that made it (local) and once
// in every other (remote).
struct FeedCounters {
  struct PerSource {
    std::atomic<std::uint64_t> local{0};
    std::atomic<std::uint64_t> remote{0};
    void add(bool local_change, std::size_t n) { (local_change ? local : remote) += n; }
  };
  PerSource index;
  PerSource documents;
  PerSource keys;
};

// The change feed's subscribers: the taxonomy and the matching index, the
// trainee document cache (off while the listener is disconnected) and the
// API key cache. The only place that updates them.
void subscribe(store::ChangeFeed& feed, api::ApiContext& api, matching::LiveIndex& live,
               FeedCounters& counters) {
  feed.subscribe([&api, &live, &counters](const store::ChangeSet& set) {
    if (set.everything) {
      install_full_load(*set.everything, api.taxonomy, live);
      return;
    }
    // Checking each of many changes against every remembered ranking costs
    // more than ranking again: forget them all once.
    if (set.trainees.size() > 64) {
      live.apply_many(set.trainees);  // builds each shard once (a bulk import)
    } else {
      if (set.trainees.size() + set.trainees_gone.size() > 64) live.forget_rankings();
      for (const auto& t : set.trainees) live.apply(t);
    }
    for (auto seq : set.trainees_gone) live.remove_trainee(seq);
    for (const auto& p : set.projects) live.apply(p);
    for (auto seq : set.projects_gone) live.remove_project(seq);
    counters.index.add(set.local, set.trainees.size() + set.trainees_gone.size() +
                                      set.projects.size() + set.projects_gone.size());
  });
  feed.subscribe([&api, &counters](const store::ChangeSet& set) {
    // Documents carry skill names, so a full load drops them all.
    if (set.everything || !set.trainees_gone.empty()) {
      api.trainee_documents.clear();
      return;
    }
    for (const auto& t : set.trainees) api.trainee_documents.erase(t.id);
    counters.documents.add(set.local, set.trainees.size());
  });
  feed.subscribe([&api, &counters](const store::ChangeSet& set) {
    for (const auto& id : set.api_keys) api.keys.evict_key(id);
    counters.keys.add(set.local, set.api_keys.size());
  });
  feed.on_connection([&api](bool connected) { api.trainee_documents.set_enabled(connected); });
  load_pages_into(feed, live);
}

void render_metrics(std::string& out, const api::ApiContext& api, const store::ChangeFeed& feed,
                    const FeedCounters& counters) {
  const auto s = api.trainee_documents.stats();
  out += "# HELP trainee_document_cache_total Trainee reads by cache result.\n";
  out += "# TYPE trainee_document_cache_total counter\n";
  out += "trainee_document_cache_total{result=\"hit\"} " + std::to_string(s.hits) + "\n";
  out += "trainee_document_cache_total{result=\"miss\"} " + std::to_string(s.misses) + "\n";
  out += "# HELP trainee_document_cache_entries Documents held.\n";
  out += "# TYPE trainee_document_cache_entries gauge\n";
  out += "trainee_document_cache_entries " + std::to_string(s.entries) + "\n";
  const auto f = feed.stats();
  out += "# HELP change_sets_total Change sets the change feed published, by origin.\n";
  out += "# TYPE change_sets_total counter\n";
  out += "change_sets_total{source=\"local\"} " + std::to_string(f.local_sets) + "\n";
  out += "change_sets_total{source=\"remote\"} " + std::to_string(f.remote_sets) + "\n";
  out += "# HELP change_notifications_skipped_total This process's own notifications, skipped.\n";
  out += "# TYPE change_notifications_skipped_total counter\n";
  out += "change_notifications_skipped_total " + std::to_string(f.own_notifications_skipped) + "\n";
  out += "# HELP change_full_loads_total Full loads of the in-memory services.\n";
  out += "# TYPE change_full_loads_total counter\n";
  out += "change_full_loads_total " + std::to_string(f.full_loads) + "\n";
  out += "# HELP changes_applied_total Changed rows each subscriber applied, by origin.\n";
  out += "# TYPE changes_applied_total counter\n";
  const std::pair<const char*, const FeedCounters::PerSource*> subscribers[] = {
      {"matching_index", &counters.index},
      {"trainee_documents", &counters.documents},
      {"api_keys", &counters.keys}};
  for (const auto& [name, c] : subscribers) {
    for (const auto& [source, n] :
         {std::pair{"local", c->local.load()}, std::pair{"remote", c->remote.load()}}) {
      out += std::string("changes_applied_total{subscriber=\"") + name + "\",source=\"" + source +
             "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP cpu_pool_queued Tasks waiting for a CPU executor thread.\n";
  out += "# TYPE cpu_pool_queued gauge\n";
  out += "cpu_pool_queued " + std::to_string(api.cpu.queued()) + "\n";
  out += "# HELP cpu_pool_running Tasks running on the CPU executor.\n";
  out += "# TYPE cpu_pool_running gauge\n";
  out += "cpu_pool_running " + std::to_string(api.cpu.running()) + "\n";
  out += "# HELP change_feed_connected 1 while the change feed's listener is connected.\n";
  out += "# TYPE change_feed_connected gauge\n";
  out += std::string("change_feed_connected ") + (feed.connected() ? "1" : "0") + "\n";
  if (api.live != nullptr) {
    out += "# HELP matching_index_entries Entries in the matching index, by kind.\n";
    out += "# TYPE matching_index_entries gauge\n";
    out += "matching_index_entries{kind=\"trainee\"} " + std::to_string(api.live->trainee_count()) +
           "\n";
    out += "matching_index_entries{kind=\"project\"} " + std::to_string(api.live->project_count()) +
           "\n";
    out += "# HELP matching_index_rebuilds_total Full rebuilds of the matching index.\n";
    out += "# TYPE matching_index_rebuilds_total counter\n";
    out += "matching_index_rebuilds_total " + std::to_string(api.live->rebuilds()) + "\n";
    out +=
        "# HELP candidate_rankings_dropped_total Remembered candidate lists dropped because a "
        "trainee change could alter them.\n";
    out += "# TYPE candidate_rankings_dropped_total counter\n";
    out +=
        "candidate_rankings_dropped_total " + std::to_string(api.live->rankings_dropped()) + "\n";
    out += "# HELP matching_index_ready 1 once the matching index has loaded.\n";
    out += "# TYPE matching_index_ready gauge\n";
    out += std::string("matching_index_ready ") + (api.live->ready() ? "1" : "0") + "\n";
  }
  out +=
      "# HELP matching_round_duration_seconds Completed matching rounds, from reading their "
      "inputs to storing their proposals, by algorithm.\n";
  out += "# TYPE matching_round_duration_seconds histogram\n";
  api.round_seconds.render(out, "matching_round_duration_seconds");
}

// nullopt when the schema is current (after migrating, if asked to);
// otherwise why the service must not start.
std::optional<std::string> check_schema(store::Database& db,
                                        const std::vector<store::Migration>& migrations,
                                        bool migrate_on_start) {
  try {
    std::vector<std::string> pending;
    db.run_sync([&](pqxx::connection_base& conn) {
      pending = store::pending_migrations(conn, migrations);
      if (!pending.empty() && migrate_on_start) {
        for (const auto& name : store::migrate(conn, migrations).applied) {
          util::log("info", "migration applied", {{"name", name}});
        }
        pending.clear();
      }
    });
    if (pending.empty()) return std::nullopt;
    return std::to_string(pending.size()) + " pending migration(s), first " + pending.front() +
           "; run 'kakehashi migrate' or 'kakehashi serve --migrate'";
  } catch (const std::exception& e) {
    return std::string("cannot start: ") + e.what();
  }
}

DeliveryOptions delivery_options(const Config& config) {
  DeliveryOptions o;
  o.allow_private = config.webhook_allow_private;
  o.workers = config.webhook_workers;
  o.poll = config.webhook_poll;
  o.timeout = config.webhook_timeout;
  o.ca_file = config.webhook_ca_file;
  o.retry.max_attempts = static_cast<int>(config.webhook_max_attempts);
  o.retry.backoff_seconds = static_cast<double>(config.webhook_backoff.count()) / 1000;
  o.retry.max_backoff_seconds = static_cast<double>(config.webhook_max_backoff.count()) / 1000;
  o.retry.disable_after = static_cast<int>(config.webhook_disable_after);
  return o;
}

void add_routes(http::Router& router, api::OpsContext& ops, api::ApiContext& api) {
  api::add_ops_routes(router, ops);
  api::add_api_routes(router, api);
}

// Serves on `config.threads` I/O threads until SIGTERM/SIGINT, then drains:
// /readyz answers 503 for drain_notice while everything else is served as
// before (a balancer's health check sees it and stops sending), then new
// connections are refused and requests in flight finish within drain_timeout.
void run_until_drained(net::io_context& ioc, http::Server& server, const Config& config,
                       std::uint16_t port, std::atomic<bool>& draining) {
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  net::steady_timer notice_timer(ioc);
  net::steady_timer drain_timer(ioc);
  std::chrono::steady_clock::time_point deadline;
  std::function<void()> poll_drain = [&] {
    if (server.open_connections() == 0 || std::chrono::steady_clock::now() >= deadline) {
      util::log("info", "stopped", {{"open_connections", server.open_connections()}});
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](const boost::system::error_code&) { poll_drain(); });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    draining = true;
    // Without a notice, refusing begins before "draining" is logged, so a
    // reader of the line finds it in force (an answer after it says
    // Connection: close); it began a timer's turn later, which under load
    // could be after such an answer.
    const bool at_once = config.drain_notice.count() == 0;
    if (at_once) server.shutdown();
    util::log("info", "draining", {{"signal", signal}, {"notice_ms", config.drain_notice.count()}});
    notice_timer.expires_after(config.drain_notice);
    notice_timer.async_wait([&, at_once](const boost::system::error_code&) {
      deadline = std::chrono::steady_clock::now() + config.drain_timeout;
      if (!at_once) server.shutdown();
      poll_drain();
    });
  });

  // Logged once SIGTERM is handled: a supervisor that reads "listening"
  // may stop the process at once.
  util::log("info", "listening",
            {{"address", config.listen_address},
             {"port", port},
             {"threads", config.threads},
             {"db_pool_size", config.db_pool_size}});
  // A handler that throws (a library's exception escaping a read, as a
  // 64 KiB trailer field once did) is logged and the thread runs on: one
  // connection is lost, not the process.
  const auto run = [&ioc] {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        // The type only: a message may quote what a client sent.
        util::log("error", "a handler threw out of the event loop",
                  {{"exception", typeid(e).name()}});
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < config.threads; ++i) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
}

}  // namespace

int serve(const std::vector<std::string>& args) {
#if defined(__GLIBC__)
  // A full load allocates and frees buffers of many MB (features, cards). By
  // default glibc raises its mmap threshold to the largest such buffer freed,
  // so the next load's come from the heap and stay resident after they are
  // freed (RSS grew by ~20 MiB with each reload at 100k trainees). A fixed
  // threshold keeps every buffer of 1 MiB or more in its own mapping, handed
  // back when freed.
  ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  bool help = false;
  auto config_opt = load_config(args, &help);
  if (!config_opt) return help ? 0 : 2;
  const Config config = *config_opt;
  const double start_time = unix_now();

  std::vector<store::Migration> migrations;
  try {
    migrations = load_migration_set(config);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  // This process's name in change notifications (see store/change_feed.hpp).
  const std::string origin = util::random_hex(6);
  auto options = database_options(config);
  options.origin = origin;
  store::Database db(options, store::registry_statements());
  if (auto refused = check_schema(db, migrations, config.migrate_on_start)) return fail(*refused);
  // The pool's connections open now, while the index loads, not on the first
  // requests after /readyz turns ready.
  util::log("info", "database connections opened",
            {{"open", db.connect_all()}, {"db_pool_size", config.db_pool_size}});

  util::CpuPool cpu(config.threads);
  api::ApiContext api_context{db, cpu, {}, {}};
  for (const auto name : domain::names_of<domain::Algorithm>()) api_context.round_seconds.add(name);
  api_context.accounts = account_settings(config);
  if (config.password_cost != util::interactive_password_cost()) {
    util::log("warn", "passwords are hashed at a test cost: never serve real accounts so",
              {{"password_cost", "minimum"}});
  }
  if (config.rate_limit_per_key > 0) {
    const auto rate = static_cast<double>(config.rate_limit_per_key);
    api_context.key_limit = std::make_unique<http::RateLimiter>(rate, 2 * rate);
  }
  if (config.auth_failures_per_minute > 0) {
    const auto per_minute = static_cast<double>(config.auth_failures_per_minute);
    api_context.auth_failure_limit =
        std::make_unique<http::RateLimiter>(per_minute / 60, per_minute);
  }
  std::unordered_map<std::string, int> utc_offsets;
  try {
    db.read_sync([&](store::Tx& t) {
      for (auto& [tz, offset] : store::load_timezone_offsets(t)) {
        // A trainee's zone is a place: not tzdata's "Factory", "posixrules"
        // or "localtime", nor its posix/ and right/ copies (a probe stored
        // "Factory"). Their rules still load for any row that holds one.
        const bool place = tz != "Factory" && tz != "posixrules" && tz != "localtime" &&
                           !tz.starts_with("posix/") && !tz.starts_with("right/");
        if (place) api_context.timezones.insert(tz);
        utc_offsets.emplace(tz, offset);
      }
    });
  } catch (const std::exception& e) {
    return fail(std::string("cannot load the time zones: ") + e.what());
  }
  // The zones' DST rules, for the JST overlap over a project's dates.
  auto zones = std::make_shared<matching::ZoneTable>();
  {
    std::vector<std::string> names;
    for (const auto& [tz, offset] : utc_offsets) names.push_back(tz);
    std::sort(names.begin(), names.end());
    auto files = store::load_zone_rules(names, store::zoneinfo_directory());
    zones->add_all(std::move(files.rules), std::move(files.names));
    util::log(
        "info", "time zone rules loaded",
        {{"zones", zones->ids.size()}, {"names", names.size()}, {"files", zones->rules.size()}});
  }

  // The change feed loads everything on its own thread and keeps the index
  // and the caches current; /readyz answers 503 until it has loaded.
  matching::LiveIndex live(api_context.taxonomy, std::move(utc_offsets));
  live.set_reference(nullptr, std::move(zones));
  live.set_page_cache_bytes(config.page_cache_mb * 1024 * 1024);
  api_context.live = &live;
  api_context.webhook_allow_private = config.webhook_allow_private;
  store::ChangeFeed feed(origin);
  FeedCounters counters;
  subscribe(feed, api_context, live, counters);
  db.set_commit_hook(
      [&feed](pqxx::connection_base& c, store::Changes& changes) { feed.committed(c, changes); });
  feed.start(store::connection_string(database_options(config)));

  // Delivers webhooks from the outbox on threads of its own (started once
  // the server listens, stopped before the database closes).
  DeliveryWorker deliveries(db, delivery_options(config));
  http::Metrics metrics;
  http::Router router;
  std::atomic<bool> draining{false};
  api::OpsContext ops{db,
                      metrics,
                      migrations,
                      start_time,
                      [&live] { return live.ready(); },
                      &draining,
                      [&](std::string& out) {
                        render_metrics(out, api_context, feed, counters);
                        render_delivery_metrics(out, deliveries.stats());
                      }};
  add_routes(router, ops, api_context);

  // Room for every connection allowed, beside the database pool, the
  // deliveries' sockets and files.
  const std::size_t max_connections = http::fit_connections_to_descriptors(
      config.max_connections, 64 + config.db_pool_size + 2 * config.webhook_workers);
  if (max_connections < config.max_connections) {
    util::log("warn", "max connections lowered to fit the limit on open files",
              {{"max_connections", max_connections}, {"configured", config.max_connections}});
  }
  net::io_context ioc(static_cast<int>(config.threads));
  http::Server server(ioc,
                      http::ServerOptions{.address = config.listen_address,
                                          .port = config.listen_port,
                                          .body_limit = config.body_limit,
                                          .read_timeout = config.read_timeout,
                                          .idle_timeout = config.idle_timeout,
                                          .max_connections = max_connections,
                                          .access_log = config.access_log},
                      router, metrics, map_exception,
                      [&api_context](http::RequestContext& ctx, const http::Route& route) {
                        return api::admit(api_context, ctx, route);
                      });
  start_retention(ioc, db,
                  {.trainee_months = static_cast<int>(config.retention_months),
                   .event_days = static_cast<int>(config.event_retention_days)},
                  config.retention_interval);
  std::uint16_t port = 0;
  try {
    port = server.listen();
  } catch (const std::exception& e) {
    return fail("cannot listen on " + config.listen_address + ":" +
                std::to_string(config.listen_port) + ": " + e.what());
  }

  deliveries.start();
  run_until_drained(ioc, server, config, port, draining);
  deliveries.stop();
  feed.stop();
  db.close();
  return 0;
}

}  // namespace kakehashi::app
