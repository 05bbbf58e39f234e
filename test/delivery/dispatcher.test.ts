import { PassThrough } from 'node:stream';
import { AlertService } from '../../src/alerts/alert-service';
import { AllowListAuthorizer } from '../../src/alerts/authorizer';
import type { Alert, NewAlert } from '../../src/alerts/types';
import { cardContextFactory } from '../../src/cards/card-context';
import type { DigestView } from '../../src/cards/digest-view';
import { ConsolePlatform } from '../../src/chat/console/console-platform';
import { DeliveryError, type ChatPlatform } from '../../src/delivery/chat-platform';
import type { MessageRef } from '../../src/delivery/types';
import { createLogger, silentLogger } from '../../src/logging/logger';
import { Dispatcher, type DeliveryEvent, type DispatcherOptions } from '../../src/delivery/dispatcher';
import { Metrics } from '../../src/observability/metrics';
import { observeDeliveries } from '../../src/observability/instrument';
import { openSqliteStore, type SqliteStore } from '../../src/store';
import type { DeliveryTarget } from '../../src/delivery/types';
import * as build from '../support/alert-builder';

const NOW = new Date('2026-11-27T14:00:00Z');

function newAlert(n: number): NewAlert {
  return build.newAlert(n, { workspace: 'la-sec-prod', fingerprint: `fp-${n}`, subject: { upn: `user${n}@contoso.com` } });
}

/**
 * Stands in for Slack's or Teams' servers behind the ChatPlatform boundary:
 * fails as scripted, records what reached it.
 */
class ScriptedPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  readonly posted: string[] = [];
  readonly updated: { id: string; version: number }[] = [];
  readonly replies: string[] = [];
  failures: Error[] = [];
  /** Cards already on the platform from before a crash: alert id → ref. */
  earlier = new Map<string, MessageRef>();

  async postAlert(target: string, alert: Alert): Promise<MessageRef> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.posted.push(alert.id);
    return { platform: 'slack', target, messageId: `ts-${alert.id}` };
  }
  async findPosted(_target: string, alert: Alert): Promise<MessageRef | undefined> {
    return this.earlier.get(alert.id);
  }
  async updateAlert(_ref: MessageRef, alert: Alert): Promise<void> {
    this.updated.push({ id: alert.id, version: alert.version });
  }
  async replyInThread(_ref: MessageRef, text: string): Promise<void> {
    this.replies.push(text);
  }
  readonly digests: string[][] = [];
  digestFailures: Error[] = [];
  async postDigest(target: string, digest: DigestView): Promise<MessageRef> {
    const failure = this.digestFailures.shift();
    if (failure) throw failure;
    this.digests.push(digest.first.map((l) => l.id));
    return { platform: 'slack', target, messageId: `ts-digest-${this.digests.length}` };
  }
}

describe('Dispatcher over the SQLite outbox', () => {
  let store: SqliteStore;
  let clock: Date;
  let slack: ScriptedPlatform;
  let out: PassThrough;
  let printed: string;
  let dispatcher: Dispatcher;

  beforeEach(() => {
    clock = NOW;
    store = openSqliteStore(':memory:', { clock: () => clock });
    slack = new ScriptedPlatform();
    out = new PassThrough();
    printed = '';
    out.on('data', (d: Buffer) => (printed += d.toString()));
    const consolePlatform = new ConsolePlatform({ out, cardContext: cardContextFactory({ clock: () => clock }) });
    dispatcher = new Dispatcher({
      store,
      platforms: { slack, console: consolePlatform },
      logger: silentLogger(),
      clock: () => clock,
      retryBaseMs: 1000,
      retryMaxMs: 1000,
      maxAttempts: 3,
    });
  });
  afterEach(() => store.close());

  /** A dispatcher for the scripted Slack alone, quick retries. */
  const slackOnly = (extra: Partial<DispatcherOptions>): Dispatcher =>
    new Dispatcher({
      store,
      platforms: { slack },
      logger: silentLogger(),
      clock: () => clock,
      retryBaseMs: 1000,
      retryMaxMs: 1000,
      ...extra,
    });

  const record = (n: number, targets: DeliveryTarget[] = [{ platform: 'slack', target: 'C1' }]) =>
    store.recordPoll({ workspace: 'la-sec-prod', detectionId: 'first-time-run-command', watermark: clock, alerts: [newAlert(n)], targets });

  it('posts each pending delivery once, to every target, in order', async () => {
    await record(1, [
      { platform: 'slack', target: 'C1' },
      { platform: 'console', target: 'console' },
    ]);
    await record(2);
    const report = await dispatcher.drainUntilIdle();
    expect(report.posted).toBe(3);
    expect(slack.posted).toEqual(['FW-1', 'FW-2']);
    expect(printed).toMatch(/FW-1/);
    expect((await dispatcher.drainUntilIdle()).posted).toBe(0);
    expect(slack.posted).toEqual(['FW-1', 'FW-2']);
  });

  it('retries a throttled post after Retry-After, and gives up after the attempt limit', async () => {
    await record(1);
    slack.failures = [new DeliveryError('ratelimited', 'retry', 30_000)];
    await dispatcher.drainOnce();
    expect(slack.posted).toEqual([]);
    clock = new Date(NOW.getTime() + 10_000);
    expect((await dispatcher.drainOnce()).posted).toBe(0); // still inside Retry-After
    clock = new Date(NOW.getTime() + 31_000);
    expect((await dispatcher.drainOnce()).posted).toBe(1);

    await record(2);
    slack.failures = [new Error('socket hang up'), new Error('socket hang up'), new Error('socket hang up')];
    for (let i = 0; i < 3; i++) {
      clock = new Date(clock.getTime() + 60_000);
      await dispatcher.drainOnce();
    }
    const [delivery] = await store.listDeliveries('FW-2');
    expect(delivery?.state).toBe('failed');
    expect(delivery?.lastError).toMatch(/socket hang up/);
  });

  it('parks deliveries behind a setup problem instead of dropping them', async () => {
    await record(1);
    slack.failures = [new DeliveryError('not_in_channel', 'wait')];
    await dispatcher.drainOnce();
    expect((await store.listDeliveries('FW-1'))[0]?.state).toBe('waiting');
    expect(await store.releaseWaiting('slack', 'C1')).toBe(1);
    await dispatcher.drainUntilIdle();
    expect(slack.posted).toEqual(['FW-1']);
  });

  it('holds a delivery nobody could see yet without raising an alarm, and posts it once released', async () => {
    const lines = new PassThrough();
    let logged = '';
    lines.on('data', (d: Buffer) => (logged += d.toString()));
    dispatcher = new Dispatcher({ store, platforms: { slack }, logger: createLogger('info', lines), clock: () => clock });
    await record(1);
    await record(2);
    slack.failures = [
      new DeliveryError('no page of the local client is open', 'hold'),
      new DeliveryError('no page of the local client is open', 'hold'),
    ];
    await dispatcher.drainUntilIdle();
    expect((await store.listDeliveries('FW-1'))[0]).toMatchObject({ state: 'waiting', lastError: 'no page of the local client is open' });
    expect(slack.posted).toEqual([]);
    // Said once, at info: an expected state, not a setup problem.
    const records = logged
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(records.map((r) => [r.level, r.msg])).toEqual([[30, 'deliveries to this target are held until it can show them']]);
    expect(await store.releaseWaiting('slack', 'C1')).toBe(2);
    await dispatcher.drainUntilIdle();
    expect(slack.posted).toEqual(['FW-1', 'FW-2']);
  });

  it('keeps a storm digest for a target that cannot take it, past the attempt limit, and posts it once released', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const events: DeliveryEvent[] = [];
    const observe = observeDeliveries(metrics);
    dispatcher = slackOnly({
      maxAttempts: 3,
      storm: { threshold: 2, postIndividual: false },
      onDelivery: (e) => {
        events.push(e);
        observe(e);
      },
    });
    await store.recordPoll({
      workspace: 'la-sec-prod',
      detectionId: 'first-time-run-command',
      watermark: clock,
      alerts: [1, 2, 3].map(newAlert),
      targets: [{ platform: 'slack', target: 'C1' }],
    });
    slack.digestFailures = [new DeliveryError('not_in_channel', 'wait')];
    await dispatcher.drainUntilIdle();
    // Later passes, well past the attempt limit's backoff, neither post nor give it up.
    for (let i = 0; i < 5; i++) {
      clock = new Date(clock.getTime() + 60_000);
      await dispatcher.drainUntilIdle();
    }
    expect(slack.digests).toEqual([]);
    expect(await store.claimDueDigests(clock, 10)).toEqual([]);
    expect(await store.releaseWaiting('slack', 'C1')).toBe(1);
    await dispatcher.drainUntilIdle();
    expect(slack.digests).toEqual([['FW-1', 'FW-2', 'FW-3']]);
    expect(slack.posted).toEqual([]);
    expect(events).toEqual([
      { kind: 'digest', platform: 'slack', outcome: 'waiting', alerts: 3 },
      { kind: 'digest', platform: 'slack', outcome: 'posted', alerts: 3 },
    ]);
    const body = (await metrics.render()).body;
    expect(body).toContain('firstwatch_digests_total{platform="slack",outcome="waiting"} 1');
    expect(body).toContain('firstwatch_digests_total{platform="slack",outcome="posted"} 1');
  });

  it('after a crash mid-post, finds the earlier card instead of posting twice, then re-renders it', async () => {
    await record(1);
    // A claim that was never marked: the process died after posting.
    const [claimed] = await store.claimDueDeliveries(clock, 10, 1000);
    slack.earlier.set('FW-1', { platform: 'slack', target: 'C1', messageId: 'ts-before-crash' });
    clock = new Date(NOW.getTime() + 2000); // the lease expired
    const report = await dispatcher.drainUntilIdle();
    expect(claimed?.alert.id).toBe('FW-1');
    expect(report.reconciled).toBe(1);
    expect(slack.posted).toEqual([]);
    expect(slack.updated).toEqual([{ id: 'FW-1', version: 1 }]);
  });

  it('brings every copy up to date after transitions, collapsing a burst into the newest state, with one reply each', async () => {
    await record(1);
    await dispatcher.drainUntilIdle();
    const service = new AlertService({ store, clock: () => clock, authorizer: new AllowListAuthorizer([]) });
    const alex = { platform: 'cli' as const, id: 'alex', displayName: 'Alex', email: 'alex@contoso.com' };
    await service.acknowledge('FW-1', alex, 'cli');
    await service.escalate('FW-1', alex, 'cli', 'needs the VM owner');
    const report = await dispatcher.drainUntilIdle();
    expect(report.updated).toBe(1);
    expect(slack.updated).toEqual([{ id: 'FW-1', version: 3 }]);
    expect(slack.replies).toHaveLength(2);
  });

  it('tells its onDelivery hook what became of each post and redraw, as it recorded them', async () => {
    const events: DeliveryEvent[] = [];
    dispatcher = slackOnly({ maxAttempts: 2, onDelivery: (e) => events.push(e) });
    await record(1);
    await record(2);
    slack.failures = [new DeliveryError('not_in_channel', 'wait'), new Error('socket hang up')];
    await dispatcher.drainOnce();
    clock = new Date(NOW.getTime() + 60_000);
    await dispatcher.drainOnce();
    const service = new AlertService({ store, clock: () => clock, authorizer: new AllowListAuthorizer([]) });
    await service.acknowledge('FW-2', { platform: 'cli', id: 'alex', displayName: 'Alex', email: 'alex@contoso.com' }, 'cli');
    await dispatcher.drainUntilIdle();
    expect(events.map((e) => [e.kind, 'alert' in e ? e.alert.id : e.alerts, e.outcome])).toEqual([
      ['post', 'FW-1', 'waiting'],
      ['post', 'FW-2', 'retry'],
      ['post', 'FW-2', 'posted'],
      ['redraw', 'FW-2', 'ok'],
    ]);
    expect(events[2]).toMatchObject({ platform: 'slack', at: clock });
  });

  it('a throwing onDelivery hook changes nothing the outbox does', async () => {
    dispatcher = new Dispatcher({
      store,
      platforms: { slack },
      logger: silentLogger(),
      clock: () => clock,
      onDelivery: () => {
        throw new Error('metrics broke');
      },
    });
    await record(1);
    expect((await dispatcher.drainUntilIdle()).posted).toBe(1);
    const service = new AlertService({ store, clock: () => clock, authorizer: new AllowListAuthorizer([]) });
    await service.acknowledge('FW-1', { platform: 'cli', id: 'alex', displayName: 'Alex', email: 'alex@contoso.com' }, 'cli');
    expect((await dispatcher.drainUntilIdle()).updated).toBe(1);
    expect(slack.posted).toEqual(['FW-1']);
    expect(slack.updated).toEqual([{ id: 'FW-1', version: 2 }]);
    expect((await store.listDeliveries('FW-1')).map((d) => [d.state, d.renderedVersion])).toEqual([['posted', 2]]);
  });
});
