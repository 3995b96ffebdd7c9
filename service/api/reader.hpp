// Who reads the console's inbox, as the read marks name them. This is the one
// place that derives it from the principal: the person signed in
// ("person:<id>"), each with an inbox of their own; for an API key (a machine
// client, or people still sharing a key) the key ("key:<id>").
#pragma once

#include <string>

#include "domain/principal.hpp"

namespace kakehashi::api {

inline std::string reader_id(const domain::Principal& who) {
  return who.person ? "person:" + who.person->id : "key:" + who.key_id;
}

}  // namespace kakehashi::api
