// The next test's database and service, made while the current test runs.
//
// Most integration tests (every ApiTest) begin the same way: a copy of the
// migrated template, then the service started on it with the fixture's
// environment, then a wait until it is ready; that is ~0.3-0.4 s of a test's
// wall time, most of it waiting on a process start and on PostgreSQL. When
// another test of the same fixture follows in the same process, ApiTest
// prepares its database and service on a thread of its own while the current
// test runs. The next test gets exactly what it would have made itself: a
// fresh copy of the template, nothing written to it, the service started on
// it with the same environment. A service whose environment differs is not
// used (the next test starts its own).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "support/service_process.hpp"
#include "support/test_database.hpp"

namespace kakehashi::testing {

// Starts making a migrated database and a service on it with `env` (whose
// KAKEHASHI_DATABASE_URL is replaced by the new database's), unless one is
// being made already. Whatever is not taken is stopped and dropped at exit.
void prepare_spare(std::map<std::string, std::string> env);

// The prepared database (waiting for it), or else a new migrated one.
std::unique_ptr<TestDatabase> take_database();

// The service prepared on `db` with exactly `env`, or else a new one.
std::unique_ptr<ServiceProcess> take_service(const TestDatabase& db,
                                             const std::map<std::string, std::string>& env);

}  // namespace kakehashi::testing
