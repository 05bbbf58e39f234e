import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Leadership } from '../leadership';

/** What the SQLite poll lock file holds. */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

/** Lock files this process holds, by path, with the holder's token: two pollers in one process are refused too. */
const heldHere = new Map<string, string>();

/**
 * Poll leadership for SQLite (one machine): an exclusive lock file next to the
 * database, `<db>.poll.lock`, naming the owner's pid. A lock whose pid is no
 * longer running is stale and taken over, as is one naming this very pid that
 * no poller here holds (a restarted container gets the same pid again).
 */
export class SqliteLeadership implements Leadership {
  readonly lockPath: string | undefined;
  private readonly dbFile: string;
  private readonly token = randomBytes(8).toString('hex');
  private held = false;
  private state = 'has not tried to take the poll lock yet';
  private readonly onExit = (): void => this.removeIfOurs();

  constructor(dbPath: string) {
    if (typeof dbPath !== 'string' || dbPath.length === 0) throw new Error('SqliteLeadership needs the SQLite database path');
    // An in-memory database belongs to one process: nothing else can poll it.
    this.dbFile = dbPath === ':memory:' ? dbPath : path.resolve(dbPath);
    this.lockPath = dbPath === ':memory:' ? undefined : `${this.dbFile}.poll.lock`;
  }

  isLeader(): boolean {
    return this.held;
  }

  describe(): string {
    return this.state;
  }

  async tryAcquire(): Promise<boolean> {
    const lock = this.lockPath;
    if (lock === undefined) {
      this.held = true;
      this.state = 'this process polls (in-memory database)';
      return true;
    }
    if (this.held) {
      if (readOwner(lock)?.token === this.token) return true;
      this.lose(`lost the poll lock: ${lock} was removed or replaced`);
    }
    // Two rounds at most: the second follows the removal of a stale lock.
    for (let round = 0; round < 2; round++) {
      if (this.create(lock)) {
        this.held = true;
        heldHere.set(lock, this.token);
        process.on('exit', this.onExit);
        this.state = `this process polls ${this.dbFile} (lock file ${lock})`;
        return true;
      }
      const owner = readOwner(lock);
      if (owner === undefined) {
        if (!fs.existsSync(lock)) continue; // Released between our attempt and the read.
        this.state = `the poll lock file ${lock} is unreadable; if no FirstWatch process is polling ${this.dbFile}, delete it`;
        return false;
      }
      if (owner.pid === process.pid && heldHere.has(lock)) {
        this.state = `another poller in this process (pid ${process.pid}) is already polling ${this.dbFile}`;
        return false;
      }
      if (owner.pid !== process.pid && isRunning(owner.pid)) {
        const where = owner.host !== os.hostname() ? ` on host ${owner.host}` : '';
        this.state = `another FirstWatch process is already polling ${this.dbFile} (pid ${owner.pid}${where})`;
        return false;
      }
      // Stale: its process is gone. Remove it only if it is still the file we judged.
      if (readOwner(lock)?.token === owner.token) removeQuietly(lock);
    }
    this.state = `could not take the poll lock ${lock}: it keeps changing hands`;
    return false;
  }

  /** Writes a complete lock file under a temporary name, then links it into place: the link fails if a lock exists. */
  private create(lock: string): boolean {
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), token: this.token, since: new Date().toISOString() };
    const tmp = `${lock}.${process.pid}.${this.token}.tmp`;
    try {
      fs.writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
      fs.linkSync(tmp, lock);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new Error(`cannot create the poll lock file ${lock}: ${(err as Error).message}`);
    } finally {
      removeQuietly(tmp);
    }
  }

  private removeIfOurs(): void {
    if (this.lockPath !== undefined && readOwner(this.lockPath)?.token === this.token) removeQuietly(this.lockPath);
  }

  private lose(reason: string): void {
    this.held = false;
    if (this.lockPath !== undefined && heldHere.get(this.lockPath) === this.token) heldHere.delete(this.lockPath);
    process.removeListener('exit', this.onExit);
    this.state = reason;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.removeIfOurs();
    this.lose('released the poll lock');
  }
}

function readOwner(lock: string): LockOwner | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lock, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<LockOwner> | null;
    if (typeof v !== 'object' || v === null) return undefined;
    if (!Number.isSafeInteger(v.pid) || (v.pid as number) < 1) return undefined;
    if (typeof v.token !== 'string' || typeof v.host !== 'string') return undefined;
    return { pid: v.pid as number, host: v.host, token: v.token, since: String(v.since) };
  } catch {
    return undefined;
  }
}

/** Signal 0 checks that a process exists; EPERM means it exists under another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Already gone.
  }
}
