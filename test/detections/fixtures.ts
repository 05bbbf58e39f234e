import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

/** A minimal valid rule in Sentinel's format; tests override fields. */
export function baseRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '11111111-2222-4333-8444-555555555555',
    name: 'Test rule',
    description: 'A rule for tests.',
    severity: 'Low',
    queryFrequency: '1h',
    queryPeriod: '1h',
    triggerOperator: 'gt',
    triggerThreshold: 0,
    tactics: ['Execution'],
    relevantTechniques: ['T1651'],
    query: 'BehaviorAnalytics\n| where TimeGenerated > ago(1h)',
    entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }] }],
    version: '1.0.0',
    kind: 'Scheduled',
    ...overrides,
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fw-detections-'));
}

/** Writes each file (name → rule object or raw text) into a fresh folder. */
export function writeRules(files: Record<string, Record<string, unknown> | string>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : stringify(content));
  }
  return dir;
}

export const REPO_DETECTIONS = join(__dirname, '../../detections');
