import { stringify } from 'yaml';
import {
  DetectionHitError,
  buildRunQuery,
  fingerprintOf,
  hitToAlert,
  loadDetections,
  parseDetection,
  renderFormat,
  ruleWideFingerprintOf,
  type Detection,
} from '../../src/detections';
import { buildTestTables, tableSource } from '../../src/detections/test-tables';
import { runQuery } from '../../src/kql';
import { baseRule, REPO_DETECTIONS } from './fixtures';

const rules = loadDetections(REPO_DETECTIONS);
const runCommand = rules.find((d) => d.slug === 'first-time-runcommand') as Detection;
const signin = rules.find((d) => d.slug === 'suspicious-signin-burst') as Detection;

/** A row as LogAnalyticsSource returns it: datetime as Date, dynamic parsed. */
function runCommandRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    TimeGenerated: new Date('2026-11-27T10:01:00Z'),
    SourceRecordId: 'rec-1',
    UserPrincipalName: 'alice@contoso.com',
    UserName: 'alice',
    ActionType: 'Run Command on Virtual Machine',
    EventMessage: '',
    Mechanism: 'Run Command',
    MachineKind: 'Azure VM',
    ActivityType: 'Administrative',
    SourceIPAddress: '203.0.113.10',
    SourceIPLocation: 'Belgium',
    DestinationDevice: null,
    InvestigationPriority: 4,
    ActivityInsights: {
      FirstTimeUserPerformedAction: 'True',
      ActionUncommonlyPerformedByUser: true,
      FirstTimeUserConnectedFromCountry: 'False',
      EventMessage: 'Run Command on Virtual Machine',
    },
    ...overrides,
  };
}

describe('hitToAlert for first-time-runcommand', () => {
  const alert = hitToAlert(runCommand, runCommandRow(), 'sentinel-prod');

  it('maps the rule and the row onto the alert', () => {
    expect(alert).toMatchObject({
      detectionId: 'eaca3b98-b7eb-404b-9e37-4069f893dc64',
      detectionName: runCommand.name,
      title: 'First-time Run Command by alice@contoso.com on an Azure VM',
      description:
        "alice@contoso.com performed Run Command on Virtual Machine for the first time in UEBA's 180-day baseline, from 203.0.113.10.",
      severity: 'Medium',
      tactics: ['LateralMovement', 'Execution'],
      techniques: ['T1021.008', 'T1651'],
      workspace: 'sentinel-prod',
      eventTime: new Date('2026-11-27T10:01:00Z'),
      subject: { upn: 'alice@contoso.com', displayName: 'alice' },
      action: 'Run Command on Virtual Machine',
      sourceIp: '203.0.113.10',
      sourceLocation: 'Belgium',
      investigationPriority: 4,
      target: null,
    });
  });

  it('takes the insights whose value is True, as string or boolean', () => {
    expect(alert.insights).toEqual(['ActionUncommonlyPerformedByUser', 'FirstTimeUserPerformedAction']);
  });

  it('maps entities, skipping those without a value', () => {
    expect(alert.entities).toEqual([
      { type: 'Account', fields: { FullName: 'alice@contoso.com' } },
      { type: 'IP', fields: { Address: '203.0.113.10' } },
    ]);
  });

  it('fills custom details by label', () => {
    expect(alert.details).toEqual({
      Mechanism: 'Run Command',
      MachineKind: 'Azure VM',
      Operation: 'Run Command on Virtual Machine',
      SourceLocation: 'Belgium',
      InvestigationPrio: '4',
    });
  });

  it('keeps the raw row with dates as ISO strings', () => {
    expect(alert.raw.TimeGenerated).toBe('2026-11-27T10:01:00.000Z');
    expect(alert.raw.ActivityInsights).toMatchObject({ FirstTimeUserPerformedAction: 'True' });
  });

  it('reads dynamic columns that arrive as JSON text', () => {
    const fromText = hitToAlert(
      runCommand,
      runCommandRow({ ActivityInsights: JSON.stringify({ FirstTimeUserPerformedAction: true }) }),
      'w',
    );
    expect(fromText.insights).toEqual(['FirstTimeUserPerformedAction']);
  });

  it('fingerprints by SourceRecordId and ActionType only', () => {
    const again = hitToAlert(
      runCommand,
      runCommandRow({ TimeGenerated: new Date('2026-11-27T11:00:00Z'), SourceIPAddress: '1.2.3.4' }),
      'sentinel-prod',
    );
    expect(again.fingerprint).toBe(alert.fingerprint);
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(hitToAlert(runCommand, runCommandRow({ SourceRecordId: 'rec-2' }), 'sentinel-prod').fingerprint).not.toBe(alert.fingerprint);
    expect(
      hitToAlert(runCommand, runCommandRow({ ActionType: 'Create or Update Virtual Machine Extension' }), 'sentinel-prod').fingerprint,
    ).not.toBe(alert.fingerprint);
  });

  it('refuses a hit without a fingerprint column, naming rule and column', () => {
    const row = runCommandRow();
    delete row.SourceRecordId;
    expect(() => hitToAlert(runCommand, row, 'w')).toThrow(DetectionHitError);
    expect(() => hitToAlert(runCommand, row, 'w')).toThrow(/First-time Azure Run Command.*fingerprint column SourceRecordId is missing/);
    expect(() => hitToAlert(runCommand, runCommandRow({ SourceRecordId: '' }), 'w')).toThrow(/SourceRecordId is empty/);
  });
});

describe('hitToAlert for suspicious-signin-burst, on the engine result of its own query', () => {
  const testCase = signin.firstwatch.tests[0];
  const tables = buildTestTables(testCase.tables);
  const now = new Date('2026-11-27T11:00:00Z');
  const run = buildRunQuery(signin, { ingestStart: new Date('2026-11-27T10:00:00Z'), ingestEnd: now });
  const result = runQuery(run.query, tableSource(tables), { now, timespan: run.timespan });
  const row = Object.fromEntries(result.columns.map((c, i) => [c.name, result.rows[0][i]]));
  const alert = hitToAlert(signin, row, 'local');

  it('returns exactly the brute-forced account', () => {
    expect(result.rows).toHaveLength(1);
    expect(row.UserPrincipalName).toBe('alice@contoso.com');
  });

  it('renders title and description from the row', () => {
    expect(alert.title).toBe('alice@contoso.com signed in from 198.51.100.7 after 5 failed attempts');
    expect(alert.description).toBe(
      'A successful sign-in to Azure Portal from 198.51.100.7 followed 5 failed password attempts from the same address within the hour.',
    );
    expect(alert.severity).toBe('High');
    expect(alert.tactics).toEqual(['CredentialAccess', 'InitialAccess']);
  });

  it('maps Account, IP and Host entities and the subject', () => {
    expect(alert.entities).toEqual([
      {
        type: 'Account',
        fields: { FullName: 'alice@contoso.com', DisplayName: 'Alice Example', AadUserId: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b' },
      },
      { type: 'IP', fields: { Address: '198.51.100.7' } },
      { type: 'Host', fields: { HostName: 'ALICE-LAPTOP' } },
    ]);
    expect(alert.subject).toEqual({
      upn: 'alice@contoso.com',
      displayName: 'Alice Example',
      aadObjectId: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    });
    expect(alert.sourceIp).toBe('198.51.100.7');
    expect(alert.insights).toEqual([]);
  });

  it('fills custom details, dates and lists as text', () => {
    expect(alert.details).toMatchObject({
      FailedAttempts: '5',
      FirstFailure: '2026-11-27T10:10:00.000Z',
      Application: 'Azure Portal',
      Country: 'NL',
    });
    expect(JSON.parse(alert.details.FailureCodes)).toEqual(expect.arrayContaining(['50126', '50053']));
    expect(alert.eventTime).toEqual(new Date('2026-11-27T10:20:00Z'));
  });

  it('fingerprints by entity columns and TimeGenerated when the rule names no fingerprint', () => {
    expect(hitToAlert(signin, { ...row }, 'local').fingerprint).toBe(alert.fingerprint);
    expect(hitToAlert(signin, { ...row, TimeGenerated: new Date('2026-11-27T10:25:00Z') }, 'local').fingerprint).not.toBe(
      alert.fingerprint,
    );
    expect(hitToAlert(signin, { ...row, FailedAttempts: 9 }, 'local').fingerprint).toBe(alert.fingerprint);
  });
});

describe('alertDetailsOverride columns and defaults', () => {
  const rule = parseDetection(
    stringify(
      baseRule({
        severity: 'Low',
        tactics: ['Execution'],
        alertDetailsOverride: { alertSeverityColumnName: 'Sev', alertTacticsColumnName: 'Tac' },
        firstwatch: { fingerprint: ['Id'] },
      }),
    ),
    'r.yaml',
  ).detection;
  const base = { Id: 'x', TimeGenerated: new Date('2026-11-27T10:00:00Z'), UserPrincipalName: 'a@b.c' };

  it('takes severity and tactics from the named columns when valid', () => {
    const a = hitToAlert(rule, { ...base, Sev: 'high', Tac: ['Persistence', 'Nonsense'] }, 'w');
    expect(a.severity).toBe('High');
    expect(a.tactics).toEqual(['Persistence']);
    expect(hitToAlert(rule, { ...base, Tac: 'Discovery, Impact' }, 'w').tactics).toEqual(['Discovery', 'Impact']);
  });

  it('falls back to the rule when the columns are empty or invalid', () => {
    const a = hitToAlert(rule, { ...base, Sev: 'urgent', Tac: null }, 'w');
    expect(a.severity).toBe('Low');
    expect(a.tactics).toEqual(['Execution']);
    expect(a.title).toBe('Test rule');
    expect(a.description).toBe('A rule for tests.');
  });

  it('dates a hit without any time of its own at the run it came from', () => {
    expect(hitToAlert(rule, { Id: 'x' }, 'w', new Date('2026-11-27T13:00:00Z')).eventTime).toEqual(new Date('2026-11-27T13:00:00Z'));
  });

  it('renders placeholders, leaving nothing for a missing column', () => {
    expect(renderFormat('{{A}} by {{ B }} at {{Missing}}', { A: 1, B: 'bob' })).toBe('1 by bob at');
  });

  it('gives the same fingerprint to the same values, whatever else is in the row', () => {
    expect(fingerprintOf(rule, { Id: 'x' }, 'w')).toBe(fingerprintOf(rule, { Id: 'x', Other: 1 }, 'w'));
  });
});

describe('fingerprints and workspaces', () => {
  it('gives the same row in two workspaces two fingerprints, so each workspace alerts its own event', () => {
    const inProd = hitToAlert(runCommand, runCommandRow(), 'sentinel-prod');
    const inDev = hitToAlert(runCommand, runCommandRow(), 'sentinel-dev');
    expect(inDev.fingerprint).not.toBe(inProd.fingerprint);
    expect(hitToAlert(runCommand, runCommandRow(), 'sentinel-prod').fingerprint).toBe(inProd.fingerprint);
  });

  it('keeps the rule-wide fingerprint alerts were stored under before, the same in every workspace', () => {
    const ruleWide = ruleWideFingerprintOf(runCommand, runCommandRow());
    expect(ruleWide).toMatch(/^[0-9a-f]{32}$/);
    expect(ruleWide).toBe(ruleWideFingerprintOf(runCommand, runCommandRow()));
    expect(ruleWide).not.toBe(hitToAlert(runCommand, runCommandRow(), 'sentinel-prod').fingerprint);
    expect(ruleWideFingerprintOf(runCommand, runCommandRow({ SourceRecordId: 'rec-2' }))).not.toBe(ruleWide);
  });
});
