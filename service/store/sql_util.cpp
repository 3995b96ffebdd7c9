#include "store/sql_util.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace kakehashi::store {

std::string QueryBuilder::bind(std::string value) {
  params_.push_back(std::move(value));
  return "$" + std::to_string(params_.size());
}

QueryBuilder& QueryBuilder::operator+=(const std::string& text) {
  sql_ += text;
  return *this;
}

pqxx::result QueryBuilder::run(pqxx::transaction_base& tx) const {
  return tx.exec_params(sql_, pqxx::prepare::make_dynamic_params(params_));
}

void check_columns(const pqxx::result& r, std::span<const std::string_view> names,
                   std::once_flag& checked) {
  std::call_once(checked, [&] {
    bool same = static_cast<std::size_t>(r.columns()) == names.size();
    for (std::size_t i = 0; same && i < names.size(); ++i) {
      same = names[i] == r.column_name(static_cast<pqxx::row::size_type>(i));
    }
    if (!same) throw std::logic_error("a select list and its column enum disagree");
  });
}

std::vector<std::string> split(const std::string& s, char sep) {
  // As std::getline splits (no item after a final separator), without a
  // stream: this runs for every folded column of every row the index loads.
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    const std::size_t end = std::min(s.find(sep, start), s.size());
    out.emplace_back(s, start, end - start);
    start = end + 1;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back('\n');
    out += items[i];
  }
  return out;
}

std::optional<std::string> decimal_text(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  std::ostringstream out;
  out.precision(15);
  out << *v;
  return out.str();
}

}  // namespace kakehashi::store
