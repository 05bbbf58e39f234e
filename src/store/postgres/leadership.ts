import os from 'node:os';
import type { Client } from 'pg';
import type { Leadership } from '../leadership';
import { lockKey } from './lock-key';
import { checkSchemaName } from './migrate';

/** Advisory-lock class for the poll lock; the second key is the schema's hash. Exported for tests and tooling. */
export const POLL_LOCK_CLASS = 0x46570002;

export interface PostgresLeadershipOptions {
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
export class PostgresLeadership implements Leadership {
  private client: Client | undefined;
  private held = false;
  private key: number | undefined;
  private scope = '';
  private state = 'has not tried to take the poll lock yet';
  private inFlight: Promise<boolean> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: PostgresLeadershipOptions = {},
  ) {
    if (typeof url !== 'string' || url.trim().length === 0) throw new Error('PostgresLeadership needs a PostgreSQL URL');
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
      this.state = this.held ? `this process polls (PostgreSQL advisory lock for schema ${this.scope})` : await this.holderText(client);
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
