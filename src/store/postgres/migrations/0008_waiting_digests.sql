-- Digests wait for their channel as deliveries do (see src/store/sqlite/migrations/0009_waiting_digests.sql).
ALTER TABLE digests DROP CONSTRAINT digests_state_check;
ALTER TABLE digests ADD CONSTRAINT digests_state_check CHECK (state IN ('pending', 'posted', 'failed', 'waiting'));
