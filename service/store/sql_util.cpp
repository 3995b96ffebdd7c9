#include "store/sql_util.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <stdexcept>

#include "util/crypto.hpp"
#include "util/log.hpp"

namespace kakehashi::store {
namespace {

std::atomic<std::int64_t> g_slow_threshold_us{0};

}  // namespace

void set_slow_statement_threshold(std::chrono::milliseconds threshold) {
  g_slow_threshold_us.store(
      std::chrono::duration_cast<std::chrono::microseconds>(threshold).count(),
      std::memory_order_relaxed);
}

std::string statement_shape(std::string_view sql) {
  constexpr std::size_t kHead = 120;
  constexpr std::size_t kTail = 80;
  std::string folded;
  folded.reserve(sql.size());
  for (char c : sql) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!folded.empty() && folded.back() != ' ') folded.push_back(' ');
    } else {
      folded.push_back(c);
    }
  }
  while (!folded.empty() && folded.back() == ' ') folded.pop_back();
  if (folded.size() <= kHead + kTail + 5) return folded;
  return folded.substr(0, kHead) + " ... " + folded.substr(folded.size() - kTail);
}

StatementTimer::~StatementTimer() {
  const auto threshold = g_slow_threshold_us.load(std::memory_order_relaxed);
  if (threshold <= 0) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - start_)
                           .count();
  if (elapsed < threshold) return;
  try {
    util::log("warn", "slow statement",
              {{"statement", statement_shape(statement_)},
               {"statement_hash", util::sha256_hex(statement_).substr(0, 12)},
               {"duration_ms", static_cast<double>(elapsed) / 1e3},
               {"threshold_ms", static_cast<double>(threshold) / 1e3}});
  } catch (...) {  // a log line must not turn into a failure of the statement
  }
}

std::string QueryBuilder::bind(std::string value) {
  params_.push_back(std::move(value));
  return "$" + std::to_string(params_.size());
}

QueryBuilder& QueryBuilder::operator+=(const std::string& text) {
  sql_ += text;
  return *this;
}

pqxx::result QueryBuilder::run(pqxx::transaction_base& tx) const {
  return exec_params(tx, sql_, pqxx::prepare::make_dynamic_params(params_));
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

// As `printf("%.15g")` in the "C" locale (what an ostringstream of precision
// 15 wrote), without a stream: a 100k-row import converts some million
// values, and constructing a stream for each was a third of its COPY's time in
// the service.
std::optional<std::string> decimal_text(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  char buffer[64];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, *v, std::chars_format::general, 15);
  if (ec != std::errc()) throw std::runtime_error("decimal_text: no room");  // cannot happen
  return std::string(buffer, end);
}

}  // namespace kakehashi::store
