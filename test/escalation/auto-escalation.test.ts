import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AlertService } from '../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../src/alerts/authorizer';
import type { NewAlert, Severity } from '../../src/alerts/types';
import { EscalationService, autoDecision } from '../../src/escalation';
import { silentLogger } from '../../src/logging/logger';
import { Dispatcher } from '../../src/delivery/dispatcher';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { newAlert } from '../chat/slack/harness';
import { RecordingPlatform } from '../support/recording-platform';

const MIN = 60_000;
const START = new Date('2026-11-27T14:00:00Z');

/** One process: store, service, dispatcher and escalation check over one SQLite file, on a clock the test moves. */
function openProcess(file: string, clock: { now: Date }) {
  const now = (): Date => clock.now;
  const store = new SqliteStore(file, { clock: now });
  const alerts = new AlertService({
    store,
    clock: now,
    authorizer: new AllowListAuthorizer(['alice@contoso.com']),
    escalatesTo: 'on-call',
  });
  const slack = new RecordingPlatform('slack');
  const dispatcher = new Dispatcher({
    store,
    platforms: { slack },
    logger: silentLogger(),
    clock: now,
    escalationCopies: { slack: { target: 'C0ONCALL', mention: { id: '<!subteam^S0ONCALL>' } } },
  });
  const escalation = new EscalationService({
    store,
    alerts,
    logger: silentLogger(),
    clock: now,
    destinations: [{ platform: 'slack', target: 'C0ONCALL' }],
    autoEscalateAfter: { High: 15 * MIN, Medium: 60 * MIN },
    remindBeforeMs: 5 * MIN,
  });
  escalation.attach();
  return {
    store,
    alerts,
    slack,
    dispatcher,
    escalation,
    close: async () => {
      await escalation.stop();
      await store.close();
    },
  };
}

const ALICE = { platform: 'slack' as const, id: 'U0ALICE', displayName: 'Alice Analyst', email: 'alice@contoso.com' };

describe('auto-escalation', () => {
  let dir: string;
  let file: string;
  const clock = { now: START };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fw-esc-'));
    file = path.join(dir, 'firstwatch.db');
    clock.now = START;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const seed = async (p: ReturnType<typeof openProcess>, severities: Severity[]) =>
    p.store.recordPoll({
      workspace: 'contoso-sentinel',
      detectionId: 'first-time-run-command',
      watermark: clock.now,
      alerts: severities.map((severity, i): NewAlert => newAlert(i + 1, { severity })),
      targets: [{ platform: 'slack', target: 'C0ALERTS' }],
    });

  it('reminds once, escalates once after the configured time as FirstWatch, and survives a restart in between', async () => {
    let p = openProcess(file, clock);
    const [high, medium, low] = await seed(p, ['High', 'Medium', 'Low']);
    await p.dispatcher.drainUntilIdle();

    clock.now = new Date(START.getTime() + 9 * MIN);
    expect(await p.escalation.check()).toEqual({ copiesQueued: 0, escalated: 0, reminded: 0 });

    clock.now = new Date(START.getTime() + 10 * MIN);
    expect(await p.escalation.check()).toEqual({ copiesQueued: 0, escalated: 0, reminded: 1 });
    expect(await p.escalation.check()).toEqual({ copiesQueued: 0, escalated: 0, reminded: 0 });
    await p.dispatcher.drainUntilIdle();
    expect(p.slack.replies.map((r) => r.text)).toEqual([
      `Reminder: ${high.id} is not acknowledged yet; it is escalated automatically in 5 minutes.`,
    ]);

    // A restart: new store, service and check on the same file; nothing was kept in memory.
    await p.close();
    p = openProcess(file, clock);
    clock.now = new Date(START.getTime() + 12 * MIN);
    expect(await p.escalation.check()).toEqual({ copiesQueued: 0, escalated: 0, reminded: 0 });

    clock.now = new Date(START.getTime() + 15 * MIN);
    // The change listener queued the escalation copy as the alert was escalated; the check found it there.
    expect(await p.escalation.check()).toEqual({ copiesQueued: 0, escalated: 1, reminded: 0 });
    expect((await p.store.listDeliveries(high.id)).map((d) => [d.target, d.state])).toEqual([
      ['C0ALERTS', 'posted'],
      ['C0ONCALL', 'pending'],
    ]);
    await p.close();
    p = openProcess(file, clock);
    clock.now = new Date(START.getTime() + 40 * MIN);
    expect(await p.escalation.check()).toEqual({ copiesQueued: 0, escalated: 0, reminded: 0 });

    const escalated = await p.store.getAlert(high.id);
    expect(escalated).toMatchObject({ status: 'escalated', version: 2 });
    expect(escalated?.lastChange).toMatchObject({
      action: 'escalate',
      actor: { platform: 'system', id: 'firstwatch', displayName: 'FirstWatch' },
      note: 'not acknowledged within 15 minutes',
      escalation: { by: 'FirstWatch', to: 'on-call', note: 'not acknowledged within 15 minutes', auto: true },
    });
    const trail = await p.store.listAudit({ alertId: high.id, limit: 20 });
    expect(trail.filter((e) => e.action === 'escalate').map((e) => [e.outcome, e.actor.platform, e.origin])).toEqual([
      ['allowed', 'system', 'system:auto-escalation'],
    ]);
    expect(trail.filter((e) => e.action === 'remind')).toHaveLength(1);

    // The new process posts the escalation copy with the mention and updates the original.
    await p.dispatcher.drainUntilIdle();
    expect(p.slack.posts).toEqual([{ target: 'C0ONCALL', alertId: high.id, version: 2, escalation: true, mention: '<!subteam^S0ONCALL>' }]);
    expect(p.slack.updates).toEqual([{ target: 'C0ALERTS', alertId: high.id, version: 2, escalation: false }]);

    // Medium waits its own hour; Low is never escalated automatically.
    expect((await p.store.getAlert(medium.id))?.status).toBe('open');
    clock.now = new Date(START.getTime() + 60 * MIN);
    expect((await p.escalation.check()).escalated).toBe(1);
    expect((await p.store.getAlert(medium.id))?.lastChange?.note).toBe('not acknowledged within 1 hour');
    clock.now = new Date(START.getTime() + 10 * 24 * 60 * MIN);
    expect((await p.escalation.check()).escalated).toBe(0);
    expect((await p.store.getAlert(low.id))?.status).toBe('open');
    await p.close();
  });

  it('does not escalate an alert acknowledged in time, also across a restart', async () => {
    let p = openProcess(file, clock);
    const [high] = await seed(p, ['High']);
    clock.now = new Date(START.getTime() + 5 * MIN);
    expect((await p.alerts.acknowledge(high.id, ALICE, 'slack:C0ALERTS')).outcome).toBe('allowed');
    await p.close();
    p = openProcess(file, clock);
    for (const minutes of [10, 15, 16, 120]) {
      clock.now = new Date(START.getTime() + minutes * MIN);
      expect(await p.escalation.check()).toEqual({ copiesQueued: 0, escalated: 0, reminded: 0 });
    }
    expect(await p.store.getAlert(high.id)).toMatchObject({ status: 'acknowledged', version: 2 });
    await p.close();
  });

  it('a reopened alert waits again from the reopening; untouched ones wait from when they were stored', () => {
    const base = { ...newAlert(1), id: 'FW-1', status: 'open' as const, version: 1, createdAt: START, updatedAt: START };
    const after = { High: 15 * MIN };
    expect(autoDecision(base, new Date(START.getTime() + 14 * MIN), after)?.kind).toBe('wait');
    expect(autoDecision(base, new Date(START.getTime() + 15 * MIN), after)?.kind).toBe('escalate');
    expect(autoDecision({ ...base, severity: 'Low' }, new Date(START.getTime() + 999 * MIN), after)).toBeUndefined();
    expect(autoDecision({ ...base, status: 'acknowledged' }, new Date(START.getTime() + 999 * MIN), after)).toBeUndefined();
    const reopened = {
      ...base,
      version: 4,
      lastChange: { action: 'reopen' as const, actor: ALICE, at: new Date(START.getTime() + 60 * MIN) },
    };
    expect(autoDecision(reopened, new Date(START.getTime() + 70 * MIN), after)?.kind).toBe('wait');
    expect(autoDecision(reopened, new Date(START.getTime() + 71 * MIN), after, 5 * MIN)?.kind).toBe('remind');
    expect(autoDecision(reopened, new Date(START.getTime() + 75 * MIN), after)?.kind).toBe('escalate');
  });
});
