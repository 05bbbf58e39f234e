import type { Actor, AuditEntry, NewAlert } from '../../../src/alerts/types';
import type { CommandContext } from '../../../src/alerts/commands';
import type { Table, TableSource } from '../../../src/kql/types';
import { generateSampleData, type SampleData } from '../../../src/workspace';
import { newAlert, omit } from '../../support/alert-builder';

/** The instant the sample workspace is generated for and served at. */
export const NOW = new Date(Date.UTC(2026, 10, 27, 19, 0, 0));
export const WEEK_MS = 7 * 86_400_000;
export const WORKSPACE_RESOURCE_ID =
  '/subscriptions/1a954a0f-71f3-41f8-8b79-42e8eaf19ae4/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/contoso-sentinel';
export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

let cached: SampleData | undefined;

/** One week of sample data (seed 1), generated once per test file. */
export function sampleData(): SampleData {
  cached ??= generateSampleData({ seed: 1, now: NOW, days: 7 });
  return cached;
}

/** The sample tables, optionally without some of them (a workspace lacking a table). */
export function tableSource(without: string[] = []): TableSource {
  const tables = new Map<string, Table>(sampleData().tables.map((t) => [t.name, t]));
  for (const name of without) tables.delete(name);
  return { getTable: (name) => tables.get(name) };
}

export const analyst: Actor = { platform: 'slack', id: 'U0ANALYST', displayName: 'Ana Lyst', email: 'ana@contoso.com' };

export function ctx(origin = 'slack:C0SOC'): CommandContext {
  return { actor: analyst, origin };
}

export function aliceAlert(overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    ...omit(newAlert(1), 'description', 'sourceIp', 'investigationPriority'),
    title: 'First Run Command by alice@contoso.com on vm-web-01',
    severity: 'High',
    fingerprint: 'alice-rec-1|Run Command on Virtual Machine',
    eventTime: new Date(NOW.getTime() - 20 * 60_000),
    subject: { upn: 'Alice@Contoso.com', displayName: 'Alice Johnson' },
    entities: [{ type: 'Account', fields: { FullName: 'alice@contoso.com' } }],
    details: {},
    target: null,
    raw: {},
    ...overrides,
  };
}

/** Audit lines for hunts, oldest first (by id: the order they were written, whatever order the store lists them in). */
export function huntAudit(entries: AuditEntry[]): AuditEntry[] {
  return entries.filter((e) => e.action === 'hunt').sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}
