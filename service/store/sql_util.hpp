// Helpers the repositories share, for store/*.cpp only (this header brings
// in libpqxx, which nothing outside store/ sees): the per-filter query
// builder, nullable fields, and the text encodings of the folded columns.
#pragma once

#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

namespace kakehashi::store {

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
