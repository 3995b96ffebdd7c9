// Repositories for people's accounts: people, invitations, sessions, failed
// sign-ins and second factors. Secrets never reach this layer in the clear:
// invitation and session tokens arrive as SHA-256 hex, passwords as Argon2id
// hashes. The SQL lives in accounts.cpp as named constants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/conflict.hpp"
#include "store/database.hpp"
#include "store/transaction.hpp"

namespace kakehashi::store {

struct PersonRow {
  std::string id;
  std::string organization_id;
  std::string email;
  std::string name;
  std::string role;
  bool totp_enabled = false;
  std::int64_t version = 0;
  std::string created_at;
};

// What sign-in needs to check a person's credentials.
struct PersonCredentials {
  PersonRow person;
  std::string password_hash;
  std::optional<std::string> totp_secret;  // raw bytes
  std::optional<std::int64_t> totp_last_step;
};

struct NewPerson {
  std::string organization_id;
  std::string email;  // lower case
  std::string name;
  std::string role;
  std::string password_hash;
};

// Throws Conflict when the email has an account; a role that does not fit
// the organization (administrators are the programme office's) is a
// Conflict at /role.
PersonRow insert_person(Tx& t, const NewPerson& p);
std::optional<PersonRow> find_person(Tx& t, const std::string& id);
std::optional<PersonCredentials> find_credentials_by_email(Tx& t, const std::string& email);
std::optional<PersonCredentials> find_credentials(Tx& t, const std::string& person_id);
// An organization's people, oldest first.
std::vector<PersonRow> list_people(Tx& t, const std::string& organization_id);
// nullopt when no such person is in the organization; Conflict for a role
// the organization cannot have.
std::optional<PersonRow> update_person_role(Tx& t, const std::string& organization_id,
                                            const std::string& id, const std::string& role);
// Deletes the person and (by cascade) their sessions.
bool delete_person(Tx& t, const std::string& organization_id, const std::string& id);
// The same password's hash made again (at another cost), when the stored one
// is still `old_hash`. The person's version does not change: nothing they or
// anyone reads of them did.
bool rehash_password(Tx& t, const std::string& person_id, const std::string& old_hash,
                     const std::string& new_hash);

struct InvitationRow {
  std::string id;
  std::string organization_id;
  std::string email;
  std::string role;
  std::string invited_by;
  std::string created_at;
  std::string expires_at;
};

// Replaces the organization's open invitation to the address (another
// organization's stays). Conflict when the address is a member of the
// organization already, or the role does not fit the organization.
// Who invites: a person or an API key. The invitation ends when they may no
// longer invite (0106: a person demoted or removed, a key revoked).
struct Inviter {
  std::string label;  // as the audit names them
  std::optional<std::string> person_id;
  std::optional<std::string> key_id;
};
// nullopt when the inviter may no longer invite (demoted, removed or revoked
// since the request was let in). The address is lowered as the database does
// (every letter, not only ASCII).
std::optional<InvitationRow> insert_invitation(Tx& t, const std::string& organization_id,
                                               const std::string& email, const std::string& role,
                                               const std::string& token_sha256, const Inviter& by,
                                               std::int64_t ttl_seconds);
// Open (unaccepted, unexpired) invitations of an organization.
std::vector<InvitationRow> list_invitations(Tx& t, const std::string& organization_id);
bool delete_invitation(Tx& t, const std::string& organization_id, const std::string& id);
// The email an open (not accepted, not expired) invitation is for, without
// taking it: the password chosen is checked against it first.
std::optional<std::string> open_invitation_email(Tx& t, const std::string& token_sha256);
// Marks the invitation with this token accepted, if it is open and not
// expired; nullopt otherwise (unknown, used or expired alike).
std::optional<InvitationRow> take_invitation(Tx& t, const std::string& token_sha256);

struct SessionLookup {
  std::string session_id;
  std::string expires_at;
  PersonRow person;
  std::string organization_kind;
};

// Starts a session lasting `ttl_seconds`; returns its expiry (RFC 3339).
std::string insert_session(Tx& t, const std::string& person_id, const std::string& token_sha256,
                           std::int64_t ttl_seconds);
// The unexpired session with this token hash.
std::optional<SessionLookup> find_session(Tx& t, const std::string& token_sha256);
bool delete_session(Tx& t, const std::string& token_sha256);
// Signs a person out everywhere; returns how many sessions ended.
std::size_t delete_sessions_of(Tx& t, const std::string& person_id);

// Sign-in attempts by address tried, counted before the password is
// checked, so that guesses sent at once cannot all pass the check before any
// failure is recorded (a probe got 89 guesses and then the right password
// through). begin_sign_in counts this attempt unless the address is locked;
// `wait` is set when it may not try now (locked, or this attempt came beyond
// those allowed with the others in flight: it locks the address). Allowed
// are the `free_failures` first, then one each time a lock runs out.
// sign_in_failed locks it once `free_failures` attempts have failed (30 s,
// doubling with each further one, at most 15 minutes); a success clears.
struct SignInAttempt {
  int attempt = 0;
  std::optional<std::int64_t> wait;
};
SignInAttempt begin_sign_in(Tx& t, const std::string& email, int free_failures);
void sign_in_failed(Tx& t, const std::string& email, int attempt, int free_failures);
void clear_sign_in_failures(Tx& t, const std::string& email);
// Gives back the attempt begin_sign_in counted, when it was no guess: the
// right password sent without the second factor's code (the console sends
// the code next; after a lock, that attempt had used the one try, and the
// code's request was locked again).
void sign_in_not_counted(Tx& t, const std::string& email);

// Devices a person has signed in from (migration 0108). device_of: the id of
// the unexpired device with this token hash, if it is the device of the
// person with this (lowered) email; its sign-ins count under
// device_key(id) instead of the email. remember_device keeps a new one for
// `ttl_seconds`, and only the person's kMaxDevices newest.
inline constexpr int kMaxDevices = 10;
std::optional<std::string> device_of(Tx& t, const std::string& token_sha256,
                                     const std::string& email);
std::string device_key(const std::string& device_id);
void remember_device(Tx& t, const std::string& person_id, const std::string& token_sha256,
                     std::int64_t ttl_seconds);

// Second factor. set_totp_secret starts an enrolment (not yet in force;
// false when one is in force: turning it off takes a code);
// enable_totp puts it in force; accept_totp_step records a code's step, and
// is false when that step (or a later one) was accepted already.
bool set_totp_secret(Tx& t, const std::string& person_id, const std::string& secret);
bool enable_totp(Tx& t, const std::string& person_id, std::int64_t step);
bool disable_totp(Tx& t, const std::string& person_id);
bool accept_totp_step(Tx& t, const std::string& person_id, std::int64_t step);

// For the retention job: deletes expired sessions, expired or accepted
// invitations (older than a day once accepted), and failed sign-in records
// idle for a day. Returns what each removed.
struct AccountsPurged {
  std::size_t sessions = 0;
  std::size_t invitations = 0;
  std::size_t sign_in_failures = 0;
  std::size_t devices = 0;
};
AccountsPurged purge_expired_sessions_and_invitations(Tx& t);

// The statements every connection prepares (part of registry_statements()).
std::vector<PreparedStatement> account_statements();

}  // namespace kakehashi::store
