import type { Actor, StatusChange } from '../../../src/alerts/types';
import type { MessageRef } from '../../../src/delivery/types';
import type { Store, TransitionRequest } from '../../../src/store/store';
import { DETECTION, WORKSPACE } from '../../support/alert-builder';
import { person, type TestClock } from '../fixtures';

/** Builds a fresh, empty store whose clock is the given one. */
export type MakeStore<S extends { close(): Promise<void> } = Store> = (
  clock: TestClock,
) => Promise<{ store: S; cleanup?: () => Promise<void> }>;

export const SLACK = { platform: 'slack' as const, target: 'C0SEC' };
export const TEAMS = { platform: 'teams' as const, target: '19:sec@thread.tacv2' };
export const alex: Actor = person('Alex', 'alex@contoso.com');

export function ref(platform: 'slack' | 'teams', messageId: string): MessageRef {
  return { platform, target: platform === 'slack' ? SLACK.target : TEAMS.target, messageId };
}

export function ackRequest(alertId: string, at: Date, actor: Actor = alex): TransitionRequest {
  const change: StatusChange = { action: 'acknowledge', actor, at };
  return {
    alertId,
    action: 'acknowledge',
    from: ['open', 'escalated'],
    to: 'acknowledged',
    change,
    audit: { at, actor, action: 'acknowledge', origin: 'slack:C0SEC', detail: 'open → acknowledged' },
    replyText: `Acknowledged by ${actor.displayName}`,
  };
}

/** Every observable table, read through the Store interface. */
export async function snapshot(store: Store, alertIds: string[]): Promise<unknown> {
  return {
    alerts: await store.listAlerts({ status: 'all', limit: 1000 }),
    audit: await store.listAudit({ limit: 1000 }),
    deliveries: await Promise.all(alertIds.map((id) => store.listDeliveries(id))),
    watermark: await store.getWatermark(WORKSPACE, DETECTION),
  };
}
