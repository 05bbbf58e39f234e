-- Alert bodies share their repeated parts (src/store/sqlite/compact-json.ts).
--
-- A poll of 10,000 alerts of one rule wrote 10,000 copies of the same object
-- keys (the query's columns, the entity and detail labels) and the same rule
-- texts: an alert row took about 1.9 KB, two to a 4 KB page, and copying those
-- pages into the WAL and back into the file at the checkpoint was a third of
-- the poll's time (bench/pipeline-cost.ts). body_format 1 names such a part by
-- its id in body_parts instead of repeating it. Parts are written once and never
-- changed or removed.
--
-- Rows written before keep body_format 0 (the plain JSON of 0004); both read back
-- the same. Elements 1 (workspace) and 16 (target), which queries read and
-- update in SQL, stay plain in both.
CREATE TABLE body_parts (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE   -- JSON: an object's keys, in order, or a whole value
);

ALTER TABLE alerts ADD COLUMN body_format INTEGER NOT NULL DEFAULT 0 CHECK (body_format = 0 OR body_format = 1);
