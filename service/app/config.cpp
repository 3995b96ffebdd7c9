#include "app/config.hpp"

#include <charconv>
#include <cstdlib>
#include <limits>
#include <thread>

namespace kakehashi::app {
namespace {

using Setter = std::function<std::optional<std::string>(Config&, const std::string&)>;

struct Option {
  const char* flag;  // without leading dashes
  const char* env;
  const char* default_text;
  const char* description;
  Setter set;
  bool is_switch = false;  // a flag without a value
  bool secret = false;     // never repeat its value in an error
};

std::optional<unsigned long long> parse_unsigned(const std::string& text) {
  unsigned long long v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return v;
}

template <typename T>
Setter number(T Config::*field, unsigned long long min, unsigned long long max) {
  return [=](Config& c, const std::string& v) -> std::optional<std::string> {
    auto n = parse_unsigned(v);
    if (!n || *n < min || *n > max) {
      return "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    }
    c.*field = static_cast<T>(*n);
    return std::nullopt;
  };
}

template <typename D>
Setter duration(D Config::*field, unsigned long long min, unsigned long long max) {
  return [=](Config& c, const std::string& v) -> std::optional<std::string> {
    auto n = parse_unsigned(v);
    if (!n || *n < min || *n > max) {
      return "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    }
    c.*field = D(static_cast<typename D::rep>(*n));
    return std::nullopt;
  };
}

Setter boolean(bool Config::*field) {
  return [=](Config& c, const std::string& v) -> std::optional<std::string> {
    if (v == "1" || v == "true" || v == "on" || v == "yes") {
      c.*field = true;
    } else if (v == "0" || v == "false" || v == "off" || v == "no") {
      c.*field = false;
    } else {
      return "must be true or false";
    }
    return std::nullopt;
  };
}

std::optional<std::string> set_listen(Config& c, const std::string& v) {
  const auto colon = v.rfind(':');
  if (colon == std::string::npos || colon == 0) return "must be HOST:PORT, e.g. 127.0.0.1:8080";
  std::string host = v.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto port = parse_unsigned(v.substr(colon + 1));
  if (!port || *port > 65535) return "port must be a number from 0 to 65535";
  for (char ch : host) {
    const bool ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                    (ch >= 'A' && ch <= 'F') || ch == '.' || ch == ':';
    if (!ok) return "host must be an IPv4 or IPv6 address, e.g. 0.0.0.0 or ::";
  }
  c.listen_address = host;
  c.listen_port = static_cast<std::uint16_t>(*port);
  return std::nullopt;
}

std::optional<std::string> set_contact_hash_key(Config& c, const std::string& v) {
  const bool hex = v.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  if (!hex || v.size() < 64 || v.size() > 128 || v.size() % 2 != 0) {
    return "must be 64 to 128 hex digits (an even number), e.g. from `openssl rand -hex 32`";
  }
  c.contact_hash_key = v;
  return std::nullopt;
}

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = {
      {"database-url", "KAKEHASHI_DATABASE_URL", "(libpq PG* variables)",
       "PostgreSQL connection URL or key=value string",
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         c.database_url = v;
         return std::nullopt;
       }},
      {"listen", "KAKEHASHI_LISTEN", "127.0.0.1:8080", "address and port to serve on (port 0: any)",
       set_listen},
      {"threads", "KAKEHASHI_THREADS", "(cores)", "I/O threads running the HTTP server",
       number(&Config::threads, 1, 256)},
      {"db-pool-size", "KAKEHASHI_DB_POOL_SIZE", "4", "database connections (and their threads)",
       number(&Config::db_pool_size, 1, 256)},
      {"db-statement-timeout-ms", "KAKEHASHI_DB_STATEMENT_TIMEOUT_MS", "5000",
       "longest a single SQL statement may run",
       duration(&Config::statement_timeout, 1, 3'600'000)},
      {"db-slow-statement-ms", "KAKEHASHI_DB_SLOW_STATEMENT_MS", "500",
       "log statements running longer than this, with the request id and the statement's "
       "shape, never its values. 0: off",
       duration(&Config::slow_statement, 0, 3'600'000)},
      {"db-name-reads", "KAKEHASHI_DB_NAME_READS", "true",
       "autocommit reads also set application_name to the request id, at one database round "
       "trip per read (transactions set it in their BEGIN at no extra round trip)",
       boolean(&Config::db_name_reads)},
      {"db-connect-timeout-s", "KAKEHASHI_DB_CONNECT_TIMEOUT_S", "3",
       "longest a database connection attempt may take",
       duration(&Config::connect_timeout, 1, 600)},
      {"body-limit", "KAKEHASHI_BODY_LIMIT", "1048576",
       "largest request body in bytes (413 beyond)", number(&Config::body_limit, 1, 1ULL << 30)},
      {"read-timeout-ms", "KAKEHASHI_READ_TIMEOUT_MS", "30000",
       "time allowed to receive a whole request", duration(&Config::read_timeout, 1, 3'600'000)},
      {"idle-timeout-ms", "KAKEHASHI_IDLE_TIMEOUT_MS", "60000",
       "idle keep-alive connections close after this",
       duration(&Config::idle_timeout, 1, 3'600'000)},
      {"max-connections", "KAKEHASHI_MAX_CONNECTIONS", "10000",
       "open connections beyond this are answered 503",
       number(&Config::max_connections, 1, 1'000'000)},
      {"drain-timeout-ms", "KAKEHASHI_DRAIN_TIMEOUT_MS", "10000",
       "on SIGTERM, how long requests in flight may take to finish",
       duration(&Config::drain_timeout, 0, 3'600'000)},
      {"drain-notice-ms", "KAKEHASHI_DRAIN_NOTICE_MS", "0",
       "on SIGTERM, how long /readyz answers 503 before new connections are refused "
       "(a balancer's health-check interval or more)",
       duration(&Config::drain_notice, 0, 600'000)},
      {"rate-limit", "KAKEHASHI_RATE_LIMIT", "1000",
       "requests a second per API key (bursts of twice that); then 429. 0: no limit",
       number(&Config::rate_limit_per_key, 0, 1'000'000)},
      {"auth-failure-limit", "KAKEHASHI_AUTH_FAILURE_LIMIT", "60",
       "failed authentications a minute per client address (bursts of as many); then 429. "
       "0: no limit",
       number(&Config::auth_failures_per_minute, 0, 1'000'000)},
      {"session-ttl-s", "KAKEHASHI_SESSION_TTL_S", "43200",
       "a person's session lasts this many seconds from sign-in",
       number(&Config::session_ttl_seconds, 1, 30ULL * 24 * 3600)},
      {"invitation-ttl-s", "KAKEHASHI_INVITATION_TTL_S", "604800",
       "an invitation can be accepted for this many seconds",
       number(&Config::invitation_ttl_seconds, 1, 90ULL * 24 * 3600)},
      {"cookie-secure", "KAKEHASHI_COOKIE_SECURE", "auto",
       "mark the session cookie Secure: always (TLS in front, as in production), never, or auto "
       "(when the proxy in front sends X-Forwarded-Proto: https)",
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         if (v != "auto" && v != "always" && v != "never") return "must be auto, always or never";
         c.cookie_secure = v;
         return std::nullopt;
       }},
      {"sign-in-failures", "KAKEHASHI_SIGN_IN_FAILURES", "5",
       "failed sign-ins for one email before it must wait (30 s, doubling, at most 15 min)",
       number(&Config::free_sign_in_failures, 1, 1000)},
      {"password-cost", "KAKEHASHI_PASSWORD_COST", "interactive",
       "work per password hash: interactive (Argon2id, 2 passes over 64 MiB) or minimum (1 pass "
       "over 8 KiB). minimum is for tests only: a stolen hash made so is cheap to guess from. A "
       "person whose hash was made at a lower cost has it made again at this one when they next "
       "sign in (never at a lower one)",
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         if (v != "interactive" && v != "minimum") return "must be interactive or minimum";
         c.password_cost =
             v == "minimum" ? util::minimum_password_cost() : util::interactive_password_cost();
         return std::nullopt;
       }},
      {"access-log", "KAKEHASHI_ACCESS_LOG", "true", "one JSON line per request on stdout",
       boolean(&Config::access_log)},
      {"migrations-dir", "KAKEHASHI_MIGRATIONS_DIR", "(built in)",
       "read migrations from this directory instead of those built in",
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         c.migrations_dir = v;
         return std::nullopt;
       }},
      {"migrate", "KAKEHASHI_MIGRATE", "false", "serve: apply pending migrations before serving",
       boolean(&Config::migrate_on_start), true},
      {"webhook-allow-private", "KAKEHASHI_WEBHOOK_ALLOW_PRIVATE", "false",
       "webhooks may target loopback, private and link-local addresses. For tests only: "
       "otherwise an endpoint could reach this network's internal services",
       boolean(&Config::webhook_allow_private)},
      {"webhook-workers", "KAKEHASHI_WEBHOOK_WORKERS", "2",
       "threads delivering webhooks (each one attempt at a time). 0: this process delivers none",
       number(&Config::webhook_workers, 0, 64)},
      {"webhook-poll-ms", "KAKEHASHI_WEBHOOK_POLL_MS", "1000",
       "how often an idle delivery thread looks for due deliveries",
       duration(&Config::webhook_poll, 10, 600'000)},
      {"webhook-timeout-ms", "KAKEHASHI_WEBHOOK_TIMEOUT_MS", "10000",
       "longest one delivery attempt may take (resolve, connect, send, answer)",
       duration(&Config::webhook_timeout, 100, 120'000)},
      {"webhook-backoff-ms", "KAKEHASHI_WEBHOOK_BACKOFF_MS", "5000",
       "wait before retrying a failed delivery; doubled after each further failure",
       duration(&Config::webhook_backoff, 1, 86'400'000)},
      {"webhook-max-backoff-ms", "KAKEHASHI_WEBHOOK_MAX_BACKOFF_MS", "3600000",
       "the longest wait between two attempts",
       duration(&Config::webhook_max_backoff, 1, 86'400'000)},
      {"webhook-max-attempts", "KAKEHASHI_WEBHOOK_MAX_ATTEMPTS", "15",
       "attempts before a delivery is given up as failed",
       number(&Config::webhook_max_attempts, 1, 100)},
      {"webhook-disable-after", "KAKEHASHI_WEBHOOK_DISABLE_AFTER", "50",
       "consecutive failed attempts (over all its deliveries) that disable an endpoint",
       number(&Config::webhook_disable_after, 1, 100'000)},
      {"webhook-ca-file", "KAKEHASHI_WEBHOOK_CA_FILE", "(the system's)",
       "https deliveries trust the certificates in this PEM file instead of the system's",
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         c.webhook_ca_file = v;
         return std::nullopt;
       }},
      // Issue 17: duplicates across organizations and retention.
      {"contact-hash-key", "KAKEHASHI_CONTACT_HASH_KEY", "(none: duplicates are not detected)",
       "HMAC key (64 to 128 hex digits, the same on every replica) under which trainees' "
       "normalised emails and phones are compared across organizations; give it in the "
       "environment, not as a flag",
       set_contact_hash_key, false, true},
      {"retention-months", "KAKEHASHI_RETENTION_MONTHS", "24",
       "erase the personal data of trainees withdrawn or inactive this many months. 0: never",
       number(&Config::retention_months, 0, 1200)},
      {"event-retention-days", "KAKEHASHI_EVENT_RETENTION_DAYS", "365",
       "delete organizations' events (inbox, webhooks) and finished webhook deliveries older "
       "than this many days. 0: keep them",
       number(&Config::event_retention_days, 0, 36'500)},
      {"retention-interval-s", "KAKEHASHI_RETENTION_INTERVAL_S", "3600",
       "how often the retention job runs (erasure and purges)",
       duration(&Config::retention_interval, 1, 604'800)},
      {"page-cache-mb", "KAKEHASHI_PAGE_CACHE_MB", "128",
       "memory for rendered pages of ranked candidates, answered again until a change can "
       "alter them; the least recently read go first when it is full. 0: none kept",
       number(&Config::page_cache_mb, 0, 65'536)},
  };
  return kOptions;
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

ConfigResult parse_config(const std::vector<std::string>& args, const EnvLookup& env) {
  ConfigResult result;
  for (const auto& opt : options()) {
    if (auto v = env(opt.env)) {
      if (auto err = opt.set(result.config, *v)) {
        result.errors.push_back(std::string(opt.env) + "=" + (opt.secret ? "(hidden)" : *v) + ": " +
                                *err);
      }
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      result.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      result.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Option* found = nullptr;
    for (const auto& opt : options()) {
      if (name == opt.flag) found = &opt;
    }
    if (!found) {
      result.errors.push_back("unknown option --" + name);
      continue;
    }
    if (!value) {
      if (found->is_switch) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        result.errors.push_back("--" + name + " needs a value");
        continue;
      }
    }
    if (auto err = found->set(result.config, *value)) {
      result.errors.push_back("--" + name + "=" + (found->secret ? "(hidden)" : *value) + ": " +
                              *err);
    }
  }
  if (result.config.threads == 0) {
    result.config.threads = std::max(1U, std::thread::hardware_concurrency());
  }
  return result;
}

std::string options_help() {
  std::string out;
  for (const auto& opt : options()) {
    std::string line = "  --" + std::string(opt.flag);
    if (!opt.is_switch) line += " VALUE";
    line.resize(std::max<std::size_t>(line.size() + 1, 34), ' ');
    line += std::string(opt.env) + " (default " + opt.default_text + ")\n";
    line += std::string(36, ' ') + opt.description + "\n";
    out += line;
  }
  return out;
}

}  // namespace kakehashi::app
