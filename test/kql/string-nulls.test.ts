import { rows, source, table } from './fixtures';

// A stored row may carry null for a string column; Kusto has no null string, so it is "".
const t = table('T', 's:string, n:long', [
  { s: null, n: 1 },
  { s: '', n: 2 },
  { s: 'a', n: 3 },
]);
const src = source(t);

describe('a missing string is the empty string in grouping and distinct', () => {
  it('summarize by a string groups null with "" and shows it as ""', () => {
    expect(rows('T | summarize c = count() by s', src)).toEqual([
      { s: '', c: 2 },
      { s: 'a', c: 1 },
    ]);
  });

  it('distinct treats null and "" as one value', () => {
    expect(rows('T | distinct s', src)).toEqual([{ s: '' }, { s: 'a' }]);
  });
});
