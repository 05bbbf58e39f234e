-- Storm digests: when one poll queues more cards for a target than the storm
-- threshold, one digest card is posted there instead. The digest is an outbox
-- row like a delivery (stored before posting, marked after), one per poll and
-- target; alert_ids lists the alerts it summarises, in order.
CREATE TABLE digests (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  platform        TEXT NOT NULL CHECK (platform IN ('teams', 'slack', 'console')),
  target          TEXT NOT NULL,
  poll_at         TEXT NOT NULL,                     -- created_at of the poll's deliveries
  alert_ids       TEXT NOT NULL,                     -- JSON array
  state           TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,                              -- NULL with state 'failed' = given up
  last_error      TEXT,
  message_ref     TEXT,                              -- JSON MessageRef once posted
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (platform, target, poll_at)
);
CREATE INDEX digests_due ON digests (state, next_attempt_at);
