import { KqlError } from '../../src/kql';
import { columns, rows, run, source, table } from './fixtures';

const t0 = new Date('2024-05-01T10:00:00Z');
const at = (min: number): Date => new Date(t0.getTime() + min * 60000);

const events = table(
  'Events',
  'TimeGenerated:datetime, User:string, Action:string, Count:long, Props:dynamic',
  [
    { TimeGenerated: at(0), User: 'alice', Action: 'login', Count: 1, Props: { tags: ['a', 'b'], ok: true } },
    { TimeGenerated: at(10), User: 'bob', Action: 'login', Count: 2, Props: { tags: [], ok: false } },
    { TimeGenerated: at(20), User: 'alice', Action: 'runCommand', Count: 3, Props: { tags: ['c'], ok: true } },
    { TimeGenerated: at(30), User: 'carol', Action: 'delete', Count: null, Props: null },
    { TimeGenerated: at(40), User: 'alice', Action: 'login', Count: 5, Props: { tags: ['a'], ok: true } },
  ],
  [at(1), at(11), at(21), at(31), at(41)],
);
const users = table('Users', 'Name:string, Dept:string', [
  { Name: 'alice', Dept: 'ops' },
  { Name: 'bob', Dept: 'dev' },
  { Name: 'dave', Dept: 'sales' },
  { Name: 'alice', Dept: 'sec' },
]);
const src = source(events, users);

describe('where, extend, project', () => {
  it('filters and computes columns in order', () => {
    expect(
      rows(
        'Events | where User == "alice" and Count > 1 | extend Double = Count * 2, Triple = Double + Count | project User, Double, Triple',
        src,
      ),
    ).toEqual([
      { User: 'alice', Double: 6, Triple: 9 },
      { User: 'alice', Double: 10, Triple: 15 },
    ]);
  });

  it('extend replaces a column in place; project renames and computes', () => {
    expect(columns('Events | extend Count = tostring(Count)', src)).toEqual([
      'TimeGenerated:datetime',
      'User:string',
      'Action:string',
      'Count:string',
      'Props:dynamic',
    ]);
    expect(rows('Events | take 1 | project Who = User, Ok = Props.ok, tostring(Count), strlen(User)', src)).toEqual([
      { Who: 'alice', Ok: true, Count: '1', strlen_User: 5 },
    ]);
  });

  it('project-away and project-rename', () => {
    expect(columns('Events | project-away Props, Count | project-rename Who = User', src)).toEqual([
      'TimeGenerated:datetime',
      'Who:string',
      'Action:string',
    ]);
    expect(columns('Events | project-away P*', src)).not.toContain('Props:dynamic');
    expect(() => run('Events | project-away Nope', src)).toThrow("project-away: unknown column 'Nope'");
    expect(() => run('Events | project-rename A = Nope', src)).toThrow("project-rename: unknown column 'Nope'");
  });

  it('project-keep and project-reorder', () => {
    expect(columns('Events | project-keep Count, T*', src)).toEqual(['TimeGenerated:datetime', 'Count:long']);
    expect(columns('Events | project-reorder Props, User', src)).toEqual([
      'Props:dynamic',
      'User:string',
      'TimeGenerated:datetime',
      'Action:string',
      'Count:long',
    ]);
    expect(() => run('Events | project-keep Nope', src)).toThrow("project-keep: unknown column 'Nope'");
  });

  it('take and limit', () => {
    expect(rows('Events | take 2 | project User', src)).toEqual([{ User: 'alice' }, { User: 'bob' }]);
    expect(rows('Events | where User == "alice" | limit 1 | project Count', src)).toEqual([{ Count: 1 }]);
    expect(() => run('Events | take -1', src)).toThrow(KqlError);
  });
});

describe('order, top, distinct, count', () => {
  it('sorts descending by default with nulls last, ascending with nulls first', () => {
    expect(rows('Events | order by Count | project Count', src).map((r) => r.Count)).toEqual([5, 3, 2, 1, null]);
    expect(rows('Events | sort by Count asc | project Count', src).map((r) => r.Count)).toEqual([null, 1, 2, 3, 5]);
    expect(rows('Events | sort by Count asc nulls last | project Count', src).map((r) => r.Count)).toEqual([1, 2, 3, 5, null]);
    expect(rows('Events | sort by User asc, TimeGenerated desc | project User, Count', src)).toEqual([
      { User: 'alice', Count: 5 },
      { User: 'alice', Count: 3 },
      { User: 'alice', Count: 1 },
      { User: 'bob', Count: 2 },
      { User: 'carol', Count: null },
    ]);
  });

  it('top N by', () => {
    expect(rows('Events | top 2 by TimeGenerated | project Count', src)).toEqual([{ Count: 5 }, { Count: null }]);
    expect(rows('Events | top 1 by Count asc | project Count', src)).toEqual([{ Count: null }]);
  });

  it('distinct and count', () => {
    expect(rows('Events | distinct User | order by User asc', src)).toEqual([{ User: 'alice' }, { User: 'bob' }, { User: 'carol' }]);
    expect(rows('Events | distinct User, Action | count', src)).toEqual([{ Count: 4 }]);
    expect(rows('Events | distinct * | count', src)).toEqual([{ Count: 5 }]);
    expect(columns('Events | count', src)).toEqual(['Count:long']);
  });
});

describe('summarize', () => {
  it('computes every supported aggregate with KQL default names', () => {
    const r = rows(
      `Events | summarize count(), countif(Action == "login"), dcount(Action), sum(Count), avg(Count), min(TimeGenerated),
         max(Count), make_set(Action), make_list(User), take_any(Action) by User | order by User asc`,
      src,
    );
    expect(r[0]).toEqual({
      User: 'alice',
      count_: 3,
      countif_: 2,
      dcount_Action: 2,
      sum_Count: 9,
      avg_Count: 3,
      min_TimeGenerated: at(0),
      max_Count: 5,
      set_Action: ['login', 'runCommand'],
      list_User: ['alice', 'alice', 'alice'],
      Action: 'login',
    });
    expect(r[2]).toMatchObject({ User: 'carol', count_: 1, sum_Count: 0, avg_Count: NaN, max_Count: null });
  });

  it('names aggregates and keys', () => {
    expect(rows('Events | summarize n = count(), Last = max(TimeGenerated) by Who = User | where n > 1', src)).toEqual([
      { Who: 'alice', n: 3, Last: at(40) },
    ]);
  });

  it('bins time keys, keeping the column name', () => {
    expect(rows('Events | summarize count() by bin(TimeGenerated, 30m) | order by TimeGenerated asc', src)).toEqual([
      { TimeGenerated: at(0), count_: 3 },
      { TimeGenerated: at(30), count_: 2 },
    ]);
  });

  it('arg_max(col, *) returns the whole latest row per key; arg_min picks the earliest', () => {
    expect(
      rows('Events | summarize arg_max(TimeGenerated, *) by User | order by User asc | project User, TimeGenerated, Action, Count', src),
    ).toEqual([
      { User: 'alice', TimeGenerated: at(40), Action: 'login', Count: 5 },
      { User: 'bob', TimeGenerated: at(10), Action: 'login', Count: 2 },
      { User: 'carol', TimeGenerated: at(30), Action: 'delete', Count: null },
    ]);
    expect(columns('Events | summarize arg_max(TimeGenerated, *) by User', src)).toEqual([
      'User:string',
      'TimeGenerated:datetime',
      'Action:string',
      'Count:long',
      'Props:dynamic',
    ]);
    expect(rows('Events | summarize arg_min(TimeGenerated, Action) by User | where User == "alice"', src)).toEqual([
      { User: 'alice', TimeGenerated: at(0), Action: 'login' },
    ]);
  });

  it('without by: one row, even over no rows', () => {
    expect(rows('Events | where User == "nobody" | summarize count(), sum(Count)', src)).toEqual([{ count_: 0, sum_Count: 0 }]);
    expect(rows('Events | where User == "nobody" | summarize count() by User', src)).toEqual([]);
  });

  it('rejects a non-aggregate and an aggregate outside summarize', () => {
    expect(() => run('Events | summarize tolower(User)', src)).toThrow(/summarize needs an aggregation function call/);
    expect(() => run('Events | summarize hll(Count)', src)).toThrow(/unsupported aggregate function 'hll'/);
  });
});

describe('union', () => {
  it('merges differing schemas by column name', () => {
    const r = run('union Events, Users | count', src);
    expect(r.rows).toEqual([[9]]);
    expect(columns('union (Events | project User, Count), (Users | project User = Name, Dept)', src)).toEqual([
      'User:string',
      'Count:long',
      'Dept:string',
    ]);
  });

  it('splits a name used with two types into name_type columns', () => {
    expect(columns('union (datatable(a:long)[1]), (datatable(a:string)["x"])')).toEqual(['a_long:long', 'a_string:string']);
  });

  it('fails on a missing table unless isfuzzy=true', () => {
    expect(() => run('union Events, Missing', src)).toThrow("unknown table 'Missing' at 1:15");
    expect(rows('union isfuzzy=true Events, Missing | count', src)).toEqual([{ Count: 5 }]);
  });

  it('works as a pipe operator', () => {
    expect(rows('Users | union (Users | where Dept == "ops") | count', src)).toEqual([{ Count: 5 }]);
  });
});

describe('join', () => {
  it('inner: every matching pair, with the right key renamed', () => {
    const r = run('Events | join kind=inner (Users) on $left.User == $right.Name | project User, Dept, Count', src);
    expect(r.rows).toHaveLength(7);
    expect(columns('Events | join kind=inner Users on $left.User == $right.Name', src)).toEqual([
      'TimeGenerated:datetime',
      'User:string',
      'Action:string',
      'Count:long',
      'Props:dynamic',
      'Name:string',
      'Dept:string',
    ]);
  });

  it('innerunique (the default) keeps one left row per key', () => {
    expect(rows('Events | join (Users) on $left.User == $right.Name | count', src)).toEqual([{ Count: 3 }]);
  });

  it('leftouter keeps unmatched left rows with nulls, and empty strings for string columns', () => {
    const r = rows('Events | join kind=leftouter (Users | where Dept != "sec") on $left.User == $right.Name | project User, Dept', src);
    expect(r).toContainEqual({ User: 'carol', Dept: '' });
    expect(r).toHaveLength(5);
  });

  it('leftanti keeps only unmatched left rows; leftsemi only matched ones', () => {
    expect(rows('Events | join kind=leftanti Users on $left.User == $right.Name | project User', src)).toEqual([{ User: 'carol' }]);
    expect(rows('Events | join kind=leftsemi Users on $left.User == $right.Name | count', src)).toEqual([{ Count: 4 }]);
  });

  it('joins on a shared column name', () => {
    const r = rows(
      '(Users | project User = Name, Dept) | join kind=inner (Events | project User, Action) on User | where Dept == "dev"',
      src,
    );
    expect(r).toEqual([{ User: 'bob', Dept: 'dev', User1: 'bob', Action: 'login' }]);
  });

  it('rejects a missing key column and mismatched key types', () => {
    expect(() => run('Events | join kind=inner Users on Nope', src)).toThrow("join: the left side has no column 'Nope'");
    expect(() => run('Events | join kind=inner Users on $left.Count == $right.Name', src)).toThrow(
      /cannot match Count \(long\) with Name \(string\)/,
    );
  });
});

describe('mv-expand', () => {
  it('expands arrays into rows, drops empty arrays and keeps scalars', () => {
    expect(rows('Events | mv-expand Tag = Props.tags | project User, Tag', src)).toEqual([
      { User: 'alice', Tag: 'a' },
      { User: 'alice', Tag: 'b' },
      { User: 'alice', Tag: 'c' },
      { User: 'carol', Tag: null },
      { User: 'alice', Tag: 'a' },
    ]);
  });

  it('converts with to typeof() and honours limit', () => {
    expect(columns('datatable(d:dynamic)[dynamic([1,2,3])] | mv-expand d to typeof(long)')).toEqual(['d:long']);
    expect(rows('datatable(d:dynamic)[dynamic([1,2,3])] | mv-expand d limit 2')).toEqual([{ d: 1 }, { d: 2 }]);
  });

  it('expands property bags into single-key bags', () => {
    expect(rows('datatable(d:dynamic)[dynamic({"a":1,"b":2})] | mv-expand d')).toEqual([{ d: { a: 1 } }, { d: { b: 2 } }]);
  });
});

describe('datatable', () => {
  it('builds typed rows', () => {
    const r = run(
      'datatable(s:string, n:long, r:real, b:bool, d:datetime, t:timespan, j:dynamic)["x", 1, 1.5, true, datetime(2024-01-01), 1h, dynamic({"k":1})]',
    );
    expect(r.columns.map((c) => c.type)).toEqual(['string', 'long', 'real', 'bool', 'datetime', 'timespan', 'dynamic']);
    expect(r.rows[0].slice(0, 4)).toEqual(['x', 1, 1.5, true]);
  });

  it('rejects a value of the wrong type and a ragged row', () => {
    expect(() => run('datatable(n:long)["x"]')).toThrow("datatable column 'n' is long but the value is string at 1:19");
    expect(() => run('datatable(a:long, b:long)[1, 2, 3]')).toThrow(/not a multiple of its 2 columns/);
  });
});

describe('options: timespan and ingestion_time()', () => {
  it('filters every table reference on TimeGenerated within [start, end)', () => {
    const opts = { timespan: { start: at(10), end: at(30) } };
    expect(rows('Events | project Count', src, opts)).toEqual([{ Count: 2 }, { Count: 3 }]);
    expect(rows('union Events, (Events | where User == "bob") | count', src, opts)).toEqual([{ Count: 3 }]);
    // Users has no TimeGenerated column, so it is not filtered.
    expect(rows('Users | count', src, opts)).toEqual([{ Count: 4 }]);
  });

  it('ingestion_time() follows the stored row through where, extend, project, sort and take', () => {
    expect(
      rows(
        'Events | where User == "alice" | extend it = ingestion_time() | sort by TimeGenerated desc | take 2 | project Count, it, again = ingestion_time()',
        src,
      ),
    ).toEqual([
      { Count: 5, it: at(41), again: at(41) },
      { Count: 3, it: at(21), again: at(21) },
    ]);
    expect(rows('Events | where ingestion_time() > datetime(2024-05-01T10:30:00Z) | count', src)).toEqual([{ Count: 2 }]);
  });

  it('ingestion_time() is null where rows are no longer stored rows', () => {
    expect(rows('Events | summarize count() by User | extend it = ingestion_time() | take 1 | project it', src)).toEqual([{ it: null }]);
    expect(rows('datatable(a:long)[1] | project it = ingestion_time()')).toEqual([{ it: null }]);
  });

  it('validates options', () => {
    expect(() => run('Events', src, { timespan: { start: at(10), end: at(0) } })).toThrow('options.timespan starts after it ends');
    expect(() => run('Events', src, { now: new Date('nope') })).toThrow('options.now must be a valid Date');
  });
});
