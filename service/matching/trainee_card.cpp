#include "matching/trainee_card.hpp"

#include "matching/features.hpp"
#include "util/uuid.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace kakehashi::matching {
namespace {

constexpr std::array<std::string_view, 6> kJlpt{"none", "N5", "N4", "N3", "N2", "N1"};
constexpr std::array<std::string_view, 7> kCefr{"none", "A1", "A2", "B1", "B2", "C1", "C2"};
constexpr std::array<std::string_view, 4> kStatuses{"active", "placed", "withdrawn", "erased"};

std::string format_clock(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60 % 100, minutes % 60);
  return buf;
}

std::vector<std::string> day_names(std::uint8_t bits) {
  static constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu",
                                                            "fri", "sat", "sun"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (bits & (1U << i)) out.emplace_back(kDays[i]);
  }
  return out;
}

// A uuid as its 16 bytes, or nothing for text that is not one in lower case.
std::optional<std::string> uuid_bytes(std::string_view id) {
  const auto bytes = util::parse_uuid(id, util::UuidCase::kLowerOnly);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

std::string uuid_text(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    const auto b = static_cast<std::uint8_t>(bytes[i]);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

// Every field of TraineeProfile is packed or deliberately left out below. A
// field added to the profile changes its size; this stops the build until the
// card packs it (or says why not), on the platform CI builds on.
#if defined(__GLIBCXX__) && defined(__x86_64__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(domain::TraineeProfile) == 688,
              "TraineeProfile changed: pack the new field in TraineeCard (trainee_card.cpp)");
#endif

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void text(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  void opt_text(const std::optional<std::string>& s) {
    byte(s ? 1 : 0);
    if (s) text(*s);
  }
  void real(double d) {
    char bytes[sizeof d];
    std::memcpy(bytes, &d, sizeof d);
    out_.append(bytes, sizeof d);
  }
  void opt_int(const std::optional<int>& v) {
    byte(v ? 1 : 0);
    if (v) varint(static_cast<std::uint32_t>(*v));
  }
  void opt_real(const std::optional<double>& v) {
    byte(v ? 1 : 0);
    if (v) real(*v);
  }
  void texts(const std::vector<std::string>& v) {
    varint(v.size());
    for (const auto& s : v) text(s);
  }
  // A number held as an integer count of 1/scale when that gives it back
  // exactly (years 2.5, a multiplier 1.75, an amount 120000.5), else as is.
  void decimal(double d, int scale) {
    const double scaled = d * scale;
    if (scaled >= 0 && scaled < 1e15) {
      const auto n = static_cast<std::uint64_t>(std::llround(scaled));
      if (static_cast<double>(n) / scale == d) {
        byte(2);
        varint(n);
        return;
      }
    }
    byte(1);
    real(d);
  }
  void opt_decimal(const std::optional<double>& v, int scale) {
    if (v) {
      decimal(*v, scale);
    } else {
      byte(0);
    }
  }
  // One of a few known words as its number (1..), anything else as text.
  template <std::size_t N>
  void word(const std::optional<std::string>& s, const std::array<std::string_view, N>& words) {
    if (!s) return byte(0);
    for (std::size_t i = 0; i < N; ++i) {
      if (*s == words[i]) return byte(static_cast<std::uint8_t>(i + 2));
    }
    byte(1);
    text(*s);
  }
  // YYYY-MM-DD as a day number when it reads back the same.
  void date(const std::optional<std::string>& s) {
    if (!s) return byte(0);
    if (const auto day = parse_day(*s); day && *day >= 0 && format_day(*day) == *s) {
      byte(2);
      varint(static_cast<std::uint64_t>(*day));
      return;
    }
    byte(1);
    text(*s);
  }
  // HH:MM as minutes when it reads back the same.
  void clock(const std::string& s) {
    if (const auto m = parse_clock(s); m && format_clock(*m) == s) {
      byte(2);
      varint(static_cast<std::uint64_t>(*m));
      return;
    }
    byte(1);
    text(s);
  }
  // Days as bits when they are distinct and in week order ("mon".."sun").
  void days(const std::vector<std::string>& v) {
    const auto bits = work_day_bits(v);
    if (day_names(bits) == v) {
      byte(2);
      byte(bits);
      return;
    }
    byte(1);
    texts(v);
  }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<std::uint8_t>(take(1)[0]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  std::uint8_t byte() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::string text() { return std::string(take(varint())); }
  std::optional<std::string> opt_text() {
    if (!byte()) return std::nullopt;
    return text();
  }
  double real() {
    double d;
    std::memcpy(&d, take(sizeof d).data(), sizeof d);
    return d;
  }
  std::optional<int> opt_int() {
    if (!byte()) return std::nullopt;
    return static_cast<int>(static_cast<std::uint32_t>(varint()));
  }
  std::optional<double> opt_real() {
    if (!byte()) return std::nullopt;
    return real();
  }
  std::vector<std::string> texts() {
    std::vector<std::string> v(varint());
    for (auto& s : v) s = text();
    return v;
  }
  std::optional<double> opt_decimal(int scale) {
    switch (byte()) {
      case 0:
        return std::nullopt;
      case 2:
        return static_cast<double>(varint()) / scale;
      default:
        return real();
    }
  }
  double decimal(int scale) { return opt_decimal(scale).value_or(0.0); }
  template <std::size_t N>
  std::optional<std::string> word(const std::array<std::string_view, N>& words) {
    const auto b = byte();
    if (b == 0) return std::nullopt;
    if (b == 1) return text();
    if (b - 2u >= N) throw std::logic_error("TraineeCard: unknown word");
    return std::string(words[b - 2u]);
  }
  std::optional<std::string> date() {
    const auto b = byte();
    if (b == 0) return std::nullopt;
    if (b == 1) return text();
    return format_day(static_cast<matcher::Day>(varint()));
  }
  std::string clock() {
    if (byte() == 1) return text();
    return format_clock(static_cast<int>(varint()));
  }
  std::vector<std::string> days() {
    if (byte() == 1) return texts();
    return day_names(byte());
  }

 private:
  std::string_view take(std::size_t n) {
    if (n > in_.size()) throw std::logic_error("TraineeCard: packed profile cut short");
    auto out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  std::string_view in_;
};

std::uint16_t short_length(const std::string& s) {
  if (s.size() > 0xffff) throw std::invalid_argument("TraineeCard: id or alias too long");
  return static_cast<std::uint16_t>(s.size());
}

}  // namespace

TraineeCard::TraineeCard(const domain::TraineeRecord& r)
    : seq_(r.seq), version_(r.version), alias_length_(short_length(r.alias)) {
  const auto& p = r.profile;
  std::string out;
  out.reserve(r.id.size() + r.organization_id.size() + r.alias.size() + 160);
  // Ids as a uuid's 16 bytes (length 16 with the flag), else as text.
  auto put_id = [&](const std::string& id, std::uint16_t& length, std::uint8_t flag) {
    if (auto bytes = uuid_bytes(id)) {
      out += *bytes;
      length = 16;
      binary_ids_ |= flag;
    } else {
      out += id;
      length = short_length(id);
    }
  };
  put_id(r.id, id_length_, 1);
  put_id(r.organization_id, organization_length_, 2);
  out += r.alias;
  Writer w(out);
  w.opt_text(p.country);
  w.opt_text(p.city);
  w.opt_text(p.timezone);
  // p.program: left out (what a trainee studied where identifies them).
  w.varint(p.skills.size());
  for (const auto& s : p.skills) {
    w.varint(static_cast<std::uint32_t>(s.skill_id));
    w.varint(static_cast<std::uint32_t>(s.level));
    w.opt_decimal(s.years, 10);
    // s.skill: named from the taxonomy by id when rendered.
  }
  w.word(p.japanese, kJlpt);
  w.word(p.english, kCefr);
  w.byte(p.japanese_certified ? 1 : 0);
  w.date(p.japanese_exam_date);
  w.opt_int(p.bjt_score);
  w.text(p.certifications_json);
  w.clock(p.work_start);
  w.clock(p.work_end);
  w.days(p.work_days);
  w.opt_decimal(p.bill_rate_multiplier, 100);
  w.date(p.available_from);
  w.opt_int(p.hours_per_week);
  w.byte(p.expected_monthly_rate ? 1 : 0);
  if (p.expected_monthly_rate) {
    w.decimal(p.expected_monthly_rate->amount, 100);
    w.text(p.expected_monthly_rate->currency);
  }
  w.texts(p.domains);
  w.texts(p.engagement);
  w.byte(static_cast<std::uint8_t>((p.consent_matching ? 1 : 0) | (p.consent_share_abroad ? 2 : 0) |
                                   (p.placed_elsewhere ? 4 : 0)));
  // p.consent_recorded_at: left out (not shown to firms).
  w.word(std::optional(p.status), kStatuses);
  out.shrink_to_fit();
  packed_ = std::move(out);
}

std::string TraineeCard::id() const {
  const auto v = std::string_view(packed_).substr(0, id_length_);
  return binary_ids_ & 1 ? uuid_text(v) : std::string(v);
}

std::string TraineeCard::organization_id() const {
  const auto v = std::string_view(packed_).substr(id_length_, organization_length_);
  return binary_ids_ & 2 ? uuid_text(v) : std::string(v);
}

std::string_view TraineeCard::alias() const {
  return std::string_view(packed_).substr(id_length_ + organization_length_, alias_length_);
}

domain::TraineeProfile TraineeCard::profile() const {
  Reader r(std::string_view(packed_).substr(id_length_ + organization_length_ + alias_length_));
  domain::TraineeProfile p;
  p.country = r.opt_text();
  p.city = r.opt_text();
  p.timezone = r.opt_text();
  p.skills.resize(r.varint());
  for (auto& s : p.skills) {
    s.skill_id = static_cast<int>(static_cast<std::uint32_t>(r.varint()));
    s.level = static_cast<int>(static_cast<std::uint32_t>(r.varint()));
    s.years = r.opt_decimal(10);
  }
  p.japanese = r.word(kJlpt);
  p.english = r.word(kCefr);
  p.japanese_certified = r.byte() != 0;
  p.japanese_exam_date = r.date();
  p.bjt_score = r.opt_int();
  p.certifications_json = r.text();
  p.work_start = r.clock();
  p.work_end = r.clock();
  p.work_days = r.days();
  p.bill_rate_multiplier = r.opt_decimal(100);
  p.available_from = r.date();
  p.hours_per_week = r.opt_int();
  if (r.byte()) {
    const double amount = r.decimal(100);
    p.expected_monthly_rate = domain::Money{amount, r.text()};
  }
  p.domains = r.texts();
  p.engagement = r.texts();
  const auto consents = r.byte();
  p.consent_matching = (consents & 1) != 0;
  p.consent_share_abroad = (consents & 2) != 0;
  p.placed_elsewhere = (consents & 4) != 0;
  p.status = r.word(kStatuses).value_or("");
  return p;
}

// The stored form: version (8 bytes), the three lengths (2 bytes each), the
// id flags (1 byte), the packed bytes.
constexpr std::size_t kHeader = 8 + 3 * 2 + 1;

void TraineeCard::store(std::string& out) const {
  char header[kHeader];
  std::memcpy(header, &version_, 8);
  std::memcpy(header + 8, &id_length_, 2);
  std::memcpy(header + 10, &organization_length_, 2);
  std::memcpy(header + 12, &alias_length_, 2);
  header[14] = static_cast<char>(binary_ids_);
  out.append(header, kHeader);
  out.append(packed_);
}

TraineeCard::TraineeCard(std::int64_t seq, std::string_view stored) : seq_(seq) {
  if (stored.size() < kHeader) throw std::logic_error("TraineeCard: stored card cut short");
  std::memcpy(&version_, stored.data(), 8);
  std::memcpy(&id_length_, stored.data() + 8, 2);
  std::memcpy(&organization_length_, stored.data() + 10, 2);
  std::memcpy(&alias_length_, stored.data() + 12, 2);
  binary_ids_ = static_cast<std::uint8_t>(stored[14]);
  packed_.assign(stored.substr(kHeader));
}

void TraineeCards::put(const TraineeCard& card) {
  Slot slot{bytes_.size(), 0};
  card.store(bytes_);
  slot.size = static_cast<std::uint32_t>(bytes_.size() - slot.offset);
  auto [it, inserted] = slots_.try_emplace(card.seq(), slot);
  if (!inserted) {
    garbage_ += it->second.size;
    it->second = slot;
  }
  if (garbage_ > (1u << 20) && garbage_ > bytes_.size() / 2) compact();
}

void TraineeCards::append(const TraineeCard& card) {
  Slot slot{bytes_.size(), 0};
  card.store(bytes_);
  slot.size = static_cast<std::uint32_t>(bytes_.size() - slot.offset);
  appended_.emplace_back(card.seq(), slot);
}

void TraineeCards::finish_appending() {
  slots_.reserve(slots_.size() + appended_.size());
  for (const auto& [seq, slot] : appended_) {
    auto [it, inserted] = slots_.try_emplace(seq, slot);
    if (!inserted) {  // a later one replaces it
      garbage_ += it->second.size;
      it->second = slot;
    }
  }
  appended_ = {};
}

bool TraineeCards::erase(std::int64_t seq) {
  auto it = slots_.find(seq);
  if (it == slots_.end()) return false;
  garbage_ += it->second.size;
  slots_.erase(it);
  if (slots_.empty()) {
    bytes_.clear();
    garbage_ = 0;
  } else if (garbage_ > (1u << 20) && garbage_ > bytes_.size() / 2) {
    compact();
  }
  return true;
}

std::optional<TraineeCard> TraineeCards::find(std::int64_t seq) const {
  auto it = slots_.find(seq);
  if (it == slots_.end()) return std::nullopt;
  return TraineeCard(seq, stored(it->second));
}

std::optional<std::string> TraineeCards::id(std::int64_t seq) const {
  auto it = slots_.find(seq);
  if (it == slots_.end()) return std::nullopt;
  const auto card = stored(it->second);
  std::uint16_t length;
  std::memcpy(&length, card.data() + 8, 2);
  const auto v = card.substr(kHeader, length);
  return card[14] & 1 ? uuid_text(v) : std::string(v);
}

std::optional<std::int64_t> TraineeCards::version(std::int64_t seq) const {
  auto it = slots_.find(seq);
  if (it == slots_.end()) return std::nullopt;
  std::int64_t v;
  std::memcpy(&v, bytes_.data() + it->second.offset, 8);
  return v;
}

void TraineeCards::organization_at(const Slot& slot, std::string& key) const {
  const auto card = stored(slot);
  std::uint16_t id_length, length;
  std::memcpy(&id_length, card.data() + 8, 2);
  std::memcpy(&length, card.data() + 10, 2);
  key.assign(1, card[14] & 2 ? '1' : '0');
  key.append(card.substr(kHeader + id_length, length));
}

std::string TraineeCards::organization_key(const std::string& id) {
  if (auto bytes = uuid_bytes(id)) return "1" + *bytes;
  return "0" + id;
}

std::string TraineeCards::organization_id(std::string_view key) {
  if (key.empty()) return {};
  return key[0] == '1' ? uuid_text(key.substr(1)) : std::string(key.substr(1));
}

void TraineeCards::compact() {
  std::string fresh;
  fresh.reserve(bytes_.size() - garbage_);
  for (auto& [seq, slot] : slots_) {
    const auto from = stored(slot);
    slot.offset = fresh.size();
    fresh.append(from);
  }
  bytes_ = std::move(fresh);
  garbage_ = 0;
}

void TraineeCards::shrink() {
  if (garbage_ > 0) {
    compact();
  } else {
    bytes_.shrink_to_fit();
  }
}

}  // namespace kakehashi::matching
