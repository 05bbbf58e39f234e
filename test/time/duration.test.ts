import {
  durationShortWords,
  durationWords,
  formatDuration,
  formatInOneUnit,
  parseDuration,
  parseInOneUnit,
  spanWords,
} from '../../src/time/duration';

describe('durations, one module for config, hunts and cards', () => {
  it('reads the configuration syntax, chained units included, and writes it back exactly', () => {
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });

  it('reads one whole unit of m, h or d (look-backs, rule timespans) and nothing else', () => {
    expect(parseInOneUnit('90m')).toBe(5_400_000);
    expect(parseInOneUnit('7d')).toBe(604_800_000);
    expect(parseInOneUnit('1h30m')).toBeUndefined();
    expect(parseInOneUnit('1.5h')).toBeUndefined();
    expect(parseInOneUnit('P1D')).toBeUndefined();
  });

  it('writes one whole unit, the largest that divides evenly', () => {
    expect(formatInOneUnit(604_800_000)).toBe('7d');
    expect(formatInOneUnit(5_400_000)).toBe('90m');
    expect(formatInOneUnit(86_400_000 * 2 + 3_600_000)).toBe('49h');
  });

  it('says durations in words for cards, messages and reports', () => {
    expect([604_800_000, 86_400_000, 24 * 3_600_000 * 3 + 3_600_000, 5_400_000].map(durationShortWords)).toEqual([
      '7 days',
      '1 day',
      '73 h',
      '90 min',
    ]);
    expect([900_000, 3_600_000, 5_400_000, 7_200_000].map(durationWords)).toEqual(['15 minutes', '1 hour', '90 minutes', '2 hours']);
    expect([604_800_000, 36 * 3_600_000, 60_000].map(spanWords)).toEqual(['7 days', '36 hours', '1 minute']);
  });
});
