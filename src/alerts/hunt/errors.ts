/** Readable reasons for a failed hunt, for the person who asked and for the audit log. */
import { QueryError } from '../../workspace/query-source';
import { BusyError } from './limiter';

export type HuntFailure = 'invalid' | 'busy' | 'timeout' | 'workspace' | 'store';

/** A hunt that did not produce a report; `message` is fit to show in chat. */
export class HuntError extends Error {
  constructor(
    readonly failure: HuntFailure,
    message: string,
  ) {
    super(message);
    this.name = 'HuntError';
  }
}

function firstLine(text: string, max = 300): string {
  const line = text.split(/\r?\n/)[0].trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number(s.toFixed(2))} s`;
}

/** The reason one workspace's query failed, in words. */
export function describeQueryFailure(e: unknown, workspace: string, multiple: boolean): HuntError {
  const where = multiple ? ` (workspace ${workspace})` : '';
  if (e instanceof BusyError) return new HuntError('busy', e.message);
  if (e instanceof QueryError) {
    const detail = firstLine(e.message);
    switch (e.kind) {
      case 'bad-query':
        return new HuntError('workspace', `the workspace refused the query${where}: ${detail}`);
      case 'partial':
        return new HuntError('workspace', `the workspace returned an incomplete result${where}, so nothing is shown: ${detail}`);
      case 'throttled':
        return new HuntError('busy', `the workspace is throttling queries${where}; try again in a minute`);
      case 'timeout':
        return new HuntError('timeout', `the workspace query timed out${where}: ${detail}`);
      case 'forbidden':
        return new HuntError(
          'workspace',
          `FirstWatch may not read the workspace${where} (it needs the Log Analytics Reader role): ${detail}`,
        );
      case 'not-found':
        return new HuntError('workspace', `the workspace was not found${where}: ${detail}`);
      case 'unavailable':
        return new HuntError('workspace', `the workspace could not be reached${where}: ${detail}`);
    }
  }
  if (e instanceof HuntError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new HuntError('workspace', `the hunt failed${where}: ${firstLine(msg)}`);
}
