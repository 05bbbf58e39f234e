import { retryAfterMs } from '../../src/workspace/retry-after';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] });

describe('retryAfterMs', () => {
  it('reads retry-after-ms first, then Retry-After in seconds or as an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({ 'x-ms-retry-after-ms': '40' }))).toBe(40);
    expect(retryAfterMs(headers({ 'retry-after': '30' }))).toBe(30_000);
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Tue, 01 Dec 2026 00:00:12 GMT' }), now)).toBe(12_000);
  });

  it('answers undefined for no header or one it cannot read', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});
