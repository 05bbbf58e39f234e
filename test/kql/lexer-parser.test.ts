import { compileQuery, KqlError, Timespan } from '../../src/kql';
import { scalar } from './fixtures';

function errorOf(query: string): KqlError {
  try {
    compileQuery(query).run({ getTable: () => undefined }, { now: new Date('2024-01-01T00:00:00Z') });
  } catch (err) {
    if (err instanceof KqlError) return err;
    throw err;
  }
  throw new Error(`expected a KqlError for: ${query}`);
}

describe('string literals', () => {
  it.each([
    [`"a\\"b"`, 'a"b'],
    [`'it\\'s'`, "it's"],
    [`"tab\\there"`, 'tab\there'],
    [`'\\u0041'`, 'A'],
    [`@"C:\\temp"`, 'C:\\temp'],
    [`@'C:\\x'`, 'C:\\x'],
    [`@"say ""hi"""`, 'say "hi"'],
    [`'a' "b" 'c'`, 'abc'],
    [`h'secret'`, 'secret'],
  ])('%s is %j', (lit, value) => {
    expect(scalar(lit)).toBe(value);
  });

  it('reports an unterminated literal with its position', () => {
    const e = errorOf(`datatable(a:long)[1]\n| where "abc`);
    expect(e.message).toBe('unterminated string literal at 2:9');
    expect([e.line, e.column]).toEqual([2, 9]);
  });
});

describe('numbers, timespans and datetimes', () => {
  it('reads long, real and hex numbers', () => {
    expect(scalar('42')).toBe(42);
    expect(scalar('1.5')).toBe(1.5);
    expect(scalar('1e3')).toBe(1000);
    expect(scalar('0x1F')).toBe(31);
  });

  it.each([
    ['30m', 30 * 60000],
    ['1h', 3600000],
    ['7d', 7 * 86400000],
    ['2s', 2000],
    ['100ms', 100],
    ['1.5h', 5400000],
    ['timespan(1.02:03:04)', 86400000 + 2 * 3600000 + 3 * 60000 + 4000],
    ['timespan(00:00:01.5)', 1500],
    ['timespan(2d)', 2 * 86400000],
    ['-1h', -3600000],
  ])('%s is %d ms', (lit, ms) => {
    const v = scalar(lit);
    expect(v).toBeInstanceOf(Timespan);
    expect((v as Timespan).ms).toBe(ms);
  });

  it.each([
    ['datetime(2024-01-01T00:00:00Z)', '2024-01-01T00:00:00.000Z'],
    ['datetime(2024-01-01)', '2024-01-01T00:00:00.000Z'],
    ['datetime(2024-01-01 10:30)', '2024-01-01T10:30:00.000Z'],
    ['datetime("2024-02-03T04:05:06.789Z")', '2024-02-03T04:05:06.789Z'],
    ['datetime(2024-02-03T04:05:06.1230000Z)', '2024-02-03T04:05:06.123Z'],
  ])('%s', (lit, iso) => {
    expect((scalar(lit) as Date).toISOString()).toBe(iso);
  });

  it('refuses a datetime literal finer than a millisecond rather than cutting it', () => {
    expect(errorOf('print datetime(2024-02-03T04:05:06.1234567Z)').message).toMatch(
      /^unsupported datetime literal .* millisecond precision.* at 1:7$/,
    );
  });

  it('rejects a malformed datetime with its position', () => {
    expect(errorOf('datatable(a:long)[1] | where datetime(yesterday) > now()').message).toBe("bad datetime literal 'yesterday' at 1:30");
  });
});

describe('statements and comments', () => {
  it('runs let statements, comments and a final query', () => {
    const r = compileQuery(`// leading comment
let threshold = 2; // trailing comment
let T = datatable(n:long)[1, 2, 3];
T | where n >= threshold // keep 2 and 3
`).run({ getTable: () => undefined });
    expect(r.rows).toEqual([[2], [3]]);
  });

  it('lets an alias name a table', () => {
    const r = compileQuery('let S = T; S | count').run({
      getTable: (n) => (n === 'T' ? { name: 'T', columns: [{ name: 'a', type: 'long' }], rows: [{ a: 1 }, { a: 2 }] } : undefined),
    });
    expect(r.rows).toEqual([[2]]);
  });

  it('needs a query statement', () => {
    expect(errorOf('let x = 1;').message).toMatch(/no tabular statement/);
  });
});

describe('errors name the problem and its position', () => {
  it.each([
    ['T\n| parse-kv x as (a:string)', "unsupported operator 'parse-kv'", 2, 3],
    ['datatable(a:long)[1] | evaluate bag_unpack(a)', 'bag_unpack needs a dynamic column, not long', 1, 24],
    ["_GetWatchlist('VIPs') | project SearchKey", "unsupported tabular function '_GetWatchlist'", 1, 1],
    ['datatable(a:long)[1] | evaluate pivot(a)', "unsupported plugin 'pivot'", 1, 33],
    ['datatable(a:long)[1] | where a ==', 'expected an expression but found end of query', 1, 34],
    ['datatable(a:long)[1] | extend b = foo(a)', "unsupported function 'foo'", 1, 35],
    ['datatable(a:long)[1] | where b == 1', "unknown column or name 'b'", 1, 30],
    ['datatable(a:long)[1] | where a > "x"', "cannot compare long with string using '>'", 1, 32],
    ['datatable(a:string)[""] | extend b = a.c', "cannot access '.c' of a string value", 1, 39],
    ['Missing | take 1', "unknown table 'Missing'", 1, 1],
    ['datatable(a:long)[1] | where a like "x"', "unsupported operator 'like'", 1, 32],
    ['datatable(a:long)[1] | extend b = count()', "aggregate function 'count' is only allowed in summarize", 1, 35],
    ['datatable(a:long)[1] | where a # 1', "unexpected character '#'", 1, 32],
    ['let f = (T:(x:long)) { T }; datatable(a:long)[1]', 'unsupported tabular parameter', 1, 10],
    [
      'datatable(a:long)[1] | join (datatable(a:long)[1]) on a | summarize hint.strategy=shuffle count()',
      "unsupported summarize parameter 'hint.strategy'",
      1,
      69,
    ],
  ])('%s', (query, message, line, column) => {
    const e = errorOf(query);
    expect(e).toBeInstanceOf(KqlError);
    expect(e.message.startsWith(message)).toBe(true);
    expect(e.message.endsWith(` at ${line}:${column}`)).toBe(true);
    expect([e.line, e.column]).toEqual([line, column]);
  });

  it('lists the supported operators when one is missing', () => {
    expect(errorOf('datatable(a:long)[1] | render timechart').message).toMatch(/unsupported operator 'render' \(supported: where, extend/);
  });
});

describe('case sensitivity of names', () => {
  it('operator and function names must be written as KQL spells them', () => {
    expect(errorOf('datatable(a:long)[1] | Where a > 0').message).toMatch(/^unsupported operator 'Where'/);
    expect(errorOf('datatable(a:string)["x"] | extend b = ToLower(a)').message).toBe("unsupported function 'ToLower' at 1:39");
  });
});
