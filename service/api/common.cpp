#include "api/common.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "util/crypto.hpp"

namespace kakehashi::api {
namespace {

constexpr const char* kSelectIdempotent =
    "SELECT request_hash, status, headers::text, body FROM idempotency_keys "
    "WHERE api_key_id = $1 AND key = $2";
constexpr const char* kInsertIdempotent =
    "INSERT INTO idempotency_keys (api_key_id, key, method, path, request_hash, status, headers, "
    "body) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ON CONFLICT DO NOTHING";

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(
        diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

}  // namespace

Response problem(const http::RequestContext& ctx, int status, std::string detail,
                 std::vector<http::FieldError> errors) {
  http::Problem p;
  p.status = status;
  p.detail = std::move(detail);
  p.errors = std::move(errors);
  return http::problem_response(p, ctx.request.path, ctx.request_id);
}

awaitable<std::variant<domain::Principal, Response>> authenticate(ApiContext& api,
                                                                  http::RequestContext& ctx) {
  auto unauthorized = [&](std::string detail) {
    Response r = problem(ctx, 401, std::move(detail));
    r.set_header("WWW-Authenticate", "Bearer realm=\"kakehashi\"");
    return r;
  };
  const auto header = ctx.request.header("Authorization");
  if (!header) co_return unauthorized("an API key is required: Authorization: Bearer kh_...");
  std::string_view value = *header;
  if (value.size() < 7 || !http::iequals(value.substr(0, 7), "Bearer ")) {
    co_return unauthorized("the Authorization header must be 'Bearer <API key>'");
  }
  const std::string secret(value.substr(7));
  if (secret.size() != 51 || secret.rfind("kh_", 0) != 0) {
    co_return unauthorized("malformed API key");
  }
  const std::string prefix = secret.substr(0, 12);
  std::optional<store::KeyLookup> found = api.keys.get(prefix);
  if (!found) {
    co_await api.db.run(
        [&](pqxx::connection_base& c) { found = store::find_key_by_prefix(c, prefix); });
    if (found) api.keys.put(prefix, *found);
  }
  if (!found || !constant_time_equal(found->secret_sha256, util::sha256_hex(secret))) {
    co_return unauthorized("unknown API key");
  }
  if (found->revoked) co_return unauthorized("this API key has been revoked");
  const auto role = domain::parse_role(found->role);
  if (!role) co_return unauthorized("unknown API key");
  co_return domain::Principal{found->key_id, found->organization_id, *role};
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
  auto body = nlohmann::json::parse(ctx.request.body, nullptr, false);
  if (body.is_discarded()) return problem(ctx, 400, "the body is not valid JSON");
  if (!body.is_object()) return problem(ctx, 400, "the body must be a JSON object");
  return body;
}

Response json_response(int status, const nlohmann::json& body) {
  return Response::json(status,
                        body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string etag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

std::optional<std::int64_t> if_match(const http::RequestContext& ctx, bool* bad) {
  *bad = false;
  auto h = ctx.request.header("If-Match");
  if (!h || *h == "*") return std::nullopt;
  std::string_view v = *h;
  if (v.rfind("W/", 0) == 0) v.remove_prefix(2);
  if (v.size() < 3 || v.front() != '"' || v.back() != '"') {
    *bad = true;
    return std::nullopt;
  }
  v = v.substr(1, v.size() - 2);
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
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
      errors.push_back({key, "unknown query parameter"});
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
    errors.push_back({"cursor", "is not a cursor this service issued"});
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
    errors.push_back({"limit", "must be a whole number from 1 to 200"});
    return 50;
  }
  return n;
}

awaitable<Response> idempotent(ApiContext& api, http::RequestContext& ctx,
                               const domain::Principal& who,
                               std::function<awaitable<Response>()> create) {
  const auto key = ctx.request.header("Idempotency-Key");
  if (!key) co_return co_await create();
  if (key->empty() || key->size() > 200) {
    co_return problem(ctx, 422, "Idempotency-Key must be 1 to 200 characters",
                      {{"Idempotency-Key", "must be 1 to 200 characters"}});
  }
  const std::string k(*key);
  const std::string hash =
      util::sha256_hex(ctx.request.method + " " + ctx.request.path + "\n" + ctx.request.body);
  std::optional<std::tuple<std::string, int, std::string, std::string>> previous;
  co_await api.db.run([&](pqxx::connection_base& c) {
    pqxx::nontransaction tx(c);
    auto r = tx.exec_params(kSelectIdempotent, who.key_id, k);
    if (!r.empty()) {
      previous.emplace(r[0][0].as<std::string>(), r[0][1].as<int>(), r[0][2].as<std::string>(),
                       r[0][3].as<std::string>());
    }
  });
  if (previous) {
    auto& [previous_hash, status, headers, body] = *previous;
    if (previous_hash != hash) {
      co_return problem(ctx, 422,
                        "this Idempotency-Key was used with a different request; use a new key",
                        {{"Idempotency-Key", "already used with a different request"}});
    }
    Response replay = Response::json(status, body);
    auto h = nlohmann::json::parse(headers, nullptr, false);
    if (h.is_object()) {
      for (auto& [name, value] : h.items()) {
        if (value.is_string()) replay.set_header(name, value.get<std::string>());
      }
    }
    replay.set_header("Idempotent-Replayed", "true");
    co_return replay;
  }
  Response response = co_await create();
  if (response.status >= 200 && response.status < 300) {
    nlohmann::json headers = nlohmann::json::object();
    for (const char* name : {"Location", "ETag"}) {
      if (auto v = response.header(name)) headers[name] = std::string(*v);
    }
    co_await api.db.run([&](pqxx::connection_base& c) {
      pqxx::work tx(c);
      tx.exec_params(kInsertIdempotent, who.key_id, k, ctx.request.method, ctx.request.path, hash,
                     response.status, headers.dump(), response.body);
      tx.commit();
    });
  }
  co_return response;
}

}  // namespace kakehashi::api
