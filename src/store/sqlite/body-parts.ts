import { encodeCompact, partRef } from './compact-json';
import type { SqliteConnection } from './connection';

/** Entries each cache keeps before it starts again: parts are few (shapes and rule texts), hostile data is not. */
const CACHE_LIMIT = 4096;

/**
 * body_parts: texts alert bodies share (see compact-json.ts), written once and
 * never changed or removed, so an id read from a committed row means the same
 * text for good. Caches hold only committed parts: a part written in a poll
 * that rolls back could see its id given to another text.
 */
export class BodyParts {
  private readonly ids = new Map<string, number>();
  private readonly texts = new Map<number, string>();
  private readonly keyLists = new Map<number, string[]>();

  constructor(private readonly conn: SqliteConnection) {}

  /** A writer for one transaction; `committed` must be called once it has committed. */
  writer(): PartsWriter {
    return new PartsWriter(this.conn, this.ids);
  }

  committed(writer: PartsWriter): void {
    for (const [text, id] of writer.written) {
      remember(this.ids, text, id);
      remember(this.texts, id, text);
    }
  }

  text(id: number): string {
    const cached = this.texts.get(id);
    if (cached !== undefined) return cached;
    const row = this.conn.sql('SELECT text FROM body_parts WHERE id = ?').get(id) as { text: string } | undefined;
    if (row === undefined) throw new Error(`alert body names body part ${id}, which is not stored`);
    if (!this.conn.inTransaction()) {
      remember(this.texts, id, row.text);
      remember(this.ids, row.text, id);
    }
    return row.text;
  }

  /** Part `id` as an object shape: its keys, in order. */
  keys(id: number): string[] {
    const cached = this.keyLists.get(id);
    if (cached !== undefined) return cached;
    const keys: unknown = JSON.parse(this.text(id));
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new Error(`body part ${id} is not a list of keys`);
    if (!this.conn.inTransaction()) remember(this.keyLists, id, keys);
    return keys;
  }
}

/** A part's text shorter than this stays inline: its reference would save next to nothing. */
const MIN_PART_LENGTH = 9;

/** Shapes remembered per first key in one transaction; past that, the others are looked up by text. */
const SHAPES_PER_FIRST_KEY = 16;

/** Parts one write transaction uses: found or written once each. */
export class PartsWriter {
  /** Parts this transaction looked up or wrote, to cache after it commits. */
  readonly written = new Map<string, number>();
  /** Texts met once in this transaction and kept inline. */
  private readonly seen = new Set<string>();
  /** Strings with an id: a rule's name is the same string in every alert, and hashed once. */
  private readonly strings = new Map<string, number>();
  /** Shapes with an id, by first key: most objects of a poll have one of a few shapes. */
  private readonly shapes = new Map<string, { keys: string[]; id: number }[]>();

  constructor(
    private readonly conn: SqliteConnection,
    private readonly committed: ReadonlyMap<string, number>,
  ) {}

  /**
   * The part id for `text` when it is already a part or was met before in this
   * transaction; undefined the first time. So a text only one alert ever has (a
   * description rendered from its row, keys from hostile data) stays in its row
   * and is not written twice, in the row and in body_parts with its index.
   */
  readonly ifRepeated = (text: string): number | undefined => {
    if (text.length < MIN_PART_LENGTH) return undefined;
    const id = this.written.get(text) ?? this.committed.get(text);
    if (id !== undefined) return id;
    if (!this.seen.has(text)) {
      this.seen.add(text);
      return undefined;
    }
    return this.write(text);
  };

  /** A whole value (a rule's name, a list of tactics) as its part, [-id], once it repeats; else itself, compact. */
  readonly whole = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const known = this.strings.get(v);
      if (known !== undefined) return partRef(known);
    }
    const id = this.ifRepeated(JSON.stringify(v));
    if (id === undefined) return encodeCompact(v, this.shapeId);
    if (typeof v === 'string') this.strings.set(v, id);
    return partRef(id);
  };

  /** ifRepeated for an object's keys, without writing them out as JSON each time. */
  readonly shapeId = (keys: string[]): number | undefined => {
    const first = keys[0] as string;
    const known = this.shapes.get(first);
    if (known !== undefined) for (const s of known) if (sameKeys(s.keys, keys)) return s.id;
    const id = this.ifRepeated(JSON.stringify(keys));
    if (id !== undefined) {
      if (known === undefined) this.shapes.set(first, [{ keys, id }]);
      else if (known.length < SHAPES_PER_FIRST_KEY) known.push({ keys, id });
    }
    return id;
  };

  private write(text: string): number {
    this.conn.sql('INSERT INTO body_parts (text) VALUES (?) ON CONFLICT (text) DO NOTHING').run(text);
    const row = this.conn.sql('SELECT id FROM body_parts WHERE text = ?').get(text) as { id: number };
    this.written.set(text, row.id);
    return row.id;
  }
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}
