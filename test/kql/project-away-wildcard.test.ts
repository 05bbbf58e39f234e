import { rows } from './fixtures';
import { checkedQueries } from './support/checked';

const { q, verify } = checkedQueries('project-away with a leading wildcard');

describe('project-away *1', () => {
  it('removes the columns a join suffixed with 1', () => {
    expect(rows(q('datatable(a:long, a1:long, b1:long, c:long)[1, 2, 3, 4] | project-away *1'))).toEqual([{ a: 1, c: 4 }]);
  });
});

verify();
