import { rows, source, table } from './fixtures';
import { checkedQueries } from './support/checked';

const { q, verify } = checkedQueries('serialize, prev, next, row_number and row_window_session');
const t = (min: number): Date => new Date(Date.UTC(2024, 4, 1, 10, min));
const signins = table('SigninLogs', 'TimeGenerated:datetime, UserPrincipalName:string, Outcome:string', [
  { TimeGenerated: t(0), UserPrincipalName: 'a', Outcome: 'Failure' },
  { TimeGenerated: t(2), UserPrincipalName: 'a', Outcome: 'Failure' },
  { TimeGenerated: t(3), UserPrincipalName: 'a', Outcome: 'Success' },
  { TimeGenerated: t(5), UserPrincipalName: 'a', Outcome: 'Failure' },
  { TimeGenerated: t(50), UserPrincipalName: 'a', Outcome: 'Failure' },
  { TimeGenerated: t(1), UserPrincipalName: 'b', Outcome: 'Failure' },
]);
const src = source(signins);

describe('window functions over serialized rows', () => {
  it('prev and next read the neighbouring rows, with a default past the ends', () => {
    const query = q(
      'SigninLogs | sort by UserPrincipalName asc, TimeGenerated asc | serialize | extend Before = prev(Outcome), After = next(Outcome, 1, "none") | take 2 | project Before, After',
    );
    expect(rows(query, src)).toEqual([
      { Before: null, After: 'Failure' },
      { Before: 'Failure', After: 'Success' },
    ]);
  });

  it('serialize numbers the rows with row_number', () => {
    expect(rows(q('SigninLogs | sort by TimeGenerated asc | serialize n = row_number() | where n > 4 | project n'), src)).toEqual([
      { n: 5 },
      { n: 6 },
    ]);
  });

  it('row_window_session starts a session on a long gap, and when the restart condition (with prev) holds', () => {
    const query = q(`SigninLogs
| sort by UserPrincipalName asc, TimeGenerated asc
| extend Session = row_window_session(TimeGenerated, 24h, 20m, UserPrincipalName != prev(UserPrincipalName) or prev(Outcome) == "Success")
| summarize Outcomes = make_list(Outcome) by UserPrincipalName, Session
| project UserPrincipalName, Outcomes`);
    expect(rows(query, src)).toEqual([
      { UserPrincipalName: 'a', Outcomes: ['Failure', 'Failure', 'Success'] },
      { UserPrincipalName: 'a', Outcomes: ['Failure'] },
      { UserPrincipalName: 'a', Outcomes: ['Failure'] },
      { UserPrincipalName: 'b', Outcomes: ['Failure'] },
    ]);
  });
});

verify();
