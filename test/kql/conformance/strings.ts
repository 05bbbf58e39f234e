import { scalar, type ConformanceCase } from './case';

const SUB = 'substring-function.md';

export const STRING_CASES: ConformanceCase[] = [
  scalar(SUB, 'substring from a start to the end', 'substring("123456", 1)', 'string', '23456'),
  scalar(SUB, 'substring with a length', 'substring("123456", 2, 2)', 'string', '34'),
  scalar(SUB, 'substring from zero', 'substring("ABCD", 0, 2)', 'string', 'AB'),
  scalar(SUB, 'a negative start counts from the end', 'substring("123456", -2, 2)', 'string', '56'),
  scalar(SUB, 'a negative start without a length takes the tail', 'substring("123456", -3)', 'string', '456'),
  scalar(SUB, 'a length past the end stops at the end', 'substring("abc", 1, 10)', 'string', 'bc'),
];
