// Who reads the console's inbox, as the read marks name them. This is the one
// place that derives it from the principal: today the API key ("key:<id>"),
// since everyone sharing a key shares one inbox; once people sign in with
// accounts, the person.
#pragma once

#include <string>

#include "domain/principal.hpp"

namespace kakehashi::api {

inline std::string reader_id(const domain::Principal& who) { return "key:" + who.key_id; }

}  // namespace kakehashi::api
