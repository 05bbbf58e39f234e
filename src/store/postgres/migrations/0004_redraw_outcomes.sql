-- A card's redraw has its own outcome (see src/store/sqlite/migrations/0005_redraw_outcomes.sql).
ALTER TABLE deliveries ADD COLUMN render_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN render_state text CHECK (render_state IN ('failed', 'waiting'));
ALTER TABLE deliveries ADD COLUMN render_error text;
