// Fuzz target: a bulk import file through the real handler of
// POST /v1/trainees/import?dry_run=true, once as text/csv and once as
// application/x-ndjson: the UTF-8 check and byte-order mark, the RFC 4180
// reader (quotes, "" escapes, CRLF, line counting), the header row, each
// record into a trainee document (skills "name:level:years;...",
// certifications, consent and rate columns, numbers and booleans as text),
// NDJSON lines with the depth guard, and parse_trainee for every row, on the
// CPU executor as the service runs it. A file that passes ends in the
// database lookup of duplicate e-mails, which never connects here. (The CSV
// reader is internal to api/import.cpp; see README "Fuzzing" for what
// exposing it would add.)
//
// Then each line, split at commas under the file's header (or all columns),
// through both readings of a record (api/trainee_csv.hpp): a record the quick
// reading takes must be valid as a document, with the same trainee.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/trainee_csv.hpp"
#include "fuzz_api.hpp"
#include "fuzz_target.hpp"
#include "support/trainee_input_text.hpp"

namespace {

using kakehashi::trainee_text::describe;
const auto& kColumns = kakehashi::trainee_text::kAllCsvColumns;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (const char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

void compare_readings(const std::string& text) {
  auto& f = kakehashi::fuzz::fixture();
  auto lines = split(text, '\n');
  // The first line as the header when it names known columns once each.
  std::vector<std::string> header = split(lines.front(), ',');
  std::vector<std::string> sorted = header;
  std::sort(sorted.begin(), sorted.end());
  const bool known = std::all_of(header.begin(), header.end(), [](const auto& c) {
    return std::find(kColumns.begin(), kColumns.end(), c) != kColumns.end();
  });
  if (!known || std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    header = kColumns;
  }
  const kakehashi::api::CsvTraineeReader reader(header, f.api);
  for (const auto& line : lines) {
    auto fields = split(line, ',');
    fields.resize(header.size());
    std::vector<kakehashi::http::FieldError> errors;
    const auto slow = kakehashi::api::parse_trainee(kakehashi::api::csv_document(header, fields),
                                                    f.api, false, errors);
    const auto quick = reader.quick(fields);
    if (quick && !slow) {
      kakehashi::fuzz::fail("the quick reading took a record validation refuses: " + line);
    }
    if (quick && describe(*quick) != describe(*slow)) {
      kakehashi::fuzz::fail("the quick reading differs from validation: " + describe(*quick) +
                            " against " + describe(*slow));
    }
  }
}

}  // namespace

KAKEHASHI_FUZZ_TARGET(import) {
  auto& f = kakehashi::fuzz::fixture();
  const auto who = kakehashi::fuzz::principal_for(kakehashi::domain::Role::kTrainingOrg);
  for (const char* type : {"text/csv; charset=utf-8", "application/x-ndjson"}) {
    kakehashi::http::Request request;
    request.method = "POST";
    request.target = "/v1/trainees/import?dry_run=true&on_duplicate=skip";
    request.headers.push_back({"Content-Type", type});
    request.body.assign(reinterpret_cast<const char*>(data), size);
    f.call(request, who);
  }
  compare_readings(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
