import type { Alert } from '../alerts/types';
import type { CardContext } from './context';
import { systemClock, type Clock } from '../time/clock';

/** Builds the context a card needs for one alert (clock, portal links, the rule's query). */
export type CardContextFor = ((alert: Alert) => CardContext) & {
  /** The same without an alert (replies, hunt results). */
  base(): CardContext;
};

export function cardContextFactory(options: {
  clock?: Clock;
  tenantId?: string;
  workspaceResourceId?: string;
  /** Detection id → its query text, for the "open in Log Analytics" link. */
  queries?: ReadonlyMap<string, string>;
}): CardContextFor {
  const clock = options.clock ?? systemClock;
  const base = (): CardContext => ({ now: clock(), tenantId: options.tenantId, workspaceResourceId: options.workspaceResourceId });
  const forAlert = (alert: Alert): CardContext => ({ ...base(), detectionQuery: options.queries?.get(alert.detectionId) });
  return Object.assign(forAlert, { base });
}
