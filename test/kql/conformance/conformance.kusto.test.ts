import { runQuery } from '../../../src/kql';
import { kustoAnalysis, loadKustoParser } from '../../support/kusto-parser';
import { isRefusal } from './case';
import { ALL_CASES } from './all';

// The parser is a 4 MB Bridge.NET build: load it once, outside any single test's time budget.
beforeAll(() => loadKustoParser(), 120_000);

const none = { getTable: () => undefined };

describe("every conformance query is valid KQL to Microsoft's parser", () => {
  it.each(ALL_CASES.map((c) => [`${c.ref}: ${c.spec}`, c] as const))('%s', (_t, c) => {
    const microsoft = kustoAnalysis(c.query, {});
    // A case records why where the analyzer contradicts the reference page it follows.
    if (!isRefusal(c) && c.analyzerDiffers) return;
    expect(microsoft.errors).toEqual([]);
    if (isRefusal(c)) return;
    // Where the analyzer infers the result schema, it names and types the columns as the engine does.
    if (microsoft.columns.length > 0) {
      const ours = runQuery(c.query, none, { now: new Date('2024-05-01T12:00:00Z') }).columns.map((x) => `${x.name}:${x.type}`);
      expect(ours).toEqual(microsoft.columns);
    }
  });
});
