#include "matching/trainee_card.hpp"

#include <cstring>
#include <stdexcept>

namespace kakehashi::matching {
namespace {

// Every field of TraineeProfile is packed or deliberately left out below. A
// field added to the profile changes its size; this stops the build until the
// card packs it (or says why not), on the platform CI builds on.
#if defined(__GLIBCXX__) && defined(__x86_64__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(domain::TraineeProfile) == 680,
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
    : seq_(r.seq),
      version_(r.version),
      id_length_(short_length(r.id)),
      organization_length_(short_length(r.organization_id)),
      alias_length_(short_length(r.alias)) {
  const auto& p = r.profile;
  std::string out;
  out.reserve(r.id.size() + r.organization_id.size() + r.alias.size() + 160);
  out += r.id;
  out += r.organization_id;
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
    w.opt_real(s.years);
    // s.skill: named from the taxonomy by id when rendered.
  }
  w.opt_text(p.japanese);
  w.opt_text(p.english);
  w.byte(p.japanese_certified ? 1 : 0);
  w.opt_text(p.japanese_exam_date);
  w.opt_int(p.bjt_score);
  w.text(p.certifications_json);
  w.text(p.work_start);
  w.text(p.work_end);
  w.texts(p.work_days);
  w.opt_real(p.bill_rate_multiplier);
  w.opt_text(p.available_from);
  w.opt_int(p.hours_per_week);
  w.byte(p.expected_monthly_rate ? 1 : 0);
  if (p.expected_monthly_rate) {
    w.real(p.expected_monthly_rate->amount);
    w.text(p.expected_monthly_rate->currency);
  }
  w.texts(p.domains);
  w.texts(p.engagement);
  w.byte(
      static_cast<std::uint8_t>((p.consent_matching ? 1 : 0) | (p.consent_share_abroad ? 2 : 0)));
  // p.consent_recorded_at: left out (not shown to firms).
  w.text(p.status);
  out.shrink_to_fit();
  packed_ = std::move(out);
}

std::string_view TraineeCard::id() const { return std::string_view(packed_).substr(0, id_length_); }

std::string_view TraineeCard::organization_id() const {
  return std::string_view(packed_).substr(id_length_, organization_length_);
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
    s.years = r.opt_real();
  }
  p.japanese = r.opt_text();
  p.english = r.opt_text();
  p.japanese_certified = r.byte() != 0;
  p.japanese_exam_date = r.opt_text();
  p.bjt_score = r.opt_int();
  p.certifications_json = r.text();
  p.work_start = r.text();
  p.work_end = r.text();
  p.work_days = r.texts();
  p.bill_rate_multiplier = r.opt_real();
  p.available_from = r.opt_text();
  p.hours_per_week = r.opt_int();
  if (r.byte()) {
    const double amount = r.real();
    p.expected_monthly_rate = domain::Money{amount, r.text()};
  }
  p.domains = r.texts();
  p.engagement = r.texts();
  const auto consents = r.byte();
  p.consent_matching = (consents & 1) != 0;
  p.consent_share_abroad = (consents & 2) != 0;
  p.status = r.text();
  return p;
}

}  // namespace kakehashi::matching
