import { ok, refuses, type ConformanceCase } from './case';

/** Tabular expressions inside scalar ones, and names bound to tables: what published rules lean on. */
export const SUBQUERY_CASES: ConformanceCase[] = [
  ok(
    'in-operator.md',
    'in takes a tabular subquery and compares with its first column',
    'range x from 1 to 5 step 1 | where x in ((range y from 1 to 10 step 1 | where y % 2 == 0 | project y, z = 0))',
    ['x:long'],
    [[2], [4]],
  ),
  ok(
    'in-operator.md',
    'in takes a tabular let by its name',
    'let Known = datatable(Account:string)["alice", "bob"]; datatable(Account:string, n:long)["alice", 1, "eve", 2] | where Account in (Known)',
    ['Account:string', 'n:long'],
    [['alice', 1]],
  ),
  ok(
    'in-operator.md',
    '!in~ with a subquery compares without case and negates',
    'let Known = datatable(Account:string)["ALICE"]; datatable(Account:string)["alice", "eve"] | where Account !in~ (Known | project Account)',
    ['Account:string'],
    [['eve']],
  ),
  ok(
    'has-any-operator.md',
    'has_any takes a tabular subquery',
    'let Terms = datatable(t:string)["mimikatz"]; datatable(Cmd:string)["run mimikatz now", "dir"] | where Cmd has_any (Terms)',
    ['Cmd:string'],
    [['run mimikatz now']],
  ),
  ok(
    'toscalar-function.md',
    'toscalar turns a one-row query into a scalar let',
    'let Limit = toscalar(range x from 1 to 3 step 1 | summarize max(x)); range x from 1 to 5 step 1 | where x > Limit',
    ['x:long'],
    [[4], [5]],
  ),
  ok(
    'toscalar-function.md',
    'toscalar inside an expression, typed as its column',
    'print n = toscalar(range x from 1 to 4 step 1 | summarize count()), s = toscalar(print "a")',
    ['n:long', 's:string'],
    [[4, 'a']],
  ),
  ok(
    'as-operator.md',
    'as binds the rows so far to a name the rest of the query reads',
    'range x from 1 to 3 step 1 | as T | join kind=inner (T | where x > 1 | project x, y = x * 10) on x',
    ['x:long', 'x1:long', 'y:long'],
    [
      [2, 2, 20],
      [3, 3, 30],
    ],
  ),
  ok(
    'user-defined-functions.md',
    "a function's result may be a tabular let of its own",
    'let f = () { let b = range x from 1 to 3 step 1 | take 2; b }; f() | count',
    ['Count:long'],
    [[2]],
  ),
  ok(
    'bag-unpack-plugin.md',
    'bag_unpack makes a column of each property, ordered by name and typed by its values',
    'datatable(d:dynamic)[dynamic({"Name": "John", "Age": 20}), dynamic({"Name": "Dave", "Age": 40})] | evaluate bag_unpack(d)',
    ['Age:long', 'Name:string'],
    [
      [20, 'John'],
      [40, 'Dave'],
    ],
    { analyzerDiffers: 'The analyzer cannot know columns that come from the data; it infers none, so there is nothing to compare.' },
  ),
  ok(
    'bag-unpack-plugin.md',
    'bag_unpack keeps the other columns, prefixes, and gives a property of mixed types as dynamic',
    'datatable(x:long, d:dynamic)[1, dynamic({"a": 1}), 2, dynamic({"a": "t", "b": true})] | evaluate bag_unpack(d, "p_")',
    ['x:long', 'p_a:dynamic', 'p_b:bool'],
    [
      [1, 1, null],
      [2, 't', true],
    ],
    { analyzerDiffers: "The analyzer infers only the input's own columns for a bag_unpack without an output schema." },
  ),
  ok(
    'bag-unpack-plugin.md',
    'bag_unpack with columnsConflict keep_source keeps the input column',
    'datatable(Name:string, d:dynamic)["Old", dynamic({"Name": "New", "Age": 20})] | evaluate bag_unpack(d, columnsConflict="keep_source")',
    ['Name:string', 'Age:long'],
    [['Old', 20]],
    { analyzerDiffers: "The analyzer infers only the input's own columns for a bag_unpack without an output schema." },
  ),
  ok(
    'bag-unpack-plugin.md',
    'an output schema names and types the columns, after the input ones for *',
    'datatable(x:long, d:dynamic)[1, dynamic({"a": 1, "b": "s"}), 2, dynamic({"a": "t"})] | evaluate bag_unpack(d) : (*, a:string, b:string)',
    ['x:long', 'a:string', 'b:string'],
    [
      [1, '1', 's'],
      [2, 't', ''],
    ],
  ),
  refuses(
    'bag-unpack-plugin.md',
    "bag_unpack refuses a property that would take an input column's name",
    'datatable(Name:string, d:dynamic)["Old", dynamic({"Name": "New"})] | evaluate bag_unpack(d)',
    /bag_unpack: property 'Name' would become column 'Name', which the input has \(columnsConflict='error'\)/,
  ),
];
