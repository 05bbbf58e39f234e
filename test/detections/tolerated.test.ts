import { rmSync } from 'node:fs';
import { loadDetections } from '../../src/detections';
import { baseRule, writeRules } from './fixtures';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function loadOne(rule: Record<string, unknown> | string) {
  const dir = writeRules({ 'rule.yaml': rule });
  dirs.push(dir);
  const loaded = loadDetections(dir);
  expect(loaded.rejected).toEqual([]);
  expect(loaded).toHaveLength(1);
  return { detection: loaded[0], warnings: loaded.warnings.join('\n') };
}

describe('what Sentinel accepts, the loader accepts with a warning', () => {
  it('compares kind without regard to case', () => {
    expect(loadOne(baseRule({ kind: 'scheduled' })).detection.kind).toBe('Scheduled');
  });

  it('reads kind NRT in any case, and runs an NRT rule every minute on any row', () => {
    const { detection, warnings } = loadOne(
      baseRule({ kind: 'nrt', queryFrequency: undefined, queryPeriod: undefined, triggerOperator: undefined, triggerThreshold: undefined }),
    );
    expect(detection).toMatchObject({ kind: 'NRT', cron: '* * * * *', triggerOperator: 'gt', triggerThreshold: 0 });
    expect(warnings).toMatch(/"nrt" read as NRT/);
  });

  it('leaves out tactics and techniques it does not know, naming each', () => {
    const { detection, warnings } = loadOne(baseRule({ tactics: ['Execution', 'DataDestruction'], relevantTechniques: ['T1651', '1651'] }));
    expect(detection.tactics).toEqual(['Execution']);
    expect(detection.techniques).toEqual(['T1651']);
    expect(warnings).toMatch(/tactics: "DataDestruction"/);
    expect(warnings).toMatch(/relevantTechniques: "1651"/);
  });

  it('reads a timespan followed by a comment', () => {
    const { detection, warnings } = loadOne(baseRule({ queryPeriod: '7d // wider on purpose' }));
    expect(detection.queryPeriodMs).toBe(7 * 86_400_000);
    expect(warnings).toMatch(/queryPeriod: .*comment/);
  });

  it('accepts up to 10 entity mappings, more than 3 identifiers, and identifiers spelled in another case', () => {
    const account = {
      entityType: 'Account',
      fieldMappings: ['FullName', 'Name', 'UPNSuffix', 'AadUserId'].map((identifier) => ({ identifier, columnName: identifier })),
    };
    const resource = { entityType: 'AzureResource', fieldMappings: [{ identifier: 'ResourceID', columnName: 'ResourceID' }] };
    const { detection, warnings } = loadOne(
      baseRule({ entityMappings: [account, resource, ...Array.from({ length: 8 }, () => resource)] }),
    );
    expect(detection.entityMappings).toHaveLength(10);
    expect(detection.entityMappings[1]?.fieldMappings[0]?.identifier).toBe('ResourceId');
    expect(warnings).toMatch(/4 identifiers/);
  });

  it('still refuses an eleventh entity mapping', () => {
    const dir = writeRules({
      'rule.yaml': baseRule({
        entityMappings: Array.from({ length: 11 }, () => ({
          entityType: 'IP',
          fieldMappings: [{ identifier: 'Address', columnName: 'IP' }],
        })),
      }),
    });
    dirs.push(dir);
    expect(loadDetections(dir).rejected[0]?.field).toBe('entityMappings');
  });
});
