-- Detections that could not read part of their window, per workspace, until a poll reads it all again.
CREATE TABLE blind_spells (
  workspace     TEXT NOT NULL,
  detection_id  TEXT NOT NULL,
  since         TEXT NOT NULL,
  last_seen_at  TEXT NOT NULL,
  reason        TEXT NOT NULL,
  reported_at   TEXT,
  PRIMARY KEY (workspace, detection_id)
);
