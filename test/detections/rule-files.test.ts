import { readdirSync } from 'node:fs';
import { describeOutcome, loadDetections, parseDetection, runDetectionTests } from '../../src/detections';
import { buildTestTables } from '../../src/detections/test-tables';
import { REPO_DETECTIONS } from './fixtures';

/** Every rule file in detections/ is checked against its own test cases. */
describe.each(readdirSync(REPO_DETECTIONS).filter((f) => /\.ya?ml$/.test(f)))('detections/%s', (file) => {
  const loaded = loadDetections(REPO_DETECTIONS);
  const detection = loaded.find((d) => d.file.endsWith(file));

  it('loads', () => {
    expect(detection).toBeDefined();
  });

  it('has test cases with expected hits and misses', () => {
    const cases = detection?.firstwatch.tests ?? [];
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.some((c) => c.hits.length > 0)).toBe(true);
    expect(cases.some((c) => c.misses.length > 0)).toBe(true);
  });

  it('passes its own test cases', () => {
    const outcomes = detection ? runDetectionTests(detection) : [];
    expect(outcomes.length).toBe(detection?.firstwatch.tests.length);
    expect(outcomes.filter((o) => !o.passed).map(describeOutcome)).toEqual([]);
  });
});

const SEED_STYLE = `
id: 0b7c1d7e-4bb0-4d55-9a8f-3f1a2b3c4d5e
name: Seed filters, bounded by ingestion time
description: The seed's original filters, to show what they miss.
severity: Medium
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: |
  BehaviorAnalytics
  | where ingestion_time() > _fw_window_start and ingestion_time() <= _fw_window_end
  | extend ActivityInsights = parse_json(ActivityInsights)
  | where ActivityInsights.EventMessage has_any ('runCommand/action', 'extensions/write')
  | where ActivityInsights.FirstTimeUserPerformedAction == "True"
kind: Scheduled
firstwatch:
  window: ingestion-time
  fingerprint: [SourceRecordId, ActionType]
  tests:
    - name: forms the seed's filters miss or wrongly catch
      key: SourceRecordId
      tables:
        BehaviorAnalytics:
          - { TimeGenerated: "2026-11-27T10:00:00Z", SourceRecordId: classic, ActionType: x, ActivityInsights: { FirstTimeUserPerformedAction: "True", EventMessage: Microsoft.Compute/virtualMachines/runCommand/action } }
          - { TimeGenerated: "2026-11-27T10:01:00Z", SourceRecordId: managed, ActionType: x, ActivityInsights: { FirstTimeUserPerformedAction: "True", EventMessage: Microsoft.Compute/virtualMachines/runCommands/write } }
          - { TimeGenerated: "2026-11-27T10:02:00Z", SourceRecordId: display-name, ActionType: Run Command on Virtual Machine, ActivityInsights: { FirstTimeUserPerformedAction: "True" } }
          - { TimeGenerated: "2026-11-27T10:03:00Z", SourceRecordId: kubernetes, ActionType: x, ActivityInsights: { FirstTimeUserPerformedAction: "True", EventMessage: Microsoft.KubernetesConfiguration/extensions/write } }
      hits: [classic, managed, display-name]
      misses: [kubernetes]
`;

describe('runDetectionTests reports what a rule gets wrong', () => {
  const { detection } = parseDetection(SEED_STYLE, 'seed-style.yaml');
  const [outcome] = runDetectionTests(detection);

  it('lists the expected hits it missed and the rows that hit unexpectedly', () => {
    expect(outcome.passed).toBe(false);
    expect(outcome.missed).toEqual(['managed', 'display-name']);
    expect(outcome.unexpected).toEqual(['kubernetes']);
    expect(describeOutcome(outcome)).toBe(
      "FAIL seed-style.yaml › forms the seed's filters miss or wrongly catch: missed managed, display-name; unexpected kubernetes",
    );
  });

  it('reports a query the engine cannot run as an error, with every expected hit missed', () => {
    const broken = { ...detection, query: `${detection.query}\n| where NoSuchColumn == 1` };
    const [o] = runDetectionTests(broken);
    expect(o.passed).toBe(false);
    expect(o.error).toMatch(/NoSuchColumn/);
    expect(o.missed).toEqual(['classic', 'managed', 'display-name']);
  });

  it('reports a key column the result lacks', () => {
    const noKey = { ...detection, firstwatch: { ...detection.firstwatch, tests: [{ ...detection.firstwatch.tests[0], key: 'Missing' }] } };
    expect(runDetectionTests(noKey)[0].error).toMatch(/no key column Missing/);
  });

  it('fails a case whose hits cannot become alerts', () => {
    const badFingerprint = { ...detection, firstwatch: { ...detection.firstwatch, fingerprint: ['NotAColumn'] } };
    expect(runDetectionTests(badFingerprint)[0].error).toMatch(/fingerprint column NotAColumn is missing/);
  });

  it('applies the trigger threshold', () => {
    const strict = { ...detection, triggerThreshold: 5 };
    const [o] = runDetectionTests(strict);
    expect(o.missed).toEqual(['classic', 'managed', 'display-name']);
    expect(o.unexpected).toEqual([]);
  });
});

describe('test tables', () => {
  it('rejects a column that mixes types, naming it', () => {
    const text = SEED_STYLE.replace('SourceRecordId: classic, ActionType: x', 'SourceRecordId: classic, ActionType: x, Extra: 1').replace(
      'SourceRecordId: managed, ActionType: x',
      'SourceRecordId: managed, ActionType: x, Extra: two',
    );
    const [o] = runDetectionTests(parseDetection(text, 'mixed.yaml').detection);
    expect(o.error).toMatch(/column Extra mixes long and string values/);
  });

  it('gives a known table all its columns, typed as in Log Analytics', () => {
    const tables = buildTestTables({
      BehaviorAnalytics: { columns: {}, rows: [{ values: { TimeGenerated: '2026-11-27T10:00:00Z', InvestigationPriority: '3' } }] },
    });
    const [t] = tables;
    expect(t.columns).toEqual(
      expect.arrayContaining([
        { name: 'ActivityInsights', type: 'dynamic' },
        { name: 'InvestigationPriority', type: 'int' },
      ]),
    );
    expect(t.rows[0]).toMatchObject({ TimeGenerated: new Date('2026-11-27T10:00:00Z'), InvestigationPriority: 3, UserName: null });
    expect(t.ingestionTimes).toEqual([new Date('2026-11-27T10:00:00Z')]);
  });
});
