import { stringify } from 'yaml';
import { fingerprintOf, hitToAlert, parseDetection } from '../../src/detections';
import { baseRule } from './fixtures';

/** A rule whose rows are aggregates: no TimeGenerated, one row per caller. */
const aggregate = parseDetection(
  stringify(
    baseRule({
      query:
        'AzureActivity | summarize StartTime = min(TimeGenerated), EndTime = max(TimeGenerated), Operations = make_set(OperationNameValue), Count = count() by Caller',
      entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'Caller' }] }],
    }),
  ),
  'aggregate.yaml',
).detection;

const row = {
  Caller: 'alice@contoso.com',
  StartTime: new Date('2026-11-27T10:00:00Z'),
  EndTime: new Date('2026-11-27T10:30:00Z'),
  Operations: ['b/write', 'a/delete'],
  Count: 4,
};

describe('a rule whose result rows have no TimeGenerated', () => {
  it('raises an alert dated by the row’s own start time', () => {
    const alert = hitToAlert(aggregate, row, 'w', new Date('2026-11-27T12:00:00Z'));
    expect(alert.eventTime).toEqual(row.StartTime);
    expect(alert.entities).toEqual([{ type: 'Account', fields: { FullName: 'alice@contoso.com' } }]);
  });

  it('gives the same aggregate seen again (even with its sets in another order) the same fingerprint', () => {
    expect(fingerprintOf(aggregate, { ...row, Operations: ['a/delete', 'b/write'] }, 'w')).toBe(fingerprintOf(aggregate, row, 'w'));
    expect(fingerprintOf(aggregate, { ...row, Operations: JSON.stringify(['a/delete', 'b/write']) }, 'w')).toBe(
      fingerprintOf(aggregate, row, 'w'),
    );
  });

  it('gives a changed aggregate a new fingerprint', () => {
    expect(fingerprintOf(aggregate, { ...row, Count: 5 }, 'w')).not.toBe(fingerprintOf(aggregate, row, 'w'));
    expect(fingerprintOf(aggregate, { ...row, Caller: 'bob@contoso.com' }, 'w')).not.toBe(fingerprintOf(aggregate, row, 'w'));
  });

  it('keys an event row without entity columns by all its values, not by its time alone', () => {
    const bare = parseDetection(stringify(baseRule({ entityMappings: [] })), 'bare.yaml').detection;
    const t = new Date('2026-11-27T10:00:00Z');
    expect(fingerprintOf(bare, { TimeGenerated: t, Id: 'a' }, 'w')).not.toBe(fingerprintOf(bare, { TimeGenerated: t, Id: 'b' }, 'w'));
  });

  it('leaves out entity columns the result does not carry instead of refusing the row', () => {
    const t = new Date('2026-11-27T10:00:00Z');
    const rule = parseDetection(
      stringify(
        baseRule({
          entityMappings: [
            { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }] },
            { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IPAddress' }] },
          ],
        }),
      ),
      'partial.yaml',
    ).detection;
    expect(() => hitToAlert(rule, { TimeGenerated: t, UserPrincipalName: 'a@b.c' }, 'w')).not.toThrow();
    expect(fingerprintOf(rule, { TimeGenerated: t, UserPrincipalName: 'a@b.c', Other: 1 }, 'w')).toBe(
      fingerprintOf(rule, { TimeGenerated: t, UserPrincipalName: 'a@b.c' }, 'w'),
    );
  });
});
