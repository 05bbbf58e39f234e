import { ok, scalar, type ConformanceCase } from './case';

const NULLS = 'scalar-data-types/null-values.md';

export const NULL_CASES: ConformanceCase[] = [
  ok(
    NULLS,
    '== and != against a null literal: false and true for a value, null for a null',
    'datatable(val:int)[5, int(null)] | extend Big = val > 3, BigOrNull = val > 3 or isnull(val), EqNull = val == int(null), NeNull = val != int(null)',
    ['val:int', 'Big:bool', 'BigOrNull:bool', 'EqNull:bool', 'NeNull:bool'],
    [
      [5, true, true, false, true],
      [null, null, true, null, null],
    ],
  ),
  ok(
    NULLS,
    'where ival != 5 keeps the row whose ival is null (null != 5 is true)',
    'datatable(ival:int, sval:string)[5, "a", int(null), "b"] | where ival != 5',
    ['ival:int', 'sval:string'],
    [[null, 'b']],
  ),
  ok(
    NULLS,
    'where ival == 5 drops the null row (null == 5 is false)',
    'datatable(ival:int, sval:string)[5, "a", int(null), "b"] | where ival == 5',
    ['ival:int', 'sval:string'],
    [[5, 'a']],
  ),
  ok(
    NULLS,
    '== between two columns: null against a value is false, two nulls are null',
    'datatable(a:long, b:long)[1, 1, 1, long(null), long(null), long(null)] | extend eq = a == b, ne = a != b',
    ['a:long', 'b:long', 'eq:bool', 'ne:bool'],
    [
      [1, 1, true, false],
      [1, null, false, true],
      [null, null, null, null],
    ],
  ),
  scalar(NULLS, 'a datetime compared with datetime(null) by == is false', 'datetime(2024-01-01) == datetime(null)', 'bool', false),
  scalar(NULLS, 'a datetime compared with datetime(null) by != is true', 'datetime(2024-01-01) != datetime(null)', 'bool', true),
  scalar(NULLS, 'a bool compared with bool(null) by == is false', 'true == bool(null)', 'bool', false),
  scalar(NULLS, 'a timespan compared with timespan(null) by != is true', '1h != timespan(null)', 'bool', true),
  scalar(NULLS, 'ordering comparisons with null are null', 'int(null) < 5', 'bool', null),
  scalar(NULLS, 'two null literals are null under ==', 'int(null) == int(null)', 'bool', null),
  ok(
    NULLS,
    'arithmetic with a null operand is null',
    'datatable(val:int)[5, int(null)] | extend Add = val + 10, Multiply = val * 10',
    ['val:int', 'Add:long', 'Multiply:long'],
    [
      [5, 15, 50],
      [null, null, null],
    ],
    { choice: 'int + long literal is long in Kusto (the literal 10 is long); the analyzer agrees.' },
  ),
  scalar(NULLS, 'false and null is false', 'false and bool(null)', 'bool', false),
  scalar(NULLS, 'true or null is true', 'true or bool(null)', 'bool', true),
  scalar(NULLS, 'true and null is null', 'true and bool(null)', 'bool', null),
  scalar('not-function.md', 'not(null) is null', 'not(bool(null))', 'bool', null),
  scalar(NULLS, 'null in a list of values is false (an or of == comparisons)', 'int(null) in (1, 2)', 'bool', false),
  scalar(NULLS, 'null !in a list of values is true (an and of != comparisons)', 'int(null) !in (1, 2)', 'bool', true),
  scalar('isnull-function.md', 'isnull of a null long is true', 'isnull(long(null))', 'bool', true),
  scalar('isnull-function.md', 'isnull of an empty string is false: strings are never null', 'isnull("")', 'bool', false),
  scalar('isnotnull-function.md', 'isnotnull of a number is true', 'isnotnull(1)', 'bool', true),
  scalar('isnull-function.md', 'isnull of dynamic(null) is true', 'isnull(dynamic(null))', 'bool', true),
  scalar('isnull-function.md', 'isnull of an empty array is false', 'isnull(dynamic([]))', 'bool', false),
];
