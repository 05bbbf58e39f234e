-- When each alert's row reached the workspace (ingestion_time()), beside its event time, so a
-- card can say how late the activity was reported. Null for alerts raised before, and for
-- rules whose query does not return it. (SQLite keeps it as element 18 of alerts.body.)
ALTER TABLE alerts ADD COLUMN ingestion_time timestamptz;
