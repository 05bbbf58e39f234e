import { ok, type ConformanceCase } from './case';

const X = "let X = datatable(Key:string, Value1:long)['a', 1, 'b', 2, 'b', 3, 'c', 4];";
const Y = "let Y = datatable(Key:string, Value2:long)['b', 10, 'c', 20, 'c', 30, 'd', 40];";
const T1 = 'let t1 = datatable(key:long, value:string)[1, "val1.1", 1, "val1.2"];';
const T2 = 'let t2 = datatable(key:long, value:string)[1, "val1.3", 1, "val1.4"];';

export const JOIN_CASES: ConformanceCase[] = [
  ok(
    'join-innerunique.md',
    'the default join keeps the first left row per key, then joins inner',
    `${X}\n${Y}\nX | join Y on Key`,
    ['Key:string', 'Value1:long', 'Key1:string', 'Value2:long'],
    [
      ['b', 2, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
    ],
    { choice: 'Kusto may keep any one left row per key; the engine keeps the first, as the page shows.' },
  ),
  ok(
    'join-innerunique.md',
    'a where on a left column after an innerunique join filters the left side before duplicates are removed',
    `${T1}\n${T2}\nt1 | join kind=innerunique t2 on key | where value == "val1.2"`,
    ['key:long', 'value:string', 'key1:long', 'value1:string'],
    [
      [1, 'val1.2', 1, 'val1.3'],
      [1, 'val1.2', 1, 'val1.4'],
    ],
  ),
  ok(
    'join-innerunique.md',
    'the same holds for the default kind and for several filters in a row',
    `${T1}\n${T2}\nt1 | join t2 on key | where key == 1 | where value endswith ".2"`,
    ['key:long', 'value:string', 'key1:long', 'value1:string'],
    [
      [1, 'val1.2', 1, 'val1.3'],
      [1, 'val1.2', 1, 'val1.4'],
    ],
  ),
  ok(
    'join-innerunique.md',
    'a filter on a right column after the join still sees the deduplicated left rows',
    `${T1}\n${T2}\nt1 | join t2 on key | where value1 == "val1.4"`,
    ['key:long', 'value:string', 'key1:long', 'value1:string'],
    [[1, 'val1.1', 1, 'val1.4']],
  ),
  ok(
    'join-inner.md',
    'kind=inner keeps every combination of matching rows',
    `${X}\n${Y}\nX | join kind=inner Y on Key`,
    ['Key:string', 'Value1:long', 'Key1:string', 'Value2:long'],
    [
      ['b', 2, 'b', 10],
      ['b', 3, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
    ],
  ),
  ok(
    'join-leftouter.md',
    'kind=leftouter keeps unmatched left rows with nulls on the right',
    `${X}\n${Y}\nX | join kind=leftouter Y on Key`,
    ['Key:string', 'Value1:long', 'Key1:string', 'Value2:long'],
    [
      ['a', 1, '', null],
      ['b', 2, 'b', 10],
      ['b', 3, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
    ],
    { choice: 'A missing string is the empty string in Kusto (strings have no null), so Key1 of the unmatched row is "".' },
  ),
  ok(
    'join-rightouter.md',
    'kind=rightouter keeps unmatched right rows with nulls on the left',
    `${X}\n${Y}\nX | join kind=rightouter Y on Key | sort by Value2 asc, Value1 asc`,
    ['Key:string', 'Value1:long', 'Key1:string', 'Value2:long'],
    [
      ['b', 2, 'b', 10],
      ['b', 3, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
      ['', null, 'd', 40],
    ],
  ),
  ok(
    'join-fullouter.md',
    'kind=fullouter keeps unmatched rows of both sides',
    `${X}\n${Y}\nX | join kind=fullouter Y on Key | sort by Value1 asc nulls last, Value2 asc`,
    ['Key:string', 'Value1:long', 'Key1:string', 'Value2:long'],
    [
      ['a', 1, '', null],
      ['b', 2, 'b', 10],
      ['b', 3, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
      ['', null, 'd', 40],
    ],
  ),
  ok(
    'join-leftanti.md',
    'kind=leftanti returns left rows without a match, left columns only',
    `${X}\n${Y}\nX | join kind=leftanti Y on Key`,
    ['Key:string', 'Value1:long'],
    [['a', 1]],
  ),
  ok(
    'join-leftsemi.md',
    'kind=leftsemi returns left rows with a match, each once',
    `${X}\n${Y}\nX | join kind=leftsemi Y on Key`,
    ['Key:string', 'Value1:long'],
    [
      ['b', 2],
      ['b', 3],
      ['c', 4],
    ],
  ),
  ok(
    'join-rightanti.md',
    'kind=rightanti returns right rows without a match',
    `${X}\n${Y}\nX | join kind=rightanti Y on Key`,
    ['Key:string', 'Value2:long'],
    [['d', 40]],
  ),
  ok(
    'join-rightsemi.md',
    'kind=rightsemi returns right rows with a match',
    `${X}\n${Y}\nX | join kind=rightsemi Y on Key`,
    ['Key:string', 'Value2:long'],
    [
      ['b', 10],
      ['c', 20],
      ['c', 30],
    ],
  ),
  ok(
    'join-operator.md',
    '$left.a == $right.b joins on differently named columns',
    'let L = datatable(a:long, v:string)[1, "x", 2, "y"]; let R = datatable(b:long, w:string)[2, "z"]; L | join kind=inner R on $left.a == $right.b',
    ['a:long', 'v:string', 'b:long', 'w:string'],
    [[2, 'y', 2, 'z']],
  ),
  ok(
    'join-operator.md',
    'null keys never match each other',
    'let L = datatable(a:long, v:string)[long(null), "x"]; let R = datatable(a:long, w:string)[long(null), "z"]; L | join kind=inner R on a',
    ['a:long', 'v:string', 'a1:long', 'w:string'],
    [],
  ),
];
