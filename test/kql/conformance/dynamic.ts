import { ok, scalar, type ConformanceCase } from './case';

export const DYNAMIC_CASES: ConformanceCase[] = [
  scalar('isempty-function.md', 'isempty of an empty string is true', 'isempty("")', 'bool', true),
  scalar('isempty-function.md', 'isempty of a non-empty string is false', 'isempty("x")', 'bool', false),
  scalar('isempty-function.md', 'isempty of parse_json("") is true', 'isempty(parse_json(""))', 'bool', true),
  scalar('isempty-function.md', 'isempty of an empty array is false', 'isempty(parse_json("[]"))', 'bool', false),
  scalar('isempty-function.md', 'isempty of an empty property bag is false', 'isempty(parse_json("{}"))', 'bool', false),
  scalar('isnotempty-function.md', 'isnotempty of an empty array is true', 'isnotempty(dynamic([]))', 'bool', true),
  scalar('isnotempty-function.md', 'isnotempty of an empty property bag is true', 'isnotempty(dynamic({}))', 'bool', true),
  scalar('isnotempty-function.md', 'isnotempty of a null long is false', 'isnotempty(long(null))', 'bool', false),
  scalar('isempty-function.md', 'isempty of a number is false', 'isempty(0)', 'bool', false),
];
