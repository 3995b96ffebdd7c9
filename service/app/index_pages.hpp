// A full load's trainees straight into the live index: the change feed hands
// each page to a LiveIndex::Load as it reads it (features and cards are kept,
// the records go), and the subscriber that receives the published load swaps
// it in with the load's taxonomy. Wired in app/commands.cpp (subscribe()).
#pragma once

#include <memory>
#include <utility>

#include "matching/live_index.hpp"
#include "matching/taxonomy.hpp"
#include "store/change_feed.hpp"

namespace kakehashi::app {

class IndexPages : public store::TraineePages {
 public:
  // `so_far`: the load's skills and pricing (read before its trainees).
  IndexPages(matching::LiveIndex& live, const store::Everything& so_far)
      : pricing_(std::make_shared<const domain::Pricing>(so_far.pricing)),
        load_(live.begin_load(matching::Taxonomy::build(so_far.skills), pricing_)) {}
  void add(const std::vector<domain::TraineeRecord>& page) override { load_->add(page); }
  matching::LiveIndex::Load& load() { return *load_; }
  const std::shared_ptr<const domain::Pricing>& pricing() const { return pricing_; }

 private:
  std::shared_ptr<const domain::Pricing> pricing_;
  std::unique_ptr<matching::LiveIndex::Load> load_;
};

// Takes every full load's trainees page by page into `live`.
inline void load_pages_into(store::ChangeFeed& feed, matching::LiveIndex& live) {
  feed.on_full_load([&live](const store::Everything& so_far) {
    return std::make_shared<IndexPages>(live, so_far);
  });
}

// Replaces the taxonomy and everything in the index with a published full
// load (its pricing too).
inline void install_full_load(const store::Everything& all, matching::Taxonomy& taxonomy,
                              matching::LiveIndex& live) {
  auto* pages = dynamic_cast<IndexPages*>(all.trainee_pages.get());
  if (!pages) {  // a feed without load_pages_into: the records are held whole
    taxonomy.load(all.skills);
    live.set_reference(std::make_shared<const domain::Pricing>(all.pricing), nullptr);
    live.rebuild(all.trainees, all.projects);
    return;
  }
  taxonomy.install(pages->load().taxonomy());
  live.set_reference(pages->pricing(), nullptr);
  live.rebuild(pages->load(), all.projects);
}

}  // namespace kakehashi::app
