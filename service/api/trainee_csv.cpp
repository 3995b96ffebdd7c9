#include "api/trainee_csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "api/validation.hpp"
#include "domain/country.hpp"
#include "domain/levels.hpp"
#include "domain/statuses.hpp"
#include "domain/text.hpp"
#include "matching/features.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

std::vector<std::string> split_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto end = s.find(sep, start);
    std::string item = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const auto a = item.find_first_not_of(' ');
    if (a != std::string::npos) out.push_back(item.substr(a, item.find_last_not_of(' ') - a + 1));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// -?digits[.digits]: what a spreadsheet writes for an amount. Not nan, inf,
// hex or exponents, which std::stod would take.
bool plain_decimal(std::string_view s) {
  std::size_t i = s.empty() || s[0] != '-' ? 0 : 1;
  const auto digits_from = [&](std::size_t at) {
    std::size_t n = 0;
    while (at + n < s.size() && s[at + n] >= '0' && s[at + n] <= '9') ++n;
    return n;
  };
  const std::size_t whole = digits_from(i);
  if (whole == 0) return false;
  i += whole;
  if (i == s.size()) return true;
  if (s[i] != '.') return false;
  const std::size_t fraction = digits_from(i + 1);
  return fraction > 0 && i + 1 + fraction == s.size();
}

// An amount as a spreadsheet shows it grouped: "45,000" or "1,234,567.50"
// (thousands) and "4,50,000" (lakhs and crores, as Bangladesh and India
// write taka and rupees), without its commas; nullopt for anything else
// ("4,5", "45,00,0", ",450"), which is read as it is and refused.
std::optional<std::string> ungrouped(std::string_view s) {
  if (s.find(',') == std::string_view::npos) return std::nullopt;
  std::string_view whole = s.substr(0, s.find('.'));
  const std::string_view fraction = s.substr(whole.size());
  const bool negative = whole.starts_with('-');
  if (negative) whole.remove_prefix(1);
  std::vector<std::size_t> groups;
  for (std::size_t from = 0;;) {
    const auto comma = whole.find(',', from);
    groups.push_back((comma == std::string_view::npos ? whole.size() : comma) - from);
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  const auto all = [&](std::size_t from, std::size_t to, std::size_t n) {
    return std::all_of(groups.begin() + static_cast<std::ptrdiff_t>(from),
                       groups.begin() + static_cast<std::ptrdiff_t>(to),
                       [&](std::size_t g) { return g == n; });
  };
  const std::size_t last = groups.size() - 1;
  // No group before the first is padded with zeros: "0,45,000" and
  // "00,045" are no amount a spreadsheet shows.
  if (whole.starts_with('0')) return std::nullopt;
  const bool thousands = groups[0] >= 1 && groups[0] <= 3 && all(1, groups.size(), 3);
  const bool lakhs = groups[0] >= 1 && groups[0] <= 2 && all(1, last, 2) && groups[last] == 3;
  if (!thousands && !lakhs) return std::nullopt;
  std::string out = negative ? "-" : "";
  for (char c : whole) {
    if (c != ',') out += c;
  }
  out += fraction;
  return plain_decimal(out) ? std::optional(out) : std::nullopt;
}

// The whole text as a whole number, or as a plain decimal.
std::optional<long long> whole_number(std::string_view s) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size()) return v;
  return std::nullopt;
}
// A plain decimal too large for a double reads as the largest one, so that
// validation says it is out of range (not that it is no number); one too
// small to tell from zero stays unread (nullopt), never silently 0.
std::optional<double> decimal_number(std::string_view s) {
  if (!plain_decimal(s)) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size()) return v;
  if (ec == std::errc::result_out_of_range && p == s.data() + s.size()) {
    const auto digits = s.substr(s.starts_with('-') ? 1 : 0);
    const auto whole = digits.substr(0, digits.find('.'));
    if (whole.find_first_not_of('0') != std::string_view::npos) {
      return s.starts_with('-') ? std::numeric_limits<double>::lowest()
                                : std::numeric_limits<double>::max();
    }
  }
  return std::nullopt;
}

// A number when the text is one, read without the padding a spreadsheet cell
// may carry (" 45000 ", as other fields are trimmed); otherwise the text as it
// is, so validation names it. A whole number too long for 64 bits reads as a
// (large) double, which validation reports out of range.
json number_or_text(const std::string& s, bool integer) {
  const std::string_view t = domain::valid_utf8(s) ? domain::trim_padding(s) : std::string_view(s);
  if (integer) {
    if (auto v = whole_number(t)) return *v;
    const auto digits = t.substr(t.starts_with('-') ? 1 : 0);
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
      if (auto v = decimal_number(t)) return *v;
    }
  } else if (auto v = decimal_number(t)) {
    return *v;
  }
  return s;
}

// An amount: a number, grouped or not; otherwise the text.
json amount_or_text(const std::string& s) {
  const std::string_view t = domain::valid_utf8(s) ? domain::trim_padding(s) : std::string_view(s);
  if (auto plain = ungrouped(t)) return number_or_text(*plain, false);
  return number_or_text(s, false);
}

std::optional<bool> yes_or_no(const std::string& s) {
  std::string l = s;
  std::transform(l.begin(), l.end(), l.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (l == "true" || l == "1" || l == "yes") return true;
  if (l == "false" || l == "0" || l == "no") return false;
  return std::nullopt;
}

json bool_or_text(const std::string& s) {
  if (auto b = yes_or_no(s)) return *b;
  return s;
}

enum class Column {
  kFullName,
  kEmail,
  kPhone,
  kGender,
  kDistrict,
  kCountry,
  kCity,
  kTimezone,
  kProgram,
  kSkills,
  kJapanese,
  kEnglish,
  kAvailableFrom,
  kHoursPerWeek,
  kRateAmount,
  kRateCurrency,
  kDomains,
  kEngagement,
  kConsentMatching,
  kConsentShareAbroad,
  kCertifications,
  kWorkStart,
  kWorkEnd,
  kWorkDays,
};

// clang-format off
constexpr std::pair<std::string_view, Column> kColumns[] = {
    {"full_name", Column::kFullName},
    {"email", Column::kEmail},
    {"phone", Column::kPhone},
    {"gender", Column::kGender},
    {"district", Column::kDistrict},
    {"country", Column::kCountry},
    {"city", Column::kCity},
    {"timezone", Column::kTimezone},
    {"program", Column::kProgram},
    {"skills", Column::kSkills},
    {"japanese", Column::kJapanese},
    {"english", Column::kEnglish},
    {"available_from", Column::kAvailableFrom},
    {"hours_per_week", Column::kHoursPerWeek},
    {"rate_amount", Column::kRateAmount},
    {"rate_currency", Column::kRateCurrency},
    {"domains", Column::kDomains},
    {"engagement", Column::kEngagement},
    {"consent_matching", Column::kConsentMatching},
    {"consent_share_abroad", Column::kConsentShareAbroad},
    {"certifications", Column::kCertifications},
    {"work_start", Column::kWorkStart},
    {"work_end", Column::kWorkEnd},
    {"work_days", Column::kWorkDays},
};
// clang-format on

// Validator::text's rules for a value that is there: the trimmed text, or
// nullopt where Validator::text would report an error.
std::optional<std::string> quick_text(std::string_view s, std::size_t max_length) {
  if (!domain::valid_utf8(s) || domain::has_control_characters(s, max_length > 1000)) {
    return std::nullopt;
  }
  const auto t = domain::trim_padding(s);
  if (t.empty() || domain::has_hidden_format_characters(t) ||
      domain::has_replacement_character(t) || domain::code_points(t) > max_length) {
    return std::nullopt;
  }
  return std::string(t);
}

bool one_of(std::string_view s, std::span<const std::string_view> values) {
  return std::find(values.begin(), values.end(), s) != values.end();
}

// string_list's rules: at most `max` distinct items, each `valid`.
bool quick_list(const std::string& v, std::size_t max, bool (*valid)(const std::string&),
                std::vector<std::string>& out) {
  auto items = split_list(v, ';');
  if (items.size() > max) return false;
  for (auto& item : items) {
    if (!valid(item) || std::find(out.begin(), out.end(), item) != out.end()) return false;
    out.push_back(std::move(item));
  }
  return true;
}

bool is_slug(const std::string& s) { return valid_slug(s); }
bool is_engagement(const std::string& s) { return domain::parse_engagement(s).has_value(); }
bool is_work_day(const std::string& s) { return matching::work_day_bits({s}) != 0; }

}  // namespace

bool is_csv_column(std::string_view name) {
  return std::any_of(std::begin(kColumns), std::end(kColumns),
                     [&](const auto& c) { return c.first == name; });
}

std::vector<std::string> csv_columns() {
  std::vector<std::string> out;
  for (const auto& c : kColumns) out.emplace_back(c.first);
  return out;
}

// One CSV record as the JSON document a single create takes.
json csv_document(const std::vector<std::string>& header, const std::vector<std::string>& values) {
  json doc = json::object();
  std::string consent_matching, consent_abroad, rate_amount, rate_currency;
  for (std::size_t i = 0; i < header.size() && i < values.size(); ++i) {
    const std::string& col = header[i];
    const std::string& v = values[i];
    if (v.empty()) continue;
    if (col == "skills") {
      json skills = json::array();
      for (const auto& item : split_list(v, ';')) {
        const auto parts = split_list(item, ':');
        json s = {{"skill", parts.empty() ? item : parts[0]}};
        if (parts.size() > 1) s["level"] = number_or_text(parts[1], true);
        if (parts.size() > 2) s["years"] = number_or_text(parts[2], false);
        skills.push_back(s);
      }
      doc["skills"] = skills;
    } else if (col == "certifications") {
      json certs = json::array();
      for (const auto& item : split_list(v, ';')) {
        const auto colon = item.rfind(':');
        if (colon == std::string::npos) {
          certs.push_back({{"name", item}});
        } else {
          certs.push_back({{"name", item.substr(0, colon)},
                           {"year", number_or_text(item.substr(colon + 1), true)}});
        }
      }
      doc["certifications"] = certs;
    } else if (col == "japanese" || col == "english") {
      doc["languages"][col] = v;
    } else if (col == "hours_per_week") {
      doc[col] = number_or_text(v, true);
    } else if (col == "domains" || col == "engagement") {
      doc[col] = split_list(v, ';');
    } else if (col == "work_start" || col == "work_end") {
      doc["working_hours"][col.substr(5)] = v;
    } else if (col == "work_days") {
      doc["working_hours"]["days"] = split_list(v, ';');
    } else if (col == "consent_matching") {
      consent_matching = v;
    } else if (col == "consent_share_abroad") {
      consent_abroad = v;
    } else if (col == "rate_amount") {
      rate_amount = v;
    } else if (col == "rate_currency") {
      rate_currency = v;
    } else {
      doc[col] = v;
    }
  }
  if (!consent_matching.empty() || !consent_abroad.empty()) {
    doc["consent"] = json::object();
    if (!consent_matching.empty()) doc["consent"]["matching"] = bool_or_text(consent_matching);
    if (!consent_abroad.empty())
      doc["consent"]["share_with_firms_abroad"] = bool_or_text(consent_abroad);
  }
  if (!rate_amount.empty() || !rate_currency.empty()) {
    doc["expected_monthly_rate"] = json::object();
    if (!rate_amount.empty()) doc["expected_monthly_rate"]["amount"] = amount_or_text(rate_amount);
    if (!rate_currency.empty()) doc["expected_monthly_rate"]["currency"] = rate_currency;
  }
  return doc;
}

struct CsvTraineeReader::Impl {
  std::vector<Column> columns;  // of the header's columns
  bool quick = true;            // every column known
  std::shared_ptr<const Taxonomy::Snapshot> taxonomy;
};

CsvTraineeReader::CsvTraineeReader(const std::vector<std::string>& header, const ApiContext& api)
    : impl_(std::make_unique<Impl>()), header_(header), api_(api) {
  // A column the quick reading does not know (one added to the import
  // without it) sends every record to the document's validation.
  for (const auto& name : header) {
    const auto* it = std::find_if(std::begin(kColumns), std::end(kColumns),
                                  [&](const auto& c) { return c.first == name; });
    if (it == std::end(kColumns)) {
      impl_->quick = false;
    } else {
      impl_->columns.push_back(it->second);
    }
  }
  impl_->taxonomy = api.taxonomy.snapshot();
}

CsvTraineeReader::~CsvTraineeReader() = default;

std::optional<TraineeInput> CsvTraineeReader::read(const std::vector<std::string>& values,
                                                   std::vector<http::FieldError>& errors) const {
  if (auto in = quick(values)) return in;
  return parse_trainee(csv_document(header_, values), api_, false, errors);
}

// Every rule of parse_trainee for what a CSV record can hold (csv_document),
// each as a test that the value is valid: nullopt at the first doubt.
std::optional<TraineeInput> CsvTraineeReader::quick(const std::vector<std::string>& values) const {
  if (!impl_->quick || values.size() != header_.size()) return std::nullopt;
  const auto& taxonomy = *impl_->taxonomy;
  TraineeInput in;
  auto& p = in.profile;
  bool named = false;
  bool mailed = false;
  const std::string* consent_matching = nullptr;
  const std::string* consent_abroad = nullptr;
  const std::string* rate_amount = nullptr;
  const std::string* rate_currency = nullptr;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string& v = values[i];
    if (v.empty()) continue;  // absent, as in csv_document
    switch (impl_->columns[i]) {
      case Column::kFullName: {
        auto t = quick_text(v, 200);
        if (!t) return std::nullopt;
        if (domain::has_lost_letters(*t)) return std::nullopt;
        in.personal.full_name = std::move(*t);
        named = true;
        break;
      }
      case Column::kEmail: {
        auto t = quick_text(v, 254);
        if (!t || !valid_email(*t)) return std::nullopt;
        in.personal.email = std::move(*t);
        mailed = true;
        break;
      }
      case Column::kPhone:
        if (!(in.personal.phone = quick_text(v, 40)) ||
            domain::looks_like_scientific_number(*in.personal.phone) ||
            domain::looks_like_mobile_without_its_zero(*in.personal.phone)) {
          return std::nullopt;
        }
        break;
      case Column::kGender:
        if (v != "female" && v != "male" && v != "other") return std::nullopt;
        in.personal.gender = v;
        break;
      case Column::kDistrict:
        if (!(in.personal.district = quick_text(v, 100))) return std::nullopt;
        break;
      case Column::kCountry: {
        auto t = quick_text(v, 2);
        if (!t || !domain::is_iso3166_alpha2(*t)) return std::nullopt;
        p.country = std::move(t);
        break;
      }
      case Column::kCity:
        if (!(p.city = quick_text(v, 100))) return std::nullopt;
        break;
      case Column::kTimezone:
        if (!(p.timezone = quick_text(v, 64)) || !api_.timezones.count(*p.timezone)) {
          return std::nullopt;
        }
        break;
      case Column::kProgram:
        if (!(p.program = quick_text(v, 200))) return std::nullopt;
        break;
      case Column::kSkills: {
        const auto items = split_list(v, ';');
        if (items.size() > 50) return std::nullopt;
        for (const auto& item : items) {
          const auto parts = split_list(item, ':');
          // A level is required; parts beyond the years are not read.
          if (parts.size() < 2) return std::nullopt;
          auto name = quick_text(parts[0], 100);
          const auto level = whole_number(parts[1]);
          if (!name || !level || *level < 1 || *level > 5) return std::nullopt;
          std::optional<double> years;
          if (parts.size() > 2) {
            years = decimal_number(parts[2]);
            if (!years || !std::isfinite(*years) || *years < 0 || *years > 60) return std::nullopt;
          }
          const auto id = taxonomy.resolve(*name);
          if (!id || std::any_of(p.skills.begin(), p.skills.end(),
                                 [&](const auto& s) { return s.skill_id == *id; })) {
            return std::nullopt;
          }
          p.skills.push_back({*id, taxonomy.by_id(*id)->name, static_cast<int>(*level), years});
        }
        break;
      }
      case Column::kJapanese:
        if (!one_of(v, domain::names_of<domain::Jlpt>())) return std::nullopt;
        p.japanese = v;
        break;
      case Column::kEnglish:
        if (!one_of(v, domain::names_of<domain::Cefr>())) return std::nullopt;
        p.english = v;
        break;
      case Column::kAvailableFrom:
        if (!(p.available_from = quick_text(v, 10)) || !valid_date(*p.available_from)) {
          return std::nullopt;
        }
        break;
      case Column::kHoursPerWeek: {
        const auto h = whole_number(v);
        if (!h || *h < 1 || *h > 80) return std::nullopt;
        p.hours_per_week = static_cast<int>(*h);
        break;
      }
      case Column::kRateAmount:
        rate_amount = &v;
        break;
      case Column::kRateCurrency:
        rate_currency = &v;
        break;
      case Column::kDomains:
        if (!quick_list(v, 10, &is_slug, p.domains)) return std::nullopt;
        break;
      case Column::kEngagement:
        if (!quick_list(v, 3, &is_engagement, p.engagement)) return std::nullopt;
        break;
      case Column::kConsentMatching:
        consent_matching = &v;
        break;
      case Column::kConsentShareAbroad:
        consent_abroad = &v;
        break;
      case Column::kCertifications: {
        const auto items = split_list(v, ';');
        if (items.size() > 20) return std::nullopt;
        json clean = json::array();
        for (const auto& item : items) {
          const auto colon = item.rfind(':');
          auto name = quick_text(colon == std::string::npos ? item : item.substr(0, colon), 100);
          if (!name) return std::nullopt;
          json c = {{"name", *name}, {"year", nullptr}, {"verified", false}};
          if (colon != std::string::npos) {
            const auto year = whole_number(std::string_view(item).substr(colon + 1));
            if (!year || *year < 1980 || *year > 2100) return std::nullopt;
            c["year"] = *year;
          }
          clean.push_back(std::move(c));
        }
        p.certifications_json = clean.dump();
        break;
      }
      case Column::kWorkStart:
      case Column::kWorkEnd: {
        auto t = quick_text(v, 5);
        if (!t || !matching::parse_clock(*t)) return std::nullopt;
        (impl_->columns[i] == Column::kWorkStart ? p.work_start : p.work_end) = std::move(*t);
        break;
      }
      case Column::kWorkDays: {
        std::vector<std::string> days;
        if (!quick_list(v, 7, &is_work_day, days) || days.empty()) return std::nullopt;
        p.work_days = std::move(days);
        break;
      }
    }
  }
  if (p.work_start == p.work_end) return std::nullopt;
  if (!named || !mailed) return std::nullopt;
  // Both flags or neither: the consent object requires both.
  if (consent_matching || consent_abroad) {
    if (!consent_matching || !consent_abroad) return std::nullopt;
    const auto matching = yes_or_no(*consent_matching);
    const auto abroad = yes_or_no(*consent_abroad);
    if (!matching || !abroad) return std::nullopt;
    p.consent_matching = *matching;
    p.consent_share_abroad = *abroad;
  }
  // Both the amount and the currency, or neither.
  if (rate_amount || rate_currency) {
    if (!rate_amount || !rate_currency) return std::nullopt;
    auto currency = quick_text(*rate_currency, 3);
    const auto plain = ungrouped(*rate_amount);
    const auto amount = decimal_number(plain ? *plain : *rate_amount);
    if (!amount || !std::isfinite(*amount) || *amount < 0 || *amount > 1e9 || !currency ||
        !valid_currency(*currency)) {
      return std::nullopt;
    }
    p.expected_monthly_rate = domain::Money{*amount, std::move(*currency)};
  }
  return in;
}

}  // namespace kakehashi::api
