import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ensureSampleWorkspace,
  generateWorkspace,
  planSampleWorkspace,
  prepareSampleWorkspace,
  startWorkspaceThread,
} from '../../src/workspace';
import { fingerprintFolder, userTables } from '../support/folders';

describe('the local workspace never writes over data FirstWatch did not make', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fw-user-data-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a folder of tables without a manifest is the user's: never generated over, whatever its age", async () => {
    await userTables(dir, new Date('2020-01-01T00:00:00Z'));
    const before = await fingerprintFolder(dir);
    expect(await planSampleWorkspace(dir, { freshForMs: 1 })).toEqual({ kind: 'user-data', tables: ['BehaviorAnalytics'] });
    expect(await prepareSampleWorkspace(dir, { freshForMs: 1 })).toBe('user-data');
    await expect(ensureSampleWorkspace(dir)).rejects.toThrow(/holds tables FirstWatch did not make \(BehaviorAnalytics\)/);
    expect(await fingerprintFolder(dir)).toEqual(before);
  });

  it('sample data with a table its manifest does not list is not regenerated either', async () => {
    await generateWorkspace({ dir, now: new Date('2020-01-01T00:00:00Z'), days: 1 });
    await writeFile(path.join(dir, 'MyTable.ndjson'), '{"table":"MyTable","columns":[{"name":"TimeGenerated","type":"datetime"}]}\n');
    const before = await fingerprintFolder(dir);
    expect(await prepareSampleWorkspace(dir, { freshForMs: 1 })).toBe('user-data');
    expect(await fingerprintFolder(dir)).toEqual(before);
  });

  it("FirstWatch's own stale sample data is regenerated; an empty folder is generated", async () => {
    await generateWorkspace({ dir, now: new Date('2020-01-01T00:00:00Z'), days: 1 });
    expect(await prepareSampleWorkspace(dir, { freshForMs: 3_600_000 })).toBe('refreshed');
    const empty = path.join(dir, 'empty');
    expect(await prepareSampleWorkspace(empty, { freshForMs: 3_600_000 })).toBe('generated');
  });

  it('read-only: stale or missing sample data is served from a temporary folder, and the configured one is left as it was', async () => {
    await generateWorkspace({ dir, now: new Date('2020-01-01T00:00:00Z'), days: 1 });
    const before = await fingerprintFolder(dir);
    const stale = await startWorkspaceThread({ dir, freshForMs: 3_600_000, readOnly: true });
    try {
      expect(stale.prepared).toBe('temporary');
      await stale.loaded;
    } finally {
      await stale.close();
    }
    expect(await fingerprintFolder(dir)).toEqual(before);

    const missing = path.join(dir, 'not-there');
    const fresh = await startWorkspaceThread({ dir: missing, freshForMs: 3_600_000, readOnly: true });
    try {
      expect(fresh.prepared).toBe('temporary');
    } finally {
      await fresh.close();
    }
    await expect(readdir(missing)).rejects.toThrow(/ENOENT/);
  }, 60_000);
});
