#include "store/registry.hpp"

#include "store/accounts.hpp"

namespace kakehashi::store {

std::vector<PreparedStatement> registry_statements() {
  auto out = organization_statements();
  for (const auto& part : {trainee_statements(), project_statements(), account_statements()}) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

}  // namespace kakehashi::store
