import { formatDuration, parseDuration } from '../../src/config';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['10m', 600_000],
    ['6h', 21_600_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    [' 5m ', 300_000],
    ['0m', 0],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'm', '10 m', '1.5h', '-5m', '10min', '5m10', 'P1D'])('rejects %j with the accepted form', (text) => {
    expect(() => parseDuration(text)).toThrow(/e\.g\. 10m, 6h, 7d/);
  });

  it('round-trips through formatDuration', () => {
    for (const text of ['10m', '6h', '7d', '1h30m', '500ms', '0s']) {
      expect(formatDuration(parseDuration(text))).toBe(text);
    }
  });
});
