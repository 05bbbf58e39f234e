-- FirstWatch schema, version 1. Kept to SQL that ports to PostgreSQL:
-- timestamps are ISO-8601 UTC text (timestamptz there), JSON is text (jsonb there),
-- surrogate keys are INTEGER PRIMARY KEY (bigserial there).

CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('alert', 0);

CREATE TABLE alerts (
  id                     TEXT PRIMARY KEY,          -- 'FW-<seq>'
  seq                    INTEGER NOT NULL UNIQUE,
  detection_id           TEXT NOT NULL,
  detection_name         TEXT NOT NULL,
  fingerprint            TEXT NOT NULL CHECK (fingerprint <> ''),
  workspace              TEXT NOT NULL,
  title                  TEXT NOT NULL,
  description            TEXT,
  severity               TEXT NOT NULL CHECK (severity IN ('Informational', 'Low', 'Medium', 'High')),
  tactics                TEXT NOT NULL,             -- JSON array
  techniques             TEXT NOT NULL,             -- JSON array
  event_time             TEXT NOT NULL,
  subject                TEXT NOT NULL,             -- JSON object
  subject_upn            TEXT,                      -- lower-cased, for look-ups
  action                 TEXT,
  source_ip              TEXT,
  source_location        TEXT,
  insights               TEXT NOT NULL,             -- JSON array
  investigation_priority INTEGER,
  entities               TEXT NOT NULL,             -- JSON array
  details                TEXT NOT NULL,             -- JSON object
  target                 TEXT,                      -- JSON object or NULL
  raw                    TEXT NOT NULL,             -- JSON object
  status                 TEXT NOT NULL DEFAULT 'open'
                           CHECK (status IN ('open', 'acknowledged', 'escalated', 'resolved')),
  classification         TEXT CHECK (classification IN ('true_positive', 'benign_positive', 'false_positive')),
  last_change            TEXT,                      -- JSON StatusChange
  version                INTEGER NOT NULL DEFAULT 1,
  created_at             TEXT NOT NULL,
  updated_at             TEXT NOT NULL,
  UNIQUE (detection_id, fingerprint)
);
CREATE INDEX alerts_status ON alerts (status, seq);
CREATE INDEX alerts_subject_upn ON alerts (subject_upn, seq);

CREATE TABLE watermarks (
  workspace    TEXT NOT NULL,
  detection_id TEXT NOT NULL,
  watermark    TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (workspace, detection_id)
);

-- The delivery outbox: a row exists before the card is posted.
CREATE TABLE deliveries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id         TEXT NOT NULL REFERENCES alerts (id),
  platform         TEXT NOT NULL CHECK (platform IN ('teams', 'slack', 'console')),
  target           TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'failed', 'waiting')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,                            -- NULL with state 'failed' = given up
  lease_until      TEXT,                            -- claimed by a dispatcher until then
  last_error       TEXT,
  message_ref      TEXT,                            -- JSON MessageRef once posted
  rendered_version INTEGER,                         -- alert version the posted card shows
  render_next_at   TEXT,                            -- card update deferred until then
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (alert_id, platform, target)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_target ON deliveries (platform, target, state);

-- Thread replies, sent under a card once it is posted.
CREATE TABLE replies (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id        TEXT NOT NULL REFERENCES alerts (id),
  delivery_id     INTEGER NOT NULL REFERENCES deliveries (id),
  text            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  lease_until     TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX replies_due ON replies (state, next_attempt_at);
CREATE INDEX replies_delivery ON replies (delivery_id, id);

-- Every attempt, allowed or refused. alert_id has no foreign key: refusals may
-- name an alert that does not exist.
CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  at             TEXT NOT NULL,
  actor          TEXT NOT NULL,                     -- JSON Actor
  actor_platform TEXT NOT NULL,
  actor_id       TEXT NOT NULL,
  action         TEXT NOT NULL,
  alert_id       TEXT,
  outcome        TEXT NOT NULL CHECK (outcome IN ('allowed', 'refused', 'noop', 'failed')),
  detail         TEXT,
  origin         TEXT NOT NULL
);
CREATE INDEX audit_log_alert ON audit_log (alert_id, id);

CREATE TABLE conversation_refs (
  platform   TEXT NOT NULL,
  key        TEXT NOT NULL,
  name       TEXT NOT NULL,
  name_lower TEXT NOT NULL,
  ref        TEXT NOT NULL,                         -- JSON
  updated_at TEXT NOT NULL,
  PRIMARY KEY (platform, key)
);
CREATE INDEX conversation_refs_name ON conversation_refs (platform, name_lower);
