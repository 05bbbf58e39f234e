import { durationShortWords } from '../../time/duration';
import { card, safeText, textBlock } from './elements';

/**
 * The small card posted while a hunt runs. The hunt result has its own card
 * (rendered from a HuntReport by the hunt views), which replaces this one.
 */
export function huntPendingCard(upn: string, opts: { alertId?: string; lookbackMs?: number } = {}): object {
  const scope = [
    opts.lookbackMs !== undefined ? `last ${durationShortWords(opts.lookbackMs)}` : undefined,
    opts.alertId ? `from ${opts.alertId}` : undefined,
  ].filter((s): s is string => s !== undefined);
  const body = [
    textBlock(`🔎 Hunting ${safeText(upn, 300)}…`, { weight: 'Bolder' }),
    textBlock(
      scope.length > 0
        ? `Searching the workspace (${safeText(scope.join(', '), 200)}). The results will replace this card.`
        : 'Searching the workspace. The results will replace this card.',
      {
        isSubtle: true,
        spacing: 'None',
        size: 'Small',
      },
    ),
  ];
  return card(body, [], `Hunting ${upn}…`);
}
