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
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/trainee.hpp"

namespace kakehashi::matching {

class TraineeCard {
 public:
  TraineeCard() = default;
  explicit TraineeCard(const domain::TraineeRecord& record);

  std::int64_t seq() const { return seq_; }
  std::int64_t version() const { return version_; }
  std::string id() const;
  std::string organization_id() const;
  std::string_view alias() const;
  // The profile as a firm may see it: program and consent time empty; skill
  // names empty (named from the taxonomy by id).
  domain::TraineeProfile profile() const;

  // Bytes this card holds on the heap (for the memory figures).
  std::size_t packed_size() const { return packed_.size(); }
  std::string_view packed() const { return packed_; }

 private:
  friend class TraineeCards;
  TraineeCard(std::int64_t seq, std::string_view stored);  // TraineeCards' form
  void store(std::string& out) const;
  std::int64_t seq_ = 0;
  std::int64_t version_ = 0;
  std::uint16_t id_length_ = 0;
  std::uint16_t organization_length_ = 0;
  std::uint16_t alias_length_ = 0;
  std::uint8_t binary_ids_ = 0;  // bit 0: the id is a uuid's 16 bytes; bit 1: the organization's
  std::string packed_;           // id, organization id, alias, then the profile
};

// Cards by seq, back to back in one buffer: no allocation per card (each was
// a map node and a string, ~100 bytes of bookkeeping and malloc overhead),
// and nothing of the cards scattered among a full load's garbage, which the
// allocator could then not hand back. A replaced or removed card leaves its
// bytes until the garbage outweighs the live cards; then the buffer is
// rewritten. Not thread-safe: the owner locks.
class TraineeCards {
 public:
  void put(const TraineeCard& card);  // inserts or replaces by seq
  // Room for `more` cards put at once (a bulk import's), so that the map
  // is not rehashed as it grows.
  void reserve(std::size_t more) { slots_.reserve(slots_.size() + more); }
  // A full load's cards: appended without their map entries, which
  // finish_appending() makes at once, after the load's garbage is gone (map
  // nodes made page by page would sit among it, keeping it resident).
  void append(const TraineeCard& card);
  void finish_appending();
  bool erase(std::int64_t seq);
  std::optional<TraineeCard> find(std::int64_t seq) const;
  std::optional<std::string> id(std::int64_t seq) const;
  std::optional<std::int64_t> version(std::int64_t seq) const;
  bool contains(std::int64_t seq) const { return slots_.count(seq) != 0; }
  std::size_t size() const { return slots_.size(); }
  // An organization id as cards hold it (a uuid as its 16 bytes after a 1,
  // other text after a 0), to compare and count without formatting each.
  static std::string organization_key(const std::string& id);
  static std::string organization_id(std::string_view key);
  // f(seq, organization key) for every card.
  template <class F>
  void for_each_organization(F f) const {
    std::string key;
    for (const auto& [seq, slot] : slots_) {
      organization_at(slot, key);
      f(seq, std::string_view(key));
    }
  }
  // Gives back spare capacity (after a full load).
  void shrink();
  std::size_t bytes() const { return bytes_.capacity(); }

 private:
  struct Slot {
    std::uint64_t offset;
    std::uint32_t size;
  };
  std::string_view stored(const Slot& slot) const {
    return std::string_view(bytes_).substr(slot.offset, slot.size);
  }
  void organization_at(const Slot& slot, std::string& key) const;
  void compact();

  std::string bytes_;
  std::unordered_map<std::int64_t, Slot> slots_;
  std::vector<std::pair<std::int64_t, Slot>> appended_;
  std::size_t garbage_ = 0;
};

}  // namespace kakehashi::matching
