// Fuzz target: what clients send back to page through lists, and the query
// strings they come in. The input is used four ways:
// - as an opaque cursor: api::decode_cursor, and encode_cursor/decode_cursor
//   round trips;
// - as the `cursor` parameter of a list (api::seq_cursor for each tag: the
//   position must come back from encode_seq_cursor unchanged);
// - as a raw query string: Request::query_params / query_param,
//   api::page_limit, api::reject_unknown_params;
// - as a request target (http::parse_target, http::percent_decode) and an
//   If-Match header (api::if_match).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/common.hpp"
#include "fuzz_api.hpp"
#include "fuzz_target.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace {

using kakehashi::fuzz::fail;
namespace api = kakehashi::api;
namespace http = kakehashi::http;

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

void cursors(const std::string& input) {
  const std::string encoded = api::encode_cursor(input);
  if (encoded.find_first_not_of(kBase64Url) != std::string::npos) {
    fail("encode_cursor left the base64url alphabet");
  }
  if (encoded.size() != (input.size() * 8 + 5) / 6) fail("encode_cursor's length");
  const auto back = api::decode_cursor(encoded);
  if (!back || *back != input) fail("decode_cursor(encode_cursor(x)) != x");
  if (const auto decoded = api::decode_cursor(input)) {
    const auto again = api::decode_cursor(api::encode_cursor(*decoded));
    if (!again || *again != *decoded) fail("a decoded cursor does not survive a round trip");
  }
}

void seq_cursors(const std::string& input) {
  for (const std::string& value : {input, api::encode_cursor(input)}) {
    http::Request request;
    request.query = "cursor=" + percent_encode(value);
    http::RequestContext ctx{request, "fuzz", "/v1/things", {}};
    for (const char tag : {'t', 'p', 'r', 'm', 'a'}) {
      std::vector<http::FieldError> errors;
      const auto seq = api::seq_cursor(ctx, tag, errors);
      if (!errors.empty()) {
        if (seq != 0) fail("a refused cursor still gave a position");
        continue;
      }
      if (seq < 0) fail("seq_cursor gave a negative position");
      // The next page's cursor names the same position.
      http::Request next;
      next.query = "cursor=" + api::encode_seq_cursor(tag, seq);
      http::RequestContext next_ctx{next, "fuzz", "/v1/things", {}};
      std::vector<http::FieldError> next_errors;
      if (api::seq_cursor(next_ctx, tag, next_errors) != seq || !next_errors.empty()) {
        fail("encode_seq_cursor(" + std::to_string(seq) + ") does not decode to itself");
      }
    }
  }
}

void queries(const std::string& input) {
  http::Request request;
  request.query = input;
  const auto params = request.query_params();
  for (std::size_t i = 0; i < params.size() && i < 8; ++i) {  // each lookup parses them all
    if (request.query_param(params[i].first) == std::nullopt) {
      fail("query_param misses a listed name");
    }
  }
  http::RequestContext ctx{request, "fuzz", "/v1/things", {}};
  std::vector<http::FieldError> errors;
  const int limit = api::page_limit(ctx, errors);
  if (limit < 1 || limit > 200) fail("page_limit outside 1..200");
  api::reject_unknown_params(ctx, {"limit", "cursor", "q"}, errors);
  for (const auto& e : errors) {
    if (e.pointer.empty() && e.message.empty()) fail("an empty field error");
  }
}

void targets(const std::string& input) {
  // A raw NUL never gets this far (Beast refuses it in a request line); a
  // percent-encoded one must not get through either.
  const bool raw_nul = input.find('\0') != std::string::npos;
  if (const auto target = http::parse_target(input)) {
    if (!raw_nul && target->path.find('\0') != std::string::npos) {
      fail("parse_target let a NUL through");
    }
    if (input.front() != '/') fail("parse_target took a target that is not origin-form");
    http::Request request;
    request.query = target->query;
    request.query_params();
  }
  for (const bool plus : {false, true}) {
    if (const auto decoded = http::percent_decode(input, plus)) {
      if (!raw_nul && decoded->find('\0') != std::string::npos) {
        fail("percent_decode let a NUL through");
      }
      if (decoded->size() > input.size()) fail("percent_decode grew its input");
    }
  }
  http::Request request;
  request.headers.push_back({"If-Match", input});
  http::RequestContext ctx{request, "fuzz", "/v1/things", {}};
  bool bad = false;
  if (const auto version = api::if_match(ctx, &bad)) {
    if (bad) fail("if_match both accepted and refused");
    // The tag etag() writes comes back as the same version. (if_match also
    // takes "0587" for "587", which a strong comparison would not: known,
    // not asserted here.)
    http::Request again;
    again.headers.push_back({"If-Match", api::etag(*version)});
    http::RequestContext again_ctx{again, "fuzz", "/v1/things", {}};
    bool again_bad = false;
    if (api::if_match(again_ctx, &again_bad) != version || again_bad) {
      fail("if_match does not take the tag etag() writes for " + std::to_string(*version));
    }
  }
}

}  // namespace

KAKEHASHI_FUZZ_TARGET(cursor) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  cursors(input);
  seq_cursors(input);
  queries(input);
  targets(input);
  return 0;
}
