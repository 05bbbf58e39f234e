/**
 * A fake clock for the timeouts of code that talks to real servers on loopback.
 *
 * Only setTimeout and setInterval are faked: Date, process.nextTick, setImmediate and
 * every socket stay real, so requests keep flowing while no timeout fires until the
 * test moves time with jest.advanceTimersByTimeAsync. Node's own http internals keep
 * their real timers (they do not go through the globals jest replaces).
 */

// Taken before any test fakes the globals: polling for a condition waits in real time.
const realSetTimeout = globalThis.setTimeout;

export function useFakeTimeouts(): void {
  jest.useFakeTimers({
    doNotFake: ['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate'],
  });
}

/**
 * Waits until `probe` holds, for real I/O (a request reaching a server, an answer
 * arriving) that no fake timer stands for. Its result never depends on how long it
 * took; it fails naming `what` after about ten seconds.
 */
export async function whenReal(what: string, probe: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (probe()) return;
    await new Promise((resolve) => realSetTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}
