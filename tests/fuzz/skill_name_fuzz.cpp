// Fuzz target: the skill-name normaliser (matcher::normalise_skill_name: the
// full-width fold, trimming, collapsing spaces, ASCII lower case), skill
// resolution and suggestions (matcher::SkillGraph, matching::Taxonomy), and
// the text checks every body passes through (domain/text.hpp), compared with
// a plain reference decoder written here, and the format checks of
// api/validation.hpp.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/validation.hpp"
#include "domain/currency.hpp"
#include "domain/text.hpp"
#include "fuzz_api.hpp"
#include "fuzz_target.hpp"
#include "matcher/skill_graph.hpp"
#include "store/sql_text.hpp"

namespace {

using kakehashi::fuzz::fail;
namespace domain = kakehashi::domain;
namespace matcher = kakehashi::matcher;

// The Unicode Standard's well-formed UTF-8, decoded the long way: the code
// point of the sequence at `i` and its length, or nullopt.
std::optional<std::pair<std::uint32_t, std::size_t>> decode(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = b(0);
  std::size_t length = 0;
  std::uint32_t cp = 0;
  if (lead < 0x80) return std::pair<std::uint32_t, std::size_t>{lead, 1};
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1FU;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0FU;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07U;
  } else {
    return std::nullopt;
  }
  if (s.size() - i < length) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    if ((b(k) & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b(k) & 0x3FU);
  }
  const std::uint32_t min = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return std::pair<std::uint32_t, std::size_t>{cp, length};
}

void text_checks(std::string_view s) {
  std::optional<std::size_t> first_bad;
  std::size_t points = 0;
  bool control = false;
  bool control_but_newlines = false;
  bool space = false;
  for (std::size_t i = 0; i < s.size();) {
    const auto d = decode(s, i);
    if (!d) {
      first_bad = i;
      break;
    }
    const auto cp = d->first;
    ++points;
    const bool c0 = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
    control = control || (c0 && cp != '\t');
    control_but_newlines = control_but_newlines || (c0 && cp != '\t' && cp != '\n' && cp != '\r');
    space = space || cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 ||
            cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
            cp == 0x202F || cp == 0x205F || cp == 0x3000;
    i += d->second;
  }
  if (domain::first_invalid_utf8(s) != first_bad) {
    fail("first_invalid_utf8 disagrees with the reference decoder");
  }
  if (domain::valid_utf8(s) != !first_bad) fail("valid_utf8 disagrees with first_invalid_utf8");
  if (first_bad) return;  // the rest is specified for valid UTF-8 only
  if (domain::code_points(s) != points) fail("code_points miscounts");
  if (domain::has_control_characters(s, false) != control) fail("has_control_characters");
  if (domain::has_control_characters(s, true) != control_but_newlines) {
    fail("has_control_characters (newlines allowed)");
  }
  if (domain::has_white_space(s) != space) fail("has_white_space");
  const auto stripped = domain::strip_utf8_bom(s);
  if (stripped.size() != s.size() - (s.starts_with("\xEF\xBB\xBF") ? 3 : 0)) fail("strip_bom");
}

void normaliser(std::string_view s) {
  const std::string n = matcher::normalise_skill_name(s);
  if (matcher::normalise_skill_name(n) != n) fail("normalise_skill_name is not idempotent");
  if (!n.empty() && (n.front() == ' ' || n.back() == ' ')) fail("normalised name not trimmed");
  if (n.find("  ") != std::string::npos) fail("normalised name keeps a run of spaces");
  for (char c : n) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 'A' && u <= 'Z') fail("normalised name keeps a capital letter");
    if (u != ' ' && std::isspace(u)) fail("normalised name keeps a tab or line break");
  }
  if (n.size() > s.size()) fail("normalising made the name longer");
  if (domain::valid_utf8(s) && !domain::valid_utf8(n)) {
    fail("normalising valid UTF-8 gave invalid UTF-8");
  }
  const auto& taxonomy = kakehashi::fuzz::fixture().api.taxonomy;
  const auto snapshot = taxonomy.snapshot();
  const std::string name(s);
  const auto id = snapshot->resolve(name);
  if (id != snapshot->resolve(n)) fail("a name and its normal form resolve differently");
  if (id && !snapshot->by_id(*id)) fail("resolve gave an id by_id does not know");
  if (s.size() <= 256) {
    const auto hints = snapshot->closest(name);
    if (hints.size() > snapshot->skills.size()) fail("more suggestions than skills");
  }
  matcher::SkillGraph graph;
  const auto added = graph.add_skill(s);
  if (graph.resolve(n) != added) fail("a skill does not resolve by its normal form");
}

void formats(const std::string& s) {
  namespace api = kakehashi::api;
  if (api::valid_date(s) && (s.size() != 10 || s < "1900")) fail("valid_date");
  if (api::valid_timestamp(s) && (s.size() < 20 || !api::valid_date(s.substr(0, 10)))) {
    fail("valid_timestamp");
  }
  if (api::valid_email(s) && (s.size() > 254 || s.find('@') == std::string::npos)) {
    fail("valid_email");
  }
  if (api::valid_slug(s) && (s.empty() || s.size() > 40)) fail("valid_slug");
  // Amounts take ISO 4217 codes of money: not the funds, metals and "no
  // currency" codes (XXX, XAU, ...), which the oracle had still counted.
  if (api::valid_currency(s) != domain::is_money_currency(s)) fail("valid_currency");
  if (api::valid_currency(s) && !domain::is_iso4217(s)) fail("valid_currency took a non-ISO code");
  if (domain::is_iso4217(s) && s.size() != 3) fail("is_iso4217 took a code not 3 long");
  if (kakehashi::store::is_uuid(s) && s.size() != 36) fail("is_uuid");
}

}  // namespace

KAKEHASHI_FUZZ_TARGET(skill_name) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  text_checks(input);
  normaliser(input);
  formats(input);
  return 0;
}
