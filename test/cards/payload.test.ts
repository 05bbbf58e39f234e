import { parseCardActionPayload } from '../../src/cards/payload';

describe('parseCardActionPayload', () => {
  it('accepts an object or its JSON text', () => {
    const expected = { verb: 'resolve', alertId: 'FW-12', version: 3, note: 'done', classification: 'false_positive' };
    expect(parseCardActionPayload({ ...expected })).toEqual({ ok: true, payload: expected });
    expect(parseCardActionPayload(JSON.stringify(expected))).toEqual({ ok: true, payload: expected });
  });

  it('keeps only what the verb uses: a note on escalate, resolve and reopen, a classification on resolve', () => {
    const inputs = { note: 'seen', classification: 'true_positive' };
    expect(parseCardActionPayload({ verb: 'ack', alertId: 'FW-1', version: 1, ...inputs })).toEqual({
      ok: true,
      payload: { verb: 'ack', alertId: 'FW-1', version: 1 },
    });
    expect(parseCardActionPayload({ verb: 'escalate', alertId: 'FW-1', version: 1, ...inputs })).toEqual({
      ok: true,
      payload: { verb: 'escalate', alertId: 'FW-1', version: 1, note: 'seen' },
    });
  });

  it('ignores the msteams object Teams adds to Action.Submit data', () => {
    expect(parseCardActionPayload({ verb: 'ack', alertId: 'FW-1', version: 1, msteams: { x: 1 } })).toEqual({
      ok: true,
      payload: { verb: 'ack', alertId: 'FW-1', version: 1 },
    });
  });

  it('lets a resolve click without a classification through only when a form will ask for it', () => {
    const click = { verb: 'resolve', alertId: 'FW-1', version: 1 };
    expect(parseCardActionPayload(click)).toMatchObject({ ok: false, reason: expect.stringMatching(/resolve needs a classification/) });
    expect(parseCardActionPayload(click, { classificationFollows: true })).toEqual({ ok: true, payload: click });
  });

  it('treats untouched inputs (empty strings) as absent and trims the note', () => {
    expect(parseCardActionPayload({ verb: 'escalate', alertId: 'FW-1', version: 0, note: '  ', classification: '' })).toEqual({
      ok: true,
      payload: { verb: 'escalate', alertId: 'FW-1', version: 0 },
    });
    expect(parseCardActionPayload({ verb: 'escalate', alertId: 'FW-1', version: 0, note: '  call Bob \n' })).toMatchObject({
      payload: { note: 'call Bob' },
    });
  });

  it.each([
    ['not JSON', '{verb', /not valid JSON/],
    ['an array', [], /not an object/],
    ['null', null, /not an object/],
    ['an unknown verb', { verb: 'delete', alertId: 'FW-1', version: 1 }, /unknown action verb "delete"/],
    ['a bad alert id', { verb: 'ack', alertId: 'FW-0', version: 1 }, /alertId must look like FW-<number> \(the payload has "FW-0"\)/],
    ['a lower-case alert id', { verb: 'ack', alertId: 'fw-1', version: 1 }, /alertId/],
    ['a string version', { verb: 'ack', alertId: 'FW-1', version: '1' }, /version must be a non-negative integer \(the payload has "1"\)/],
    ['a fractional version', { verb: 'ack', alertId: 'FW-1', version: 1.5 }, /has 1.5/],
    ['a negative version', { verb: 'ack', alertId: 'FW-1', version: -1 }, /has -1/],
    ['a note that is not text', { verb: 'ack', alertId: 'FW-1', version: 1, note: 5 }, /note must be text/],
    ['a note over the limit', { verb: 'ack', alertId: 'FW-1', version: 1, note: 'x'.repeat(1001) }, /1001 characters; the limit is 1000/],
    [
      'an unknown classification',
      { verb: 'resolve', alertId: 'FW-1', version: 1, classification: 'maybe' },
      /unknown classification "maybe"/,
    ],
    ['an unknown key (nothing else travels in a payload)', { verb: 'ack', alertId: 'FW-1', version: 1, extra: 'x' }, /unknown key "extra"/],
    [
      'a key that could reach a prototype',
      JSON.parse('{"verb":"ack","alertId":"FW-1","version":1,"__proto__":{"x":1}}') as unknown,
      /forbidden key "__proto__"/,
    ],
    ['a note with a control character', { verb: 'escalate', alertId: 'FW-1', version: 1, note: 'a\u0007b' }, /control character U\+0007/],
    ['resolve without a classification', { verb: 'resolve', alertId: 'FW-1', version: 1 }, /resolve needs a classification/],
  ])('refuses %s with a reason', (_name, input, reason) => {
    const r = parseCardActionPayload(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
