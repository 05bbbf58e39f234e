import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'src/cli.ts');

/** One `firstwatch start` child process and what it has said so far. */
export interface FirstWatchProcess {
  child: ChildProcess;
  pid: number;
  /** Every JSON log line so far. */
  lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the HTTP server's URL once it listens. */
  listening: Promise<string>;
  /** Resolves when a log line matches. */
  waitForLog(pick: (line: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal's name) when the process has gone. */
  exited: Promise<number | string>;
  /** SIGKILL: the whole process group at once (a crash); SIGTERM: to the tsx parent, which relays it (an orderly stop). */
  kill(signal: 'SIGKILL' | 'SIGTERM'): void;
}

/** Starts `tsx src/cli.ts start` with only the environment given (plus PATH and HOME). */
export function startFirstWatch(cwd: string, env: Record<string, string>): FirstWatchProcess {
  const child = spawn(TSX, [CLI, 'start'], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      DETECTIONS_DIR: path.join(ROOT, 'detections'),
      TEAMS_PLAYGROUND: 'false',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // tsx runs FirstWatch in a child node process: a group of its own lets a SIGKILL reach that process too.
    detached: true,
  });
  const lines: Record<string, unknown>[] = [];
  const watchers = new Set<() => void>();
  let text = '';
  let partial = '';
  child.stderr?.on('data', (d: Buffer) => {
    const s = d.toString();
    text += s;
    partial += s;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      try {
        const parsed: unknown = JSON.parse(part);
        if (typeof parsed === 'object' && parsed !== null) lines.push(parsed as Record<string, unknown>);
      } catch {
        // Not a log line (tsx or Node warnings): kept in stderr() only.
      }
    }
    for (const w of [...watchers]) w();
  });
  child.stdout?.resume();
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
      for (const w of [...watchers]) w();
    });
  });
  let gone = false;
  void exited.then(() => (gone = true));

  const waitForLog = (
    pick: (line: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs = 60_000,
  ): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = lines.find(pick);
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (gone) {
          done();
          reject(new Error(`firstwatch exited before: ${what}\n${text.slice(-3000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for: ${what}\n${text.slice(-3000)}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });

  const listening = waitForLog((l) => l.msg === 'HTTP server listening', 'the HTTP server listening').then((l) => String(l.url));
  listening.catch(() => undefined);
  const kill = (signal: 'SIGKILL' | 'SIGTERM'): void => {
    try {
      if (signal === 'SIGKILL') process.kill(-(child.pid as number), 'SIGKILL');
      else child.kill('SIGTERM');
    } catch {
      // Already gone.
    }
  };
  // The group outlives its leader: make sure no FirstWatch is left running once the parent has gone.
  const exitedAll = exited.then((code) => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // No member left.
    }
    return code;
  });
  return { child, pid: child.pid as number, lines, stderr: () => text, listening, waitForLog, exited: exitedAll, kill };
}
