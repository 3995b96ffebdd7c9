#include "api/common.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/text.hpp"
#include "store/accounts.hpp"
#include "store/idempotency.hpp"
#include "store/matches.hpp"
#include "store/trainees.hpp"
#include "util/crypto.hpp"
#include "util/password.hpp"

namespace kakehashi::api {
namespace {

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using util::constant_time_equal;

bool lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The person behind a session cookie, as a principal; nullopt when the
// session is unknown or has expired.
awaitable<std::optional<domain::Principal>> session_principal(ApiContext& api,
                                                              const std::string& token) {
  std::optional<store::SessionLookup> found;
  const std::string hash = util::sha256_hex(token);
  co_await api.db.read([&](store::Tx& t) { found = store::find_session(t, hash); });
  if (!found) co_return std::nullopt;
  const auto role = domain::role_for_kind(found->organization_kind);
  const auto person_role = domain::parse_person_role(found->person.role);
  if (!role || !person_role) co_return std::nullopt;
  domain::Principal who;
  who.organization_id = found->person.organization_id;
  who.role = *role;
  who.person =
      domain::Person{found->person.id, found->person.name, found->person.email, *person_role};
  who.label = found->person.name;
  who.csrf_token = csrf_token_for(token);
  who.session_expires_at = found->expires_at;
  co_return who;
}

}  // namespace

Response problem(const http::RequestContext& ctx, int status, std::string detail,
                 std::vector<http::FieldError> errors) {
  return problem(ctx, status, http::default_problem_type(status), std::move(detail),
                 std::move(errors));
}

Response problem(const http::RequestContext& ctx, int status, http::ProblemType type,
                 std::string detail, std::vector<http::FieldError> errors) {
  http::Problem p;
  p.status = status;
  p.type = type;
  p.detail = std::move(detail);
  p.errors = std::move(errors);
  return http::problem_response(p, ctx.request.path, ctx.request_id);
}

Response invalid_parameters(const http::RequestContext& ctx, std::vector<http::FieldError> errors) {
  return problem(ctx, 422, http::ProblemType::kInvalidParameters, "invalid query parameters",
                 std::move(errors));
}

Response stale_etag(const http::RequestContext& ctx, std::string detail) {
  std::vector<http::FieldError> errors{
      {"If-Match", http::FieldCode::kStale, "names an older version; read it again"}};
  return problem(ctx, 412, http::ProblemType::kStale, std::move(detail), std::move(errors));
}

Response kept_changing(const http::RequestContext& ctx, std::string_view what) {
  return problem(
      ctx, 409, http::ProblemType::kEditConflict,
      "the " + std::string(what) + " kept changing while this change was applied; send it again");
}

Response bad_if_match(const http::RequestContext& ctx) {
  std::vector<http::FieldError> errors{{"If-Match",
                                        http::FieldCode::kInvalidFormat,
                                        "must be an ETag this service issued",
                                        {{"format", std::string("etag")}}}};
  return problem(ctx, 412, http::ProblemType::kInvalidPrecondition,
                 "If-Match must be an ETag this service issued", std::move(errors));
}

Response taken(const http::RequestContext& ctx, const std::string& pointer, std::string detail) {
  // A conflict that no field of the request caused (rows that depend on this
  // one) names none.
  if (pointer.empty()) return problem(ctx, 409, std::move(detail));
  std::vector<http::FieldError> errors{{pointer, http::FieldCode::kTaken, detail}};
  return problem(ctx, 409, http::ProblemType::kDuplicate, std::move(detail), std::move(errors));
}

awaitable<std::variant<domain::Principal, Response>> authenticate(ApiContext& api,
                                                                  http::RequestContext& ctx) {
  auto unauthorized = [&](std::string detail) {
    Response r = problem(ctx, 401, std::move(detail));
    r.set_header("WWW-Authenticate", "Bearer realm=\"kakehashi\"");
    return r;
  };
  if (const auto* known = std::any_cast<domain::Principal>(&ctx.principal)) co_return *known;
  const auto header = ctx.request.header("Authorization");
  // A machine client's key wins over a cookie the same client may carry.
  if (!header) {
    const auto cookie = session_cookie(ctx.request);
    if (!cookie)
      co_return unauthorized("sign in, or send an API key: Authorization: Bearer kh_...");
    if (*cookie == kTwoSessions) {
      co_return unauthorized(
          "this browser sent two session cookies; sign out, or clear this site's cookies, and "
          "sign in again");
    }
    if (cookie->size() != 64 || !lower_hex(*cookie)) {
      co_return unauthorized("the session has ended; sign in again");
    }
    auto who = co_await session_principal(api, *cookie);
    if (!who) co_return unauthorized("the session has ended; sign in again");
    co_return std::move(*who);
  }
  std::string_view value = *header;
  if (value.size() < 7 || !http::iequals(value.substr(0, 7), "Bearer ")) {
    co_return unauthorized("the Authorization header must be 'Bearer <API key>'");
  }
  const std::string secret(value.substr(7));
  // "kh_" and 48 lower-case hex digits; nothing else reaches the database.
  const bool well_formed = secret.size() == 51 && secret.rfind("kh_", 0) == 0 &&
                           std::all_of(secret.begin() + 3, secret.end(), [](char c) {
                             return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                           });
  if (!well_formed) co_return unauthorized("malformed API key");
  const std::string prefix = secret.substr(0, 12);
  std::optional<store::KeyLookup> found = api.keys.get(prefix);
  if (!found) {
    co_await api.db.read([&](store::Tx& t) { found = store::find_key_by_prefix(t, prefix); });
    if (found) api.keys.put(prefix, *found);
  }
  if (!found || !constant_time_equal(found->secret_sha256, util::sha256_hex(secret))) {
    co_return unauthorized("unknown API key");
  }
  if (found->revoked) co_return unauthorized("this API key has been revoked");
  const auto role = domain::parse_role(found->role);
  if (!role) co_return unauthorized("unknown API key");
  domain::Principal who{found->key_id, found->organization_id, *role};
  who.label = found->label;
  co_return who;
}

std::optional<std::string> cookie_of(const http::Request& request, std::string_view name,
                                     bool* differing) {
  *differing = false;
  std::optional<std::string> found;
  for (const auto& h : request.headers) {
    if (!http::iequals(h.name, "Cookie")) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const auto end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      if (found && *found != value) *differing = true;
      if (!found) found = std::string(value);
    }
  }
  return found;
}

std::optional<std::string> session_cookie(const http::Request& request) {
  bool differing = false;
  auto found = cookie_of(request, kSessionCookie, &differing);
  // Two different sessions: a cookie set for a sibling host or a narrower
  // path sorts first, and would sign this browser in as whoever set it.
  // Neither is taken.
  if (differing) return std::string(kTwoSessions);
  return found;
}

std::string csrf_token_for(const std::string& session_token) {
  return util::sha256_hex("kakehashi-csrf\n" + session_token);
}

store::Actor actor_of(const domain::Principal& who) {
  store::Actor a{who.key_id, who.organization_id, std::string(domain::role_name(who.role)),
                 std::nullopt, who.label};
  if (who.person) a.person_id = who.person->id;
  return a;
}

store::Writer writer_of(const domain::Principal& who) {
  return {who.key_id, who.organization_id, std::string(domain::role_name(who.role)),
          who.person ? who.person->id : std::string(), who.label};
}

awaitable<std::optional<store::Conflict>> transact(ApiContext& api,
                                                   std::function<void(store::Tx&)> work) {
  std::optional<store::Conflict> conflict;
  try {
    co_await api.db.transact(std::move(work));
  } catch (const store::Conflict& e) {
    conflict = e;
  }
  co_return conflict;
}

void record_personal_data_reads(store::Tx& t, const domain::Principal& who,
                                std::span<const std::string> trainee_ids,
                                const std::optional<std::string>& match_id,
                                const std::optional<std::string>& project_id) {
  if (who.role == domain::Role::kTrainingOrg) return;
  static const std::string kFields =
      nlohmann::json({{"fields", {"full_name", "email", "phone"}}}).dump();
  for (const auto& trainee_id : trainee_ids) {
    store::EventRow e = store::event_by(actor_of(who), "personal_data_read");
    e.match_id = match_id;
    e.project_id = project_id;
    e.trainee_id = trainee_id;
    e.details = kFields;
    store::record_event(t, e);
  }
}

const domain::Principal& principal(const http::RequestContext& ctx) {
  const auto* who = std::any_cast<domain::Principal>(&ctx.principal);
  // Every /v1/ route passes admission, which sets it: its absence is a wiring bug.
  if (!who) throw std::logic_error("no principal: the route was not admitted");
  return *who;
}

http::Handler handler(ApiContext& api, HandlerFn fn) {
  return [&api, fn](http::RequestContext& ctx) -> awaitable<Response> { return fn(api, ctx); };
}

namespace {

std::string lower_ascii(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

Response too_many(const http::RequestContext& ctx, std::chrono::seconds wait,
                  const std::string& what) {
  Response r =
      problem(ctx, 429, what + "; retry after " + std::to_string(wait.count()) + " second(s)");
  r.set_header("Retry-After", std::to_string(wait.count()));
  return r;
}

// An Idempotency-Key is a short printable ASCII token (RFC 9110 field value
// without spaces or controls); anything else is a malformed header.
bool valid_idempotency_key(std::string_view key) {
  return !key.empty() && key.size() <= 200 &&
         std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

std::optional<Response> bad_idempotency_key(const http::RequestContext& ctx) {
  const auto key = ctx.request.header("Idempotency-Key");
  if (!key || valid_idempotency_key(*key)) return std::nullopt;
  return problem(ctx, 400,
                 "Idempotency-Key must be 1 to 200 printable ASCII characters without spaces",
                 {{"Idempotency-Key",
                   http::FieldCode::kInvalidFormat,
                   "must be 1 to 200 printable ASCII characters without spaces",
                   {{"format", std::string("idempotency_key")}}}});
}

// Guesses have their own bucket per address, apart from failed keys and
// sessions: one client's bad key behind a shared address does not stop
// another's sign-in (a probe).
std::string guess_bucket(const http::RequestContext& ctx) {
  return "guess " + ctx.request.remote_address;
}

}  // namespace

std::optional<Response> reserve_guess(ApiContext& api, const http::RequestContext& ctx) {
  if (!api.auth_failure_limit) return std::nullopt;
  if (auto wait = api.auth_failure_limit->take(guess_bucket(ctx))) {
    return too_many(ctx, *wait, "too many failed authentications from this address");
  }
  return std::nullopt;
}

void guess_was_right(ApiContext& api, const http::RequestContext& ctx) {
  if (api.auth_failure_limit) api.auth_failure_limit->give_back(guess_bucket(ctx));
}

void add_routes(http::Router& router, ApiContext& api, std::span<const RouteSpec> routes,
                std::uint32_t roles) {
  for (const auto& r : routes) {
    router.add(r.method, r.path, handler(api, r.fn), {.roles = roles, .forbidden = r.forbidden});
  }
}

awaitable<std::optional<Response>> admit(ApiContext& api, http::RequestContext& ctx,
                                         const http::Route& route) {
  // Query values reach SQL and logs: text only (UTF-8, no controls).
  const auto params = ctx.request.query_params();
  std::vector<std::string_view> names;
  names.reserve(params.size());
  for (const auto& [name, value] : params) {
    if (!domain::valid_utf8(name) || !domain::valid_utf8(value) ||
        domain::has_control_characters(name, false) ||
        domain::has_control_characters(value, false)) {
      Response r = problem(ctx, 400, http::ProblemType::kInvalidParameters,
                           "query parameters must be UTF-8 text without control characters",
                           {{std::string(name), http::FieldCode::kInvalidText,
                             "must be UTF-8 text without control characters"}});
      co_return r;
    }
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  if (auto twice = std::adjacent_find(names.begin(), names.end()); twice != names.end()) {
    const std::string name(*twice);
    Response r = problem(ctx, 400, http::ProblemType::kInvalidParameters,
                         "the query parameter '" + name + "' is given more than once; give it once",
                         {{name, http::FieldCode::kDuplicate, "is repeated"}});
    co_return r;
  }
  // Ids are UUIDs, which compare without regard to case: the canonical
  // lower-case spelling names one resource once (for caches and ownership).
  for (auto& [name, value] : ctx.params) {
    if (value.size() == 36 && store::is_uuid(lower_ascii(value))) value = lower_ascii(value);
  }
  // Fields the service reads one value of, sent twice with different values:
  // a proxy or a log in front of it may read the other one, and this service
  // would act on the first (two Content-Types, two keys). Refused, every such
  // field at once; the same value repeated is harmless and taken.
  constexpr std::string_view kSingletons[] = {"Authorization", "Content-Type", "If-Match",
                                              "Idempotency-Key", kCsrfHeader};
  std::vector<http::FieldError> repeated;
  for (const std::string_view name : kSingletons) {
    const auto first = ctx.request.header(name);
    if (first &&
        std::any_of(ctx.request.headers.begin(), ctx.request.headers.end(), [&](const auto& h) {
          return http::iequals(h.name, name) && h.value != *first;
        })) {
      repeated.push_back({std::string(name), http::FieldCode::kDuplicate,
                          "is sent more than once with different values"});
    }
  }
  if (!repeated.empty()) {
    Response r = problem(ctx, 400,
                         "send the " + repeated.front().pointer + " header once" +
                             (repeated.size() > 1 ? " (and each header listed in errors)" : ""),
                         std::move(repeated));
    co_return r;
  }
  // A malformed Idempotency-Key is refused before the body is read, so it
  // is named whatever else is wrong (it went unreported beside a body's
  // errors).
  if (ctx.request.method != "GET" && ctx.request.method != "HEAD") {
    if (auto refused = bad_idempotency_key(ctx)) co_return refused;
  }
  if (!route.path_template.starts_with("/v1/")) co_return std::nullopt;
  // Guessing costs time: an address that failed to authenticate too often
  // waits (429) before its next failure is answered. Credentials that work
  // are let in whatever the address did: behind a balancer or a NAT every
  // client shares one address, and one client's bad key had locked out
  // everyone (a probe). Keys and session tokens are 192 and 256 random bits,
  // so letting right ones through tells a guesser nothing it could use; the
  // secrets with few values (passwords, 6-digit codes) are counted before
  // they are checked, by their handlers (reserve_guess).
  const std::string& address = ctx.request.remote_address;
  // Signing in and accepting an invitation: no caller yet. Sign-in counts its
  // own guesses; an invitation's token is 256 random bits, as a session's.
  if ((route.options.roles & kPublic) != 0) co_return std::nullopt;
  auto outcome = co_await authenticate(api, ctx);
  if (auto* refused = std::get_if<Response>(&outcome)) {
    if (api.auth_failure_limit) {
      if (auto wait = api.auth_failure_limit->take(address)) {
        Response r = too_many(ctx, *wait, "too many failed authentications from this address");
        co_return r;
      }
    }
    Response r = std::move(*refused);
    co_return r;
  }
  const auto& who = std::get<domain::Principal>(outcome);
  if (api.key_limit) {
    if (auto wait = api.key_limit->take(who.actor_id())) {
      Response r = too_many(ctx, *wait, "this API key sends more requests than it may");
      co_return r;
    }
  }
  const std::uint32_t roles = route.options.roles & kRoleBits;
  if (roles != 0 && (roles & role_bit(who.role)) == 0) {
    Response r = problem(ctx, 403,
                         route.options.forbidden.empty() ? "this role cannot use this operation"
                                                         : route.options.forbidden);
    co_return r;
  }
  const std::string& method = ctx.request.method;
  const bool write = method != "GET" && method != "HEAD" && method != "OPTIONS";
  // A cookie goes with every request the browser makes, whoever's page asks:
  // a write must also prove it comes from a page that could read the
  // session's CSRF token (which another site's page cannot).
  if (write && !who.csrf_token.empty()) {
    const auto proof = ctx.request.header(kCsrfHeader);
    if (!proof || !constant_time_equal(*proof, who.csrf_token)) {
      Response r = problem(ctx, 403,
                           "a signed-in change needs the X-CSRF-Token header with the session's "
                           "csrf_token (GET /v1/me)",
                           {{std::string(kCsrfHeader), http::FieldCode::kRequired,
                             "must be the session's csrf_token"}});
      co_return r;
    }
  }
  if (write && who.is_viewer() && (route.options.roles & kSelfService) == 0) {
    Response r = problem(ctx, 403, "viewers can read but not change anything");
    co_return r;
  }
  ctx.principal = who;
  co_return std::nullopt;
}

bool charset_is_utf8(std::string_view type) {
  // RFC 9110 §8.3.1: type/subtype *( OWS ";" OWS name "=" (token / quoted-string) );
  // a ";" inside a quoted value does not end it.
  std::size_t i = type.find(';');
  while (i != std::string_view::npos && i < type.size()) {
    ++i;  // past the ';'
    while (i < type.size() && (type[i] == ' ' || type[i] == '\t')) ++i;
    const std::size_t name_start = i;
    while (i < type.size() && type[i] != '=' && type[i] != ';') ++i;
    std::string_view name = type.substr(name_start, i - name_start);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    std::string value;
    if (i < type.size() && type[i] == '=') {
      ++i;
      if (i < type.size() && type[i] == '"') {
        for (++i; i < type.size() && type[i] != '"'; ++i) {
          if (type[i] == '\\' && i + 1 < type.size()) ++i;
          value.push_back(type[i]);
        }
        if (i < type.size()) ++i;  // the closing quote
      } else {
        while (i < type.size() && type[i] != ';') value.push_back(type[i++]);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      }
    }
    if (http::iequals(name, "charset") && !http::iequals(value, "utf-8") &&
        !http::iequals(value, "utf8") && !http::iequals(value, "us-ascii")) {
      return false;  // ASCII is UTF-8 too
    }
    i = type.find(';', i);
  }
  return true;
}

std::variant<nlohmann::json, Response> json_body(const http::RequestContext& ctx,
                                                 bool merge_patch) {
  const auto type = ctx.request.header("Content-Type");
  std::string media = type ? std::string(type->substr(0, type->find(';'))) : "";
  while (!media.empty() && media.back() == ' ') media.pop_back();
  const bool ok = http::iequals(media, "application/json") ||
                  (merge_patch && http::iequals(media, "application/merge-patch+json"));
  if (!ok) {
    return problem(ctx, 415,
                   merge_patch ? "send application/merge-patch+json or application/json"
                               : "send application/json");
  }
  if (!charset_is_utf8(*type)) return problem(ctx, 415, "send JSON in UTF-8 (charset=utf-8)");
  bool too_deep = false;
  auto body = parse_json(ctx.request.body, &too_deep);
  if (too_deep) {
    return problem(ctx, 400,
                   "the body nests arrays and objects more than " + std::to_string(kMaxJsonDepth) +
                       " levels deep");
  }
  if (!body) {
    if (ctx.request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
      return problem(ctx, 400, "the body is empty: send a JSON object");
    }
    return problem(ctx, 400,
                   "the body is not valid JSON: " + json_syntax_problem(ctx.request.body));
  }
  if (!body->is_object()) return problem(ctx, 400, "the body must be a JSON object");
  return std::move(*body);
}

bool json_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

namespace {

// Parses `text` (no exceptions; discarded when invalid), noting in `repeated`
// the first member name that one object gives twice. JSON leaves a repeated
// name's meaning to the reader (RFC 8259, section 4): this parser keeps the
// last, a proxy or another reader may keep the first. Such a body is refused,
// so that everyone who reads it reads the same thing.
nlohmann::json parse_noting_repeats(std::string_view text, std::optional<std::string>& repeated) {
  std::vector<std::unordered_set<std::string>> names;  // an object's at each open level
  const nlohmann::json::parser_callback_t note = [&](int, nlohmann::json::parse_event_t event,
                                                     nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      names.emplace_back();
    } else if (event == Event::object_end) {
      if (!names.empty()) names.pop_back();
    } else if (event == Event::key && !names.empty() &&
               !names.back().insert(parsed.get<std::string>()).second && !repeated) {
      repeated = parsed.get<std::string>();
    }
    return true;
  };
  return nlohmann::json::parse(text, note, false);
}

}  // namespace

std::optional<nlohmann::json> parse_json(std::string_view text, bool* too_deep) {
  *too_deep = json_deeper_than(text, kMaxJsonDepth);
  if (*too_deep) return std::nullopt;
  std::optional<std::string> repeated;
  auto value = parse_noting_repeats(text, repeated);
  if (value.is_discarded() || repeated) return std::nullopt;
  return value;
}

std::string json_syntax_problem(std::string_view text) {
  // Parsed again, with exceptions, only to describe the failure: the one
  // parse that serves requests reports none.
  try {
    [[maybe_unused]] const auto value = nlohmann::json::parse(text);
    std::optional<std::string> repeated;
    parse_noting_repeats(text, repeated);
    if (repeated) {
      std::string name = *repeated;
      if (name.size() > 64) {  // cut at a character's start
        std::size_t cut = 64;
        while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
        name = name.substr(0, cut) + "…";
      }
      return "an object gives the member " +
             nlohmann::json(name).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
             " twice";
    }
  } catch (const nlohmann::json::out_of_range& e) {
    // 406: a number beyond a double's range, which JSON allows and this
    // service cannot hold.
    if (e.id == 406) return "a number is too large to read (such as 1e400)";
    return "a value is out of range";
  } catch (const nlohmann::json::parse_error& e) {
    return "invalid JSON at byte " + std::to_string(e.byte);
  } catch (const nlohmann::json::exception&) {
  }
  return "invalid JSON";
}

Response json_response(int status, const nlohmann::json& body) {
  Response r =
      Response::json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  // API answers are a tenant's data, often personal: no shared or stored copies.
  r.set_header("Cache-Control", "no-store");
  return r;
}

std::string etag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

std::optional<std::int64_t> if_match(const http::RequestContext& ctx, bool* bad) {
  *bad = false;
  auto h = ctx.request.header("If-Match");
  if (!h || *h == "*") return std::nullopt;
  std::string_view v = *h;
  // If-Match compares strongly (RFC 9110 section 13.1.1): a weak tag never
  // matches, and this service issues only strong ones.
  if (v.size() < 3 || v.front() != '"' || v.back() != '"') {
    *bad = true;
    return std::nullopt;
  }
  v = v.substr(1, v.size() - 2);
  // The tags this service issues are versions in plain decimal: "0587" or
  // "-1" is not one of them, though from_chars would read a number from it.
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || n < 1 || v.front() == '0') {
    *bad = true;
    return std::nullopt;
  }
  return n;
}

std::string encode_cursor(const std::string& value) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : value) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Url[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kBase64Url[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

std::optional<std::string> decode_cursor(const std::string& cursor) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : cursor) {
    const auto pos = kBase64Url.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

void reject_unknown_params(const http::RequestContext& ctx,
                           std::initializer_list<std::string_view> known,
                           std::vector<http::FieldError>& errors) {
  for (const auto& [key, value] : ctx.request.query_params()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      errors.push_back({key, http::FieldCode::kUnknownField, "unknown query parameter"});
    }
  }
}

std::int64_t seq_cursor(const http::RequestContext& ctx, char tag,
                        std::vector<http::FieldError>& errors) {
  const auto cursor = ctx.request.query_param("cursor");
  if (!cursor) return 0;
  const auto raw = decode_cursor(*cursor);
  if (!raw || raw->size() < 3 || raw->size() > 20 || (*raw)[0] != tag || (*raw)[1] != ':' ||
      raw->find_first_not_of("0123456789", 2) != std::string::npos) {
    errors.push_back({"cursor",
                      http::FieldCode::kInvalidFormat,
                      "is not a cursor this service issued",
                      {{"format", std::string("cursor")}}});
    return 0;
  }
  return std::stoll(raw->substr(2));
}

std::string encode_seq_cursor(char tag, std::int64_t seq) {
  return encode_cursor(std::string(1, tag) + ":" + std::to_string(seq));
}

int page_limit(const http::RequestContext& ctx, std::vector<http::FieldError>& errors) {
  auto raw = ctx.request.query_param("limit");
  if (!raw) return 50;
  int n = 0;
  auto [ptr, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), n);
  if (ec != std::errc() || ptr != raw->data() + raw->size() || n < 1 || n > 200) {
    errors.push_back({"limit",
                      http::FieldCode::kOutOfRange,
                      "must be a whole number from 1 to 200",
                      {{"min", 1LL}, {"max", 200LL}}});
    return 50;
  }
  return n;
}

awaitable<Response> idempotent(ApiContext& api, http::RequestContext& ctx,
                               const domain::Principal& who,
                               std::function<awaitable<Response>()> create, Replay replay,
                               ResourceOf resource_of) {
  const auto key = ctx.request.header("Idempotency-Key");
  if (!key) co_return co_await create();
  if (auto refused = bad_idempotency_key(ctx)) co_return std::move(*refused);
  const std::string k(*key);
  // The query is part of the request (an import's on_duplicate); without
  // one the fingerprint is as it always was. A large body (an import's) is
  // hashed on the CPU executor, not on an I/O thread.
  const std::string head = ctx.request.method + " " + ctx.request.path +
                           (ctx.request.query.empty() ? "" : "?" + ctx.request.query) + "\n";
  std::string hash;
  if (ctx.request.body.size() > (std::size_t{1} << 20)) {
    co_await api.cpu.run([&] { hash = util::sha256_hex(head + ctx.request.body); });
  } else {
    hash = util::sha256_hex(head + ctx.request.body);
  }
  std::optional<store::IdempotencyRecord> previous;
  // Autocommit statements: a twin request must see the reservation at once.
  co_await api.db.read([&](store::Tx& t) {
    previous = store::reserve_idempotency_key(t, who.actor_id(), k, ctx.request.method,
                                              ctx.request.path, hash);
  });
  if (previous) {
    if (previous->request_hash != hash) {
      co_return problem(
          ctx, 422, http::ProblemType::kIdempotencyKeyReused,
          "this Idempotency-Key was used with a different request; use a new key",
          {{"Idempotency-Key", http::FieldCode::kReused, "already used with a different request"}});
    }
    if (!previous->status || !previous->resource_id) {
      Response busy = problem(ctx, 409, http::ProblemType::kRequestInProgress,
                              "a request with this Idempotency-Key is still being processed; "
                              "retry shortly");
      busy.set_header("Retry-After", "1");
      co_return busy;
    }
    Response again = co_await replay(*previous->resource_id);
    if (again.status >= 200 && again.status < 300) again.status = *previous->status;
    again.set_header("Idempotent-Replayed", "true");
    co_return again;
  }
  // The key is ours: run the request; record what it created, or give the
  // key back when it created nothing (or failed), so a retry runs it again.
  std::optional<Response> response;
  std::exception_ptr failure;
  try {
    response = co_await create();
  } catch (...) {
    failure = std::current_exception();
  }
  const bool created = response && response->status >= 200 && response->status < 300;
  std::string resource_id;
  if (created && resource_of) {
    resource_id = resource_of(*response);
  } else if (created) {
    const auto location = response->header("Location").value_or("");
    resource_id = std::string(location.substr(location.rfind('/') + 1));
  }
  try {
    co_await api.db.read([&](store::Tx& t) {
      if (created && !resource_id.empty()) {
        store::complete_idempotency_key(t, who.actor_id(), k, response->status, resource_id);
      } else {
        store::release_idempotency_key(t, who.actor_id(), k);
      }
    });
  } catch (...) {
    // The resource exists; a lost record only means a retry creates again,
    // which the reservation's expiry bounds. Answer what happened.
    if (!failure && !created) failure = std::current_exception();
  }
  if (failure) std::rethrow_exception(failure);
  co_return std::move(*response);
}

}  // namespace kakehashi::api
