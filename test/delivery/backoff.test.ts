import { backoffMs } from '../../src/delivery/backoff';

describe('backoffMs (exponential, equal jitter)', () => {
  it('waits at least half the ceiling and at most the ceiling', () => {
    expect(backoffMs(1, 500, 8_000, () => 0)).toBe(250);
    expect(backoffMs(1, 500, 8_000, () => 0.999999)).toBe(500);
  });

  it('doubles the ceiling on each attempt up to the maximum', () => {
    const half = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 500, 8_000, half))).toEqual([375, 750, 1_500, 3_000, 6_000, 6_000]);
  });

  it('treats attempt 0 like the first attempt', () => {
    expect(backoffMs(0, 1_000, 60_000, () => 0)).toBe(500);
  });
});
