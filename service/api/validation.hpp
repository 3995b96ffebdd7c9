// Field-by-field validation of a JSON object into typed values, collecting
// every error (with a JSON pointer and a code) instead of stopping at the first.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <span>

#include <nlohmann/json.hpp>

#include "domain/enum_table.hpp"
#include "domain/trainee.hpp"

#include "http/problem.hpp"

namespace kakehashi::api {

class Validator {
 public:
  Validator(const nlohmann::json& object, std::string pointer,
            std::vector<http::FieldError>& errors)
      : object_(object), pointer_(std::move(pointer)), errors_(errors) {}

  // Reports every member not in `known`.
  void only(std::initializer_list<std::string_view> known);
  bool has(const std::string& key) const {
    return object_.contains(key) && !object_[key].is_null();
  }
  // The pointer to `key` in this object, escaped as RFC 6901 says.
  std::string at(const std::string& key) const { return http::pointer_to(pointer_, key); }
  void fail(const std::string& key, http::FieldCode code, std::string message,
            http::FieldParams params = {});

  std::optional<std::string> text(const std::string& key, bool required, std::size_t max_length);
  // One of `values`.
  std::optional<std::string> choice(const std::string& key, bool required,
                                    std::initializer_list<std::string_view> values);
  std::optional<std::string> choice(const std::string& key, bool required,
                                    std::span<const std::string_view> values);
  // One of a domain enum's names, parsed.
  template <domain::NamedEnum E>
  std::optional<E> one_of(const std::string& key, bool required) {
    auto name = choice(key, required, domain::names_of<E>());
    return name ? domain::parse_enum<E>(*name) : std::nullopt;
  }
  std::optional<long long> integer(const std::string& key, bool required, long long min,
                                   long long max);
  std::optional<double> number(const std::string& key, bool required, double min, double max);
  std::optional<bool> boolean(const std::string& key, bool required);
  // YYYY-MM-DD, a real calendar date.
  std::optional<std::string> date(const std::string& key, bool required);
  std::optional<std::string> country(const std::string& key, bool required);
  // {amount, currency}: an amount within [min, max] and an ISO 4217 code
  // (a trainee's expected salary, an offer's monthly rate); every bad member
  // reported.
  std::optional<domain::Money> money(const std::string& key, bool required, double min, double max);

  const nlohmann::json& object() const { return object_; }

 private:
  const nlohmann::json& object_;
  std::string pointer_;
  std::vector<http::FieldError>& errors_;
};

// A skill name the taxonomy does not know, with the closest names it does.
http::FieldError unknown_skill(std::string pointer, const std::string& name,
                               std::vector<std::string> closest = {});

// A value not among `allowed`, which the error lists.
http::FieldError invalid_choice(std::string pointer, std::string message,
                                std::span<const std::string_view> allowed);
http::FieldError invalid_choice(std::string pointer, std::string message,
                                std::initializer_list<std::string_view> allowed);
// A value in the wrong format, named by `format` ("uuid", "timestamp", …).
http::FieldError invalid_format(std::string pointer, std::string message, const char* format);
// A text longer than `max_length` characters.
http::FieldError too_long(std::string pointer, std::size_t max_length);

// A merge patch (RFC 7396) applied to a stored resource's document `before`,
// giving `after`, in which validation `found` errors. A member the patch
// leaves unchanged (not named, or named with its stored value, as the
// console sends its whole form back) keeps its stored value, put back by
// `keep_stored(member)`, which returns false for a member that cannot be
// kept alone. Returns the errors the patch answers for: those in a member it
// changes, of a rule that names one `with` another, of the document itself,
// and of a member that cannot be kept. A value stored under older rules
// never blocks a change that does not touch it.
std::vector<http::FieldError> errors_of_patch(
    const nlohmann::json& before, const nlohmann::json& after, std::vector<http::FieldError> found,
    const std::function<bool(std::string_view member)>& keep_stored);

// Hand-written checks: they run per row of a bulk import, where std::regex
// would dominate the cost.
bool valid_date(const std::string& s);
// A date a spreadsheet wrote its own way (not YYYY-MM-DD): `seen` is
// "excel_serial" (a five-digit number: Excel's days since 1900) or
// "other_order" (three numbers between / . or -, year first or last, that
// make a real date) or "other_digits" (YYYY-MM-DD in Bengali or full-width
// digits; in another order it is "other_order" as read in ASCII digits),
// with the real dates it can be read as (one, or day- and month-first both).
struct SpreadsheetDate {
  std::string seen;
  std::vector<std::string> readings;
};
std::optional<SpreadsheetDate> spreadsheet_date(const std::string& s);
// The error for a date that is not YYYY-MM-DD: plain, or naming what a
// spreadsheet's shape of it can mean (spreadsheet_date).
http::FieldError invalid_date(std::string pointer, const std::string& value);
// A time of day a spreadsheet wrote its own way (not HH:MM in 24 hours):
// `seen` is "12_hour" (6:00 PM, 6 pm, 6:00 p.m.), "seconds" (18:00:00),
// "one_digit_hour" (9:00), "excel_serial" (0.75: Excel's fraction of a day)
// or "other_digits" (１８：００, ১৮:০০), with the HH:MM it reads as.
struct SpreadsheetTime {
  std::string seen;
  std::string reading;
};
std::optional<SpreadsheetTime> spreadsheet_time(const std::string& s);
// The error for a time of day that is not HH:MM: plain, or naming what a
// spreadsheet's shape of it reads as (spreadsheet_time).
http::FieldError invalid_time(std::string pointer, const std::string& value);
bool valid_slug(const std::string& s);      // [a-z][a-z0-9_-]{0,39}
bool valid_currency(const std::string& s);  // an ISO 4217 code
bool valid_timestamp(const std::string& s);
bool valid_email(const std::string& s);

}  // namespace kakehashi::api
