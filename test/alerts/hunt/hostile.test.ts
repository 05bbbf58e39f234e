/**
 * Hostile input never becomes query text: validateUpn refuses it with a clear reason, and
 * the query builder renders ANY string inert anyway (checked with Microsoft's KQL parser
 * and by running the query in our engine). Nothing refused reaches a workspace.
 */
import { buildHuntQuery, formatTimespanLiteral, HuntError, HuntService, validateUpn } from '../../../src/alerts/hunt';
import { runQuery } from '../../../src/kql';
import { tokenize } from '../../../src/kql/lexer';
import { SqliteStore } from '../../../src/store';
import { DEFAULT_LOCAL_WORKSPACE_ID, LogAnalyticsSource, startWorkspaceServer, type WorkspaceServer } from '../../../src/workspace';
import { kustoSemanticErrors, kustoStringLiterals, kustoSyntaxErrors, loadKustoParser } from '../../support/kusto-parser';
import { ctx, huntAudit, NOW, tableSource, WEEK_MS } from './fixtures';

const HOSTILE: [string, string][] = [
  ['single quote', "a'b@c.com"],
  ['double quote', 'a"b@c.com'],
  ['quote breaking out into a union', 'a@b.com" | union *'],
  ['single-quote break-out', "a@b.com' | union *"],
  ['pipe', 'a|b@c.com'],
  ['bare union *', 'union *'],
  ['line comment', 'alice@contoso.com // and the rest'],
  ['comment before a newline', 'alice@contoso.com//\n| take 1'],
  ['newline and operator', 'alice@contoso.com\n| union *'],
  ['carriage return inside', 'alice@contoso.com\r| take 1'],
  ['NUL', 'alice@contoso.com\u0000'],
  ['NUL inside', 'ali\u0000ce@contoso.com'],
  ['Cyrillic а look-alike', '\u0430lice@contoso.com'],
  ['fullwidth ＠', 'alice\uff20contoso.com'],
  ['RTL override', '\u202emoc.osotnoc@ecila'],
  ['zero-width space', 'ali\u200bce@contoso.com'],
  ['10 KB string', `${'a'.repeat(10 * 1024)}@contoso.com`],
  ['10 KB of quotes', `${'"'.repeat(10 * 1024)}@contoso.com`],
  ['backslash', 'a\\b@c.com'],
  ['trailing backslash', 'alice@contoso.com\\'],
  ['escaped quote', 'a\\"b@c.com'],
  ['semicolon', 'a;b@c.com'],
  ['statement after semicolon', 'alice@contoso.com; let x = 1'],
  ['let statement', 'let _upn = "x"; alice@contoso.com'],
  ['emoji', '\u{1F600}@contoso.com'],
  ['verbatim literal', '@"alice@contoso.com"'],
  ['obfuscated literal', 'h"alice"@contoso.com'],
  ['multi-line literal fence', '```@contoso.com'],
  ['or-always-true', 'x@y.com" or 1==1 or "'],
  ['brackets', "['alice@contoso.com']"],
  ['parentheses', 'alice@contoso.com)'],
  ['tab', 'alice\t@contoso.com'],
  ['empty', ''],
  ['spaces only', '   '],
  ['no domain', 'alice'],
  ['two @', 'a@b@c.com'],
];

/** Inputs a person may legitimately type. */
const LEGITIMATE = [
  'alice@contoso.com',
  'ALICE@Contoso.COM',
  'o.brien+soc@sub.contoso.co.uk',
  'first_last-1@x-y.io',
  'a%b@c.com',
  '  bob@contoso.com  ',
];

const REFERENCE = buildHuntQuery('alice@contoso.com', WEEK_MS);

/** The nastiest inputs, also checked with Microsoft's parser (slow under jest: about 0.3 s a parse). */
const WORST = new Set([
  'quote breaking out into a union',
  'single-quote break-out',
  'comment before a newline',
  'NUL',
  'trailing backslash',
  '10 KB of quotes',
]);

function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** The query with its one user-derived literal blanked: what must never vary. */
function structure(query: string, value: string): string {
  const literal = `"${base64(value)}"`;
  expect(query.split(literal)).toHaveLength(2);
  return query.replace(literal, '""');
}

/** Our own lexer's view: every token outside the user's literal, in order. */
function tokensOutsideLiteral(query: string, value: string): string[] {
  const tokens = tokenize(query);
  const user = tokens.filter((t) => t.kind === 'string' && t.text === base64(value));
  expect(user).toHaveLength(1);
  return tokens.filter((t) => t !== user[0]).map((t) => `${t.kind}:${t.text}`);
}

let referenceLiterals: string[] | undefined;

function expectInert(value: string, microsoft: boolean): void {
  const query = buildHuntQuery(value, WEEK_MS);
  // Base64 cannot hold a quote, backslash, newline or anything else that ends a literal.
  expect(base64(value)).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
  expect(structure(query, value)).toBe(structure(REFERENCE, 'alice@contoso.com'));
  expect(tokensOutsideLiteral(query, value)).toEqual(tokensOutsideLiteral(REFERENCE, 'alice@contoso.com'));
  if (!microsoft) return;
  expect(kustoSyntaxErrors(query)).toEqual([]);
  referenceLiterals ??= kustoStringLiterals(REFERENCE);
  const literals = kustoStringLiterals(query);
  // Exactly one literal carries the value, where the reference has its own, decoding back to it.
  expect(literals.filter((l) => l === base64(value))).toHaveLength(1);
  expect(literals[0]).toBe(base64(value));
  expect(Buffer.from(literals[0], 'base64').toString('utf8')).toBe(value);
  expect(literals.slice(1)).toEqual(referenceLiterals.slice(1));
}

describe('validateUpn refuses hostile input with a clear reason', () => {
  it.each(HOSTILE)('%s', (_name, input) => {
    const check = validateUpn(input);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.reason.length).toBeGreaterThan(10);
      expect(check.reason.length).toBeLessThan(200);
    }
  });

  it.each(LEGITIMATE)('accepts %j and normalises it', (input) => {
    const check = validateUpn(input);
    expect(check).toEqual({ ok: true, upn: input.trim().toLowerCase() });
  });
});

describe('the query builder renders any string inert', () => {
  // Microsoft's parser takes seconds to load on a busy machine.
  beforeAll(() => loadKustoParser(), 120_000);

  it('the reference query is valid KQL, also for Microsoft’s semantic analyzer', () => {
    expect(kustoSyntaxErrors(REFERENCE)).toEqual([]);
    expect(kustoSemanticErrors(REFERENCE)).toEqual([]);
  });

  it.each([...new Set(LEGITIMATE.map((l) => validateUpn(l)).map((c) => (c.ok ? c.upn : '')))])(
    'accepted %j: Microsoft parser finds one literal, no error, the same structure',
    (upn) => {
      expectInert(upn, true);
    },
  );

  it.each(HOSTILE.filter(([, input]) => input !== ''))('refused input still inert if it ever got through: %s', (name, input) => {
    expectInert(input, WORST.has(name));
  });

  it('refuses to build a query for an empty UPN', () => {
    expect(() => buildHuntQuery('', WEEK_MS)).toThrow('non-empty UPN');
  });

  it('hostile values run as data: the engine finds nothing and raises nothing', () => {
    const source = tableSource();
    const timespan = { start: new Date(NOW.getTime() - WEEK_MS), end: NOW };
    for (const [, input] of HOSTILE.filter(([n, v]) => !n.startsWith('10 KB') && v !== '')) {
      const result = runQuery(buildHuntQuery(input, WEEK_MS), source, { now: NOW, timespan });
      const kinds = new Set(result.rows.map((r) => r[result.columns.findIndex((c) => c.name === 'Kind')]));
      // Only the summaries of an empty set can appear; no event, no activity, no union of everything.
      expect([...kinds].filter((k) => k === 'event' || k === 'activity' || k === 'day')).toEqual([]);
    }
  });

  it('renders the look-back from the integer alone, and refuses anything else', () => {
    expect(formatTimespanLiteral(WEEK_MS)).toBe('7d');
    expect(formatTimespanLiteral(36 * 3_600_000)).toBe('36h');
    expect(formatTimespanLiteral(90 * 60_000)).toBe('90m');
    expect(formatTimespanLiteral(61_000)).toBe('61s');
    for (const bad of [Number.NaN, Infinity, -WEEK_MS, 0, 1.5, 59_000, 91 * 86_400_000, 60_500, '7d' as unknown as number]) {
      expect(() => buildHuntQuery('alice@contoso.com', bad)).toThrow(/look-back/);
    }
  });
});

describe('HuntService refuses hostile requests before any query runs', () => {
  let server: WorkspaceServer;
  let store: SqliteStore;
  let hunts: HuntService;

  beforeAll(async () => {
    server = await startWorkspaceServer({ source: tableSource(), clock: () => NOW });
    store = new SqliteStore(':memory:', { clock: () => NOW });
    hunts = new HuntService({
      sources: [
        new LogAnalyticsSource({
          name: 'contoso-sentinel',
          workspaceId: DEFAULT_LOCAL_WORKSPACE_ID,
          endpoint: server.url,
          local: true,
          maxRetries: 0,
        }),
      ],
      store,
      clock: () => NOW,
    });
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it.each(HOSTILE)('%s: refused, audited as refused, no request sent', async (_name, input) => {
    const before = server.requests.length;
    const error = await hunts.run({ upn: input, lookbackMs: WEEK_MS }, ctx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HuntError);
    expect((error as HuntError).failure).toBe('invalid');
    const check = validateUpn(input);
    expect((error as Error).message).toBe(check.ok ? '' : check.reason);
    expect(server.requests.length).toBe(before);
    const last = huntAudit(await store.listAudit({ limit: 5 })).pop();
    expect(last).toMatchObject({ outcome: 'refused', action: 'hunt', origin: 'slack:C0SOC' });
    // The audit keeps a bounded, escaped snippet: never the 10 KB, never a raw control character.
    expect(last?.detail?.length).toBeLessThan(400);
    expect(last?.detail).not.toMatch(/[\u0000\r\n]/);
  });

  it.each([Number.NaN, -1, 0, 1.5, 91 * 86_400_000, '7d' as unknown as number])(
    'look-back %p: refused before any query',
    async (lookbackMs) => {
      const before = server.requests.length;
      await expect(hunts.run({ upn: 'alice@contoso.com', lookbackMs }, ctx())).rejects.toThrow(/look-back/);
      expect(server.requests.length).toBe(before);
    },
  );

  it('a malformed request object is refused, not crashed on', async () => {
    await expect(hunts.run(null as unknown as { upn: string; lookbackMs: number }, ctx())).rejects.toThrow('the hunt request is missing');
    await expect(hunts.run({ upn: 'alice@contoso.com', lookbackMs: WEEK_MS, alertId: 'FW-1"; drop' }, ctx())).rejects.toThrow(/alert id/);
  });
});
