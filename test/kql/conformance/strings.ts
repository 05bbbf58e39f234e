import { ok, scalar, type ConformanceCase } from './case';

const SUB = 'substring-function.md';

export const STRING_CASES: ConformanceCase[] = [
  scalar(SUB, 'substring from a start to the end', 'substring("123456", 1)', 'string', '23456'),
  scalar(SUB, 'substring with a length', 'substring("123456", 2, 2)', 'string', '34'),
  scalar(SUB, 'substring from zero', 'substring("ABCD", 0, 2)', 'string', 'AB'),
  scalar(SUB, 'a negative start counts from the end', 'substring("123456", -2, 2)', 'string', '56'),
  scalar(SUB, 'a negative start without a length takes the tail', 'substring("123456", -3)', 'string', '456'),
  scalar(SUB, 'a length past the end stops at the end', 'substring("abc", 1, 10)', 'string', 'bc'),
];

export const STRING_FUNCTION_CASES: ConformanceCase[] = [
  ok('indexof-function.md', 'indexof with start, length and occurrence, as on the page',
    'print idx1 = indexof("abcdefg", "cde"), idx2 = indexof("abcdefg", "cde", 1, 4), idx3 = indexof("abcdefg", "cde", 1, 2), idx4 = indexof("abcdefg", "cde", 3, 4), idx5 = indexof("abcdefg", "cde", -5), idx6 = indexof(1234567, 5, 1, 4), idx7 = indexof("abcdefg", "cde", 2, -1), idx8 = indexof("abcdefgabcdefg", "cde", 1, 10, 2), idx9 = indexof("abcdefgabcdefg", "cde", 1, -1, 3)',
    ['idx1:long', 'idx2:long', 'idx3:long', 'idx4:long', 'idx5:long', 'idx6:long', 'idx7:long', 'idx8:long', 'idx9:long'], [[2, 2, -1, -1, 2, 4, 2, 9, -1]],
    { choice: 'The page does not say whether length bounds where a match starts or ends; the engine searches start..start+length inclusive, the one reading that gives all nine documented answers.' }),
  scalar('indexof-function.md', 'indexof with a length below -1 is null', 'indexof("abc", "b", 0, -2)', 'long', null),
  ok('extract-all-function.md', 'extract_all with one group gives a flat array',
    'print Id = "82b8be2d-dfa7" | extend b = extract_all(@"([\\da-f]{2})", Id)', ['Id:string', 'b:dynamic'], [['82b8be2d-dfa7', ['82', 'b8', 'be', '2d', 'df', 'a7']]]),
  ok('extract-all-function.md', 'extract_all with several groups gives an array per match',
    'print Id = "82b8be2d-dfa7" | extend b = extract_all(@"(\\w)(\\w+)(\\w)", Id)', ['Id:string', 'b:dynamic'], [['82b8be2d-dfa7', [['8', '2b8be2', 'd'], ['d', 'fa', '7']]]],
    { choice: 'RE2 and JavaScript agree on this greedy pattern; the engine runs Kusto patterns as JavaScript regexes and translates (?P<name>...) groups.' }),
  ok('extract-all-function.md', 'extract_all picks groups by number and by name',
    'print Id = "82b8be2d-dfa7" | extend b = extract_all(@"(?P<first>\\w)(?P<middle>\\w+)(?P<last>\\w)", dynamic(["first", 3]), Id)', ['Id:string', 'b:dynamic'], [['82b8be2d-dfa7', [['8', 'd'], ['d', '7']]]]),
  scalar('extract-all-function.md', 'extract_all with no match is null', 'extract_all(@"(\\d+)", "abc")', 'dynamic', null),
  scalar('replace-regex-function.md', 'replace_regex rewrites each match with \\1 group references', "replace_regex('Number is 12', @'is (\\d+)', @'was: \\1')", 'string', 'Number was: 12'),
  scalar('replace-regex-function.md', 'replace_regex replaces every match', "replace_regex('a1b22c', @'\\d+', 'N')", 'string', 'aNbNc'),
  scalar('strcat-array-function.md', 'strcat_array joins array values with a delimiter', 'strcat_array(dynamic([1, 2, 3]), "->")', 'string', '1->2->3'),
  scalar('strcat-array-function.md', 'strcat_array with a quote delimiter', "strcat_array(dynamic([1, 2, 3]), '\"')", 'string', '1"2"3'),
  scalar('parse-json-function.md', 'the legacy spelling parsejson is parse_json', "parsejson('{\"a\": 1}').a", 'dynamic', 1),
  scalar('extract-function.md', 'extract takes one capture group', 'extract("x=([0-9.]+)", 1, "hello x=45.6|wo")', 'string', '45.6'),
  scalar('extract-function.md', 'extract without a match is the empty string', 'extract("x=([0-9.]+)", 1, "no match")', 'string', ''),
  scalar('replace-string-function.md', 'replace_string replaces every occurrence', 'replace_string("A magic trick can turn a cat into a dog", "cat", "hamster")', 'string', 'A magic trick can turn a hamster into a dog'),
  scalar('split-function.md', 'split gives the parts as an array', 'split("aa_bb", "_")', 'dynamic', ['aa', 'bb']),
  scalar('split-function.md', 'split with an index gives a one-element array', 'split("aaa_bbb_ccc", "_", 1)', 'dynamic', ['bbb']),
  scalar('split-function.md', 'split with a missing delimiter gives the whole string', 'split("aabb", "_")', 'dynamic', ['aabb']),
  scalar('strcat-function.md', 'strcat joins its arguments as strings', 'strcat("a", 1, true)', 'string', 'a1true'),
  scalar('strcat-delim-function.md', 'strcat_delim joins with a delimiter', 'strcat_delim("-", "a", "b", "c")', 'string', 'a-b-c'),
  scalar('strlen-function.md', 'strlen counts characters', 'strlen("hello")', 'long', 5),
  scalar('tolower-function.md', 'tolower', 'tolower("Hello")', 'string', 'hello'),
  scalar('toupper-function.md', 'toupper', 'toupper("Hello")', 'string', 'HELLO'),
  scalar('trim-function.md', 'trim removes a regex match at both ends', 'trim("--", "--https://bing.com--")', 'string', 'https://bing.com'),
  scalar('base64-encode-tostring-function.md', 'base64_encode_tostring', 'base64_encode_tostring("Kusto1")', 'string', 'S3VzdG8x'),
  scalar('base64-decode-tostring-function.md', 'base64_decode_tostring', 'base64_decode_tostring("S3VzdG8=")', 'string', 'Kusto'),
];
