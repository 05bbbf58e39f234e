import type { PreparedWorkspace } from '../local-workspace';
/** What the main thread tells the workspace thread at start (workerData). */
export interface ThreadStart {
  dir: string;
  host: string;
  port: number;
  /** Regenerate the sample data when it is older than this (ms); undefined: never. */
  freshForMs?: number;
  /** Write nothing into `dir` (dry runs, doctor): sample data it would need goes to a temporary folder. */
  readOnly?: boolean;
}

/** What the workspace thread reports, in order: prepared → listening → loaded | load-failed; or failed. */
export type ThreadEvent =
  | { kind: 'listening'; url: string; host: string; port: number; workspaceIds: string[]; prepared: PreparedWorkspace }
  | { kind: 'loaded'; ms: number }
  | { kind: 'load-failed'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

/** What the main thread may ask. */
export type ThreadRequest = { kind: 'close' };

const KINDS = new Set(['listening', 'loaded', 'load-failed', 'failed', 'closed']);

/** Messages cross a thread boundary: checked, not trusted. */
export function isThreadEvent(v: unknown): v is ThreadEvent {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  if (typeof m.kind !== 'string' || !KINDS.has(m.kind)) return false;
  switch (m.kind) {
    case 'listening':
      return (
        typeof m.url === 'string' &&
        typeof m.host === 'string' &&
        typeof m.port === 'number' &&
        Array.isArray(m.workspaceIds) &&
        typeof m.prepared === 'string'
      );
    case 'loaded':
      return typeof m.ms === 'number';
    case 'load-failed':
    case 'failed':
      return typeof m.message === 'string';
    default:
      return true;
  }
}

export function isThreadRequest(v: unknown): v is ThreadRequest {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>).kind === 'close';
}
