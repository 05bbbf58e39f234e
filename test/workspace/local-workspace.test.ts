import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ensureSampleWorkspace,
  generateWorkspace,
  prepareSampleWorkspace,
  readManifest,
  readPlanted,
  LogAnalyticsSource,
  serveWorkspace,
  DEFAULT_LOCAL_WORKSPACE_ID,
} from '../../src/workspace';
import { readSampleIncidents } from '../../src/workspace/local-workspace';
import { seedQuery } from './seed-query';

const NOW = new Date('2026-11-27T12:00:00.000Z');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fw-ws-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generateWorkspace / serveWorkspace / ensureSampleWorkspace', () => {
  it('writes the tables, the manifest and the planted cases, and serves them', async () => {
    const out = path.join(dir, 'a');
    const gen = await generateWorkspace({ dir: out, seed: 5, now: NOW, days: 1 });
    expect(Object.keys(gen.manifest.tables).sort()).toEqual([
      'AADNonInteractiveUserSignInLogs',
      'AuditLogs',
      'AzureActivity',
      'BehaviorAnalytics',
      'IdentityInfo',
      'SecurityAlert',
      'SecurityIncident',
      'SigninLogs',
    ]);
    expect(await readPlanted(out)).toEqual(gen.planted);
    expect((await readSampleIncidents(out)).length).toBe(gen.manifest.tables.SecurityIncident);
    const firstLine = (await readFile(path.join(out, 'BehaviorAnalytics.ndjson'), 'utf8')).split('\n')[0];
    expect(JSON.parse(firstLine)).toMatchObject({ table: 'BehaviorAnalytics' });

    const server = await serveWorkspace({ dir: out, port: 0, clock: () => NOW });
    try {
      expect(server.host).toBe('127.0.0.1');
      expect(server.workspaceIds).toEqual([DEFAULT_LOCAL_WORKSPACE_ID]);
      const source = new LogAnalyticsSource({ name: 'local', workspaceId: DEFAULT_LOCAL_WORKSPACE_ID, endpoint: server.url, local: true });
      const r = await source.query(seedQuery(), { start: new Date(NOW.getTime() - 86400_000), end: NOW });
      expect(r.rows.map((x) => x.SourceRecordId).sort()).toEqual(
        gen.planted
          .filter((p) => p.matchesSeedQuery)
          .map((p) => p.sourceRecordId)
          .sort(),
      );
      const count = async (): Promise<number> =>
        (await source.query('BehaviorAnalytics | count', { start: new Date(NOW.getTime() - 30 * 86400_000), end: NOW })).rows[0]
          .Count as number;
      expect(await count()).toBe(gen.manifest.tables.BehaviorAnalytics);

      // Reload picks up new data; a broken file is refused and the old data stays served.
      const bigger = await generateWorkspace({ dir: out, seed: 5, now: NOW, days: 3 });
      await server.reload();
      expect(await count()).toBe(bigger.manifest.tables.BehaviorAnalytics);
      await appendFile(path.join(out, 'AuditLogs.ndjson'), '{"oops": \n');
      await expect(server.reload()).rejects.toThrow(/AuditLogs\.ndjson:\d+: not valid JSON/);
      expect(await count()).toBe(bigger.manifest.tables.BehaviorAnalytics);
    } finally {
      await server.close();
    }
  });

  it('generates only when the folder has no workspace yet', async () => {
    const out = path.join(dir, 'b');
    const first = await ensureSampleWorkspace(out, { days: 1 });
    expect(first.generated).toBe(true);
    await writeFile(path.join(out, 'marker.txt'), 'x');
    const second = await ensureSampleWorkspace(out, { days: 1 });
    expect(second.generated).toBe(false);
    expect(second.manifest).toEqual(first.manifest);
    // Stale data is regenerated relative to now with the folder's own seed.
    expect(await prepareSampleWorkspace(out, { freshForMs: -1 })).toBe('refreshed');
    const refreshed = await readManifest(out);
    expect(refreshed?.seed).toBe(first.manifest.seed);
    expect(Date.parse(refreshed?.now ?? '')).toBeGreaterThanOrEqual(Date.parse(first.manifest.now));
    expect(await prepareSampleWorkspace(out, { freshForMs: 3_600_000 })).toBe('existing');
  });

  it('regenerates fresh sample data made before the Sentinel incident tables joined the sample', async () => {
    const out = path.join(dir, 'b2');
    const first = await ensureSampleWorkspace(out, { days: 1 });
    const { SecurityIncident: _i, SecurityAlert: _a, ...older } = first.manifest.tables;
    await writeFile(path.join(out, 'workspace.json'), JSON.stringify({ ...first.manifest, tables: older }));
    await rm(path.join(out, 'SecurityIncident.ndjson'));
    await rm(path.join(out, 'SecurityAlert.ndjson'));
    expect(await prepareSampleWorkspace(out, { freshForMs: 3_600_000 })).toBe('refreshed');
    expect(Object.keys((await readManifest(out))?.tables ?? {})).toContain('SecurityIncident');
  });

  it('reports a broken manifest instead of overwriting the folder', async () => {
    const out = path.join(dir, 'c');
    await ensureSampleWorkspace(out, { days: 1 });
    await writeFile(path.join(out, 'workspace.json'), '{"seed": "x"}');
    await expect(ensureSampleWorkspace(out)).rejects.toThrow(/workspace\.json: expected \{"seed": integer/);
    expect(await readFile(path.join(out, 'workspace.json'), 'utf8')).toBe('{"seed": "x"}');
  });

  it('refuses to start without data', async () => {
    await expect(serveWorkspace({ dir: path.join(dir, 'missing') })).rejects.toThrow(/cannot read the workspace folder/);
  });
});
