// Language levels as ordered scales: JLPT for Japanese ("none", N5 lowest to N1
// highest) and CEFR for English ("none", A1 to C2). Ranks compare levels; the
// matcher's ordinals use the same numbers (0 none, 1 N5 / A1, ...).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/enum_table.hpp"

namespace kakehashi::domain {

enum class Jlpt : std::uint8_t { kNone, kN5, kN4, kN3, kN2, kN1 };

inline constexpr std::array kAllJlpt = {Jlpt::kNone, Jlpt::kN5, Jlpt::kN4,
                                        Jlpt::kN3,   Jlpt::kN2, Jlpt::kN1};

template <>
struct EnumTable<Jlpt> {
  static constexpr const auto& kValues = kAllJlpt;
  static constexpr std::array<std::string_view, kValues.size()> kNames = {"none", "N5", "N4",
                                                                          "N3",   "N2", "N1"};
};
static_assert(valid_enum_table<Jlpt>());

constexpr std::string_view jlpt_name(Jlpt j) { return enum_name(j); }
constexpr std::optional<Jlpt> parse_jlpt(std::string_view s) { return parse_enum<Jlpt>(s); }
// 0 for none, 1 for N5 ... 5 for N1.
constexpr int jlpt_rank(Jlpt j) { return static_cast<int>(j); }
// "none, N5, N4, N3, N2, N1"
inline std::string jlpt_names_for_message() { return names_for_message<Jlpt>(); }

enum class Cefr : std::uint8_t { kNone, kA1, kA2, kB1, kB2, kC1, kC2 };

inline constexpr std::array kAllCefr = {Cefr::kNone, Cefr::kA1, Cefr::kA2, Cefr::kB1,
                                        Cefr::kB2,   Cefr::kC1, Cefr::kC2};

template <>
struct EnumTable<Cefr> {
  static constexpr const auto& kValues = kAllCefr;
  static constexpr std::array<std::string_view, kValues.size()> kNames = {"none", "A1", "A2", "B1",
                                                                          "B2",   "C1", "C2"};
};
static_assert(valid_enum_table<Cefr>());

constexpr std::string_view cefr_name(Cefr c) { return enum_name(c); }
constexpr std::optional<Cefr> parse_cefr(std::string_view s) { return parse_enum<Cefr>(s); }
// 0 for none, 1 for A1 ... 6 for C2.
constexpr int cefr_rank(Cefr c) { return static_cast<int>(c); }
// "none, A1, A2, B1, B2, C1, C2"
inline std::string cefr_names_for_message() { return names_for_message<Cefr>(); }

}  // namespace kakehashi::domain
