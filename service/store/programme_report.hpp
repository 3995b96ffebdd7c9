// The programme report (issue 17): the trainees registered in a date range,
// grouped by one dimension, with how far each got through the match pipeline,
// how long placement took and the bill rates of those placed. Raw figures:
// suppression of small cells is the caller's (api/disclosure.hpp).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/transaction.hpp"

namespace kakehashi::store {

enum class ReportDimension { kOrganization, kCohort, kSkill, kMonth, kGender, kDistrict };

struct ReportQuery {
  std::string from;  // YYYY-MM-DD, inclusive (UTC)
  std::string to;    // YYYY-MM-DD, inclusive (UTC)
  ReportDimension dimension = ReportDimension::kOrganization;
  // Yen per unit of each currency a bill rate may be in; a rate in another
  // currency is left out of the bill-rate figures.
  std::vector<std::pair<std::string, double>> jpy_per_unit;
};

// One group's figures. Every count is of distinct trainees.
struct ReportFigures {
  std::optional<std::string> key;    // null: the "not stated" group (and the total)
  std::optional<std::string> label;  // an organization's or skill's name; else the key
  long registered = 0;
  long active = 0;      // status active or placed now
  long consenting = 0;  // consent to matching now
  // Reached at least this stage, by the end of the range.
  long proposed = 0, shortlisted = 0, offered = 0, accepted = 0, approved = 0;
  std::optional<double> median_days_to_placement;
  long priced = 0;  // approved with a bill rate that converts to yen
  std::optional<double> median_bill_rate_jpy;
  std::optional<double> mean_bill_rate_jpy;
};

struct ReportResult {
  std::vector<ReportFigures> groups;  // by label, then key; "not stated" last
  ReportFigures total;
};

ReportResult programme_report(Tx& t, const ReportQuery& q);

}  // namespace kakehashi::store
