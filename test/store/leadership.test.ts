import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POLL_LOCK_CLASS, PostgresLeadership } from '../../src/store/postgres/leadership';
import { SqliteLeadership } from '../../src/store/sqlite/leadership';
import { lockKey } from '../../src/store/postgres/lock-key';
import { PG_URL, freshSchema, requirePostgres, withAdmin } from './postgres-support';

const ROOT = path.join(__dirname, '..', '..');
const PG_LEADER_MODULE = path.join(ROOT, 'src', 'store', 'postgres', 'leadership.ts');
const SQLITE_LEADER_MODULE = path.join(ROOT, 'src', 'store', 'sqlite', 'leadership.ts');

/** A real second process running the leadership code; resolves once it printed its first line. */
function startChild(script: string): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, firstLine: out.slice(0, nl) });
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before reporting: ${err}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Asks on every "tick" until `leadership` leads; the bound only stops a broken build from hanging. */
async function acquireWithin(leadership: { tryAcquire(): Promise<boolean> }, ticks = 200): Promise<number> {
  for (let tick = 1; tick <= ticks; tick++) {
    if (await leadership.tryAcquire()) return tick;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`did not become leader within ${ticks} ticks`);
}

describe('PostgresLeadership (PostgreSQL advisory lock)', () => {
  const schema = freshSchema('leader');
  const open: PostgresLeadership[] = [];
  const make = (s = schema) => {
    const l = new PostgresLeadership(PG_URL, { schema: s, onError: () => undefined });
    open.push(l);
    return l;
  };
  const children: ChildProcess[] = [];

  beforeAll(requirePostgres);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.release()));
    await Promise.all(children.splice(0).map(kill));
  });

  it('lets exactly one of several replicas lead; release hands over to the next one that asks', async () => {
    const [a, b, c] = [make(), make(), make()];
    const first = await Promise.all([a, b, c].map((l) => l.tryAcquire()));
    expect(first.filter(Boolean)).toHaveLength(1);
    const leader = [a, b, c][first.indexOf(true)];
    const others = [a, b, c].filter((l) => l !== leader);
    expect(leader.isLeader()).toBe(true);
    expect(leader.describe()).toMatch(/this process polls/);
    // Asking again on the next tick keeps the lead, and the others keep being refused.
    expect(await leader.tryAcquire()).toBe(true);
    for (const o of others) {
      expect(await o.tryAcquire()).toBe(false);
      expect(o.isLeader()).toBe(false);
      expect(o.describe()).toMatch(/another FirstWatch replica is polling schema fw_test_leader.*server pid \d+/);
    }

    await leader.release();
    expect(leader.isLeader()).toBe(false);
    const next = await Promise.all(others.map((o) => o.tryAcquire()));
    expect(next.filter(Boolean)).toHaveLength(1);
    expect(await leader.tryAcquire()).toBe(false);
  });

  it('keeps deployments in different schemas apart', async () => {
    const here = make();
    const elsewhere = make(freshSchema('leader_other'));
    expect(await here.tryAcquire()).toBe(true);
    expect(await elsewhere.tryAcquire()).toBe(true);
  });

  it('hands over when the leader process dies (its connection closes and the server frees the lock)', async () => {
    const { child, firstLine } = await startChild(
      `const { PostgresLeadership } = require(${JSON.stringify(PG_LEADER_MODULE)});
       const l = new PostgresLeadership(${JSON.stringify(PG_URL)}, { schema: ${JSON.stringify(schema)} });
       l.tryAcquire().then((ok) => { console.log(ok ? 'leader' : 'follower'); setInterval(() => {}, 1000); });`,
    );
    children.push(child);
    expect(firstLine).toBe('leader');

    const survivor = make();
    expect(await survivor.tryAcquire()).toBe(false);
    await kill(child);
    await acquireWithin(survivor);
    expect(survivor.isLeader()).toBe(true);
  });

  it('notices when its own connection is cut, stops leading, and another replica takes over', async () => {
    const a = make();
    const b = make();
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    // The server ends the leader's session, as when its network goes away.
    const killed = await withAdmin(async (c) => {
      const { rows } = await c.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1::int4::oid AND objid = $2::int4::oid`,
        [POLL_LOCK_CLASS, lockKey(schema)],
      );
      return rows;
    });
    expect(killed.length).toBeGreaterThan(0);
    await acquireWithin(b);
    expect(await a.tryAcquire()).toBe(false);
    expect(a.isLeader()).toBe(false);
    expect(a.describe()).toMatch(/another FirstWatch replica is polling/);
  });

  it('reports an unreachable server as "not leader" with the reason', async () => {
    const l = new PostgresLeadership('postgres://postgres@127.0.0.1:1/test');
    open.push(l);
    expect(await l.tryAcquire()).toBe(false);
    expect(l.describe()).toMatch(/cannot take the poll lock: cannot connect to PostgreSQL/);
    expect(() => new PostgresLeadership(PG_URL, { schema: 'Bad Name' })).toThrow(/schema name/);
  });
});

describe('SqliteLeadership (lock file next to the database)', () => {
  let dir: string;
  let db: string;
  const open: SqliteLeadership[] = [];
  const children: ChildProcess[] = [];
  const make = () => {
    const l = new SqliteLeadership(db);
    open.push(l);
    return l;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-leader-'));
    db = path.join(dir, 'firstwatch.db');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.release()));
    await Promise.all(children.splice(0).map(kill));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lockFile = () => `${db}.poll.lock`;
  const owner = () => JSON.parse(fs.readFileSync(lockFile(), 'utf8')) as { pid: number };

  it('refuses a second process with a clear message, and takes over once that process is gone', async () => {
    const { child, firstLine } = await startChild(
      `const { SqliteLeadership } = require(${JSON.stringify(SQLITE_LEADER_MODULE)});
       const l = new SqliteLeadership(${JSON.stringify(db)});
       l.tryAcquire().then((ok) => { console.log(ok ? 'leader' : l.describe()); setInterval(() => {}, 1000); });`,
    );
    children.push(child);
    expect(firstLine).toBe('leader');
    expect(owner().pid).toBe(child.pid);

    const here = make();
    expect(await here.tryAcquire()).toBe(false);
    expect(here.describe()).toBe(`another FirstWatch process is already polling ${db} (pid ${child.pid})`);
    expect(owner().pid).toBe(child.pid);

    // Killed without a chance to clean up: the lock file stays, naming a pid that no longer runs.
    await kill(child);
    expect(fs.existsSync(lockFile())).toBe(true);
    expect(await here.tryAcquire()).toBe(true);
    expect(owner().pid).toBe(process.pid);
    expect(here.describe()).toMatch(/this process polls/);
  });

  it('treats a lock naming a process that has exited as stale', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    children.push(sleeper);
    fs.writeFileSync(
      lockFile(),
      JSON.stringify({ pid: sleeper.pid, host: os.hostname(), token: 'other', since: new Date().toISOString() }),
    );
    const here = make();
    expect(await here.tryAcquire()).toBe(false);
    expect(here.describe()).toContain(`(pid ${sleeper.pid})`);
    await kill(sleeper);
    expect(await here.tryAcquire()).toBe(true);
  });

  it('refuses a second poller in the same process; release lets it in and removes the file', async () => {
    const a = make();
    const b = make();
    expect(await a.tryAcquire()).toBe(true);
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(b.describe()).toMatch(/another poller in this process/);
    await a.release();
    expect(fs.existsSync(lockFile())).toBe(false);
    expect(a.isLeader()).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
  });

  it('takes over a lock left by an earlier life of this same pid (a restarted container)', async () => {
    fs.writeFileSync(
      lockFile(),
      JSON.stringify({ pid: process.pid, host: 'old-container', token: 'previous', since: '2026-01-01T00:00:00Z' }),
    );
    const l = make();
    expect(await l.tryAcquire()).toBe(true);
    expect(owner().pid).toBe(process.pid);
  });

  it('stops leading when its lock file is replaced, and refuses an unreadable lock file, saying what to do', async () => {
    const l = make();
    expect(await l.tryAcquire()).toBe(true);
    fs.writeFileSync(lockFile(), 'garbage');
    expect(await l.tryAcquire()).toBe(false);
    expect(l.isLeader()).toBe(false);
    expect(l.describe()).toBe(`the poll lock file ${lockFile()} is unreadable; if no FirstWatch process is polling ${db}, delete it`);
    // Its release leaves a file that is not its own alone.
    await l.release();
    expect(fs.readFileSync(lockFile(), 'utf8')).toBe('garbage');
  });

  it('always leads an in-memory database, which no other process can reach', async () => {
    const l = new SqliteLeadership(':memory:');
    expect(await l.tryAcquire()).toBe(true);
    expect(l.lockPath).toBeUndefined();
    await l.release();
    expect(l.isLeader()).toBe(false);
  });
});
