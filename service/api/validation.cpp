#include "api/validation.hpp"

#include <algorithm>
#include <chrono>
#include <regex>

namespace kakehashi::api {

void Validator::only(std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      errors_.push_back({pointer_ + "/" + key, "unknown field"});
    }
  }
}

void Validator::fail(const std::string& key, std::string message) {
  errors_.push_back({at(key), std::move(message)});
}

std::optional<std::string> Validator::text(const std::string& key, bool required,
                                           std::size_t max_length) {
  if (!has(key)) {
    if (required) fail(key, "is required");
    return std::nullopt;
  }
  const auto& v = object_[key];
  if (!v.is_string()) {
    fail(key, "must be a string");
    return std::nullopt;
  }
  std::string s = v.get<std::string>();
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    fail(key, "must not be blank");
    return std::nullopt;
  }
  s = s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
  if (s.size() > max_length) {
    fail(key, "must be at most " + std::to_string(max_length) + " characters");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Validator::choice(const std::string& key, bool required,
                                             std::initializer_list<std::string_view> values) {
  if (!has(key)) {
    if (required) fail(key, "is required");
    return std::nullopt;
  }
  const auto& v = object_[key];
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (std::find(values.begin(), values.end(), s) != values.end()) return s;
  }
  std::string list;
  for (auto x : values) list += (list.empty() ? "" : ", ") + std::string(x);
  fail(key, "must be one of: " + list);
  return std::nullopt;
}

std::optional<long long> Validator::integer(const std::string& key, bool required, long long min,
                                            long long max) {
  if (!has(key)) {
    if (required) fail(key, "is required");
    return std::nullopt;
  }
  const auto& v = object_[key];
  if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > max) {
    fail(key, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return v.get<long long>();
}

std::optional<double> Validator::number(const std::string& key, bool required, double min,
                                        double max) {
  if (!has(key)) {
    if (required) fail(key, "is required");
    return std::nullopt;
  }
  const auto& v = object_[key];
  if (!v.is_number() || v.get<double>() < min || v.get<double>() > max) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "must be a number from %g to %g", min, max);
    fail(key, buf);
    return std::nullopt;
  }
  return v.get<double>();
}

std::optional<bool> Validator::boolean(const std::string& key, bool required) {
  if (!has(key)) {
    if (required) fail(key, "is required");
    return std::nullopt;
  }
  if (!object_[key].is_boolean()) {
    fail(key, "must be true or false");
    return std::nullopt;
  }
  return object_[key].get<bool>();
}

std::optional<std::string> Validator::date(const std::string& key, bool required) {
  auto s = text(key, required, 10);
  if (s && !valid_date(*s)) {
    fail(key, "must be a date YYYY-MM-DD");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Validator::country(const std::string& key, bool required) {
  auto s = text(key, required, 2);
  if (s && (s->size() != 2 || !std::isupper(static_cast<unsigned char>((*s)[0])) ||
            !std::isupper(static_cast<unsigned char>((*s)[1])))) {
    fail(key, "must be an ISO 3166-1 alpha-2 code such as BD or JP");
    return std::nullopt;
  }
  return s;
}

bool valid_date(const std::string& s) {
  static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
  if (!std::regex_match(s, kDate)) return false;
  using namespace std::chrono;
  const year_month_day ymd{year{std::stoi(s.substr(0, 4))},
                           month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                           day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
  return ymd.ok() && static_cast<int>(ymd.year()) >= 1900;
}

bool valid_timestamp(const std::string& s) {
  static const std::regex kTimestamp(
      R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
  return std::regex_match(s, kTimestamp) && valid_date(s.substr(0, 10));
}

bool valid_email(const std::string& s) {
  static const std::regex kEmail(R"([^@\s]+@[^@\s]+\.[^@\s]+)");
  return s.size() <= 254 && std::regex_match(s, kEmail);
}

}  // namespace kakehashi::api
