#include "api/csv_writer.hpp"

#include <initializer_list>

namespace kakehashi::api {

std::string neutralise_cell(std::string_view text) {
  // Their full-width forms too (＝ ＋ － ＠, U+FF1D U+FF0B U+FF0D U+FF20)
  // and small forms (﹦ ﹢ ﹣ ﹫, U+FE66 U+FE62 U+FE63 U+FE6B): with
  // Japanese input Excel may take a leading ＝ or ﹦ for the formula sign
  // (its input normalises compatibility forms), and an apostrophe costs the
  // reader nothing.
  for (std::string_view wide : {"\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D", "\xEF\xBC\xA0",
                                "\xEF\xB9\xA6", "\xEF\xB9\xA2", "\xEF\xB9\xA3", "\xEF\xB9\xAB"}) {
    if (text.substr(0, wide.size()) == wide) return "'" + std::string(text);
  }
  if (!text.empty()) {
    switch (text.front()) {
      case '=':
      case '+':
      case '-':
      case '@':
      case '\t':
      case '\r':
        return "'" + std::string(text);
      default:
        break;
    }
  }
  return std::string(text);
}

std::string csv_record(const std::vector<std::string>& fields, const std::vector<bool>& numeric) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    const bool is_number = i < numeric.size() && numeric[i];
    const std::string cell = is_number ? fields[i] : neutralise_cell(fields[i]);
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
      out += cell;
      continue;
    }
    out += '"';
    for (char c : cell) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += "\r\n";
  return out;
}

}  // namespace kakehashi::api
