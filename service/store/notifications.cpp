#include "store/notifications.hpp"

#include <pqxx/pqxx>

#include "store/sql_text.hpp"
#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

constexpr const char* kListNotifications =
    "SELECT e.seq, e.id, e.type, to_json(e.occurred_at)#>>'{}' AS occurred_at, e.match_id, "
    "  e.project_id, e.trainee_id, e.round_id, e.data::text AS data, "
    "  (e.seq <= coalesce(rd.read_through, 0) OR EXISTS ("
    "     SELECT 1 FROM notification_reads r WHERE r.reader = $2 AND r.event_seq = e.seq)) "
    "    AS read "
    "FROM org_events e LEFT JOIN notification_readers rd ON rd.reader = $2 "
    "WHERE e.organization_id = $1 AND ($3::bigint = 0 OR e.seq < $3::bigint) "
    "  AND NOT ($4::boolean AND (e.seq <= coalesce(rd.read_through, 0) OR EXISTS ("
    "     SELECT 1 FROM notification_reads r WHERE r.reader = $2 AND r.event_seq = e.seq))) "
    "ORDER BY e.seq DESC LIMIT $5";
constexpr const char* kUnreadCount =
    "SELECT count(*) AS unread FROM org_events e "
    "WHERE e.organization_id = $1 "
    "  AND e.seq > coalesce((SELECT read_through FROM notification_readers WHERE reader = $2), 0) "
    "  AND NOT EXISTS (SELECT 1 FROM notification_reads r "
    "                  WHERE r.reader = $2 AND r.event_seq = e.seq)";
constexpr const char* kMarkRead =
    "INSERT INTO notification_reads (reader, event_seq) "
    "SELECT $2, seq FROM org_events WHERE organization_id = $1 AND id = $3::uuid "
    "ON CONFLICT DO NOTHING RETURNING event_seq";
constexpr const char* kEventExists =
    "SELECT 1 FROM org_events WHERE organization_id = $1 AND id = $2::uuid";
constexpr const char* kMarkAllRead =
    "INSERT INTO notification_readers (reader, read_through) "
    "SELECT $2, coalesce(max(seq), 0) FROM org_events WHERE organization_id = $1 "
    "ON CONFLICT (reader) DO UPDATE SET "
    "  read_through = greatest(notification_readers.read_through, EXCLUDED.read_through)";
constexpr const char* kForgetSingleReads =
    "DELETE FROM notification_reads WHERE reader = $1 AND event_seq <= "
    "  (SELECT read_through FROM notification_readers WHERE reader = $1)";

}  // namespace

std::vector<NotificationRow> list_notifications(Tx& t, const std::string& organization_id,
                                                const std::string& reader, std::int64_t before_seq,
                                                bool unread_only, int limit) {
  std::vector<NotificationRow> out;
  for (const auto& r : exec_params(t.sql(), kListNotifications, organization_id, reader, before_seq,
                                   unread_only, limit)) {
    NotificationRow n;
    n.seq = r["seq"].as<std::int64_t>();
    n.id = r["id"].as<std::string>();
    n.type = r["type"].as<std::string>();
    n.occurred_at = r["occurred_at"].as<std::string>();
    n.match_id = opt<std::string>(r["match_id"]);
    n.project_id = opt<std::string>(r["project_id"]);
    n.trainee_id = opt<std::string>(r["trainee_id"]);
    n.round_id = opt<std::string>(r["round_id"]);
    n.data = r["data"].as<std::string>();
    n.read = r["read"].as<bool>();
    out.push_back(std::move(n));
  }
  return out;
}

std::int64_t unread_notifications(Tx& t, const std::string& organization_id,
                                  const std::string& reader) {
  return exec_params1(t.sql(), kUnreadCount, organization_id, reader)["unread"].as<std::int64_t>();
}

bool mark_notification_read(Tx& t, const std::string& organization_id, const std::string& reader,
                            const std::string& event_id) {
  if (!is_uuid(event_id)) return false;
  if (!exec_params(t.sql(), kMarkRead, organization_id, reader, event_id).empty()) return true;
  return !exec_params(t.sql(), kEventExists, organization_id, event_id).empty();
}

void mark_all_notifications_read(Tx& t, const std::string& organization_id,
                                 const std::string& reader) {
  exec_params(t.sql(), kMarkAllRead, organization_id, reader);
  exec_params(t.sql(), kForgetSingleReads, reader);
}

}  // namespace kakehashi::store
