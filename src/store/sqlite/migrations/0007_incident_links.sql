-- Alerts raised from Sentinel incidents, and what of them has been written back.
-- A write is due while the alert's version is above written_version.
CREATE TABLE incident_links (
  alert_seq        INTEGER PRIMARY KEY REFERENCES alerts (seq),
  workspace        TEXT NOT NULL,
  incident_name    TEXT NOT NULL,
  written_version  INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,
  lease_until      TEXT,
  last_error       TEXT,
  last_outcome     TEXT,
  updated_at       TEXT NOT NULL,
  UNIQUE (workspace, incident_name)
);
