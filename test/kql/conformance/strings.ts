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
  ok(
    'indexof-function.md',
    'indexof with start, length and occurrence, as on the page',
    'print idx1 = indexof("abcdefg", "cde"), idx2 = indexof("abcdefg", "cde", 1, 4), idx3 = indexof("abcdefg", "cde", 1, 2), idx4 = indexof("abcdefg", "cde", 3, 4), idx5 = indexof("abcdefg", "cde", -5), idx6 = indexof(1234567, 5, 1, 4), idx7 = indexof("abcdefg", "cde", 2, -1), idx8 = indexof("abcdefgabcdefg", "cde", 1, 10, 2), idx9 = indexof("abcdefgabcdefg", "cde", 1, -1, 3)',
    ['idx1:long', 'idx2:long', 'idx3:long', 'idx4:long', 'idx5:long', 'idx6:long', 'idx7:long', 'idx8:long', 'idx9:long'],
    [[2, 2, -1, -1, 2, 4, 2, 9, -1]],
    {
      choice:
        'The page does not say whether length bounds where a match starts or ends; the engine searches start..start+length inclusive, the one reading that gives all nine documented answers.',
    },
  ),
  scalar('indexof-function.md', 'indexof with a length below -1 is null', 'indexof("abc", "b", 0, -2)', 'long', null),
  ok(
    'extract-all-function.md',
    'extract_all with one group gives a flat array',
    'print Id = "82b8be2d-dfa7" | extend b = extract_all(@"([\\da-f]{2})", Id)',
    ['Id:string', 'b:dynamic'],
    [['82b8be2d-dfa7', ['82', 'b8', 'be', '2d', 'df', 'a7']]],
  ),
  ok(
    'extract-all-function.md',
    'extract_all with several groups gives an array per match',
    'print Id = "82b8be2d-dfa7" | extend b = extract_all(@"(\\w)(\\w+)(\\w)", Id)',
    ['Id:string', 'b:dynamic'],
    [
      [
        '82b8be2d-dfa7',
        [
          ['8', '2b8be2', 'd'],
          ['d', 'fa', '7'],
        ],
      ],
    ],
    {
      choice:
        'RE2 and JavaScript agree on this greedy pattern; the engine runs Kusto patterns as JavaScript regexes and translates (?P<name>...) groups.',
    },
  ),
  ok(
    'extract-all-function.md',
    'extract_all picks groups by number and by name',
    'print Id = "82b8be2d-dfa7" | extend b = extract_all(@"(?P<first>\\w)(?P<middle>\\w+)(?P<last>\\w)", dynamic(["first", 3]), Id)',
    ['Id:string', 'b:dynamic'],
    [
      [
        '82b8be2d-dfa7',
        [
          ['8', 'd'],
          ['d', '7'],
        ],
      ],
    ],
  ),
  scalar('extract-all-function.md', 'extract_all with no match is null', 'extract_all(@"(\\d+)", "abc")', 'dynamic', null),
  scalar(
    'replace-regex-function.md',
    'replace_regex rewrites each match with \\1 group references',
    "replace_regex('Number is 12', @'is (\\d+)', @'was: \\1')",
    'string',
    'Number was: 12',
  ),
  scalar('replace-regex-function.md', 'replace_regex replaces every match', "replace_regex('a1b22c', @'\\d+', 'N')", 'string', 'aNbNc'),
  scalar(
    'strcat-array-function.md',
    'strcat_array joins array values with a delimiter',
    'strcat_array(dynamic([1, 2, 3]), "->")',
    'string',
    '1->2->3',
  ),
  scalar('strcat-array-function.md', 'strcat_array with a quote delimiter', "strcat_array(dynamic([1, 2, 3]), '\"')", 'string', '1"2"3'),
  scalar('parse-json-function.md', 'the legacy spelling parsejson is parse_json', 'parsejson(\'{"a": 1}\').a', 'dynamic', 1),
  scalar('extract-function.md', 'extract takes one capture group', 'extract("x=([0-9.]+)", 1, "hello x=45.6|wo")', 'string', '45.6'),
  scalar('extract-function.md', 'extract without a match is the empty string', 'extract("x=([0-9.]+)", 1, "no match")', 'string', ''),
  scalar(
    'replace-string-function.md',
    'replace_string replaces every occurrence',
    'replace_string("A magic trick can turn a cat into a dog", "cat", "hamster")',
    'string',
    'A magic trick can turn a hamster into a dog',
  ),
  scalar('split-function.md', 'split gives the parts as an array', 'split("aa_bb", "_")', 'dynamic', ['aa', 'bb']),
  scalar('split-function.md', 'split with an index gives a one-element array', 'split("aaa_bbb_ccc", "_", 1)', 'dynamic', ['bbb']),
  scalar('split-function.md', 'split with a missing delimiter gives the whole string', 'split("aabb", "_")', 'dynamic', ['aabb']),
  scalar('strcat-function.md', 'strcat joins its arguments as strings', 'strcat("a", 1, true)', 'string', 'a1true'),
  scalar('strcat-delim-function.md', 'strcat_delim joins with a delimiter', 'strcat_delim("-", "a", "b", "c")', 'string', 'a-b-c'),
  scalar('strlen-function.md', 'strlen counts characters', 'strlen("hello")', 'long', 5),
  scalar('tolower-function.md', 'tolower', 'tolower("Hello")', 'string', 'hello'),
  scalar(
    'toupper-function.md',
    'toupper maps one character at a time: ß has no single upper-case letter and stays',
    'toupper("straße")',
    'string',
    'STRAßE',
    { choice: 'The page is silent; Kusto runs on .NET, whose invariant upper-casing is per character and leaves ß as is.' },
  ),
  scalar(
    'strlen-function.md',
    'strlen counts code points: a letter with a combining mark counts twice',
    'strlen("C\u0327edilla")',
    'long',
    8,
  ),
  scalar('strlen-function.md', 'strlen of symbols', 'strlen("⒦⒰⒮⒯⒪")', 'long', 5),
  scalar('toupper-function.md', 'toupper', 'toupper("Hello")', 'string', 'HELLO'),
  scalar('trim-function.md', 'trim removes a regex match at both ends', 'trim("--", "--https://bing.com--")', 'string', 'https://bing.com'),
  scalar('base64-encode-tostring-function.md', 'base64_encode_tostring', 'base64_encode_tostring("Kusto1")', 'string', 'S3VzdG8x'),
  scalar('base64-decode-tostring-function.md', 'base64_decode_tostring', 'base64_decode_tostring("S3VzdG8=")', 'string', 'Kusto'),
];

export const STRING_DOC_EXAMPLE_CASES: ConformanceCase[] = [
  ok(
    'format-datetime-function.md',
    'format_datetime with two-digit parts',
    "let dt = datetime(2017-01-29 09:00:05); print v1 = format_datetime(dt, 'yy-MM-dd [HH:mm:ss]')",
    ['v1:string'],
    [['17-01-29 [09:00:05]']],
  ),
  ok(
    'format-datetime-function.md',
    'format_datetime with one-digit month and hour',
    "let dt = datetime(2017-01-29 09:00:05); print v2 = format_datetime(dt, 'yyyy-M-dd [H:mm:ss]')",
    ['v2:string'],
    [['2017-1-29 [9:00:05]']],
  ),
  ok(
    'format-datetime-function.md',
    'format_datetime with a 12-hour clock',
    "let dt = datetime(2017-01-29 09:00:05); print v3 = format_datetime(dt, 'yy-MM-dd [hh:mm:ss tt]')",
    ['v3:string'],
    [['17-01-29 [09:00:05 AM]']],
  ),
  ok(
    'split-function.md',
    'split edge cases: empty input, empty parts, a longer delimiter',
    'print split("aa_bb", "_"), split("aaa_bbb_ccc", "_", 1), split("", "_"), split("a__b", "_"), split("aabbcc", "bb")',
    ['print_0:dynamic', 'print_1:dynamic', 'print_2:dynamic', 'print_3:dynamic', 'print_4:dynamic'],
    [[['aa', 'bb'], ['bbb'], [''], ['a', '', 'b'], ['aa', 'cc']]],
  ),
  ok(
    'trim-function.md',
    'trim with a regex of non-word characters',
    'range x from 1 to 2 step 1 | project str = strcat("-  ", "Te st", x, @"// $") | extend trimmed_str = trim(@"[^\\w]+", str)',
    ['str:string', 'trimmed_str:string'],
    [
      ['-  Te st1// $', 'Te st1'],
      ['-  Te st2// $', 'Te st2'],
    ],
  ),
  ok(
    'trim-function.md',
    'trim of whitespace',
    'let string_to_trim = @"    Hello, world!    "; let substring = @"\\s+"; print trimmed_string = trim(substring, string_to_trim)',
    ['trimmed_string:string'],
    [['Hello, world!']],
  ),
  ok(
    'extract-function.md',
    'extract by group, "" when there is no match',
    'datatable(Text:string)["User: James, Email: James@example.com, Age: 29", "User: David, Age: 35"] | extend UserName = extract("User: ([^,]+)", 1, Text), EmailId = extract(@"Email: (\\S+),", 1, Text), Age = extract(@"\\d+", 0, Text)',
    ['Text:string', 'UserName:string', 'EmailId:string', 'Age:string'],
    [
      ['User: James, Email: James@example.com, Age: 29', 'James', 'James@example.com', '29'],
      ['User: David, Age: 35', 'David', '', '35'],
    ],
  ),
  ok(
    'base64-decode-tostring-function.md',
    'base64_decode_tostring of bytes that are not UTF-8 is null',
    'print Empty = base64_decode_tostring("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")',
    ['Empty:string'],
    [[null]],
  ),
  ok(
    'strcat-delim-function.md',
    'strcat_delim converts each argument to text',
    "print st = strcat_delim('-', 1, '2', 'A', 1s)",
    ['st:string'],
    [['1-2-A-00:00:01']],
  ),
  ok(
    'strcat-function.md',
    'strcat keeps escaped newlines',
    'print MultiLineString = strcat("Line 1\\n", "Line 2\\n", "Line 3")',
    ['MultiLineString:string'],
    [['Line 1\nLine 2\nLine 3']],
  ),
  scalar(
    'extract-function.md',
    'extract converts the match to a typeof() type',
    'extract(@"-(\\d{2})-", 1, "15-12-2024", typeof(int))',
    'int',
    12,
  ),
  scalar(
    'extract-function.md',
    'extract with a typeof() type is null without a match',
    'extract(@"-(\\d{2})-", 1, "15/12/2024", typeof(long))',
    'long',
    null,
    {
      choice: 'The page says a failed match or conversion gives null for a typed result.',
    },
  ),
  scalar('trim-start-function.md', 'trim_start removes leading matches only', 'trim_start("-+", "--a--")', 'string', 'a--'),
  scalar('trim-end-function.md', 'trim_end removes trailing matches only', 'trim_end(@"\\s+", "a b  ")', 'string', 'a b'),
  scalar('trim-start-function.md', 'trim_start of a string without the prefix is the string', 'trim_start("x", "abc")', 'string', 'abc'),
];
