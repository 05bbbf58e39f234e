/**
 * The hunt report's counts against an independent count over the same rows, computed here
 * in plain TypeScript (no KQL engine): the lists are capped, the counts beside them are not.
 */
import { HuntService } from '../../../src/alerts/hunt';
import type { HuntReport } from '../../../src/alerts/types';
import { huntText } from '../../../src/cards';
import { huntModel } from '../../../src/cards/hunt-view';
import { SqliteStore } from '../../../src/store';
import { startHandMadeWorkspace, type HandMadeWorkspace, type HandRow } from '../../support/hand-made-workspace';
import { ctx } from './fixtures';

const NOW = new Date('2026-11-27T12:00:00Z');
const HOUR = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR;

interface Activity {
  caller: string;
  at: Date;
  resource: string;
  ip: string;
}
interface SignIn {
  upn: string;
  at: Date;
  ip: string;
  resultType: string;
}

/** A busy account (343 events on 53 machines from 61 addresses) and a quiet one. */
function rows(): { activity: Activity[]; signIns: SignIn[] } {
  const activity: Activity[] = [];
  for (let i = 0; i < 343; i++) {
    activity.push({
      caller: i % 2 === 0 ? 'alice@contoso.com' : 'ALICE@contoso.com',
      at: new Date(NOW.getTime() - (i + 1) * 23 * 60_000),
      resource: `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-${String(i % 53).padStart(2, '0')}`,
      ip: `10.0.${i % 61}.1`,
    });
  }
  for (let i = 0; i < 12; i++) {
    activity.push({
      caller: 'bob@contoso.com',
      at: new Date(NOW.getTime() - (i + 1) * 5 * HOUR),
      resource: `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/app-${i % 3}`,
      ip: i % 4 === 0 ? '' : `192.0.2.${i % 5}`,
    });
  }
  // Older than the look-back: must count for nobody.
  activity.push({
    caller: 'alice@contoso.com',
    at: new Date(NOW.getTime() - 8 * 24 * HOUR),
    resource: '/subscriptions/s1/x/old',
    ip: '10.9.9.9',
  });
  const signIns: SignIn[] = [];
  for (let i = 0; i < 40; i++) {
    signIns.push({
      upn: 'alice@contoso.com',
      at: new Date(NOW.getTime() - (i + 1) * 3 * HOUR),
      ip: `10.1.${i}.1`,
      resultType: i % 3 === 0 ? '50126' : '0',
    });
  }
  signIns.push({ upn: 'bob@contoso.com', at: new Date(NOW.getTime() - HOUR), ip: '198.51.100.4', resultType: '0' });
  return { activity, signIns };
}

/** What the report must say for one user, counted directly from the rows. */
function expected(upn: string): { events: number; resources: number; ips: number; signInResults: number } {
  const { activity, signIns } = rows();
  const since = NOW.getTime() - WEEK_MS;
  const mine = activity.filter((a) => a.caller.toLowerCase() === upn && a.at.getTime() > since);
  const myIns = signIns.filter((s) => s.upn === upn && s.at.getTime() > since);
  const ips = new Set([...mine.map((a) => a.ip), ...myIns.map((s) => s.ip)].filter((ip) => ip !== ''));
  return {
    events: mine.length + myIns.length,
    resources: new Set(mine.map((a) => a.resource)).size,
    ips: ips.size,
    signInResults: new Set(myIns.map((s) => s.resultType)).size,
  };
}

function tables(): Record<string, HandRow[]> {
  const { activity, signIns } = rows();
  return {
    AzureActivity: activity.map((a, i) => ({
      values: {
        TimeGenerated: a.at,
        Caller: a.caller,
        OperationNameValue: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION',
        ActivityStatusValue: 'Succeeded',
        CorrelationId: `c-${i}`,
        _ResourceId: a.resource,
        CallerIpAddress: a.ip,
      },
    })),
    SigninLogs: signIns.map((s) => ({
      values: {
        TimeGenerated: s.at,
        UserPrincipalName: s.upn,
        IPAddress: s.ip,
        ResultType: s.resultType,
        ResultDescription: s.resultType === '0' ? '' : 'Invalid credentials',
        AppDisplayName: 'Azure Portal',
      },
    })),
  };
}

describe('hunt report counts are exact, beside capped lists', () => {
  let ws: HandMadeWorkspace;
  let store: SqliteStore;

  beforeAll(async () => {
    ws = await startHandMadeWorkspace(tables(), { clock: () => NOW, name: 'contoso' });
    store = new SqliteStore(':memory:', { clock: () => NOW });
  });
  afterAll(async () => {
    await ws.close();
    await store.close();
  });

  const hunt = (upn: string): Promise<HuntReport> =>
    new HuntService({ sources: [ws.source], store, clock: () => NOW, limits: { cacheSeconds: 0 }, links: {} }).run(
      { upn, lookbackMs: WEEK_MS },
      ctx(),
    );

  it.each(['alice@contoso.com', 'bob@contoso.com'])(
    '%s: totals, "… and N more" and the views agree with a count made without the engine',
    async (upn) => {
      const truth = expected(upn);
      const report = await hunt(upn);
      expect(report.totalEvents).toBe(truth.events);
      expect(report.totals).toMatchObject({
        recent: truth.events,
        resources: truth.resources,
        sourceIps: truth.ips,
        signIns: truth.signInResults,
      });

      const model = huntModel(report, NOW);
      expect(model.more.resources).toBe(truth.resources - model.resources.length);
      expect(model.more.ips).toBe(truth.ips - model.ips.length);
      expect(model.more.recent).toBe(truth.events - model.recent.length);
      expect(model.more.signIns).toBe(truth.signInResults - model.signIns.length);

      const text = huntText(report);
      const more = (section: string): number | undefined => {
        const block = text.split('\n\n').find((b) => b.startsWith(section)) ?? '';
        const m = /… and (\d+) more/.exec(block);
        return m ? Number(m[1]) : undefined;
      };
      const shownOrNone = (n: number): number | undefined => (n > 0 ? n : undefined);
      expect(more('Resources touched')).toBe(shownOrNone(truth.resources - model.resources.length));
      expect(more('Most recent')).toBe(shownOrNone(truth.events - model.recent.length));
    },
  );

  it('the busy account is the one the issue met: 53 machines and 343 + 40 events, more than any list holds', () => {
    const alice = expected('alice@contoso.com');
    expect(alice).toEqual({ events: 383, resources: 53, ips: 101, signInResults: 2 });
  });
});
