import { KqlError, runQuery } from '../../../src/kql';
import { isRefusal, type ConformanceCase } from './case';
import { ALL_CASES } from './all';

const NOW = new Date('2024-05-01T12:00:00Z');
const none = { getTable: () => undefined };

function run(query: string): { columns: string[]; rows: unknown[][] } {
  const r = runQuery(query, none, { now: NOW });
  return { columns: r.columns.map((c) => `${c.name}:${c.type}`), rows: r.rows };
}

const title = (c: ConformanceCase): string => `${c.ref}: ${c.spec}`;

describe('KQL conformance with the documented behaviour', () => {
  it('has at least 200 cases', () => {
    expect(ALL_CASES.length).toBeGreaterThanOrEqual(200);
  });

  it.each(ALL_CASES.map((c) => [title(c), c] as const))('%s', (_t, c) => {
    if (isRefusal(c)) {
      let error: unknown;
      try {
        run(c.query);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(KqlError);
      expect((error as Error).message).toMatch(c.error);
      expect((error as Error).message).toMatch(/ at \d+:\d+$/);
      return;
    }
    const got = run(c.query);
    expect(got.columns).toEqual(c.columns);
    expect(got.rows).toEqual(c.rows);
  });
});
