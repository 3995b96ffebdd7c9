// An IANA time zone's rules as the tz database's compiled TZif files state
// them (RFC 8536): the UTC offset in force at any instant, DST included. The
// standard library of GCC 12 has no std::chrono time-zone database, and a
// fixed offset is wrong half the year wherever DST applies, so the service
// reads the same files PostgreSQL uses (/usr/share/zoneinfo on Debian).
// Parsing only: reading the files is the store's (store/timezones.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace kakehashi::domain {

class ZoneRules {
 public:
  // The rules in a TZif file's bytes (version 1 to 4), or nullopt when the
  // bytes are not one. Instants after the last transition use the footer's
  // POSIX rule when it has one (e.g. "CET-1CEST,M3.5.0,M10.5.0/3").
  static std::optional<ZoneRules> parse(std::string_view bytes);
  // A zone with one offset for ever (tests, UTC).
  static ZoneRules fixed(int offset_seconds);

  // The offset from UTC in seconds at `utc_seconds` since the epoch.
  int offset_at(std::int64_t utc_seconds) const;
  // The distinct offsets (seconds) in force between two instants, in order of
  // appearance.
  std::vector<int> offsets_between(std::int64_t from, std::int64_t to) const;

 private:
  struct Rule;                                             // a POSIX TZ rule with DST
  std::vector<std::pair<std::int64_t, int>> transitions_;  // (instant, offset from it on)
  int initial_ = 0;                                        // before the first transition
  std::optional<int> footer_std_;                          // the footer's standard offset
  std::optional<int> footer_dst_;
  struct PosixDate {
    int kind = 0;  // 0: Mm.w.d, 1: Jn (1..365, no Feb 29), 2: n (0..365)
    int month = 0, week = 0, weekday = 0, day = 0;
    int time = 7200;  // seconds after local midnight
  };
  PosixDate dst_start_{}, dst_end_{};
  // The transitions the footer's rule makes in a given year.
  std::vector<std::pair<std::int64_t, int>> footer_transitions(int year) const;
};

}  // namespace kakehashi::domain
