// Turns stored trainees and projects into the matcher's compact features:
// levels as ordinals, dates as day numbers, IANA zones as UTC offsets, money in
// one currency unit, domains and organizations as small integers. A value the
// record does not state stays unknown.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/pricing.hpp"
#include "domain/project.hpp"
#include "domain/trainee.hpp"
#include "domain/zone_rules.hpp"
#include "matcher/types.hpp"

namespace kakehashi::matching {

// Days since 1970-01-01 of a YYYY-MM-DD date, or nullopt.
std::optional<matcher::Day> parse_day(std::string_view date);
std::string format_day(matcher::Day day);

// "none" 0, "N5" 1 ... "N1" 5; anything else unknown.
std::int8_t jlpt_ordinal(const std::optional<std::string>& level);
// "none" 0, "A1" 1 ... "C2" 6.
std::int8_t cefr_ordinal(const std::optional<std::string>& level);

// An amount per month in whole US dollars at the rate in force on `date`
// (the matcher compares bill rates with budgets; both go through the same
// rates). nullopt for a currency without a rate.
std::optional<std::int32_t> to_usd(double amount, const std::string& currency,
                                   const domain::Pricing& pricing, const std::string& date);

// "HH:MM" as minutes after midnight, or nullopt.
std::optional<int> parse_clock(std::string_view text);
// "mon".."sun" as matcher::Trainee::work_days bits.
std::uint8_t work_day_bits(const std::vector<std::string>& days);

// The IANA zones with rules (from the tz database's files), their distinct
// rules numbered densely: a trainee carries its zone's number, a project the
// offsets in force over its dates for every number. Names that are links to
// one file ("Japan", "Asia/Tokyo") share a number, so a project computes
// ~450 zones' offsets rather than ~1,200 names'.
struct ZoneTable {
  std::vector<domain::ZoneRules> rules;
  std::unordered_map<std::string, std::uint16_t> ids;  // name -> its rules' number
  // `name` with rules of its own.
  void add(std::string name, domain::ZoneRules r);
  // The rules, numbered after those the table has in the order given, and
  // each name with the number of its rules among them (store::load_zone_rules's
  // result). Rules past the matcher's last zone number are left out, and so
  // are their names; a name the table has keeps its number.
  void add_all(std::vector<domain::ZoneRules> all,
               std::vector<std::pair<std::string, std::size_t>> names);
};
// The offsets in force in each zone from the first to the last day (minutes).
std::vector<matcher::ZoneOffsets> zone_offsets_over(const ZoneTable& zones, matcher::Day first,
                                                    matcher::Day last);

std::uint8_t engagement_bits(const std::vector<std::string>& models);

// Interns strings as dense small integers (organizations, domains).
class Interner {
 public:
  std::uint64_t id(const std::string& name);
  const std::string& name(std::uint64_t id) const { return names_.at(id); }

 private:
  std::unordered_map<std::string, std::uint64_t> ids_;
  std::vector<std::string> names_;
};

// What conversion needs besides the record. Not thread-safe: the owner locks.
struct FeatureContext {
  const std::unordered_map<int, matcher::SkillId>* skill_ids = nullptr;  // database id -> graph id
  const std::unordered_map<std::string, int>* utc_offsets = nullptr;     // zone -> minutes
  Interner* organizations = nullptr;
  Interner* domains = nullptr;  // at most 64 become bits; later ones earn no domain credit
  const domain::Pricing* pricing = nullptr;  // rates and cost models; none: amounts unknown
  std::string date;                          // YYYY-MM-DD: the rates in force on it
  const ZoneTable* zones = nullptr;          // none: today's offsets only
};

matcher::Trainee trainee_features(const domain::TraineeRecord& t, FeatureContext& ctx);
matcher::Project project_features(const domain::ProjectRecord& p, FeatureContext& ctx);

}  // namespace kakehashi::matching
