-- Detections that could not read part of their window, per workspace, until a poll reads it all again.
CREATE TABLE blind_spells (
  workspace     text NOT NULL,
  detection_id  text NOT NULL,
  since         timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  reason        text NOT NULL,
  reported_at   timestamptz,
  PRIMARY KEY (workspace, detection_id)
);
