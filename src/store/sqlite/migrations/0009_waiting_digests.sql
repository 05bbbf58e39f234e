-- A storm digest for a channel that cannot show it yet (the bot is not in the
-- channel, or no Agents Playground page is open on it) waits, as a delivery
-- does, in state 'waiting' until releaseWaiting makes it due; before, it was
-- retried with backoff and given up after the last attempt, so a storm in a
-- channel the bot joined hours later never appeared there.
--
-- SQLite cannot change a check in place: the table is rebuilt (its checks as
-- OR-ed comparisons, see 0004).
CREATE TABLE new_digests (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  platform        TEXT NOT NULL CHECK (platform = 'teams' OR platform = 'slack' OR platform = 'console'),
  target          TEXT NOT NULL,
  poll_at         TEXT NOT NULL,                     -- created_at of the poll's deliveries
  alert_ids       TEXT NOT NULL,                     -- JSON array
  state           TEXT NOT NULL CHECK (state = 'pending' OR state = 'posted' OR state = 'failed' OR state = 'waiting'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,                              -- NULL with state 'failed' = given up, with 'waiting' = until released
  last_error      TEXT,
  message_ref     TEXT,                              -- JSON MessageRef once posted
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (platform, target, poll_at)
);
INSERT INTO new_digests (id, platform, target, poll_at, alert_ids, state, attempts, next_attempt_at, last_error, message_ref, created_at, updated_at)
  SELECT id, platform, target, poll_at, alert_ids, state, attempts, next_attempt_at, last_error, message_ref, created_at, updated_at FROM digests;
DROP TABLE digests;
ALTER TABLE new_digests RENAME TO digests;
CREATE INDEX digests_due ON digests (state, next_attempt_at);
