import { kustoSyntaxErrors, loadKustoParser } from '../../support/kusto-parser';

/**
 * Collects the queries a test file runs so that each is also checked with Microsoft's parser:
 * `const { q, verify } = checkedQueries('feature')`, run `rows(q('...'))` in the tests, and call
 * `verify()` once at the end of the file (its test runs after the ones that collect).
 */
export function checkedQueries(feature: string): { q: (query: string) => string; verify: () => void } {
  const queries: string[] = [];
  return {
    q: (query: string) => {
      queries.push(query);
      return query;
    },
    verify: () =>
      describe(`${feature}: every query the tests ran`, () => {
        beforeAll(() => loadKustoParser(), 120_000);
        it("is valid KQL to Microsoft's parser", () => {
          expect(queries.length).toBeGreaterThan(0);
          for (const query of queries) expect({ query, errors: kustoSyntaxErrors(query) }).toEqual({ query, errors: [] });
        });
      }),
  };
}
