-- Sends counted against a limit the service keeps for the whole app (Slack's
-- chat.update: Tier 3, about 50 a minute per workspace): every replica takes a
-- slot here before calling, so together they stay within it. A row per send in
-- the last window; older rows are deleted as slots are taken.
CREATE TABLE send_budget (
  id  INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  at  TEXT NOT NULL
);
CREATE INDEX send_budget_key_at ON send_budget (key, at);
