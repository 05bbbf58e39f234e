import { KqlError } from '../../src/kql';
import { rows, source, table } from './fixtures';
import { checkedQueries } from './support/checked';

const { q, verify } = checkedQueries('user-defined functions, table() and materialize()');
const t0 = new Date('2024-05-01T10:00:00Z');
const signins = table('SigninLogs', 'TimeGenerated:datetime, UserPrincipalName:string, ResultType:string', [
  { TimeGenerated: t0, UserPrincipalName: 'alice@contoso.com', ResultType: '0' },
  { TimeGenerated: t0, UserPrincipalName: 'bob@contoso.com', ResultType: '50126' },
]);
const nonInteractive = table('AADNonInteractiveUserSignInLogs', 'TimeGenerated:datetime, UserPrincipalName:string, ResultType:string', [
  { TimeGenerated: t0, UserPrincipalName: 'carol@contoso.com', ResultType: '50126' },
]);
const src = source(signins, nonInteractive);

describe('user-defined functions', () => {
  it('calls a tabular function once per table name, through table()', () => {
    const query =
      q(`let failures = (tableName:string) { table(tableName) | where ResultType != "0" | project UserPrincipalName, Source = tableName };
let a = failures("SigninLogs");
let b = failures("AADNonInteractiveUserSignInLogs");
union a, b | sort by UserPrincipalName asc`);
    expect(rows(query, src)).toEqual([
      { UserPrincipalName: 'bob@contoso.com', Source: 'SigninLogs' },
      { UserPrincipalName: 'carol@contoso.com', Source: 'AADNonInteractiveUserSignInLogs' },
    ]);
  });

  it('binds lets inside the body afresh for every call', () => {
    const query = q(`let f = (tableName:string) { let rowsOf = table(tableName) | count; rowsOf | extend T = tableName };
union f("SigninLogs"), f("AADNonInteractiveUserSignInLogs") | sort by Count desc`);
    expect(rows(query, src)).toEqual([
      { Count: 2, T: 'SigninLogs' },
      { Count: 1, T: 'AADNonInteractiveUserSignInLogs' },
    ]);
  });

  it('uses a default for a parameter the call leaves out', () => {
    const query = q('let topN = (t:string, n:int = 1) { table(t) | sort by UserPrincipalName asc | take n }; topN("SigninLogs")');
    expect(rows(query, src).map((r) => r.UserPrincipalName)).toEqual(['alice@contoso.com']);
  });

  it('accepts datetime parameters and the view keyword', () => {
    const query = q(`let inWindow = view (start:datetime, end:datetime) { SigninLogs | where TimeGenerated between (start .. end) };
inWindow(datetime(2024-05-01T09:00:00Z), datetime(2024-05-01T11:00:00Z)) | count`);
    expect(rows(query, src)).toEqual([{ Count: 2 }]);
  });

  it('inlines a scalar function, its parameters shadowing columns of the same name', () => {
    const query = q(`let domainOf = (upn:string) { tostring(split(upn, "@")[1]) };
let bump = (ResultType:int) { ResultType + 1 };
SigninLogs | project UserPrincipalName, Domain = domainOf(UserPrincipalName), Next = bump(41) | take 1`);
    expect(rows(query, src)).toEqual([{ UserPrincipalName: 'alice@contoso.com', Domain: 'contoso.com', Next: 42 }]);
  });

  it('lets union isfuzzy=true leave out a call over a table the workspace lacks', () => {
    const query = q(
      'let f = (t:string) { table(t) | project UserPrincipalName }; union isfuzzy=true f("SigninLogs"), f("NoSuchTable") | count',
    );
    expect(rows(query, src)).toEqual([{ Count: 2 }]);
  });

  it('names a missing argument, and a tabular function called as a scalar', () => {
    expect(() => rows(q('let f = (t:string) { table(t) }; f()'), src)).toThrow(/f: missing argument 't'/);
    expect(() => rows(q('let f = (x:long) { x * 2 }; SigninLogs | extend y = f()'), src)).toThrow(KqlError);
  });
});

describe('table() and materialize()', () => {
  it('reads a table by a constant name', () => {
    expect(rows(q('let name = "SigninLogs"; table(name) | count'), src)).toEqual([{ Count: 2 }]);
  });

  it('runs materialize(query) as the query, once', () => {
    const query = q('let m = materialize(SigninLogs | where ResultType == "0"); m | join kind=inner (m) on UserPrincipalName | count');
    expect(rows(query, src)).toEqual([{ Count: 1 }]);
  });

  it('refuses a table name that depends on a row', () => {
    expect(() => rows(q('SigninLogs | extend x = 1 | join (table(UserPrincipalName)) on UserPrincipalName'), src)).toThrow(KqlError);
  });
});

verify();
