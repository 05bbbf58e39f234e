import { KqlError } from '../../src/kql';
import { rows, source, table } from './fixtures';
import { checkedQueries } from './support/checked';

const { q, verify } = checkedQueries('make-series and series_* functions');
const day = 86_400_000;
const d0 = new Date('2024-04-20T00:00:00Z').getTime();
const deletes: Record<string, unknown>[] = [];
// alice deletes 2 a day for 14 days, then 40 on the last day; bob deletes 1 on day 3.
for (let d = 0; d < 15; d++)
  for (let k = 0; k < (d === 14 ? 40 : 2); k++) deletes.push({ TimeGenerated: new Date(d0 + d * day + k * 60_000), Caller: 'alice' });
deletes.push({ TimeGenerated: new Date(d0 + 3 * day), Caller: 'bob' });
const src = source(table('AzureActivity', 'TimeGenerated:datetime, Caller:string', deletes));

describe('make-series', () => {
  it('makes one row per group with an array per aggregate and the bins’ starts, empty bins holding the default', () => {
    const query = q(
      `AzureActivity | make-series Total = count() default = 0 on TimeGenerated from datetime(2024-04-20) to datetime(2024-04-25) step 1d by Caller | sort by Caller asc`,
    );
    expect(rows(query, src)).toEqual([
      {
        Caller: 'alice',
        Total: [2, 2, 2, 2, 2],
        TimeGenerated: [
          '2024-04-20T00:00:00.000Z',
          '2024-04-21T00:00:00.000Z',
          '2024-04-22T00:00:00.000Z',
          '2024-04-23T00:00:00.000Z',
          '2024-04-24T00:00:00.000Z',
        ],
      },
      {
        Caller: 'bob',
        Total: [0, 0, 0, 1, 0],
        TimeGenerated: [
          '2024-04-20T00:00:00.000Z',
          '2024-04-21T00:00:00.000Z',
          '2024-04-22T00:00:00.000Z',
          '2024-04-23T00:00:00.000Z',
          '2024-04-24T00:00:00.000Z',
        ],
      },
    ]);
  });

  it('names an unnamed aggregate as summarize does and spans the data without from/to', () => {
    const r = rows(q('AzureActivity | where Caller == "bob" | make-series count() on TimeGenerated step 1h'), src);
    expect(r).toEqual([{ count_: [1], TimeGenerated: ['2024-04-23T00:00:00.000Z'] }]);
  });

  it('refuses a step that is not a constant', () => {
    expect(() => rows('AzureActivity | make-series count() on TimeGenerated step Caller', src)).toThrow(KqlError);
  });
});

describe('series_decompose_anomalies and friends', () => {
  const spike = `AzureActivity | make-series Total = count() on TimeGenerated from datetime(2024-04-20) to datetime(2024-05-05) step 1d by Caller`;

  it('flags the spike day of a steady series with a tuple assignment, and only it', () => {
    const query = q(`${spike}
| where Caller == "alice"
| extend (anomalies, score, baseline) = series_decompose_anomalies(Total, 1.5, -1, 'linefit')
| mv-expand Total to typeof(double), TimeGenerated to typeof(datetime), anomalies to typeof(double), score to typeof(double), baseline to typeof(long)
| where anomalies > 0
| project Caller, TimeGenerated, Total`);
    expect(rows(query, src)).toEqual([{ Caller: 'alice', TimeGenerated: new Date('2024-05-04T00:00:00Z'), Total: 40 }]);
  });

  it('fits a line with series_fit_line', () => {
    const query = q(
      'print s = dynamic([1, 3, 5, 7]) | extend (rsquare, slope, variance, rvariance, interception, line_fit) = series_fit_line(s) | project rsquare, slope, interception',
    );
    expect(rows(query)).toEqual([{ rsquare: 1, slope: 2, interception: 1 }]);
  });

  it('scores outliers with the 10th–90th percentile fence', () => {
    const r = rows(q('print s = dynamic([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 50]) | project o = series_outliers(s)'));
    const o = r[0]?.o as number[];
    expect(o.slice(0, 10).every((x) => x === 0)).toBe(true);
    expect(o[10]).toBeGreaterThan(1.5);
  });

  it('refuses a multi-output function used as one value, saying how to assign it', () => {
    expect(() => rows(`${spike} | extend a = series_decompose_anomalies(Total)`, src)).toThrow(KqlError);
    expect(() => rows(`${spike} | extend a = series_decompose_anomalies(Total)`, src)).toThrow(/extend \(ad_flag, ad_score, baseline\) =/);
  });
});

verify();
