import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateWorkspace, LogAnalyticsSource, startWorkspaceThread, type WorkspaceThread } from '../../src/workspace';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fw-ws-thread-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sourceFor(thread: WorkspaceThread): LogAnalyticsSource {
  return new LogAnalyticsSource({
    name: 'local',
    workspaceId: thread.workspaceIds[0] as string,
    endpoint: thread.url,
    local: true,
    maxRetries: 0,
  });
}

const lastDay = (): { start: Date; end: Date } => ({ start: new Date(Date.now() - 86_400_000), end: new Date() });

describe('the local workspace in its own thread', () => {
  it('serves a fresh folder as it is, answering queries once the tables are loaded', async () => {
    const out = path.join(dir, 'fresh');
    const gen = await generateWorkspace({ dir: out, seed: 3, now: new Date(), days: 1 });
    const events: string[] = [];
    const thread = await startWorkspaceThread({ dir: out, freshForMs: 3_600_000, onEvent: (e) => events.push(e.kind) });
    try {
      expect(thread.prepared).toBe('existing');
      expect(thread.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      // A query sent before the tables are in memory waits for them rather than failing.
      const count = await sourceFor(thread).query('BehaviorAnalytics | count', {
        start: new Date(Date.now() - 30 * 86_400_000),
        end: new Date(),
      });
      expect(count.rows[0]?.Count).toBe(gen.manifest.tables.BehaviorAnalytics);
      await expect(thread.loaded).resolves.toBeUndefined();
      expect(events).toContain('loaded');
    } finally {
      await thread.close();
    }
    // Closed means closed: the port no longer answers, and a second close is harmless.
    await expect(sourceFor(thread).query('BehaviorAnalytics | count', lastDay())).rejects.toThrow();
    await thread.close();
    expect(events).not.toContain('exited');
  });

  it('regenerates stale sample data relative to now before it listens', async () => {
    const out = path.join(dir, 'stale');
    const old = await generateWorkspace({ dir: out, seed: 4, now: new Date(Date.now() - 3 * 3_600_000), days: 1 });
    const thread = await startWorkspaceThread({ dir: out, freshForMs: 3_600_000 });
    try {
      expect(thread.prepared).toBe('refreshed');
      await thread.loaded;
      // Same seed, so the planted record ids survive the refresh.
      const planted = old.planted.filter((p) => p.expect === 'alert').map((p) => p.sourceRecordId);
      const r = await sourceFor(thread).query(
        `BehaviorAnalytics | where SourceRecordId in (${planted.map((id) => `'${id}'`).join(', ')}) | distinct SourceRecordId`,
        {
          start: new Date(Date.now() - 2 * 86_400_000),
          end: new Date(),
        },
      );
      expect(r.rows.map((x) => x.SourceRecordId).sort()).toEqual([...planted].sort());
    } finally {
      await thread.close();
    }
  });

  it('a table that fails to load: the thread still listens, says why, and every query answers 503 with the reason', async () => {
    const out = path.join(dir, 'broken-table');
    await generateWorkspace({ dir: out, seed: 5, now: new Date(), days: 1 });
    await appendFile(path.join(out, 'AuditLogs.ndjson'), '{"oops": \n');
    const events: string[] = [];
    const thread = await startWorkspaceThread({
      dir: out,
      freshForMs: 3_600_000,
      onEvent: (e) => events.push(e.kind === 'load-failed' ? `load-failed: ${e.message}` : e.kind),
    });
    try {
      await expect(thread.loaded).rejects.toThrow(/AuditLogs\.ndjson:\d+: not valid JSON/);
      await expect(sourceFor(thread).query('BehaviorAnalytics | count', lastDay())).rejects.toThrow(
        /could not load its data: .*AuditLogs\.ndjson:\d+: not valid JSON/,
      );
      expect(events.some((e) => /^load-failed: .*AuditLogs\.ndjson/.test(e))).toBe(true);
    } finally {
      await thread.close();
    }
  });

  it('a broken manifest: refuses to start, names the file, and leaves the folder alone', async () => {
    const out = path.join(dir, 'broken-manifest');
    await generateWorkspace({ dir: out, seed: 6, now: new Date(), days: 1 });
    await writeFile(path.join(out, 'workspace.json'), '{"seed": "x"}');
    await expect(startWorkspaceThread({ dir: out, freshForMs: 3_600_000 })).rejects.toThrow(
      /did not start: .*workspace\.json: expected \{"seed": integer/,
    );
    expect(await readFile(path.join(out, 'workspace.json'), 'utf8')).toBe('{"seed": "x"}');
  });
});
