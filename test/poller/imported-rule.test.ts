import path from 'node:path';
import { loadDetections } from '../../src/detections';
import type { Detection } from '../../src/detections/types';
import { silentLogger } from '../../src/logging/logger';
import { Poller } from '../../src/poller/poller';
import { openSqliteStore } from '../../src/store';
import { generateSampleData } from '../../src/workspace';
import { startLocalWorkspace } from '../support/local-workspace';

const detections = loadDetections(path.join(__dirname, '../../detections'));
const signinBurst = detections.find((d) => d.slug === 'suspicious-signin-burst') as Detection;

describe('a rule written in Sentinel format and imported unchanged', () => {
  it('runs against the local workspace and fills the alert from its entity mappings, custom details and display-name format', async () => {
    // Imported rules use ago(): the workspace is generated relative to the real clock, as Azure's would be.
    const now = new Date();
    const ws = await startLocalWorkspace({ now });
    const store = openSqliteStore(':memory:');
    try {
      const burst = generateSampleData({ now, seed: 1, days: 2 }).signinBurst;
      const poller = new Poller({
        store,
        workspaces: [{ name: 'local', source: ws.source, targets: [] }],
        logger: silentLogger(),
        overlapMs: 10 * 60_000,
        delayAllowanceMs: 6 * 3_600_000,
      });
      const [outcome] = await poller.runDetection(signinBurst);
      expect(outcome?.error).toBeUndefined();
      const alert = outcome?.created.find((a) => a.subject.upn === burst.upn);
      expect(alert).toBeDefined();
      expect(alert?.title).toBe(`${burst.upn} signed in from ${burst.ip} after ${burst.failures} failed attempts`);
      expect(alert?.description).toMatch(/followed 8 failed password attempts/);
      expect(alert?.severity).toBe(signinBurst.severity);
      expect(alert?.techniques).toEqual(signinBurst.techniques);
      const types = alert?.entities.map((e) => e.type).sort();
      expect(types).toEqual(expect.arrayContaining(['Account', 'IP']));
      expect(alert?.entities.find((e) => e.type === 'IP')?.fields).toEqual(expect.objectContaining({ Address: burst.ip }));
      expect(alert?.details).toEqual(expect.objectContaining({ FailedAttempts: '8', Country: 'RU', Application: 'Azure Portal' }));
      expect(alert?.target).toBeNull();

      // Run again: the same sign-in is deduplicated by its fingerprint.
      const [again] = await poller.runDetection(signinBurst);
      expect(again?.created).toEqual([]);
    } finally {
      await store.close();
      await ws.close();
    }
  });
});
