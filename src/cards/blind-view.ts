import { durationShortWords } from '../time/duration';
import { formatUtc } from '../time/when';

/** A detection that has not been able to read (part of) its window in one workspace for longer than its schedule. */
export interface BlindView {
  detectionTitle: string;
  detectionSlug: string;
  workspace: string;
  /** The first poll that could not read. */
  since: Date;
  /** The latest such poll (the report's moment). */
  now: Date;
  frequencyMs: number;
  /** The service's words or what was left unread (log data: shown as text). */
  reason: string;
  /** The latest ingestion window that could not be read whole. */
  window?: { start: Date; end: Date };
  /** Where an operator looks next, per surface. */
  hint: { cli: string; chat: string };
}

export interface BlindInput {
  detection: { name: string; slug: string; queryFrequencyMs: number };
  workspace: string;
  since: Date;
  now: Date;
  reason: string;
  window?: { start: Date; end: Date };
}

export function toBlindView(input: BlindInput): BlindView {
  return {
    detectionTitle: input.detection.name,
    detectionSlug: input.detection.slug,
    workspace: input.workspace,
    since: input.since,
    now: input.now,
    frequencyMs: input.detection.queryFrequencyMs,
    reason: input.reason,
    ...(input.window !== undefined ? { window: input.window } : {}),
    hint: { cli: 'npx firstwatch doctor', chat: 'hits in the unread time are not alerted until it can be read' },
  };
}

export function blindTitle(view: BlindView): string {
  return `Detection blind: ${view.detectionTitle} in ${view.workspace}`;
}

/** The card's lines, the same on every surface (each renderer escapes them its own way). */
export function blindLines(view: BlindView): { since: string; reason: string; window?: string; follow: string } {
  const blindFor = durationShortWords(Math.max(0, view.now.getTime() - view.since.getTime()));
  return {
    since: `since ${formatUtc(view.since, view.now)} (${blindFor}; it runs every ${durationShortWords(view.frequencyMs)})`,
    reason: view.reason,
    ...(view.window !== undefined
      ? { window: `${formatUtc(view.window.start, view.now)} – ${formatUtc(view.window.end, view.now)} (by ingestion time)` }
      : {}),
    follow: `Reported once for this spell; ${view.hint.chat}. Check: ${view.hint.cli}`,
  };
}
