-- Cheaper writes for the tables every new alert goes into (alerts, deliveries).
-- Measured on one poll of 10,000 hits (bench/pipeline-cost.ts), most of the
-- time went to SQLite:
--
-- * CHECK (x IN ('a', 'b', 'c')): SQLite builds a temporary b-tree for an IN
--   list of three or more constants each time a statement runs, so every
--   alert insert built three and every delivery insert two. The checks are now
--   OR-ed comparisons, which cost nothing noticeable.
-- * alerts had six b-trees: the table and indexes on id, seq,
--   detection+fingerprint, status and subject. seq is now the rowid, and the
--   id 'FW-<seq>' is derived from it rather than stored and indexed;
--   deliveries and replies point at alerts by seq (alert_seq). alerts_status
--   is dropped: no query could use it ("status <> 'resolved'" walks seq
--   backwards).
-- * An alert was 29 columns, each bound and copied on its own. What never
--   changes after a poll (the alert as raised) is now one JSON array, `body`;
--   the columns left are the ones queried or updated.
--
-- body is a JSON array in this order (src/store/sqlite/rows.ts reads it):
--   0 detectionName  1 workspace  2 title  3 description|null  4 severity
--   5 tactics[]  6 techniques[]  7 eventTime (ISO text)  8 subject{}
--   9 action|null  10 sourceIp|null  11 sourceLocation|null  12 insights[]
--   13 investigationPriority|null  14 entities[]  15 details{}  16 target{}|null
--   17 raw{}
--
-- SQLite cannot change a table's key or its checks in place, so the three
-- tables are rebuilt (create, copy, drop, rename). The runner turns foreign
-- keys off around migrations and runs foreign_key_check before committing.

-- Every id must be 'FW-<seq>' before the id column goes; a database where one
-- is not stops here, unchanged.
CREATE TEMP TABLE migration_0004_check (
  ok INTEGER CONSTRAINT "every alert id is FW-<seq>" CHECK (ok)
);
INSERT INTO migration_0004_check (ok) SELECT NOT EXISTS (SELECT 1 FROM alerts WHERE id <> 'FW-' || seq);
DROP TABLE migration_0004_check;

CREATE TABLE new_alerts (
  seq            INTEGER PRIMARY KEY,               -- the alert's id is 'FW-<seq>'
  detection_id   TEXT NOT NULL,
  fingerprint    TEXT NOT NULL CHECK (fingerprint <> ''),
  subject_upn    TEXT,                              -- lower-cased, for look-ups
  status         TEXT NOT NULL DEFAULT 'open'
                   CHECK (status = 'open' OR status = 'acknowledged' OR status = 'escalated' OR status = 'resolved'),
  classification TEXT
                   CHECK (classification = 'true_positive' OR classification = 'benign_positive' OR classification = 'false_positive'),
  last_change    TEXT,                              -- JSON StatusChange
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  body           TEXT NOT NULL,                     -- JSON array, see above
  UNIQUE (detection_id, fingerprint)
);
INSERT INTO new_alerts (seq, detection_id, fingerprint, subject_upn, status, classification, last_change, version,
    created_at, updated_at, body)
  SELECT seq, detection_id, fingerprint, subject_upn, status, classification, last_change, version, created_at, updated_at,
    json_array(detection_name, workspace, title, description, severity, json(tactics), json(techniques), event_time,
      json(subject), action, source_ip, source_location, json(insights), investigation_priority, json(entities),
      json(details), json(target), json(raw))
  FROM alerts ORDER BY seq;

CREATE TABLE new_deliveries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_seq        INTEGER NOT NULL REFERENCES alerts (seq),
  platform         TEXT NOT NULL CHECK (platform = 'teams' OR platform = 'slack' OR platform = 'console'),
  target           TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state = 'pending' OR state = 'posted' OR state = 'failed' OR state = 'waiting'),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,                            -- NULL with state 'failed' = given up
  lease_until      TEXT,                            -- claimed by a dispatcher until then
  last_error       TEXT,
  message_ref      TEXT,                            -- JSON MessageRef once posted
  rendered_version INTEGER,                         -- alert version the posted card shows
  render_next_at   TEXT,                            -- card update deferred until then
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (alert_seq, platform, target)
);
-- A delivery whose alert cannot be found fails NOT NULL here rather than being left behind.
INSERT INTO new_deliveries (id, alert_seq, platform, target, state, attempts, next_attempt_at, lease_until, last_error,
    message_ref, rendered_version, render_next_at, created_at, updated_at)
  SELECT d.id, a.seq, d.platform, d.target, d.state, d.attempts, d.next_attempt_at, d.lease_until, d.last_error,
    d.message_ref, d.rendered_version, d.render_next_at, d.created_at, d.updated_at
  FROM deliveries d LEFT JOIN alerts a ON a.id = d.alert_id ORDER BY d.id;

CREATE TABLE new_replies (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_seq       INTEGER NOT NULL REFERENCES alerts (seq),
  delivery_id     INTEGER NOT NULL REFERENCES deliveries (id),
  text            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state = 'pending' OR state = 'sent' OR state = 'failed'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  lease_until     TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
INSERT INTO new_replies (id, alert_seq, delivery_id, text, state, attempts, next_attempt_at, lease_until, last_error,
    created_at, updated_at)
  SELECT r.id, a.seq, r.delivery_id, r.text, r.state, r.attempts, r.next_attempt_at, r.lease_until, r.last_error,
    r.created_at, r.updated_at
  FROM replies r LEFT JOIN alerts a ON a.id = r.alert_id ORDER BY r.id;

-- AUTOINCREMENT: ids already handed out are never handed out again, so the
-- counters move to the new tables (the rename below carries them along).
DELETE FROM sqlite_sequence WHERE name IN ('new_deliveries', 'new_replies');
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'new_' || name, seq FROM sqlite_sequence WHERE name IN ('deliveries', 'replies');

DROP TABLE replies;
DROP TABLE deliveries;
DROP TABLE alerts;
ALTER TABLE new_alerts RENAME TO alerts;
ALTER TABLE new_deliveries RENAME TO deliveries;
ALTER TABLE new_replies RENAME TO replies;

-- The rowid (seq) ends every index entry: newest first within one UPN needs nothing more.
CREATE INDEX alerts_subject_upn ON alerts (subject_upn);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_waiting ON deliveries (platform, target) WHERE state = 'waiting';
CREATE INDEX replies_due ON replies (state, next_attempt_at);
CREATE INDEX replies_delivery ON replies (delivery_id, id);
