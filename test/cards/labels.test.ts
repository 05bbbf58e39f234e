import { asPointInTime, humanLabel, readableValue } from '../../src/cards/labels';
import { describeSigninCode } from '../../src/cards/signin-codes';

describe('custom details as a person reads them', () => {
  it.each([
    ['MachineKind', 'Machine kind'],
    ['EventMessage', 'Azure operation'],
    ['InvestigationPrio', 'Investigation priority'],
    ['FailedAttempts', 'Failed attempts'],
    ['DNSDomainName', 'DNS domain name'],
    ['distinct_apps', 'Distinct apps'],
  ])('labels %s as "%s"', (key, label) => {
    expect(humanLabel(key)).toBe(label);
  });

  it('reads a JSON array of sign-in result codes as codes with their meaning, unknown codes as they are', () => {
    expect(readableValue('FailureCodes', '["50126","50053","99999"]')).toBe(
      '50126 — invalid username or password, 50053 — account locked or sign-in blocked after too many attempts, 99999',
    );
    expect(readableValue('ResultType', '50126')).toBe('50126 — invalid username or password');
    expect(describeSigninCode('12345')).toBe('12345');
  });

  it('reads an object as labelled values and leaves other text, broken JSON and numbers in other details alone', () => {
    expect(readableValue('Location', '{"city":"Amsterdam","countryOrRegion":"NL"}')).toBe('City: Amsterdam; Country or region: NL');
    expect(readableValue('Apps', '["Azure Portal","Teams"]')).toBe('Azure Portal, Teams');
    expect(readableValue('Command', '[not json')).toBe('[not json');
    expect(readableValue('FailedAttempts', '50126')).toBe('50126');
  });

  it('knows a point in time, and nothing else, for the reader-zone rendering', () => {
    expect(asPointInTime('2026-11-27T13:41:07.000Z')).toEqual(new Date('2026-11-27T13:41:07Z'));
    expect(asPointInTime('2026-11-27T13:41:07+01:00')).toEqual(new Date('2026-11-27T12:41:07Z'));
    expect(asPointInTime('27 Nov 2026')).toBeUndefined();
    expect(asPointInTime('2026-13-45T99:99:99Z')).toBeUndefined();
  });
});
