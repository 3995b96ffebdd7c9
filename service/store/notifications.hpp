// The console's inbox: an organization's events (org_events, written by the
// triggers of migration 0050) with each reader's read marks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/transaction.hpp"

namespace kakehashi::store {

struct NotificationRow {
  std::int64_t seq = 0;
  std::string id;
  std::string type;
  std::string occurred_at;
  std::optional<std::string> match_id, project_id, trainee_id, round_id;
  std::string data;  // JSON text
  bool read = false;
};

// Newest first, below `before_seq` (0: from the newest).
std::vector<NotificationRow> list_notifications(Tx& t, const std::string& organization_id,
                                                const std::string& reader, std::int64_t before_seq,
                                                bool unread_only, int limit);
std::int64_t unread_notifications(Tx& t, const std::string& organization_id,
                                  const std::string& reader);
// False when the organization has no such event.
bool mark_notification_read(Tx& t, const std::string& organization_id, const std::string& reader,
                            const std::string& event_id);
// Marks everything the organization has so far as read.
void mark_all_notifications_read(Tx& t, const std::string& organization_id,
                                 const std::string& reader);

}  // namespace kakehashi::store
