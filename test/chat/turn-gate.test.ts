import { TurnGate } from '../../src/chat/turn-gate';

describe('TurnGate', () => {
  it('lets callers go one per event-loop turn, oldest first, with other waiting work between them', async () => {
    const gate = new TurnGate();
    const order: string[] = [];
    const done = [1, 2, 3].map((n) => gate.turn().then(() => order.push(`caller ${n}`)));
    // Queued after all three: it runs after the first, not after all of them.
    setImmediate(() => order.push('other'));
    expect(order).toEqual([]);
    await Promise.all(done);
    expect(order).toEqual(['caller 1', 'other', 'caller 2', 'caller 3']);
  });

  it('starts again for callers that come after the queue emptied', async () => {
    const gate = new TurnGate();
    await gate.turn();
    const order: string[] = [];
    await Promise.all([gate.turn().then(() => order.push('a')), gate.turn().then(() => order.push('b'))]);
    expect(order).toEqual(['a', 'b']);
  });
});
