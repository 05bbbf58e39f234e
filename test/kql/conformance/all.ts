import type { ConformanceCase } from './case';
import { AGGREGATE_CASES } from './aggregates';
import { DATETIME_CASES } from './datetime';
import { DYNAMIC_CASES } from './dynamic';
import { IP_CASES } from './ip';
import { JOIN_CASES } from './joins';
import { NULL_CASES } from './nulls';
import { REFUSAL_CASES } from './refusals';
import { SCALAR_FUNCTION_CASES } from './scalar-functions';
import { STRING_OPERATOR_CASES } from './string-operators';
import { STRING_CASES, STRING_DOC_EXAMPLE_CASES, STRING_FUNCTION_CASES } from './strings';
import { SUBQUERY_CASES } from './subqueries';
import { TABULAR_CASES } from './tabular';

/** Every conformance case, grouped by reference area. */
export const ALL_CASES: ConformanceCase[] = [
  ...NULL_CASES,
  ...STRING_CASES,
  ...STRING_FUNCTION_CASES,
  ...STRING_DOC_EXAMPLE_CASES,
  ...STRING_OPERATOR_CASES,
  ...SCALAR_FUNCTION_CASES,
  ...DYNAMIC_CASES,
  ...AGGREGATE_CASES,
  ...JOIN_CASES,
  ...IP_CASES,
  ...DATETIME_CASES,
  ...TABULAR_CASES,
  ...SUBQUERY_CASES,
  ...REFUSAL_CASES,
];
