// Repositories for trainees: the profile, the personal data kept apart from
// it, their skills, the bulk import, and the loads the matcher's index makes.
// Each function runs on a transaction the caller holds (on the database
// executor); the SQL lives in trainees.cpp and trainee_import.cpp as named
// constants.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "domain/trainee.hpp"
#include "store/conflict.hpp"
#include "store/database.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

// Inserts a trainee with a fresh alias; returns its id. Throws Conflict on a
// duplicate email within the organization.
std::string insert_trainee(Tx& t, const std::string& organization_id,
                           const domain::PersonalData& personal,
                           const domain::TraineeProfile& profile);
std::optional<domain::TraineeRecord> find_trainee(Tx& t, const std::string& id);
// Replaces a trainee's data if its version is still `expected_version`
// (nullopt: any). Returns false when the version moved on. The writer is
// named for the audit event the database records when consent changes.
struct Writer {
  std::string key_id;  // empty for a person
  std::string organization_id;
  std::string role;
  std::string person_id;  // empty for an API key
  std::string label;      // the person's name or the key's label
};
bool update_trainee(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version,
                    const std::optional<domain::PersonalData>& personal,
                    const domain::TraineeProfile& profile, const Writer& writer);
// Deletes the personal data and marks the profile erased.
bool erase_trainee(Tx& t, const std::string& id, std::optional<std::int64_t> expected_version);
std::vector<domain::TraineeRecord> list_trainees(Tx& t, const domain::TraineeFilter& filter);

// --- the read of GET /v1/trainees/{id}, many trainees in one statement ---
// A trainee's fields as PostgreSQL writes them (text), views into the result
// that live only during the callback: rendered without copies. The lists are
// folded: domains, engagement and work days one a line, the skills' ids,
// levels and years each comma-separated in one order (an empty item: no years).
struct TraineeView {
  using Text = std::optional<std::string_view>;  // nullopt: SQL NULL
  std::string_view id, organization_id, alias, status, version, created_at, updated_at;
  bool has_personal = false;
  Text full_name, email, phone, gender, district;
  Text country, city, timezone, program, japanese, english;
  std::string_view certifications;  // JSON
  Text available_from, hours_per_week, rate_amount, rate_currency;
  std::string_view domains, engagement;
  bool consent_matching = false, consent_share_abroad = false;
  Text consent_recorded_at;
  std::string_view work_start, work_end, work_days;
  Text bill_rate_multiplier;
  bool japanese_certified = false;
  Text japanese_exam_date, bjt_score;
  std::string_view skill_ids, skill_levels, skill_years;
};
// Reads the trainees with these ids (uuids; others must be left out by the
// caller) in one indexed statement: the profile row and its personal data, no
// more. Calls `each` once per trainee found, in no particular order.
void read_trainee_views(Tx& t, const std::vector<std::string>& ids,
                        const std::function<void(const TraineeView&)>& each);

// --- bulk import ---
using NewTrainee = domain::NewTrainee;
// Those of `keys` (emails as email_key() reads them) that a trainee of the
// organization has (for more than a thousand, every email of the
// organization): the file's duplicates of registered trainees.
std::unordered_set<std::string> organization_emails(Tx& t, const std::string& organization_id,
                                                    const std::vector<std::string>& keys);
// email_key() of each email, in order: the organization's unique email key
// (migration 0111: full-width ASCII as ASCII, Unicode NFC, lower()).
// Printable ASCII is folded here when the database folds it as A-Z to a-z.
std::vector<std::string> email_keys(Tx& t, const std::vector<std::string>& emails);
// How the database folds texts known ahead: lower() (Unicode case), or
// email_key() for trainees' emails (lower() of ASCII). Printable ASCII is
// folded here when the database folds it as A-Z to a-z, the other texts by
// the database once, when this is made.
class TextFolding {
 public:
  enum class Fold { lower, email_key };
  TextFolding(Tx& t, const std::vector<std::string>& texts, Fold fold = Fold::lower);
  // The folded text for a printable ASCII text or one of those given;
  // nullopt for another.
  std::optional<std::string> lower(const std::string& text) const;

 private:
  bool ascii_folds_ = false;
  std::unordered_map<std::string, std::string> folded_;
};

// The keys of up to `capacity` new trainees, drawn ahead of their COPY (an
// import draws them while its file is parsed, in a transaction of their own):
// random ids and aliases, each in ascending order, no alias taken when drawn,
// and seqs from the table's sequence (those left unused are gaps in it).
struct TraineeKeys {
  std::vector<std::string> ids;
  std::vector<std::string> aliases;
  std::vector<std::int64_t> seqs;
  std::size_t size() const { return ids.size(); }
};
TraineeKeys draw_trainee_keys(Tx& t, std::size_t capacity);

// A bulk import written while its rows arrive, in the caller's transaction:
// the profiles go into one COPY, open from construction to finish() (no
// other statement can run on the transaction meanwhile), the personal rows
// into a second COPY at finish(). The rows take `keys` in order (at most
// keys.size() rows; the keys outlive the copy). A transaction that does not
// reach finish() must be rolled back (throw out of the work).
class TraineeCopy {
 public:
  TraineeCopy(Tx& t, const std::string& organization_id, const TraineeKeys& keys);
  ~TraineeCopy();
  TraineeCopy(const TraineeCopy&) = delete;
  TraineeCopy& operator=(const TraineeCopy&) = delete;
  // Writes the next row's profile (made as_stored first; the row is kept by
  // the caller and handed to finish()).
  void add(NewTrainee& row);
  // Sends the rows added so far (they are sent in pieces otherwise): before
  // waiting for more, so that the database is not kept waiting.
  void flush();
  // `rows` are the rows added, in order (the caller's, which it keeps: their
  // profiles move into the records published, and back if this throws).
  // Writes their personal data and publishes them as copy_trainees does;
  // returns their ids. Throws Conflict when an email was registered meanwhile.
  std::vector<std::string> finish(const std::vector<NewTrainee*>& rows, bool analyze);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
// Writes the rows with COPY in the caller's transaction; returns their ids.
// Throws Conflict when an email was registered meanwhile. Consent timestamps
// are the transaction's (migration 0006's rule, 0095). With `analyze`, fresh
// statistics follow the rows (analyze_trainees). The rows reach the change
// feed as written (the matching index applies them at commit without reading
// them back): their profiles are moved there once every statement has run,
// so a transaction retried after a deadlock never finds them gone.
std::vector<std::string> copy_trainees(Tx& t, const std::string& organization_id,
                                       std::vector<NewTrainee>& rows, bool analyze = false);
// Fresh planner statistics after a large load: the size and the columns the
// reads right after it filter on (in the caller's transaction, or autocommit).
void analyze_trainees(Tx& t);

// --- what the matcher's index loads ---
std::vector<domain::TraineeRecord> find_trainees_by_seq(Tx& t,
                                                        const std::vector<std::int64_t>& seqs);
// Active trainees who consent to matching, in seq order, a page at a time.
std::vector<domain::TraineeRecord> load_matchable_trainees(Tx& t, std::int64_t after_seq,
                                                           int limit);

// The statements above that every connection prepares (part of
// registry_statements()).
std::vector<PreparedStatement> trainee_statements();

}  // namespace kakehashi::store
