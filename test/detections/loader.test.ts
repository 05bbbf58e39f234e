import { rmSync } from 'node:fs';
import { stringify } from 'yaml';
import {
  type DetectionFileError,
  cronForFrequency,
  frequencyToCron,
  loadDetections,
  parseDetection,
  parseRuleTimespan,
} from '../../src/detections';
import { baseRule, writeRules } from './fixtures';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function loadOne(rule: Record<string, unknown> | string, opts = {}) {
  const dir = writeRules({ 'rule.yaml': rule });
  dirs.push(dir);
  return loadDetections(dir, opts);
}

function loadError(rule: Record<string, unknown> | string): DetectionFileError {
  const loaded = loadOne(rule);
  expect(loaded).toHaveLength(0);
  expect(loaded.rejected).toHaveLength(1);
  return loaded.rejected[0];
}

describe('loadDetections', () => {
  it('loads a valid rule into a typed Detection', () => {
    const [d] = loadOne(baseRule({ severity: 'medium', triggerOperator: 'GreaterThan', version: 1.2 }));
    expect(d).toMatchObject({
      id: '11111111-2222-4333-8444-555555555555',
      name: 'Test rule',
      severity: 'Medium',
      triggerOperator: 'gt',
      queryFrequencyMs: 3_600_000,
      queryPeriodMs: 3_600_000,
      cron: '0 * * * *',
      techniques: ['T1651'],
      version: '1.2',
      kind: 'Scheduled',
      slug: 'rule',
      firstwatch: { window: 'query-period', fingerprint: [], tests: [] },
    });
    expect(d.file).toMatch(/rule\.yaml$/);
  });

  const bad: [string, Record<string, unknown> | string, string, RegExp][] = [
    ['id not a GUID', baseRule({ id: 'rule-1' }), 'id', /GUID/],
    ['name missing', baseRule({ name: undefined }), 'name', /required/],
    ['unknown severity', baseRule({ severity: 'Critical' }), 'severity', /Informational, Low, Medium, High/],
    ['bad queryFrequency', baseRule({ queryFrequency: 'hourly' }), 'queryFrequency', /5m to 14d/],
    ['queryFrequency under 5m', baseRule({ queryFrequency: '1m' }), 'queryFrequency', /5m to 14d/],
    [
      'queryPeriod shorter than queryFrequency',
      baseRule({ queryFrequency: '1d', queryPeriod: '1h' }),
      'queryPeriod',
      /shorter than queryFrequency/,
    ],
    ['bad triggerOperator', baseRule({ triggerOperator: 'gte' }), 'triggerOperator', /gt, lt, eq, ne/],
    ['bad triggerThreshold', baseRule({ triggerThreshold: 'zero' }), 'triggerThreshold', /number/],
    ['empty query', baseRule({ query: '  ' }), 'query', /empty/],
    [
      'unknown entity type',
      baseRule({ entityMappings: [{ entityType: 'User', fieldMappings: [{ identifier: 'Name', columnName: 'U' }] }] }),
      'entityMappings[0].entityType',
      /not a Sentinel entity type/,
    ],
    [
      'identifier not of its entity',
      baseRule({ entityMappings: [{ entityType: 'IP', fieldMappings: [{ identifier: 'FullName', columnName: 'U' }] }] }),
      'entityMappings[0].fieldMappings[0].identifier',
      /not an identifier of IP/,
    ],
    [
      'column name with spaces',
      baseRule({ entityMappings: [{ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'Source IP' }] }] }),
      'entityMappings[0].fieldMappings[0].columnName',
      /column name/,
    ],
    ['bad customDetails label', baseRule({ customDetails: { '1st': 'Col' } }), 'customDetails.1st', /start with a letter/],
    [
      'too many placeholders',
      baseRule({ alertDetailsOverride: { alertDisplayNameFormat: '{{A}} {{B}} {{C}} {{D}}' } }),
      'alertDetailsOverride.alertDisplayNameFormat',
      /more than 3/,
    ],
    ['Fusion rule', baseRule({ kind: 'Fusion' }), 'kind', /only kind: Scheduled/],
    ['YAML syntax', 'id: [unclosed\nname: x', 'line 2', /.+/],
    ['not a map', '- a\n- b\n', '(root)', /map of rule fields/],
    ['duplicate key', 'id: a\nid: b\n', 'line 2', /unique|duplicate/i],
    ['unknown firstwatch key', baseRule({ firstwatch: { windw: 'ingestion-time' } }), 'firstwatch', /windw/],
    ['bad firstwatch window', baseRule({ firstwatch: { window: 'time-generated' } }), 'firstwatch.window', /ingestion-time/],
    ['bad enrichment', baseRule({ firstwatch: { enrichment: 'dns' } }), 'firstwatch.enrichment', /azure-vm-target/],
    ['fingerprint not a list', baseRule({ firstwatch: { fingerprint: 'SourceRecordId' } }), 'firstwatch.fingerprint', /list/],
    ['unknown card field', baseRule({ firstwatch: { card: { user: 'X' } } }), 'firstwatch.card', /user/],
    [
      'test case without expectations',
      baseRule({ firstwatch: { tests: [{ name: 'x', key: 'K', tables: { T: [{ K: 1 }] } }] } }),
      'firstwatch.tests[0].hits',
      /at least one expected hit or miss/,
    ],
    [
      'test row with a bad ingestion time',
      baseRule({ firstwatch: { tests: [{ name: 'x', key: 'K', tables: { T: [{ K: 1, $ingestionTime: 'yesterday' }] }, hits: ['1'] }] } }),
      'firstwatch.tests[0].tables.T',
      /./,
    ],
    [
      'ingestion-time rule that does not use the window',
      baseRule({ firstwatch: { window: 'ingestion-time' } }),
      'query',
      /does not use _fw_window_start/,
    ],
    [
      'imported rule that uses the window names',
      baseRule({ query: 'T | where ingestion_time() > _fw_window_start and ingestion_time() <= _fw_window_end' }),
      'firstwatch.window',
      /only for window: ingestion-time/,
    ],
  ];

  it.each(bad)('%s: names the file and the field', (_label, rule, field, problem) => {
    const err = loadError(rule);
    expect(err.file).toMatch(/rule\.yaml$/);
    expect(err.field).toBe(field);
    expect(err.problem).toMatch(problem);
    expect(err.message).toContain(`rule.yaml: ${field}: `);
  });

  it('reports every bad file at once and loads every other rule', () => {
    const dir = writeRules({
      'a.yaml': baseRule({ id: 'x' }),
      'b.yaml': baseRule({ id: '22222222-2222-4333-8444-555555555555' }),
      'sub/c.yml': baseRule({ id: '33333333-2222-4333-8444-555555555555', severity: 'Urgent' }),
    });
    dirs.push(dir);
    const loaded = loadDetections(dir);
    expect(loaded.rejected.map((x) => `${x.file.split('/').pop()}:${x.field}`)).toEqual(['a.yaml:id', 'c.yml:severity']);
    expect(loaded.map((d) => d.slug)).toEqual(['b']);
  });

  it('rejects the second of two files with the same id and keeps the first', () => {
    const dir = writeRules({ 'a.yaml': baseRule(), 'b.yaml': baseRule() });
    dirs.push(dir);
    const loaded = loadDetections(dir);
    expect(loaded.map((d) => d.slug)).toEqual(['a']);
    expect(loaded.rejected[0]?.message).toMatch(/b\.yaml: id: .* is also the id of .*a\.yaml/);
  });

  it('names a folder that does not exist', () => {
    expect(() => loadDetections('/nonexistent/detections')).toThrow(/\/nonexistent\/detections: \(folder\)/);
  });

  it('warns once per field it does not act on, never silently', () => {
    const loaded = loadOne(
      baseRule({
        requiredDataConnectors: [{ connectorId: 'BehaviorAnalytics', dataTypes: ['BehaviorAnalytics'] }],
        eventGroupingSettings: { aggregationKind: 'SingleAlert' },
        incidentConfiguration: { createIncident: true },
        suppressionEnabled: false,
        suppressionDuration: '5h',
        metadata: { source: { kind: 'Community' } },
        myOwnField: 1,
        alertDetailsOverride: { alertDisplayNameFormat: 'x', alertDynamicProperties: [] },
      }),
    );
    const fields = loaded.warnings.map((w) => w.split(': ')[1]);
    for (const field of [
      'requiredDataConnectors',
      'eventGroupingSettings',
      'incidentConfiguration',
      'suppressionEnabled',
      'suppressionDuration',
      'metadata',
      'myOwnField',
      'alertDetailsOverride.alertDynamicProperties',
    ]) {
      expect(fields.filter((f) => f === field)).toHaveLength(1);
    }
    expect(loaded.warnings.find((w) => w.includes('myOwnField'))).toMatch(/not a field of Sentinel's scheduled rule format/);
  });

  it('warns that a rule imported unchanged cannot catch up after an outage longer than its queryPeriod', () => {
    const loaded = loadOne(baseRule({ queryPeriod: '2h' }));
    expect(loaded.warnings.some((w) => /cannot catch up after an outage longer than 2h/.test(w))).toBe(true);
    const native = loadOne(
      baseRule({
        query: 'T | where ingestion_time() > _fw_window_start and ingestion_time() <= _fw_window_end',
        firstwatch: { window: 'ingestion-time' },
      }),
    );
    expect(native.warnings.some((w) => /catch up/.test(w))).toBe(false);
    expect(native[0].firstwatch.window).toBe('ingestion-time');
  });

  it('applies schedule overrides by id or file name and warns about overrides that name nothing', () => {
    const byName = loadOne(baseRule(), { scheduleOverrides: { rule: '*/5 * * * *', ghost: '0 0 * * *' } });
    expect(byName[0].cron).toBe('*/5 * * * *');
    expect(byName.warnings.some((w) => /"ghost" names no detection/.test(w))).toBe(true);
    const byId = loadOne(baseRule(), { scheduleOverrides: { '11111111-2222-4333-8444-555555555555': '0 */2 * * *' } });
    expect(byId[0].cron).toBe('0 */2 * * *');
  });
});

describe('queryFrequency → cron', () => {
  it.each([
    ['5m', '*/5 * * * *'],
    ['15m', '*/15 * * * *'],
    ['30m', '*/30 * * * *'],
    ['1h', '0 * * * *'],
    ['2h', '0 */2 * * *'],
    ['6h', '0 */6 * * *'],
    ['1d', '0 0 * * *'],
    ['7d', '0 0 * * 0'],
  ])('%s → %s', (freq, cron) => {
    const d = parseDetection(stringify(baseRule({ queryFrequency: freq, queryPeriod: '14d' })), 'r.yaml').detection;
    expect(d.cron).toBe(cron);
  });

  it('rounds a frequency cron cannot express down to one it can, and says so', () => {
    expect(frequencyToCron(7 * 60_000)).toBeUndefined();
    expect(cronForFrequency(7 * 60_000)).toEqual({ cron: '*/6 * * * *', exact: false });
    expect(cronForFrequency(5 * 3_600_000)).toEqual({ cron: '0 */4 * * *', exact: false });
    expect(cronForFrequency(3 * 86_400_000)).toEqual({ cron: '0 0 * * *', exact: false });
    const parsed = parseDetection(stringify(baseRule({ queryFrequency: '5h', queryPeriod: '5h' })), 'r.yaml');
    expect(parsed.detection.cron).toBe('0 */4 * * *');
    expect(parsed.warnings.some((w) => /5h has no exact cron expression/.test(w))).toBe(true);
  });

  it('reads the timespan forms Sentinel files use', () => {
    expect(parseRuleTimespan('5m')).toBe(300_000);
    expect(parseRuleTimespan('14d')).toBe(14 * 86_400_000);
    expect(parseRuleTimespan('01:00:00')).toBe(3_600_000);
    expect(parseRuleTimespan('1.00:00:00')).toBe(86_400_000);
    expect(parseRuleTimespan('PT1H')).toBe(3_600_000);
    expect(parseRuleTimespan('P1D')).toBe(86_400_000);
    expect(parseRuleTimespan('1w')).toBeUndefined();
    expect(parseRuleTimespan('PT')).toBeUndefined();
  });
});
