#include "domain/zone_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace kakehashi::domain {
namespace {

constexpr std::int64_t kDay = 86400;

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int year_of(std::int64_t utc_seconds) {
  std::int64_t z = (utc_seconds >= 0 ? utc_seconds / kDay : (utc_seconds - kDay + 1) / kDay);
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool has(std::size_t n) const { return pos_ + n <= b_.size(); }
  std::int64_t be(std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b_[pos_ + i]);
    pos_ += n;
    if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
  }
  std::uint8_t byte() { return static_cast<std::uint8_t>(b_[pos_++]); }
  void skip(std::size_t n) { pos_ += n; }
  std::size_t pos() const { return pos_; }
  std::string_view rest() const { return b_.substr(std::min(pos_, b_.size())); }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

struct Counts {
  std::int64_t isut, isstd, leap, time, type, chars;
};

std::optional<Counts> header(Reader& r, int* version) {
  if (!r.has(44)) return std::nullopt;
  if (r.be(1) != 'T' || r.be(1) != 'Z' || r.be(1) != 'i' || r.be(1) != 'f') return std::nullopt;
  const auto v = r.byte();
  *version = v == 0 ? 1 : v - '0';
  r.skip(15);
  Counts c{r.be(4), r.be(4), r.be(4), r.be(4), r.be(4), r.be(4)};
  if (c.isut < 0 || c.isstd < 0 || c.leap < 0 || c.time < 0 || c.type <= 0 || c.chars < 0 ||
      c.time > 100000 || c.type > 256 || c.leap > 100000 || c.chars > 100000 || c.isut > 256 ||
      c.isstd > 256) {
    return std::nullopt;
  }
  return c;
}

std::size_t block_size(const Counts& c, std::size_t time_size) {
  return static_cast<std::size_t>(c.time) * (time_size + 1) + static_cast<std::size_t>(c.type) * 6 +
         static_cast<std::size_t>(c.chars) + static_cast<std::size_t>(c.leap) * (time_size + 4) +
         static_cast<std::size_t>(c.isstd) + static_cast<std::size_t>(c.isut);
}

// POSIX TZ string pieces. Each returns false on a malformed string.
bool parse_name(std::string_view s, std::size_t& i) {
  if (i < s.size() && s[i] == '<') {
    const auto close = s.find('>', i);
    if (close == std::string_view::npos) return false;
    i = close + 1;
    return true;
  }
  const std::size_t start = i;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  return i - start >= 3;
}

// [+-]hh[:mm[:ss]] as seconds.
bool parse_hms(std::string_view s, std::size_t& i, int* out) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
  int parts[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (i >= s.size() || s[i] != ':') break;
      ++i;
    }
    const std::size_t start = i;
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 3) {
      v = v * 10 + (s[i++] - '0');
    }
    if (i == start) return false;
    parts[k] = v;
  }
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool parse_int(std::string_view s, std::size_t& i, int* out) {
  const std::size_t start = i;
  int v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 4) {
    v = v * 10 + (s[i++] - '0');
  }
  *out = v;
  return i > start;
}

}  // namespace

std::optional<ZoneRules> ZoneRules::parse(std::string_view bytes) {
  Reader r(bytes);
  int version = 1;
  auto c = header(r, &version);
  if (!c) return std::nullopt;
  std::size_t time_size = 4;
  if (version >= 2) {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    const std::size_t skip = block_size(*c, 4);
    if (!r.has(skip)) return std::nullopt;
    r.skip(skip);
    c = header(r, &version);
    if (!c) return std::nullopt;
    time_size = 8;
  }
  if (!r.has(block_size(*c, time_size))) return std::nullopt;
  std::vector<std::int64_t> times(static_cast<std::size_t>(c->time));
  for (auto& t : times) t = r.be(time_size);
  std::vector<std::uint8_t> index(static_cast<std::size_t>(c->time));
  for (auto& x : index) x = r.byte();
  std::vector<int> offsets(static_cast<std::size_t>(c->type));
  for (auto& o : offsets) {
    o = static_cast<int>(r.be(4));
    r.skip(2);  // isdst, designation index
    if (o < -25 * 3600 || o > 26 * 3600) return std::nullopt;
  }
  r.skip(block_size(*c, time_size) - static_cast<std::size_t>(c->time) * (time_size + 1) -
         static_cast<std::size_t>(c->type) * 6);
  ZoneRules z;
  z.initial_ = offsets[0];
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (index[k] >= offsets.size()) return std::nullopt;
    if (k > 0 && times[k] <= times[k - 1]) return std::nullopt;
    z.transitions_.emplace_back(times[k], offsets[index[k]]);
  }
  if (version >= 2) {
    std::string_view footer = r.rest();
    if (footer.size() >= 2 && footer[0] == '\n') {
      footer.remove_prefix(1);
      footer = footer.substr(0, footer.find('\n'));
      std::size_t i = 0;
      int std_offset = 0;
      if (!footer.empty() && parse_name(footer, i) && parse_hms(footer, i, &std_offset)) {
        z.footer_std_ = -std_offset;  // POSIX counts west of Greenwich as positive
        if (i < footer.size()) {
          bool ok = parse_name(footer, i);
          int dst = -std_offset + 3600;
          if (ok && i < footer.size() && footer[i] != ',') {
            int d = 0;
            ok = parse_hms(footer, i, &d);
            dst = -d;
          }
          PosixDate dates[2];
          for (auto& date : dates) {
            if (!ok || i >= footer.size() || footer[i] != ',') {
              ok = false;
              break;
            }
            ++i;
            if (i < footer.size() && footer[i] == 'M') {
              ++i;
              date.kind = 0;
              ok = parse_int(footer, i, &date.month) && i < footer.size() && footer[i++] == '.' &&
                   parse_int(footer, i, &date.week) && i < footer.size() && footer[i++] == '.' &&
                   parse_int(footer, i, &date.weekday) && date.month >= 1 && date.month <= 12 &&
                   date.week >= 1 && date.week <= 5 && date.weekday <= 6;
            } else if (i < footer.size() && footer[i] == 'J') {
              ++i;
              date.kind = 1;
              ok = parse_int(footer, i, &date.day) && date.day >= 1 && date.day <= 365;
            } else {
              date.kind = 2;
              ok = parse_int(footer, i, &date.day) && date.day <= 365;
            }
            if (ok && i < footer.size() && footer[i] == '/') {
              ++i;
              ok = parse_hms(footer, i, &date.time);
            }
          }
          if (ok) {
            z.footer_dst_ = dst;
            z.dst_start_ = dates[0];
            z.dst_end_ = dates[1];
          }
        }
      }
    }
  }
  return z;
}

ZoneRules ZoneRules::fixed(int offset_seconds) {
  ZoneRules z;
  z.initial_ = offset_seconds;
  z.footer_std_ = offset_seconds;
  return z;
}

std::vector<std::pair<std::int64_t, int>> ZoneRules::footer_transitions(int year) const {
  std::vector<std::pair<std::int64_t, int>> out;
  if (!footer_std_ || !footer_dst_) return out;
  // The local day (days since the epoch) a POSIX date names in `year`.
  auto day_of = [&](const PosixDate& d) -> std::int64_t {
    const std::int64_t jan1 = days_from_civil(year, 1, 1);
    if (d.kind == 1) return jan1 + d.day - 1 + (leap(year) && d.day >= 60 ? 1 : 0);
    if (d.kind == 2) return jan1 + d.day;
    const std::int64_t first = days_from_civil(year, static_cast<unsigned>(d.month), 1);
    const std::int64_t first_weekday = ((first % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4)
    std::int64_t day = first + ((d.weekday - first_weekday) % 7 + 7) % 7 + (d.week - 1) * 7;
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int length =
        d.month == 2 && leap(year) ? 29 : kDays[static_cast<std::size_t>(d.month - 1)];
    while (day >= first + length) day -= 7;
    return day;
  };
  // DST starts at its local standard time, and ends at its local DST time.
  out.emplace_back(day_of(dst_start_) * kDay + dst_start_.time - *footer_std_, *footer_dst_);
  out.emplace_back(day_of(dst_end_) * kDay + dst_end_.time - *footer_dst_, *footer_std_);
  std::sort(out.begin(), out.end());
  return out;
}

int ZoneRules::offset_at(std::int64_t t) const {
  if (!transitions_.empty() && t < transitions_.front().first) return initial_;
  const bool past_table = transitions_.empty() || t >= transitions_.back().first;
  if (!past_table || !footer_std_) {
    if (transitions_.empty()) return initial_;
    auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t,
                               [](std::int64_t v, const auto& p) { return v < p.first; });
    return std::prev(it)->second;
  }
  if (!footer_dst_) return *footer_std_;
  // After the table: the footer's rule, from the last transition of the year before.
  const int year = year_of(t);
  int offset = transitions_.empty() ? *footer_std_ : transitions_.back().second;
  for (int y = year - 1; y <= year; ++y) {
    for (const auto& [at, o] : footer_transitions(y)) {
      if (at <= t && (transitions_.empty() || at > transitions_.back().first)) offset = o;
    }
  }
  return offset;
}

std::vector<int> ZoneRules::offsets_between(std::int64_t from, std::int64_t to) const {
  std::vector<int> out{offset_at(from)};
  auto note = [&](int o) {
    if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
  };
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), from,
                             [](std::int64_t v, const auto& p) { return v < p.first; });
  for (; it != transitions_.end() && it->first <= to; ++it) note(it->second);
  if (footer_dst_ && (transitions_.empty() || to >= transitions_.back().first)) {
    const std::int64_t begin =
        transitions_.empty() ? from : std::max(from, transitions_.back().first);
    for (int y = year_of(begin); y <= year_of(to) && out.size() < 4; ++y) {
      for (const auto& [at, o] : footer_transitions(y)) {
        if (at > begin && at <= to) note(o);
      }
    }
  }
  return out;
}

}  // namespace kakehashi::domain
