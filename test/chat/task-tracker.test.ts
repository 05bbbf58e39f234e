import { TaskTracker } from '../../src/chat/task-tracker';

describe('TaskTracker', () => {
  it('starts deferred slow halves one per event-loop turn, so other waiting work runs between them', async () => {
    const tasks = new TaskTracker();
    const order: string[] = [];
    const done = [1, 2, 3].map((n) =>
      tasks.afterWaitingIo(async () => {
        order.push(`slow ${n}`);
      }),
    );
    // Queued after all three: it must not wait for all three to start.
    setImmediate(() => order.push('other'));
    expect(order).toEqual([]);
    await Promise.all(done);
    expect(order).toEqual(['slow 1', 'other', 'slow 2', 'slow 3']);
  });

  it('tracks deferred work until it settles, failures included, and drain waits for it', async () => {
    const tasks = new TaskTracker();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ok = tasks.afterWaitingIo(() => gate);
    const failed = tasks.afterWaitingIo(async () => {
      throw new Error('slow half failed');
    });
    expect(tasks.size).toBe(2);
    await expect(failed).rejects.toThrow('slow half failed');
    let drained = false;
    const draining = tasks.drain(10_000).then(() => (drained = true));
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    release();
    await ok;
    await draining;
    expect(tasks.size).toBe(0);
  });
});
