import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { lockKey } from '../store/postgres/lock-key';
import { checkSchemaName } from '../store/postgres/migrate';

/**
 * Which process polls. Exactly one process (replica) runs the detections at a
 * time; every process keeps serving chat interactions. Call tryAcquire on every
 * tick and poll only when it returns true: a process that is not the leader
 * keeps asking, so it takes over within one tick of the leader going away.
 */
export interface Leadership {
  /** Takes the poll lock when it is free; true while this process holds it. Safe to call on every tick. */
  tryAcquire(): Promise<boolean>;
  /** Gives the lock up (shutdown). Another process can take it on its next tick. */
  release(): Promise<void>;
  /** Who polls, in words, for logs: this process, or which other one, or why the lock could not be taken. */
  describe(): string;
}

/** Advisory-lock class for the poll lock; the second key is the schema's hash. Exported for tests and tooling. */
export const POLL_LOCK_CLASS = 0x46570002;

export interface PollLeadershipOptions {
  /** The store's schema: replicas of one deployment share it, and so share one lock. Unset: the server's search_path. */
  schema?: string;
  /** Connection errors, for logging (the lock is lost when its connection is). */
  onError?: (err: Error) => void;
}

/**
 * Poll leadership among replicas sharing PostgreSQL: a session-level advisory
 * lock on a dedicated connection, held as long as that connection lives. When
 * the leader dies its connection closes, the server frees the lock and the
 * next replica to try gets it.
 */
export class PollLeadership implements Leadership {
  private client: Client | undefined;
  private held = false;
  private key: number | undefined;
  private scope = '';
  private state = 'has not tried to take the poll lock yet';
  private inFlight: Promise<boolean> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: PollLeadershipOptions = {},
  ) {
    if (typeof url !== 'string' || url.trim().length === 0) throw new Error('PollLeadership needs a PostgreSQL URL');
    if (options.schema !== undefined) checkSchemaName(options.schema);
  }

  isLeader(): boolean {
    return this.held;
  }

  describe(): string {
    return this.state;
  }

  tryAcquire(): Promise<boolean> {
    // Overlapping ticks share one attempt rather than racing on one connection.
    this.inFlight ??= this.attempt().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async attempt(): Promise<boolean> {
    if (this.held && this.client) {
      if (await this.stillHeld(this.client)) return true;
      this.drop('lost the poll lock: its connection to PostgreSQL is gone');
    }
    try {
      const client = this.client ?? (await this.connect());
      const { rows } = await client.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS acquired', [
        POLL_LOCK_CLASS,
        this.key,
      ]);
      this.held = rows[0].acquired === true && this.client === client;
      this.state = this.held
        ? `this process polls (PostgreSQL advisory lock for schema ${this.scope})`
        : await this.holderText(client);
      return this.held;
    } catch (err) {
      this.options.onError?.(err as Error);
      this.drop(`cannot take the poll lock: ${(err as Error).message}`);
      return false;
    }
  }

  private async connect(): Promise<Client> {
    // Loaded here, not at start: a SQLite deployment never needs the driver.
    const { Client: PgClient } = await import('pg');
    const client = new PgClient({
      connectionString: this.url,
      // Probes an idle connection after 30 s, so a vanished server or network is noticed between hourly ticks.
      keepAlive: true,
      keepAliveInitialDelayMillis: 30_000,
      application_name: `firstwatch poll ${os.hostname()} pid ${process.pid}`.slice(0, 63),
      ...(this.options.schema === undefined ? {} : { options: `-c search_path=${this.options.schema}` }),
    });
    // A dead connection means the server has freed (or will free) the lock: stop claiming to hold it.
    client.on('error', (err) => {
      this.options.onError?.(err);
      if (this.client === client) this.drop(`lost the poll lock: ${err.message}`);
    });
    client.on('end', () => {
      if (this.client === client) this.drop('lost the poll lock: its connection to PostgreSQL closed');
    });
    this.client = client;
    try {
      await client.connect();
    } catch (err) {
      throw new Error(`cannot connect to PostgreSQL: ${(err as Error).message}`);
    }
    const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    this.scope = this.options.schema ?? rows[0]?.schema ?? '';
    this.key = lockKey(this.scope);
    return client;
  }

  private async stillHeld(client: Client): Promise<boolean> {
    try {
      const { rows } = await client.query<{ held: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
           AND classid = $1::int4::oid AND objid = $2::int4::oid AND objsubid = 2 AND granted) AS held`,
        [POLL_LOCK_CLASS, this.key],
      );
      return rows[0].held === true;
    } catch {
      return false;
    }
  }

  private async holderText(client: Client): Promise<string> {
    const { rows } = await client.query<{ pid: number; app: string | null }>(
      `SELECT l.pid, a.application_name AS app FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.classid = $1::int4::oid AND l.objid = $2::int4::oid AND l.objsubid = 2 AND l.granted`,
      [POLL_LOCK_CLASS, this.key],
    );
    const holder = rows[0];
    const who = holder ? ` (${holder.app || 'unnamed client'}, server pid ${holder.pid})` : '';
    return `another FirstWatch replica is polling schema ${this.scope}${who}; this one takes over when it stops`;
  }

  /** Forgets the connection and the lock; the server frees the lock when the connection ends. */
  private drop(reason: string): void {
    const client = this.client;
    this.client = undefined;
    this.held = false;
    this.state = reason;
    client?.end().catch(() => undefined);
  }

  async release(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    const client = this.client;
    if (!client) return;
    const wasHeld = this.held;
    this.client = undefined;
    this.held = false;
    this.state = 'released the poll lock';
    try {
      if (wasHeld) await client.query('SELECT pg_advisory_unlock($1, $2)', [POLL_LOCK_CLASS, this.key]);
    } catch {
      // Ending the connection frees the lock anyway.
    }
    await client.end().catch(() => undefined);
  }
}

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
