import { card, factSet, safeText, textBlock } from './elements';
import { blindLines, blindTitle, type BlindView } from '../blind-view';

/** The blind-detection report as a Teams Adaptive Card. */
export function blindCard(view: BlindView): object {
  const l = blindLines(view);
  return card(
    [
      textBlock(safeText(`⚠️ ${blindTitle(view)}`, 200), { weight: 'Bolder', size: 'Medium', color: 'Attention' }),
      factSet([
        { title: 'Blind', value: safeText(l.since, 300) },
        { title: 'Why', value: safeText(l.reason, 1000) },
        ...(l.window !== undefined ? [{ title: 'Not read', value: safeText(l.window, 300) }] : []),
        { title: 'Rule', value: safeText(view.detectionSlug, 200) },
      ]),
      textBlock(safeText(l.follow, 300), { isSubtle: true }),
    ],
    [],
    blindTitle(view),
  );
}
