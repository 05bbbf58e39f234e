import { KqlError } from '../../src/kql';
import { rows, source, table } from './fixtures';
import { checkedQueries } from './support/checked';

const { q, verify } = checkedQueries('string column compared with a number');
const signins = table('SigninLogs', 'UserPrincipalName:string, ResultType:string, ConditionalAccessStatus:string', [
  { UserPrincipalName: 'a', ResultType: '0', ConditionalAccessStatus: 'success' },
  { UserPrincipalName: 'b', ResultType: '50126', ConditionalAccessStatus: 'failure' },
  { UserPrincipalName: 'c', ResultType: '500121', ConditionalAccessStatus: '1' },
]);
const src = source(signins);
const users = (query: string): unknown[] => rows(query, src).map((r) => r.UserPrincipalName);

describe('a string column compared with a number, as published rules write it', () => {
  it('== compares the number as text: ResultType == 0 finds "0"', () => {
    expect(users(q('SigninLogs | where ResultType == 0'))).toEqual(['a']);
    expect(users(q('SigninLogs | where 500121 == ResultType'))).toEqual(['c']);
  });

  it('!= is its negation', () => {
    expect(users(q('SigninLogs | where ResultType != 0'))).toEqual(['b', 'c']);
  });

  it('a string that is not the number is simply unequal', () => {
    expect(users(q('SigninLogs | where ConditionalAccessStatus == 1 or ConditionalAccessStatus =~ "failure"'))).toEqual(['b', 'c']);
  });

  it('in with numbers matches the string column by text', () => {
    expect(users(q('SigninLogs | where ResultType in (50126, 500121)'))).toEqual(['b', 'c']);
  });

  it('ordering a string against a number stays an error naming the operator', () => {
    expect(() => rows('SigninLogs | where ResultType > 0', src)).toThrow(KqlError);
    expect(() => rows('SigninLogs | where ResultType > 0', src)).toThrow(/cannot compare string with long using '>'/);
  });
});

verify();
