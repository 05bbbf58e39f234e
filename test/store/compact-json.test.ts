import { decodeCompact, encodeCompact, partRef, type PartReader } from '../../src/store/sqlite/compact-json';

/** Parts in memory: every shape gets an id, as a poll's second sighting does. */
function memoryParts(): { shapeId: (keys: string[]) => number; whole: (v: unknown) => [number]; reader: PartReader } {
  const texts: string[] = [];
  const idOf = (text: string): number => {
    const at = texts.indexOf(text);
    if (at >= 0) return at + 1;
    texts.push(text);
    return texts.length;
  };
  return {
    shapeId: (keys) => idOf(JSON.stringify(keys)),
    whole: (v) => partRef(idOf(JSON.stringify(v))),
    reader: {
      text: (id) => texts[id - 1] as string,
      keys: (id) => JSON.parse(texts[id - 1] as string) as string[],
    },
  };
}

const roundTrip = (v: unknown, shapeId: (keys: string[]) => number | undefined, reader: PartReader): unknown =>
  decodeCompact(JSON.parse(JSON.stringify(encodeCompact(v, shapeId))), reader);

describe('compact alert body values', () => {
  const row = {
    TimeGenerated: '2026-11-27T11:12:00.000Z',
    InvestigationPriority: 5,
    ActivityInsights: { FirstTimeUserPerformedAction: 'True', Nested: [1, [2, [3]], { a: null }] },
    Tags: [],
    Empty: {},
    Flag: false,
    // Arrays in the data that look like the encoding's own.
    LooksEncoded: [[-1], [0, 'x'], [3, 'y'], -2],
  };

  it('reads back exactly what went in, key order included, with every object shape shared', () => {
    const { shapeId, reader } = memoryParts();
    const back = roundTrip(row, shapeId, reader);
    expect(back).toStrictEqual(row);
    expect(Object.keys(back as object)).toEqual(Object.keys(row));
    expect(JSON.stringify(back)).toBe(JSON.stringify(row));
  });

  it('reads back the same when no shape is shared (objects kept inline)', () => {
    const { reader } = memoryParts();
    expect(roundTrip(row, () => undefined, reader)).toStrictEqual(row);
  });

  it('writes a row of a known shape without its keys', () => {
    const { shapeId } = memoryParts();
    encodeCompact(row, shapeId);
    const second = JSON.stringify(encodeCompact({ ...row, InvestigationPriority: 7 }, shapeId));
    expect(second).not.toContain('TimeGenerated');
    expect(second).not.toContain('FirstTimeUserPerformedAction');
    expect(second.length).toBeLessThan(JSON.stringify(row).length * 0.75);
  });

  it('keeps a "__proto__" key from log data as an own key, never as the prototype', () => {
    const { shapeId, reader } = memoryParts();
    const hostile = JSON.parse('{"__proto__": {"isAdmin": true}, "user": "x"}') as Record<string, unknown>;
    for (const s of [shapeId, () => undefined]) {
      const back = roundTrip(hostile, s, reader) as Record<string, unknown>;
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect((back as { isAdmin?: unknown }).isAdmin).toBeUndefined();
      expect(Object.keys(back)).toEqual(['__proto__', 'user']);
      expect(JSON.stringify(back)).toBe(JSON.stringify(hostile));
    }
  });

  it('reads a whole shared value back as a fresh copy each time', () => {
    const { whole, reader } = memoryParts();
    const ref = whole(['Execution', 'LateralMovement']);
    const first = decodeCompact(ref, reader) as string[];
    first.push('changed by a caller');
    expect(decodeCompact(ref, reader)).toEqual(['Execution', 'LateralMovement']);
  });

  it('keeps what is nested deeper than it encodes as plain JSON, and reads it back', () => {
    const { shapeId, reader } = memoryParts();
    let deep: unknown = { leaf: [1, 2] };
    for (let i = 0; i < 200; i++) deep = i % 2 === 0 ? [deep] : { d: deep };
    expect(roundTrip(deep, shapeId, reader)).toStrictEqual(deep);
  });
});
