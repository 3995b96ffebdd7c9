// Helpers every resource handler uses: authentication, JSON bodies, problem
// responses, ETags and cursors.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/api_context.hpp"
#include "domain/principal.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"
#include "store/matches.hpp"

namespace kakehashi::api {

using boost::asio::awaitable;
using http::Response;

// A problem of the status's general kind (http::default_problem_type).
Response problem(const http::RequestContext& ctx, int status, std::string detail,
                 std::vector<http::FieldError> errors = {});
// A problem of a named kind.
Response problem(const http::RequestContext& ctx, int status, http::ProblemType type,
                 std::string detail, std::vector<http::FieldError> errors = {});
// 422 for query parameters: `errors` names each.
Response invalid_parameters(const http::RequestContext& ctx, std::vector<http::FieldError> errors);
// 412 for an If-Match that names an older version of the resource.
Response stale_etag(const http::RequestContext& ctx, std::string detail);
// 409 for a PATCH without If-Match whose record kept changing under every
// attempt to apply it (`what`: "trainee", "project").
Response kept_changing(const http::RequestContext& ctx, std::string_view what);
// 412 for an If-Match that is not an ETag this service issued.
Response bad_if_match(const http::RequestContext& ctx);
// 409 for unique data another record already uses, at `pointer`.
Response taken(const http::RequestContext& ctx, const std::string& pointer, std::string detail);

// Runs `work` in one transaction on the database executor. An expected
// conflict (store::Conflict) rolls the transaction back and is returned; any
// other exception propagates.
awaitable<std::optional<store::Conflict>> transact(ApiContext& api,
                                                   std::function<void(store::Tx&)> work);

// The audit trail's name for `who`: the key, the organization, the role and,
// when a person is signed in, the person and their name (otherwise the
// key's label).
store::Actor actor_of(const domain::Principal& who);
// The same, for the consent trigger's transaction settings.
store::Writer writer_of(const domain::Principal& who);

// Records, in the caller's transaction, that `who` read these trainees' name
// and contacts: one `personal_data_read` event each. Firms' reads of a
// disclosed match and every administrator's read are recorded; a training
// organization reading its own trainees is not.
void record_personal_data_reads(store::Tx& t, const domain::Principal& who,
                                std::span<const std::string> trainee_ids,
                                const std::optional<std::string>& match_id = std::nullopt,
                                const std::optional<std::string>& project_id = std::nullopt);

// A PATCH without If-Match applies to the resource as it is; when other
// writes keep coming between its read and its update, it gives up (409)
// after this many attempts.
constexpr int kPatchAttempts = 8;

// The principal the admission step found for this /v1/ request.
const domain::Principal& principal(const http::RequestContext& ctx);

// A handler function as the router takes it.
using HandlerFn = awaitable<Response> (*)(ApiContext&, http::RequestContext&);
http::Handler handler(ApiContext& api, HandlerFn fn);

// A resource's routes that share the roles allowed; each refusal says why.
struct RouteSpec {
  const char* method;
  const char* path;
  HandlerFn fn;
  const char* forbidden;
};
void add_routes(http::Router& router, ApiContext& api, std::span<const RouteSpec> routes,
                std::uint32_t roles);

// The caller's principal, or the 401 to answer.
awaitable<std::variant<domain::Principal, Response>> authenticate(ApiContext& api,
                                                                  http::RequestContext& ctx);

// Request documents nest at most this deep: copying, merging and destroying a
// parsed value recurse, so the bound is checked on the text before parsing.
inline constexpr int kMaxJsonDepth = 64;
bool json_deeper_than(std::string_view text, int max_depth);
// Parses untrusted JSON text; nullopt when malformed or (with *too_deep set)
// nested deeper than kMaxJsonDepth.
std::optional<nlohmann::json> parse_json(std::string_view text, bool* too_deep);
// Why parse_json refused `text` (not too deep), for the person who sent it:
// "a number is too large to read (such as 1e400)" or "invalid JSON at byte 17".
std::string json_syntax_problem(std::string_view text);

// The bit for `role` in http::RouteOptions::roles.
constexpr std::uint32_t role_bit(domain::Role role) { return 1U << static_cast<unsigned>(role); }
// Further bits of RouteOptions::roles, beside the roles': kPublic routes need
// no caller (signing in, accepting an invitation); kSelfService writes are
// open to viewers, who otherwise only read (signing out, their own second
// factor).
constexpr std::uint32_t kRoleBits = 0xFFFFU;
constexpr std::uint32_t kPublic = 1U << 31;
constexpr std::uint32_t kSelfService = 1U << 30;

// The session cookie and the header that proves a cookie-authenticated
// write comes from the console (CSRF): the token GET /v1/me and sign-in give.
inline constexpr std::string_view kSessionCookie = "kh_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
// The value of the cookie `name` in the request's Cookie headers (the
// first); `*differing` is set when they carry two different values of it.
std::optional<std::string> cookie_of(const http::Request& request, std::string_view name,
                                     bool* differing);
// The session token in the request's Cookie headers, if any; kTwoSessions
// when they carry two different ones (never a token: tokens are hex).
inline constexpr std::string_view kTwoSessions = "two sessions";
std::optional<std::string> session_cookie(const http::Request& request);
// A session's CSRF token: derived from its secret, so nothing more is
// stored, and unknowable to a page that cannot read the HttpOnly cookie.
std::string csrf_token_for(const std::string& session_token);

// The server's admission step for every matched route, before the body is
// read: a query parameter given twice is a 400 (which one would count?);
// /v1/ routes need an API key (401) and, where the route names roles, one of
// them (403). The principal is kept in ctx.principal for the handler.
awaitable<std::optional<Response>> admit(ApiContext& api, http::RequestContext& ctx,
                                         const http::Route& route);

// A guess at a secret with few possible values (a password, a 6-digit code)
// counts against the client's address before it is checked: admit's check
// alone let requests sent at once all pass before any of them had failed.
// reserve_guess answers the 429 when the address has no guess left;
// guess_was_right gives the guess back.
std::optional<Response> reserve_guess(ApiContext& api, const http::RequestContext& ctx);
void guess_was_right(ApiContext& api, const http::RequestContext& ctx);

// Whether a Content-Type's parameters let the body be read as UTF-8: no
// charset, or charset utf-8 (utf8, any case, quoted or not). A body declared
// in another charset (ISO-8859-1, UTF-16) was read as UTF-8 anyway, and failed
// as garbage or passed as mojibake: it is 415 instead.
bool charset_is_utf8(std::string_view content_type);

// Parses a JSON object body: 415 for another content type or a charset other
// than UTF-8, 400 when malformed.
// `merge_patch` also accepts application/merge-patch+json.
std::variant<nlohmann::json, Response> json_body(const http::RequestContext& ctx,
                                                 bool merge_patch = false);

Response json_response(int status, const nlohmann::json& body);

std::string etag(std::int64_t version);
// The version named by If-Match ("*" or absent: nullopt); a malformed header is
// answered 412 by the caller through `bad`.
std::optional<std::int64_t> if_match(const http::RequestContext& ctx, bool* bad);

std::string encode_cursor(const std::string& value);
std::optional<std::string> decode_cursor(const std::string& cursor);

// Reports each query parameter not in `known`.
void reject_unknown_params(const http::RequestContext& ctx,
                           std::initializer_list<std::string_view> known,
                           std::vector<http::FieldError>& errors);

// The position after which a keyset page starts: the `cursor` parameter, an
// opaque encoding of "<tag>:<seq>" that encode_seq_cursor made; 0 when absent.
std::int64_t seq_cursor(const http::RequestContext& ctx, char tag,
                        std::vector<http::FieldError>& errors);
std::string encode_seq_cursor(char tag, std::int64_t seq);

// `limit` from the query: default 50, 1..200; otherwise a field error.
int page_limit(const http::RequestContext& ctx, std::vector<http::FieldError>& errors);

// Renders the resource an earlier request created, by its id, as a GET would.
using Replay = std::function<awaitable<Response>(const std::string& resource_id)>;

// What a successful answer created, to keep for a replay (at most 64
// characters); by default the last segment of its Location.
using ResourceOf = std::function<std::string(const Response& created)>;

// Runs `create` once per Idempotency-Key: the key is reserved before `create`
// runs, so a twin request in flight gets 409; a repeat with the same body
// (and query) replays `replay(id)` of the created resource with the first
// status; with another it is a 422. Only the fingerprint, status and id are
// stored.
awaitable<Response> idempotent(ApiContext& api, http::RequestContext& ctx,
                               const domain::Principal& who,
                               std::function<awaitable<Response>()> create, Replay replay,
                               ResourceOf resource_of = {});

}  // namespace kakehashi::api
