import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { generateSampleData, type IngestedTable } from '../../src/workspace/sample-data/generate';
import { generateBehaviorAnalytics } from '../../src/workspace/sample-data/bulk';
import { planted } from '../../src/workspace/sample-data/planted';
import { MECHANISMS } from '../../src/workspace/sample-data/operations';
import { tableToNdjson } from '../../src/workspace/files/write';
import type { Row } from '../../src/kql/types';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const data = generateSampleData({ seed: 42, now: NOW });
const table = (name: string): IngestedTable => {
  const t = data.tables.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
};
const ba = table('BehaviorAnalytics');
const aa = table('AzureActivity');

const RUN_CODE_OPS = Object.values(MECHANISMS).map((m) => m.operation.toLowerCase());
const RUN_CODE_ACTIONS = Object.values(MECHANISMS).map((m) => m.displayName.toLowerCase());
function insights(row: Row): Record<string, unknown> {
  return row.ActivityInsights as Record<string, unknown>;
}
function runsCode(row: Row): boolean {
  const em = insights(row).EventMessage;
  return (
    (typeof em === 'string' && RUN_CODE_OPS.includes(em.toLowerCase())) || RUN_CODE_ACTIONS.includes(String(row.ActionType).toLowerCase())
  );
}
function firstTime(row: Row): boolean {
  return String(insights(row).FirstTimeUserPerformedAction).toLowerCase() === 'true';
}

describe('sample data generator', () => {
  it('is deterministic for a seed and now, and differs for another seed', () => {
    const again = generateSampleData({ seed: 42, now: NOW });
    const other = generateSampleData({ seed: 43, now: NOW });
    const digest = (d: typeof data): string => createHash('sha256').update(d.tables.map(tableToNdjson).join('')).digest('hex');
    expect(digest(again)).toBe(digest(data));
    expect(digest(other)).not.toBe(digest(data));
  });

  it('writes the eight tables with their real columns and types, and nothing else in the rows', () => {
    expect(data.tables.map((t) => t.name)).toEqual([
      'BehaviorAnalytics',
      'AzureActivity',
      'SigninLogs',
      'AuditLogs',
      'AADNonInteractiveUserSignInLogs',
      'IdentityInfo',
      'SecurityIncident',
      'SecurityAlert',
    ]);
    expect(table('SecurityIncident').columns.find((c) => c.name === 'Owner')?.type).toBe('dynamic');
    expect(table('SecurityAlert').columns.find((c) => c.name === 'Entities')?.type).toBe('string');
    for (const name of ['HTTPRequest', 'Properties', 'Hierarchy', 'Claims', 'Authorization'])
      expect(aa.columns.find((c) => c.name === name)?.type).toBe('string');
    expect(aa.columns.find((c) => c.name === 'Properties_d')?.type).toBe('dynamic');
    expect(table('AuditLogs').columns.find((c) => c.name === 'AADOperationType')?.type).toBe('string');
    expect(table('AADNonInteractiveUserSignInLogs').columns.find((c) => c.name === 'LocationDetails')?.type).toBe('string');
    expect(table('SigninLogs').columns.find((c) => c.name === 'LocationDetails')?.type).toBe('dynamic');
    expect(ba.columns.find((c) => c.name === 'ActivityInsights')?.type).toBe('dynamic');
    expect(ba.columns.find((c) => c.name === 'InvestigationPriority')?.type).toBe('int');
    expect(table('SigninLogs').columns.find((c) => c.name === 'ResultType')?.type).toBe('string');
    const problems: string[] = [];
    for (const t of data.tables) {
      const names = new Set(t.columns.map((c) => c.name));
      t.rows.forEach((row, i) => {
        for (const key of Object.keys(row)) if (!names.has(key)) problems.push(`${t.name}[${i}] has undeclared ${key}`);
        if (!(row.TimeGenerated instanceof Date)) problems.push(`${t.name}[${i}] TimeGenerated is not a Date`);
        if (row.Type !== t.name) problems.push(`${t.name}[${i}] Type is ${String(row.Type)}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('raises one New Sentinel incident with one alert per planted hit, the same as the ARM resources served locally', () => {
    const hits = data.planted.filter((c) => c.expect === 'alert').length + 1; // + the sign-in burst
    const incidents = table('SecurityIncident');
    const alerts = table('SecurityAlert');
    expect(incidents.rows).toHaveLength(hits);
    expect(alerts.rows).toHaveLength(hits);
    expect(data.incidents.map((i) => i.name)).toEqual(incidents.rows.map((r) => r.IncidentName));
    const alertIds = new Set(alerts.rows.map((r) => r.SystemAlertId));
    for (const row of incidents.rows) {
      expect(row.Status).toBe('New');
      expect((row.AlertIds as string[]).every((id) => alertIds.has(id))).toBe(true);
    }
    incidents.ingestionTimes.forEach((t) => expect(t.getTime()).toBeLessThanOrEqual(NOW.getTime()));
    const upns = new Set(alerts.rows.map((r) => r.CompromisedEntity));
    for (const c of data.planted.filter((p) => p.expect === 'alert')) expect(upns.has(c.upn)).toBe(true);
    expect(generateSampleData({ seed: 42, now: NOW }).incidents).toEqual(data.incidents);
  });

  it('gives every row an ingestion time between its TimeGenerated and now, with some rows hours late', () => {
    let late = 0;
    const problems: string[] = [];
    for (const t of data.tables) {
      expect(t.ingestionTimes).toHaveLength(t.rows.length);
      t.rows.forEach((row, i) => {
        const lag = t.ingestionTimes[i].getTime() - (row.TimeGenerated as Date).getTime();
        if (lag < 0) problems.push(`${t.name}[${i}] ingested before it happened`);
        if (t.ingestionTimes[i].getTime() > NOW.getTime()) problems.push(`${t.name}[${i}] ingested after now`);
        if (lag >= 2 * 3600_000) late++;
      });
    }
    expect(problems).toEqual([]);
    expect(late).toBeGreaterThan(10);
  });

  it('stays at tens of thousands of rows by default, with a few dozen users and machines', () => {
    const total = data.tables.reduce((n, t) => n + t.rows.length, 0);
    expect(total).toBeGreaterThan(5_000);
    expect(total).toBeLessThan(50_000);
    expect(new Set(table('SigninLogs').rows.map((r) => r.UserPrincipalName)).size).toBeGreaterThanOrEqual(24);
    const failures = table('SigninLogs').rows.filter((r) => r.ResultType !== '0');
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(table('SigninLogs').rows.map((r) => r.Location)).size).toBeGreaterThanOrEqual(4);
    expect(
      table('AuditLogs').rows.every(
        (r) => typeof (r.InitiatedBy as { user: { userPrincipalName: string } }).user.userPrincipalName === 'string',
      ),
    ).toBe(true);
  });

  it('keeps every record id when regenerated relative to a later now (so refreshed data deduplicates)', () => {
    const later = generateSampleData({ seed: 42, now: new Date(NOW.getTime() + 5 * 3600_000) });
    const ids = (d: typeof data): string[] => d.tables[0].rows.map((r) => r.SourceRecordId as string).sort();
    expect(ids(later)).toEqual(ids(data));
    expect(later.planted.map((c) => c.sourceRecordId)).toEqual(data.planted.map((c) => c.sourceRecordId));
  });

  it('matches the planted-case table of src/workspace/README.md for seed 1', () => {
    const readme = readFileSync(path.join(__dirname, '../../src/workspace/README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\| ([a-z-]+) \| (alert|no-alert) \| `([0-9a-f-]{36})` \| (\S+) \|.*\| (yes|no) \|$/gm)].map(
      (m) => [m[1], m[2], m[3], m[4], m[5]],
    );
    const actual = planted(NOW, 1).map((c) => [c.id, c.expect, c.sourceRecordId, c.upn, c.matchesSeedQuery ? 'yes' : 'no']);
    expect(documented).toEqual(actual);
  });

  it('exports the same planted cases as planted(now, seed)', () => {
    expect(planted(NOW, 42)).toEqual(data.planted);
    expect(new Set(data.planted.map((p) => p.sourceRecordId)).size).toBe(data.planted.length);
  });

  it('plants each case as one BehaviorAnalytics row in the documented form', () => {
    for (const c of data.planted) {
      const idx = ba.rows.findIndex((r) => r.SourceRecordId === c.sourceRecordId);
      expect(idx).toBeGreaterThanOrEqual(0);
      const row = ba.rows[idx];
      expect(row.UserPrincipalName).toBe(c.upn);
      expect(row.ActionType).toBe(c.actionType);
      expect((row.TimeGenerated as Date).getTime()).toBe(c.timeGenerated.getTime());
      expect(ba.ingestionTimes[idx].getTime()).toBe(c.ingestionTime.getTime());
      const flag = insights(row).FirstTimeUserPerformedAction;
      expect(flag).toBe(
        c.encoding.firstTime === 'string' ? (c.firstTimeUserPerformedAction ? 'True' : 'False') : c.firstTimeUserPerformedAction,
      );
      expect(insights(row).EventMessage).toBe(c.encoding.eventMessage ? c.operation : undefined);
    }
  });

  it('covers every mechanism and every encoding among the must-alert cases, including a late one and one without AzureActivity', () => {
    const alerts = data.planted.filter((c) => c.expect === 'alert');
    expect(new Set(alerts.map((c) => c.mechanism))).toEqual(new Set(Object.keys(MECHANISMS)));
    expect(alerts.find((c) => c.upn === 'alice@contoso.com' && c.mechanism === 'run-command')).toBeDefined();
    const forms = new Set(alerts.map((c) => `${c.encoding.eventMessage}/${c.encoding.firstTime}`));
    expect(forms).toEqual(new Set(['true/string', 'true/boolean', 'false/string', 'false/boolean']));
    expect(alerts.some((c) => c.late)).toBe(true);
    expect(alerts.filter((c) => c.azureActivity === null)).toHaveLength(1);
    expect(
      data.planted.filter((c) => c.expect === 'no-alert' && c.mechanism !== 'vm-start').every((c) => !c.firstTimeUserPerformedAction),
    ).toBe(true);
  });

  it('has no first-time run-code row other than the must-alert cases', () => {
    const expected = data.planted
      .filter((c) => c.expect === 'alert')
      .map((c) => c.sourceRecordId)
      .sort();
    const found = ba.rows
      .filter((r) => runsCode(r) && firstTime(r))
      .map((r) => r.SourceRecordId as string)
      .sort();
    expect(found).toEqual(expected);
    // Repeat run-code activity exists beyond the planted rows, so "first time" is what decides.
    expect(ba.rows.filter((r) => runsCode(r) && !firstTime(r)).length).toBeGreaterThan(
      data.planted.filter((c) => c.expect === 'no-alert').length,
    );
  });

  it('backs each planted hit with Started/Accepted/Succeeded AzureActivity rows that name the machine', () => {
    for (const c of data.planted) {
      const rows = aa.rows.filter((r) => r.CorrelationId === c.azureActivity?.correlationId);
      if (c.azureActivity === null) {
        const near = aa.rows.filter(
          (r) =>
            String(r.Caller).toLowerCase() === c.upn &&
            Math.abs((r.TimeGenerated as Date).getTime() - c.timeGenerated.getTime()) < 3600_000 &&
            String(r.OperationNameValue).toLowerCase() === c.operation.toLowerCase(),
        );
        expect(near).toEqual([]);
        continue;
      }
      expect(rows.map((r) => r.ActivityStatusValue)).toEqual(['Started', 'Accepted', 'Succeeded']);
      for (const r of rows) {
        expect(r.Caller).toBe(c.upn);
        expect(String(r.OperationNameValue).toLowerCase()).toBe(c.operation.toLowerCase());
        expect(r._ResourceId).toBe(c.machine?.resourceId.toLowerCase());
        expect((JSON.parse(r.Authorization as string) as { scope: string }).scope).toBe(c.azureActivity.scope);
        expect(c.azureActivity.scope.startsWith(c.machine?.resourceId ?? '?')).toBe(true);
        expect(Math.abs((r.TimeGenerated as Date).getTime() - c.timeGenerated.getTime())).toBeLessThan(60_000);
      }
    }
    const arc = data.planted.find((c) => c.mechanism === 'arc-run-command');
    expect(arc?.machine?.resourceId).toMatch(/\/providers\/Microsoft\.HybridCompute\/machines\//);
    const vm = data.planted.find((c) => c.mechanism === 'run-command');
    expect(vm?.machine?.resourceId).toMatch(/\/providers\/Microsoft\.Compute\/virtualMachines\//);
  });

  it('marks as seed matches exactly the EventMessage + "True" rows the seed can see within its hour', () => {
    const seen = data.planted
      .filter((c) => c.matchesSeedQuery)
      .map((c) => c.id)
      .sort();
    expect(seen).toEqual(['alice-run-command', 'erin-arc-extension', 'grace-custom-script-no-activity']);
  });

  it('rejects bad options with a clear message', () => {
    expect(() => generateSampleData({ seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => generateSampleData({ now: new Date('nope') })).toThrow(/now must be a valid Date/);
    expect(() => generateSampleData({ days: 0 })).toThrow(/days must be/);
  });
});

describe('generateBehaviorAnalytics', () => {
  it('makes n deterministic rows with the documented hits', () => {
    const a = generateBehaviorAnalytics(5000, { seed: 7, now: NOW });
    const b = generateBehaviorAnalytics(5000, { seed: 7, now: NOW });
    expect(a.rows).toHaveLength(5000);
    expect(a.ingestionTimes).toHaveLength(5000);
    expect(tableToNdjson(a)).toBe(tableToNdjson(b));
    expect(a.hitSourceRecordIds).toHaveLength(5);
    const hits = a.rows.filter((r) => runsCode(r) && firstTime(r)).map((r) => r.SourceRecordId);
    expect(hits.sort()).toEqual([...a.hitSourceRecordIds].sort());
    expect(() => generateBehaviorAnalytics(-1)).toThrow(/non-negative integer/);
  });
});
