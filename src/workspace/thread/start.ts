import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PreparedWorkspace } from '../local-workspace';
import { isThreadEvent, type ThreadEvent, type ThreadRequest, type ThreadStart } from './messages';

export interface WorkspaceThreadOptions {
  dir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Regenerate the sample data when older than this (ms). */
  freshForMs?: number;
  /** Write nothing into `dir` (dry runs, doctor). */
  readOnly?: boolean;
  /** Every event the thread reports after it listens (loaded, load-failed, exit). */
  onEvent?: (event: ThreadEvent | { kind: 'exited'; code: number }) => void;
}

/** The embedded workspace served from its own thread. */
export interface WorkspaceThread {
  url: string;
  workspaceIds: string[];
  prepared: PreparedWorkspace;
  /** Settles when the tables are in memory; rejects with why they are not. */
  loaded: Promise<void>;
  close(): Promise<void>;
}

const CLOSE_BUDGET_MS = 5_000;

/**
 * Compiled, the entry is entry.js beside this file. From TypeScript sources
 * (tests, benchmarks) the thread registers tsx first: Node will not start a
 * worker from a .ts file.
 */
function spawnWorker(start: ThreadStart): Worker {
  const js = path.join(__dirname, 'entry.js');
  if (__filename.endsWith('.js')) return new Worker(js, { workerData: start });
  const ts = path.join(__dirname, 'entry.ts');
  const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(ts)});`;
  return new Worker(bootstrap, { eval: true, workerData: start });
}

/** Starts the thread and resolves once it listens; the tables load after that (see `loaded`). */
export function startWorkspaceThread(options: WorkspaceThreadOptions): Promise<WorkspaceThread> {
  const start: ThreadStart = {
    dir: path.resolve(options.dir),
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    freshForMs: options.freshForMs,
    readOnly: options.readOnly,
  };
  const worker = spawnWorker(start);
  let settleLoaded: { resolve: () => void; reject: (err: Error) => void } | undefined;
  const loaded = new Promise<void>((resolve, reject) => (settleLoaded = { resolve, reject }));
  loaded.catch(() => undefined);
  let closed: (() => void) | undefined;
  let exited = false;
  let closing = false;

  return new Promise<WorkspaceThread>((resolve, reject) => {
    let listening = false;
    worker.on('message', (m: unknown) => {
      if (!isThreadEvent(m)) return;
      if (m.kind === 'listening') {
        listening = true;
        resolve({
          url: m.url,
          workspaceIds: m.workspaceIds,
          prepared: m.prepared,
          loaded,
          close: () => close(),
        });
        return;
      }
      if (m.kind === 'failed') reject(new Error(`the local workspace did not start: ${m.message}`));
      if (m.kind === 'loaded') settleLoaded?.resolve();
      if (m.kind === 'load-failed') settleLoaded?.reject(new Error(m.message));
      if (m.kind === 'closed') closed?.();
      if (listening) options.onEvent?.(m);
    });
    worker.on('error', (err) => {
      if (!listening) reject(err);
      settleLoaded?.reject(err);
    });
    worker.on('exit', (code) => {
      exited = true;
      if (!listening) reject(new Error(`the local workspace thread exited (code ${code}) before it listened`));
      settleLoaded?.reject(new Error(`the local workspace thread exited (code ${code})`));
      closed?.();
      if (listening && !closing) options.onEvent?.({ kind: 'exited', code });
    });
  });

  async function close(): Promise<void> {
    if (exited) return;
    closing = true;
    const done = new Promise<void>((resolve) => (closed = resolve));
    worker.postMessage({ kind: 'close' } satisfies ThreadRequest);
    const timer = setTimeout(() => void worker.terminate(), CLOSE_BUDGET_MS);
    await done;
    clearTimeout(timer);
    // The thread ends by itself once its server closed; terminate is a no-op then.
    await worker.terminate();
  }
}
