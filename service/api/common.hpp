// Helpers every resource handler uses: authentication, JSON bodies, problem
// responses, ETags and cursors.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/api_context.hpp"
#include "domain/principal.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

namespace kakehashi::api {

using boost::asio::awaitable;
using http::Response;

Response problem(const http::RequestContext& ctx, int status, std::string detail,
                 std::vector<http::FieldError> errors = {});

// The caller's principal, or the 401 to answer.
awaitable<std::variant<domain::Principal, Response>> authenticate(ApiContext& api,
                                                                  http::RequestContext& ctx);

// Parses a JSON object body: 415 for another content type, 400 when malformed.
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

// Runs `create` once per Idempotency-Key: a repeat with the same body replays
// the first response; with another body it is a 422.
awaitable<Response> idempotent(ApiContext& api, http::RequestContext& ctx,
                               const domain::Principal& who,
                               std::function<awaitable<Response>()> create);

}  // namespace kakehashi::api
