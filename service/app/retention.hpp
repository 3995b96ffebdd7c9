// The scheduled retention job (issue 17): every interval, the steps of
// store::retention_steps, each batch in its own transaction on the database
// executor (never on an I/O thread) under an advisory lock, so that of several
// replicas one runs them at a time and the others skip that turn.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"
#include "store/retention.hpp"

namespace kakehashi::app {

struct RetentionRun {
  bool ran = false;                                   // false: another replica held the lock
  std::vector<std::pair<std::string, long>> handled;  // per step
};

// One run of every step; logs what each handled (counts only).
boost::asio::awaitable<RetentionRun> run_retention(store::Database& db,
                                                   const store::RetentionPolicy& policy);

// Starts the job on `ioc`: a first run after `interval`, then one every
// `interval`. It ends with the io_context.
void start_retention(boost::asio::io_context& ioc, store::Database& db,
                     store::RetentionPolicy policy, std::chrono::seconds interval);

}  // namespace kakehashi::app
