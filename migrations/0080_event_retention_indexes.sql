-- The retention job deletes old organization events and finished webhook
-- deliveries (store::purge_old_events): it finds them by age, checks each
-- event for a delivery still waiting, and the cascade finds each event's read
-- marks. Each of those is an index lookup, not a scan per row.
CREATE INDEX org_events_occurred ON org_events (occurred_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_seq);
CREATE INDEX notification_reads_event ON notification_reads (event_seq);
