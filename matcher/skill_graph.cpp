#include "matcher/skill_graph.hpp"

#include <algorithm>
#include <cctype>

namespace kakehashi::matcher {

namespace {

// NFKC's width folding for the characters a Japanese keyboard's full-width
// mode types in skill names: U+FF01..U+FF5E (EF BC 81..EF BD 9E) are the
// forms of ASCII 0x21..0x7E, and U+3000 (E3 80 80) is the ideographic space.
// Other bytes are copied as they are. Both lead bytes (E3, EF) can only start a
// sequence, so a byte scan does not misread the tail of another character.
void append_width_folded(std::string_view in, std::string& out) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    if ((b0 == 0xEF || b0 == 0xE3) && in.size() - i >= 3) {
      const auto b1 = static_cast<unsigned char>(in[i + 1]);
      const auto b2 = static_cast<unsigned char>(in[i + 2]);
      if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) {
        out.push_back(' ');
        i += 2;
        continue;
      }
      // U+FF01..U+FF3F are EF BC 81..BF and U+FF40..U+FF5E are EF BD 80..9E.
      if (b0 == 0xEF &&
          ((b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) || (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E))) {
        const unsigned offset = (b1 == 0xBC ? 0x00U : 0x40U) + (b2 & 0x3FU);  // code point - U+FF00
        out.push_back(static_cast<char>(0x20U + offset));
        i += 2;
        continue;
      }
    }
    out.push_back(static_cast<char>(b0));
  }
}

}  // namespace

std::string normalise_skill_name(std::string_view name) {
  // Width first, so that a full-width letter is lower-cased and an ideographic
  // space is trimmed and collapsed like any other space.
  std::string out;
  out.reserve(name.size());
  append_width_folded(name, out);
  // Trim, collapse runs of spaces to one ' ' and lower-case ASCII, in place:
  // the write position never passes the read position.
  std::size_t write = 0;
  bool space = false;
  for (std::size_t read = 0; read < out.size(); ++read) {
    const auto c = static_cast<unsigned char>(out[read]);
    if (std::isspace(c)) {
      space = write > 0;  // leading spaces are dropped; trailing ones never written
      continue;
    }
    if (space) out[write++] = ' ';
    space = false;
    out[write++] = static_cast<char>(std::tolower(c));
  }
  out.resize(write);
  return out;
}

SkillId SkillGraph::add_skill(std::string_view canonical_name) {
  const auto key = normalise_skill_name(canonical_name);
  if (auto it = by_name_.find(key); it != by_name_.end()) return it->second;
  const auto id = static_cast<SkillId>(names_.size());
  names_.emplace_back(canonical_name);
  related_.emplace_back();
  by_name_.emplace(key, id);
  return id;
}

bool SkillGraph::add_alias(std::string_view alias, SkillId skill) {
  if (skill >= names_.size()) return false;
  const auto key = normalise_skill_name(alias);
  if (key.empty()) return false;
  auto [it, inserted] = by_name_.emplace(key, skill);
  return inserted || it->second == skill;
}

bool SkillGraph::add_related(SkillId a, SkillId b, double similarity) {
  if (a >= names_.size() || b >= names_.size() || a == b) return false;
  similarity = std::clamp(similarity, 1e-6, 1.0 - 1e-6);
  auto upsert = [&](SkillId from, SkillId to) {
    auto& list = related_[from];
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const RelatedSkill& r) { return r.skill == to; });
    if (it != list.end()) {
      it->similarity = similarity;
    } else {
      list.push_back({to, similarity});
      std::sort(list.begin(), list.end(),
                [](const RelatedSkill& x, const RelatedSkill& y) { return x.skill < y.skill; });
    }
  };
  upsert(a, b);
  upsert(b, a);
  return true;
}

std::optional<SkillId> SkillGraph::resolve(std::string_view name) const {
  auto it = by_name_.find(normalise_skill_name(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::span<const RelatedSkill> SkillGraph::related(SkillId skill) const {
  if (skill >= related_.size()) return {};
  return related_[skill];
}

double SkillGraph::similarity(SkillId a, SkillId b) const {
  if (a == b) return 1.0;
  for (const auto& r : related(a)) {
    if (r.skill == b) return r.similarity;
  }
  return 0.0;
}

namespace {

// UTF-8 as code points, so that a Japanese name's distance counts characters,
// not bytes. A byte that starts no valid sequence counts as one character.
std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80           ? 1
                          : (b >> 5) == 0x6  ? 2
                          : (b >> 4) == 0xE  ? 3
                          : (b >> 3) == 0x1E ? 4
                                             : 0;
    if (n <= 1 || i + n > s.size()) {
      out.push_back(b);
      ++i;
      continue;
    }
    char32_t c = b & (0x7FU >> n);
    for (std::size_t k = 1; k < n; ++k)
      c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
    out.push_back(c);
    i += n;
  }
  return out;
}

std::size_t edit_distance(const std::vector<char32_t>& a, const std::vector<char32_t>& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// How far `input` is from a known name, relative to the longer of the two
// (0 the same, 1 nothing shared), so a one-letter name ("C", "R") is not near
// everything. A known name of three or more characters inside the input, or
// the input inside it, halves the distance ("php8" and "PHP").
double distance(const std::vector<char32_t>& input, std::string_view key,
                std::string_view known_text) {
  const auto known = code_points(known_text);
  const auto longer = std::max(input.size(), known.size());
  if (longer == 0) return 0;
  double d = static_cast<double>(edit_distance(input, known)) / static_cast<double>(longer);
  const auto shorter = std::min(input.size(), known.size());
  if (shorter >= 3 && (known_text.find(key) != std::string_view::npos ||
                       key.find(known_text) != std::string_view::npos)) {
    d /= 2;
  }
  return d;
}

}  // namespace

// The nearest names first; right after the nearest, its related skills (most
// similar first), since a misspelt "Laravell" wants Laravel, then PHP and
// Symfony, not whatever else happens to be spelt alike.
std::vector<std::string> SkillGraph::closest(std::string_view name, std::size_t n) const {
  const auto key = normalise_skill_name(name);
  const auto input = code_points(key);
  std::vector<double> best(names_.size(), 2.0);
  for (const auto& [known, id] : by_name_)
    best[id] = std::min(best[id], distance(input, key, known));
  std::vector<std::pair<double, SkillId>> ranked;
  ranked.reserve(names_.size());
  for (SkillId id = 0; id < names_.size(); ++id) ranked.emplace_back(best[id], id);
  std::sort(ranked.begin(), ranked.end());
  std::vector<SkillId> order;
  std::vector<bool> taken(names_.size(), false);
  auto take = [&](SkillId id) {
    if (order.size() < n && !taken[id]) {
      taken[id] = true;
      order.push_back(id);
    }
  };
  if (!ranked.empty()) {
    take(ranked.front().second);
    std::vector<RelatedSkill> near(related_[ranked.front().second].begin(),
                                   related_[ranked.front().second].end());
    std::stable_sort(near.begin(), near.end(), [](const RelatedSkill& x, const RelatedSkill& y) {
      return x.similarity > y.similarity;
    });
    for (const auto& r : near) take(r.skill);
  }
  for (const auto& [d, id] : ranked) take(id);
  std::vector<std::string> out;
  out.reserve(order.size());
  for (auto id : order) out.push_back(names_[id]);
  return out;
}

}  // namespace kakehashi::matcher
