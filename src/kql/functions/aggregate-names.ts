/** Aggregation functions: valid only inside summarize. */
export const AGGREGATE_NAMES = new Set([
  'count', 'countif', 'dcount', 'dcountif', 'sum', 'sumif', 'avg', 'avgif', 'min', 'max', 'make_set', 'make_list',
  'makelist', 'makeset', 'makelist_if', 'makeset_if',
  'arg_max', 'arg_min', 'take_any', 'any', 'minif', 'maxif', 'make_set_if', 'make_list_if',
  'make_bag', 'make_bag_if', 'percentile', 'percentiles', 'stdev', 'stdevif', 'stdevp', 'variance', 'varianceif', 'variancep',
]);
