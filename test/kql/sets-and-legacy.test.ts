import { rows, scalar, source, table } from './fixtures';
import { checkedQueries } from './support/checked';

const { q, verify } = checkedQueries('set functions, array_index_of and legacy aggregates');

describe('set_union, set_intersect, set_difference', () => {
  it('keep distinct values, the first array’s order first', () => {
    expect(scalar(q('set_union(dynamic([1, 2, 2]), dynamic([3, 1]))'))).toEqual([1, 2, 3]);
    expect(scalar(q('set_intersect(dynamic(["a", "b", "c"]), dynamic(["c", "a"]))'))).toEqual(['a', 'c']);
    expect(scalar(q('set_difference(dynamic(["k1", "k2", "k3"]), dynamic(["k2"]), dynamic(["k3"]))'))).toEqual(['k1']);
  });

  it('give null when an argument is not an array', () => {
    expect(scalar(q('set_difference(dynamic({"a": 1}), dynamic([1]))'))).toBeNull();
  });
});

describe('array_index_of', () => {
  it('finds the first index of a value, -1 when absent, from a start and for an occurrence', () => {
    expect(scalar(q('array_index_of(dynamic(["Failure", "Failure", "Success"]), "Success")'))).toBe(2);
    expect(scalar(q('array_index_of(dynamic(["Failure"]), "Success")'))).toBe(-1);
    expect(scalar(q('array_index_of(dynamic([1, 2, 1, 2]), 2, 2)'))).toBe(3);
    expect(scalar(q('array_index_of(dynamic([1, 2, 1, 2]), 1, 0, 4, 2)'))).toBe(2);
  });
});

describe('makelist and makeset, the legacy spellings', () => {
  const src = source(
    table('T', 'User:string, Action:string', [
      { User: 'a', Action: 'x' },
      { User: 'a', Action: 'x' },
      { User: 'a', Action: 'y' },
    ]),
  );
  it('are make_list and make_set, named list_ and set_ as those are', () => {
    expect(rows(q('T | summarize makelist(Action), makeset(Action) by User'), src)).toEqual([
      { User: 'a', list_Action: ['x', 'x', 'y'], set_Action: ['x', 'y'] },
    ]);
  });
});

verify();
