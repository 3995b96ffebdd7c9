// Programme reports and duplicate flags for administrators (issue 17):
// GET /v1/reports/programme (JSON or CSV) and GET /v1/duplicates.
#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/csv_writer.hpp"
#include "api/disclosure.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "domain/currency.hpp"
#include "matching/features.hpp"
#include "matching/live_index.hpp"
#include "store/duplicates.hpp"
#include "store/programme_report.hpp"
#include "store/sql_text.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

// Longest range a report covers (about ten years).
constexpr int kMaxRangeDays = 3700;

struct DimensionName {
  std::string_view name;
  store::ReportDimension dimension;
};
constexpr DimensionName kDimensions[] = {
    {"organization", store::ReportDimension::kOrganization},
    {"cohort", store::ReportDimension::kCohort},
    {"skill", store::ReportDimension::kSkill},
    {"month", store::ReportDimension::kMonth},
    {"gender", store::ReportDimension::kGender},
    {"district", store::ReportDimension::kDistrict},
};

// Yen per unit of each currency at the exchange-rate table's rates in force on
// `date` (domain::Pricing, as every other conversion): the only place the
// reports convert money. A currency without a rate is left out (its bill
// rates are not counted in the yen figures).
std::vector<std::pair<std::string, double>> jpy_per_unit(const domain::Pricing& pricing,
                                                         const std::string& date) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto code : domain::iso4217_codes()) {
    if (const auto yen = pricing.convert(1.0, std::string(code), "JPY", date)) {
      out.emplace_back(std::string(code), *yen);
    }
  }
  return out;
}

// The counted columns, in the order of the JSON and the CSV.
struct CountColumn {
  const char* name;
  long store::ReportFigures::*field;
};
constexpr CountColumn kCounts[] = {
    {"registered", &store::ReportFigures::registered},
    {"active", &store::ReportFigures::active},
    {"consenting", &store::ReportFigures::consenting},
    {"proposed", &store::ReportFigures::proposed},
    {"shortlisted", &store::ReportFigures::shortlisted},
    {"offered", &store::ReportFigures::offered},
    {"accepted", &store::ReportFigures::accepted},
    {"approved", &store::ReportFigures::approved},
};
constexpr std::size_t kCountColumns = std::size(kCounts);
// Which counts are at or below which in every group (kCounts' order):
// registered bounds every other; the funnel's stages are cumulative
// (proposed ≥ shortlisted ≥ offered ≥ accepted ≥ approved).
const std::vector<std::vector<std::size_t>> kBounded = {
    {1, 2, 3, 4, 5, 6, 7}, {}, {}, {4, 5, 6, 7}, {5, 6, 7}, {6, 7}, {7}, {}};

// A report row as published: each count or null (suppressed), and the
// figures derived from counts, null where their count is.
struct PublishedRow {
  std::optional<std::string> key, label;
  std::array<std::optional<long>, kCountColumns> counts;
  std::optional<double> placement_rate, median_days, median_rate, mean_rate;
  std::size_t merged_groups = 0;  // > 0: the row of small free-text groups
};

double round_to(double v, double unit) { return std::round(v / unit) * unit; }

PublishedRow publish(const store::ReportFigures& f, const std::vector<bool>& hidden) {
  PublishedRow row{f.key, f.label, {}, {}, {}, {}, {}};
  for (std::size_t c = 0; c < kCountColumns; ++c) {
    if (!hidden[c]) row.counts[c] = f.*(kCounts[c].field);
  }
  const auto& registered = row.counts[0];
  const auto& approved = row.counts[kCountColumns - 1];
  if (registered && approved && *registered > 0) {
    row.placement_rate =
        round_to(static_cast<double>(*approved) / static_cast<double>(*registered), 0.0001);
  }
  // Figures over the placed: only over at least kMinimumCell people, and
  // never where the approved count is hidden.
  if (approved && f.approved >= kMinimumCell && f.median_days_to_placement) {
    row.median_days = round_to(*f.median_days_to_placement, 0.1);
  }
  if (approved && f.priced >= kMinimumCell) {
    if (f.median_bill_rate_jpy) row.median_rate = std::round(*f.median_bill_rate_jpy);
    if (f.mean_bill_rate_jpy) row.mean_rate = std::round(*f.mean_bill_rate_jpy);
  }
  return row;
}

struct Published {
  std::vector<PublishedRow> groups;
  PublishedRow total;
};

// The groups of a free-text dimension (a cohort or district people typed)
// with fewer than kMinimumCell registered trainees, merged into one "other"
// group before suppression: hiding a small group's counts is not enough when
// its name is shown, as a rare district's name alone points at the one
// trainee from there. The merged group's medians and means are not known
// (null); it sits just before the "not stated" group.
struct Merged {
  store::ReportResult result;
  std::optional<std::size_t> other;  // its index in result.groups
  std::size_t count = 0;             // how many groups it holds
};

constexpr std::string_view kOtherLabel = "(other: groups under 5)";
static_assert(kMinimumCell == 5, "kOtherLabel names the minimum cell");

Merged merge_small_text_groups(const store::ReportResult& r, store::ReportDimension d) {
  Merged out;
  out.result.total = r.total;
  if (d != store::ReportDimension::kCohort && d != store::ReportDimension::kDistrict) {
    out.result.groups = r.groups;
    return out;
  }
  store::ReportFigures other;
  other.label = std::string(kOtherLabel);
  for (const auto& g : r.groups) {
    if (!g.key || g.registered >= kMinimumCell) {
      out.result.groups.push_back(g);
      continue;
    }
    ++out.count;
    for (const auto& c : kCounts) other.*(c.field) += g.*(c.field);
    other.priced += g.priced;
  }
  if (out.count == 0) return out;
  auto at = out.result.groups.end();
  if (!out.result.groups.empty() && !out.result.groups.back().key) --at;  // before "not stated"
  out.other = static_cast<std::size_t>(at - out.result.groups.begin());
  out.result.groups.insert(at, std::move(other));
  return out;
}

Published suppress(const store::ReportResult& report, store::ReportDimension d) {
  const Merged merged = merge_small_text_groups(report, d);
  const store::ReportResult& r = merged.result;
  // Skills overlap (a trainee has several); every other dimension, with its
  // "not stated" group, partitions the population.
  const bool partition = d != store::ReportDimension::kSkill;
  std::vector<std::vector<long>> rows;
  for (const auto& g : r.groups) {
    auto& row = rows.emplace_back();
    for (const auto& c : kCounts) row.push_back(g.*(c.field));
  }
  const auto hidden = suppress_table(rows, kBounded, partition);
  Published out;
  for (std::size_t i = 0; i < r.groups.size(); ++i)
    out.groups.push_back(publish(r.groups[i], hidden[i]));
  std::vector<bool> total_hidden(kCountColumns);
  for (std::size_t c = 0; c < kCountColumns; ++c) {
    total_hidden[c] = suppress_total(r.total.*(kCounts[c].field));
  }
  out.total = publish(r.total, total_hidden);
  if (merged.other) out.groups[*merged.other].merged_groups = merged.count;
  return out;
}

json row_json(const PublishedRow& row) {
  auto opt_text = [](const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); };
  auto opt_num = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  json j = {{"key", opt_text(row.key)}, {"label", opt_text(row.label)}};
  for (std::size_t c = 0; c < kCountColumns; ++c) j[kCounts[c].name] = opt_num(row.counts[c]);
  j["placement_rate"] = opt_num(row.placement_rate);
  j["median_days_to_placement"] = opt_num(row.median_days);
  j["bill_rate_jpy"] = {{"median", opt_num(row.median_rate)}, {"mean", opt_num(row.mean_rate)}};
  if (row.merged_groups > 0) j["merged_groups"] = row.merged_groups;
  return j;
}

std::string number_text(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// Suppressed cells are empty in the CSV, as in most statistical releases.
std::vector<std::string> row_cells(const PublishedRow& row, std::string_view group_by) {
  std::vector<std::string> cells;
  cells.push_back(std::string(group_by));
  cells.push_back(row.key.value_or(""));
  cells.push_back(row.label.value_or(row.key ? "" : "(not stated)"));
  for (const auto& c : row.counts) cells.push_back(c ? std::to_string(*c) : "");
  for (const auto& v : {row.placement_rate, row.median_days, row.median_rate, row.mean_rate}) {
    cells.push_back(v ? number_text(*v) : "");
  }
  return cells;
}

std::string report_csv(const Published& p, std::string_view group_by) {
  std::vector<std::string> header = {"group_by", "key", "label"};
  for (const auto& c : kCounts) header.emplace_back(c.name);
  for (const char* name : {"placement_rate", "median_days_to_placement", "median_bill_rate_jpy",
                           "mean_bill_rate_jpy"}) {
    header.emplace_back(name);
  }
  // The first three columns are text (names come from organizations and
  // trainees' programmes: neutralised); the rest are numbers this service wrote.
  std::vector<bool> numeric(header.size(), true);
  numeric[0] = numeric[1] = numeric[2] = false;
  std::string out(kUtf8Bom);
  out += csv_record(header);
  for (const auto& row : p.groups) out += csv_record(row_cells(row, group_by), numeric);
  auto total = row_cells(p.total, group_by);
  total[2] = "(total)";
  out += csv_record(total, numeric);
  return out;
}

awaitable<Response> programme_report(ApiContext& api, http::RequestContext& ctx) {
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"from", "to", "group_by", "format"}, errors);
  std::optional<matcher::Day> from_day, to_day;
  std::string from, to;
  for (const char* name : {"from", "to"}) {
    auto raw = ctx.request.query_param(name);
    if (!raw) {
      errors.push_back({name, http::FieldCode::kRequired, "is required (YYYY-MM-DD)"});
      continue;
    }
    const std::string value(*raw);
    auto day = valid_date(value) ? matching::parse_day(value) : std::nullopt;
    if (!day) {
      errors.push_back(invalid_date(name, value));
      continue;
    }
    (std::string_view(name) == "from" ? from : to) = value;
    (std::string_view(name) == "from" ? from_day : to_day) = day;
  }
  if (from_day && to_day && (*to_day < *from_day || *to_day - *from_day > kMaxRangeDays)) {
    errors.push_back({"to",
                      http::FieldCode::kInvalidCombination,
                      "must be on or after from, and at most " + std::to_string(kMaxRangeDays) +
                          " days after it",
                      {{"with", std::string("from")}}});
  }
  std::string group_by = "organization";
  store::ReportDimension dimension = store::ReportDimension::kOrganization;
  if (auto raw = ctx.request.query_param("group_by")) {
    bool found = false;
    for (const auto& d : kDimensions) {
      if (d.name == *raw) {
        group_by = std::string(d.name);
        dimension = d.dimension;
        found = true;
      }
    }
    if (!found) {
      std::vector<std::string> allowed;
      for (const auto& d : kDimensions) allowed.emplace_back(d.name);
      errors.push_back({"group_by",
                        http::FieldCode::kInvalidChoice,
                        "must be one of the dimensions",
                        {{"allowed", allowed}}});
    }
  }
  bool csv = false;
  if (auto raw = ctx.request.query_param("format")) {
    if (*raw == "csv") {
      csv = true;
    } else if (*raw != "json") {
      errors.push_back({"format",
                        http::FieldCode::kInvalidChoice,
                        "must be json or csv",
                        {{"allowed", std::vector<std::string>{"json", "csv"}}}});
    }
  }
  if (!errors.empty()) co_return invalid_parameters(ctx, std::move(errors));

  const auto pricing = api.live ? api.live->pricing() : std::make_shared<domain::Pricing>();
  store::ReportQuery q{from, to, dimension, jpy_per_unit(*pricing, to)};
  store::ReportResult result;
  co_await api.db.read([&](store::Tx& t) { result = store::programme_report(t, q); });
  const Published published = suppress(result, dimension);
  if (csv) {
    Response r = Response::text(200, report_csv(published, group_by), "text/csv; charset=utf-8");
    r.set_header("Content-Disposition", "attachment; filename=\"programme-report-" + group_by +
                                            "-" + from + "-" + to + ".csv\"");
    r.set_header("Cache-Control", "no-store");
    co_return r;
  }
  json out = {{"from", from},
              {"to", to},
              {"group_by", group_by},
              {"minimum_cell", kMinimumCell},
              {"groups", json::array()},
              {"total", row_json(published.total)}};
  for (const auto& row : published.groups) out["groups"].push_back(row_json(row));
  co_return json_response(200, out);
}

json side_json(const store::DuplicateSide& s) {
  return {{"trainee_id", s.trainee_id},
          {"alias", s.alias},
          {"organization_id", s.organization_id},
          {"organization_name", s.organization_name},
          {"status", s.status},
          {"placed", s.placed}};
}

awaitable<Response> list_duplicates(ApiContext& api, http::RequestContext& ctx) {
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {"limit", "cursor", "organization_id"}, errors);
  const int limit = page_limit(ctx, errors);
  const std::int64_t after = seq_cursor(ctx, 'd', errors);
  std::optional<std::string> organization;
  if (auto raw = ctx.request.query_param("organization_id")) {
    if (!store::is_uuid(std::string(*raw))) {
      errors.push_back(invalid_format("organization_id", "must be a UUID", "uuid"));
    } else {
      organization = std::string(*raw);
    }
  }
  if (!errors.empty()) co_return invalid_parameters(ctx, std::move(errors));
  std::vector<store::DuplicateFlag> flags;
  co_await api.db.read([&](store::Tx& t) {
    flags = store::list_duplicate_flags(t, after, limit + 1, organization);
  });
  json items = json::array();
  const bool more = flags.size() > static_cast<std::size_t>(limit);
  if (more) flags.resize(static_cast<std::size_t>(limit));
  for (const auto& f : flags) {
    items.push_back({{"id", std::to_string(f.id)},
                     {"matched_on", f.matched_on},
                     {"flagged_at", f.flagged_at},
                     {"trainees", json::array({side_json(f.a), side_json(f.b)})}});
  }
  json out = {
      {"items", items},
      {"next_cursor", more ? json(encode_seq_cursor('d', flags.back().id)) : json(nullptr)}};
  co_return json_response(200, out);
}

}  // namespace

void add_report_routes(http::Router& router, ApiContext& api) {
  const std::uint32_t admin = role_bit(domain::Role::kAdmin);
  router.add("GET", "/v1/reports/programme", handler(api, programme_report),
             {.roles = admin, .forbidden = "programme reports are for administrators"});
  router.add("GET", "/v1/duplicates", handler(api, list_duplicates),
             {.roles = admin, .forbidden = "possible duplicates are shown to administrators only"});
}

}  // namespace kakehashi::api
