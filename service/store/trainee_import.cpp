// The bulk import of trainees (declared in trainees.hpp): aliases, ids and
// seqs drawn ahead, then COPY into the two tables (skills on the trainee's
// row, migration 0070) in the caller's transaction. The rows are published to
// the change feed as written (Tx::trainees_written), not read back.
#include <algorithm>
#include <charconv>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"
#include "store/trainee_values.hpp"
#include "store/trainees.hpp"
#include "util/crypto.hpp"

namespace kakehashi::store {
namespace {

// Which of a file's folded emails the organization has registered. A small
// file probes the unique key (organization, lower(email) bytewise) for each;
// a large one reads the organization's emails once: in one measurement,
// 270k registered, one email took 1.7 ms probed against 58 ms read whole,
// and 100k emails 0.7-0.8 s probed against the same 58 ms read whole.
constexpr std::size_t kProbedEmails = 1'000;
// The key's twins registered before it (email_key_shared, migration 0111)
// are left out: each has a twin in the key with the same email_key().
constexpr const char* kOrganizationEmailsProbed =
    "SELECT email_key(email) AS email FROM trainee_personal "
    "WHERE organization_id = $1 AND NOT email_key_shared AND (email_key(email) COLLATE \"C\") IN "
    "(SELECT value COLLATE \"C\" FROM jsonb_array_elements_text($2::jsonb))";
constexpr const char* kOrganizationEmails =
    "SELECT email_key(email) AS email FROM trainee_personal "
    "WHERE organization_id = $1 AND NOT email_key_shared";
// A large import may take longer than one statement usually may.
constexpr const char* kImportTimeout = "SET LOCAL statement_timeout = '10min'";
constexpr const char* kTakenAliases = "SELECT alias FROM trainees WHERE alias = ANY($1::text[])";
// The rows' seqs, drawn ahead so that the records published at commit hold
// them (COPY writes a given value into the identity column). The sequence is
// looked up once: pg_get_serial_sequence per row was most of this
// statement's time (0.66 s against 0.04 s for 100k rows in one psql run).
constexpr const char* kDrawSeqs =
    "SELECT nextval(s.sequence) AS seq "
    "FROM (SELECT pg_get_serial_sequence('trainees', 'seq')::regclass AS sequence OFFSET 0) s, "
    "generate_series(1, $1::integer)";
// The transaction's timestamp, as the read path renders it: the rows'
// created_at, updated_at and consent time (the columns' now()).
constexpr const char* kNow = "SELECT to_json(now())#>>'{}' AS now, now()::text AS stamp";
// Trainees held back by a twin's placement (migration 0060): a few; the new
// rows among them are known once their fingerprints are written (the COPY's
// trigger), in this transaction.
constexpr const char* kPlacedElsewhere =
    "SELECT seq FROM trainees WHERE id IN (SELECT trainees_placed_elsewhere())";
// Statistics for the plans that read trainees right after a bulk load (the
// list's pages and filters; another replica's reload, which reads them by
// seq): the relation's size and the columns those plans filter and sort on.
// The other texts and arrays (a full ANALYZE took 4x as long) are left to
// autovacuum.
constexpr const char* kAnalyze =
    "ANALYZE trainees (id, seq, organization_id, status, consent_matching, skill_ids, japanese)";
// An import's ANALYZE samples 3,000 rows (statistics target 10), not 30,000:
// the plans of the reads right after it need the table's size (which the
// planner takes from the relation's pages anyway) and the few values of
// status, consent and language, which ten entries hold whole; the default
// target's sample took a tenth of the database's time on a 100k-row import,
// the small one about a hundredth. Autovacuum analyses the table again at the
// default target soon after (the import changed more than a tenth of it).
constexpr const char* kAnalyzeSample = "SET LOCAL default_statistics_target = 10";

// Rows in COPY's text format, written straight into one buffer and sent many
// lines at a time (libpqxx's stream_to made a string of every field, escaped
// it into another and sent each line on its own: a third of the service's
// work while writing an import).
class CopyText {
 public:
  void text(std::string_view s) {
    separate();
    // Most text needs no escape: appended a run at a time.
    const auto plain = [](char c) {
      return c != '\\' && static_cast<unsigned char>(c) >= 0x20;  // \n \r \t \b \f \v below
    };
    std::size_t from = 0;
    while (from < s.size()) {
      std::size_t to = from;
      while (to < s.size() && plain(s[to])) ++to;
      out_.append(s.substr(from, to - from));
      if (to == s.size()) break;
      escape(s[to]);
      from = to + 1;
    }
  }
  void text(const std::string& s) { text(std::string_view(s)); }
  void text(const std::optional<std::string>& s) {
    if (s) {
      text(*s);
    } else {
      null();
    }
  }
  void integer(std::int64_t v) {
    separate();
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    out_.append(buf, end);
  }
  void integer(const std::optional<int>& v) {
    if (v) {
      integer(static_cast<std::int64_t>(*v));
    } else {
      null();
    }
  }
  void boolean(bool v) {
    separate();
    out_ += v ? "t" : "f";
  }
  void null() {
    separate();
    out_ += "\\N";
  }
  void end_row() {
    out_.push_back('\n');
    first_ = true;
  }
  std::size_t size() const { return out_.size(); }
  // The rows so far, sent as one piece of the COPY's data.
  void send(pqxx::tablewriter& to) {
    if (out_.empty()) return;
    out_.pop_back();  // write_raw_line ends the piece with the newline
    to.write_raw_line(out_);
    out_.clear();
  }

 private:
  // One character of a text as COPY's text format writes it.
  void escape(char c) {
    switch (c) {
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      case '\v':
        out_ += "\\v";
        break;
      default:
        out_.push_back(c);
    }
  }
  void separate() {
    if (!first_) out_.push_back('\t');
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

// libpqxx 6.4's tablewriter is deprecated in favour of stream_to, which
// cannot send rows already in COPY's format; it is the same COPY.
std::unique_ptr<pqxx::tablewriter> copy_into(pqxx::transaction_base& tx, const std::string& table,
                                             const std::vector<std::string>& columns) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  return std::make_unique<pqxx::tablewriter>(tx, table, columns.begin(), columns.end());
#pragma GCC diagnostic pop
}

// Sent once this much is buffered (and at the end of each batch of rows).
// libpqxx copies each piece once more to add its newline: a piece under
// malloc's mmap threshold (128 KiB) reuses the same heap memory each time,
// where a piece of 1 MiB was mapped and unmapped each time, its pages
// faulted in anew (a fifth of a 100k-row import's page faults).
constexpr std::size_t kCopyPiece = 1 << 16;

// Aliases are random; one that is taken already is drawn again (a clash
// with a concurrent writer after this check is a 40-bit coincidence).
std::vector<std::string> draw_aliases(pqxx::transaction_base& tx, std::size_t n) {
  std::vector<std::string> aliases = new_aliases(n);
  for (int round = 0; round < 8; ++round) {
    std::unordered_set<std::string> taken;
    taken.reserve(16);
    for (const auto& r : exec_params(tx, kTakenAliases, pg_text_array(aliases))) {
      taken.insert(r["alias"].as<std::string>());
    }
    std::unordered_set<std::string> seen;
    seen.reserve(aliases.size());
    bool clean = true;
    for (auto& a : aliases) {
      if (taken.count(a) || !seen.insert(a).second) {
        a = new_alias();
        clean = false;
      }
    }
    if (clean) break;
  }
  // In ascending order, like the ids: see copy_trainees.
  std::sort(aliases.begin(), aliases.end());
  return aliases;
}

const std::vector<std::string> kProfileColumns = {"id",
                                                  "seq",
                                                  "organization_id",
                                                  "alias",
                                                  "country",
                                                  "city",
                                                  "timezone",
                                                  "program",
                                                  "japanese",
                                                  "english",
                                                  "certifications",
                                                  "available_from",
                                                  "hours_per_week",
                                                  "rate_amount",
                                                  "rate_currency",
                                                  "domains",
                                                  "engagement",
                                                  "consent_matching",
                                                  "consent_share_abroad",
                                                  "consent_recorded_at",
                                                  "status",
                                                  "work_start",
                                                  "work_end",
                                                  "work_days",
                                                  "bill_rate_multiplier",
                                                  "japanese_certified",
                                                  "japanese_exam_date",
                                                  "bjt_score",
                                                  "skill_ids",
                                                  "skill_levels",
                                                  "skill_years"};

// The one unique index these rows can violate is the email's within the
// organization: one registered since the caller read organization_emails.
void copy_personal(pqxx::transaction_base& tx, const std::string& organization_id,
                   const std::vector<NewTrainee*>& rows, const std::vector<std::string>& ids) {
  try {
    auto out = copy_into(
        tx, "trainee_personal",
        {"trainee_id", "organization_id", "full_name", "email", "phone", "gender", "district"});
    CopyText line;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& d = rows[i]->personal;
      line.text(ids[i]);
      line.text(organization_id);
      line.text(d.full_name);
      line.text(d.email);
      line.text(d.phone);
      line.text(d.gender);
      line.text(d.district);
      line.end_row();
      if (line.size() >= kCopyPiece) line.send(*out);
    }
    line.send(*out);
    out->complete();
  } catch (const pqxx::unique_violation&) {
    // The import reads the registered emails again and writes the rows again
    // (api/import.cpp); this answer is for when they kept coming.
    throw Conflict{
        "trainees with these emails kept being registered while the import ran; nothing was "
        "imported: send the file again, and those registered meanwhile will be found as "
        "duplicates",
        "/email"};
  }
}

}  // namespace

TraineeKeys draw_trainee_keys(Tx& t, std::size_t capacity) {
  auto& tx = t.sql();
  exec(tx, kImportTimeout);  // 200k keys are more than a statement usually does
  TraineeKeys keys;
  keys.aliases = draw_aliases(tx, capacity);
  keys.ids = util::random_uuids(capacity);
  // Random ids (and aliases), handed to the rows in ascending order: each
  // index insert then lands on or next to the leaf page the previous one
  // touched (in cache) rather than on a random page of the whole index, and
  // into an index whose keys all sort below them, on its rightmost page
  // without a descent. Lower-case hex sorts as the uuid's bytes do.
  std::sort(keys.ids.begin(), keys.ids.end());
  keys.seqs.reserve(capacity);
  for (const auto& r : exec_params(tx, kDrawSeqs, static_cast<int>(capacity))) {
    keys.seqs.push_back(r["seq"].as<std::int64_t>());
  }
  if (keys.seqs.size() != capacity) throw std::runtime_error("the sequence drew too few seqs");
  return keys;
}

struct TraineeCopy::Impl {
  Impl(Tx& tx, std::string organization, const TraineeKeys& drawn)
      : t(tx), organization_id(std::move(organization)), keys(drawn) {}
  Tx& t;
  std::string organization_id;
  const TraineeKeys& keys;
  std::string now_json;
  std::string now_stamp;
  std::unique_ptr<pqxx::tablewriter> profiles;
  CopyText lines;
  std::size_t added = 0;
};

TraineeCopy::TraineeCopy(Tx& t, const std::string& organization_id, const TraineeKeys& keys)
    : impl_(std::make_unique<Impl>(t, organization_id, keys)) {
  auto& tx = t.sql();
  auto& m = *impl_;
  exec(tx, kImportTimeout);
  const auto now = exec1(tx, kNow);
  m.now_json = now["now"].as<std::string>();
  m.now_stamp = now["stamp"].as<std::string>();
  m.profiles = copy_into(tx, "trainees", kProfileColumns);
}

TraineeCopy::~TraineeCopy() = default;

void TraineeCopy::add(NewTrainee& row) {
  auto& m = *impl_;
  if (m.added == m.keys.size()) throw std::logic_error("more rows than the import drew keys for");
  const std::size_t i = m.added++;
  auto& p = row.profile;
  as_stored(p);
  const auto skills = skill_arrays(p);
  // The consent time the database requires of a new row (migration 0099
  // refuses any other).
  const std::optional<std::string> consent_at =
      p.consent_matching || p.consent_share_abroad ? std::optional(m.now_stamp) : std::nullopt;
  auto& l = m.lines;
  l.text(m.keys.ids[i]);
  l.integer(m.keys.seqs[i]);
  l.text(m.organization_id);
  l.text(m.keys.aliases[i]);
  l.text(p.country);
  l.text(p.city);
  l.text(p.timezone);
  l.text(p.program);
  l.text(p.japanese);
  l.text(p.english);
  l.text(p.certifications_json);
  l.text(p.available_from);
  l.integer(p.hours_per_week);
  l.text(rate_amount(p));
  l.text(rate_currency(p));
  l.text(pg_text_array(p.domains));
  l.text(pg_text_array(p.engagement));
  l.boolean(p.consent_matching);
  l.boolean(p.consent_share_abroad);
  l.text(consent_at);
  l.text(p.status);
  l.text(p.work_start);
  l.text(p.work_end);
  l.text(pg_text_array(p.work_days));
  l.text(decimal_text(p.bill_rate_multiplier));
  l.boolean(p.japanese_certified);
  l.text(p.japanese_exam_date);
  l.integer(p.bjt_score);
  l.text(skills.ids);
  l.text(skills.levels);
  l.text(skills.years);
  l.end_row();
  if (l.size() >= kCopyPiece) l.send(*m.profiles);
}

void TraineeCopy::flush() { impl_->lines.send(*impl_->profiles); }

namespace {

// The rows as a read after the commit would find them (trainee_from), but
// for placed_elsewhere, which the database works out last. The profiles move
// into the records; undo() moves them back, for a transaction retried after
// a deadlock writes the kept rows again.
class WrittenRecords {
 public:
  // A large batch is built on a second thread while the database writes the
  // personal rows (the service only waits on it meanwhile); a small one when
  // taken.
  static constexpr std::size_t kAside = 2'000;

  struct Drawn {  // what the import drew ahead for the rows
    const std::string& organization_id;
    const std::vector<std::string>& ids;
    const std::vector<std::int64_t>& seqs;
    const std::vector<std::string>& aliases;
    const std::string& now_json;
  };

  WrittenRecords(Drawn drawn, const std::vector<NewTrainee*>& rows) : drawn_(drawn), rows_(rows) {
    if (rows.size() < kAside) return;
    try {
      thread_ = std::thread([this] { build(); });
      aside_ = true;
    } catch (const std::system_error&) {
      // no thread to spare: built when taken
    }
  }
  ~WrittenRecords() { join(); }
  WrittenRecords(const WrittenRecords&) = delete;
  WrittenRecords& operator=(const WrittenRecords&) = delete;

  std::vector<domain::TraineeRecord> take() {
    join();
    if (!aside_) build();
    if (error_) std::rethrow_exception(error_);
    return std::move(records_);
  }
  void undo() {
    join();
    for (std::size_t i = 0; i < records_.size(); ++i) {
      rows_[i]->profile = std::move(records_[i].profile);
    }
    records_.clear();
  }

 private:
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  // Each record move-constructed from its row's profile as it is added (a
  // vector of default records, assigned over, touched 100 MB on the database
  // thread at 100k rows and made and dropped the default profile's strings).
  void build() {
    try {
      records_.reserve(rows_.size());
      for (std::size_t i = records_.size(); i < rows_.size(); ++i) {
        const bool consented =
            rows_[i]->profile.consent_matching || rows_[i]->profile.consent_share_abroad;
        auto& r =
            records_.emplace_back(domain::TraineeRecord{.id = drawn_.ids[i],
                                                        .seq = drawn_.seqs[i],
                                                        .organization_id = drawn_.organization_id,
                                                        .alias = drawn_.aliases[i],
                                                        .personal = std::nullopt,
                                                        .profile = std::move(rows_[i]->profile),
                                                        .version = 1,
                                                        .created_at = drawn_.now_json,
                                                        .updated_at = drawn_.now_json});
        r.profile.consent_recorded_at = consented ? std::optional(drawn_.now_json) : std::nullopt;
      }
    } catch (...) {
      error_ = std::current_exception();
    }
  }

  Drawn drawn_;
  const std::vector<NewTrainee*>& rows_;
  std::vector<domain::TraineeRecord> records_;  // [i] holds rows_[i]'s profile
  std::exception_ptr error_;
  std::thread thread_;
  bool aside_ = false;
};

}  // namespace

std::vector<std::string> TraineeCopy::finish(const std::vector<NewTrainee*>& rows, bool analyze) {
  auto& m = *impl_;
  if (rows.size() != m.added) throw std::logic_error("finish() takes the rows added");
  m.lines.send(*m.profiles);
  m.profiles->complete();
  m.profiles.reset();
  auto& tx = m.t.sql();
  std::vector<std::string> ids(m.keys.ids.begin(),
                               m.keys.ids.begin() + static_cast<std::ptrdiff_t>(m.added));
  // copy_personal reads the rows' personal parts, the builder moves their
  // profiles: no member is touched by both.
  WrittenRecords records({m.organization_id, ids, m.keys.seqs, m.keys.aliases, m.now_json}, rows);
  std::unordered_set<std::int64_t> placed;
  std::vector<domain::TraineeRecord> written;
  try {
    copy_personal(tx, m.organization_id, rows, ids);
    for (const auto& r : exec(tx, kPlacedElsewhere)) placed.insert(r["seq"].as<std::int64_t>());
    if (analyze) {
      exec(tx, kAnalyzeSample);
      exec(tx, kAnalyze);
    }
    written = records.take();  // (a failure of the build gives the profiles back too)
  } catch (...) {
    records.undo();
    throw;
  }
  for (auto& r : written) r.profile.placed_elsewhere = placed.count(r.seq) > 0;
  m.t.trainees_written(std::move(written));
  return ids;
}

std::vector<std::string> copy_trainees(Tx& t, const std::string& organization_id,
                                       std::vector<NewTrainee>& rows, bool analyze) {
  const TraineeKeys keys = draw_trainee_keys(t, rows.size());
  TraineeCopy copy(t, organization_id, keys);
  std::vector<NewTrainee*> added;
  added.reserve(rows.size());
  for (auto& r : rows) {
    copy.add(r);
    added.push_back(&r);
  }
  return copy.finish(added, analyze);
}

void analyze_trainees(Tx& t) { exec(t.sql(), kAnalyze); }

namespace {

constexpr const char* kLowerText = "SELECT lower($1) AS lowered";
constexpr const char* kLowerTexts =
    "SELECT lower(value) AS lowered FROM jsonb_array_elements_text($1::jsonb) "
    "WITH ORDINALITY AS t(value, n) ORDER BY n";
constexpr const char* kEmailKeys =
    "SELECT email_key(value) AS lowered FROM jsonb_array_elements_text($1::jsonb) "
    "WITH ORDINALITY AS t(value, n) ORDER BY n";

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// A JSON array of strings (valid UTF-8 in, as validation guarantees).
std::string json_strings(const std::vector<std::string>& texts) {
  std::string out = "[";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (const unsigned char c : texts[i]) {
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('"');
  }
  out.push_back(']');
  return out;
}

bool printable_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
}

}  // namespace

TextFolding::TextFolding(Tx& t, const std::vector<std::string>& texts, Fold fold) {
  // An ASCII text folds here when the database folds printable ASCII as
  // plain A-Z to a-z (not so under a Turkish collation: 'I' to dotless i);
  // the rest go to the database's lower() or email_key() (which is lower()
  // for ASCII). A 100k-row import's emails are mostly ASCII: sending them
  // all there took about half a second.
  std::string probe;
  for (char c = 0x20; c < 0x7f; ++c) probe.push_back(c);
  std::string expected = probe;
  for (auto& c : expected) c = ascii_lower(c);
  ascii_folds_ = exec_params1(t.sql(), kLowerText, probe)["lowered"].as<std::string>() == expected;
  std::vector<std::string> rest;
  std::unordered_set<std::string> seen;
  for (const auto& text : texts) {
    if (!(ascii_folds_ && printable_ascii(text)) && seen.insert(text).second) rest.push_back(text);
  }
  if (rest.empty()) return;
  std::size_t k = 0;
  for (const auto& r : exec_params(t.sql(), fold == Fold::email_key ? kEmailKeys : kLowerTexts,
                                   json_strings(rest))) {
    folded_.emplace(rest[k++], r["lowered"].as<std::string>());
  }
}

std::optional<std::string> TextFolding::lower(const std::string& text) const {
  if (ascii_folds_ && printable_ascii(text)) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) out.push_back(ascii_lower(c));
    return out;
  }
  const auto it = folded_.find(text);
  if (it == folded_.end()) return std::nullopt;
  return it->second;
}

std::unordered_set<std::string> organization_emails(Tx& t, const std::string& organization_id,
                                                    const std::vector<std::string>& lowered) {
  std::unordered_set<std::string> out;
  if (lowered.empty()) return out;
  if (lowered.size() > kProbedEmails) {
    for (const auto& r : exec_params(t.sql(), kOrganizationEmails, organization_id)) {
      out.insert(r["email"].as<std::string>());
    }
    return out;
  }
  std::vector<std::string> distinct;
  {
    std::unordered_set<std::string_view> seen;
    seen.reserve(lowered.size());
    for (const auto& e : lowered) {
      if (seen.insert(e).second) distinct.push_back(e);
    }
  }
  for (const auto& r :
       exec_params(t.sql(), kOrganizationEmailsProbed, organization_id, json_strings(distinct))) {
    out.insert(r["email"].as<std::string>());
  }
  return out;
}

std::vector<std::string> email_keys(Tx& t, const std::vector<std::string>& emails) {
  const TextFolding folding(t, emails, TextFolding::Fold::email_key);
  std::vector<std::string> out;
  out.reserve(emails.size());
  for (const auto& email : emails) out.push_back(*folding.lower(email));
  return out;
}

}  // namespace kakehashi::store
