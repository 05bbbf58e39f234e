import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config';
import { loadDetections } from '../../src/detections';
import { checkDetections } from '../../src/doctor/detections';
import { silentLogger } from '../../src/logging/logger';
import { Poller } from '../../src/poller/poller';
import { openSqliteStore } from '../../src/store';
import { startLocalWorkspace } from '../support/local-workspace';
import { baseRule, REPO_DETECTIONS } from './fixtures';

/** The shipped rules, plus one whose severity Sentinel would not accept either. */
function shippedPlusBroken(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-broken-'));
  for (const f of readdirSync(REPO_DETECTIONS).filter((n) => n.endsWith('.yaml')))
    copyFileSync(path.join(REPO_DETECTIONS, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'zz-broken.yaml'), stringify(baseRule({ id: '99999999-2222-4333-8444-555555555555', severity: 'Urgent' })));
  return dir;
}

describe('a broken rule file beside the shipped ones', () => {
  const dir = shippedPlusBroken();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is rejected by name and field while every shipped rule loads', () => {
    const loaded = loadDetections(dir);
    expect(loaded.rejected.map((e) => [path.basename(e.file), e.field])).toEqual([['zz-broken.yaml', 'severity']]);
    expect(loaded.map((d) => d.slug)).toEqual(expect.arrayContaining(['first-time-runcommand', 'suspicious-signin-burst']));
  });

  it('is a FAIL line of doctor naming the file and the field, beside the ok line of the others', () => {
    const { results, detections } = checkDetections(loadConfig({ DETECTIONS_DIR: dir }, { envFile: false }));
    const failed = results.filter((r) => r.verdict === 'FAIL');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail).toMatch(/zz-broken\.yaml: severity: "Urgent"/);
    expect(results.some((r) => r.verdict === 'ok' && /loaded/.test(r.detail))).toBe(true);
    expect(detections.length).toBeGreaterThan(1);
  });

  it('does not stop the other rules from polling and alerting', async () => {
    const ws = await startLocalWorkspace({ now: new Date('2026-11-20T12:00:00Z') });
    const store = openSqliteStore(':memory:');
    try {
      const runCommand = loadDetections(dir).find((d) => d.slug === 'first-time-runcommand');
      if (runCommand === undefined) throw new Error('first-time-runcommand did not load');
      const poller = new Poller({
        store,
        workspaces: [{ name: 'local', source: ws.source, targets: [{ platform: 'console', target: 'console' }] }],
        logger: silentLogger(),
        clock: () => ws.now,
        overlapMs: 600_000,
        delayAllowanceMs: 6 * 3_600_000,
      });
      const [outcome] = await poller.runDetection(runCommand);
      expect(outcome?.ok).toBe(true);
      expect(outcome?.created.length).toBeGreaterThan(0);
    } finally {
      await store.close();
      await ws.close();
    }
  });
});
