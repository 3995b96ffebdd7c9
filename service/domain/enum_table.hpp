// Closed sets of wire names (JLPT levels, statuses, algorithms) as enums. Each
// enum states its values and names once, in an EnumTable; the templates here
// derive name, parse and the list of accepted names (for validators and their
// error messages) from that table, so no set is spelled out twice.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace kakehashi::domain {

// Specialized beside each enum:
//   template <> struct EnumTable<Jlpt> {
//     static constexpr const auto& kValues = kAllJlpt;  // every value, in order
//     static constexpr std::array<std::string_view, kValues.size()> kNames = {...};
//   };
// kValues[i] must have the underlying value i (checked by valid_enum_table).
template <class E>
struct EnumTable;

template <class E>
concept NamedEnum = std::is_enum_v<E> && requires {
  EnumTable<E>::kValues;
  EnumTable<E>::kNames;
};

// Every name, in the order of the enum's values.
template <NamedEnum E>
constexpr std::span<const std::string_view> names_of() {
  return EnumTable<E>::kNames;
}

// The wire name; "unknown" for a value outside the table (a bad cast).
template <NamedEnum E>
constexpr std::string_view enum_name(E e) {
  const auto i = static_cast<std::size_t>(e);
  return i < EnumTable<E>::kNames.size() ? EnumTable<E>::kNames[i] : std::string_view("unknown");
}

// Exact, case-sensitive match of a wire name.
template <NamedEnum E>
constexpr std::optional<E> parse_enum(std::string_view s) {
  for (std::size_t i = 0; i < EnumTable<E>::kNames.size(); ++i) {
    if (EnumTable<E>::kNames[i] == s) return EnumTable<E>::kValues[i];
  }
  return std::nullopt;
}

// The names joined for an error message: "draft, open, closed".
template <NamedEnum E>
std::string names_for_message() {
  std::string out;
  for (const auto name : names_of<E>()) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

// For a static_assert beside each table: as many names as values, values
// 0..N-1 in order (so enum_name may index), names non-empty and distinct.
template <NamedEnum E>
constexpr bool valid_enum_table() {
  const auto& values = EnumTable<E>::kValues;
  const auto& names = EnumTable<E>::kNames;
  if (values.size() != names.size()) return false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (static_cast<std::size_t>(values[i]) != i || names[i].empty()) return false;
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return false;
    }
  }
  return true;
}

}  // namespace kakehashi::domain
