import { refuses, type ConformanceCase } from './case';

/** Valid KQL the engine does not run: each must fail with an error naming the construct and its position. */
export const REFUSAL_CASES: ConformanceCase[] = [
  refuses(
    'evaluate-operator.md',
    'evaluate with a plugin other than bag_unpack is refused by name',
    'range x from 1 to 3 step 1 | evaluate autocluster()',
    /unsupported plugin 'autocluster' \(evaluate runs only bag_unpack here\)/,
  ),
  refuses('search-operator.md', 'search is refused', 'search "x"', /unsupported operator 'search'/),
  refuses(
    'externaldata-operator.md',
    'externaldata is refused, its column list too',
    'let R = externaldata(Role:string) [@"https://example.com/r.csv"] with (format="csv"); R',
    /unsupported operator 'externaldata' \(a query here reads only the workspace's tables/,
  ),
  refuses(
    'top-nested-operator.md',
    'top-nested is refused',
    'print x = 1 | top-nested 2 of x by count()',
    /unsupported operator 'top-nested'/,
  ),
  refuses(
    'parse-where-operator.md',
    'parse-where is refused',
    'print x = "a1" | parse-where x with "a" b:long',
    /unsupported operator 'parse-where'/,
  ),
  refuses(
    'hll-aggregation-function.md',
    'an aggregate the engine lacks is named',
    'print x = 1 | summarize hll(x)',
    /unsupported aggregate function 'hll'/,
  ),
  refuses('gettype-function.md', 'a scalar function the engine lacks is named', 'print gettype(1)', /unsupported function 'gettype'/),
  refuses(
    'join-operator.md',
    'join hints are refused rather than ignored',
    'print x = 1 | join hint.strategy=broadcast (print x = 1) on x',
    /unsupported join parameter 'hint.strategy'/,
  ),
  refuses('sample-operator.md', 'sample is refused', 'print x = 1 | sample 1', /unsupported operator 'sample'/),
  refuses('getschema-operator.md', 'getschema is refused', 'print x = 1 | getschema', /unsupported operator 'getschema'/),
  refuses(
    'union-operator.md',
    'union kind=inner is refused',
    'print x = 1 | union kind=inner (print y = 2)',
    /unsupported union kind 'inner'/,
  ),
  refuses(
    'union-operator.md',
    'union withsource= over a parenthesized query is refused',
    'union withsource=T (print x = 1)',
    /unsupported union withsource=/,
  ),
  refuses('fork-operator.md', 'fork is refused', 'print x = 1 | fork (take 1)', /unsupported operator 'fork'/),
  refuses(
    'datetime-utc-to-local-function.md',
    'time zone conversion is refused',
    'print datetime_utc_to_local(now(), "Europe/Paris")',
    /unsupported function 'datetime_utc_to_local'/,
  ),
  refuses('bin-at-function.md', 'bin_at is refused', 'print bin_at(1, 1, 0)', /unsupported function 'bin_at'/),
  refuses(
    'endofmonth-function.md',
    'endofmonth is refused for its 100-ns result',
    'print endofmonth(datetime(2024-01-15))',
    /endofmonth.*100-ns/,
  ),
  refuses(
    'datetime-add-function.md',
    "datetime_add('nanosecond', ...) is refused: sub-millisecond",
    "print datetime_add('nanosecond', 1, datetime(2024-01-01))",
    /sub-millisecond precision/,
  ),
  refuses(
    'summarize-operator.md',
    'summarize hints are refused',
    'print x = 1 | summarize hint.strategy=shuffle count()',
    /unsupported summarize parameter 'hint.strategy'/,
  ),
  refuses(
    'project-reorder-operator.md',
    'project-reorder ordering keywords are refused',
    'print x = 1, y = 2 | project-reorder y asc',
    /unsupported project-reorder ordering 'asc'/,
  ),
  refuses(
    'scalar-data-types/datetime.md',
    'adding a timespan finer than a millisecond to a datetime is refused, not cut',
    'print datetime(2024-01-01) + 1tick',
    /unsupported datetime arithmetic.*millisecond precision/,
  ),
];
