-- Alerts raised from Sentinel incidents, and what of them has been written back.
-- A write is due while the alert's version is above written_version.
CREATE TABLE incident_links (
  alert_id         text PRIMARY KEY REFERENCES alerts (id),
  workspace        text NOT NULL,
  incident_name    text NOT NULL,
  written_version  integer NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  lease_until      timestamptz,
  last_error       text,
  last_outcome     text,
  updated_at       timestamptz NOT NULL,
  UNIQUE (workspace, incident_name)
);
