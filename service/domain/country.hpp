// ISO 3166-1 alpha-2 country codes: whether a two-letter code names a country
// or territory, so that a trainee's or an organization's country is one that
// reports can group by and other systems understand ("XX", "ZZ" and "EU" look
// like codes and are not).
#pragma once

#include <span>
#include <string_view>

namespace kakehashi::domain {

// True only for an officially assigned code, in upper case ("BD", "JP"), and
// XK (Kosovo: user-assigned, but in common use for people from there);
// reserved and user-assigned codes ("XX", "ZZ", "EU", "UK") and lower case are
// false.
bool is_iso3166_alpha2(std::string_view code);

// Every code, sorted and without duplicates (for tests and listings).
std::span<const std::string_view> iso3166_alpha2_codes();

}  // namespace kakehashi::domain
