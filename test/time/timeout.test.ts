import { TIMED_OUT, untilAborted, within, type TimeoutSignal } from '../../src/time/timeout';

/** Deadlines the test ends by hand: no real time passes. */
function handTimeouts(): { timeout: TimeoutSignal; expire: () => void; asked: number[] } {
  const controllers: AbortController[] = [];
  const asked: number[] = [];
  return {
    asked,
    timeout: (ms) => {
      asked.push(ms);
      const c = new AbortController();
      controllers.push(c);
      return c.signal;
    },
    expire: () => controllers.forEach((c) => c.abort(new Error('deadline'))),
  };
}

describe('within', () => {
  it('answers the work value when the work settles first', async () => {
    const t = handTimeouts();
    await expect(within(Promise.resolve(7), 1_000, t.timeout)).resolves.toBe(7);
    expect(t.asked).toEqual([1_000]);
  });

  it('answers TIMED_OUT once the deadline passes while the work is still running', async () => {
    const t = handTimeouts();
    const answer = within(new Promise<number>(() => undefined), 1_000, t.timeout);
    t.expire();
    await expect(answer).resolves.toBe(TIMED_OUT);
  });

  it('passes a failure of the work through', async () => {
    const t = handTimeouts();
    const boom = new Error('boom');
    await expect(within(Promise.reject(boom), 1_000, t.timeout)).rejects.toBe(boom);
  });

  describe('on real time (the default)', () => {
    it('answers TIMED_OUT when the deadline passes first', async () => {
      await expect(within(new Promise<number>(() => undefined), 0)).resolves.toBe(TIMED_OUT);
    });

    it('answers the value, or passes the failure through, when the work settles first', async () => {
      await expect(within(Promise.resolve(7), 60_000)).resolves.toBe(7);
      const boom = new Error('boom');
      await expect(within(Promise.reject(boom), 60_000)).rejects.toBe(boom);
    });

    it('keeps no process alive while it waits', () => {
      const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const before = timers();
      void within(new Promise<number>(() => undefined), 60_000);
      expect(timers()).toBe(before);
    });
  });
});

describe('untilAborted', () => {
  it('rejects with the reason of a signal that aborts first', async () => {
    const c = new AbortController();
    const reason = new Error('stopped');
    const answer = untilAborted(new Promise<number>(() => undefined), c.signal);
    c.abort(reason);
    await expect(answer).rejects.toBe(reason);
  });

  it('rejects at once when the signal has already aborted', async () => {
    const c = new AbortController();
    c.abort(new Error('already'));
    await expect(untilAborted(Promise.resolve(1), c.signal)).rejects.toThrow('already');
  });
});
