#include "store/accounts.hpp"

#include <pqxx/pqxx>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kPersonColumns =
    "p.id, p.organization_id, p.email, p.name, p.role, p.totp_enabled, p.version, "
    "to_json(p.created_at)#>>'{}' AS created_at";

const std::string kInsertPerson =
    std::string(
        "INSERT INTO people AS p (organization_id, email, name, role, password_hash) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING ") +
    kPersonColumns;
const std::string kSelectPerson =
    std::string("SELECT ") + kPersonColumns + " FROM people p WHERE p.id = $1";
const std::string kCredentialsSelect =
    std::string("SELECT ") + kPersonColumns +
    ", p.password_hash, p.totp_secret, p.totp_last_step FROM people p ";
const std::string kCredentialsByEmail = kCredentialsSelect + "WHERE p.email = $1";
const std::string kCredentialsById = kCredentialsSelect + "WHERE p.id = $1";
const std::string kListPeople = std::string("SELECT ") + kPersonColumns +
                                " FROM people p WHERE p.organization_id = $1 "
                                "ORDER BY p.created_at, p.id";
const std::string kUpdatePersonRole =
    std::string(
        "UPDATE people p SET role = $3, version = version + 1, updated_at = now() "
        "WHERE p.id = $2 AND p.organization_id = $1 RETURNING ") +
    kPersonColumns;
constexpr const char* kDeletePerson = "DELETE FROM people WHERE id = $2 AND organization_id = $1";
constexpr const char* kRehashPassword =
    "UPDATE people SET password_hash = $3 WHERE id = $1 AND password_hash = $2";

constexpr const char* kInvitationColumns =
    "id, organization_id, email, role, invited_by, to_json(created_at)#>>'{}' AS created_at, "
    "to_json(expires_at)#>>'{}' AS expires_at";
constexpr const char* kEmailIsMember =
    "SELECT 1 FROM people WHERE email = lower($1) AND organization_id = $2";
constexpr const char* kDeleteOpenInvitation =
    "DELETE FROM invitations WHERE organization_id = $1 AND email = lower($2) "
    "AND accepted_at IS NULL";
const std::string kInsertInvitation =
    std::string(
        "INSERT INTO invitations (organization_id, email, role, token_sha256, invited_by, "
        " expires_at, invited_by_person, invited_by_key) "
        "VALUES ($1, lower($2), $3, $4, $5, now() + make_interval(secs => $6), $7, $8) "
        "RETURNING ") +
    kInvitationColumns;
const std::string kListInvitations =
    std::string("SELECT ") + kInvitationColumns +
    " FROM invitations WHERE organization_id = $1 AND accepted_at IS NULL AND expires_at > now() "
    "ORDER BY created_at, id";
constexpr const char* kDeleteInvitation =
    "DELETE FROM invitations WHERE id = $2 AND organization_id = $1 AND accepted_at IS NULL";
const std::string kTakeInvitation =
    std::string(
        "UPDATE invitations SET accepted_at = now() WHERE token_sha256 = $1 "
        " AND accepted_at IS NULL AND expires_at > now() RETURNING ") +
    kInvitationColumns;

constexpr const char* kOpenInvitationEmail =
    "SELECT email FROM invitations WHERE token_sha256 = $1 AND accepted_at IS NULL "
    " AND expires_at > now()";

constexpr const char* kInsertSession =
    "INSERT INTO sessions (person_id, token_sha256, expires_at) "
    "VALUES ($1, $2, now() + make_interval(secs => $3)) "
    "RETURNING to_json(expires_at)#>>'{}' AS expires_at";
const std::string kSelectSession =
    std::string(
        "SELECT s.id AS session_id, to_json(s.expires_at)#>>'{}' AS expires_at, "
        " o.kind AS organization_kind, ") +
    kPersonColumns +
    " FROM sessions s JOIN people p ON p.id = s.person_id "
    " JOIN organizations o ON o.id = p.organization_id "
    "WHERE s.token_sha256 = $1 AND s.expires_at > now()";
constexpr const char* kDeleteSession = "DELETE FROM sessions WHERE token_sha256 = $1";
constexpr const char* kDeleteSessionsOf = "DELETE FROM sessions WHERE person_id = $1";

// One statement: the row lock orders attempts at once, each gets its own
// number; a locked address's attempt is not counted.
constexpr const char* kBeginSignIn =
    "INSERT INTO sign_in_failures AS f (email, failures) VALUES ($1, 1) "
    "ON CONFLICT (email) DO UPDATE SET "
    " failures = f.failures + CASE WHEN f.locked_until > now() THEN 0 ELSE 1 END, "
    " last_at = now() "
    "RETURNING failures, allowed, CASE WHEN locked_until > now() "
    " THEN ceil(extract(epoch FROM locked_until - now()))::bigint END AS wait";
// The lock: 30 s once `free` failures are reached, doubling with each
// further one, at most 15 minutes. When it runs out, the next attempt is
// checked (allowed: one more than those counted while it held).
constexpr const char* kLockSignIn =
    "UPDATE sign_in_failures SET locked_until = now() + make_interval(secs => "
    " least(900, 30 * power(2, least($2::int, 10)))), allowed = failures + 1 WHERE email = $1 "
    "RETURNING ceil(extract(epoch FROM locked_until - now()))::bigint AS wait";
constexpr const char* kClearSignInFailures = "DELETE FROM sign_in_failures WHERE email = $1";
constexpr const char* kUncountSignIn =
    "UPDATE sign_in_failures SET failures = failures - 1 WHERE email = $1 AND failures > 1";
constexpr const char* kDropUncountedSignIn =
    "DELETE FROM sign_in_failures WHERE email = $1 AND failures = 1 AND locked_until IS NULL";

constexpr const char* kDeviceOf =
    "SELECT d.id FROM sign_in_devices d JOIN people p ON p.id = d.person_id "
    "WHERE d.token_sha256 = $1 AND d.expires_at > now() AND p.email = $2";
constexpr const char* kRememberDevice =
    "INSERT INTO sign_in_devices (person_id, token_sha256, expires_at) "
    "VALUES ($1, $2, now() + make_interval(secs => $3))";
constexpr const char* kForgetOldDevices =
    "DELETE FROM sign_in_devices WHERE person_id = $1 AND id NOT IN ("
    " SELECT id FROM sign_in_devices WHERE person_id = $1 "
    " ORDER BY created_at DESC, id DESC LIMIT $2)";
constexpr const char* kPurgeDevices = "DELETE FROM sign_in_devices WHERE expires_at <= now()";

constexpr const char* kSetTotpSecret =
    "UPDATE people SET totp_secret = $2, totp_enabled = false, totp_last_step = NULL, "
    " version = version + 1, updated_at = now() WHERE id = $1 AND NOT totp_enabled";
constexpr const char* kEnableTotp =
    "UPDATE people SET totp_enabled = true, totp_last_step = $2, version = version + 1, "
    " updated_at = now() WHERE id = $1 AND totp_secret IS NOT NULL";
constexpr const char* kDisableTotp =
    "UPDATE people SET totp_enabled = false, totp_secret = NULL, totp_last_step = NULL, "
    " version = version + 1, updated_at = now() WHERE id = $1";
constexpr const char* kAcceptTotpStep =
    "UPDATE people SET totp_last_step = $2 WHERE id = $1 "
    " AND (totp_last_step IS NULL OR totp_last_step < $2)";

constexpr const char* kPurgeSessions = "DELETE FROM sessions WHERE expires_at <= now()";
constexpr const char* kPurgeInvitations =
    "DELETE FROM invitations WHERE expires_at <= now() "
    " OR accepted_at < now() - interval '1 day'";
constexpr const char* kPurgeSignInFailures =
    "DELETE FROM sign_in_failures WHERE last_at < now() - interval '1 day' "
    " AND (locked_until IS NULL OR locked_until <= now())";

// Names of the prepared statements (account_statements()).
constexpr const char* kFindSession = "find_session";

PersonRow person_from(const pqxx::row& r) {
  PersonRow p;
  p.id = r["id"].as<std::string>();
  p.organization_id = r["organization_id"].as<std::string>();
  p.email = r["email"].as<std::string>();
  p.name = r["name"].as<std::string>();
  p.role = r["role"].as<std::string>();
  p.totp_enabled = r["totp_enabled"].as<bool>();
  p.version = r["version"].as<std::int64_t>();
  p.created_at = r["created_at"].as<std::string>();
  return p;
}

PersonCredentials credentials_from(const pqxx::row& r) {
  PersonCredentials c;
  c.person = person_from(r);
  c.password_hash = r["password_hash"].as<std::string>();
  if (!r["totp_secret"].is_null()) {
    const pqxx::binarystring bytes(r["totp_secret"]);
    c.totp_secret = bytes.str();
  }
  c.totp_last_step = opt<std::int64_t>(r["totp_last_step"]);
  return c;
}

InvitationRow invitation_from(const pqxx::row& r) {
  InvitationRow i;
  i.id = r["id"].as<std::string>();
  i.organization_id = r["organization_id"].as<std::string>();
  i.email = r["email"].as<std::string>();
  i.role = r["role"].as<std::string>();
  i.invited_by = r["invited_by"].as<std::string>();
  i.created_at = r["created_at"].as<std::string>();
  i.expires_at = r["expires_at"].as<std::string>();
  return i;
}

// A role the organization cannot have (the people_check_role trigger).
[[noreturn]] void role_does_not_fit() {
  throw Conflict{"administrators are the programme office's people, and only they are", "/role"};
}

}  // namespace

PersonRow insert_person(Tx& t, const NewPerson& p) {
  try {
    pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(t.sql()), "insert_person");
    auto row = person_from(exec_params1(sub, kInsertPerson, p.organization_id, p.email, p.name,
                                        p.role, p.password_hash));
    sub.commit();
    return row;
  } catch (const pqxx::unique_violation&) {
    throw Conflict{"an account with this email exists", "/email"};
  } catch (const pqxx::check_violation&) {
    role_does_not_fit();
  }
}

std::optional<PersonRow> find_person(Tx& t, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  const auto r = exec_params(t.sql(), kSelectPerson, id);
  if (r.empty()) return std::nullopt;
  return person_from(r[0]);
}

std::optional<PersonCredentials> find_credentials_by_email(Tx& t, const std::string& email) {
  const auto r = exec_params(t.sql(), kCredentialsByEmail, email);
  if (r.empty()) return std::nullopt;
  return credentials_from(r[0]);
}

std::optional<PersonCredentials> find_credentials(Tx& t, const std::string& person_id) {
  if (!is_uuid(person_id)) return std::nullopt;
  const auto r = exec_params(t.sql(), kCredentialsById, person_id);
  if (r.empty()) return std::nullopt;
  return credentials_from(r[0]);
}

std::vector<PersonRow> list_people(Tx& t, const std::string& organization_id) {
  std::vector<PersonRow> out;
  for (const auto& r : exec_params(t.sql(), kListPeople, organization_id)) {
    out.push_back(person_from(r));
  }
  return out;
}

// An organization with owners keeps one: its owners are locked first (two
// owners demoting each other at once wait for each other), and a change that
// leaves none is refused.
constexpr const char* kLockOwners =
    "SELECT id FROM people WHERE organization_id = $1 AND role = 'owner' ORDER BY id FOR UPDATE";
constexpr const char* kCountOwners =
    "SELECT count(*) AS n FROM people WHERE organization_id = $1 AND role = 'owner'";

// Locks the organization's owners; true when `id` is one of them.
bool lock_owners(Tx& t, const std::string& organization_id, const std::string& id) {
  bool owner = false;
  for (const auto& r : exec_params(t.sql(), kLockOwners, organization_id)) {
    owner = owner || r["id"].as<std::string>() == id;
  }
  return owner;
}

void keep_an_owner(Tx& t, const std::string& organization_id) {
  if (exec_params1(t.sql(), kCountOwners, organization_id)["n"].as<long>() == 0) {
    throw Conflict{"an organization keeps at least one owner: make another person owner first",
                   "/role"};
  }
}

std::optional<PersonRow> update_person_role(Tx& t, const std::string& organization_id,
                                            const std::string& id, const std::string& role) {
  if (!is_uuid(id)) return std::nullopt;
  const bool owner = lock_owners(t, organization_id, id);
  pqxx::result r;
  try {
    pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(t.sql()), "update_person_role");
    r = exec_params(sub, kUpdatePersonRole, organization_id, id, role);
    sub.commit();
  } catch (const pqxx::check_violation&) {
    role_does_not_fit();
  }
  if (r.empty()) return std::nullopt;
  if (owner) keep_an_owner(t, organization_id);
  return person_from(r[0]);
}

bool delete_person(Tx& t, const std::string& organization_id, const std::string& id) {
  if (!is_uuid(id)) return false;
  const bool owner = lock_owners(t, organization_id, id);
  const bool deleted = exec_params(t.sql(), kDeletePerson, organization_id, id).affected_rows() > 0;
  if (deleted && owner) keep_an_owner(t, organization_id);
  return deleted;
}

bool rehash_password(Tx& t, const std::string& person_id, const std::string& old_hash,
                     const std::string& new_hash) {
  return exec_params(t.sql(), kRehashPassword, person_id, old_hash, new_hash).affected_rows() > 0;
}

std::optional<InvitationRow> insert_invitation(Tx& t, const std::string& organization_id,
                                               const std::string& email, const std::string& role,
                                               const std::string& token_sha256, const Inviter& by,
                                               std::int64_t ttl_seconds) {
  // An account elsewhere is not named: an owner would learn which addresses
  // other organizations' people use. Its invitee learns it on acceptance
  // (409: one person, one account).
  if (!exec_params(t.sql(), kEmailIsMember, email, organization_id).empty()) {
    throw Conflict{"this email is already a member of the organization", "/email"};
  }
  exec_params(t.sql(), kDeleteOpenInvitation, organization_id, email);
  try {
    pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(t.sql()), "insert_invitation");
    auto row =
        invitation_from(exec_params1(sub, kInsertInvitation, organization_id, email, role,
                                     token_sha256, by.label, ttl_seconds, by.person_id, by.key_id));
    sub.commit();
    return row;
  } catch (const pqxx::insufficient_privilege&) {
    return std::nullopt;  // 0106: the inviter was demoted, removed or revoked meanwhile
  } catch (const pqxx::unique_violation&) {
    // Another invitation to the address was made at the same moment.
    throw Conflict{"an invitation to this email is being made", "/email"};
  } catch (const pqxx::check_violation&) {
    role_does_not_fit();
  }
}

std::vector<InvitationRow> list_invitations(Tx& t, const std::string& organization_id) {
  std::vector<InvitationRow> out;
  for (const auto& r : exec_params(t.sql(), kListInvitations, organization_id)) {
    out.push_back(invitation_from(r));
  }
  return out;
}

bool delete_invitation(Tx& t, const std::string& organization_id, const std::string& id) {
  if (!is_uuid(id)) return false;
  return exec_params(t.sql(), kDeleteInvitation, organization_id, id).affected_rows() > 0;
}

std::optional<std::string> open_invitation_email(Tx& t, const std::string& token_sha256) {
  const auto r = exec_params(t.sql(), kOpenInvitationEmail, token_sha256);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

std::optional<InvitationRow> take_invitation(Tx& t, const std::string& token_sha256) {
  const auto r = exec_params(t.sql(), kTakeInvitation, token_sha256);
  if (r.empty()) return std::nullopt;
  return invitation_from(r[0]);
}

std::string insert_session(Tx& t, const std::string& person_id, const std::string& token_sha256,
                           std::int64_t ttl_seconds) {
  return exec_params1(t.sql(), kInsertSession, person_id, token_sha256, ttl_seconds)["expires_at"]
      .as<std::string>();
}

std::optional<SessionLookup> find_session(Tx& t, const std::string& token_sha256) {
  const auto r = exec_prepared(t.sql(), kFindSession, token_sha256);
  if (r.empty()) return std::nullopt;
  SessionLookup s;
  s.session_id = r[0]["session_id"].as<std::string>();
  s.expires_at = r[0]["expires_at"].as<std::string>();
  s.organization_kind = r[0]["organization_kind"].as<std::string>();
  s.person = person_from(r[0]);
  return s;
}

bool delete_session(Tx& t, const std::string& token_sha256) {
  return exec_params(t.sql(), kDeleteSession, token_sha256).affected_rows() > 0;
}

std::size_t delete_sessions_of(Tx& t, const std::string& person_id) {
  return exec_params(t.sql(), kDeleteSessionsOf, person_id).affected_rows();
}

SignInAttempt begin_sign_in(Tx& t, const std::string& email, int free_failures) {
  SignInAttempt out;
  const auto r = exec_params1(t.sql(), kBeginSignIn, email);
  out.attempt = r["failures"].as<int>();
  if (!r["wait"].is_null()) {
    out.wait = std::max<std::int64_t>(1, r["wait"].as<std::int64_t>());
    return out;
  }
  const int allowed = r["allowed"].is_null() ? free_failures : r["allowed"].as<int>();
  if (out.attempt > allowed) {
    // The attempts allowed are taken by others still running: locked now.
    const auto locked = exec_params1(t.sql(), kLockSignIn, email, out.attempt - 1 - free_failures);
    out.wait = std::max<std::int64_t>(1, locked["wait"].as<std::int64_t>());
  }
  return out;
}

void sign_in_failed(Tx& t, const std::string& email, int attempt, int free_failures) {
  if (attempt >= free_failures) exec_params(t.sql(), kLockSignIn, email, attempt - free_failures);
}

void sign_in_not_counted(Tx& t, const std::string& email) {
  // This attempt alone (and no lock): the row goes; otherwise one less. In
  // this order, so that a count of 2 becomes 1, not nothing.
  exec_params(t.sql(), kDropUncountedSignIn, email);
  exec_params(t.sql(), kUncountSignIn, email);
}

void clear_sign_in_failures(Tx& t, const std::string& email) {
  exec_params(t.sql(), kClearSignInFailures, email);
}

std::optional<std::string> device_of(Tx& t, const std::string& token_sha256,
                                     const std::string& email) {
  const auto r = exec_params(t.sql(), kDeviceOf, token_sha256, email);
  if (r.empty()) return std::nullopt;
  return r[0]["id"].as<std::string>();
}

// Not an email (no '@'), so no address's count is a device's.
std::string device_key(const std::string& device_id) { return "device:" + device_id; }

void remember_device(Tx& t, const std::string& person_id, const std::string& token_sha256,
                     std::int64_t ttl_seconds) {
  exec_params(t.sql(), kRememberDevice, person_id, token_sha256, ttl_seconds);
  exec_params(t.sql(), kForgetOldDevices, person_id, kMaxDevices);
}

bool set_totp_secret(Tx& t, const std::string& person_id, const std::string& secret) {
  const pqxx::binarystring bytes(secret.data(), secret.size());
  return exec_params(t.sql(), kSetTotpSecret, person_id, bytes).affected_rows() > 0;
}

bool enable_totp(Tx& t, const std::string& person_id, std::int64_t step) {
  return exec_params(t.sql(), kEnableTotp, person_id, step).affected_rows() > 0;
}

bool disable_totp(Tx& t, const std::string& person_id) {
  return exec_params(t.sql(), kDisableTotp, person_id).affected_rows() > 0;
}

bool accept_totp_step(Tx& t, const std::string& person_id, std::int64_t step) {
  return exec_params(t.sql(), kAcceptTotpStep, person_id, step).affected_rows() > 0;
}

AccountsPurged purge_expired_sessions_and_invitations(Tx& t) {
  AccountsPurged out;
  out.sessions = exec(t.sql(), kPurgeSessions).affected_rows();
  out.invitations = exec(t.sql(), kPurgeInvitations).affected_rows();
  out.sign_in_failures = exec(t.sql(), kPurgeSignInFailures).affected_rows();
  out.devices = exec(t.sql(), kPurgeDevices).affected_rows();
  return out;
}

std::vector<PreparedStatement> account_statements() { return {{kFindSession, kSelectSession}}; }

}  // namespace kakehashi::store
