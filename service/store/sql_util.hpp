// Helpers the repositories share, for store/*.cpp only (this header brings
// in libpqxx, which nothing outside store/ sees): the per-filter query
// builder, nullable fields, the text encodings of the folded columns, and the
// statement runners that time each statement for the slow-statement log.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

namespace kakehashi::store {

// Statements slower than this are logged (0: none); KAKEHASHI_DB_SLOW_STATEMENT_MS.
void set_slow_statement_threshold(std::chrono::milliseconds threshold);

// Times one statement: if it ran longer than the threshold (or threw after
// running that long) it logs a "slow statement" line with the request's id
// (util::LogContext), the statement's shape (its SQL text, which holds
// placeholders and never values, shortened) or prepared name, a hash of the
// full text to group by, and the milliseconds. Parameters are never logged.
class StatementTimer {
 public:
  explicit StatementTimer(std::string_view statement)
      : statement_(statement), start_(std::chrono::steady_clock::now()) {}
  ~StatementTimer();
  StatementTimer(const StatementTimer&) = delete;
  StatementTimer& operator=(const StatementTimer&) = delete;

 private:
  std::string_view statement_;
  std::chrono::steady_clock::time_point start_;
};

// The shape a slow-statement line shows: whitespace folded, and a long text
// cut in the middle (its select list) so that its FROM/WHERE tail stays.
std::string statement_shape(std::string_view sql);

// Every statement a repository runs goes through one of these, which do what
// the pqxx::transaction_base member of the same name does, timed.
template <typename Query>
pqxx::result exec(pqxx::transaction_base& tx, const Query& sql) {
  const StatementTimer timer(sql);
  return tx.exec(sql);
}
template <typename Query>
pqxx::row exec1(pqxx::transaction_base& tx, const Query& sql) {
  const StatementTimer timer(sql);
  return tx.exec1(sql);
}
template <typename Query, typename... Args>
pqxx::result exec_params(pqxx::transaction_base& tx, const Query& sql, Args&&... args) {
  const StatementTimer timer(sql);
  return tx.exec_params(sql, std::forward<Args>(args)...);
}
template <typename Query, typename... Args>
pqxx::row exec_params1(pqxx::transaction_base& tx, const Query& sql, Args&&... args) {
  const StatementTimer timer(sql);
  return tx.exec_params1(sql, std::forward<Args>(args)...);
}
template <typename Name, typename... Args>
pqxx::result exec_prepared(pqxx::transaction_base& tx, const Name& name, Args&&... args) {
  const StatementTimer timer(name);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

// A list query is built from the filters present, its values bound as
// parameters: each list is planned for its own filters. (One prepared
// statement with every filter optional got a generic plan that scanned every
// trainee holding a skill: p99 of half a second for a skill filter.)
class QueryBuilder {
 public:
  explicit QueryBuilder(std::string select) : sql_(std::move(select)) {}
  // Binds a value and answers its placeholder.
  std::string bind(std::string value);
  QueryBuilder& operator+=(const std::string& text);
  pqxx::result run(pqxx::transaction_base& tx) const;

 private:
  std::string sql_;
  std::vector<std::string> params_;
};

// A nullable column.
template <typename T>
std::optional<T> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

// Reading a field by name asks libpq every time (PQfnumber copies and folds
// the name): 29 names for each of 92k trainees added a quarter of a second
// to the index load. A select list read often therefore names its columns by
// an enum in the list's order, and its results are held against the names
// once per process: a list and an enum that drift apart throw on first use.
void check_columns(const pqxx::result& r, std::span<const std::string_view> names,
                   std::once_flag& checked);

// Splits folded text ("a\nb"); empty text is no items.
std::vector<std::string> split(const std::string& s, char sep);

// Folds items into one line-separated text (the inverse of split on '\n').
std::string join_lines(const std::vector<std::string>& items);

// A number as text for a numeric parameter, with 15 significant digits.
std::optional<std::string> decimal_text(const std::optional<double>& v);

}  // namespace kakehashi::store
