// People's accounts: signing in and out (server-side sessions carried by an
// HttpOnly cookie), invitations, the people of an organization, and the
// optional second factor (TOTP). Authentication itself (cookie or API key,
// CSRF, viewers) is admission's, in common.cpp.
#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "store/accounts.hpp"
#include "store/organizations.hpp"
#include "store/trainees.hpp"
#include "util/crypto.hpp"
#include "util/password.hpp"
#include "util/totp.hpp"

namespace kakehashi::api {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 4> kPersonRoles = {"owner", "member", "viewer", "admin"};

json person_json(const store::PersonRow& p) {
  return {{"id", p.id},           {"organization_id", p.organization_id},
          {"email", p.email},     {"name", p.name},
          {"role", p.role},       {"totp_enabled", p.totp_enabled},
          {"version", p.version}, {"created_at", p.created_at}};
}

json invitation_json(const store::InvitationRow& i) {
  return {{"id", i.id},
          {"organization_id", i.organization_id},
          {"email", i.email},
          {"role", i.role},
          {"invited_by", i.invited_by},
          {"created_at", i.created_at},
          {"expires_at", i.expires_at}};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  });
  return s;
}

bool behind_tls(const ApiContext& api, const http::RequestContext& ctx) {
  using Mode = AccountSettings::SecureCookie;
  if (api.accounts.secure_cookie == Mode::kAlways) return true;
  if (api.accounts.secure_cookie == Mode::kNever) return false;
  const auto proto = ctx.request.header("X-Forwarded-Proto");
  return proto && http::iequals(proto->substr(0, proto->find(',')), "https");
}

std::string session_cookie_header(const ApiContext& api, const http::RequestContext& ctx,
                                  const std::string& value, std::int64_t max_age) {
  std::string c = std::string(kSessionCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (behind_tls(api, ctx)) c += "; Secure";
  return c;
}

// The device cookie (migration 0108): sent back only to sign-in, for 90 days.
constexpr std::int64_t kDeviceTtlSeconds = 90LL * 24 * 3600;
constexpr std::string_view kDeviceCookie = "kh_device";

std::string device_cookie_header(const ApiContext& api, const http::RequestContext& ctx,
                                 const std::string& value) {
  std::string c = std::string(kDeviceCookie) + "=" + value +
                  "; Path=/v1/sessions; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(kDeviceTtlSeconds);
  if (behind_tls(api, ctx)) c += "; Secure";
  return c;
}

// This browser's device token: 64 lower-case hex digits, or none (two
// different ones are none: a cookie planted beside it would count against
// the one it shadows).
std::optional<std::string> device_cookie(const http::Request& request) {
  bool differing = false;
  auto found = cookie_of(request, kDeviceCookie, &differing);
  if (!found || differing || found->size() != 64 ||
      !std::all_of(found->begin(), found->end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    return std::nullopt;
  }
  return found;
}

Response no_content() {
  Response r;
  r.status = 204;
  return r;
}

// An "account" audit event: who did what to whose account.
void record_account_event(store::Tx& t, const store::Actor& actor, const json& details) {
  store::EventRow e = store::event_by(actor, "account");
  e.details = details.dump();
  store::record_event(t, e);
}

// A password as people choose it: checked in bytes, not characters.
std::optional<std::string> password_field(Validator& v, const std::string& key) {
  auto pw = v.text(key, true, util::kMaxPasswordBytes);
  if (pw && (pw->size() < util::kMinPasswordBytes || pw->size() > util::kMaxPasswordBytes)) {
    v.fail(key, http::FieldCode::kOutOfRange,
           "must be " + std::to_string(util::kMinPasswordBytes) + " to " +
               std::to_string(util::kMaxPasswordBytes) + " bytes long",
           {{"min", static_cast<long long>(util::kMinPasswordBytes)},
            {"max", static_cast<long long>(util::kMaxPasswordBytes)}});
    return std::nullopt;
  }
  return pw;
}

bool six_digits(const std::string& s) {
  return s.size() == 6 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t now_step() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return util::totp_step(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

Response unauthorized(const http::RequestContext& ctx, std::string detail,
                      std::vector<http::FieldError> errors = {}) {
  return problem(ctx, 401, std::move(detail), std::move(errors));
}

Response second_factor_needed(const http::RequestContext& ctx) {
  return unauthorized(
      ctx, "this account asks for the code from its authenticator app",
      {{"/totp", http::FieldCode::kRequired, "the 6-digit code from the authenticator app"}});
}

Response second_factor_wrong(const http::RequestContext& ctx) {
  return unauthorized(ctx, "the code is wrong or was used already",
                      {{"/totp", http::FieldCode::kInvalidFormat, "is not the current code"}});
}

Response signed_in(const ApiContext& api, const http::RequestContext& ctx,
                   const store::PersonRow& person, const std::string& token,
                   const std::string& expires_at) {
  json out = {{"person", person_json(person)},
              {"csrf_token", csrf_token_for(token)},
              {"expires_at", expires_at}};
  Response r = json_response(201, out);
  r.set_header("Set-Cookie",
               session_cookie_header(api, ctx, token, api.accounts.session_ttl_seconds));
  return r;
}

// 429 while a sign-in lock (of an email, or a person's codes) holds.
Response locked(const http::RequestContext& ctx, const std::string& what, std::int64_t wait) {
  Response r = problem(ctx, 429, what + "; retry after " + std::to_string(wait) + " second(s)");
  r.set_header("Retry-After", std::to_string(wait));
  return r;
}

// A failed sign-in (counted when it began, against the email and the
// client's address) may lock the email tried.
awaitable<Response> sign_in_failed(ApiContext& api, const std::string& address, int attempt,
                                   Response r) {
  co_await api.db.read([&](store::Tx& t) {
    store::sign_in_failed(t, address, attempt, api.accounts.free_sign_in_failures);
  });
  r.set_header("WWW-Authenticate", "Bearer realm=\"kakehashi\"");
  co_return r;
}

// POST /v1/sessions: email and password (and a TOTP code when the person
// has one) → a session cookie. Every wrong answer looks the same whether or
// not the account exists, and takes as long.
awaitable<Response> sign_in(ApiContext& api, http::RequestContext& ctx) {
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"email", "password", "totp"});
  auto email = v.text("email", true, 254);
  // An email, so that no sign-in counts under another key of the same table
  // (a person's codes count under "totp:<person id>").
  if (email && !valid_email(*email)) {
    v.fail("email", http::FieldCode::kInvalidFormat, "must be an email address",
           {{"format", std::string("email")}});
  }
  auto password = v.text("password", true, util::kMaxPasswordBytes);
  auto code = v.text("totp", false, 6);
  if (code && !six_digits(*code)) {
    v.fail("totp", http::FieldCode::kInvalidFormat, "must be the 6 digits the app shows",
           {{"format", std::string("totp")}});
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the sign-in is invalid", errors);
  if (auto refused = reserve_guess(api, ctx)) co_return *refused;
  const auto device_token = device_cookie(ctx.request);
  // The address as the database lowers it (people's emails are stored so),
  // non-ASCII capitals too; and the key its attempts count under: this
  // browser's, when it has signed in to this account before (migration 0108).
  std::string address;
  std::string counted;
  store::SignInAttempt attempt;
  std::optional<store::PersonCredentials> found;
  co_await api.db.read([&](store::Tx& t) {
    address = store::TextFolding(t, {*email}).lower(*email).value_or(lower(*email));
    std::optional<std::string> device;
    if (device_token) device = store::device_of(t, util::sha256_hex(*device_token), address);
    counted = device ? store::device_key(*device) : address;
    attempt = store::begin_sign_in(t, counted, api.accounts.free_sign_in_failures);
    if (!attempt.wait) found = store::find_credentials_by_email(t, address);
  });
  if (const auto wait = attempt.wait) {
    co_return locked(ctx,
                     counted == address ? "too many failed sign-ins for this email"
                                        : "too many failed sign-ins from this browser",
                     *wait);
  }
  bool ok = false;
  co_await api.cpu.run([&] {
    if (found) {
      ok = util::verify_password(*password, found->password_hash);
    } else {
      util::verify_dummy_password(*password, api.accounts.password_cost);
    }
  });
  if (!ok) {
    co_return co_await sign_in_failed(api, counted, attempt.attempt,
                                      unauthorized(ctx, "the email or the password is wrong"));
  }
  if (found->person.totp_enabled && found->totp_secret) {
    if (!code) {
      // The password was right; the code is asked for next. Neither the
      // address nor the email's count keeps this attempt.
      guess_was_right(api, ctx);
      co_await api.db.read([&](store::Tx& t) { store::sign_in_not_counted(t, counted); });
      Response r = second_factor_needed(ctx);
      r.set_header("WWW-Authenticate", "Bearer realm=\"kakehashi\"");
      co_return r;
    }
    const auto step =
        util::totp_match(*found->totp_secret, *code, now_step(), found->totp_last_step);
    bool accepted = false;
    if (step) {
      co_await api.db.read(
          [&](store::Tx& t) { accepted = store::accept_totp_step(t, found->person.id, *step); });
    }
    if (!accepted) {
      co_return co_await sign_in_failed(api, counted, attempt.attempt, second_factor_wrong(ctx));
    }
  }
  // A hash made at a lower cost (an older one, or a test's) is made again
  // at this service's, now that the password is known to be right.
  // Best effort: a hash that cannot be made now (its 64 MiB) leaves the old
  // one, and the person is signed in all the same.
  std::optional<std::string> rehashed;
  if (util::password_needs_rehash(found->password_hash, api.accounts.password_cost)) {
    co_await api.cpu.run([&] {
      try {
        rehashed = util::hash_password(*password, api.accounts.password_cost);
      } catch (const std::exception& e) {
        util::log("warn", "password not hashed again at sign-in", {{"error", e.what()}});
      }
    });
  }
  const std::string token = util::random_hex(32);
  // A browser without this account's device cookie gets one. Signing in from
  // a known browser leaves the email's count as it is: a stranger who locked
  // it stays locked out.
  const bool new_device = counted == address;
  const std::string device = new_device ? util::random_hex(32) : std::string();
  std::string expires_at;
  guess_was_right(api, ctx);
  co_await api.db.transact([&](store::Tx& t) {
    store::clear_sign_in_failures(t, counted);
    if (rehashed) store::rehash_password(t, found->person.id, found->password_hash, *rehashed);
    if (new_device) {
      store::remember_device(t, found->person.id, util::sha256_hex(device), kDeviceTtlSeconds);
    }
    expires_at = store::insert_session(t, found->person.id, util::sha256_hex(token),
                                       api.accounts.session_ttl_seconds);
  });
  Response r = signed_in(api, ctx, found->person, token, expires_at);
  if (new_device) r.headers.push_back({"Set-Cookie", device_cookie_header(api, ctx, device)});
  co_return r;
}

// DELETE /v1/session: signs this session out.
awaitable<Response> sign_out(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  if (!who.person || who.csrf_token.empty()) {
    co_return problem(ctx, 404, "no session: this request was made with an API key");
  }
  const std::string token = session_cookie(ctx.request).value_or("");
  co_await api.db.read([&](store::Tx& t) { store::delete_session(t, util::sha256_hex(token)); });
  Response r = no_content();
  r.set_header("Set-Cookie", session_cookie_header(api, ctx, "", 0));
  co_return r;
}

// DELETE /v1/sessions: signs the person out everywhere.
awaitable<Response> sign_out_everywhere(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  if (!who.person) co_return problem(ctx, 404, "no person: this request was made with an API key");
  std::size_t ended = 0;
  co_await api.db.read([&](store::Tx& t) { ended = store::delete_sessions_of(t, who.person->id); });
  Response r = json_response(200, {{"sessions_ended", ended}});
  r.set_header("Set-Cookie", session_cookie_header(api, ctx, "", 0));
  co_return r;
}

// POST /v1/invitations/accept: the invitee names themselves and chooses a
// password; the token works once and until it expires.
awaitable<Response> accept_invitation(ApiContext& api, http::RequestContext& ctx) {
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"token", "name", "password"});
  auto token = v.text("token", true, 64);
  auto name = v.text("name", true, 200);
  auto password = password_field(v, "password");
  if (token && password) {
    // Easy to guess (one character repeated, 1234567890, the invitee's own
    // email) is refused before the invitation is taken.
    std::optional<std::string> email;
    co_await api.db.read(
        [&](store::Tx& t) { email = store::open_invitation_email(t, util::sha256_hex(*token)); });
    if (const auto weak = util::password_weakness(*password, email.value_or(""))) {
      v.fail("password", http::FieldCode::kInvalidFormat, "is easy to guess: " + *weak,
             {{"format", std::string("password")}});
    }
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the acceptance is invalid", errors);
  std::string hash;
  co_await api.cpu.run([&] { hash = util::hash_password(*password, api.accounts.password_cost); });
  std::optional<store::PersonRow> person;
  auto conflict = co_await transact(api, [&](store::Tx& t) {
    const auto invitation = store::take_invitation(t, util::sha256_hex(*token));
    if (!invitation) return;
    person = store::insert_person(
        t, {invitation->organization_id, invitation->email, *name, invitation->role, hash});
    // The audit's actor role is the organization's (as a key of it carries),
    // not empty (a probe found "joined" events without one).
    const auto organization = store::find_organization(t, person->organization_id);
    const auto role = organization ? domain::role_for_kind(organization->kind) : std::nullopt;
    store::Actor actor{"", person->organization_id,
                       role ? std::string(domain::role_name(*role)) : std::string(), person->id,
                       person->name};
    record_account_event(t, actor,
                         {{"action", "joined"},
                          {"person_id", person->id},
                          {"invitation_id", invitation->id},
                          {"role", person->role}});
  });
  if (conflict) co_return taken(ctx, "", conflict->detail);
  if (!person) {
    co_return problem(ctx, 404, "no such invitation: it may have expired or been used");
  }
  co_return json_response(201, person_json(*person));
}

// Whether `who` may see (list) and manage the people of `org_id`: a 404 for
// another organization, a 403 for its members and viewers.
std::optional<Response> refuse_management(const http::RequestContext& ctx,
                                          const domain::Principal& who, const std::string& org_id,
                                          bool manage) {
  if (!who.owns(org_id)) return problem(ctx, 404, "no such organization");
  if (manage && !who.manages_people_of(org_id)) {
    return problem(ctx, 403, "only the organization's owners and administrators manage its people");
  }
  return std::nullopt;
}

awaitable<Response> create_invitation(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string org_id(ctx.param("id"));
  if (auto r = refuse_management(ctx, who, org_id, true)) co_return *r;
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"email", "role"});
  auto email = v.text("email", true, 254);
  if (email && !valid_email(*email)) {
    v.fail("email", http::FieldCode::kInvalidFormat, "must be an email address",
           {{"format", std::string("email")}});
  }
  auto role = v.choice("role", true, kPersonRoles);
  if (!errors.empty()) co_return problem(ctx, 422, "the invitation is invalid", errors);
  const std::string token = util::random_hex(32);
  std::optional<store::OrganizationRow> org;
  std::optional<store::InvitationRow> row;
  const store::Actor actor = actor_of(who);
  auto conflict = co_await transact(api, [&](store::Tx& t) {
    org = store::find_organization(t, org_id);
    if (!org) return;
    row = store::insert_invitation(t, org->id, lower(*email), *role, util::sha256_hex(token),
                                   {who.label, actor.person_id, actor.key()},
                                   api.accounts.invitation_ttl_seconds);
    if (!row) return;
    record_account_event(t, actor,
                         {{"action", "invited"}, {"invitation_id", row->id}, {"role", row->role}});
  });
  if (conflict) {
    if (conflict->pointer == "/role") {
      co_return problem(ctx, 422, conflict->detail,
                        {{"/role", http::FieldCode::kInvalidChoice, conflict->detail, {}}});
    }
    co_return taken(ctx, conflict->pointer, conflict->detail);
  }
  if (!org) co_return problem(ctx, 404, "no such organization");
  if (!row) co_return problem(ctx, 403, "you may no longer invite people to this organization");
  json out = invitation_json(*row);
  // Shown once: only its hash is kept. The console's acceptance page reads
  // it from the fragment, which browsers never send to a server.
  out["token"] = token;
  out["accept_path"] = "/admin#accept=" + token;
  Response r = json_response(201, out);
  r.set_header("Location", "/v1/organizations/" + org->id + "/invitations/" + row->id);
  co_return r;
}

awaitable<Response> list_invitations(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string org_id(ctx.param("id"));
  if (auto r = refuse_management(ctx, who, org_id, true)) co_return *r;
  // The whole list at once (an organization's few): no parameters, as every
  // list refuses those it does not know.
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {}, errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::optional<store::OrganizationRow> org;
  std::vector<store::InvitationRow> rows;
  co_await api.db.read([&](store::Tx& t) {
    org = store::find_organization(t, org_id);
    if (org) rows = store::list_invitations(t, org->id);
  });
  if (!org) co_return problem(ctx, 404, "no such organization");
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (const auto& i : rows) out["items"].push_back(invitation_json(i));
  co_return json_response(200, out);
}

awaitable<Response> revoke_invitation(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string org_id(ctx.param("id"));
  if (auto r = refuse_management(ctx, who, org_id, true)) co_return *r;
  bool deleted = false;
  co_await api.db.read([&](store::Tx& t) {
    deleted = store::delete_invitation(t, org_id, std::string(ctx.param("invitation_id")));
  });
  if (!deleted) co_return problem(ctx, 404, "no such invitation");
  co_return no_content();
}

awaitable<Response> list_people(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string org_id(ctx.param("id"));
  if (auto r = refuse_management(ctx, who, org_id, false)) co_return *r;
  // The whole list at once (an organization's few): no parameters, as every
  // list refuses those it does not know.
  std::vector<http::FieldError> errors;
  reject_unknown_params(ctx, {}, errors);
  if (!errors.empty()) co_return invalid_parameters(ctx, errors);
  std::optional<store::OrganizationRow> org;
  std::vector<store::PersonRow> rows;
  co_await api.db.read([&](store::Tx& t) {
    org = store::find_organization(t, org_id);
    if (org) rows = store::list_people(t, org->id);
  });
  if (!org) co_return problem(ctx, 404, "no such organization");
  json out = {{"items", json::array()}, {"next_cursor", nullptr}};
  for (const auto& p : rows) out["items"].push_back(person_json(p));
  co_return json_response(200, out);
}

awaitable<Response> update_person(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string org_id(ctx.param("id"));
  const std::string person_id(ctx.param("person_id"));
  if (auto r = refuse_management(ctx, who, org_id, true)) co_return *r;
  auto parsed = json_body(ctx, true);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"role"});
  auto role = v.choice("role", true, kPersonRoles);
  if (!errors.empty()) co_return problem(ctx, 422, "the change is invalid", errors);
  std::optional<store::PersonRow> before;
  std::optional<store::PersonRow> row;
  const store::Actor actor = actor_of(who);
  auto conflict = co_await transact(api, [&](store::Tx& t) {
    before = store::find_person(t, person_id);
    if (!before || before->organization_id != org_id) return;
    row = store::update_person_role(t, org_id, person_id, *role);
    if (row && row->role != before->role) {
      record_account_event(t, actor,
                           {{"action", "role_changed"},
                            {"person_id", row->id},
                            {"from", before->role},
                            {"to", row->role}});
    }
  });
  if (conflict) {
    co_return problem(ctx, 422, conflict->detail,
                      {{"/role", http::FieldCode::kInvalidChoice, conflict->detail, {}}});
  }
  if (!row) co_return problem(ctx, 404, "no such person in this organization");
  Response r = json_response(200, person_json(*row));
  r.set_header("ETag", etag(row->version));
  co_return r;
}

awaitable<Response> remove_person(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  const std::string org_id(ctx.param("id"));
  const std::string person_id(ctx.param("person_id"));
  if (auto r = refuse_management(ctx, who, org_id, true)) co_return *r;
  bool removed = false;
  const store::Actor actor = actor_of(who);
  auto conflict = co_await transact(api, [&](store::Tx& t) {
    removed = store::delete_person(t, org_id, person_id);
    if (removed) record_account_event(t, actor, {{"action", "removed"}, {"person_id", person_id}});
  });
  if (conflict) co_return problem(ctx, 409, conflict->detail);
  if (!removed) co_return problem(ctx, 404, "no such person in this organization");
  co_return no_content();
}

// The second factor, for the signed-in person themselves.
std::optional<Response> refuse_without_person(const http::RequestContext& ctx,
                                              const domain::Principal& who) {
  if (!who.person) return problem(ctx, 404, "no person: this request was made with an API key");
  return std::nullopt;
}

awaitable<Response> start_totp(ApiContext& api, http::RequestContext& ctx) {
  const domain::Principal& who = principal(ctx);
  if (auto r = refuse_without_person(ctx, who)) co_return *r;
  const std::string hex = util::random_hex(20);
  std::string secret;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    secret.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  bool stored = false;
  co_await api.db.read(
      [&](store::Tx& t) { stored = store::set_totp_secret(t, who.person->id, secret); });
  // Starting over would turn a second factor in force off without its code.
  if (!stored) {
    co_return problem(ctx, 409,
                      "two-step sign-in is on; turn it off with a current code first "
                      "(POST /v1/me/totp/disable)");
  }
  const std::string b32 = util::base32_encode(secret);
  Response r = json_response(
      201, {{"secret", b32},
            {"otpauth_uri", "otpauth://totp/kakehashi:" + who.person->email + "?secret=" + b32 +
                                "&issuer=kakehashi&algorithm=SHA1&digits=6&period=30"},
            {"totp_enabled", false}});
  co_return r;
}

// Confirms (enable) or turns off (disable) the second factor with a current code.
awaitable<Response> totp_with_code(ApiContext& api, http::RequestContext& ctx, bool enable) {
  const domain::Principal& who = principal(ctx);
  if (auto r = refuse_without_person(ctx, who)) co_return *r;
  auto parsed = json_body(ctx);
  if (auto* r = std::get_if<Response>(&parsed)) co_return *r;
  const auto& body = std::get<json>(parsed);
  std::vector<http::FieldError> errors;
  Validator v(body, "", errors);
  v.only({"code"});
  auto code = v.text("code", true, 6);
  if (code && !six_digits(*code)) {
    v.fail("code", http::FieldCode::kInvalidFormat, "must be the 6 digits the app shows",
           {{"format", std::string("totp")}});
  }
  if (!errors.empty()) co_return problem(ctx, 422, "the code is invalid", errors);
  std::optional<store::PersonCredentials> creds;
  co_await api.db.read([&](store::Tx& t) { creds = store::find_credentials(t, who.person->id); });
  if (!creds || !creds->totp_secret || creds->person.totp_enabled != !enable) {
    co_return problem(ctx, 409,
                      enable ? "start the enrolment first (POST /v1/me/totp)"
                             : "this account has no second factor");
  }
  if (auto refused = reserve_guess(api, ctx)) co_return *refused;
  // Counted against the person too, as sign-in counts against the email: a
  // stolen session's guesses from many addresses meet the same lock.
  const std::string counted = "totp:" + who.person->id;
  store::SignInAttempt attempt;
  co_await api.db.read([&](store::Tx& t) {
    attempt = store::begin_sign_in(t, counted, api.accounts.free_sign_in_failures);
  });
  if (const auto wait = attempt.wait) {
    co_return locked(ctx, "too many wrong codes for this account", *wait);
  }
  const auto step = util::totp_match(*creds->totp_secret, *code, now_step(), creds->totp_last_step);
  bool done = false;
  const store::Actor actor = actor_of(who);
  if (step) {
    co_await api.db.transact([&](store::Tx& t) {
      done = enable ? store::enable_totp(t, who.person->id, *step)
                    : (store::accept_totp_step(t, who.person->id, *step) &&
                       store::disable_totp(t, who.person->id));
      if (done) {
        record_account_event(
            t, actor,
            {{"action", enable ? "totp_enabled" : "totp_disabled"}, {"person_id", who.person->id}});
      }
    });
  }
  if (!done) {
    // A wrong code stays counted against this address and this person, as a
    // wrong password does: guessing the 6 digits (to turn a stolen session's
    // second factor off) meets the same limits, however many guesses are
    // sent at once and from however many addresses.
    co_await api.db.read([&](store::Tx& t) {
      store::sign_in_failed(t, counted, attempt.attempt, api.accounts.free_sign_in_failures);
    });
    co_return problem(ctx, 422, "the code is wrong",
                      {{"/code", http::FieldCode::kInvalidFormat, "is not the current code", {}}});
  }
  guess_was_right(api, ctx);
  co_await api.db.read([&](store::Tx& t) { store::clear_sign_in_failures(t, counted); });
  co_return json_response(200, {{"totp_enabled", enable}});
}

awaitable<Response> confirm_totp(ApiContext& api, http::RequestContext& ctx) {
  co_return co_await totp_with_code(api, ctx, true);
}

awaitable<Response> disable_totp(ApiContext& api, http::RequestContext& ctx) {
  co_return co_await totp_with_code(api, ctx, false);
}

}  // namespace

void add_account_routes(http::Router& router, ApiContext& api) {
  router.add("POST", "/v1/sessions", handler(api, sign_in), {.roles = kPublic});
  router.add("POST", "/v1/invitations/accept", handler(api, accept_invitation), {.roles = kPublic});
  router.add("DELETE", "/v1/session", handler(api, sign_out), {.roles = kSelfService});
  router.add("DELETE", "/v1/sessions", handler(api, sign_out_everywhere), {.roles = kSelfService});
  router.add("POST", "/v1/me/totp", handler(api, start_totp), {.roles = kSelfService});
  router.add("POST", "/v1/me/totp/confirm", handler(api, confirm_totp), {.roles = kSelfService});
  router.add("POST", "/v1/me/totp/disable", handler(api, disable_totp), {.roles = kSelfService});
  router.add("POST", "/v1/organizations/{id}/invitations", handler(api, create_invitation));
  router.add("GET", "/v1/organizations/{id}/invitations", handler(api, list_invitations));
  router.add("DELETE", "/v1/organizations/{id}/invitations/{invitation_id}",
             handler(api, revoke_invitation));
  router.add("GET", "/v1/organizations/{id}/people", handler(api, list_people));
  router.add("PATCH", "/v1/organizations/{id}/people/{person_id}", handler(api, update_person));
  router.add("DELETE", "/v1/organizations/{id}/people/{person_id}", handler(api, remove_person));
}

}  // namespace kakehashi::api
