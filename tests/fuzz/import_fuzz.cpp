// Fuzz target: a bulk import file through the real handler of
// POST /v1/trainees/import?dry_run=true, once as text/csv and once as
// application/x-ndjson: the UTF-8 check and byte-order mark, the RFC 4180
// reader (quotes, "" escapes, CRLF, line counting), the header row, each
// record into a trainee document (skills "name:level:years;...",
// certifications, consent and rate columns, numbers and booleans as text),
// NDJSON lines with the depth guard, and parse_trainee for every row, on the
// CPU executor as the service runs it. A file that passes ends in the
// database lookup of duplicate e-mails, which never connects here. (The CSV
// reader and csv_document are internal to api/import.cpp; see README
// "Fuzzing" for what exposing them would add.)
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
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
  return 0;
}
