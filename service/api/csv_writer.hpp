// CSV for spreadsheets (issue 17): RFC 4180 (comma separated, CRLF line ends,
// fields with a comma, quote or line break quoted, quotes doubled), UTF-8 with
// a byte-order mark so Excel reads Japanese and Bengali names correctly, and
// no cell a spreadsheet would run as a formula. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kakehashi::api {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A cell that a spreadsheet would read as a formula (it begins with '=', '+',
// '-', '@', their full-width forms, a tab or a carriage return) gets a leading
// apostrophe (OWASP's advice), so it shows as the text it is. Numbers the service writes itself
// are not passed through this (a negative number is not a formula).
std::string neutralise_cell(std::string_view text);

// One record: each field neutralised unless listed as numeric, quoted where
// RFC 4180 needs it, ending in CRLF.
std::string csv_record(const std::vector<std::string>& fields,
                       const std::vector<bool>& numeric = {});

}  // namespace kakehashi::api
