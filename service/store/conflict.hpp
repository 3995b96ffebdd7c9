// The expected conflict a repository reports by throwing: a unique name or
// email taken, a row other rows still depend on. The use case's transaction
// rolls back and the handler answers 409 with the detail at the pointer.
#pragma once

#include <string>

namespace kakehashi::store {

struct Conflict {
  std::string detail;
  std::string pointer;  // JSON pointer into the request ("" when none fits)
};

}  // namespace kakehashi::store
