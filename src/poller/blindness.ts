import type { Sight } from '../delivery/blind-reports';
import type { PollOutcome } from './poller';

/** A failed poll read none of its window; a successful one with unread spans read only part of it. */
export function sightOf(outcome: PollOutcome): Sight {
  const { workspace } = outcome;
  if (outcome.stopped === true) return { workspace, blind: undefined };
  if (!outcome.ok) return { workspace, blind: true, reason: outcome.error ?? 'the poll failed', window: outcome.window };
  const unread = outcome.unread ?? [];
  if (unread.length === 0) return { workspace, blind: false };
  const start = new Date(Math.min(...unread.map((u) => u.start.getTime())));
  const end = new Date(Math.max(...unread.map((u) => u.end.getTime())));
  return { workspace, blind: true, reason: [...new Set(unread.map((u) => u.reason))].join('; '), window: { start, end } };
}
