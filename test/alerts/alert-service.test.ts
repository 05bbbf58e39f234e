import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Alert, StatusChange } from '../../src/alerts/types';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { TestClock, person } from '../store/fixtures';
import { alex, auditSince, bea, harness, seed, stateOf, type Harness } from './harness';

describe('AlertService', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await seed(h.store, 2, h.clock);
  });
  afterEach(() => h.store.close());

  describe('idempotency', () => {
    it('a second acknowledgement is a no-op that names who acknowledged first', async () => {
      expect((await h.service.acknowledge('FW-1', alex, 'slack:C0SEC')).outcome).toBe('allowed');
      h.clock.advance(5 * 60_000);
      const again = await h.service.acknowledge('FW-1', bea, 'teams:19:sec');
      expect(again).toMatchObject({ outcome: 'noop', message: 'FW-1 is already acknowledged by Alex Wilber at 14:02 UTC.' });
      const alert = await h.store.getAlert('FW-1');
      expect(alert).toMatchObject({ version: 2, lastChange: { actor: alex } });
      const audit = await h.store.listAudit({ alertId: 'FW-1', limit: 10 });
      expect(audit.map((e) => [e.outcome, e.actor.displayName, e.origin])).toEqual([
        ['allowed', 'Alex Wilber', 'slack:C0SEC'],
        ['noop', 'Bea Lopez', 'teams:19:sec'],
      ]);
      expect(audit[1].detail).toBe('already acknowledged by Alex Wilber');
    });

    it('resolving again with the same classification is a no-op; with another one it is refused', async () => {
      await h.service.resolve('FW-1', alex, 'cli', 'benign_positive');
      expect((await h.service.resolve('FW-1', bea, 'cli', 'benign_positive')).outcome).toBe('noop');
      const other = await h.service.resolve('FW-1', bea, 'cli', 'true_positive');
      expect(other.outcome).toBe('refused');
      expect(other.message).toBe(
        'FW-1 is already resolved (benign positive) by Alex Wilber at 14:02 UTC; reopen it first to classify it as true positive.',
      );
      expect((await h.store.getAlert('FW-1'))?.classification).toBe('benign_positive');
    });
  });

  describe('what a transition records', () => {
    it('stores the change with note and classification, clears the classification on reopen', async () => {
      const r = await h.service.resolve('FW-1', alex, 'slack:C0SEC', 'false_positive', '  admin maintenance window  ');
      expect(r.alert?.lastChange).toEqual({
        action: 'resolve',
        actor: alex,
        at: h.clock.now(),
        note: 'admin maintenance window',
        classification: 'false_positive',
      });
      expect(r.alert?.classification).toBe('false_positive');
      const audit = await h.store.listAudit({ alertId: 'FW-1', limit: 1 });
      expect(audit[0].detail).toBe('open → resolved; classification false_positive; note: admin maintenance window');
      const reopened = await h.service.reopen('FW-1', bea, 'teams:19:sec', 'new evidence');
      expect(reopened.alert).toMatchObject({ status: 'open', version: 3, lastChange: { action: 'reopen', note: 'new evidence' } });
      expect(reopened.alert?.classification).toBeUndefined();
    });

    it('queues a thread reply under every copy of the card, sent once the cards are posted', async () => {
      const work = await h.store.claimDueDeliveries(h.clock.now(), 10);
      for (const w of work)
        await h.store.markPosted(
          w.delivery.id,
          { platform: w.delivery.platform, target: w.delivery.target, messageId: `m${w.delivery.id}` },
          1,
        );
      await h.service.escalate('FW-1', alex, 'slack:C0SEC', 'needs the platform team');
      await h.service.acknowledge('FW-1', alex, 'slack:C0SEC'); // from escalated: allowed
      await h.service.acknowledge('FW-1', bea, 'slack:C0SEC'); // no-op: no reply
      const texts: string[] = [];
      for (;;) {
        const batch = await h.store.claimDueReplies(h.clock.now(), 10);
        if (batch.length === 0) break;
        for (const r of batch) {
          texts.push(`${r.ref.messageId}: ${r.text}`);
          await h.store.markReplied(r.id);
        }
      }
      expect(texts.sort()).toEqual(
        [
          'm1: Escalated by Alex Wilber · 14:02 UTC — needs the platform team',
          'm1: Acknowledged by Alex Wilber · 14:02 UTC',
          'm2: Escalated by Alex Wilber · 14:02 UTC — needs the platform team',
          'm2: Acknowledged by Alex Wilber · 14:02 UTC',
        ].sort(),
      );
      expect((await h.store.staleCards(10)).map((s) => s.alert.version)).toEqual([3, 3]);
    });

    it('fires onChange after each committed transition only, survives a throwing listener, and unsubscribes', async () => {
      const seen: Array<[string, number, StatusChange['action']]> = [];
      h.service.onChange(() => {
        throw new Error('listener bug');
      });
      const off = h.service.onChange((alert: Alert, change: StatusChange) => seen.push([alert.id, alert.version, change.action]));
      expect((await h.service.acknowledge('FW-1', alex, 'cli')).outcome).toBe('allowed');
      await h.service.acknowledge('FW-1', alex, 'cli');
      await h.service.reopen('FW-1', alex, 'cli');
      await h.service.escalate('FW-2', alex, 'cli');
      off();
      await h.service.resolve('FW-2', alex, 'cli', 'true_positive');
      expect(seen).toEqual([
        ['FW-1', 2, 'acknowledge'],
        ['FW-2', 2, 'escalate'],
      ]);
    });
  });

  describe('bad input changes nothing', () => {
    it.each([
      ['an unknown alert', () => h.service.acknowledge('FW-99', alex, 'cli'), /^There is no alert FW-99\.$/],
      ['a malformed id', () => h.service.acknowledge('FW-1; drop table', alex, 'cli'), /is not an alert id/],
      ['a lower-case id', () => h.service.escalate('fw-1', alex, 'cli'), /is not an alert id/],
      ['a missing classification', () => h.service.resolve('FW-1', alex, 'cli', 'maybe' as never), /needs a classification/],
      ['a note that is too long', () => h.service.escalate('FW-1', alex, 'cli', 'x'.repeat(1001)), /1001 characters; the limit is 1000/],
      ['a note with a control character', () => h.service.reopen('FW-1', alex, 'cli', 'a\u0007b'), /control character U\+0007/],
      ['a card version from the future', () => h.service.acknowledge('FW-1', alex, 'cli', { expectedVersion: 7 }), /claims version 7/],
      ['a non-integer card version', () => h.service.acknowledge('FW-1', alex, 'cli', { expectedVersion: 1.5 }), /non-negative integer/],
    ])('refuses %s with a reason, audits the refusal and changes nothing else', async (_label, call, says) => {
      const before = await stateOf(h.store);
      const audited = (await h.store.listAudit({ limit: 1000 })).length;
      const r = await call();
      expect(r.outcome).toBe('refused');
      expect(r.message).toMatch(says);
      expect(await stateOf(h.store)).toEqual(before);
      const lines = await auditSince(h.store, audited);
      expect(lines).toEqual([expect.objectContaining({ outcome: 'refused', actor: alex, origin: 'cli', detail: expect.any(String) })]);
    });
  });

  describe('authorization', () => {
    let guarded: Harness;
    beforeEach(async () => {
      guarded = await harness(['BEA@contoso.com', 'cli:ops'], h.store, h.clock);
    });

    it('refuses a person who is not on the allow-list, audits the refusal, and changes nothing else', async () => {
      const before = await h.store.getAlert('FW-1');
      const deliveries = await h.store.listDeliveries('FW-1');
      const r = await guarded.service.acknowledge('FW-1', alex, 'slack:C0SEC');
      expect(r).toEqual({
        outcome: 'refused',
        message:
          'Not allowed: Alex Wilber (slack:UALEX WILBER, alexw@contoso.com) is not on the FirstWatch allow-list (an admin adds alexw@contoso.com to RESPONDERS and restarts FirstWatch).',
      });
      expect(await h.store.getAlert('FW-1')).toEqual(before);
      expect(await h.store.listDeliveries('FW-1')).toEqual(deliveries);
      const [entry] = await h.store.listAudit({ alertId: 'FW-1', limit: 5 });
      expect(entry).toMatchObject({ action: 'acknowledge', outcome: 'refused', actor: alex, origin: 'slack:C0SEC' });
      expect(entry.detail).toMatch(/^not authorized: /);
    });

    it('refuses a person with no email who is not listed by id', async () => {
      const noEmail = person('Ghost');
      const r = await guarded.service.escalate('FW-1', noEmail, 'slack:C0SEC');
      expect(r.message).toMatch(/has no email address FirstWatch can see and is not on the allow-list by id/);
      expect((await h.store.getAlert('FW-1'))?.status).toBe('open');
    });

    it('lets listed people act, by email (any case) or by platform id', async () => {
      expect((await guarded.service.acknowledge('FW-1', bea, 'teams:19:sec')).outcome).toBe('allowed');
      const ops = { platform: 'cli' as const, id: 'OPS', displayName: 'ops' };
      expect((await guarded.service.escalate('FW-1', ops, 'cli')).outcome).toBe('allowed');
    });
  });

  describe('concurrency', () => {
    it('two simultaneous acknowledgements make one transition and one no-op', async () => {
      const [a, b] = await Promise.all([
        h.service.acknowledge('FW-1', alex, 'slack:C0SEC'),
        h.service.acknowledge('FW-1', bea, 'teams:19:sec'),
      ]);
      expect([a.outcome, b.outcome].sort()).toEqual(['allowed', 'noop']);
      const alert = await h.store.getAlert('FW-1');
      expect(alert?.version).toBe(2);
      const winner = a.outcome === 'allowed' ? alex : bea;
      expect(alert?.lastChange?.actor).toEqual(winner);
      expect([a, b].find((r) => r.outcome === 'noop')?.message).toContain(`already acknowledged by ${winner.displayName}`);
      const audit = await h.store.listAudit({ alertId: 'FW-1', limit: 10 });
      expect(audit.map((e) => e.outcome).sort()).toEqual(['allowed', 'noop']);
    });

    it('a racing escalate still applies after an acknowledge; a racing acknowledge is refused after a resolve', async () => {
      const [ack, esc] = await Promise.all([h.service.acknowledge('FW-1', alex, 'cli'), h.service.escalate('FW-1', bea, 'cli')]);
      expect([ack.outcome, esc.outcome]).toEqual(['allowed', 'allowed']);
      expect(await h.store.getAlert('FW-1')).toMatchObject({ status: 'escalated', version: 3 });

      const [res, ack2] = await Promise.all([
        h.service.resolve('FW-2', alex, 'cli', 'true_positive'),
        h.service.acknowledge('FW-2', bea, 'cli'),
      ]);
      // Both read "open"; the resolve commits first, so the acknowledge loses the compare-and-set and is judged again.
      expect(res.outcome).toBe('allowed');
      expect(ack2).toMatchObject({
        outcome: 'refused',
        message: 'FW-2 is resolved (true positive) by Alex Wilber at 14:02 UTC; reopen it first.',
      });
      expect(await h.store.getAlert('FW-2')).toMatchObject({ status: 'resolved', version: 2 });
      const audit = await h.store.listAudit({ alertId: 'FW-2', limit: 5 });
      expect(audit.map((e) => [e.action, e.outcome])).toEqual([
        ['resolve', 'allowed'],
        ['acknowledge', 'refused'],
      ]);
    });

    it('an action that loses the race but still applies is judged again, so its audit line tells what really happened', async () => {
      const [esc, ack] = await Promise.all([h.service.escalate('FW-1', bea, 'cli'), h.service.acknowledge('FW-1', alex, 'cli')]);
      expect([esc.outcome, ack.outcome]).toEqual(['allowed', 'allowed']);
      const audit = await h.store.listAudit({ alertId: 'FW-1', limit: 5 });
      expect(audit.map((e) => e.detail)).toEqual(['open → escalated', 'escalated → acknowledged']);
      expect(await h.store.getAlert('FW-1')).toMatchObject({ status: 'acknowledged', version: 3 });
    });

    it('two stores and services on one SQLite file: one transition among many concurrent acknowledgements', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-svc-'));
      const file = path.join(dir, 'fw.db');
      const clock = new TestClock();
      const one = await harness([], new SqliteStore(file, { clock: clock.now }), clock);
      const two = await harness([], new SqliteStore(file, { clock: clock.now }), clock);
      try {
        await seed(one.store, 1, clock);
        const people = ['A', 'B', 'C', 'D'].map((n) => person(n, `${n}@contoso.com`));
        const results = await Promise.all(people.map((p, i) => (i % 2 === 0 ? one : two).service.acknowledge('FW-1', p, 'cli')));
        expect(results.filter((r) => r.outcome === 'allowed')).toHaveLength(1);
        expect(results.filter((r) => r.outcome === 'noop')).toHaveLength(3);
        expect((await two.store.getAlert('FW-1'))?.version).toBe(2);
        expect(await one.store.listAudit({ alertId: 'FW-1', limit: 10 })).toHaveLength(4);
      } finally {
        await one.store.close();
        await two.store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('stale cards (expectedVersion)', () => {
    it('acts on the current state when the action still applies, and says the card was out of date', async () => {
      await h.service.escalate('FW-1', bea, 'teams:19:sec');
      const r = await h.service.acknowledge('FW-1', alex, 'slack:C0SEC', { expectedVersion: 1 });
      expect(r.outcome).toBe('allowed');
      expect(r.message).toBe('The card was out of date: FW-1 was escalated by Bea Lopez at 14:02 UTC. FW-1 acknowledged by Alex Wilber.');
      const [entry] = await h.store.listAudit({ alertId: 'FW-1', limit: 1 });
      expect(entry.detail).toBe('escalated → acknowledged; card showed v1, alert was v2');
    });

    it('says what changed when the action no longer applies', async () => {
      await h.service.resolve('FW-1', bea, 'teams:19:sec', 'false_positive');
      const before = await h.store.getAlert('FW-1');
      const r = await h.service.escalate('FW-1', alex, 'slack:C0SEC', undefined, { expectedVersion: 1 });
      expect(r.outcome).toBe('refused');
      expect(r.message).toBe(
        'FW-1 changed since this card was shown. FW-1 is resolved (false positive) by Bea Lopez at 14:02 UTC; reopen it first.',
      );
      expect(await h.store.getAlert('FW-1')).toEqual(before);
    });

    it('adds nothing when the card was current', async () => {
      const r = await h.service.acknowledge('FW-1', alex, 'slack:C0SEC', { expectedVersion: 1 });
      expect(r.message).toBe('FW-1 acknowledged by Alex Wilber.');
    });
  });
});
