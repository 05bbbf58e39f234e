import { Worker } from 'node:worker_threads';

/** One HTTP POST, built ahead of time. */
export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  ms: number;
  status: number;
}

/**
 * The client side of a burst, on its own thread: it does nothing but send the
 * prepared requests at once and time each answer, so neither the stand-ins
 * (which answer the bot's own calls in this process) nor the building of the
 * requests is counted against the bot.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
Promise.all(workerData.map(async (r) => {
  const t0 = performance.now();
  const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
})).then((results) => parentPort.postMessage(results), (err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

/** Sends every request at once from a client thread; resolves with each one's time to answer, in order. */
export function fireAtOnce(requests: LoadRequest[]): Promise<LoadResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: requests });
    worker.once('message', (m: LoadResult[] | { error: string }) => {
      void worker.terminate();
      if ('error' in m) reject(new Error(`load client: ${m.error}`));
      else resolve(m);
    });
    worker.once('error', reject);
  });
}
