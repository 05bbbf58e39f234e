import { parseCardActionPayload } from '../../src/cards/payload';

describe('parseCardActionPayload', () => {
  it('accepts an object or its JSON text and keeps only the payload fields', () => {
    const expected = { verb: 'resolve', alertId: 'FW-12', version: 3, note: 'done', classification: 'false_positive' };
    expect(parseCardActionPayload({ ...expected, extra: 'ignored' })).toEqual({ ok: true, payload: expected });
    expect(parseCardActionPayload(JSON.stringify(expected))).toEqual({ ok: true, payload: expected });
  });

  it('treats untouched inputs (empty strings) as absent and trims the note', () => {
    expect(parseCardActionPayload({ verb: 'escalate', alertId: 'FW-1', version: 0, note: '  ', classification: '' })).toEqual({
      ok: true,
      payload: { verb: 'escalate', alertId: 'FW-1', version: 0 },
    });
    expect(parseCardActionPayload({ verb: 'escalate', alertId: 'FW-1', version: 0, note: '  call Bob \n' })).toMatchObject({ payload: { note: 'call Bob' } });
  });

  it.each([
    ['not JSON', '{verb', /not valid JSON/],
    ['an array', [], /not an object/],
    ['null', null, /not an object/],
    ['an unknown verb', { verb: 'delete', alertId: 'FW-1', version: 1 }, /unknown action verb "delete"/],
    ['a bad alert id', { verb: 'ack', alertId: 'FW-0', version: 1 }, /alertId "FW-0"/],
    ['a lower-case alert id', { verb: 'ack', alertId: 'fw-1', version: 1 }, /alertId/],
    ['a string version', { verb: 'ack', alertId: 'FW-1', version: '1' }, /version "1"/],
    ['a fractional version', { verb: 'ack', alertId: 'FW-1', version: 1.5 }, /version 1.5/],
    ['a negative version', { verb: 'ack', alertId: 'FW-1', version: -1 }, /version -1/],
    ['a note that is not text', { verb: 'ack', alertId: 'FW-1', version: 1, note: 5 }, /note is not text/],
    ['a note over the limit', { verb: 'ack', alertId: 'FW-1', version: 1, note: 'x'.repeat(1001) }, /1001 characters; the limit is 1000/],
    ['an unknown classification', { verb: 'resolve', alertId: 'FW-1', version: 1, classification: 'maybe' }, /unknown classification "maybe"/],
  ])('refuses %s with a reason', (_name, input, reason) => {
    const r = parseCardActionPayload(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
