// Configuration from flags and KAKEHASHI_* environment variables (flags win).
// Every option has a default, a description for --help, and a validator; a bad
// value is an error at start, never a surprise later.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "util/password.hpp"

namespace kakehashi::app {

struct Config {
  std::string database_url;  // empty: libpq's PG* environment variables decide
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::size_t threads = 0;  // 0: one per core
  std::size_t db_pool_size = 4;
  std::chrono::milliseconds statement_timeout{5'000};
  std::chrono::seconds connect_timeout{3};
  // Statements running longer are logged (shape and duration, no values); 0: off.
  std::chrono::milliseconds slow_statement{500};
  // Autocommit reads set application_name too (one round trip per checkout).
  bool db_name_reads = true;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_connections = 10'000;
  std::chrono::milliseconds drain_timeout{10'000};
  // On SIGTERM, /readyz answers 503 this long while the service still accepts
  // and serves, so a balancer stops sending before connections are refused.
  std::chrono::milliseconds drain_notice{0};
  bool access_log = true;
  std::size_t rate_limit_per_key = 1000;      // requests a second; 0: off
  std::size_t auth_failures_per_minute = 60;  // per client address; 0: off
  std::string migrations_dir;                 // empty: the migrations compiled into the binary
  // People's accounts (api::AccountSettings).
  std::int64_t session_ttl_seconds = 12 * 3600;
  std::int64_t invitation_ttl_seconds = 7 * 24 * 3600;
  std::string cookie_secure = "auto";  // auto | always | never
  std::size_t free_sign_in_failures = 5;
  util::PasswordCost password_cost = util::interactive_password_cost();  // or minimum (tests)
  bool migrate_on_start = false;
  // Webhook deliveries (app/delivery.hpp).
  bool webhook_allow_private = false;  // tests only: loopback and private targets
  std::size_t webhook_workers = 2;     // 0: this process delivers nothing
  std::chrono::milliseconds webhook_poll{1'000};
  std::chrono::milliseconds webhook_timeout{10'000};
  std::chrono::milliseconds webhook_backoff{5'000};
  std::chrono::milliseconds webhook_max_backoff{3'600'000};
  std::size_t webhook_max_attempts = 15;
  std::size_t webhook_disable_after = 50;
  std::string webhook_ca_file;  // empty: the system's trust store
  // Issue 17. Hex; empty: contacts are not fingerprinted (no duplicate flags).
  std::string contact_hash_key;
  std::size_t retention_months = 24;       // 0: retention off
  std::size_t event_retention_days = 365;  // 0: events and deliveries are kept
  std::chrono::seconds retention_interval{3600};
  // Rendered candidates pages held for answering again (#14).
  std::size_t page_cache_mb = 128;
};

struct ConfigResult {
  Config config;
  std::vector<std::string> errors;      // every bad value, all at once
  std::vector<std::string> positional;  // arguments that are not options
  bool help = false;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses `args` (without the program name and command) over the environment.
ConfigResult parse_config(const std::vector<std::string>& args, const EnvLookup& env);

// The environment of this process.
std::optional<std::string> process_env(const std::string& name);

// The option table as --help prints it.
std::string options_help();

}  // namespace kakehashi::app
