// A trainee's card in the live index: what a firm may see of a trainee before
// a match is accepted (its id, organization, alias and profile without the
// program and the consent's time), kept for every matchable trainee.
//
// The card packs all of it into one string (lengths as varints, levels and
// flags as bytes, skills as ids: the renderer names them from the taxonomy).
// A profile held as a TraineeProfile costs ~1.3 KB a trainee in strings,
// optionals and vectors, most of it the index's whole footprint at 100k; the
// packed card ~200 bytes, and copying one (LiveIndex::trainee) one allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/trainee.hpp"

namespace kakehashi::matching {

class TraineeCard {
 public:
  TraineeCard() = default;
  explicit TraineeCard(const domain::TraineeRecord& record);

  std::int64_t seq() const { return seq_; }
  std::int64_t version() const { return version_; }
  std::string_view id() const;
  std::string_view organization_id() const;
  std::string_view alias() const;
  // The profile as a firm may see it: program and consent time empty; skill
  // names empty (named from the taxonomy by id).
  domain::TraineeProfile profile() const;

  // Bytes this card holds on the heap (for the memory figures).
  std::size_t packed_size() const { return packed_.size(); }

 private:
  std::int64_t seq_ = 0;
  std::int64_t version_ = 0;
  std::uint16_t id_length_ = 0;
  std::uint16_t organization_length_ = 0;
  std::uint16_t alias_length_ = 0;
  std::string packed_;  // id, organization id, alias, then the profile
};

}  // namespace kakehashi::matching
