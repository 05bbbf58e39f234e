import { card, safeText } from './elements';
import { digestLines, digestTitle, type DigestView } from '../digest-view';

/** The digest as a Teams Adaptive Card. */
export function digestCard(view: DigestView): object {
  const l = digestLines(view);
  const text = (t: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: 'TextBlock',
    text: t,
    wrap: true,
    ...extra,
  });
  return card(
    [
      // The icon is ours: outside safeText, whose invisible-character check would show its variation selector as {U+FE0F}.
      text(`⚠️ ${safeText(digestTitle(view), 200)}`, { weight: 'Bolder', size: 'Medium', color: 'Attention' }),
      {
        type: 'FactSet',
        facts: [
          { title: 'Severity', value: safeText(l.severities, 300) },
          { title: 'Top users', value: safeText(l.users, 1000) },
          { title: 'Top VMs', value: safeText(l.targets, 1000) },
        ],
      },
      text('**First alerts**'),
      ...l.first.map((f) => text(safeText(f, 300), { spacing: 'None' })),
      ...(l.more ? [text(safeText(l.more, 100), { spacing: 'None', isSubtle: true })] : []),
      text(`${safeText(l.follow, 300)} List them all: ${safeText(view.listHint.teams, 100)}`, { isSubtle: true }),
    ],
    [],
    digestTitle(view),
  );
}
