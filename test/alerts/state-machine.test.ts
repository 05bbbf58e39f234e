import { ALERT_ACTIONS, ALERT_STATUSES, TRANSITIONS, canApply } from '../../src/alerts/state-machine';
import type { AlertAction, AlertStatus } from '../../src/alerts/types';
import { alex, harness, putInStatus, seed } from './harness';

type Expect = { outcome: 'allowed' | 'noop' | 'refused'; to: AlertStatus; says: RegExp };

/** The whole table: every action from every status, through the real service and store. */
const TABLE: Record<AlertStatus, Record<AlertAction, Expect>> = {
  open: {
    acknowledge: { outcome: 'allowed', to: 'acknowledged', says: /^FW-1 acknowledged by Alex Wilber\.$/ },
    escalate: { outcome: 'allowed', to: 'escalated', says: /^FW-1 escalated by Alex Wilber\.$/ },
    resolve: { outcome: 'allowed', to: 'resolved', says: /^FW-1 resolved as true positive by Alex Wilber\.$/ },
    reopen: { outcome: 'noop', to: 'open', says: /^FW-1 is already open\.$/ },
  },
  acknowledged: {
    acknowledge: { outcome: 'noop', to: 'acknowledged', says: /already acknowledged by Setup at 14:02 UTC/ },
    escalate: { outcome: 'allowed', to: 'escalated', says: /escalated by Alex Wilber/ },
    resolve: { outcome: 'allowed', to: 'resolved', says: /resolved as true positive/ },
    reopen: { outcome: 'refused', to: 'acknowledged', says: /FW-1 is acknowledged, not resolved; only a resolved alert can be reopened/ },
  },
  escalated: {
    acknowledge: { outcome: 'allowed', to: 'acknowledged', says: /acknowledged by Alex Wilber/ },
    escalate: { outcome: 'noop', to: 'escalated', says: /already escalated by Setup/ },
    resolve: { outcome: 'allowed', to: 'resolved', says: /resolved as true positive/ },
    reopen: { outcome: 'refused', to: 'escalated', says: /escalated, not resolved/ },
  },
  resolved: {
    acknowledge: {
      outcome: 'refused',
      to: 'resolved',
      says: /^FW-1 is resolved \(false positive\) by Setup at 14:02 UTC; reopen it first\.$/,
    },
    escalate: { outcome: 'refused', to: 'resolved', says: /reopen it first/ },
    resolve: {
      outcome: 'refused',
      to: 'resolved',
      says: /already resolved \(false positive\).*reopen it first to classify it as true positive/,
    },
    reopen: { outcome: 'allowed', to: 'open', says: /^FW-1 reopened by Alex Wilber\.$/ },
  },
};

describe('alert state machine', () => {
  it('declares every action from every status', () => {
    for (const action of ALERT_ACTIONS) {
      for (const status of ALERT_STATUSES) {
        expect(canApply(action, status)).toBe(TABLE[status][action].outcome === 'allowed');
        if (canApply(action, status)) expect(TRANSITIONS[action].to).toBe(TABLE[status][action].to);
      }
    }
  });

  for (const status of ALERT_STATUSES) {
    for (const action of ALERT_ACTIONS) {
      const want = TABLE[status][action];
      it(`${action} on a ${status} alert → ${want.outcome}, ${want.to}`, async () => {
        const h = await harness();
        await seed(h.store, 1, h.clock);
        await putInStatus(h, 'FW-1', status);
        const before = await h.store.getAlert('FW-1');
        const call: Record<AlertAction, () => ReturnType<typeof h.service.acknowledge>> = {
          acknowledge: () => h.service.acknowledge('FW-1', alex, 'slack:C0SEC'),
          escalate: () => h.service.escalate('FW-1', alex, 'slack:C0SEC'),
          resolve: () => h.service.resolve('FW-1', alex, 'slack:C0SEC', 'true_positive'),
          reopen: () => h.service.reopen('FW-1', alex, 'slack:C0SEC'),
        };
        const result = await call[action]();
        expect(result.outcome).toBe(want.outcome);
        expect(result.message).toMatch(want.says);
        const after = await h.store.getAlert('FW-1');
        expect(after?.status).toBe(want.to);
        expect(result.alert).toEqual(after);
        expect(after?.version).toBe(before!.version + (want.outcome === 'allowed' ? 1 : 0));
        // Every attempt leaves exactly one audit line with its outcome.
        const [last] = await h.store.listAudit({ alertId: 'FW-1', limit: 1 });
        expect(last).toMatchObject({ action, outcome: want.outcome, actor: alex, origin: 'slack:C0SEC', alertId: 'FW-1' });
        await h.store.close();
      });
    }
  }
});
