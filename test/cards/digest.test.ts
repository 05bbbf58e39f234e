import { digestCard, digestMessage, toDigestView } from '../../src/cards';
import { makeAlert } from './fixtures';

describe('storm digest', () => {
  const view = toDigestView(
    Array.from({ length: 25 }, (_, i) => makeAlert({ id: `FW-${i + 1}` })),
    { individualFollow: false },
  );

  it('keeps its own warning icon whole on both platforms (its variation selector is not shown as a code point)', () => {
    const card = JSON.stringify(digestCard(view));
    const message = digestMessage(view);
    for (const text of [card, JSON.stringify(message.blocks), message.text]) {
      expect(text).toContain('⚠️ ');
      expect(text).not.toContain('{U+FE0F}');
    }
  });
});
