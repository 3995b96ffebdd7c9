// POST /v1/trainees/import: many trainees at once, as CSV or NDJSON. Every row
// is validated like a single create; a dry run reports what would happen; a
// real import is atomic (all rows or none) and writes with COPY.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_set>
#include <variant>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "api/trainee_csv.hpp"
#include "api/trainee_input.hpp"
#include "api/validation.hpp"
#include "domain/text.hpp"
#include "store/sql_text.hpp"
#include "util/crypto.hpp"
#include "util/disposal.hpp"
#include "util/log.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;
using namespace boost::asio::experimental::awaitable_operators;

constexpr std::size_t kImportBodyLimit = 64 * 1024 * 1024;
constexpr std::size_t kMaxRows = 200'000;
// A header's columns: each one it names wrongly is an error of its own up to
// this width, which no spreadsheet's header reaches; a wider one is refused
// whole, with one error (a header of 2M columns made a 150 MB answer).
constexpr std::size_t kMaxHeaderColumns = 256;
// Problems listed in an answer; the rest are counted, not listed.
constexpr std::size_t kListedErrors = 1'000;

// What parse_csv keeps at most: a hostile file's shape (a line of 60M
// commas, 30M one-character lines) must not make it hold more than an import
// may. Fields past `max_fields` in a record are counted, not kept.
// Room made ahead for a record's fields: the template's columns, rounded up.
constexpr std::size_t kReservedFields = 32;
struct CsvLimits {
  std::size_t max_records;  // at least 1
  std::size_t max_fields;
};
struct CsvRecord {
  long line;                        // where the record starts
  std::size_t count;                // its fields, kept or not
  std::vector<std::string> fields;  // the first max_fields of them
};

// RFC 4180: fields separated by commas, optionally quoted with "" escapes;
// records end with LF or CRLF; blank lines are skipped. Reads from text's
// start, which is on line *line, until its end or max_records records; *pos
// and *line are then where the next record would start. False on an
// unterminated quote (*line: where its record starts), or on text after a
// field's closing quote (*line: where that is). `"A B"x` read as `A Bx`, a
// guess at what no spreadsheet writes (a probe): the file is refused instead.
enum class CsvRead { kOk, kUnterminated, kTextAfterQuote };
CsvRead parse_csv(std::string_view text, const CsvLimits& limits, std::vector<CsvRecord>& out,
                  std::size_t* pos, long* line) {
  std::vector<std::string> record;
  std::size_t count = 0;
  std::size_t records = 0;
  std::string field;
  bool quoted = false;
  bool any = false;
  long record_line = *line;
  const auto end_field = [&] {
    if (count++ < limits.max_fields) record.push_back(std::move(field));
    field.clear();
  };
  // Each record's fields in a vector with room for the fields it may keep
  // (a record grown one field at a time held room for 32 of a 17-column
  // file's fields, and dropped five smaller vectors on the way: a tenth of an
  // import's memory). A valid header names at most the template's 24
  // columns: a record, however few its fields, holds room for at most 24 (a
  // full one grown a field at a time held 32). The header's own read grows
  // past kReservedFields as before.
  const std::size_t room = std::min(limits.max_fields, kReservedFields);
  record.reserve(room);
  const auto end_record = [&] {
    out.push_back({record_line, count, std::move(record)});
    record = {};
    record.reserve(room);
    count = 0;
    ++records;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
          if (i + 1 < text.size() && text[i + 1] != ',' && text[i + 1] != '\n' &&
              text[i + 1] != '\r') {
            return CsvRead::kTextAfterQuote;
          }
        }
      } else {
        // The text up to the next quote, at once.
        auto end = text.find('"', i);
        if (end == std::string_view::npos) end = text.size();
        const auto run = text.substr(i, end - i);
        // Lines as the records count them: LF, CRLF, or a CR alone (a CR at
        // the run's end is alone unless the text goes on with an LF).
        for (std::size_t k = 0; k < run.size(); ++k) {
          const char next = k + 1 < run.size() ? run[k + 1] : end < text.size() ? text[end] : '\0';
          if (run[k] == '\n' || (run[k] == '\r' && next != '\n')) ++*line;
        }
        field.append(run);
        i = end - 1;
      }
      continue;
    }
    if (c != ',' && c != '\n' && c != '\r' && (c != '"' || !field.empty())) {
      // Plain text (a quote inside it is text too) up to the field's end, at once.
      std::size_t end = i + 1;
      while (end < text.size() && text[end] != ',' && text[end] != '\n' && text[end] != '\r') {
        ++end;
      }
      field.append(text.substr(i, end - i));
      any = true;
      i = end - 1;
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      any = true;
    } else if (c == ',') {
      end_field();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        end_field();
        end_record();
      }
      record.clear();
      count = 0;
      field.clear();
      any = false;
      record_line = ++*line;
      if (records == limits.max_records) {
        *pos = i + 1;
        return CsvRead::kOk;
      }
    } else {
      field.push_back(c);
      any = true;
    }
  }
  *pos = text.size();
  if (quoted) {
    *line = record_line;
    return CsvRead::kUnterminated;
  }
  if (any || !field.empty()) {
    end_field();
    end_record();
  }
  return CsvRead::kOk;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

namespace {

// organization_id names no training provider (the programme office, a firm,
// no organization at all).
http::FieldError not_a_provider_error() {
  return {"organization_id",
          http::FieldCode::kNotFound,
          "must name a training provider",
          {{"resource", std::string("training_provider")}}};
}

// What the query asks for; every mistake is a field error.
struct ImportOptions {
  bool dry_run = false;
  bool skip_duplicates = false;
  std::string organization_id;
};

ImportOptions import_options(const http::RequestContext& ctx, const domain::Principal& who,
                             std::vector<http::FieldError>& errors) {
  ImportOptions o{false, false, who.organization_id};
  bool named = false;
  for (const auto& [key, value] : ctx.request.query_params()) {
    if (key == "dry_run" && (value == "true" || value == "false")) {
      o.dry_run = value == "true";
    } else if (key == "on_duplicate" && (value == "fail" || value == "skip")) {
      o.skip_duplicates = value == "skip";
    } else if (key == "organization_id" && who.is_admin()) {
      named = true;
      if (!store::is_uuid(value)) {
        errors.push_back(invalid_format(key, "must be an organization id", "uuid"));
      } else if (value == who.organization_id) {
        errors.push_back(not_a_provider_error());
      }
      o.organization_id = value;
    } else {
      if (key == "dry_run") {
        errors.push_back(invalid_choice(key, "must be true or false", {"true", "false"}));
      } else if (key == "on_duplicate") {
        errors.push_back(invalid_choice(key, "must be fail or skip", {"fail", "skip"}));
      } else {
        errors.push_back({key, http::FieldCode::kUnknownField, "unknown query parameter"});
      }
    }
  }
  if (who.is_admin() && !named) {
    errors.push_back({"organization_id", http::FieldCode::kRequired,
                      "administrators name the training provider"});
  }
  return o;
}

// A problem with the whole file: the import stops before any row.
struct FileProblem {
  int status = 422;
  std::string detail;
  std::vector<http::FieldError> errors;
};

// Excel's "CSV UTF-8" starts with a byte-order mark; other encodings (Excel's
// plain "CSV" is a legacy code page) are refused with the place of the first
// byte that is not UTF-8.
std::optional<FileProblem> not_utf8(std::string_view text) {
  const auto bad = domain::first_invalid_utf8(text);
  if (!bad) return std::nullopt;
  const auto before = text.substr(0, *bad);
  const long line = 1 + static_cast<long>(std::count(before.begin(), before.end(), '\n'));
  const auto line_start = before.rfind('\n');
  const auto column = domain::code_points(before.substr(
                          line_start == std::string_view::npos ? 0 : line_start + 1)) +
                      1;
  return FileProblem{
      422,
      "the file is not UTF-8 text (line " + std::to_string(line) + ", character " +
          std::to_string(column) + "); in Excel, save it as \"CSV UTF-8\"",
      {{"",
        http::FieldCode::kInvalidText,
        "is not UTF-8 text at character " + std::to_string(column) + "; save the file as CSV UTF-8",
        {{"character", static_cast<long long>(column)}},
        line}}};
}

// A row to validate: a CSV record (made into the document a single create
// takes by the worker that validates it) or an NDJSON line's document.
struct Source {
  long line;
  std::vector<std::string> fields;  // CSV
  json document;                    // NDJSON
};

// The CSV's records; a record with the wrong number of fields is a row error.
// The header is read and checked first, so no row keeps more fields than a
// valid header names, and reading stops at the first record over the limit.
std::variant<std::vector<Source>, FileProblem> csv_rows(std::string_view body,
                                                        std::vector<std::string>& header,
                                                        std::vector<http::FieldError>& errors) {
  const std::string_view text = domain::strip_utf8_bom(body);
  if (auto problem = not_utf8(text)) return std::move(*problem);
  const auto unreadable = [](CsvRead read, long line) {
    return FileProblem{
        400,
        read == CsvRead::kUnterminated
            ? "unterminated quoted field starting on line " + std::to_string(line)
            : "text after a field's closing quote on line " + std::to_string(line) +
                  ": a field with a quote in it is quoted whole, its quotes doubled (\"\")",
        {}};
  };
  std::vector<CsvRecord> head;
  std::size_t pos = 0;
  long line = 1;
  if (auto read = parse_csv(text, {1, kMaxHeaderColumns}, head, &pos, &line);
      read != CsvRead::kOk) {
    return unreadable(read, line);
  }
  if (head.empty())
    return FileProblem{422,
                       "the file is empty",
                       {{"", http::FieldCode::kRequired, "a header row is required", {}, 1}}};
  // The header's problems, answered after the file's own (an unterminated
  // quote, too many records), as they were when the whole file was read first.
  std::vector<http::FieldError> header_errors;
  if (head.front().count > kMaxHeaderColumns) {
    header_errors.push_back({"",
                             http::FieldCode::kInvalidFormat,
                             "has " + std::to_string(head.front().count) +
                                 " columns; an import's header has at most " +
                                 std::to_string(kMaxHeaderColumns),
                             {{"format", std::string("csv")},
                              {"fields", static_cast<long long>(head.front().count)},
                              {"max_fields", static_cast<long long>(kMaxHeaderColumns)}},
                             head.front().line});
  } else {
    header = std::move(head.front().fields);
    std::unordered_set<std::string_view> named;
    for (const auto& column : header) {
      if (!is_csv_column(column)) {
        // With the columns it takes: a coordinator's own headings ("Name")
        // read "unknown" and "full_name required" and no way forward.
        header_errors.push_back({http::pointer_to("", column),
                                 http::FieldCode::kUnknownField,
                                 "unknown column; the columns are the template's (full_name, "
                                 "email, phone, ...: see allowed)",
                                 {{"allowed", csv_columns()}},
                                 1});
      } else if (!named.insert(column).second) {
        header_errors.push_back({http::pointer_to("", column),
                                 http::FieldCode::kDuplicate,
                                 "repeats a column named before",
                                 {},
                                 1});
      }
    }
    for (const char* need : {"full_name", "email"}) {
      if (std::find(header.begin(), header.end(), need) == header.end()) {
        header_errors.push_back({http::pointer_to("", need),
                                 http::FieldCode::kRequired,
                                 "required column is missing",
                                 {},
                                 1});
      }
    }
  }
  // Every record counts, valid or not: the limit bounds the work and the
  // answer (one error per bad record), not only the rows written. Under a
  // header with problems no field is kept: the rows are only counted.
  const auto too_many = [] {
    return FileProblem{413, "at most " + std::to_string(kMaxRows) + " rows per import", {}};
  };
  std::vector<CsvRecord> records;
  const std::string_view rest = text.substr(pos);
  const std::size_t keep = header_errors.empty() ? header.size() : 0;
  if (auto read = parse_csv(rest, {kMaxRows, keep}, records, &pos, &line); read != CsvRead::kOk) {
    return unreadable(read, line);
  }
  if (records.size() == kMaxRows) {  // one more record is one too many
    std::vector<CsvRecord> more;
    if (parse_csv(rest.substr(pos), {1, 0}, more, &pos, &line) != CsvRead::kOk) return too_many();
    if (!more.empty()) return too_many();
  }
  if (!header_errors.empty()) return FileProblem{422, "the header row is invalid", header_errors};
  std::vector<Source> rows;
  rows.reserve(records.size());
  for (auto& record : records) {
    if (record.count != header.size()) {
      errors.push_back({"",
                        http::FieldCode::kInvalidFormat,
                        "has " + std::to_string(record.count) + " fields; the header has " +
                            std::to_string(header.size()),
                        {{"format", std::string("csv")},
                         {"fields", static_cast<long long>(record.count)},
                         {"expected_fields", static_cast<long long>(header.size())}},
                        record.line});
      continue;
    }
    rows.push_back({record.line, std::move(record.fields), json()});
  }
  return rows;
}

// One JSON object per line; blank lines are skipped. Lines end with LF or
// CRLF; a file with no LF at all ends them with CR, as a CSV may (a file of
// CR-only lines was read as one line). In a file with LFs a CR is JSON's
// white space, or the CR of a CRLF. False when there are more than kMaxRows
// (reading stops at the one over: every record counts, valid or not, and a
// blank line is none).
bool ndjson_rows(std::string_view body, std::vector<Source>& rows,
                 std::vector<http::FieldError>& errors) {
  long line = 0;
  std::size_t records = 0;
  std::size_t start = 0;
  const char eol = body.find('\n') == std::string_view::npos ? '\r' : '\n';
  while (start < body.size()) {
    ++line;
    auto end = body.find(eol, start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view text = body.substr(start, end - start);
    start = end + 1;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (++records > kMaxRows) return false;
    bool too_deep = false;
    auto doc = parse_json(text, &too_deep);
    if (!doc || !doc->is_object()) {
      errors.push_back({"",
                        http::FieldCode::kInvalidFormat,
                        too_deep
                            ? "nests more than " + std::to_string(kMaxJsonDepth) + " levels deep"
                        : !doc ? "is not valid JSON: " + json_syntax_problem(text)
                               : "is not a JSON object",
                        {{"format", std::string("json_object")}},
                        line});
      continue;
    }
    rows.push_back({line, {}, std::move(*doc)});
  }
  return true;
}

struct Validated {
  std::size_t rows = 0;
  std::size_t unlisted_errors = 0;  // beyond kListedErrors
  std::vector<TraineeInput> inputs;
  std::vector<long> lines;  // of each input
};

// The file's rows, parsed but not validated yet.
struct Parsed {
  std::vector<std::string> header;  // CSV
  std::vector<Source> rows;
};

// Parses the file into rows (CPU work); a problem with the whole file stops here.
std::variant<Parsed, FileProblem> parse_file(bool csv, std::string_view body,
                                             std::vector<http::FieldError>& errors) {
  Parsed out;
  if (csv) {
    auto parsed = csv_rows(body, out.header, errors);
    if (auto* problem = std::get_if<FileProblem>(&parsed)) return std::move(*problem);
    out.rows = std::move(std::get<std::vector<Source>>(parsed));
  } else if (!ndjson_rows(body, out.rows, errors)) {
    return FileProblem{413, "at most " + std::to_string(kMaxRows) + " rows per import", {}};
  }
  // Nothing to import (an empty NDJSON body, a CSV of its header alone, blank
  // lines) is a mistake to name, as an empty CSV file is: a 201 "created 0"
  // read as success (a coordinator's export that lost its rows).
  if (out.rows.empty() && errors.empty()) {
    return FileProblem{
        422,
        "the file has no rows to import",
        {{"", http::FieldCode::kRequired, "at least one row is required", {}, csv ? 2 : 1}}};
  }
  return out;
}

// Validates rows [begin, end) like single creates, each document made and
// dropped in turn (holding 100k documents at once cost more in the allocator
// than validating them). Independent of other ranges, so ranges run in parallel.
struct Checked {
  std::vector<TraineeInput> inputs;
  std::vector<long> lines;
  std::vector<http::FieldError> errors;  // in row order, each with its line
};
Checked validate_rows(const ApiContext& api, const Parsed& parsed, std::size_t begin,
                      std::size_t end) {
  Checked out;
  out.inputs.reserve(end - begin);
  out.lines.reserve(end - begin);
  std::vector<http::FieldError> row_errors;
  std::optional<CsvTraineeReader> csv;
  if (!parsed.header.empty()) csv.emplace(parsed.header, api);
  for (std::size_t i = begin; i < end; ++i) {
    const Source& row = parsed.rows[i];
    row_errors.clear();
    auto input = csv ? csv->read(row.fields, row_errors)
                     : parse_trainee(row.document, api, false, row_errors);  // NDJSON
    for (auto& e : row_errors) {
      e.line = row.line;
      out.errors.push_back(std::move(e));
    }
    if (input) {
      out.inputs.push_back(std::move(*input));
      out.lines.push_back(row.line);
    }
  }
  return out;
}

// The ranges' results in row order, listing at most kListedErrors problems.
Validated merge_checked(std::size_t rows, std::vector<Checked>& parts,
                        std::vector<http::FieldError>& errors) {
  Validated out;
  out.rows = rows;
  out.inputs.reserve(rows);
  out.lines.reserve(rows);
  for (auto& part : parts) {
    for (auto& e : part.errors) {
      if (errors.size() < kListedErrors) {
        errors.push_back(std::move(e));
      } else {
        ++out.unlisted_errors;
      }
    }
    std::move(part.inputs.begin(), part.inputs.end(), std::back_inserter(out.inputs));
    out.lines.insert(out.lines.end(), part.lines.begin(), part.lines.end());
    part = Checked{};
  }
  return out;
}

// A real import validates and writes at once: one CPU thread validates the
// rows a chunk at a time while the database thread writes the chunks before
// (the COPY runs in the database's own process meanwhile), so validation, the
// rows' encoding and the database's work overlap. The transaction commits
// only once every row is valid; with any error nothing is committed, and the
// answer lists every error as a validation before writing would.
constexpr std::size_t kChunkRows = 4096;
// Attempts at writing the rows while emails are registered meanwhile.
constexpr int kImportAttempts = 3;

class ChunkQueue {
 public:
  explicit ChunkQueue(std::size_t chunks) : chunks_(chunks) {}
  std::size_t size() const { return chunks_.size(); }
  // The validator's side.
  void put(std::size_t k, Checked c) {
    const std::lock_guard lock(mutex_);
    chunks_[k] = std::move(c);
    ready_ = k + 1;
    cv_.notify_all();
  }
  void fail() {
    const std::lock_guard lock(mutex_);
    failed_ = true;
    cv_.notify_all();
  }
  // The writer's side: chunk k once validated (the validator does not touch
  // it again); nullptr if validation stopped before it.
  Checked* wait(std::size_t k) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return ready_ > k || failed_; });
    return ready_ > k ? &chunks_[k] : nullptr;
  }
  // The writer gave up (a database error): validation need not go on.
  void stop() { stopped_.store(true); }
  bool stopped() const { return stopped_.load(); }
  // Once both sides are done.
  std::vector<Checked>& chunks() { return chunks_; }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Checked> chunks_;
  std::size_t ready_ = 0;
  bool failed_ = false;
  std::atomic<bool> stopped_{false};
};

void validate_chunks(const ApiContext& api, const Parsed& parsed, ChunkQueue& queue) {
  try {
    for (std::size_t k = 0; k < queue.size(); ++k) {
      if (queue.stopped()) break;
      const std::size_t begin = k * kChunkRows;
      queue.put(
          k, validate_rows(api, parsed, begin, std::min(begin + kChunkRows, parsed.rows.size())));
    }
  } catch (...) {
    queue.fail();
    throw;
  }
  queue.fail();  // releases a writer waiting for a chunk after a stop
}

// Thrown out of the import's transaction to roll it back: some row is not
// valid (answered 422), or validation failed itself (its own exception is the
// answer's cause; this one only ends the writer's wait).
struct RowsInvalid {};
struct ValidationStopped : std::runtime_error {
  ValidationStopped() : std::runtime_error("the import's validation stopped before every row") {}
};

// The file's duplicates: every one counted, the first kListedErrors listed
// (an import of 200,000 repeated rows answered each, with its email).
struct Duplicates {
  json listed = json::array();
  std::size_t total = 0;
  void add(long line, const std::string& email, const std::string& why) {
    if (++total <= kListedErrors) {
      listed.push_back({{"line", line}, {"email", email}, {"reason", why}});
    }
  }
};

// The writer's state, kept across the transaction's attempts after a
// deadlock (one retried writes the rows kept so far again, then goes on); an
// attempt after an email registered meanwhile starts a fresh one.
struct ImportWriter {
  ChunkQueue* queue = nullptr;
  bool skip_duplicates = false;
  const std::unordered_set<std::string>* existing = nullptr;
  const store::TextFolding* folding = nullptr;
  std::size_t next_chunk = 0;
  bool invalid = false;  // some row is not valid: nothing is written
  // The rows to write, in order: in their chunks' inputs (the queue holds
  // them to the end), not moved again.
  std::vector<store::NewTrainee*> kept;
  std::unordered_set<std::string> seen;  // email_key() of the rows before
  Duplicates duplicates;
  std::vector<http::FieldError> duplicate_errors;
  double wait_ms = 0;  // for the next chunk's validation
};

// Takes chunk c's valid rows that are not duplicates (as take_new does for
// the whole file); returns how many were kept.
std::size_t take_chunk(ImportWriter& w, Checked& c) {
  if (!c.errors.empty()) w.invalid = true;
  const std::size_t before = w.kept.size();
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    auto& input = c.inputs[i];
    const auto lowered = w.folding->lower(input.personal.email);
    // Every email was folded ahead (write_import): none is missing.
    if (!lowered) throw std::logic_error("an email was not folded ahead of the import");
    const bool in_org = w.existing->count(*lowered) > 0;
    if (in_org || !w.seen.insert(*lowered).second) {
      const std::string why =
          in_org ? "already registered in this organization" : "repeats an earlier row";
      w.duplicates.add(c.lines[i], input.personal.email, why);
      if (!w.skip_duplicates) {
        w.duplicate_errors.push_back(
            {"/email",
             http::FieldCode::kTaken,
             "duplicate: " + why,
             {{"reason", std::string(in_org ? "registered" : "repeated_row")}},
             c.lines[i]});
        w.invalid = true;
      }
      continue;
    }
    if (!w.invalid) w.kept.push_back(&input);
  }
  return w.invalid ? 0 : w.kept.size() - before;
}

// The transaction's work: the chunks in order, each row written as it is
// taken; throws RowsInvalid (a rollback) when any row is not valid.
void write_chunks(store::Tx& t, ImportWriter& w, const std::string& organization_id,
                  std::size_t capacity, std::optional<store::TraineeKeys>& keys) {
  // Room for every row's pointer at once.
  w.kept.reserve(capacity);
  w.seen.reserve(capacity);
  // Keys drawn while the file was parsed are for at least as many rows as it
  // has; drawn here for a small file, or when that draw failed.
  if (!keys || keys->size() < capacity) keys = store::draw_trainee_keys(t, capacity);
  std::optional<store::TraineeCopy> copy;
  if (!w.invalid) {
    copy.emplace(t, organization_id, *keys);
    for (auto* row : w.kept) copy->add(*row);
  }
  for (; w.next_chunk < w.queue->size();) {
    const auto waiting = std::chrono::steady_clock::now();
    Checked* c = w.queue->wait(w.next_chunk);
    w.wait_ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - waiting)
            .count();
    if (!c) throw ValidationStopped{};
    const std::size_t taken = take_chunk(w, *c);
    ++w.next_chunk;  // the chunk's rows are in `kept` now, also for a retry
    if (w.invalid) {
      copy.reset();
      continue;
    }
    for (std::size_t i = w.kept.size() - taken; i < w.kept.size(); ++i) copy->add(*w.kept[i]);
    copy->flush();
  }
  if (w.invalid) throw RowsInvalid{};
  // Fresh statistics keep the planner on the indexes after a big load, from
  // the commit on (list pages; another replica's reload, which reads the
  // new rows by seq; on the statistics of a smaller table each page of that
  // read scanned and sorted every row).
  copy->finish(w.kept, w.kept.size() >= 10'000);
}

// The raw emails of the rows, trimmed as validation trims them: folded ahead
// (TextFolding), as no other statement can run while the COPY is open.
std::vector<std::string> raw_emails(const Parsed& parsed) {
  std::vector<std::string> out;
  out.reserve(parsed.rows.size());
  const auto trimmed = [&](const std::string& s) {
    if (!domain::valid_utf8(s)) return;  // an error of its row, never folded
    const auto t = domain::trim_padding(s);
    if (!t.empty()) out.emplace_back(t);
  };
  if (parsed.header.empty()) {
    for (const auto& row : parsed.rows) {
      const auto it = row.document.find("email");
      if (it != row.document.end() && it->is_string()) trimmed(it->get_ref<const std::string&>());
    }
    return out;
  }
  const auto column = static_cast<std::size_t>(
      std::find(parsed.header.begin(), parsed.header.end(), "email") - parsed.header.begin());
  for (const auto& row : parsed.rows) {
    if (column < row.fields.size()) trimmed(row.fields[column]);
  }
  return out;
}

// Rows whose email is already registered in the organization, or repeats an
// earlier row, are duplicates: reported, and errors unless skipped.
Duplicates take_new(Validated& v, const std::vector<std::string>& lowered_emails,
                    const std::unordered_set<std::string>& existing, bool skip,
                    std::vector<store::NewTrainee>& to_create,
                    std::vector<http::FieldError>& errors) {
  Duplicates duplicates;
  std::unordered_set<std::string> seen;
  seen.reserve(v.inputs.size());
  to_create.reserve(v.inputs.size());
  for (std::size_t i = 0; i < v.inputs.size(); ++i) {
    const auto& email = lowered_emails[i];
    const bool in_org = existing.count(email) > 0;
    if (in_org || !seen.insert(email).second) {
      const std::string why =
          in_org ? "already registered in this organization" : "repeats an earlier row";
      duplicates.add(v.lines[i], v.inputs[i].personal.email, why);
      if (!skip) {
        errors.push_back({"/email",
                          http::FieldCode::kTaken,
                          "duplicate: " + why,
                          {{"reason", std::string(in_org ? "registered" : "repeated_row")}},
                          v.lines[i]});
      }
      continue;
    }
    to_create.push_back({std::move(v.inputs[i].personal), std::move(v.inputs[i].profile)});
  }
  return duplicates;
}

json dry_run_report(std::size_t rows, std::size_t valid, const Duplicates& duplicates,
                    const std::vector<http::FieldError>& errors) {
  json out = {{"dry_run", true},
              {"rows", rows},
              {"valid", valid},
              {"would_create", errors.empty() ? valid : 0},
              {"duplicates", duplicates.listed},
              {"duplicates_total", duplicates.total},
              {"errors", json::array()}};
  for (const auto& e : errors) {
    json item = http::field_error_json(e);
    item["line"] = e.line.value_or(0);
    out["errors"].push_back(std::move(item));
  }
  return out;
}

Response not_a_provider(const http::RequestContext& ctx) {
  return invalid_parameters(ctx, {not_a_provider_error()});
}

// In line order (a line's errors in the order they were found: stable),
// at most kListedErrors listed and the rest counted.
void list_errors(std::vector<http::FieldError>& errors, std::size_t unlisted_before) {
  std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) {
    return a.line.value_or(0) < b.line.value_or(0);
  });
  const std::size_t unlisted =
      unlisted_before + (errors.size() > kListedErrors ? errors.size() - kListedErrors : 0);
  if (unlisted > 0) {
    errors.resize(std::min(errors.size(), kListedErrors));
    errors.push_back({"",
                      http::FieldCode::kTruncated,
                      "and " + std::to_string(unlisted) + " more problem(s), not listed",
                      {{"count", static_cast<long long>(unlisted)}}});
  }
}

// Rows go only to a training provider: `fold` folds the file's emails (in
// the same transaction; it returns them folded), then those already
// registered in the organization are read into `existing`; false (nothing
// read) for any other organization or none.
template <typename Fold>
awaitable<bool> read_provider(ApiContext& api, const std::string& organization_id,
                              std::unordered_set<std::string>& existing, Fold fold) {
  bool ok = true;
  co_await api.db.read([&](store::Tx& t) {
    auto org = store::find_organization(t, organization_id);
    ok = org && org->kind == "training_provider";
    if (!ok) return;
    existing = store::organization_emails(t, organization_id, fold(t));
  });
  co_return ok;
}

// A dry run validates every row (in two halves at once) and reports.
awaitable<Response> dry_run(ApiContext& api, http::RequestContext& ctx,
                            const ImportOptions& options, const Parsed& rows,
                            std::vector<http::FieldError>& errors) {
  // Every record of the file, those with the wrong number of fields (the
  // errors so far) among them.
  const std::size_t records = rows.rows.size() + errors.size();
  const std::size_t half = rows.rows.size() / 2;
  std::vector<Checked> parts(2);
  // Each run() sets the I/O thread's log context back as it resumes; the one
  // started second saw it cleared by the first, so the request's is set again.
  const util::LogContext context = util::log_context();
  co_await (api.cpu.run([&] { parts[0] = validate_rows(api, rows, 0, half); }) &&
            api.cpu.run([&] { parts[1] = validate_rows(api, rows, half, rows.rows.size()); }));
  util::set_log_context(context);
  Validated valid = merge_checked(rows.rows.size(), parts, errors);
  std::unordered_set<std::string> existing;
  std::vector<std::string> lowered;
  const bool organization_ok =
      co_await read_provider(api, options.organization_id, existing, [&](store::Tx& t) {
        // Read as the unique key reads them (email_key: width, NFC, case), so
        // the dry run finds every duplicate the import would.
        std::vector<std::string> emails;
        emails.reserve(valid.inputs.size());
        for (const auto& in : valid.inputs) emails.push_back(in.personal.email);
        lowered = store::email_keys(t, emails);
        return lowered;
      });
  if (!organization_ok) co_return not_a_provider(ctx);
  std::vector<store::NewTrainee> to_create;
  const Duplicates duplicates =
      take_new(valid, lowered, existing, options.skip_duplicates, to_create, errors);
  list_errors(errors, valid.unlisted_errors);
  co_return json_response(200, dry_run_report(records, to_create.size(), duplicates, errors));
}

// When the import began, and how long the parse took (for the log line).
struct ImportClock {
  std::chrono::steady_clock::time_point began;
  double parse_ms = 0;
};

// An import's answer as an Idempotency-Key keeps it (its "resource id", at
// most 64 characters): "import:<rows>:<created>:<duplicates_total>".
std::string import_figures(std::size_t rows, std::size_t created, std::size_t duplicates) {
  return "import:" + std::to_string(rows) + ":" + std::to_string(created) + ":" +
         std::to_string(duplicates);
}

// The answer a replay gives: the first answer's figures, no duplicates listed.
json replayed_import(const std::string& figures) {
  std::array<std::size_t, 3> n{};
  std::size_t at = figures.find(':');
  for (auto& value : n) {
    const std::size_t from = at == std::string::npos ? figures.size() : at + 1;
    at = figures.find(':', from);
    const std::string_view part(figures.data() + from,
                                (at == std::string::npos ? figures.size() : at) - from);
    std::from_chars(part.data(), part.data() + part.size(), value);
  }
  return {{"dry_run", false},         {"rows", n[0]},
          {"created", n[1]},          {"duplicates", json::array()},
          {"duplicates_total", n[2]}, {"replayed", true}};
}

awaitable<Response> write_import(ApiContext& api, http::RequestContext& ctx,
                                 const ImportOptions& options,
                                 std::variant<Parsed, FileProblem>& parsed,
                                 std::vector<http::FieldError>& errors, ImportClock clock,
                                 std::optional<store::TraineeKeys>& keys, std::string& figures);

// A file of this many lines or more draws its rows' keys beside the parse;
// a smaller one in its transaction, where it costs a few milliseconds.
constexpr std::size_t kKeysAhead = 1'000;

// The new rows' keys (store::draw_trainee_keys) for as many rows as the file
// may hold (its non-blank lines, at most kMaxRows), in a transaction of their
// own while the file is parsed: the alias probe and the sequence draw (~0.2 s
// of database work at 100k rows) are then off the import's path. A file that
// is refused wastes them (the seqs are gaps), as a file of as many rows that
// fail validation always did; at worst 200k keys, ~0.3 s of one connection.
// A draw that fails leaves `keys` empty: the import's transaction draws them.
awaitable<void> draw_keys(ApiContext& api, std::string_view body,
                          std::optional<store::TraineeKeys>& keys, util::LogContext context) {
  util::set_log_context(context);
  // A pass over the whole body (up to 64 MiB): CPU work, beside the parse.
  std::size_t lines = 0;
  co_await api.cpu.run([&] { lines = domain::nonblank_lines(body); });
  util::set_log_context(context);
  if (lines < kKeysAhead) co_return;
  try {
    co_await transact(
        api, [&](store::Tx& t) { keys = store::draw_trainee_keys(t, std::min(lines, kMaxRows)); });
  } catch (const std::exception& e) {
    keys.reset();
    util::set_log_context(context);  // the database executor's resumption cleared it
    const std::string what = e.what();
    util::log("warn", "an import's keys could not be drawn ahead; its transaction draws them",
              {{"error", what.substr(0, what.find('\n'))}});
  }
}

awaitable<Response> import_trainees(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  std::vector<http::FieldError> errors;
  const auto options = import_options(ctx, who, errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  const auto type = ctx.request.header("Content-Type").value_or("");
  const std::string media = lower(std::string(type.substr(0, type.find(';'))));
  const bool csv = media == "text/csv";
  if (!csv && media != "application/x-ndjson") {
    co_return problem(ctx, 415, "send text/csv or application/x-ndjson");
  }
  if (!charset_is_utf8(type)) {
    co_return problem(ctx, 415,
                      "send the file in UTF-8 (charset=utf-8); in Excel, save as \"CSV UTF-8\"");
  }
  using Clock = std::chrono::steady_clock;
  const auto began = Clock::now();
  auto ms_since = [](Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  };
  // Parsing and validating many rows is CPU work: on the CPU executor, never
  // on an I/O thread and never in a database slot.
  std::variant<Parsed, FileProblem> parsed;
  auto parse = [&]() -> awaitable<void> {
    co_await api.cpu.run([&] { parsed = parse_file(csv, ctx.request.body, errors); });
  };
  std::optional<store::TraineeKeys> keys;
  if (options.dry_run) {
    co_await parse();
  } else {
    // As in write_import: the request's log context is set again after both.
    const util::LogContext context = util::log_context();
    co_await (parse() && draw_keys(api, ctx.request.body, keys, context));
    util::set_log_context(context);
  }
  const double parse_ms = ms_since(began);
  if (auto* p = std::get_if<FileProblem>(&parsed))
    co_return problem(ctx, p->status, p->detail, p->errors);
  if (options.dry_run) {
    co_return co_await dry_run(api, ctx, options, std::get<Parsed>(parsed), errors);
  }
  // With an Idempotency-Key, a retry after a lost answer (a dropped
  // connection during a long import) gets the first answer's figures instead
  // of every row refused as already registered. Only the figures are kept
  // (the duplicates' emails are personal data): a replay lists none.
  std::string figures;
  co_return co_await idempotent(
      api, ctx, who,
      [&]() -> awaitable<Response> {
        co_return co_await write_import(api, ctx, options, parsed, errors, {began, parse_ms}, keys,
                                        figures);
      },
      [](const std::string& kept) -> awaitable<Response> {
        co_return json_response(201, replayed_import(kept));
      },
      [&](const Response&) { return figures; });
}

// Writes the parsed file (no dry run); `figures` gets the answer's counts as
// an Idempotency-Key keeps them (import_figures).
awaitable<Response> write_import(ApiContext& api, http::RequestContext& ctx,
                                 const ImportOptions& options,
                                 std::variant<Parsed, FileProblem>& parsed,
                                 std::vector<http::FieldError>& errors, ImportClock clock,
                                 std::optional<store::TraineeKeys>& keys, std::string& figures) {
  using Clock = std::chrono::steady_clock;
  auto ms_since = [](Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  };
  const auto [began, parse_ms] = clock;
  const auto& rows = std::get<Parsed>(parsed);
  std::unordered_set<std::string> existing;
  std::optional<store::TextFolding> folding;
  // The file's emails folded as the organization's unique key folds them,
  // and those it has registered (false: it is no training provider).
  auto read_registered = [&]() -> awaitable<bool> {
    existing.clear();
    co_return co_await read_provider(api, options.organization_id, existing, [&](store::Tx& t) {
      const auto raw = raw_emails(rows);
      folding.emplace(t, raw, store::TextFolding::Fold::email_key);
      std::vector<std::string> lowered;
      lowered.reserve(raw.size());
      for (const auto& email : raw) {
        if (auto l = folding->lower(email)) lowered.push_back(std::move(*l));
      }
      return lowered;
    });
  };
  if (!co_await read_registered()) co_return not_a_provider(ctx);
  const double prepare_ms = ms_since(began) - parse_ms;
  ChunkQueue queue((rows.rows.size() + kChunkRows - 1) / kChunkRows);
  ImportWriter w;
  auto fresh_writer = [&] {
    w = ImportWriter{};
    w.queue = &queue;
    w.skip_duplicates = options.skip_duplicates;
    w.existing = &existing;
    w.folding = &*folding;
    w.invalid = !errors.empty();  // a record with the wrong number of fields
  };
  fresh_writer();
  const auto pipeline = Clock::now();
  double validate_ms = 0;
  double write_ms = 0;
  bool rows_invalid = false;
  std::optional<store::Conflict> conflict;
  // Each run() sets the I/O thread's log context back as it resumes; the one
  // started second saw it cleared by the first, so the request's is set again.
  const util::LogContext context = util::log_context();
  auto validate = [&]() -> awaitable<void> {
    co_await api.cpu.run([&] {
      validate_chunks(api, rows, queue);
      validate_ms = ms_since(pipeline);
    });
  };
  auto write = [&]() -> awaitable<void> {
    try {
      conflict = co_await transact(api, [&](store::Tx& t) {
        write_chunks(t, w, options.organization_id, rows.rows.size(), keys);
        write_ms = ms_since(pipeline);
      });
    } catch (const RowsInvalid&) {
      rows_invalid = true;
    } catch (...) {
      queue.stop();
      throw;
    }
    queue.stop();
  };
  co_await (validate() && write());
  util::set_log_context(context);
  // An email the organization registered after its emails were read (another
  // import, a single create) is refused by its unique key at the COPY's end,
  // and the transaction rolls back. The rows, all validated by then, are
  // written again against the emails read again, that one now a duplicate of
  // a registered trainee: skipped or listed as the file asks (a coordinator's
  // second import beside the first, both with on_duplicate=skip, was
  // answered 409 and imported nothing).
  for (int attempt = 2; conflict && attempt <= kImportAttempts; ++attempt) {
    util::log("info", "import written again: an email was registered meanwhile",
              {{"attempt", attempt}});
    const bool provider = co_await read_registered();
    util::set_log_context(context);
    if (!provider) co_return not_a_provider(ctx);
    fresh_writer();
    conflict.reset();
    co_await write();
    util::set_log_context(context);
  }
  const double total_ms = ms_since(pipeline);
  if (conflict) co_return problem(ctx, 409, conflict->detail);
  if (rows_invalid) {
    Validated valid = merge_checked(rows.rows.size(), queue.chunks(), errors);
    for (auto& e : w.duplicate_errors) errors.push_back(std::move(e));
    list_errors(errors, valid.unlisted_errors);
    co_return problem(
        ctx, 422, std::to_string(errors.size()) + " problem(s) in the file; nothing was imported",
        errors);
  }
  const std::size_t created = w.kept.size();
  util::log("info", "import",
            {{"rows", created},
             {"parse_ms", parse_ms},
             {"prepare_ms", prepare_ms},
             {"validate_ms", validate_ms},
             {"waiting_for_rows_ms", w.wait_ms},
             {"write_ms", write_ms},
             {"commit_and_index_ms", total_ms - write_ms}});
  figures = import_figures(rows.rows.size(), created, w.duplicates.total);
  const json out = {{"dry_run", false},
                    {"rows", rows.rows.size()},
                    {"created", created},
                    {"duplicates", std::move(w.duplicates.listed)},
                    {"duplicates_total", w.duplicates.total}};
  // The file's rows are freed off the answer's path (about a tenth of the
  // import's service CPU at 100k rows).
  util::dispose_later(std::move(parsed));
  util::dispose_later(std::move(queue.chunks()));
  util::dispose_later(std::move(w));
  util::dispose_later(std::move(keys));
  util::dispose_later(std::move(existing));
  co_return json_response(201, out);
}

}  // namespace

void add_import_routes(http::Router& router, ApiContext& api) {
  router.add("POST", "/v1/trainees/import", handler(api, import_trainees),
             {.body_limit = kImportBodyLimit,
              .roles = role_bit(domain::Role::kAdmin) | role_bit(domain::Role::kTrainingOrg),
              .forbidden = "firms cannot import trainees"});
}

}  // namespace kakehashi::api
