import { rows, source, table } from './fixtures';
import { checkedQueries } from './support/checked';

const { q, verify } = checkedQueries('parse kind=regex');
const src = source(
  table('AzureActivity', 'Message:string', [
    { Message: 'Subscription moved from tenant 1111 to tenant 2222 by admin' },
    { Message: 'nothing to see' },
  ]),
);

describe('parse kind=regex', () => {
  it('reads the pattern’s strings as regular expressions and fills typed columns', () => {
    const query = q(
      `AzureActivity | parse kind=regex Message with ".*moved from tenant " From:long " to tenant " To:long " by\\\\s+" Who:string | project From, To, Who`,
    );
    expect(rows(query, src)).toEqual([
      { From: 1111, To: 2222, Who: 'admin' },
      { From: null, To: null, Who: '' },
    ]);
  });
});

verify();
