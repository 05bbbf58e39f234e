/** `firstwatch start` in its own process, as the start tests drive it. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.join(__dirname, '../..');
const CLI = path.join(ROOT, 'src/cli.ts');
// tsx as a loader in the one node process: a signal reaches FirstWatch itself (the tsx CLI would relay it, and on a
// busy machine kill the process when the relay is not confirmed within 30 ms).
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/** A running `start`: its output so far, and a way to wait for a line. */
export class Started {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(cwd: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, 'start'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, DETECTIONS_DIR: path.join(ROOT, 'detections'), ...env },
    });
    const wake = (): void => {
      for (const w of this.waiters) w();
    };
    this.child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      wake();
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      wake();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves once `found` returns a value for the output so far (no clock: each new chunk is looked at). */
  until<T>(what: string, found: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = found();
        if (value !== undefined) {
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(value);
        }
      };
      this.waiters.push(check);
      void this.exited.then(() => reject(new Error(`start exited before ${what}:\n${this.stderr.slice(-3000)}`)));
      check();
    });
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Values of one field of the JSON log lines with this message. */
export function logged(stderr: string, msg: string, field: string): unknown[] {
  const out: unknown[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === msg) out.push(entry[field]);
    } catch {
      // a line cut by the chunking is looked at again whole
    }
  }
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
