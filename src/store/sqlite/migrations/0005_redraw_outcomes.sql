-- A card's redraw has its own outcome, apart from the first post's: how many
-- redraws failed in a row (render_attempts, for backoff and for choosing stale
-- cards fewest-failures first) and, once the service said a redraw can never
-- succeed or needs a person, render_state 'failed' or 'waiting' with the reason
-- in render_error. A card with a render_state is no longer picked as stale.
ALTER TABLE deliveries ADD COLUMN render_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN render_state TEXT CHECK (render_state IS NULL OR render_state = 'failed' OR render_state = 'waiting');
ALTER TABLE deliveries ADD COLUMN render_error TEXT;
