#include "support/test_database.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "support/service_process.hpp"

namespace kakehashi::testing {
namespace {

// The template of this build of the binary (its migrations are compiled in):
// a cluster reused across builds gets a template for each, never a stale one.
const std::string& template_name() {
  static const std::string name = [] {
    struct stat st {};
    const auto binary = kakehashi_binary();
    ::stat(binary.c_str(), &st);
    const auto stamp = std::hash<std::string>{}(binary + "@" + std::to_string(st.st_mtime) + "." +
                                                std::to_string(st.st_size));
    return "kh_template_" + std::to_string(stamp % 100000000000ULL);
  }();
  return name;
}

// The migrated template, made once per cluster: the test processes of a run
// run in parallel, so the first to get here builds it under an advisory lock
// and records its administrator key; the others read the key. Copying it
// saves each API test two runs of the binary (migrate, keys create).
std::string migrated_template_key() {
  static std::mutex mutex;
  static std::string key;
  std::lock_guard lock(mutex);
  if (!key.empty()) return key;
  pqxx::connection admin("dbname=postgres");
  pqxx::nontransaction tx(admin);
  tx.exec("SELECT pg_advisory_lock(72860001)");
  struct Unlock {
    pqxx::nontransaction& tx;
    ~Unlock() {
      try {
        tx.exec("SELECT pg_advisory_unlock(72860001)");
      } catch (...) {  // the session's end releases it anyway
      }
    }
  } unlock{tx};
  tx.exec("CREATE TABLE IF NOT EXISTS kh_test_templates (name text PRIMARY KEY, admin_key text)");
  const std::string& name = template_name();
  auto row = tx.exec_params("SELECT admin_key FROM kh_test_templates WHERE name = $1", name);
  if (!row.empty()) return key = row[0][0].c_str();

  tx.exec("DROP DATABASE IF EXISTS " + name);
  tx.exec("CREATE DATABASE " + name);
  const std::map<std::string, std::string> env = {{"KAKEHASHI_DATABASE_URL", "dbname=" + name}};
  auto migrated = run_kakehashi({"migrate"}, env);
  if (migrated.exit_code != 0) throw std::runtime_error("migrate failed:\n" + migrated.output);
  auto made = run_kakehashi({"keys", "create", "--admin", "--label", "test admin"}, env);
  const auto at = made.output.rfind("kh_");
  if (made.exit_code != 0 || at == std::string::npos) {
    throw std::runtime_error("keys create failed:\n" + made.output);
  }
  key = made.output.substr(at, 51);
  tx.exec_params("INSERT INTO kh_test_templates VALUES ($1, $2)", name, key);
  return key;
}

// Ends a transaction block that a test's SQL left open (or aborted), as
// closing the connection would. In a block, now() is the block's start and
// earlier than this statement's; a statement of its own starts both at once.
void end_open_transaction(pqxx::connection& c) {
  bool open = true;
  try {
    pqxx::nontransaction tx(c);
    open = tx.exec("SELECT now() < statement_timestamp()")[0][0].as<bool>();
  } catch (const pqxx::sql_error&) {
    // An aborted block refuses every statement but its end.
  }
  if (open) pqxx::nontransaction(c).exec("ROLLBACK");
}

// One connection kept for many statements, one at a time. On this 2-core
// machine each new connection cost ~28 ms of CPU (a backend forked,
// authenticated and ended), and the integration tests run some 300 statements
// of their own (more in `eventually` loops, every 20 ms) besides making and
// dropping a database each.
class KeptConnection {
 public:
  explicit KeptConnection(std::string url) : url_(std::move(url)) {}

  // What a statement left open ends after it, as on closing the connection.
  pqxx::result run(const std::string& sql) {
    std::lock_guard lock(mutex_);
    pqxx::result r;
    try {
      r = exec(sql);
    } catch (...) {
      end();
      throw;
    }
    end();
    return r;
  }

  void close() {
    std::lock_guard lock(mutex_);
    connection_.reset();
  }

 private:
  // `sql` on the kept connection, or on a new one when there is none or the
  // kept one is broken (the cluster restarted under it: db_outage_test).
  pqxx::result exec(const std::string& sql) {
    if (connection_) {
      try {
        return pqxx::nontransaction(*connection_).exec(sql);
      } catch (const pqxx::broken_connection&) {
        connection_.reset();
      }
    }
    connection_ = std::make_unique<pqxx::connection>(url_);
    return pqxx::nontransaction(*connection_).exec(sql);
  }

  // A connection that cannot tell whether a block is open is closed.
  void end() noexcept {
    if (!connection_) return;
    try {
      end_open_transaction(*connection_);
    } catch (...) {
      connection_.reset();
    }
  }

  const std::string url_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> connection_;
};

// Runs a statement on the cluster's `postgres` database, over one connection
// per test process.
void exec_on_cluster(const std::string& sql) {
  static KeptConnection cluster("dbname=postgres");
  cluster.run(sql);
}

}  // namespace

// The connection query_value and exec share.
struct TestDatabase::Session : KeptConnection {
  using KeptConnection::KeptConnection;
};

TestDatabase::TestDatabase(Schema schema) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = "kh_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1)) +
          "_" + std::to_string(rd() % 100000);
  session_ = std::make_unique<Session>(url());
  // FILE_COPY copies the template's files and writes two checkpoints;
  // PostgreSQL 15's default (WAL_LOG) writes every block of the template
  // through the WAL instead, which measured 5x slower for the ~10 MB
  // migrated template (435 ms against 86 ms a database on ext4).
  std::string create = "CREATE DATABASE \"" + name_ + "\" STRATEGY FILE_COPY";
  if (schema == Schema::migrated) {
    admin_key_ = migrated_template_key();
    create += " TEMPLATE " + template_name();
  }
  exec_on_cluster(create);
}

TestDatabase::~TestDatabase() {
  session_->close();
  try {
    // name_ is ours: kh_test_<digits>_<digits>_<digits>.
    exec_on_cluster("DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
  } catch (...) {
    // The cluster is thrown away after the run anyway.
  }
}

std::string TestDatabase::url() const { return "dbname=" + name_; }

std::map<std::string, std::string> TestDatabase::env() const {
  return {{"KAKEHASHI_DATABASE_URL", url()}, {"KAKEHASHI_THREADS", "2"}};
}

std::string TestDatabase::query_value(const std::string& sql) const {
  const auto r = session_->run(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

void TestDatabase::exec(const std::string& sql) const { session_->run(sql); }

namespace {

// How pg_ctlcluster starts the cluster, without it: it runs pg_ctl, then
// polls the port every half second and checks it once more, 2.2 s a start
// (most of each outage test, which runs alone); pg_ctl -w returns once the
// server accepts connections. Empty if pg_lsclusters does not list it.
std::string pg_ctl_start(const std::string& version) {
  std::unique_ptr<FILE, int (*)(FILE*)> ls(
      ::popen(("pg_lsclusters -h " + version + " regress").c_str(), "r"), ::pclose);
  char line[4096];
  if (!ls || !std::fgets(line, sizeof line, ls.get())) return "";
  std::istringstream fields(line);
  std::string ver, cluster, port, status, owner, data, log;
  if (!(fields >> ver >> cluster >> port >> status >> owner >> data >> log)) return "";
  const char* root = std::getenv("PG_CLUSTER_CONF_ROOT");
  const std::string conf =
      std::string(root ? root : "/etc/postgresql") + "/" + version + "/regress/postgresql.conf";
  std::string cmd = ::geteuid() == 0 && owner != "root" ? "runuser -u " + owner + " -- " : "";
  return cmd + "/usr/lib/postgresql/" + version + "/bin/pg_ctl start -w -s -D '" + data + "' -l '" +
         log + "' -o \"-c config_file=" + conf + "\"";
}

}  // namespace

void control_cluster(const std::string& action, const std::string& stop_mode) {
  const char* version = std::getenv("PGVERSION");
  if (!version)
    throw std::runtime_error("PGVERSION is not set: run the tests via scripts/dev test");
  std::string cmd = action == "start" ? pg_ctl_start(version) : "";
  if (cmd.empty()) cmd = std::string("pg_ctlcluster ") + version + " regress " + action;
  if (action == "stop") cmd += " -m " + stop_mode;
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("pg_ctlcluster " + action + " failed");
  }
}

ClusterStopped::ClusterStopped(const std::string& stop_mode) { control_cluster("stop", stop_mode); }

ClusterStopped::~ClusterStopped() {
  if (!stopped_) return;
  try {
    control_cluster("start");
  } catch (...) {  // a destructor must not throw; the next test reports the cluster down
  }
}

void ClusterStopped::start() {
  control_cluster("start");
  stopped_ = false;
}

}  // namespace kakehashi::testing
